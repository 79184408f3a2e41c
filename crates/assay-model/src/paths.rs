//! Resolving resource paths and globs inside a dataset folder, safely.
//!
//! A resource `path` is relative to the manifest's folder, `/`-separated, and may be a glob
//! (`data/readings-*.parquet`, `data/**/*.parquet`; `*` does not cross `/`, `**` does). Every
//! resolved file must stay inside the dataset folder *after resolving symlinks*: `..`, absolute
//! paths, and symlinks (to files or folders) that lead outside are refused, never followed.
//! Hidden entries (names starting with `.`) are skipped: that is where caches live.
//!
//! Resolution is deterministic: files come back sorted by their relative path, each once.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

/// One data file of a resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResolvedFile {
    /// Path relative to the dataset folder, `/`-separated; for an object a URL names, that URL
    /// (an object found under the catalog's `storage.yaml` root keeps its relative path).
    pub rel: String,
    /// Path on disk (dataset folder joined with `rel`); for an object in a store, the URL.
    pub path: PathBuf,
    /// For an object in a store (`s3://`, `gs://`, `az://`, `https://`), what its listing said.
    pub remote: Option<RemoteObjectInfo>,
}

/// What a store's listing (or `HEAD`) says about one object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RemoteObjectInfo {
    /// The object's URL.
    pub url: String,
    /// Size in bytes.
    pub size: u64,
    /// The store's entity tag, when it gives one.
    pub etag: Option<String>,
    /// The store's version id, when the bucket is versioned.
    pub version: Option<String>,
}

/// The URL schemes of object stores a resource path may use (`docs/storage.md`).
pub const REMOTE_SCHEMES: &[&str] = &[
    "s3", "s3a", "gs", "az", "adl", "azure", "abfs", "abfss", "http", "https",
];

/// The scheme of a path written as a URL (`s3://bucket/key` gives `s3`), known or not; `None`
/// for a path in the dataset folder.
pub fn url_scheme(pattern: &str) -> Option<&str> {
    let (scheme, _) = pattern.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// The `storage.yaml` that applies to a dataset folder: `$ASSAY_STORAGE_CONFIG` when set, else
/// the nearest one in `dir` or a folder above it (`docs/storage.md`).
pub fn storage_config_path(dir: &Path) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ASSAY_STORAGE_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let start = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    start
        .ancestors()
        .map(|d| d.join("storage.yaml"))
        .find(|c| c.is_file())
}

/// True when the `storage.yaml` that applies to `dir` declares a `root:`: the dataset's relative
/// paths then name objects in a store, which the (offline) linter does not list.
pub fn data_in_store(dir: &Path) -> bool {
    #[derive(serde::Deserialize)]
    struct RootOnly {
        root: Option<String>,
    }
    storage_config_path(dir)
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_saphyr::from_str::<RootOnly>(&t).ok())
        .is_some_and(|c| c.root.is_some())
}

/// True when `pattern` names objects in a store rather than files in the dataset folder.
pub fn is_remote(pattern: &str) -> bool {
    url_scheme(pattern).is_some()
}

/// Why a resource path is unacceptable or matched nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathProblem {
    /// The pattern is absolute.
    Absolute {
        /// The pattern as written.
        pattern: String,
    },
    /// The pattern climbs out with `..`.
    ParentDir {
        /// The pattern as written.
        pattern: String,
    },
    /// Backslashes or other non-portable spelling.
    NotPortable {
        /// The pattern as written.
        pattern: String,
    },
    /// The glob does not parse.
    BadGlob {
        /// The pattern as written.
        pattern: String,
        /// The parser's message.
        message: String,
    },
    /// A matched path resolves (through a symlink) outside the dataset folder.
    Escapes {
        /// The pattern as written.
        pattern: String,
        /// The path inside the dataset that leads out.
        rel: String,
        /// Where it leads.
        target: String,
    },
    /// A matched path is a symlink to nothing.
    Dangling {
        /// The pattern as written.
        pattern: String,
        /// The dangling link.
        rel: String,
    },
    /// The pattern matched no file.
    NoMatch {
        /// The pattern as written.
        pattern: String,
    },
    /// The pattern matches more files, or walks more entries, than a dataset may have.
    TooMany {
        /// The pattern as written.
        pattern: String,
        /// What was exceeded.
        what: String,
    },
    /// A URL whose scheme is not one of [`REMOTE_SCHEMES`].
    UnknownScheme {
        /// The pattern as written.
        pattern: String,
    },
    /// A URL resolved by the storage layer, not in the dataset folder (`assay_storage::resolve`).
    Remote {
        /// The pattern as written.
        pattern: String,
    },
    /// The folder could not be listed.
    Io {
        /// The pattern as written.
        pattern: String,
        /// The cause.
        message: String,
    },
    /// The store holding the pattern's objects could not be read (a network error, an object
    /// gone): a data error, unlike a refused configuration.
    Unreachable {
        /// The pattern as written.
        pattern: String,
        /// The cause.
        message: String,
    },
}

impl PathProblem {
    /// The pattern the problem is about.
    pub fn pattern(&self) -> &str {
        match self {
            PathProblem::Absolute { pattern }
            | PathProblem::ParentDir { pattern }
            | PathProblem::NotPortable { pattern }
            | PathProblem::BadGlob { pattern, .. }
            | PathProblem::Escapes { pattern, .. }
            | PathProblem::Dangling { pattern, .. }
            | PathProblem::NoMatch { pattern }
            | PathProblem::UnknownScheme { pattern }
            | PathProblem::Remote { pattern }
            | PathProblem::Io { pattern, .. }
            | PathProblem::Unreachable { pattern, .. }
            | PathProblem::TooMany { pattern, .. } => pattern,
        }
    }

    /// True when the problem is only that nothing matched (a warning unless `--strict`).
    pub fn is_no_match(&self) -> bool {
        matches!(self, PathProblem::NoMatch { .. })
    }
}

impl fmt::Display for PathProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathProblem::Absolute { pattern } => write!(
                f,
                "resource path `{pattern}` is absolute; paths are relative to the manifest's folder"
            ),
            PathProblem::ParentDir { pattern } => write!(
                f,
                "resource path `{pattern}` leaves the dataset folder with `..`"
            ),
            PathProblem::NotPortable { pattern } => write!(
                f,
                "resource path `{pattern}` contains a backslash; use `/` as the separator"
            ),
            PathProblem::BadGlob { pattern, message } => {
                write!(
                    f,
                    "resource path `{pattern}` is not a valid glob: {message}"
                )
            }
            PathProblem::Escapes {
                pattern,
                rel,
                target,
            } => write!(
                f,
                "`{rel}` (matched by `{pattern}`) is a symlink that leads outside the dataset folder, to `{target}`"
            ),
            PathProblem::Dangling { pattern, rel } => write!(
                f,
                "`{rel}` (matched by `{pattern}`) is a symlink to nothing"
            ),
            PathProblem::NoMatch { pattern } => {
                write!(f, "resource path `{pattern}` matches no file")
            }
            PathProblem::UnknownScheme { pattern } => write!(
                f,
                "resource path `{pattern}` has an unknown URL scheme; use one of {} (docs/storage.md)",
                REMOTE_SCHEMES
                    .iter()
                    .map(|s| format!("{s}://"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            PathProblem::Remote { pattern } => write!(
                f,
                "resource path `{pattern}` is in an object store; this command reads only the dataset folder"
            ),
            PathProblem::Io { pattern, message } => {
                write!(f, "cannot list files for `{pattern}`: {message}")
            }
            PathProblem::Unreachable { pattern, message } => {
                write!(f, "cannot read `{pattern}` from its store: {message}")
            }
            PathProblem::TooMany { pattern, what } => write!(
                f,
                "resource path `{pattern}` {what}; split the dataset, or narrow the glob (limits: docs/security.md)"
            ),
        }
    }
}

/// Checks a pattern's spelling without touching the file system.
pub fn check_pattern(pattern: &str) -> Result<(), PathProblem> {
    let p = pattern.to_string();
    if let Some(scheme) = url_scheme(pattern) {
        if !REMOTE_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
            return Err(PathProblem::UnknownScheme { pattern: p });
        }
        let rest = &pattern[scheme.len() + 3..];
        if rest.split('/').any(|c| c == "..") {
            return Err(PathProblem::ParentDir { pattern: p });
        }
        matcher(rest)?;
        return Ok(());
    }
    if pattern.starts_with('/') || pattern.starts_with('~') || has_drive_prefix(pattern) {
        return Err(PathProblem::Absolute { pattern: p });
    }
    if pattern.contains('\\') {
        return Err(PathProblem::NotPortable { pattern: p });
    }
    if pattern.split('/').any(|c| c == "..") {
        return Err(PathProblem::ParentDir { pattern: p });
    }
    if pattern.is_empty() {
        return Err(PathProblem::BadGlob {
            pattern: p,
            message: "empty path".into(),
        });
    }
    matcher(pattern)?;
    Ok(())
}

fn has_drive_prefix(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?', '[', '{'])
}

fn matcher(pattern: &str) -> Result<GlobMatcher, PathProblem> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(false)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| PathProblem::BadGlob {
            pattern: pattern.to_string(),
            message: e.kind().to_string(),
        })
}

/// The most files one resource pattern may match: beyond it a glob is a mistake (or an attack)
/// and is refused before any file is opened.
pub const MAX_FILES: usize = 100_000;
/// The most files and folders one pattern's walk may visit.
pub const MAX_WALKED: usize = 1_000_000;

/// The folder part of a pattern before its first glob character (`data/2025/` for
/// `data/2025/*.parquet`), as a relative path; empty for the dataset folder itself.
fn literal_base(pattern: &str) -> &str {
    let first_glob = pattern.find(['*', '?', '[', '{']).unwrap_or(pattern.len());
    match pattern[..first_glob].rfind('/') {
        Some(i) => &pattern[..i],
        None => "",
    }
}

/// A path near `pattern` that does match files under `dataset_dir`, for a "did you mean" after
/// a pattern matched nothing: the closest file (a literal path), or the pattern with its literal
/// part replaced by the closest file's (a glob). Hidden entries are skipped; the walk is bounded.
pub fn near_miss(dataset_dir: &Path, pattern: &str) -> Option<String> {
    let mut files: Vec<String> = Vec::new();
    for e in walkdir::WalkDir::new(dataset_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .take(MAX_WALKED.min(100_000))
        .flatten()
    {
        if e.file_type().is_file()
            && let Ok(rel) = e.path().strip_prefix(dataset_dir)
        {
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    let distance = |a: &str, b: &str| strsim::damerau_levenshtein(a, b);
    if !is_glob(pattern) {
        let limit = (pattern.chars().count() / 4).clamp(1, 4);
        return files
            .iter()
            .map(|f| (distance(pattern, f), f))
            .filter(|(d, _)| *d > 0 && *d <= limit)
            .min()
            .map(|(_, f)| f.clone());
    }
    let first_glob = pattern.find(['*', '?', '[', '{']).unwrap_or(pattern.len());
    let (prefix, rest) = pattern.split_at(first_glob);
    let n = prefix.chars().count();
    let limit = (n / 4).clamp(1, 4);
    let mut best: Option<(usize, String)> = None;
    for f in &files {
        // Compare the literal prefix with every file's beginning of about the same length.
        let chars = f.chars().count();
        for len in n.saturating_sub(2)..=(n + 2).min(chars) {
            let head: String = f.chars().take(len).collect();
            let head = head.as_str();
            let d = distance(prefix, head);
            if d == 0 || d > limit {
                continue;
            }
            let candidate = format!("{head}{rest}");
            let hits = matcher(&candidate)
                .map(|m| files.iter().any(|x| m.is_match(x)))
                .unwrap_or(false);
            if hits
                && best
                    .as_ref()
                    .is_none_or(|(bd, bc)| (d, &candidate) < (*bd, bc))
            {
                best = Some((d, candidate));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Resolves `patterns` inside `dataset_dir`. Returns the files (sorted, each once) and every
/// problem found; a pattern with a problem contributes no files.
pub fn resolve(dataset_dir: &Path, patterns: &[&str]) -> (Vec<ResolvedFile>, Vec<PathProblem>) {
    let mut files = BTreeMap::new();
    let mut problems = Vec::new();
    let root = match dataset_dir.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            for p in patterns {
                problems.push(PathProblem::Io {
                    pattern: p.to_string(),
                    message: format!("{}: {e}", dataset_dir.display()),
                });
            }
            return (Vec::new(), problems);
        }
    };
    for pattern in patterns {
        if is_remote(pattern) {
            problems.push(match check_pattern(pattern) {
                Err(p) => p,
                Ok(()) => PathProblem::Remote {
                    pattern: pattern.to_string(),
                },
            });
            continue;
        }
        let mut escapes = Vec::new();
        match resolve_one(dataset_dir, &root, pattern, &mut escapes) {
            Ok(found) if found.is_empty() && escapes.is_empty() => {
                problems.push(PathProblem::NoMatch {
                    pattern: pattern.to_string(),
                })
            }
            Ok(found) => {
                for f in found {
                    files.entry(f.rel.clone()).or_insert(f);
                }
            }
            Err(p) => problems.push(p),
        }
        problems.append(&mut escapes);
    }
    (files.into_values().collect(), problems)
}

fn resolve_one(
    dataset_dir: &Path,
    root: &Path,
    pattern: &str,
    escapes: &mut Vec<PathProblem>,
) -> Result<Vec<ResolvedFile>, PathProblem> {
    check_pattern(pattern)?;
    let inside = |rel: &str| -> Result<Option<ResolvedFile>, PathProblem> {
        let path = dataset_dir.join(rel);
        match path.canonicalize() {
            Ok(real) if real.starts_with(root) => Ok(real.is_file().then(|| ResolvedFile {
                rel: rel.to_string(),
                path,
                remote: None,
            })),
            Ok(real) => Err(PathProblem::Escapes {
                pattern: pattern.to_string(),
                rel: rel.to_string(),
                target: real.display().to_string(),
            }),
            Err(_) if path.symlink_metadata().is_ok() => Err(PathProblem::Dangling {
                pattern: pattern.to_string(),
                rel: rel.to_string(),
            }),
            Err(_) => Ok(None),
        }
    };
    if !is_glob(pattern) {
        return Ok(inside(pattern)?.into_iter().collect());
    }
    let base = literal_base(pattern);
    if !base.is_empty() {
        // The walk starts at the base folder; it must itself stay inside.
        let base_path = dataset_dir.join(base);
        match base_path.canonicalize() {
            Ok(real) if !real.starts_with(root) => {
                return Err(PathProblem::Escapes {
                    pattern: pattern.to_string(),
                    rel: base.to_string(),
                    target: real.display().to_string(),
                });
            }
            Ok(_) => {}
            Err(_) => return Ok(Vec::new()),
        }
    }
    let glob = matcher(pattern)?;
    let mut out = Vec::new();
    let mut visited = 0usize;
    let walk = walkdir::WalkDir::new(dataset_dir.join(base))
        .follow_links(false)
        .max_depth(64)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        let entry = entry.map_err(|e| PathProblem::Io {
            pattern: pattern.to_string(),
            message: e.to_string(),
        })?;
        visited += 1;
        if visited > MAX_WALKED {
            return Err(PathProblem::TooMany {
                pattern: pattern.to_string(),
                what: format!("walks more than {MAX_WALKED} files and folders"),
            });
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dataset_dir) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // A matched file, or a symlinked folder the glob would descend into.
        let relevant = glob.is_match(&rel)
            || (entry.path_is_symlink() && pattern.starts_with(&format!("{rel}/")));
        if relevant {
            match inside(&rel) {
                Ok(Some(f)) if glob.is_match(&rel) => {
                    out.push(f);
                    if out.len() > MAX_FILES {
                        return Err(PathProblem::TooMany {
                            pattern: pattern.to_string(),
                            what: format!("matches more than {MAX_FILES} files"),
                        });
                    }
                }
                Ok(_) => {}
                Err(p) => escapes.push(p),
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_checks() {
        assert!(matches!(
            check_pattern("../../etc/passwd"),
            Err(PathProblem::ParentDir { .. })
        ));
        assert!(matches!(
            check_pattern("/etc/passwd"),
            Err(PathProblem::Absolute { .. })
        ));
        assert!(matches!(
            check_pattern("C:/x.parquet"),
            Err(PathProblem::Absolute { .. })
        ));
        assert!(matches!(
            check_pattern("data\\x.parquet"),
            Err(PathProblem::NotPortable { .. })
        ));
        assert!(matches!(
            check_pattern("data/[x.parquet"),
            Err(PathProblem::BadGlob { .. })
        ));
        assert!(check_pattern("data/**/r-*.parquet").is_ok());
        assert_eq!(literal_base("data/2025/*.parquet"), "data/2025");
        assert_eq!(literal_base("*.parquet"), "");
    }

    #[test]
    fn globs_resolve_sorted_and_refuse_symlink_escapes() {
        let dir = std::env::temp_dir().join(format!("assay-paths-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data/sub")).unwrap();
        for f in [
            "data/b.parquet",
            "data/a.parquet",
            "data/sub/c.parquet",
            "data/x.csv",
        ] {
            std::fs::write(dir.join(f), b"x").unwrap();
        }
        let (files, problems) = resolve(&dir, &["data/*.parquet"]);
        assert!(problems.is_empty(), "{problems:?}");
        let rels: Vec<_> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["data/a.parquet", "data/b.parquet"]);
        let (files, _) = resolve(&dir, &["data/**/*.parquet", "data/a.parquet"]);
        assert_eq!(files.len(), 3);
        let (_, problems) = resolve(&dir, &["data/none-*.parquet"]);
        assert!(problems[0].is_no_match());

        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", dir.join("data/evil.parquet")).unwrap();
            std::os::unix::fs::symlink("/etc", dir.join("etc")).unwrap();
            let (files, problems) = resolve(&dir, &["data/*.parquet"]);
            assert_eq!(
                files.len(),
                2,
                "the escaping link is not a file of the resource"
            );
            assert!(
                matches!(&problems[..], [PathProblem::Escapes { rel, .. }] if rel == "data/evil.parquet"),
                "{problems:?}"
            );
            let (_, problems) = resolve(&dir, &["etc/*.conf"]);
            assert!(
                matches!(&problems[..], [PathProblem::Escapes { .. }]),
                "{problems:?}"
            );
            let (_, problems) = resolve(&dir, &["etc/passwd"]);
            assert!(
                matches!(&problems[..], [PathProblem::Escapes { .. }]),
                "{problems:?}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
