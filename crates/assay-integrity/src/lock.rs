//! `assay lock`: resolve, hash and pin a dataset's files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use assay_model::LoadedManifest;
use assay_model::lock::{LOCK_FILE_NAME, Lock, LockedFile, LockedManifest};
use assay_model::paths::{PathProblem, ResolvedFile};

use crate::hash::{FileError, FileFacts, hash_file};

/// Why a dataset could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// A resource path is unacceptable (escapes the folder, matches nothing …).
    #[error("{}", join(.0))]
    Paths(Vec<String>),
    /// Files could not be read.
    #[error("{}", join(.0))]
    Unreadable(Vec<String>),
    /// Writing the lock failed; the previous lock, if any, is untouched.
    #[error("cannot write {path}: {message}")]
    Write {
        /// The lock's path.
        path: PathBuf,
        /// The cause.
        message: String,
    },
}

fn join(v: &[String]) -> String {
    v.join("\n")
}

/// The resolved files of every resource, in manifest order, or the path problems.
pub fn resolve(
    loaded: &LoadedManifest,
) -> Result<Vec<(String, Vec<ResolvedFile>)>, Vec<PathProblem>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for r in &loaded.manifest.resources {
        let (files, mut p) = match assay_storage::resolve(&loaded.dir, &r.path.patterns()) {
            Ok(found) => found,
            Err(e) if e.kind == assay_storage::Kind::Data => (
                Vec::new(),
                vec![PathProblem::Unreachable {
                    pattern: e.url.clone(),
                    message: e.message,
                }],
            ),
            Err(e) => (
                Vec::new(),
                vec![PathProblem::Io {
                    pattern: e.url.clone(),
                    message: e.message,
                }],
            ),
        };
        problems.append(&mut p);
        out.push((r.name.clone(), files));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Hashes `files` on `jobs` threads; results keyed by relative path.
pub fn hash_all(
    dir: &Path,
    files: &[&ResolvedFile],
    jobs: usize,
) -> BTreeMap<String, Result<FileFacts, FileError>> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1).min(files.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let r = hash_file(dir, f);
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(f.rel.clone(), r);
                }
            });
        }
    });
    results.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Computes the lock of a dataset: every file read once, `jobs` files at a time.
pub fn compute(loaded: &LoadedManifest, jobs: usize) -> Result<Lock, LockError> {
    let resources = resolve(loaded).map_err(|p| {
        let lines = p.iter().map(ToString::to_string).collect();
        // A store that could not be read is a data error (exit 3), as in `validate`.
        if p.iter()
            .any(|x| matches!(x, PathProblem::Unreachable { .. }))
        {
            LockError::Unreadable(lines)
        } else {
            LockError::Paths(lines)
        }
    })?;
    let mut unique: BTreeMap<&str, &ResolvedFile> = BTreeMap::new();
    for (_, files) in &resources {
        for f in files {
            unique.insert(&f.rel, f);
        }
    }
    let list: Vec<&ResolvedFile> = unique.values().copied().collect();
    let facts = hash_all(&loaded.dir, &list, jobs);
    let errors: Vec<String> = facts
        .iter()
        .filter_map(|(rel, r)| match r {
            Err(e) => Some(format!("{rel}: {e}")),
            Ok(f) => f.footer.as_ref().err().map(|e| format!("{rel}: {e}")),
        })
        .collect();
    if !errors.is_empty() {
        return Err(LockError::Unreadable(errors));
    }
    let locked = |rel: &str| -> LockedFile {
        let f = facts[rel].as_ref().expect("errors were returned above");
        let footer = f.footer.as_ref().expect("errors were returned above");
        LockedFile {
            path: rel.to_string(),
            bytes: f.bytes,
            sha256: f.sha256.clone(),
            rows: footer.rows,
            row_groups: footer.row_groups,
            schema: footer.schema.clone(),
            etag: f.etag.clone(),
        }
    };
    let m = &loaded.manifest;
    Ok(Lock::new(
        &m.name,
        &m.version,
        LockedManifest {
            path: manifest_file_name(loaded),
            sha256: loaded.sha256.clone(),
            binding: Some(assay_model::lock::binding_sha256(m)),
        },
        resources
            .iter()
            .map(|(name, files)| (name.clone(), files.iter().map(|f| locked(&f.rel)).collect()))
            .collect(),
    ))
}

/// The manifest's file name (`dataset.yaml`).
pub fn manifest_file_name(loaded: &LoadedManifest) -> String {
    loaded
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dataset.yaml".into())
}

/// The lock's path beside the manifest.
pub fn lock_path(loaded: &LoadedManifest) -> PathBuf {
    loaded.dir.join(LOCK_FILE_NAME)
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over `path`. A crash or error leaves the old file as it was.
pub fn write_atomic(path: &Path, text: &[u8]) -> Result<(), LockError> {
    let err = |e: &dyn std::fmt::Display| LockError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".assay-").suffix(".tmp");
    // Keep the mode of the file replaced; a new file is readable by all, like one written by
    // `std::fs::write` under the usual umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0o644);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| err(&e))?;
    tmp.write_all(text).map_err(|e| err(&e))?;
    tmp.as_file().sync_all().map_err(|e| err(&e))?;
    tmp.persist(path).map_err(|e| err(&e.error))?;
    // Make the rename itself durable where the platform allows it.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
