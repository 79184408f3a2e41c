//! `assay serve`: a published site over HTTP on loopback, with a read-only JSON API (answers
//! from `assay_catalog::serve`). SIGINT and SIGTERM stop it cleanly: the request being answered
//! finishes, then it exits 0.
//!
//! The site follows the `--out` link: `publish` swaps the link to a new build and removes the
//! old one, so each request first resolves the link again and, when it names another build,
//! opens that one (its index and search index together) before answering. A request is
//! answered from one build, never a mixture.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use assay_catalog::search::Prepared;
use assay_catalog::serve::{Reply, Site, content_type};
use tiny_http::{Header, Method, Response, Server};

use crate::cli::ServeArgs;
use crate::exit::Status;

pub fn run(args: ServeArgs) -> Result<Status> {
    let site = match Site::open(&args.site) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    let root = site.root.clone();
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
    let mut site = Some(site);
    let mut pending: Option<tiny_http::Request> = None;
    'builds: while !stop.load(Ordering::SeqCst) {
        let current = match site.take() {
            Some(s) => s,
            None => match Site::open(&args.site) {
                Ok(s) => s,
                Err(e) => {
                    // Mid-swap or removed: say so, and try again on the next request.
                    if let Some(r) = pending.take() {
                        let _ = r.respond(
                            Response::from_string(format!("the site is being replaced: {e}"))
                                .with_status_code(503),
                        );
                    }
                    match server.recv_timeout(Duration::from_millis(200)) {
                        Ok(r) => pending = r,
                        Err(_) => break,
                    }
                    continue;
                }
            },
        };
        let prepared = Prepared::new(&current.search);
        while !stop.load(Ordering::SeqCst) {
            let request = match pending.take() {
                Some(r) => r,
                None => match server.recv_timeout(Duration::from_millis(200)) {
                    Ok(Some(r)) => r,
                    Ok(None) => continue,
                    Err(_) => break 'builds,
                },
            };
            // Another build behind the link: open it, then answer this request from it.
            if args.site.canonicalize().ok().as_ref() != Some(&current.root) {
                pending = Some(request);
                continue 'builds;
            }
            answer(&current, &prepared, request);
        }
    }
    println!("stopped");
    Ok(Status::Success)
}

/// Answers one request from one build.
fn answer(site: &Site, prepared: &Prepared<'_>, request: tiny_http::Request) {
    let read = matches!(request.method(), Method::Get | Method::Head);
    let reply = site.answer(prepared, read, request.url());
    let header = |k: &str, v: &str| Header::from_bytes(k.as_bytes(), v.as_bytes()).ok();
    let result = match reply {
        Reply::Json(body) => request.respond(
            Response::from_string(body)
                .with_header(header("Content-Type", "application/json").expect("valid header")),
        ),
        Reply::File(p) => match std::fs::File::open(&p) {
            Ok(f) => request.respond(
                Response::from_file(f)
                    .with_header(header("Content-Type", content_type(&p)).expect("valid header")),
            ),
            Err(_) => request.respond(Response::from_string("not found").with_status_code(404)),
        },
        Reply::Status(code, text) => {
            request.respond(Response::from_string(text).with_status_code(code))
        }
    };
    let _ = result;
}
