//! `assay verify`: recompute a dataset's facts and compare them with its lock.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use assay_model::LoadedManifest;
use assay_model::lock::Lock;
use assay_model::paths::ResolvedFile;
use serde::Serialize;

use crate::hash::{FileError, footer_of};
use crate::lock::{hash_all, lock_path, resolve};

/// One way the data on disk differs from the lock.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "difference", rename_all = "snake_case")]
pub enum Difference {
    /// No `dataset.lock` beside the manifest.
    LockMissing,
    /// The lock does not parse or fails its own checks.
    LockMalformed {
        /// What is wrong.
        message: String,
    },
    /// The lock was made for a different dataset.
    OtherDataset {
        /// Name in the lock.
        locked: String,
        /// Name in the manifest.
        manifest: String,
    },
    /// The manifest's bytes changed since locking.
    ManifestChanged {
        /// sha256 in the lock.
        expected: String,
        /// sha256 now.
        actual: String,
    },
    /// A resource is in the manifest but not in the lock.
    ResourceNotLocked {
        /// Resource name.
        resource: String,
    },
    /// A resource is in the lock but no longer in the manifest.
    ResourceRemoved {
        /// Resource name.
        resource: String,
    },
    /// A resource path is refused (escapes the folder, dangling symlink, bad glob).
    PathRefused {
        /// The problem.
        message: String,
    },
    /// A locked file is gone.
    Missing {
        /// Resource name.
        resource: String,
        /// File path.
        path: String,
    },
    /// A file matches a resource's glob but is not in the lock.
    Unexpected {
        /// Resource name.
        resource: String,
        /// File path.
        path: String,
    },
    /// A locked file now lives under another name, bytes unchanged.
    Renamed {
        /// Resource name.
        resource: String,
        /// Locked path.
        from: String,
        /// Path now.
        to: String,
    },
    /// The file is shorter than locked.
    Truncated {
        /// File path.
        path: String,
        /// Locked size.
        expected: u64,
        /// Size now.
        actual: u64,
    },
    /// The file is longer than locked.
    Grown {
        /// File path.
        path: String,
        /// Locked size.
        expected: u64,
        /// Size now.
        actual: u64,
    },
    /// Same size, different bytes.
    ContentChanged {
        /// File path.
        path: String,
        /// Locked sha256.
        expected: String,
        /// sha256 now.
        actual: String,
    },
    /// The footer (rows, row groups or schema) differs from the lock.
    FooterChanged {
        /// File path.
        path: String,
        /// What differs.
        what: String,
    },
    /// The file could not be read.
    Unreadable {
        /// File path.
        path: String,
        /// Why.
        message: String,
    },
}

impl Difference {
    /// True when the difference is that data could not be read (exit 3).
    pub fn is_unreadable(&self) -> bool {
        matches!(self, Difference::Unreadable { .. })
    }

    /// True when the input itself is unusable: a malformed lock, a refused resource path
    /// (exit 2).
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Difference::LockMalformed { .. } | Difference::PathRefused { .. }
        )
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::LockMissing => {
                write!(f, "no dataset.lock; create it with `assay lock`")
            }
            Difference::LockMalformed { message } => {
                write!(f, "dataset.lock is malformed: {message}")
            }
            Difference::OtherDataset { locked, manifest } => write!(
                f,
                "dataset.lock is for dataset `{locked}`, but the manifest is `{manifest}`"
            ),
            Difference::ManifestChanged { expected, actual } => write!(
                f,
                "the manifest's resources, schema or checks changed since locking (sha256 {} in the lock, {} now); re-run `assay lock` if the change is intended (titles, descriptions and other metadata may change without it)",
                short(expected),
                short(actual)
            ),
            Difference::ResourceNotLocked { resource } => {
                write!(f, "resource `{resource}` is not in the lock")
            }
            Difference::ResourceRemoved { resource } => write!(
                f,
                "resource `{resource}` is in the lock but not in the manifest"
            ),
            Difference::PathRefused { message } => write!(f, "{message}"),
            Difference::Missing { resource, path } => {
                write!(f, "{path}: missing (locked in resource `{resource}`)")
            }
            Difference::Unexpected { resource, path } => write!(
                f,
                "{path}: new file, matches resource `{resource}` but is not in the lock"
            ),
            Difference::Renamed { resource, from, to } => write!(
                f,
                "{to}: renamed from {from} (same bytes; resource `{resource}`)"
            ),
            Difference::Truncated {
                path,
                expected,
                actual,
            } => write!(
                f,
                "{path}: truncated to {actual} bytes (locked: {expected})"
            ),
            Difference::Grown {
                path,
                expected,
                actual,
            } => write!(f, "{path}: grown to {actual} bytes (locked: {expected})"),
            Difference::ContentChanged {
                path,
                expected,
                actual,
            } => write!(
                f,
                "{path}: content changed (sha256 {expected} in the lock, {actual} now)"
            ),
            Difference::FooterChanged { path, what } => write!(f, "{path}: {what}"),
            Difference::Unreadable { path, message } => write!(f, "{path}: {message}"),
        }
    }
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// How thoroughly to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Hash every file (the default).
    Full,
    /// Sizes and footers only: fast, but a change inside a data page goes unnoticed.
    Quick,
}

/// The outcome for one dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Dataset name.
    pub dataset: String,
    /// The manifest's path.
    pub manifest: String,
    /// `full` or `quick`.
    pub mode: &'static str,
    /// Files compared.
    pub files: usize,
    /// Bytes hashed (0 in quick mode).
    pub bytes_hashed: u64,
    /// The dataset digest in the lock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Every difference, sorted.
    pub differences: Vec<Difference>,
}

/// Verifies the dataset of `loaded` against `lock_text` (the lock's contents, `None` when there
/// is no lock file).
pub fn verify_with(
    loaded: &LoadedManifest,
    lock_text: Option<&str>,
    mode: Mode,
    jobs: usize,
) -> Verification {
    let mut v = Verification {
        dataset: loaded.manifest.name.clone(),
        manifest: loaded.path.display().to_string(),
        mode: match mode {
            Mode::Full => "full",
            Mode::Quick => "quick",
        },
        files: 0,
        bytes_hashed: 0,
        digest: None,
        differences: Vec::new(),
    };
    let Some(text) = lock_text else {
        v.differences.push(Difference::LockMissing);
        return v;
    };
    let lock = match Lock::parse(text) {
        Ok(l) => l,
        Err(message) => {
            v.differences.push(Difference::LockMalformed { message });
            return v;
        }
    };
    v.digest = Some(lock.digest.clone());
    if lock.dataset != loaded.manifest.name {
        v.differences.push(Difference::OtherDataset {
            locked: lock.dataset.clone(),
            manifest: loaded.manifest.name.clone(),
        });
        return v;
    }
    // A lock that records its binding is still valid after a descriptive edit.
    let bound_unchanged = lock
        .manifest
        .binding
        .as_deref()
        .is_some_and(|b| b == assay_model::lock::binding_sha256(&loaded.manifest));
    if lock.manifest.sha256 != loaded.sha256 && !bound_unchanged {
        v.differences.push(Difference::ManifestChanged {
            expected: lock.manifest.sha256.clone(),
            actual: loaded.sha256.clone(),
        });
    }
    let Some(resolved) = current_files(loaded, &mut v.differences) else {
        return v;
    };
    let locked: BTreeMap<&str, &assay_model::lock::LockedResource> = lock
        .resources
        .iter()
        .map(|r| (r.name.as_str(), r))
        .collect();
    let current: BTreeMap<&str, &Vec<ResolvedFile>> =
        resolved.iter().map(|(n, f)| (n.as_str(), f)).collect();
    for name in locked.keys().filter(|n| !current.contains_key(*n)) {
        v.differences.push(Difference::ResourceRemoved {
            resource: name.to_string(),
        });
    }
    // Files to read: every file now matched, once.
    let mut on_disk: BTreeMap<&str, &ResolvedFile> = BTreeMap::new();
    for files in current.values() {
        for f in *files {
            on_disk.insert(&f.rel, f);
        }
    }
    v.files = on_disk.len();
    let list: Vec<&ResolvedFile> = on_disk.values().copied().collect();
    let facts = Facts::read(&loaded.dir, &list, mode, jobs);
    v.bytes_hashed = facts.bytes_hashed;
    let mut reported = BTreeSet::new();
    for (name, files) in &current {
        let Some(lr) = locked.get(name) else {
            v.differences.push(Difference::ResourceNotLocked {
                resource: name.to_string(),
            });
            continue;
        };
        compare_resource(
            name,
            files,
            lr,
            &facts,
            mode,
            &mut reported,
            &mut v.differences,
        );
    }
    v.differences.sort();
    v.differences.dedup();
    v
}

/// The files each resource matches now. `None` when a path is refused (an escape, a bad glob):
/// then nothing is read. A pattern that now matches nothing still leaves its locked files to
/// report as missing.
fn current_files(
    loaded: &LoadedManifest,
    d: &mut Vec<Difference>,
) -> Option<Vec<(String, Vec<ResolvedFile>)>> {
    match resolve(loaded) {
        Ok(r) => Some(r),
        Err(problems) => {
            let refused: Vec<_> = problems.iter().filter(|p| !p.is_no_match()).collect();
            if !refused.is_empty() {
                d.extend(refused.iter().map(|p| Difference::PathRefused {
                    message: p.to_string(),
                }));
                return None;
            }
            Some(
                loaded
                    .manifest
                    .resources
                    .iter()
                    .map(|r| {
                        let (files, _) = assay_storage::resolve(&loaded.dir, &r.path.patterns())
                            .unwrap_or_default();
                        (r.name.clone(), files)
                    })
                    .collect(),
            )
        }
    }
}

/// What was read of the files now on disk: sizes (or why not), hashes (full mode) and footers.
struct Facts {
    /// The listing's ETag of each object in a store.
    etags: BTreeMap<String, Option<String>>,
    sizes: BTreeMap<String, Result<u64, FileError>>,
    hashes: BTreeMap<String, String>,
    footers: BTreeMap<String, crate::hash::FooterFacts>,
    bytes_hashed: u64,
}

impl Facts {
    fn read(dir: &std::path::Path, list: &[&ResolvedFile], mode: Mode, jobs: usize) -> Facts {
        let mut facts = Facts {
            etags: BTreeMap::new(),
            sizes: BTreeMap::new(),
            hashes: BTreeMap::new(),
            footers: BTreeMap::new(),
            bytes_hashed: 0,
        };
        match mode {
            Mode::Full => {
                for (rel, r) in hash_all(dir, list, jobs) {
                    match r {
                        Ok(f) => {
                            facts.bytes_hashed += f.bytes;
                            facts.sizes.insert(rel.clone(), Ok(f.bytes));
                            facts.hashes.insert(rel.clone(), f.sha256);
                            // A footer that no longer decodes is a consequence of changed
                            // bytes, which the hash comparison reports.
                            if let Ok(footer) = f.footer {
                                facts.footers.insert(rel, footer);
                            }
                        }
                        Err(e) => {
                            facts.sizes.insert(rel, Err(e));
                        }
                    }
                }
            }
            Mode::Quick => {
                for f in list {
                    if let Some(info) = &f.remote {
                        facts.etags.insert(f.rel.clone(), info.etag.clone());
                    }
                    match footer_of(dir, f) {
                        Ok((len, footer)) => {
                            facts.sizes.insert(f.rel.clone(), Ok(len));
                            facts.footers.insert(f.rel.clone(), footer);
                        }
                        // A file that is no longer Parquet still has a size to compare.
                        Err(e @ FileError::NotParquet(_)) => {
                            let size = std::fs::metadata(&f.path).map(|m| m.len()).map_err(|_| e);
                            facts.sizes.insert(f.rel.clone(), size);
                        }
                        Err(e) => {
                            facts.sizes.insert(f.rel.clone(), Err(e));
                        }
                    }
                }
            }
        }
        facts
    }
}

/// One resource's files now against its locked files: renamed, unexpected and missing files,
/// then each file's size, content and footer.
fn compare_resource(
    name: &str,
    files: &[ResolvedFile],
    lr: &assay_model::lock::LockedResource,
    facts: &Facts,
    mode: Mode,
    reported: &mut BTreeSet<String>,
    d: &mut Vec<Difference>,
) {
    let (sizes, hashes) = (&facts.sizes, &facts.hashes);
    let now: BTreeSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    let was: BTreeMap<&str, &assay_model::lock::LockedFile> =
        lr.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut missing: Vec<&assay_model::lock::LockedFile> = was
        .iter()
        .filter(|(p, _)| !now.contains(*p))
        .map(|(_, f)| *f)
        .collect();
    for rel in now.iter().filter(|p| !was.contains_key(*p)) {
        let same = hashes.get(*rel).and_then(|h| {
            missing
                .iter()
                .position(|m| &m.sha256 == h && sizes.get(*rel) == Some(&Ok(m.bytes)))
        });
        match same {
            Some(i) => {
                let m = missing.remove(i);
                d.push(Difference::Renamed {
                    resource: name.to_string(),
                    from: m.path.clone(),
                    to: rel.to_string(),
                });
            }
            None => d.push(Difference::Unexpected {
                resource: name.to_string(),
                path: rel.to_string(),
            }),
        }
    }
    for m in missing {
        d.push(Difference::Missing {
            resource: name.to_string(),
            path: m.path.clone(),
        });
    }
    for (rel, lf) in &was {
        // A file shared by two resources is compared once.
        if !now.contains(rel) || !reported.insert(rel.to_string()) {
            continue;
        }
        compare_file(rel, lf, facts, mode, d);
    }
}

/// One file's size, content and footer against its lock entry.
fn compare_file(
    rel: &str,
    lf: &assay_model::lock::LockedFile,
    facts: &Facts,
    mode: Mode,
    d: &mut Vec<Difference>,
) {
    let path = rel.to_string();
    match facts.sizes.get(rel) {
        Some(Err(e)) => d.push(Difference::Unreadable {
            path,
            message: e.to_string(),
        }),
        Some(Ok(len)) if *len < lf.bytes => d.push(Difference::Truncated {
            path,
            expected: lf.bytes,
            actual: *len,
        }),
        Some(Ok(len)) if *len > lf.bytes => d.push(Difference::Grown {
            path,
            expected: lf.bytes,
            actual: *len,
        }),
        Some(Ok(_)) => {
            let hash = facts.hashes.get(rel);
            if let Some(h) = hash
                && *h != lf.sha256
            {
                d.push(Difference::ContentChanged {
                    path: path.clone(),
                    expected: lf.sha256.clone(),
                    actual: h.clone(),
                });
            }
            let hashed_and_changed = hash.is_some_and(|h| *h != lf.sha256);
            // Quick mode reads no bytes: for an object, a new ETag says it was rewritten.
            if mode == Mode::Quick
                && let (Some(locked), Some(now)) = (&lf.etag, facts.etags.get(rel))
                && now.as_ref() != Some(locked)
            {
                d.push(Difference::FooterChanged {
                    path: path.clone(),
                    what: format!(
                        "the object was rewritten: its ETag is {} (locked: {locked})",
                        now.as_deref().unwrap_or("none")
                    ),
                });
                return;
            }
            match facts.footers.get(rel) {
                // The bytes differ already; a footer difference adds nothing.
                _ if hashed_and_changed => {}
                Some(f) => {
                    let mut what = Vec::new();
                    if f.rows != lf.rows {
                        what.push(format!("rows {} (locked: {})", f.rows, lf.rows));
                    }
                    if f.row_groups != lf.row_groups {
                        what.push(format!(
                            "row groups {} (locked: {})",
                            f.row_groups, lf.row_groups
                        ));
                    }
                    if f.schema != lf.schema {
                        what.push("schema changed".to_string());
                    }
                    if !what.is_empty() {
                        d.push(Difference::FooterChanged {
                            path,
                            what: format!("footer differs: {}", what.join(", ")),
                        });
                    }
                }
                None if mode == Mode::Quick => d.push(Difference::FooterChanged {
                    path,
                    what: "footer no longer readable (same size)".into(),
                }),
                None => {}
            }
        }
        None => {}
    }
}

/// Verifies the dataset of `loaded` against the `dataset.lock` beside its manifest.
pub fn verify(loaded: &LoadedManifest, mode: Mode, jobs: usize) -> Verification {
    let path = lock_path(loaded);
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => verify_with(loaded, Some(&text), mode, jobs),
            Err(_) => verify_with(loaded, Some("\u{0}not utf-8"), mode, jobs),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => verify_with(loaded, None, mode, jobs),
        Err(e) => {
            let mut v = verify_with(loaded, None, mode, jobs);
            v.differences = vec![Difference::Unreadable {
                path: path.display().to_string(),
                message: e.to_string(),
            }];
            v
        }
    }
}
