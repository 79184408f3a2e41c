//! Data in object storage, against real servers started on free loopback ports for each test
//! and stopped afterwards: `moto_server` (S3, from PyPI), Azurite (Azure Blob, from npm) and a
//! Range-capable HTTP server run by the test. `scripts/test.sh` installs the first two into
//! `.venv-test`. Every run is checked for a marker secret.

mod clouds;
mod cluster;
mod publish;
mod s3;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::support::{TEST_KEY, repo, stderr};

/// A free loopback port.
pub(super) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (at most a minute) until the server `child` listens on `port`; a server that exits
/// first fails the test with its status.
pub(super) fn wait_listening(child: &mut Child, port: u16, what: &str) {
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited ({status}) before listening on port {port}");
        }
        assert!(
            start.elapsed().as_secs() < 60,
            "{what} did not listen on port {port}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A `moto_server` on a free loopback port, stopped when dropped.
pub(super) struct S3 {
    child: Child,
    pub(super) endpoint: String,
}

impl S3 {
    /// Starts the server; `auth` makes it check credentials (every key is then unknown).
    fn start(auth: bool) -> S3 {
        let bin = repo().join(".venv-test/bin/moto_server");
        assert!(
            bin.exists(),
            "{} is missing: run scripts/test.sh, which installs moto[server] from PyPI",
            bin.display()
        );
        let port = free_port();
        let mut cmd = Command::new(bin);
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if auth {
            cmd.env("INITIAL_NO_AUTH_ACTION_COUNT", "0");
        }
        let mut child = cmd.spawn().expect("moto_server starts");
        wait_listening(&mut child, port, "moto_server");
        let endpoint = format!("http://127.0.0.1:{port}");
        S3 { child, endpoint }
    }

    /// Creates `bucket` (if needed) and uploads each (local file, key).
    fn upload(&self, bucket: &str, files: &[(PathBuf, String)]) {
        let mut args = vec![
            "-c".to_string(),
            UPLOAD.to_string(),
            self.endpoint.clone(),
            bucket.to_string(),
        ];
        for (local, key) in files {
            args.push(local.display().to_string());
            args.push(key.clone());
        }
        let out = Command::new(repo().join(".venv-test/bin/python"))
            .args(&args)
            .output()
            .unwrap();
        assert!(out.status.success(), "upload: {}", stderr(&out));
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// boto3 (which moto brings): create a bucket and upload files.
pub(super) const UPLOAD: &str = r#"
import sys, boto3
endpoint, bucket = sys.argv[1], sys.argv[2]
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                  aws_secret_access_key="test", region_name="us-east-1")
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
pairs = sys.argv[3:]
for local, key in zip(pairs[0::2], pairs[1::2]):
    if local == "-":
        s3.delete_object(Bucket=bucket, Key=key)
    else:
        s3.upload_file(local, bucket, key)
"#;

/// A marker standing for a secret: it must appear in no output.
pub(super) const MARKER: &str = "SECRET-MARKER-8c1f0e2d9b7a";

/// `assay ARGS` in `cwd` with the S3 settings of the standard variables and nothing else of
/// the caller's AWS environment.
pub(super) fn assay_s3(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assay"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("ASSAY_REGISTRY")
        .env(assay_model::redact::KEY_ENV, TEST_KEY)
        .env("NO_COLOR", "1")
        .env("ASSAY_CACHE_DIR", crate::support::cache_dir());
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") || k.starts_with("AZURE_") || k.starts_with("GOOGLE_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the assay binary runs");
    // Whatever the command, its output never holds the secret.
    for text in [&out.stdout, &out.stderr] {
        assert!(
            !String::from_utf8_lossy(text).contains(MARKER),
            "`assay {}` printed the secret",
            args.join(" ")
        );
    }
    out
}

/// `assay validate . --format json` at a fixed reference time, without history.
pub(super) const VALIDATE_JSON: [&str; 7] = [
    "validate",
    ".",
    "--format",
    "json",
    "--now",
    "2025-08-01T00:00:00Z",
    "--no-history",
];

/// [`VALIDATE_JSON`] in a local copy and in a remote copy of a dataset (the remote one with
/// `env`): both reports, once their exit codes are found equal.
pub(super) fn validate_both(
    local: &Path,
    remote: &Path,
    env: &[(&str, &str)],
) -> (serde_json::Value, serde_json::Value) {
    let l = assay_s3(local, &VALIDATE_JSON, &[]);
    let r = assay_s3(remote, &VALIDATE_JSON, env);
    assert_eq!(l.status.code(), r.status.code(), "{}", stderr(&r));
    let ld: serde_json::Value = serde_json::from_slice(&l.stdout).unwrap();
    let rd: serde_json::Value = serde_json::from_slice(&r.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {}", stderr(&r)));
    (ld, rd)
}

/// Writes `dir/storage.yaml` for the bucket `lake` of `s3`: the endpoint and keys named by
/// variables, `root:` when given. Returns those variables, the secret being [`MARKER`].
pub(super) fn lake_storage_yaml<'a>(
    s3: &'a S3,
    dir: &Path,
    root: Option<&str>,
) -> [(&'static str, &'a str); 3] {
    let root = root.map(|r| format!("root: {r}\n")).unwrap_or_default();
    std::fs::write(
        dir.join("storage.yaml"),
        format!("{root}stores:\n  - url: s3://lake\n    env:\n      endpoint: TEST_LAKE_ENDPOINT\n      access_key_id: TEST_LAKE_KEY\n      secret_access_key: TEST_LAKE_SECRET\n    options:\n      region: us-east-1\n      allow_http: \"true\"\n"),
    )
    .unwrap();
    [
        ("TEST_LAKE_ENDPOINT", s3.endpoint.as_str()),
        ("TEST_LAKE_KEY", "test"),
        ("TEST_LAKE_SECRET", MARKER),
    ]
}

/// The standard variables for the loopback server.
pub(super) fn s3_env(s3: &S3) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT", s3.endpoint.clone()),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", MARKER.into()),
    ]
}

pub(super) fn env_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The five example datasets.
pub(super) fn examples() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for field in std::fs::read_dir(repo().join("catalog")).unwrap() {
        let field = field.unwrap().path();
        if !field.is_dir() {
            continue;
        }
        for d in std::fs::read_dir(&field).unwrap() {
            let d = d.unwrap().path();
            if d.join("dataset.yaml").exists() && !crate::support::is_standard(&d) {
                out.push(d);
            }
        }
    }
    out.sort();
    out
}

/// Copies `dataset`'s manifest to `to` with its `data/` paths pointing at
/// `s3://BUCKET/NAME/data/`, and uploads its data files there.
pub(super) fn remote_copy(s3: &S3, bucket: &str, dataset: &Path, to: &Path) -> String {
    let name = dataset.file_name().unwrap().to_string_lossy().to_string();
    std::fs::create_dir_all(to).unwrap();
    let yaml = std::fs::read_to_string(dataset.join("dataset.yaml")).unwrap();
    let prefix = format!("s3://{bucket}/{name}/data/");
    let rewritten = yaml
        .replace("path: data/", &format!("path: {prefix}"))
        .replace("path: [data/", &format!("path: [{prefix}"));
    assert_ne!(rewritten, yaml, "{name}: no data path rewritten");
    std::fs::write(to.join("dataset.yaml"), rewritten).unwrap();
    s3.upload(
        bucket,
        &keyed_files(&dataset.join("data"), &format!("{name}/data"), ""),
    );
    prefix
}

/// The files of `dir` whose names start with `starts`, each with its key under `prefix/`,
/// sorted.
pub(super) fn keyed_files(dir: &Path, prefix: &str, starts: &str) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(starts))
        .map(|p| {
            let key = format!("{prefix}/{}", p.file_name().unwrap().to_string_lossy());
            (p, key)
        })
        .collect();
    files.sort();
    files
}

/// A local copy of `dataset` without its lock (the remote copy has none either).
pub(super) fn local_copy(dataset: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("data")).unwrap();
    std::fs::copy(dataset.join("dataset.yaml"), to.join("dataset.yaml")).unwrap();
    for e in std::fs::read_dir(dataset.join("data")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join("data").join(p.file_name().unwrap())).unwrap();
    }
}

/// The outcome of every check (name, status, counts, samples), with sample files named by
/// their base name so a local and a remote run compare.
pub(super) fn outcomes(doc: &serde_json::Value) -> serde_json::Value {
    let mut v = doc["resources"].clone();
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("files");
                if let Some(serde_json::Value::String(f)) = m.get_mut("file") {
                    *f = f.rsplit('/').next().unwrap().to_string();
                }
                for (_, x) in m.iter_mut() {
                    strip(x);
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            serde_json::Value::String(s) => {
                // Messages name files: by their base name.
                if let Some(i) = s.find("s3://") {
                    let end = s[i + 5..]
                        .find(|c: char| c.is_whitespace() || c == '`' || c == ':')
                        .map_or(s.len(), |e| i + 5 + e);
                    let base = s[i..end].rsplit('/').next().unwrap().to_string();
                    *s = format!("{}{}{}", &s[..i], base, &s[end..]);
                }
                *s = s.replace("data/", "");
            }
            _ => {}
        }
    }
    strip(&mut v);
    v
}

/// A data file of an example dataset (`FIELD/NAME`) in the repository.
pub(super) fn dataset_file(dataset: &str, name: &str) -> PathBuf {
    repo().join("catalog").join(dataset).join("data").join(name)
}

/// Every file under `dir`, by relative path, with its bytes.
pub(super) fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir(dir) {
        let rel = e
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.insert(rel, std::fs::read(&e).unwrap());
    }
    out
}

pub(super) fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}
