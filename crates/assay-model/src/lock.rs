//! The lock (`dataset.lock`): exactly which bytes a dataset is.
//!
//! Written by `assay lock` beside the manifest, like `Cargo.lock`: every resolved file with its
//! size, sha256, row and row-group counts and a schema fingerprint, a digest per resource and for
//! the whole dataset, and the manifest's own hash. The JSON is deterministic: same files, same
//! bytes.
//!
//! Digests are sha256 over a canonical text, one line per file, sorted by path:
//!
//! ```text
//! <sha256 hex> <bytes> <path>\n
//! ```
//!
//! The dataset digest covers every file of every resource once (a file matched by two resources
//! counts once), so it names the data, not how the manifest groups it. Validation reports carry
//! the same per-file hashes, so the digest can be recomputed from a report.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::hex;

/// The lock format version.
pub const LOCK_VERSION: u32 = 1;

/// The lock file name, beside the manifest.
pub const LOCK_FILE_NAME: &str = "dataset.lock";

/// A dataset's lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Assay dataset lock", extend("$id" = "https://assay.dev/schemas/lock.schema.json"))]
pub struct Lock {
    /// Format version of this document; always 1.
    pub lock_version: u32,
    /// The dataset's `name` in the manifest it was locked from.
    pub dataset: String,
    /// The dataset's `version`.
    pub version: String,
    /// The manifest the lock was made from.
    pub manifest: LockedManifest,
    /// sha256 over every file of the dataset: `sha256:<hex>`.
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub digest: String,
    /// Resources, in manifest order.
    pub resources: Vec<LockedResource>,
}

/// The manifest a lock was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LockedManifest {
    /// File name beside the lock (`dataset.yaml`).
    pub path: String,
    /// sha256 of its bytes, lowercase hex.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// sha256 of what the lock binds in the manifest ([`binding_sha256`]): the name, the
    /// version, and each resource's paths, schema and checks. A change elsewhere (a title, a
    /// description, keywords, the owner) keeps the lock valid: nothing needs re-hashing. Absent
    /// in locks written before it existed, which bind the manifest's bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub binding: Option<String>,
}

/// Keys that describe rather than bind: a change to them does not invalidate a lock.
const DESCRIPTIVE: &[&str] = &["title", "titleZh", "description", "descriptionZh"];

fn strip_descriptive(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(o) => {
            for k in DESCRIPTIVE {
                o.remove(*k);
            }
            for x in o.values_mut() {
                strip_descriptive(x);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_descriptive),
        _ => {}
    }
}

/// sha256 (lowercase hex) of the parts of a manifest a lock binds: `name`, `version`, every
/// resource with its titles and descriptions (of the resource, its columns and its checks)
/// left out, and the training set (`ml:`) where there is one. Dataset-level metadata (title, description, keywords, owner, steward, licences,
/// coverage, sources) is not bound.
pub fn binding_sha256(m: &crate::manifest::Manifest) -> String {
    let mut resources = serde_json::to_value(&m.resources).unwrap_or_default();
    strip_descriptive(&mut resources);
    let mut bound = serde_json::json!({
        "name": m.name,
        "version": m.version,
        "resources": resources,
    });
    // The training set's splits and checks, where declared (a manifest without one binds as
    // before).
    if let Some(ml) = &m.ml {
        bound["ml"] = serde_json::to_value(ml).unwrap_or_default();
    }
    let mut h = Sha256::new();
    h.update(serde_json::to_string(&bound).unwrap_or_default().as_bytes());
    hex(&h.finalize())
}

/// One resource's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LockedResource {
    /// Resource name.
    pub name: String,
    /// sha256 over the resource's files: `sha256:<hex>`.
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub digest: String,
    /// Files, sorted by path.
    pub files: Vec<LockedFile>,
}

/// One file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LockedFile {
    /// Path relative to the dataset folder, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// sha256 of the bytes, lowercase hex.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: String,
    /// Rows, from the Parquet footer.
    pub rows: u64,
    /// Row groups, from the Parquet footer.
    pub row_groups: u64,
    /// sha256 of the canonical form of the file's Parquet schema: `sha256:<hex>`.
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub schema: String,
    /// For an object in a store (`path` is then its URL): the store's ETag when locked, which
    /// `verify --quick` compares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

/// The identity of one file that a digest covers.
pub trait FileIdentity {
    /// Relative path.
    fn path(&self) -> &str;
    /// Size in bytes.
    fn bytes(&self) -> u64;
    /// sha256, lowercase hex.
    fn sha256(&self) -> &str;
}

impl FileIdentity for LockedFile {
    fn path(&self) -> &str {
        &self.path
    }
    fn bytes(&self) -> u64 {
        self.bytes
    }
    fn sha256(&self) -> &str {
        &self.sha256
    }
}

/// `sha256:<hex>` over the canonical lines of `files` (sorted by path, each path once).
pub fn digest<'a, F: FileIdentity + 'a>(files: impl IntoIterator<Item = &'a F>) -> String {
    let mut lines: BTreeMap<&str, (u64, &str)> = BTreeMap::new();
    for f in files {
        lines.insert(f.path(), (f.bytes(), f.sha256()));
    }
    let mut h = Sha256::new();
    for (path, (bytes, sha)) in lines {
        h.update(format!("{sha} {bytes} {path}\n").as_bytes());
    }
    format!("sha256:{}", hex(&h.finalize()))
}

impl Lock {
    /// Builds a lock, computing the resource and dataset digests.
    pub fn new(
        dataset: &str,
        version: &str,
        manifest: LockedManifest,
        resources: Vec<(String, Vec<LockedFile>)>,
    ) -> Lock {
        let resources: Vec<LockedResource> = resources
            .into_iter()
            .map(|(name, mut files)| {
                files.sort_by(|a, b| a.path.cmp(&b.path));
                LockedResource {
                    digest: digest(&files),
                    name,
                    files,
                }
            })
            .collect();
        let all = resources.iter().flat_map(|r| r.files.iter());
        Lock {
            lock_version: LOCK_VERSION,
            dataset: dataset.to_string(),
            version: version.to_string(),
            manifest,
            digest: digest(all),
            resources,
        }
    }

    /// The lock as committed: pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a lock always serializes");
        s.push('\n');
        s
    }

    /// Parses and checks a lock: the format version, every hash's spelling, sorted unique paths
    /// and digests that match the files listed. Errors name what is wrong.
    pub fn parse(text: &str) -> Result<Lock, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        match value.get("lock_version").and_then(|v| v.as_u64()) {
            Some(v) if v == LOCK_VERSION as u64 => {}
            Some(v) => {
                return Err(format!(
                    "lock_version {v} is not supported (this assay reads version {LOCK_VERSION}); re-run `assay lock`"
                ));
            }
            None => return Err("`lock_version` is missing".into()),
        }
        let lock: Lock = serde_json::from_value(value).map_err(|e| e.to_string())?;
        let hex64 =
            |s: &str| s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let tagged = |s: &str| s.strip_prefix("sha256:").is_some_and(hex64);
        if !hex64(&lock.manifest.sha256) {
            return Err(format!(
                "manifest.sha256 `{}` is not 64 lowercase hex digits",
                lock.manifest.sha256
            ));
        }
        if lock.manifest.path.is_empty()
            || lock.manifest.path.contains(['/', '\\'])
            || lock.manifest.path == ".."
            || lock.manifest.path == "."
        {
            return Err(format!(
                "manifest.path `{}` must be a file name beside the lock",
                lock.manifest.path
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        if let Some(r) = lock
            .resources
            .iter()
            .find(|r| !names.insert(r.name.as_str()))
        {
            return Err(format!("resource `{}` is listed twice", r.name));
        }
        if !tagged(&lock.digest) {
            return Err(format!(
                "digest `{}` is not sha256:<64 hex digits>",
                lock.digest
            ));
        }
        for r in &lock.resources {
            if !tagged(&r.digest) {
                return Err(format!(
                    "resource `{}`: digest `{}` is not sha256:<64 hex digits>",
                    r.name, r.digest
                ));
            }
            for (i, f) in r.files.iter().enumerate() {
                if !hex64(&f.sha256) {
                    return Err(format!(
                        "resource `{}`, file `{}`: sha256 `{}` is not 64 lowercase hex digits",
                        r.name, f.path, f.sha256
                    ));
                }
                if !tagged(&f.schema) {
                    return Err(format!(
                        "resource `{}`, file `{}`: schema `{}` is not sha256:<64 hex digits>",
                        r.name, f.path, f.schema
                    ));
                }
                if i > 0 && r.files[i - 1].path >= f.path {
                    return Err(format!(
                        "resource `{}`: files are not sorted by path, or `{}` is listed twice",
                        r.name, f.path
                    ));
                }
            }
            if digest(&r.files) != r.digest {
                return Err(format!(
                    "resource `{}`: the digest does not match its files (the lock was edited by hand?)",
                    r.name
                ));
            }
        }
        if digest(lock.resources.iter().flat_map(|r| r.files.iter())) != lock.digest {
            return Err(
                "the dataset digest does not match its files (the lock was edited by hand?)".into(),
            );
        }
        Ok(lock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, sha: char) -> LockedFile {
        LockedFile {
            path: path.into(),
            bytes: 10,
            sha256: sha.to_string().repeat(64),
            rows: 1,
            row_groups: 1,
            schema: format!("sha256:{}", "0".repeat(64)),
            etag: None,
        }
    }

    fn lock() -> Lock {
        Lock::new(
            "d",
            "1.0.0",
            LockedManifest {
                binding: None,
                path: "dataset.yaml".into(),
                sha256: "f".repeat(64),
            },
            vec![
                (
                    "a".into(),
                    vec![file("data/b.parquet", 'b'), file("data/a.parquet", 'a')],
                ),
                ("b".into(), vec![file("data/a.parquet", 'a')]),
            ],
        )
    }

    #[test]
    fn digest_ignores_order_and_duplicates() {
        let l = lock();
        assert_eq!(l.resources[0].files[0].path, "data/a.parquet");
        let reversed = [file("data/b.parquet", 'b'), file("data/a.parquet", 'a')];
        assert_eq!(digest(&reversed), l.resources[0].digest);
        // The dataset digest counts the shared file once: it equals resource a's digest.
        assert_eq!(l.digest, l.resources[0].digest);
        assert_ne!(l.resources[1].digest, l.digest);
    }

    #[test]
    fn digest_changes_with_any_field() {
        let base = digest(&[file("x", 'a')]);
        let mut f = file("x", 'a');
        f.bytes = 11;
        assert_ne!(digest(&[f]), base);
        assert_ne!(digest(&[file("y", 'a')]), base);
        assert_ne!(digest(&[file("x", 'b')]), base);
    }

    #[test]
    fn parse_round_trip_and_rejections() {
        let l = lock();
        assert_eq!(Lock::parse(&l.to_json()).unwrap(), l);
        let bad_hash = l.to_json().replacen(&"a".repeat(64), &"A".repeat(64), 1);
        assert!(
            Lock::parse(&bad_hash)
                .unwrap_err()
                .contains("64 lowercase hex")
        );
        let v2 = l
            .to_json()
            .replace("\"lock_version\": 1", "\"lock_version\": 2");
        assert!(Lock::parse(&v2).unwrap_err().contains("lock_version 2"));
        let edited = l.to_json().replace("\"bytes\": 10", "\"bytes\": 12");
        assert!(Lock::parse(&edited).unwrap_err().contains("does not match"));
        assert!(Lock::parse("{").unwrap_err().contains("not JSON"));
    }
}
