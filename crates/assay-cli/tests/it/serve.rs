//! `assay serve`: the site and its JSON API over loopback HTTP, no path traversal, a clean
//! shutdown, and the next publish followed.

use std::path::Path;

use serde_json::Value;

use crate::support::{assay, example_catalog, stderr, temp_dir};

const NOW: &str = "2025-07-03T00:00:00Z";

fn catalog(test: &str) -> std::path::PathBuf {
    let dir = temp_dir(test).join("catalog");
    example_catalog(&dir);
    dir
}

/// A raw HTTP/1.0 GET: status line and body.
fn get(port: u16, path: &str) -> (u16, String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let code: u16 = text[9..12].parse().unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (code, head.to_string(), body.to_string())
}

/// `assay serve site --port 0` in `root`: the process and the port it said it listens on.
#[cfg(unix)]
fn start_serve(root: &Path) -> (std::process::Child, u16) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["serve", "site", "--port", "0"])
        .current_dir(root)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .rsplit("127.0.0.1:")
        .next()
        .and_then(|r| r.split('/').next())
        .unwrap()
        .parse()
        .unwrap();
    (child, port)
}

/// `assay serve`: the site and the JSON API on loopback, no path traversal, clean shutdown.
#[cfg(unix)]
#[test]
fn serve_answers_and_refuses_traversal() {
    let cat = catalog("publish-serve");
    let root = cat.parent().unwrap();
    assert_eq!(
        assay(root, &["publish", "catalog", "--out", "site", "--now", NOW])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(root.join("secret.txt"), "do not serve").unwrap();
    let (mut child, port) = start_serve(root);
    let (code, head, body) = get(port, "/");
    assert_eq!(code, 200);
    assert!(head.contains("text/html"), "{head}");
    assert!(body.contains("id=\"coverage\""));
    let (code, head, _) = get(port, "/search-index.js");
    assert_eq!(code, 200);
    assert!(head.contains("text/javascript"));
    let (code, head, body) = get(port, "/api/search?q=%E9%94%85%E7%82%89&grade=A");
    assert_eq!(code, 200);
    assert!(head.contains("application/json"));
    let api: Value = serde_json::from_str(&body).unwrap();
    let site = root.join("site");
    let out = assay(
        root,
        &[
            "search",
            "锅炉",
            "--site",
            site.to_str().unwrap(),
            "--grade",
            "A",
            "--format",
            "json",
        ],
    );
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(api, cli);
    let (code, _, body) = get(port, "/api/datasets/pcb-aoi-inspection");
    assert_eq!(code, 200);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["grade"], "C");
    assert_eq!(get(port, "/api/datasets/nope").0, 404);
    for evil in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/%252e%252e/secret.txt",
        "/datasets/../../secret.txt",
        "//etc/passwd",
        "/..%5csecret.txt",
        "/%00",
    ] {
        let (code, _, body) = get(port, evil);
        assert!(code == 400 || code == 404, "{evil}: {code}");
        assert!(
            !body.contains("do not serve") && !body.contains("root:"),
            "{evil}"
        );
    }
    // SIGTERM: a clean stop, exit 0.
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

/// `assay serve` follows the site link (issue 20.3): after the next `publish` swaps it and
/// removes the old build, the next request is answered from the new build, pages and API alike.
#[cfg(unix)]
#[test]
fn serve_follows_the_next_publish() {
    let cat = catalog("publish-serve-follow");
    let root = cat.parent().unwrap();
    let publish = || {
        let out = assay(root, &["publish", "catalog", "--out", "site", "--now", NOW]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    };
    publish();
    let first_build = root.join("site").canonicalize().unwrap();
    let (mut child, port) = start_serve(root);
    let page = "/datasets/steel-production-batches/index.html";
    let (code, _, body) = get(port, page);
    assert_eq!(code, 200);
    assert!(body.contains("Basic oxygen furnace heats"));

    // A new title, locked and published.
    let dataset = cat.join("IF-C31/steel-production-batches");
    let manifest = std::fs::read_to_string(dataset.join("dataset.yaml")).unwrap();
    std::fs::write(
        dataset.join("dataset.yaml"),
        manifest.replace("Basic oxygen furnace heats", "Converter heats"),
    )
    .unwrap();
    let lock = assay(&dataset, &["lock", "."]);
    assert_eq!(lock.status.code(), Some(0), "{}", stderr(&lock));
    publish();
    assert!(!first_build.exists(), "publish removes the old build");

    let (code, _, body) = get(port, page);
    assert_eq!(code, 200, "the page of the new build, not a 404");
    assert!(body.contains("Converter heats") && !body.contains("Basic oxygen furnace heats"));
    let (code, _, body) = get(port, "/api/datasets/steel-production-batches");
    assert_eq!(code, 200);
    let api: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(api["title"], "Converter heats");
    let (_, _, body) = get(port, "/api/search?q=converter");
    assert!(body.contains("steel-production-batches"), "{body}");

    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}
