//! Errors that name the URL, say what to do, and never carry a credential.

use std::fmt;

/// What went wrong, by the exit code it leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The URL, `storage.yaml` or the credentials are wrong: exit 2.
    Config,
    /// The object is missing, changed, truncated or unreadable: exit 3.
    Data,
}

/// An error reaching or reading a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageError {
    /// Configuration or data.
    pub kind: Kind,
    /// The URL it is about.
    pub url: String,
    /// What happened and what to do, already scrubbed of secrets.
    pub message: String,
}

impl StorageError {
    /// A configuration error about `url`.
    pub fn config(url: &str, message: impl Into<String>) -> StorageError {
        StorageError {
            kind: Kind::Config,
            url: url.to_string(),
            message: crate::secrets::scrub(&message.into()),
        }
    }

    /// A data error about `url`.
    pub fn data(url: &str, message: impl Into<String>) -> StorageError {
        StorageError {
            kind: Kind::Data,
            url: url.to_string(),
            message: crate::secrets::scrub(&message.into()),
        }
    }

    /// The process exit code this error leads to: 2 for configuration, 3 for data.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::Config => 2,
            Kind::Data => 3,
        }
    }

    /// Words an `object_store` error about `url`.
    pub(crate) fn from_store(url: &str, e: &object_store::Error) -> StorageError {
        use object_store::Error as E;
        let detail = e.to_string();
        match e {
            E::NotFound { .. } => StorageError::data(
                url,
                "the object does not exist (404); check the path, or whether it was deleted",
            ),
            E::Precondition { .. } => StorageError::data(
                url,
                "the object was replaced during the run (its ETag changed); run again on a stable copy",
            ),
            E::PermissionDenied { .. } => StorageError::config(
                url,
                format!(
                    "access denied (403): the credentials may not read this object; check the bucket policy or the variables storage.yaml names ({detail})"
                ),
            ),
            E::Unauthenticated { .. } => StorageError::config(
                url,
                format!(
                    "the store refused the credentials (401/403); check the access key and secret ({detail})"
                ),
            ),
            E::Generic { .. } if detail.contains("NoSuchBucket") => StorageError::config(
                url,
                "the bucket does not exist; check the bucket name and the endpoint",
            ),
            E::Generic { .. }
                if detail.contains("InvalidAccessKeyId")
                    || detail.contains("SignatureDoesNotMatch")
                    || detail.contains("AccessDenied")
                    || detail.contains("403 Forbidden") =>
            {
                StorageError::config(
                    url,
                    format!(
                        "the store refused the request (403): check the access key, the secret and the bucket policy ({})",
                        first_line(&detail)
                    ),
                )
            }
            _ => StorageError::data(
                url,
                format!(
                    "cannot read from the store (after retries): {}",
                    first_line(&detail)
                ),
            ),
        }
    }
}

/// The first line of a store's message, bounded: response bodies can be long.
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(400).collect();
    if line.chars().count() > 400 {
        out.push('…');
    }
    out
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.url, self.message)
    }
}

impl std::error::Error for StorageError {}
