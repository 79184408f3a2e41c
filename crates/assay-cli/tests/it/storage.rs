//! Data in object storage: a real S3-compatible server (`moto_server`, from PyPI, installed by
//! `scripts/test.sh` into `.venv-test`) started on a free loopback port for each test, the
//! example datasets uploaded to it, and `assay` run against `s3://` paths.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::support::{TEST_KEY, repo, stderr, stdout, temp_dir};

/// A `moto_server` on a free loopback port, stopped when dropped.
struct S3 {
    child: Child,
    endpoint: String,
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
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cmd = Command::new(bin);
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if auth {
            cmd.env("INITIAL_NO_AUTH_ACTION_COUNT", "0");
        }
        let mut child = cmd.spawn().expect("moto_server starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let start = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("moto_server exited ({status}) before listening on {endpoint}");
            }
            assert!(
                start.elapsed().as_secs() < 30,
                "moto_server did not listen on {endpoint}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
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
const UPLOAD: &str = r#"
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
const MARKER: &str = "SECRET-MARKER-8c1f0e2d9b7a";

/// `assay ARGS` in `cwd` with the S3 settings of the standard variables and nothing else of
/// the caller's AWS environment.
fn assay_s3(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assay"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("ASSAY_REGISTRY")
        .env(assay_model::redact::KEY_ENV, TEST_KEY)
        .env("NO_COLOR", "1");
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

/// The standard variables for the loopback server.
fn s3_env(s3: &S3) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT", s3.endpoint.clone()),
        ("AWS_ALLOW_HTTP", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", MARKER.into()),
    ]
}

fn env_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// The five example datasets.
fn examples() -> Vec<PathBuf> {
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
fn remote_copy(s3: &S3, bucket: &str, dataset: &Path, to: &Path) -> String {
    let name = dataset.file_name().unwrap().to_string_lossy().to_string();
    std::fs::create_dir_all(to).unwrap();
    let yaml = std::fs::read_to_string(dataset.join("dataset.yaml")).unwrap();
    let prefix = format!("s3://{bucket}/{name}/data/");
    let rewritten = yaml
        .replace("path: data/", &format!("path: {prefix}"))
        .replace("path: [data/", &format!("path: [{prefix}"));
    assert_ne!(rewritten, yaml, "{name}: no data path rewritten");
    std::fs::write(to.join("dataset.yaml"), rewritten).unwrap();
    let mut files = Vec::new();
    for e in std::fs::read_dir(dataset.join("data")).unwrap() {
        let p = e.unwrap().path();
        let key = format!("{name}/data/{}", p.file_name().unwrap().to_string_lossy());
        files.push((p, key));
    }
    files.sort();
    s3.upload(bucket, &files);
    prefix
}

/// A local copy of `dataset` without its lock (the remote copy has none either).
fn local_copy(dataset: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("data")).unwrap();
    std::fs::copy(dataset.join("dataset.yaml"), to.join("dataset.yaml")).unwrap();
    for e in std::fs::read_dir(dataset.join("data")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join("data").join(p.file_name().unwrap())).unwrap();
    }
}

/// The outcome of every check (name, status, counts, samples), with sample files named by
/// their base name so a local and a remote run compare.
fn outcomes(doc: &serde_json::Value) -> serde_json::Value {
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

#[test]
fn every_example_dataset_validates_the_same_from_s3_as_from_disk() {
    let s3 = S3::start(false);
    let root = temp_dir("s3-examples");
    // The endpoint and keys through storage.yaml, by the variables it names.
    std::fs::write(
        root.join("storage.yaml"),
        "stores:\n  - url: s3://lake\n    env:\n      endpoint: TEST_LAKE_ENDPOINT\n      access_key_id: TEST_LAKE_KEY\n      secret_access_key: TEST_LAKE_SECRET\n    options:\n      region: us-east-1\n      allow_http: \"true\"\n",
    )
    .unwrap();
    let env = [
        ("TEST_LAKE_ENDPOINT", s3.endpoint.as_str()),
        ("TEST_LAKE_KEY", "test"),
        ("TEST_LAKE_SECRET", MARKER),
    ];
    for dataset in examples() {
        let name = dataset.file_name().unwrap().to_string_lossy().to_string();
        let remote = root.join("remote").join(&name);
        let local = root.join("local").join(&name);
        remote_copy(&s3, "lake", &dataset, &remote);
        local_copy(&dataset, &local);
        let args = [
            "validate",
            ".",
            "--format",
            "json",
            "--now",
            "2025-08-01T00:00:00Z",
            "--no-history",
        ];
        let l = assay_s3(&local, &args, &[]);
        let r = assay_s3(&remote, &args, &env);
        assert_eq!(
            l.status.code(),
            r.status.code(),
            "{name}: exit codes differ; remote stderr: {}",
            stderr(&r)
        );
        let ld: serde_json::Value = serde_json::from_slice(&l.stdout).unwrap();
        let rd: serde_json::Value = serde_json::from_slice(&r.stdout)
            .unwrap_or_else(|e| panic!("{name}: no JSON report ({e}): {}", stderr(&r)));
        crate::support::assert_valid_report(&rd);
        let (lo, ro) = (outcomes(&ld), outcomes(&rd));
        for (a, b) in lo.as_array().unwrap().iter().zip(ro.as_array().unwrap()) {
            for (ca, cb) in a["checks"]
                .as_array()
                .unwrap()
                .iter()
                .zip(b["checks"].as_array().unwrap())
            {
                assert_eq!(ca, cb, "{name}: outcomes differ");
            }
        }
        assert_eq!(lo, ro, "{name}: outcomes differ");
        assert_eq!(ld["summary"], rd["summary"], "{name}");
        // Every object is named by its URL, with the store's ETag and its size.
        for (lr, rr) in ld["resources"]
            .as_array()
            .unwrap()
            .iter()
            .zip(rd["resources"].as_array().unwrap())
        {
            for (lf, rf) in lr["files"]
                .as_array()
                .unwrap()
                .iter()
                .zip(rr["files"].as_array().unwrap())
            {
                let url = rf["path"].as_str().unwrap();
                assert!(url.starts_with("s3://lake/"), "{url}");
                assert_eq!(
                    url.rsplit('/').next(),
                    lf["path"].as_str().unwrap().rsplit('/').next()
                );
                assert_eq!(lf["bytes"], rf["bytes"], "{url}");
                assert!(rf["etag"].is_string(), "{url}: no etag");
                // Read whole when the checks need most of it: then hashed, as on disk; read by
                // ranges otherwise, and then not hashed.
                assert!(
                    rf["sha256"].is_null() || rf["sha256"] == lf["sha256"],
                    "{url}: {} vs {}",
                    rf["sha256"],
                    lf["sha256"]
                );
            }
        }
        let used = &rd["storage"];
        assert!(used["requests"].as_u64().unwrap() >= 2, "{name}: {used}");
        assert!(
            ld.get("storage").is_none(),
            "{name}: a local run fetched nothing"
        );
        let fetched = used["bytes_fetched"].as_u64().unwrap();
        let size = rd["summary"]["bytes"].as_u64().unwrap();
        assert!(
            fetched <= size + 64 * 1024,
            "{name}: fetched {fetched} of {size}"
        );
        // Every output format, to a file: no secret (stdout and stderr are checked by
        // `assay_s3`).
        for format in ["text", "json", "junit", "sarif", "github"] {
            let out_file = remote.join(format!("report.{format}"));
            let r = assay_s3(
                &remote,
                &[
                    "validate",
                    ".",
                    "--format",
                    format,
                    "--no-history",
                    "--out",
                    out_file.to_str().unwrap(),
                ],
                &env,
            );
            assert_eq!(r.status.code(), l.status.code(), "{name} {format}");
            let written = std::fs::read_to_string(&out_file).unwrap();
            assert!(!written.contains(MARKER), "{name} {format}: secret written");
        }
    }
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn checks_the_footers_decide_fetch_only_the_footer() {
    let s3 = S3::start(false);
    let root = temp_dir("s3-footer");
    let data = root.join("bearing");
    crate::first_hour::bearing::write(&data).unwrap();
    let files: Vec<(PathBuf, String)> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let key = format!("bearing/{}", p.file_name().unwrap().to_string_lossy());
            (p, key)
        })
        .collect();
    let size: u64 = files
        .iter()
        .map(|(p, _)| std::fs::metadata(p).unwrap().len())
        .sum();
    s3.upload("lake", &files);
    let dir = root.join("remote");
    std::fs::create_dir_all(&dir).unwrap();
    // Footer statistics decide both checks: no null rig, every rig number within a wide
    // range. (The rig column is a small part of the file, so it is read by ranges, not whole.)
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: bearing-remote\nversion: 1.0.0\nfield: IF-C345\nsensitivity: public\nresources:\n  - name: runs\n    path: s3://lake/bearing/*.parquet\n    schema:\n      fieldsMatch: subset\n      fields:\n        - {name: rig, type: int32, constraints: {required: true}}\n    checks:\n      - {check: range, column: rig, min: 0, max: 1000}\n",
    )
    .unwrap();
    let env = s3_env(&s3);
    let out = assay_s3(
        &dir,
        &["validate", ".", "--format", "json", "--no-history"],
        &env_refs(&env),
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {}", stderr(&out)));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let fetched = doc["storage"]["bytes_fetched"].as_u64().unwrap();
    let requests = doc["storage"]["requests"].as_u64().unwrap();
    // One listing and one footer read per file; the footers are all that is fetched.
    let n = files.len() as u64;
    assert_eq!(requests, 1 + n, "{}", doc["storage"]);
    assert!(
        fetched <= n * 64 * 1024 && fetched * 5 < size,
        "fetched {fetched} of {size} bytes"
    );
    for c in doc["resources"][0]["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "pass", "{c}");
    }
    // A check the statistics cannot decide (the loads include 12 planted negatives) reads the
    // load column's chunks, one request per row group, and nothing else: the same failures,
    // with the same located samples, as on disk.
    let manifest = "assay: 1\nname: bearing-remote\nversion: 1.0.0\nfield: IF-C345\nsensitivity: public\nresources:\n  - name: runs\n    path: PATH\n    schema:\n      fieldsMatch: subset\n      fields:\n        - {name: load_kn, type: float64}\n    checks:\n      - {check: range, column: load_kn, min: 0, max: 1000}\n";
    std::fs::write(
        dir.join("dataset.yaml"),
        manifest.replace("PATH", "s3://lake/bearing/*.parquet"),
    )
    .unwrap();
    let local = root.join("local");
    std::fs::create_dir_all(local.join("data")).unwrap();
    for (p, _) in &files {
        std::fs::copy(p, local.join("data").join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        local.join("dataset.yaml"),
        manifest.replace("PATH", "data/*.parquet"),
    )
    .unwrap();
    let args = ["validate", ".", "--format", "json", "--no-history"];
    let r = assay_s3(&dir, &args, &env_refs(&env));
    let l = assay_s3(&local, &args, &[]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    let (rd, ld): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&r.stdout).unwrap(),
        serde_json::from_slice(&l.stdout).unwrap(),
    );
    let check = |d: &serde_json::Value| d["resources"][0]["checks"][1].clone();
    assert_eq!(check(&rd)["failing"], 12, "{}", check(&rd));
    assert_eq!(outcomes(&ld), outcomes(&rd));
    let row_groups: u64 = rd["resources"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["row_groups"].as_u64().unwrap())
        .sum();
    // At most one per row group: chunks inside the 64 KiB read with the footer are not
    // fetched again.
    let requests = rd["storage"]["requests"].as_u64().unwrap();
    assert!(
        requests > 1 + n && requests <= 1 + n + row_groups,
        "{} ({row_groups} row groups)",
        rd["storage"]
    );
    assert!(
        rd["storage"]["bytes_fetched"].as_u64().unwrap() * 2 < size,
        "{}",
        rd["storage"]
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn store_errors_are_located_and_never_show_a_secret() {
    let s3 = S3::start(false);
    let root = temp_dir("s3-errors");
    let dataset = examples().into_iter().next().unwrap();
    let dir = root.join("ds");
    let prefix = remote_copy(&s3, "lake", &dataset, &dir);
    let env = s3_env(&s3);
    let validate = ["validate", ".", "--no-history"];
    let run = |dir: &Path, env: &[(&str, &str)]| {
        let out = assay_s3(dir, &validate, env);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(MARKER), "secret leaked: {all}");
        (out.status.code(), all)
    };

    // No credentials at all: a configuration error before any request.
    let (code, text) = run(&dir, &[("AWS_ENDPOINT", &s3.endpoint)]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("s3://lake") && text.contains("no credentials"),
        "{text}"
    );

    // A bucket that does not exist.
    let manifest = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    let nobucket = root.join("nobucket");
    std::fs::create_dir_all(&nobucket).unwrap();
    std::fs::write(
        nobucket.join("dataset.yaml"),
        manifest.replace("s3://lake/", "s3://no-such-bucket/"),
    )
    .unwrap();
    let (code, text) = run(&nobucket, &env_refs(&env));
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("s3://no-such-bucket") && text.contains("bucket does not exist"),
        "{text}"
    );

    // An unknown scheme: the linter refuses the manifest.
    let unknown = root.join("unknown");
    std::fs::create_dir_all(&unknown).unwrap();
    std::fs::write(
        unknown.join("dataset.yaml"),
        manifest.replace("s3://lake/", "ftp://lake/"),
    )
    .unwrap();
    let (code, text) = run(&unknown, &env_refs(&env));
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("unknown URL scheme"), "{text}");

    // A truncated object: a data error naming the URL.
    let truncated = root.join("truncated.parquet");
    let first = std::fs::read_dir(dataset.join("data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .min()
        .unwrap();
    let bytes = std::fs::read(&first).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let key = format!(
        "{}{}",
        prefix.trim_start_matches("s3://lake/"),
        first.file_name().unwrap().to_string_lossy()
    );
    s3.upload("lake", &[(truncated, key.clone())]);
    let (code, text) = run(&dir, &env_refs(&env));
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains(&format!("s3://lake/{key}")) && text.contains("not a readable Parquet file"),
        "{text}"
    );

    // A server that checks credentials: refused, exit 2, the secret nowhere.
    let guarded = S3::start(true);
    let mut genv = s3_env(&guarded);
    genv[0].1 = guarded.endpoint.clone();
    let (code, text) = run(&dir, &env_refs(&genv));
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("s3://lake") && text.contains("403"), "{text}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn lock_and_verify_catch_every_tamper_of_objects_in_a_store() {
    let s3 = S3::start(false);
    let root = temp_dir("s3-tamper");
    let dataset = repo().join("catalog/IF-C341/boiler-sensor-telemetry");
    let dir = root.join("ds");
    let prefix = remote_copy(&s3, "lake", &dataset, &dir);
    let key_of = |name: &str| format!("{}{name}", prefix.trim_start_matches("s3://lake/"));
    let env = s3_env(&s3);
    let env = env_refs(&env);
    let out = assay_s3(&dir, &["lock", "."], &env);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lock: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dataset.lock")).unwrap()).unwrap();
    let locked: Vec<&serde_json::Value> = lock["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["files"].as_array().unwrap())
        .collect();
    assert_eq!(locked.len(), 3);
    for f in &locked {
        let path = f["path"].as_str().unwrap();
        assert!(path.starts_with(&prefix), "{path}");
        // The hash of the bytes in the store is the hash of the local file.
        let local = dataset.join("data").join(path.rsplit('/').next().unwrap());
        let local_sha = {
            use sha2::Digest;
            assay_model::hex(&sha2::Sha256::digest(std::fs::read(&local).unwrap()))
        };
        assert_eq!(f["sha256"].as_str().unwrap(), local_sha, "{path}");
        assert!(f["etag"].is_string(), "{path}: no etag");
    }
    let verify = |quick: bool| {
        let mut args = vec!["verify", "."];
        if quick {
            args.push("--quick");
        }
        let out = assay_s3(&dir, &args, &env);
        (
            out.status.code(),
            format!("{}{}", stdout(&out), stderr(&out)),
        )
    };
    for quick in [false, true] {
        let (code, text) = verify(quick);
        assert_eq!(code, Some(0), "quick={quick}: {text}");
    }
    // A locked dataset in a store scores as the same locked dataset on disk: the ETag stands in
    // for the hash a validation does not compute.
    let args = [
        "validate",
        ".",
        "--format",
        "json",
        "--now",
        "2025-08-01T00:00:00Z",
        "--no-history",
    ];
    let local = root.join("local");
    local_copy(&dataset, &local);
    std::fs::copy(dataset.join("dataset.lock"), local.join("dataset.lock")).unwrap();
    let l: serde_json::Value =
        serde_json::from_slice(&assay_s3(&local, &args, &[]).stdout).unwrap();
    let r: serde_json::Value = serde_json::from_slice(&assay_s3(&dir, &args, &env).stdout).unwrap();
    assert_eq!(l["quality"], r["quality"]);
    let original = dataset.join("data/readings-2025-06.parquet");
    let bytes = std::fs::read(&original).unwrap();
    let tampered = root.join("tampered.parquet");

    // One byte changed in a data page: same size; the full verify sees the hash, the quick one
    // the new ETag.
    let mut changed = bytes.clone();
    changed[100] ^= 0xff;
    std::fs::write(&tampered, &changed).unwrap();
    s3.upload(
        "lake",
        &[(tampered.clone(), key_of("readings-2025-06.parquet"))],
    );
    let (code, text) = verify(false);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("readings-2025-06.parquet"), "{text}");
    assert!(
        text.to_lowercase().contains("content") || text.contains("sha256"),
        "{text}"
    );
    let (code, text) = verify(true);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("ETag"), "{text}");

    // Replaced by a shorter object.
    std::fs::write(&tampered, &bytes[..bytes.len() - 10]).unwrap();
    s3.upload(
        "lake",
        &[(tampered.clone(), key_of("readings-2025-06.parquet"))],
    );
    for quick in [false, true] {
        let (code, text) = verify(quick);
        assert_ne!(code, Some(0), "{text}");
        assert!(text.contains("readings-2025-06.parquet"), "{text}");
    }

    // Deleted.
    s3.upload(
        "lake",
        &[(PathBuf::from("-"), key_of("readings-2025-06.parquet"))],
    );
    let (code, text) = verify(true);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.to_lowercase().contains("missing"), "{text}");

    // Restored, plus an extra object the glob matches.
    s3.upload(
        "lake",
        &[
            (original.clone(), key_of("readings-2025-06.parquet")),
            (original.clone(), key_of("readings-2025-08.parquet")),
        ],
    );
    let (code, text) = verify(true);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("readings-2025-08.parquet"), "{text}");
    std::fs::remove_dir_all(&root).unwrap();
}

/// A data file of an example dataset (`FIELD/NAME`) in the repository.
fn dataset_file(dataset: &str, name: &str) -> PathBuf {
    repo().join("catalog").join(dataset).join("data").join(name)
}

/// Every file under `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
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

fn walkdir(dir: &Path) -> Vec<PathBuf> {
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

#[test]
fn the_example_catalog_published_from_a_bucket_is_the_site_published_from_disk() {
    let s3 = S3::start(false);
    let root = temp_dir("s3-publish");
    let local = root.join("local/catalog");
    crate::support::example_catalog(&local);
    // The same catalog with its data in the bucket instead: storage.yaml's root says where.
    let remote = root.join("remote/catalog");
    crate::support::example_catalog(&remote);
    let mut uploads = Vec::new();
    for f in walkdir(&remote) {
        let rel = f
            .strip_prefix(&remote)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".parquet") {
            uploads.push((f.clone(), format!("catalog/{rel}")));
        }
    }
    assert!(uploads.len() >= 6, "{uploads:?}");
    s3.upload("lake", &uploads);
    for (f, _) in &uploads {
        std::fs::remove_file(f).unwrap();
    }
    std::fs::write(
        remote.join("storage.yaml"),
        "root: s3://lake/catalog\nstores:\n  - url: s3://lake\n    env:\n      endpoint: TEST_LAKE_ENDPOINT\n      access_key_id: TEST_LAKE_KEY\n      secret_access_key: TEST_LAKE_SECRET\n    options:\n      region: us-east-1\n      allow_http: \"true\"\n",
    )
    .unwrap();
    let env = [
        ("TEST_LAKE_ENDPOINT", s3.endpoint.as_str()),
        ("TEST_LAKE_KEY", "test"),
        ("TEST_LAKE_SECRET", MARKER),
    ];
    let args = [
        "publish",
        "catalog",
        "--out",
        "site",
        "--now",
        "2025-08-01T00:00:00Z",
    ];
    let l = assay_s3(&root.join("local"), &args, &[]);
    assert_eq!(l.status.code(), Some(0), "{}", stderr(&l));
    let r = assay_s3(&root.join("remote"), &args, &env);
    assert_eq!(r.status.code(), Some(0), "{}{}", stdout(&r), stderr(&r));
    let (lt, rt) = (
        tree(&root.join("local/site")),
        tree(&root.join("remote/site")),
    );
    assert_eq!(
        lt.keys().collect::<Vec<_>>(),
        rt.keys().collect::<Vec<_>>(),
        "the sites hold different files: {}{}",
        stdout(&r),
        stderr(&r)
    );
    for (k, v) in &lt {
        assert!(rt[k] == *v, "{k} differs between the sites");
        assert!(!String::from_utf8_lossy(v).contains(MARKER));
    }
    // A bag packed from the bucket is the bag packed from disk.
    for side in ["local", "remote"] {
        let ds = root
            .join(side)
            .join("catalog/IF-C341/boiler-sensor-telemetry");
        let bag = root.join(side).join("bag");
        let e: &[(&str, &str)] = if side == "remote" { &env } else { &[] };
        let out = assay_s3(
            &ds,
            &[
                "pack",
                ".",
                "--out",
                bag.to_str().unwrap(),
                "--now",
                "2025-08-01T00:00:00Z",
                "--date",
                "2025-08-01",
            ],
            e,
        );
        assert_eq!(out.status.code(), Some(0), "{side}: {}", stderr(&out));
    }
    let (lb, rb) = (
        tree(&root.join("local/bag")),
        tree(&root.join("remote/bag")),
    );
    assert_eq!(lb.keys().collect::<Vec<_>>(), rb.keys().collect::<Vec<_>>());
    for (k, v) in &lb {
        assert!(rb[k] == *v, "bag file {k} differs");
    }
    assert!(
        lb.keys().any(|k| k.ends_with(".parquet")),
        "{:?}",
        lb.keys()
    );
    // `assay profile` of a prefix in the bucket is the profile of the files on disk.
    // (Run in the catalog folder, where its storage.yaml names the credentials.)
    let steel = "IF-C31/steel-production-batches/data/";
    let lp = assay_s3(&local, &["profile", steel], &[]);
    let rp = assay_s3(
        &remote,
        &["profile", &format!("s3://lake/catalog/{steel}")],
        &env,
    );
    assert_eq!(rp.status.code(), Some(0), "{}", stderr(&rp));
    assert_eq!(stdout(&lp), stdout(&rp).replace("s3://lake/catalog/", ""));
    // `assay init` of a new dataset folder under the root drafts from the objects under it, as
    // from the same files on disk.
    s3.upload(
        "lake",
        &[(
            dataset_file("IF-C31/steel-production-batches", "heats.parquet"),
            "catalog/IF-C31/new-heats/data/heats.parquet".to_string(),
        )],
    );
    let local_new = root.join("local/catalog/IF-C31/new-heats");
    std::fs::create_dir_all(local_new.join("data")).unwrap();
    std::fs::copy(
        dataset_file("IF-C31/steel-production-batches", "heats.parquet"),
        local_new.join("data/heats.parquet"),
    )
    .unwrap();
    let remote_new = remote.join("IF-C31/new-heats");
    std::fs::create_dir_all(&remote_new).unwrap();
    let init = [
        "init",
        ".",
        "--field",
        "IF-C31",
        "--now",
        "2025-08-01T00:00:00Z",
    ];
    let li = assay_s3(&local_new, &init, &[]);
    assert_eq!(li.status.code(), Some(0), "{}", stderr(&li));
    let ri = assay_s3(&remote_new, &init, &env);
    assert_eq!(ri.status.code(), Some(0), "{}", stderr(&ri));
    assert_eq!(
        std::fs::read_to_string(local_new.join("dataset.yaml")).unwrap(),
        std::fs::read_to_string(remote_new.join("dataset.yaml")).unwrap()
    );
    // The locks made on disk verify against the bucket, and the data is nowhere on disk.
    let v = assay_s3(
        &root.join("remote/catalog/IF-C31/steel-production-batches"),
        &["verify", "."],
        &env,
    );
    assert_eq!(v.status.code(), Some(0), "{}{}", stdout(&v), stderr(&v));
    assert!(
        !root
            .join("remote/catalog/IF-C31/steel-production-batches/data")
            .exists()
            || walkdir(&root.join("remote/catalog/IF-C31/steel-production-batches/data"))
                .is_empty()
    );
    std::fs::remove_dir_all(&root).unwrap();
}

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
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
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
        let start = std::time::Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("azurite exited ({status}) before listening on port {port}");
            }
            assert!(start.elapsed().as_secs() < 60, "azurite did not listen");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
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
    let args = [
        "validate",
        ".",
        "--format",
        "json",
        "--now",
        "2025-08-01T00:00:00Z",
        "--no-history",
    ];
    let l = assay_s3(&local, &args, &[]);
    let r = assay_s3(&remote, &args, &env);
    assert_eq!(l.status.code(), r.status.code(), "{}", stderr(&r));
    let ld: serde_json::Value = serde_json::from_slice(&l.stdout).unwrap();
    let rd: serde_json::Value = serde_json::from_slice(&r.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {}", stderr(&r)));
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
    let args = [
        "validate",
        ".",
        "--format",
        "json",
        "--now",
        "2025-08-01T00:00:00Z",
        "--no-history",
    ];
    let l = assay_s3(&local, &args, &[]);
    let r = assay_s3(&remote, &args, &[]);
    assert_eq!(l.status.code(), r.status.code(), "{}", stderr(&r));
    let ld: serde_json::Value = serde_json::from_slice(&l.stdout).unwrap();
    let rd: serde_json::Value = serde_json::from_slice(&r.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {}", stderr(&r)));
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
