//! Building a store for a URL: the cloud's builder from its standard variables, then the
//! settings `storage.yaml` gives, bounded retries and timeouts; missing credentials are a
//! configuration error before any request.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use object_store::ObjectStore;

use crate::StorageError;
use crate::config::StorageConfig;

/// Splits `scheme://authority/key` into the store's root (`scheme://authority`) and the key.
pub fn split_url(url: &str) -> Result<(String, String), StorageError> {
    let Some(scheme) = assay_model::paths::url_scheme(url) else {
        return Err(StorageError::config(url, "not a URL"));
    };
    let rest = &url[scheme.len() + 3..];
    let (authority, key) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.is_empty() {
        return Err(StorageError::config(
            url,
            "the URL names no bucket, container or host (expected scheme://bucket/key)",
        ));
    }
    Ok((
        format!("{}://{authority}", scheme.to_ascii_lowercase()),
        key.to_string(),
    ))
}

/// The stores of one `storage.yaml` (or of none), built once each.
pub struct Stores {
    config: StorageConfig,
    built: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl Stores {
    /// The stores for a dataset folder, sharing one set per `storage.yaml`.
    pub fn for_dir(dir: &Path) -> Result<Arc<Stores>, StorageError> {
        static ALL: OnceLock<Mutex<HashMap<Option<PathBuf>, Arc<Stores>>>> = OnceLock::new();
        // `storage.yaml` is found and read once per folder in a process, not per file opened.
        static BY_DIR: OnceLock<Mutex<HashMap<PathBuf, Arc<Stores>>>> = OnceLock::new();
        let by_dir = BY_DIR.get_or_init(Default::default);
        if let Some(s) = by_dir.lock().unwrap_or_else(|p| p.into_inner()).get(dir) {
            return Ok(s.clone());
        }
        let config = StorageConfig::discover(dir)
            .map_err(|e| StorageError::config(crate::config::CONFIG_FILE_NAME, e))?;
        let mut all = ALL
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let stores = all
            .entry(config.source.clone())
            .or_insert_with(|| {
                Arc::new(Stores {
                    config,
                    built: Mutex::new(HashMap::new()),
                })
            })
            .clone();
        by_dir
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf(), stores.clone());
        Ok(stores)
    }

    /// The configuration these stores were built from.
    pub fn config(&self) -> &StorageConfig {
        &self.config
    }

    /// The store holding `url`, and the object's path in it.
    pub fn store(
        &self,
        url: &str,
    ) -> Result<(Arc<dyn ObjectStore>, object_store::path::Path), StorageError> {
        let (root, key) = split_url(url)?;
        let path = object_store::path::Path::parse(&key)
            .map_err(|e| StorageError::config(url, format!("not a valid object path: {e}")))?;
        let mut built = self.built.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = built.get(&root) {
            return Ok((s.clone(), path));
        }
        let store = self.build(&root)?;
        built.insert(root, store.clone());
        Ok((store, path))
    }

    fn build(&self, root: &str) -> Result<Arc<dyn ObjectStore>, StorageError> {
        use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
        use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
        use object_store::gcp::{GoogleCloudStorageBuilder, GoogleConfigKey};
        let origin = self
            .config
            .source
            .as_ref()
            .map_or("storage.yaml".to_string(), |p| p.display().to_string());
        let settings = match self.config.store(root) {
            Some(s) => s
                .settings(&origin)
                .map_err(|e| StorageError::config(root, e))?,
            None => Vec::new(),
        };
        let scheme = root.split("://").next().unwrap_or("");
        let unknown = |k: &str, e: &dyn std::fmt::Display| {
            StorageError::config(
                root,
                format!(
                    "{origin}: `{k}` is not a setting of this store ({e}); see docs/storage.md"
                ),
            )
        };
        let retry = object_store::RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(30),
            ..Default::default()
        };
        // Timeouts unless the environment sets them; set through the builders' keys so the
        // client settings the environment gives (AWS_ALLOW_HTTP, say) are kept.
        use object_store::ClientConfigKey as C;
        let timeouts = [(C::Timeout, "60s"), (C::ConnectTimeout, "5s")];
        let instance_ok = std::env::var_os("ASSAY_STORAGE_INSTANCE_CREDENTIALS").is_some();
        let no_credentials = |what: &str| {
            StorageError::config(
                root,
                format!(
                    "no credentials for this store: {what}, or name the variables that hold them in storage.yaml (docs/storage.md); for a public bucket set `skip_signature: \"true\"` under `options:`"
                ),
            )
        };
        let store: Arc<dyn ObjectStore> = match scheme {
            "s3" | "s3a" => {
                let mut b = AmazonS3Builder::from_env().with_url(root).with_retry(retry);
                for (k, v) in timeouts {
                    if b.get_config_value(&AmazonS3ConfigKey::Client(k)).is_none() {
                        b = b.with_config(AmazonS3ConfigKey::Client(k), v);
                    }
                }
                for (k, v) in &settings {
                    let key: AmazonS3ConfigKey = k.parse().map_err(|e| unknown(k, &e))?;
                    b = b.with_config(key, v);
                }
                let has = |k: AmazonS3ConfigKey| b.get_config_value(&k).is_some();
                let skip = b
                    .get_config_value(&AmazonS3ConfigKey::SkipSignature)
                    .is_some_and(|v| v == "true");
                let ambient = std::env::var_os("AWS_WEB_IDENTITY_TOKEN_FILE").is_some()
                    || std::env::var_os("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
                    || std::env::var_os("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some();
                if !skip && !ambient && !instance_ok && !has(AmazonS3ConfigKey::AccessKeyId) {
                    return Err(no_credentials(
                        "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or ASSAY_STORAGE_INSTANCE_CREDENTIALS=1 to use the machine's role)",
                    ));
                }
                if has(AmazonS3ConfigKey::AccessKeyId) && !has(AmazonS3ConfigKey::SecretAccessKey) {
                    return Err(no_credentials(
                        "an access key id is set but no secret access key (AWS_SECRET_ACCESS_KEY)",
                    ));
                }
                Arc::new(
                    b.build()
                        .map_err(|e| StorageError::config(root, e.to_string()))?,
                )
            }
            "gs" => {
                let mut b = GoogleCloudStorageBuilder::from_env()
                    .with_url(root)
                    .with_retry(retry);
                for (k, v) in timeouts {
                    if b.get_config_value(&GoogleConfigKey::Client(k)).is_none() {
                        b = b.with_config(GoogleConfigKey::Client(k), v);
                    }
                }
                for (k, v) in &settings {
                    let key: GoogleConfigKey = k.parse().map_err(|e| unknown(k, &e))?;
                    b = b.with_config(key, v);
                }
                let has = |k: GoogleConfigKey| b.get_config_value(&k).is_some();
                let skip = b
                    .get_config_value(&GoogleConfigKey::SkipSignature)
                    .is_some_and(|v| v == "true");
                if !skip
                    && !instance_ok
                    && !has(GoogleConfigKey::ServiceAccount)
                    && !has(GoogleConfigKey::ServiceAccountKey)
                    && !has(GoogleConfigKey::ApplicationCredentials)
                {
                    return Err(no_credentials(
                        "set GOOGLE_SERVICE_ACCOUNT (a key file) or GOOGLE_APPLICATION_CREDENTIALS",
                    ));
                }
                Arc::new(
                    b.build()
                        .map_err(|e| StorageError::config(root, e.to_string()))?,
                )
            }
            "az" | "adl" | "azure" | "abfs" | "abfss" => {
                let mut b = MicrosoftAzureBuilder::from_env()
                    .with_url(root)
                    .with_retry(retry);
                for (k, v) in timeouts {
                    if b.get_config_value(&AzureConfigKey::Client(k)).is_none() {
                        b = b.with_config(AzureConfigKey::Client(k), v);
                    }
                }
                for (k, v) in &settings {
                    let key: AzureConfigKey = k.parse().map_err(|e| unknown(k, &e))?;
                    b = b.with_config(key, v);
                }
                let has = |k: AzureConfigKey| {
                    b.get_config_value(&k)
                        .is_some_and(|v| !v.is_empty() && v != "false")
                };
                if !instance_ok
                    && !has(AzureConfigKey::AccessKey)
                    && !has(AzureConfigKey::SasKey)
                    && !has(AzureConfigKey::Token)
                    && !has(AzureConfigKey::ClientSecret)
                    && !has(AzureConfigKey::UseEmulator)
                    && !has(AzureConfigKey::SkipSignature)
                    && !has(AzureConfigKey::UseAzureCli)
                {
                    return Err(no_credentials(
                        "set AZURE_STORAGE_ACCOUNT_NAME with AZURE_STORAGE_ACCOUNT_KEY (or a SAS token)",
                    ));
                }
                Arc::new(
                    b.build()
                        .map_err(|e| StorageError::config(root, e.to_string()))?,
                )
            }
            "http" | "https" => {
                let mut client = object_store::ClientOptions::new()
                    .with_timeout(Duration::from_secs(60))
                    .with_connect_timeout(Duration::from_secs(5))
                    .with_allow_http(scheme == "http");
                let mut b = object_store::http::HttpBuilder::new()
                    .with_url(root)
                    .with_retry(retry);
                for (k, v) in &settings {
                    let key: object_store::ClientConfigKey =
                        k.parse().map_err(|e| unknown(k, &e))?;
                    client = client.with_config(key, v);
                }
                b = b.with_client_options(client);
                Arc::new(
                    b.build()
                        .map_err(|e| StorageError::config(root, e.to_string()))?,
                )
            }
            other => {
                return Err(StorageError::config(
                    root,
                    format!(
                        "unknown URL scheme `{other}://`; use s3://, gs://, az://, abfs(s)://, http(s):// (docs/storage.md)"
                    ),
                ));
            }
        };
        Ok(store)
    }
}
