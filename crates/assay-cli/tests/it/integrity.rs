//! `assay lock`, `assay verify`, `assay pack`: as a data engineer and a catalog maintainer use
//! them, on copies of the example catalog.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Rng, assay, repo, stderr, stdout, temp_dir};

/// Copies a folder tree (files and folders only), without hidden entries such as the
/// `.assay/history` that validations of the repository's catalog leave behind.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A locked copy of the example dataset `boiler-sensor-telemetry` in a fresh folder.
fn telemetry(test: &str) -> PathBuf {
    let dir = temp_dir(test).join("telemetry");
    copy_tree(
        &repo().join("catalog/IF-C341/boiler-sensor-telemetry"),
        &dir,
    );
    let out = assay(&dir, &["lock", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

/// `assay verify DIR --format json`: exit code and the dataset's differences.
fn verify_json(dir: &Path, extra: &[&str]) -> (Option<i32>, Vec<Value>) {
    let mut args = vec!["verify", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let out = assay(dir, &args);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}{}", stdout(&out), stderr(&out)));
    let diffs = doc["results"][0]["differences"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    (out.status.code(), diffs)
}

fn kinds(diffs: &[Value]) -> Vec<String> {
    diffs
        .iter()
        .map(|d| d["difference"].as_str().unwrap().to_string())
        .collect()
}

fn schema_validator(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join(path)).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&serde_json::from_str(&text).unwrap())
        .unwrap()
}

#[test]
fn lock_is_deterministic_complete_and_schema_valid() {
    let dir = telemetry("lock-determinism");
    let first = std::fs::read(dir.join("dataset.lock")).unwrap();
    // Lock again from scratch, with one job: same bytes.
    std::fs::remove_file(dir.join("dataset.lock")).unwrap();
    let out = assay(&dir, &["lock", ".", "--jobs", "1"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(dir.join("dataset.lock")).unwrap(), first);
    // A third run reports the lock unchanged.
    let out = assay(&dir, &["lock", "."]);
    assert!(
        stdout(&out).starts_with("unchanged boiler-sensor-telemetry"),
        "{}",
        stdout(&out)
    );

    let lock: Value = serde_json::from_slice(&first).unwrap();
    let v = schema_validator("schemas/lock.schema.json");
    let errors: Vec<String> = v.iter_errors(&lock).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let readings = &lock["resources"][0];
    assert_eq!(readings["name"], "readings");
    let paths: Vec<&str> = readings["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "data/readings-2025-06.parquet",
            "data/readings-2025-07.parquet"
        ]
    );
    // Bytes and sha256 are those of the file; rows and row groups those the validator reads.
    let f = &readings["files"][0];
    let bytes = std::fs::read(dir.join("data/readings-2025-06.parquet")).unwrap();
    assert_eq!(f["bytes"], bytes.len() as u64);
    use sha2::Digest;
    assert_eq!(
        f["sha256"].as_str().unwrap(),
        format!("{:x}", sha2::Sha256::digest(&bytes))
    );
    let (_, report) = crate::support::validate_in(&dir, &[]);
    let rf = &report["resources"][0]["files"][0];
    assert_eq!(f["rows"], rf["rows"]);
    assert_eq!(f["row_groups"], rf["row_groups"]);
    assert_eq!(f["sha256"], rf["sha256"]);
    // Both readings files were written by one writer with one schema.
    assert_eq!(
        readings["files"][0]["schema"],
        readings["files"][1]["schema"]
    );
    assert_ne!(
        readings["files"][0]["schema"],
        lock["resources"][1]["files"][0]["schema"]
    );
}

#[test]
fn example_catalog_verifies_clean() {
    let out = assay(&repo(), &["verify", "catalog"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert_eq!(
        stdout(&out)
            .lines()
            .filter(|l| l.starts_with("ok "))
            .count(),
        assay_model::lint::find_manifests(&[repo().join("catalog")])
            .unwrap()
            .len()
    );
    let out = assay(&repo(), &["verify", "--quick", "catalog"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("quick check: sizes and footers only"));
}

#[test]
fn any_one_byte_change_is_detected() {
    let dir = telemetry("byte-flip");
    let files = [
        "data/machines.parquet",
        "data/readings-2025-06.parquet",
        "data/readings-2025-07.parquet",
    ];
    let mut rng = Rng(0x5EED_0001);
    for case in 0..24 {
        let rel = files[(rng.next() % files.len() as u64) as usize];
        let path = dir.join(rel);
        let original = std::fs::read(&path).unwrap();
        // Cover both ends of the file (magic, footer) and the middle.
        let offset = match case {
            0 => 0,
            1 => original.len() - 1,
            _ => (rng.next() % original.len() as u64) as usize,
        };
        let mut changed = original.clone();
        changed[offset] ^= 1 + (rng.next() % 255) as u8;
        std::fs::write(&path, &changed).unwrap();
        let (code, diffs) = verify_json(&dir, &["--jobs", "2"]);
        assert_eq!(code, Some(1), "case {case}: {rel}@{offset}");
        assert!(
            diffs
                .iter()
                .any(|d| d["difference"] == "content_changed" && d["path"] == rel),
            "case {case}: {rel}@{offset} not reported: {diffs:?}"
        );
        std::fs::write(&path, &original).unwrap();
    }
    assert_eq!(verify_json(&dir, &[]).0, Some(0));
}

#[test]
fn truncation_growth_and_quick_mode() {
    let dir = telemetry("truncate");
    let path = dir.join("data/machines.parquet");
    let original = std::fs::read(&path).unwrap();
    std::fs::write(&path, &original[..original.len() - 100]).unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(diffs[0]["difference"], "truncated");
    assert_eq!(diffs[0]["expected"], original.len() as u64);
    assert_eq!(diffs[0]["actual"], original.len() as u64 - 100);
    // Quick mode sees it too (sizes), and says it was quick.
    let out = assay(&dir, &["verify", ".", "--quick"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.starts_with("quick check:"), "{text}");
    assert!(
        text.contains("data/machines.parquet: truncated to"),
        "{text}"
    );

    let mut grown = original.clone();
    grown.extend_from_slice(b"appended");
    std::fs::write(&path, &grown).unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(kinds(&diffs), ["grown"]);
}

#[test]
fn added_removed_and_renamed_files() {
    let dir = telemetry("files");
    // A new file matching the readings glob.
    std::fs::copy(
        dir.join("data/readings-2025-07.parquet"),
        dir.join("data/readings-2025-08.parquet"),
    )
    .unwrap();
    let mut bytes = std::fs::read(dir.join("data/readings-2025-08.parquet")).unwrap();
    bytes.push(0);
    std::fs::write(dir.join("data/readings-2025-08.parquet"), bytes).unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(kinds(&diffs), ["unexpected"]);
    assert_eq!(diffs[0]["path"], "data/readings-2025-08.parquet");
    std::fs::remove_file(dir.join("data/readings-2025-08.parquet")).unwrap();

    // A renamed file: same bytes under another name the glob matches.
    std::fs::rename(
        dir.join("data/readings-2025-06.parquet"),
        dir.join("data/readings-2025-05.parquet"),
    )
    .unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(kinds(&diffs), ["renamed"]);
    assert_eq!(diffs[0]["from"], "data/readings-2025-06.parquet");
    assert_eq!(diffs[0]["to"], "data/readings-2025-05.parquet");

    // A removed file.
    std::fs::remove_file(dir.join("data/readings-2025-05.parquet")).unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(kinds(&diffs), ["missing"]);
    assert_eq!(diffs[0]["path"], "data/readings-2025-06.parquet");
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_dataset_is_refused() {
    let dir = telemetry("symlink");
    let outside = dir.parent().unwrap().join("outside.parquet");
    std::fs::copy(dir.join("data/readings-2025-07.parquet"), &outside).unwrap();
    std::os::unix::fs::symlink(&outside, dir.join("data/readings-2025-09.parquet")).unwrap();
    // The manifest's path now leads outside: verify refuses with exit 2 and names the link.
    let out = assay(&dir, &["verify", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("data/readings-2025-09.parquet") && stderr(&out).contains("outside"),
        "{}",
        stderr(&out)
    );
    let before = std::fs::read(dir.join("dataset.lock")).unwrap();
    let out = assay(&dir, &["lock", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("outside"), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("dataset.lock")).unwrap(), before);
}

#[test]
fn bad_locks_are_named() {
    let dir = telemetry("bad-locks");
    let good = std::fs::read_to_string(dir.join("dataset.lock")).unwrap();
    let lock: Value = serde_json::from_str(&good).unwrap();
    let sha = lock["resources"][0]["files"][0]["sha256"].as_str().unwrap();

    std::fs::write(dir.join("dataset.lock"), good.replace(sha, &sha[..40])).unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(2));
    assert_eq!(kinds(&diffs), ["lock_malformed"]);
    assert!(
        diffs[0]["message"]
            .as_str()
            .unwrap()
            .contains("64 lowercase hex")
    );

    std::fs::write(
        dir.join("dataset.lock"),
        good.replace("\"lock_version\": 1", "\"lock_version\": 9"),
    )
    .unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(2));
    assert!(
        diffs[0]["message"]
            .as_str()
            .unwrap()
            .contains("lock_version 9")
    );

    std::fs::write(dir.join("dataset.lock"), "{ not json").unwrap();
    assert_eq!(verify_json(&dir, &[]).0, Some(2));

    // A lock from another dataset.
    std::fs::copy(
        repo().join("catalog/IF-C31/steel-production-batches/dataset.lock"),
        dir.join("dataset.lock"),
    )
    .unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(kinds(&diffs), ["other_dataset"]);
    assert_eq!(diffs[0]["locked"], "steel-production-batches");

    // The manifest's metadata edited after locking: the lock still holds (it binds the data,
    // the resources and the checks, not the prose).
    std::fs::write(dir.join("dataset.lock"), &good).unwrap();
    let manifest = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    std::fs::write(
        dir.join("dataset.yaml"),
        manifest.replacen("title:", "# reviewed\ntitle:", 1),
    )
    .unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(0), "{diffs:?}");
    // A check edited after locking: the lock no longer binds it.
    let edited = manifest.replacen("check: not_null", "check: not_null, severity: warn", 1);
    assert_ne!(edited, manifest);
    std::fs::write(dir.join("dataset.yaml"), edited).unwrap();
    let (code, diffs) = verify_json(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(kinds(&diffs), ["manifest_changed"]);

    // No lock at all.
    std::fs::remove_file(dir.join("dataset.lock")).unwrap();
    let out = assay(&dir, &["verify", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("no dataset.lock; create it with `assay lock`"));
}

#[test]
fn a_failed_or_killed_lock_leaves_the_old_lock() {
    let dir = telemetry("interrupted");
    let before = std::fs::read(dir.join("dataset.lock")).unwrap();
    // A file that is not Parquet: the lock fails with exit 3 and writes nothing.
    std::fs::write(
        dir.join("data/readings-2025-08.parquet"),
        b"not parquet at all",
    )
    .unwrap();
    let out = assay(&dir, &["lock", "."]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("data/readings-2025-08.parquet: not a readable Parquet file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(dir.join("dataset.lock")).unwrap(), before);

    // Killed while hashing a large file: the old lock is intact and nothing else is left.
    let big = std::fs::File::create(dir.join("data/readings-2025-08.parquet")).unwrap();
    big.set_len(2 << 30).unwrap();
    drop(big);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["lock", "."])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(std::fs::read(dir.join("dataset.lock")).unwrap(), before);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["data", "dataset.lock", "dataset.yaml"]);
    std::fs::remove_dir_all(dir.parent().unwrap()).unwrap();
}

/// The Python `bagit` package's validator, installed by `scripts/test.sh` into `.venv-test`.
fn bagit_py() -> PathBuf {
    if let Some(p) = std::env::var_os("ASSAY_BAGIT_PY") {
        return PathBuf::from(p);
    }
    let p = repo().join(".venv-test/bin/bagit.py");
    assert!(
        p.is_file(),
        "the independent BagIt checker is missing: run the tests with scripts/test.sh, which installs \
         the Python package `bagit` into .venv-test (or set ASSAY_BAGIT_PY to a bagit.py)"
    );
    p
}

fn bagit_validate(bag: &Path) -> std::process::Output {
    std::process::Command::new(bagit_py())
        .args(["--validate", "--quiet"])
        .arg(bag)
        .output()
        .expect("bagit.py runs")
}

#[test]
fn pack_writes_a_valid_bag_that_both_checkers_accept() {
    let dir = telemetry("pack");
    let bag = dir.parent().unwrap().join("bag");
    let args = [
        "pack",
        ".",
        "--out",
        "../bag",
        "--now",
        "2025-07-03T00:00:00Z",
        "--date",
        "2025-07-03",
    ];
    let out = assay(&dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("3 file(s)"), "{}", stdout(&out));

    let info = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    for line in [
        "Source-Organization: Example Boiler Works",
        "Contact-Email: data@example.com",
        "External-Identifier: boiler-sensor-telemetry@1.2.0",
        "Bagging-Date: 2025-07-03",
        "Payload-Oxum: 47125.3",
        "Bag-Size: 47.1 KB",
    ] {
        assert!(info.lines().any(|l| l == line), "{line} not in:\n{info}");
    }
    for tag in [
        "bagit.txt",
        "manifest-sha256.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
        "assay/dataset.yaml",
        "assay/dataset.lock",
        "assay/report.json",
    ] {
        assert!(bag.join(tag).is_file(), "{tag}");
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(bag.join("assay/report.json")).unwrap())
            .unwrap();
    crate::support::assert_valid_report(&report);
    assert_eq!(
        std::fs::read(bag.join("assay/dataset.lock")).unwrap(),
        std::fs::read(dir.join("dataset.lock")).unwrap()
    );

    let out = bagit_validate(&bag);
    assert!(out.status.success(), "bagit.py: {}", stderr(&out));
    let out = assay(&dir, &["verify", "../bag"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("ok "), "{}", stdout(&out));

    // Same inputs, same bag.
    let out = assay(
        &dir,
        &[
            "pack",
            ".",
            "--out",
            "../bag2",
            "--now",
            "2025-07-03T00:00:00Z",
            "--date",
            "2025-07-03",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    for f in [
        "bag-info.txt",
        "manifest-sha512.txt",
        "tagmanifest-sha256.txt",
    ] {
        assert_eq!(
            std::fs::read(bag.join(f)).unwrap(),
            std::fs::read(dir.parent().unwrap().join("bag2").join(f)).unwrap(),
            "{f}"
        );
    }

    // The destination exists: refused, untouched.
    let out = assay(&dir, &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"));

    // A tampered payload fails both checkers.
    let payload = bag.join("data/data/machines.parquet");
    let mut bytes = std::fs::read(&payload).unwrap();
    bytes[100] ^= 0x20;
    std::fs::write(&payload, &bytes).unwrap();
    assert!(!bagit_validate(&bag).status.success());
    let out = assay(&dir, &["verify", "../bag"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("data/data/machines.parquet: sha256 is"),
        "{}",
        stdout(&out)
    );
    // An extra payload file is named too.
    std::fs::write(bag.join("data/extra.txt"), b"x").unwrap();
    let out = assay(&dir, &["verify", "../bag"]);
    assert!(
        stdout(&out).contains("data/extra.txt: in the payload but not in manifest-sha256.txt"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn pack_refuses_data_that_differs_from_the_lock() {
    let dir = telemetry("pack-changed");
    let path = dir.join("data/machines.parquet");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[200] ^= 1;
    std::fs::write(&path, &bytes).unwrap();
    let out = assay(&dir, &["pack", ".", "--out", "../bag"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("data/machines.parquet"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.parent().unwrap().join("bag").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["telemetry"], "no partial bag is left behind");

    std::fs::remove_file(dir.join("dataset.lock")).unwrap();
    let out = assay(&dir, &["pack", ".", "--out", "../bag"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("run `assay lock"), "{}", stderr(&out));
}

/// A bag may come from anyone: paths that leave it, symlinks and special files are refused and
/// named, and nothing outside the bag is read.
#[cfg(unix)]
#[test]
fn hostile_bags_are_not_followed() {
    let dir = telemetry("hostile-bag");
    let out = assay(
        &dir,
        &["pack", ".", "--out", "../bag", "--date", "2025-07-03"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bag = dir.parent().unwrap().join("bag");
    let tm = bag.join("tagmanifest-sha256.txt");
    let original = std::fs::read_to_string(&tm).unwrap();
    let zeros = "0".repeat(64);
    for (line, expected) in [
        (
            format!("{zeros}  ../telemetry/dataset.yaml"),
            "is not a relative path inside the bag",
        ),
        (
            format!("{zeros}  /etc/hostname"),
            "is not a relative path inside the bag",
        ),
    ] {
        std::fs::write(&tm, format!("{original}{line}\n")).unwrap();
        let out = assay(&dir, &["verify", "../bag"]);
        assert_eq!(out.status.code(), Some(1));
        assert!(stdout(&out).contains(expected), "{line}: {}", stdout(&out));
    }
    std::fs::write(&tm, &original).unwrap();
    // A symlinked tag file and a symlinked payload folder.
    let lock = bag.join("assay/dataset.lock");
    std::fs::rename(&lock, bag.join("lock.real")).unwrap();
    std::os::unix::fs::symlink(dir.join("dataset.lock"), &lock).unwrap();
    let out = assay(&dir, &["verify", "../bag"]);
    assert!(
        stdout(&out).contains("goes through a symlink"),
        "{}",
        stdout(&out)
    );
    std::fs::remove_file(&lock).unwrap();
    std::fs::rename(bag.join("lock.real"), &lock).unwrap();
    std::fs::rename(bag.join("data"), bag.join("data.real")).unwrap();
    std::os::unix::fs::symlink(bag.join("data.real"), bag.join("data")).unwrap();
    let out = assay(&dir, &["verify", "../bag"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("data/: the payload folder is a symlink"),
        "{}",
        stdout(&out)
    );
}
