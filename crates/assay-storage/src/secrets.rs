//! Credentials never leave in a message: every error text is scrubbed of the values of the
//! environment variables that hold secrets, the standard ones of each cloud and the ones
//! `storage.yaml` names.

use std::sync::{Mutex, OnceLock};

/// The standard variables that hold secrets (as `object_store`'s builders read them).
pub const SECRET_VARIABLES: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_ACCESS_KEY",
    "AZURE_STORAGE_MASTER_KEY",
    "AZURE_STORAGE_SAS_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_TOKEN",
    "AZURE_CLIENT_SECRET",
    "GOOGLE_SERVICE_ACCOUNT_KEY",
    "GOOGLE_APPLICATION_CREDENTIALS_JSON",
];

fn extra() -> &'static Mutex<Vec<String>> {
    static EXTRA: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    EXTRA.get_or_init(|| Mutex::new(Vec::new()))
}

/// Adds a variable whose value must never be shown (one `storage.yaml` names for a secret).
pub fn register(variable: &str) {
    let mut v = extra().lock().unwrap_or_else(|p| p.into_inner());
    if !v.iter().any(|x| x == variable) {
        v.push(variable.to_string());
    }
}

/// `text` with every secret value replaced by `[redacted]`.
pub fn scrub(text: &str) -> String {
    let mut out = text.to_string();
    let names: Vec<String> = {
        let v = extra().lock().unwrap_or_else(|p| p.into_inner());
        SECRET_VARIABLES
            .iter()
            .map(|s| s.to_string())
            .chain(v.iter().cloned())
            .collect()
    };
    for name in names {
        if let Ok(value) = std::env::var(&name)
            // Short values ("1", "true") are not secrets and would mangle the text.
            && value.len() >= 6
        {
            out = out.replace(&value, "[redacted]");
        }
    }
    out
}
