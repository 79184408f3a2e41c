//! S3 (moto_server): the examples from a bucket, statistics first, bad input, lock and verify.

use std::path::{Path, PathBuf};

use super::*;
use crate::support::{repo, stderr, stdout, temp_dir};

#[test]
fn every_example_dataset_validates_the_same_from_s3_as_from_disk() {
    let s3 = S3::start(false);
    let root = temp_dir("s3-examples");
    // The endpoint and keys through storage.yaml, by the variables it names.
    let env = lake_storage_yaml(&s3, &root, None);
    for dataset in examples() {
        let name = dataset.file_name().unwrap().to_string_lossy().to_string();
        let remote = root.join("remote").join(&name);
        let local = root.join("local").join(&name);
        remote_copy(&s3, "lake", &dataset, &remote);
        local_copy(&dataset, &local);
        let l = assay_s3(&local, &VALIDATE_JSON, &[]);
        let r = assay_s3(&remote, &VALIDATE_JSON, &env);
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
    let files = keyed_files(&data, "bearing", "");
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
    // Without the cache (a second run would find the footers there): what one run fetches.
    let out = assay_s3(
        &dir,
        &[
            "validate",
            ".",
            "--format",
            "json",
            "--no-history",
            "--no-cache",
        ],
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
    let args = [
        "validate",
        ".",
        "--format",
        "json",
        "--no-history",
        "--no-cache",
    ];
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

/// A report without what this run fetched (`storage`), which is all a cached run changes.
fn without_transport(mut doc: serde_json::Value) -> serde_json::Value {
    doc.as_object_mut().unwrap().remove("storage");
    doc
}

#[test]
fn a_replaced_object_is_the_only_one_fetched_again() {
    let s3 = S3::start(false);
    let root = temp_dir("s3-cache");
    let cache = root.join("cache");
    let data = repo().join("catalog/IF-C341/boiler-sensor-telemetry/data");
    let files = keyed_files(&data, "boiler", "readings-");
    assert!(files.len() >= 2);
    s3.upload("lake", &files);
    let dir = root.join("remote");
    std::fs::create_dir_all(&dir).unwrap();
    // Checks that need the data: a range with failures, a key unique across files, an
    // aggregate, a monotonic column.
    std::fs::write(
        dir.join("dataset.yaml"),
        "assay: 1\nname: boiler-remote\nversion: 1.0.0\nfield: IF-C341\nsensitivity: public\nresources:\n  - name: readings\n    path: s3://lake/boiler/readings-*.parquet\n    schema:\n      fieldsMatch: subset\n      fields:\n        - {name: ts, type: timestamp, unit: us, timezone: UTC}\n        - {name: machine_id, type: string}\n        - {name: sensor, type: string}\n        - {name: value, type: float64}\n    checks:\n      - {check: range, column: value, min: 0, max: 600}\n      - {check: unique_key, columns: [machine_id, sensor, ts]}\n      - {check: aggregate, column: value, stat: mean, min: 300, max: 500}\n      - {check: monotonic, column: ts, direction: increasing}\n",
    )
    .unwrap();
    let env = s3_env(&s3);
    let cache_text = cache.display().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "validate",
            ".",
            "--format",
            "json",
            "--no-history",
            "--now",
            "2026-01-01T00:00:00Z",
        ];
        args.extend(extra);
        let out = assay_s3(&dir, &args, &env_refs(&env));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("no JSON report ({e}): {}", stderr(&out)));
        let reused = stderr(&out)
            .lines()
            .find(|l| l.contains("checked from the cache"))
            .and_then(|l| l.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0);
        (doc, reused)
    };
    let cached = ["--cache-dir", cache_text.as_str()];
    let (cold, n0) = run(&cached);
    let (warm, n1) = run(&cached);
    let n = files.len() as u64;
    assert_eq!((n0, n1), (0, n));
    assert_eq!(
        cold["resources"][0]["checks"][1]["status"], "fail",
        "{}",
        cold["resources"][0]["checks"][1]
    );
    // Nothing but the listing: the footers and the checks' results come from the cache.
    assert_eq!(warm["storage"]["requests"], 1, "{}", warm["storage"]);
    assert_eq!(warm["storage"]["bytes_fetched"], 0, "{}", warm["storage"]);
    assert_eq!(without_transport(cold.clone()), without_transport(warm));

    // One object replaced by another's bytes: a new ETag. Only it is fetched.
    s3.upload("lake", &[(files[1].0.clone(), files[0].1.clone())]);
    let (warm, reused) = run(&cached);
    let (fresh, _) = run(&["--no-cache"]);
    assert_eq!(reused, n - 1);
    let replaced = std::fs::metadata(&files[1].0).unwrap().len();
    let fetched = warm["storage"]["bytes_fetched"].as_u64().unwrap();
    assert!(
        fetched > 0 && fetched <= replaced,
        "{fetched} of {replaced}"
    );
    assert_eq!(without_transport(fresh), without_transport(warm));
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
    let local = root.join("local");
    local_copy(&dataset, &local);
    std::fs::copy(dataset.join("dataset.lock"), local.join("dataset.lock")).unwrap();
    let (l, r) = validate_both(&local, &dir, &env);
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
