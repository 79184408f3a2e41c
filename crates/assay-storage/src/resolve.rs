//! Resource paths to files, local or in a store.

use std::path::{Path, PathBuf};

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
    let (mut files, mut problems) = if local.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        paths::resolve(dir, &local)
    };
    if remote.is_empty() {
        return Ok((files, problems));
    }
    let stores = Stores::for_dir(dir)?;
    for pattern in remote {
        if let Err(p) = paths::check_pattern(pattern) {
            problems.push(p);
            continue;
        }
        let found = list(&stores, pattern)?;
        if found.is_empty() {
            problems.push(PathProblem::NoMatch {
                pattern: pattern.to_string(),
            });
        }
        files.extend(found);
    }
    files.sort();
    files.dedup_by(|a, b| a.rel == b.rel);
    Ok((files, problems))
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
            path: PathBuf::from(url),
            remote: Some(RemoteObjectInfo {
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
