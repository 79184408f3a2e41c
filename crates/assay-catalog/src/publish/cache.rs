//! What a publish remembers: each dataset's report (reused while its manifest, lock digest,
//! reference time and tool are the same) and the inputs of the last build (an unchanged catalog
//! keeps its build without linting or validating).

use std::path::{Path, PathBuf};

use assay_model::LoadedManifest;
use assay_model::lock::{LOCK_FILE_NAME, Lock};
use assay_model::report::Report;
use sha2::{Digest, Sha256};

/// A dataset validated for the site: its manifest, lock (parsed and as text) and report.
pub(crate) type Published = (LoadedManifest, Lock, String, Report);

/// The cached validation of one dataset: reused while its manifest, lock digest, reference
/// time and tool version are the same.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Cached {
    pub(crate) key: String,
    pub(crate) report: Report,
}

pub(crate) fn cache_key(loaded: &LoadedManifest, digest: &str, now: &str) -> String {
    format!(
        "{}|{}|{}|{}",
        loaded.sha256,
        digest,
        now,
        env!("CARGO_PKG_VERSION")
    )
}

/// What the last publish read, to recognise an unchanged catalog without linting or validating.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct SiteState {
    pub(crate) key: String,
    pub(crate) build: String,
    pub(crate) manifests: Vec<String>,
    pub(crate) datasets: Vec<DatasetState>,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct DatasetState {
    manifest: String,
    manifest_sha256: String,
    lock_sha256: String,
    dir: String,
    patterns: Vec<Vec<String>>,
    files: Vec<(String, u64, String)>,
}

pub(crate) fn state_key(now: &str) -> String {
    format!("{now}|{}", env!("CARGO_PKG_VERSION"))
}

pub(crate) fn sha_file(p: &Path) -> Option<String> {
    std::fs::read(p)
        .ok()
        .map(|b| assay_model::hex(&Sha256::digest(&b)))
}

pub(crate) fn dataset_state(manifest: &Path, published: &[Published]) -> Option<DatasetState> {
    let (l, lock, lock_text, _) = published.iter().find(|(l, ..)| l.path == manifest)?;
    Some(DatasetState {
        manifest: manifest.display().to_string(),
        manifest_sha256: l.sha256.clone(),
        lock_sha256: assay_model::hex(&Sha256::digest(lock_text.as_bytes())),
        dir: l.dir.display().to_string(),
        patterns: l
            .manifest
            .resources
            .iter()
            .map(|r| r.path.patterns().iter().map(|s| s.to_string()).collect())
            .collect(),
        files: lock
            .resources
            .iter()
            .flat_map(|r| r.files.iter())
            .map(|f| (f.path.clone(), f.bytes, f.sha256.clone()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    })
}

/// The build `out` points at, when the last publish read exactly these inputs. Only a catalog
/// with every dataset published qualifies (left-out datasets are re-examined each time).
pub(crate) fn unchanged(
    state_path: &Path,
    manifests: &[PathBuf],
    out: &Path,
    now: &str,
) -> Option<String> {
    let state: SiteState = serde_json::from_str(&std::fs::read_to_string(state_path).ok()?).ok()?;
    let link = std::fs::read_link(out).ok()?;
    if state.key != state_key(now)
        || link.to_string_lossy() != state.build
        || state.manifests.len() != manifests.len()
        || state.datasets.len() != manifests.len()
        || state
            .manifests
            .iter()
            .zip(manifests)
            .any(|(a, b)| *a != b.display().to_string())
    {
        return None;
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.join(&state.build).join("index.json").is_file() {
        return None;
    }
    for d in &state.datasets {
        let manifest = Path::new(&d.manifest);
        if sha_file(manifest)? != d.manifest_sha256
            || sha_file(&Path::new(&d.dir).join(LOCK_FILE_NAME))? != d.lock_sha256
        {
            return None;
        }
        let dir = Path::new(&d.dir);
        let mut now_files = std::collections::BTreeSet::new();
        for patterns in &d.patterns {
            let p: Vec<&str> = patterns.iter().map(String::as_str).collect();
            // Objects in a store are not re-hashed here: such a dataset is validated again.
            if p.iter().any(|p| assay_model::paths::is_remote(p)) {
                return None;
            }
            let (files, problems) = assay_model::paths::resolve(dir, &p);
            if !problems.is_empty() {
                return None;
            }
            now_files.extend(files.into_iter().map(|f| f.rel));
        }
        if now_files.len() != d.files.len() {
            return None;
        }
        for (rel, bytes, sha) in &d.files {
            if !now_files.contains(rel) {
                return None;
            }
            let path = dir.join(rel);
            if std::fs::metadata(&path).ok()?.len() != *bytes || sha_file(&path)? != *sha {
                return None;
            }
        }
    }
    Some(state.build)
}
