//! Azure Blob Storage (Azurite) and plain HTTP(S) servers.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::*;
use crate::support::{repo, stderr, stdout, temp_dir};

/// The Azure SDK for Python (azure-storage-blob, which scripts/test.sh installs): create a
/// container on Azurite and upload files. Azurite's well-known development account and key.
const AZ_UPLOAD: &str = r#"
import sys
from azure.storage.blob import BlobServiceClient
url, container = sys.argv[1], sys.argv[2]
key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
conn = ("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + key
        + ";BlobEndpoint=" + url + "/devstoreaccount1;")
svc = BlobServiceClient.from_connection_string(conn)
c = svc.get_container_client(container)
if not c.exists():
    c.create_container()
pairs = sys.argv[3:]
for local, key in zip(pairs[0::2], pairs[1::2]):
    with open(local, "rb") as f:
        c.upload_blob(key, f, overwrite=True)
"#;

/// Azurite's Blob service (from npm, installed by `scripts/test.sh`) on a free loopback port.
struct Azurite {
    child: Child,
    url: String,
}

impl Azurite {
    fn start() -> Azurite {
        let bin = repo().join(".venv-test/node/node_modules/.bin/azurite-blob");
        assert!(
            bin.exists(),
            "{} is missing: run scripts/test.sh, which installs azurite from npm",
            bin.display()
        );
        let port = free_port();
        let child = Command::new(bin)
            .args([
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                &port.to_string(),
                "--inMemoryPersistence",
                "--disableTelemetry",
                "--skipApiVersionCheck",
                "--silent",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("azurite starts");
        let mut child = child;
        wait_listening(&mut child, port, "azurite");
        Azurite {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn an_example_dataset_validates_the_same_from_azure_blob_storage() {
    let az = Azurite::start();
    let root = temp_dir("azure");
    let dataset = repo().join("catalog/IF-C341/boiler-sensor-telemetry");
    let env = [
        ("AZURE_STORAGE_USE_EMULATOR", "true"),
        ("AZURITE_BLOB_STORAGE_URL", az.url.as_str()),
    ];
    let mut args = vec![
        "-c".to_string(),
        AZ_UPLOAD.to_string(),
        az.url.clone(),
        "plant".to_string(),
    ];
    for e in std::fs::read_dir(dataset.join("data")).unwrap() {
        let p = e.unwrap().path();
        args.push(p.display().to_string());
        args.push(format!(
            "boiler/data/{}",
            p.file_name().unwrap().to_string_lossy()
        ));
    }
    let out = Command::new(repo().join(".venv-test/bin/python"))
        .args(&args)
        .output()
        .unwrap();
    assert!(out.status.success(), "azure upload: {}", stderr(&out));
    let remote = root.join("remote");
    std::fs::create_dir_all(&remote).unwrap();
    let yaml = std::fs::read_to_string(dataset.join("dataset.yaml")).unwrap();
    std::fs::write(
        remote.join("dataset.yaml"),
        yaml.replace("path: data/", "path: az://plant/boiler/data/"),
    )
    .unwrap();
    let local = root.join("local");
    local_copy(&dataset, &local);
    let (ld, rd) = validate_both(&local, &remote, &env);
    assert_eq!(outcomes(&ld), outcomes(&rd));
    for f in rd["resources"][0]["files"].as_array().unwrap() {
        assert!(
            f["path"]
                .as_str()
                .unwrap()
                .starts_with("az://plant/boiler/data/")
        );
        assert!(f["etag"].is_string());
    }
    std::fs::remove_dir_all(&root).unwrap();
}

/// A static file server that answers `HEAD`, `GET` and `GET` with `Range: bytes=a-b`, with an
/// ETag and `If-Match`, as a CDN or object gateway does; on a free loopback port, on a thread.
/// With `replace_after`, the objects are "replaced" (their ETag changes) after that many
/// requests.
fn range_server(
    dir: PathBuf,
    replace_after: Option<usize>,
) -> (String, std::sync::Arc<tiny_http::Server>) {
    let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
    let url = format!("http://{}", server.server_addr().to_ip().unwrap());
    let s = server.clone();
    std::thread::spawn(move || {
        for (n, req) in s.incoming_requests().enumerate() {
            let replaced = replace_after.is_some_and(|after| n >= after);
            let path = dir.join(req.url().trim_start_matches('/'));
            let Ok(bytes) = std::fs::read(&path) else {
                let _ = req.respond(tiny_http::Response::empty(404));
                continue;
            };
            let etag = {
                use sha2::Digest;
                let v = if replaced { "2" } else { "1" };
                format!(
                    "\"{}-v{v}\"",
                    &assay_model::hex(&sha2::Sha256::digest(&bytes))[..16]
                )
            };
            let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).unwrap();
            let if_match = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("If-Match"))
                .map(|h| h.value.to_string());
            if if_match.is_some_and(|m| m != etag && m != "*") {
                let _ = req.respond(tiny_http::Response::empty(412));
                continue;
            }
            let range = req
                .headers()
                .iter()
                .find(|h| h.field.equiv("Range"))
                .and_then(|h| {
                    let v = h.value.as_str().strip_prefix("bytes=")?.to_string();
                    let (a, b) = v.split_once('-')?;
                    let a: usize = a.parse().ok()?;
                    let b: usize = b.parse::<usize>().ok()?.min(bytes.len() - 1);
                    Some((a, b))
                });
            let (status, body, extra) = match range {
                Some((a, b)) => (
                    206,
                    bytes[a..=b].to_vec(),
                    Some(format!("bytes {a}-{b}/{}", bytes.len())),
                ),
                None => (200, bytes.clone(), None),
            };
            // tiny_http sends the headers of a HEAD request's answer without its body; a
            // Content-Length always, never chunks (a store's HEAD gives the length).
            let mut resp = tiny_http::Response::from_data(body)
                .with_chunked_threshold(usize::MAX)
                .with_status_code(status)
                .with_header(header("ETag", &etag))
                .with_header(header("Last-Modified", "Wed, 01 Oct 2025 00:00:00 GMT"))
                .with_header(header("Accept-Ranges", "bytes"));
            if let Some(cr) = extra {
                resp = resp.with_header(header("Content-Range", &cr));
            }
            let _ = req.respond(resp);
        }
    });
    (url, server)
}

#[test]
fn a_dataset_over_https_style_urls_validates_the_same_as_from_disk() {
    let root = temp_dir("http");
    let dataset = repo().join("catalog/IF-C31/steel-production-batches");
    let (url, server) = range_server(dataset.clone(), None);
    let remote = root.join("remote");
    std::fs::create_dir_all(&remote).unwrap();
    let yaml = std::fs::read_to_string(dataset.join("dataset.yaml")).unwrap();
    std::fs::write(
        remote.join("dataset.yaml"),
        yaml.replace("path: data/", &format!("path: {url}/data/")),
    )
    .unwrap();
    let local = root.join("local");
    local_copy(&dataset, &local);
    let (ld, rd) = validate_both(&local, &remote, &[]);
    let strip_http = |v: &serde_json::Value| {
        serde_json::from_str::<serde_json::Value>(&v.to_string().replace(&format!("{url}/"), ""))
            .unwrap()
    };
    assert_eq!(outcomes(&ld), outcomes(&strip_http(&rd)));
    let f = &rd["resources"][0]["files"][0];
    assert_eq!(f["path"], format!("{url}/data/heats.parquet"));
    assert!(f["etag"].is_string(), "{f}");
    // A missing file is a located data error.
    std::fs::write(
        remote.join("dataset.yaml"),
        yaml.replace("path: data/", &format!("path: {url}/nowhere/")),
    )
    .unwrap();
    let r = assay_s3(&remote, &["validate", ".", "--no-history"], &[]);
    assert_eq!(r.status.code(), Some(3), "{}", stdout(&r));
    assert!(
        stdout(&r).contains(&format!("{url}/nowhere/heats.parquet")),
        "{}",
        stdout(&r)
    );
    // A store that cannot be reached is a data error for `lock` too (exit 3), located, and
    // nothing is written.
    let gone = format!("http://127.0.0.1:{}", super::free_port());
    std::fs::write(
        remote.join("dataset.yaml"),
        yaml.replace("path: data/", &format!("path: {gone}/data/")),
    )
    .unwrap();
    let r = assay_s3(&remote, &["lock", "."], &[]);
    assert_eq!(r.status.code(), Some(3), "{}", stderr(&r));
    assert!(
        stderr(&r).contains(&format!("{gone}/data/heats.parquet")),
        "{}",
        stderr(&r)
    );
    assert!(!remote.join("dataset.lock").exists());
    server.unblock();
    // An object replaced after it was listed: every later read is conditional on the listed
    // ETag, so the run stops on that file instead of reading a mix of two versions.
    let (url, server) = range_server(dataset.clone(), Some(1));
    std::fs::write(
        remote.join("dataset.yaml"),
        yaml.replace("path: data/", &format!("path: {url}/data/")),
    )
    .unwrap();
    let r = assay_s3(&remote, &["validate", ".", "--no-history"], &[]);
    assert_eq!(r.status.code(), Some(3), "{}", stdout(&r));
    assert!(
        stdout(&r).contains("the object was replaced during the run"),
        "{}",
        stdout(&r)
    );
    server.unblock();
    std::fs::remove_dir_all(&root).unwrap();
}

/// A server that drops every connection halfway through a `GET`'s body (and answers `HEAD`
/// whole), on a thread: a network that fails mid-file, every time.
fn dropping_server(file: PathBuf) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let gets = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = gets.clone();
    std::thread::spawn(move || {
        let bytes = std::fs::read(&file).unwrap();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let text = String::from_utf8_lossy(&request).to_lowercase();
            let (a, b) = text
                .lines()
                .find_map(|l| l.strip_prefix("range: bytes="))
                .and_then(|r| r.trim().split_once('-'))
                .and_then(|(a, b)| Some((a.parse().ok()?, b.parse::<usize>().ok()?)))
                .unwrap_or((0, bytes.len() - 1));
            let body = &bytes[a..=b.min(bytes.len() - 1)];
            let status = if text.contains("range:") {
                format!(
                    "206 Partial Content\r\nContent-Range: bytes {a}-{}/{}",
                    a + body.len() - 1,
                    bytes.len()
                )
            } else {
                "200 OK".to_string()
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nETag: \"v1\"\r\nLast-Modified: Wed, 01 Oct 2025 00:00:00 GMT\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            if !text.starts_with("head") {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                // Half the body, then the connection is gone.
                let _ = stream.write_all(&body[..body.len() / 2]);
            }
        }
    });
    (url, gets)
}

#[test]
fn a_connection_dropped_mid_file_is_a_located_data_error_after_bounded_retries() {
    let root = temp_dir("http-dropped");
    let dataset = repo().join("catalog/IF-C31/steel-production-batches");
    let (url, gets) = dropping_server(dataset.join("data/heats.parquet"));
    let yaml = std::fs::read_to_string(dataset.join("dataset.yaml")).unwrap();
    std::fs::write(
        root.join("dataset.yaml"),
        yaml.replace(
            "path: data/heats.parquet",
            &format!("path: {url}/heats.parquet"),
        ),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let r = assay_s3(&root, &["validate", ".", "--no-history"], &[]);
    let text = format!("{}{}", stdout(&r), stderr(&r));
    assert_eq!(r.status.code(), Some(3), "{text}");
    assert!(text.contains(&format!("{url}/heats.parquet")), "{text}");
    assert!(
        text.contains("cannot read from the store (after retries)"),
        "{text}"
    );
    // Retried, and boundedly so (object_store's retries of the body, at most 3 per request).
    let gets = gets.load(std::sync::atomic::Ordering::SeqCst);
    assert!((2..=10).contains(&gets), "{gets} GETs");
    // Bounded: three retries with backoff, not minutes.
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    std::fs::remove_dir_all(&root).unwrap();
}
