//! The read-only HTTP side of a published site, without the server itself (the CLI's
//! `assay serve` owns the socket and the signals): which file a URL names, and the JSON API.
//!
//! - `GET /api/search?q=…&grade=A&…`: the results of a search, as JSON;
//! - `GET /api/datasets/<name>`: the dataset's entry of `index.json`;
//! - anything else: a file of the site. Paths are percent-decoded once; `..`, backslashes, NUL
//!   and empty segments are refused (400), and the file must resolve, symlinks followed, inside
//!   the site (else 404). Folders serve their `index.html`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assay_model::index::CatalogIndex;

use crate::search::{FACETS, Prepared, SearchIndex};

/// A published site opened for serving.
pub struct Site {
    /// The build folder (the `--out` link resolved).
    pub root: PathBuf,
    /// Its `index.json`.
    pub index: CatalogIndex,
    /// Its `search-index.json`.
    pub search: SearchIndex,
}

impl Site {
    /// Opens a site written by `publish`; an error says why it is not one.
    pub fn open(site: &Path) -> Result<Site, String> {
        let root = match site.canonicalize() {
            Ok(r) if r.join("index.json").is_file() => r,
            _ => {
                return Err(format!(
                    "{} is not a site written by `assay publish` (no index.json)",
                    site.display()
                ));
            }
        };
        let read = |name: &str| {
            std::fs::read_to_string(root.join(name)).map_err(|e| format!("{name}: {e}"))
        };
        let index = serde_json::from_str(&read("index.json")?).map_err(|e| e.to_string())?;
        let search =
            serde_json::from_str(&read("search-index.json")?).map_err(|e| e.to_string())?;
        Ok(Site {
            root,
            index,
            search,
        })
    }

    /// The answer to a request for `url` (`read` false for methods other than GET and HEAD),
    /// with `prepared` built once from [`Site::search`].
    pub fn answer(&self, prepared: &Prepared, read: bool, url: &str) -> Reply {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        if !read {
            return Reply::Status(405, "read-only");
        }
        if path == "/api/search" {
            let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut q = String::new();
            for (k, v) in query_params(query) {
                if k == "q" {
                    q = v;
                } else if FACETS.contains(&k.as_str()) || k == "since" || k == "until" {
                    filters.entry(k).or_default().push(v);
                }
            }
            return match serde_json::to_string(&prepared.query(&q, &filters)) {
                Ok(body) => Reply::Json(body),
                Err(_) => Reply::Status(500, "cannot encode the results"),
            };
        }
        if let Some(name) = path.strip_prefix("/api/datasets/") {
            return match self.index.datasets.iter().find(|d| d.name == name) {
                Some(d) => match serde_json::to_string(d) {
                    Ok(body) => Reply::Json(body),
                    Err(_) => Reply::Status(500, "cannot encode the dataset"),
                },
                None => Reply::Status(404, "no such dataset"),
            };
        }
        resolve(&self.root, path)
    }
}

/// Percent-decoding, once (`+` is a space).
pub fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(out)
}

/// The pairs of a query string, decoded.
pub fn query_params(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((
                String::from_utf8(percent_decode(k)?).ok()?,
                String::from_utf8(percent_decode(v)?).ok()?,
            ))
        })
        .collect()
}

/// The `Content-Type` of a site file.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "lock" | "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// What to answer a request with.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// A JSON body.
    Json(String),
    /// A file of the site.
    File(PathBuf),
    /// A status and a short text.
    Status(u16, &'static str),
}

/// The file of the site a URL path names, or why not.
pub fn resolve(root: &Path, url_path: &str) -> Reply {
    let Some(bytes) = percent_decode(url_path) else {
        return Reply::Status(400, "bad percent-encoding");
    };
    let Ok(decoded) = String::from_utf8(bytes) else {
        return Reply::Status(400, "not UTF-8");
    };
    let rel = decoded.strip_prefix('/').unwrap_or(&decoded);
    if rel.contains(['\\', '\0'])
        || rel.starts_with('/')
        || rel.split('/').any(|s| {
            s == ".." || s == "." || (s.is_empty() && !rel.is_empty() && !rel.ends_with('/'))
        })
    {
        return Reply::Status(400, "path not allowed");
    }
    let mut path = root.join(rel);
    if path.is_dir() {
        path = path.join("index.html");
    }
    match path.canonicalize() {
        Ok(real) if real.starts_with(root) && real.is_file() => Reply::File(real),
        _ => Reply::Status(404, "not found"),
    }
}
