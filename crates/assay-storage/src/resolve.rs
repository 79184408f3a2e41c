//! Resource paths to files, local or in a store.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use assay_model::paths::{self, MAX_FILES, PathProblem, RemoteObjectInfo, ResolvedFile};
use futures::TryStreamExt;
use object_store::ObjectStoreExt;

use crate::{StorageError, Stores, split_url};

/// Resolves `patterns` for the dataset in `dir`: local paths as
/// [`assay_model::paths::resolve`] does, URLs by listing their store. Files come back sorted,
/// each once. A store that cannot be reached or refuses is an error (exit 2 or 3); a pattern
/// that matches nothing is a [`PathProblem::NoMatch`], as for local paths.
pub fn resolve(
    dir: &Path,
    patterns: &[&str],
) -> Result<(Vec<ResolvedFile>, Vec<PathProblem>), StorageError> {
    let (local, remote): (Vec<&str>, Vec<&str>) =
        patterns.iter().partition(|p| !paths::is_remote(p));
    // With a catalog root in storage.yaml, relative paths name objects under it too.
    let stores = Stores::for_dir(dir)?;
    let root = stores.config().dataset_root(dir);
    let (mut files, mut problems) = if local.is_empty() || root.is_some() {
        (Vec::new(), Vec::new())
    } else {
        paths::resolve(dir, &local)
    };
    let mut wanted: Vec<(&str, String)> = remote.iter().map(|p| (*p, p.to_string())).collect();
    if let Some(root) = &root {
        for p in &local {
            if let Err(problem) = paths::check_pattern(p) {
                problems.push(problem);
                continue;
            }
            wanted.push((p, format!("{root}{p}")));
        }
    }
    for (pattern, url) in wanted {
        if let Err(p) = paths::check_pattern(&url) {
            problems.push(p);
            continue;
        }
        let mut found = list(&stores, &url)?;
        // Found under the root: named by the path relative to the dataset, as on disk.
        if let Some(root) = &root
            && !paths::is_remote(pattern)
        {
            for f in &mut found {
                if let Some(rel) = f.rel.strip_prefix(root.as_str()) {
                    f.rel = rel.to_string();
                }
            }
        }
        let pattern = pattern.to_string();
        if found.is_empty() {
            problems.push(PathProblem::NoMatch { pattern });
        }
        files.extend(found);
    }
    files.sort();
    files.dedup_by(|a, b| a.rel == b.rel);
    for f in &files {
        if let Some(info) = &f.remote {
            remember(dir, &f.rel, info, &stores);
        }
    }
    Ok((files, problems))
}

type Known = HashMap<PathBuf, (Arc<Stores>, RemoteObjectInfo)>;

fn known() -> &'static Mutex<Known> {
    static KNOWN: OnceLock<Mutex<Known>> = OnceLock::new();
    KNOWN.get_or_init(Default::default)
}

/// Remembers an object found by [`resolve`] under the paths a caller may name it by: the
/// dataset folder joined with its report path, and its URL.
fn remember(dir: &Path, rel: &str, info: &RemoteObjectInfo, stores: &Arc<Stores>) {
    let mut k = known().lock().unwrap_or_else(|p| p.into_inner());
    for key in [dir.join(rel), PathBuf::from(&info.url)] {
        k.insert(key, (stores.clone(), info.clone()));
    }
}

/// The object this process resolved to `path` (the dataset folder joined with the path a
/// report names it by, or its URL), for readers that are handed paths; `None` for a local file.
pub fn object_at(path: &Path) -> Option<Result<crate::RemoteObject, StorageError>> {
    let k = known().lock().unwrap_or_else(|p| p.into_inner());
    let (stores, info) = k.get(path)?;
    Some(crate::RemoteObject::open(stores, info))
}

/// The objects `pattern` names: one `HEAD` for a plain URL, a listing under the literal prefix
/// for a glob.
fn list(stores: &Stores, pattern: &str) -> Result<Vec<ResolvedFile>, StorageError> {
    let (root, key) = split_url(pattern)?;
    let (store, _) = stores.store(pattern)?;
    let file = |key: &str, meta: &object_store::ObjectMeta| {
        let url = format!("{root}/{key}");
        ResolvedFile {
            rel: url.clone(),
            path: PathBuf::from(&url),
            remote: Some(RemoteObjectInfo {
                url: url.clone(),
                size: meta.size,
                etag: meta.e_tag.clone(),
                version: meta.version.clone(),
            }),
        }
    };
    let first_glob = key.find(['*', '?', '[', '{']);
    let Some(first_glob) = first_glob else {
        let path = object_store::path::Path::parse(&key)
            .map_err(|e| StorageError::config(pattern, format!("not a valid object path: {e}")))?;
        crate::object::count_request();
        return crate::runtime().block_on(async {
            match store.head(&path).await {
                Ok(meta) => Ok(vec![file(&key, &meta)]),
                Err(object_store::Error::NotFound { .. }) => {
                    // A HEAD says 404 for a missing bucket too: a listing tells them apart.
                    crate::object::count_request();
                    store
                        .list_with_delimiter(Some(&path))
                        .await
                        .map_err(|e| StorageError::from_store(pattern, &e))?;
                    Ok(vec![])
                }
                Err(e) => Err(StorageError::from_store(pattern, &e)),
            }
        });
    };
    let prefix = match key[..first_glob].rfind('/') {
        Some(i) => &key[..i],
        None => "",
    };
    let glob = globset::GlobBuilder::new(&key)
        .literal_separator(true)
        .backslash_escape(false)
        .build()
        .map_err(|e| StorageError::config(pattern, format!("not a valid glob: {}", e.kind())))?
        .compile_matcher();
    let prefix_path = (!prefix.is_empty()).then(|| object_store::path::Path::from(prefix));
    crate::object::count_request();
    let metas: Vec<object_store::ObjectMeta> = crate::runtime().block_on(async {
        let mut out = Vec::new();
        let mut stream = store.list(prefix_path.as_ref());
        while let Some(meta) = stream
            .try_next()
            .await
            .map_err(|e| StorageError::from_store(pattern, &e))?
        {
            out.push(meta);
            if out.len() > 10 * MAX_FILES {
                return Err(StorageError::config(
                    pattern,
                    format!(
                        "the prefix holds more than {} objects; narrow the glob (limits: docs/security.md)",
                        10 * MAX_FILES
                    ),
                ));
            }
        }
        Ok(out)
    })?;
    let mut out = Vec::new();
    for meta in &metas {
        let k = meta.location.as_ref();
        // Hidden objects (a `.` at the start of a name) are skipped, as hidden local files are.
        if k.split('/').any(|c| c.starts_with('.')) || !glob.is_match(k) {
            continue;
        }
        out.push(file(k, meta));
        if out.len() > MAX_FILES {
            return Err(StorageError::config(
                pattern,
                format!(
                    "the glob matches more than {MAX_FILES} objects; split the dataset, or narrow the glob (limits: docs/security.md)"
                ),
            ));
        }
    }
    out.sort();
    Ok(out)
}
