//! `storage.yaml`: per catalog, which environment variables hold each store's settings, and
//! the settings that are not secret. It never holds a secret itself.
//!
//! ```yaml
//! stores:
//!   - url: s3://lake                  # a store: scheme and bucket (or container, or host)
//!     env:                            # setting -> the variable that holds it
//!       endpoint: LAKE_S3_ENDPOINT
//!       access_key_id: LAKE_S3_KEY
//!       secret_access_key: LAKE_S3_SECRET
//!     options:                        # settings written out: never a key, secret or token
//!       region: eu-central-1
//!       allow_http: "true"
//! ```
//!
//! The setting names are `object_store`'s configuration keys (`docs/storage.md`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file's name; it is looked for in the dataset folder and each folder above it.
pub const CONFIG_FILE_NAME: &str = "storage.yaml";

/// A parsed `storage.yaml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    /// Where the data of the catalog lives: a relative resource path of a dataset in folder
    /// `F` (below this file's folder) resolves to `ROOT/F/path` (`s3://lake/catalog`, say).
    #[serde(default)]
    pub root: Option<String>,
    /// One entry per store.
    #[serde(default)]
    pub stores: Vec<StoreConfig>,
    /// Where it was read from.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// One store's settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `scheme://bucket` (or `https://host:port`).
    pub url: String,
    /// Setting name -> environment variable name.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Setting name -> value, for settings that are not secret.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

/// Setting names whose values are secrets (or, as access key ids, identify one): they may only
/// be named through `env:`.
fn is_secret_setting(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["secret", "key", "token", "password", "sas", "credential"]
        .iter()
        .any(|w| n.contains(w))
}

impl StorageConfig {
    /// Finds and reads the `storage.yaml` for a dataset folder: `$ASSAY_STORAGE_CONFIG` when
    /// set, else the nearest one in `dir` or a folder above it; none is an empty config.
    pub fn discover(dir: &Path) -> Result<StorageConfig, String> {
        match assay_model::paths::storage_config_path(dir) {
            Some(p) => StorageConfig::read(&p),
            None => Ok(StorageConfig::default()),
        }
    }

    /// Reads and checks one file.
    pub fn read(path: &Path) -> Result<StorageConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let mut config: StorageConfig =
            serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        config.source = Some(path.to_path_buf());
        if let Some(root) = &config.root
            && (assay_model::paths::url_scheme(root).is_none()
                || assay_model::paths::check_pattern(root).is_err()
                || root.contains(['*', '?', '[', '{']))
        {
            return Err(format!(
                "{}: `root` must be a store URL without globs, such as s3://bucket/catalog (docs/storage.md)",
                path.display()
            ));
        }
        for (i, s) in config.stores.iter().enumerate() {
            let at = format!("{}: stores[{i}] ({})", path.display(), s.url);
            if assay_model::paths::url_scheme(&s.url).is_none() {
                return Err(format!(
                    "{at}: `url` must be a store URL such as s3://bucket or https://host"
                ));
            }
            for name in s.options.keys() {
                if is_secret_setting(name) {
                    return Err(format!(
                        "{at}: `options.{name}` would write a secret into the file; put it in an environment variable and name that variable under `env:`"
                    ));
                }
            }
            for (name, var) in &s.env {
                if var.is_empty() || !var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(format!(
                        "{at}: `env.{name}` must name an environment variable (letters, digits, `_`), not hold a value"
                    ));
                }
                if is_secret_setting(name) {
                    crate::secrets::register(var);
                }
            }
        }
        Ok(config)
    }

    /// The URL prefix a dataset in `dir` reads its relative paths from, when `root` is set:
    /// the root joined with the dataset folder's path below this file's folder.
    pub fn dataset_root(&self, dir: &Path) -> Option<String> {
        let root = self.root.as_ref()?;
        let base = self.source.as_ref()?.parent()?;
        let base = base.canonicalize().unwrap_or_else(|_| base.to_path_buf());
        let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let below = dir.strip_prefix(&base).ok()?;
        let mut url = root.trim_end_matches('/').to_string();
        for c in below.components() {
            url.push('/');
            url.push_str(&c.as_os_str().to_string_lossy());
        }
        url.push('/');
        Some(url)
    }

    /// The entry for the store at `root` (`scheme://authority`), if any.
    pub fn store(&self, root: &str) -> Option<&StoreConfig> {
        let norm = |s: &str| s.trim_end_matches('/').to_ascii_lowercase();
        self.stores.iter().find(|s| norm(&s.url) == norm(root))
    }
}

impl StoreConfig {
    /// The settings, with the variables resolved: an unset variable is an error naming it.
    pub fn settings(&self, origin: &str) -> Result<Vec<(String, String)>, String> {
        let mut out: Vec<(String, String)> = self
            .options
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (name, var) in &self.env {
            match std::env::var(var) {
                Ok(v) => out.push((name.clone(), v)),
                Err(_) => {
                    return Err(format!(
                        "{origin} names the variable `{var}` for `{name}` of {}, but it is not set",
                        self.url
                    ));
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_written_out_is_refused_and_a_named_one_is_accepted() {
        let dir = tempfile_dir();
        let p = dir.join(CONFIG_FILE_NAME);
        std::fs::write(
            &p,
            "stores:\n  - url: s3://lake\n    options:\n      secret_access_key: abc\n",
        )
        .unwrap();
        let e = StorageConfig::read(&p).unwrap_err();
        assert!(
            e.contains("`options.secret_access_key` would write a secret"),
            "{e}"
        );
        std::fs::write(
            &p,
            "stores:\n  - url: s3://lake\n    env:\n      secret_access_key: LAKE_SECRET\n    options:\n      region: eu-central-1\n",
        )
        .unwrap();
        let c = StorageConfig::read(&p).unwrap();
        assert_eq!(
            c.store("s3://lake/").unwrap().env["secret_access_key"],
            "LAKE_SECRET"
        );
        assert!(c.store("s3://other").is_none());
        let e = c.stores[0].settings("storage.yaml").unwrap_err();
        assert!(e.contains("`LAKE_SECRET`") && e.contains("not set"), "{e}");
        std::fs::write(
            &p,
            "stores:\n  - url: s3://lake\n    env:\n      endpoint: http://localhost:9000\n",
        )
        .unwrap();
        let e = StorageConfig::read(&p).unwrap_err();
        assert!(e.contains("must name an environment variable"), "{e}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("assay-storage-config-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
