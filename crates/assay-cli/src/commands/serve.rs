//! `assay serve`: a published site over HTTP on loopback, with a read-only JSON API.
//!
//! - `GET /api/search?q=…&grade=A&…`: the results of `assay search`, as JSON;
//! - `GET /api/datasets/<name>`: the dataset's entry of `index.json`;
//! - anything else: a file of the site. Paths are percent-decoded once; `..`, backslashes, NUL
//!   and empty segments are refused (400), and the file must resolve, symlinks followed, inside
//!   the site (else 404). Folders serve their `index.html`.
//!
//! SIGINT and SIGTERM stop it cleanly: the request being answered finishes, then it exits 0.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use assay_catalog::search::{FACETS, SearchIndex};
use assay_model::index::CatalogIndex;
use tiny_http::{Header, Method, Response, Server};

use crate::cli::ServeArgs;
use crate::exit::Status;

fn percent_decode(s: &str) -> Option<Vec<u8>> {
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

fn query_params(q: &str) -> Vec<(String, String)> {
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

fn content_type(path: &Path) -> &'static str {
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

enum Reply {
    Json(String),
    File(PathBuf),
    Status(u16, &'static str),
}

/// The file of the site a URL path names, or why not.
fn resolve(root: &Path, url_path: &str) -> Reply {
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

pub fn run(args: ServeArgs) -> Result<Status> {
    let root = match args.site.canonicalize() {
        Ok(r) if r.join("index.json").is_file() => r,
        _ => {
            eprintln!(
                "error: {} is not a site written by `assay publish` (no index.json)",
                args.site.display()
            );
            return Ok(Status::Invalid);
        }
    };
    let index: CatalogIndex =
        serde_json::from_str(&std::fs::read_to_string(root.join("index.json"))?)?;
    let search: SearchIndex =
        serde_json::from_str(&std::fs::read_to_string(root.join("search-index.json"))?)?;
    let prepared = assay_catalog::search::Prepared::new(&search);
    let server = match Server::http((args.bind.as_str(), args.port)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", args.bind, args.port);
            return Ok(Status::Invalid);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let addr = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or_default();
    println!(
        "serving {} at http://{addr}/ (Ctrl-C stops)",
        root.display()
    );
    use std::io::Write;
    std::io::stdout().flush()?;
    while !stop.load(Ordering::SeqCst) {
        let request = match server.recv_timeout(Duration::from_millis(200)) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(_) => break,
        };
        let (path, query) = match request.url().split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (request.url().to_string(), String::new()),
        };
        let reply = if !matches!(request.method(), Method::Get | Method::Head) {
            Reply::Status(405, "read-only")
        } else if path == "/api/search" {
            let params = query_params(&query);
            let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut q = String::new();
            for (k, v) in params {
                if k == "q" {
                    q = v;
                } else if FACETS.contains(&k.as_str()) || k == "since" || k == "until" {
                    filters.entry(k).or_default().push(v);
                }
            }
            Reply::Json(serde_json::to_string(&prepared.query(&q, &filters))?)
        } else if let Some(name) = path.strip_prefix("/api/datasets/") {
            match index.datasets.iter().find(|d| d.name == name) {
                Some(d) => Reply::Json(serde_json::to_string(d)?),
                None => Reply::Status(404, "no such dataset"),
            }
        } else {
            resolve(&root, &path)
        };
        let header = |k: &str, v: &str| Header::from_bytes(k.as_bytes(), v.as_bytes()).ok();
        let result = match reply {
            Reply::Json(body) => request
                .respond(Response::from_string(body).with_header(
                    header("Content-Type", "application/json").expect("valid header"),
                )),
            Reply::File(p) => match std::fs::File::open(&p) {
                Ok(f) => {
                    request.respond(Response::from_file(f).with_header(
                        header("Content-Type", content_type(&p)).expect("valid header"),
                    ))
                }
                Err(_) => request.respond(Response::from_string("not found").with_status_code(404)),
            },
            Reply::Status(code, text) => {
                request.respond(Response::from_string(text).with_status_code(code))
            }
        };
        let _ = result;
    }
    println!("stopped");
    Ok(Status::Success)
}
