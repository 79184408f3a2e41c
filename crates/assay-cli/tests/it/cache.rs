//! The cache of per-file results (docs/storage.md, "Caching"): validating again reads only the
//! files that changed and gives the cold run's report, byte for byte; a damaged or foreign entry
//! is ignored and rebuilt, never trusted.

use std::path::{Path, PathBuf};

use crate::support::*;

/// [`validate_json`] without history, with the cache in `cache` (`None`: `--no-cache`): the
/// report's bytes, how many files came from the cache, and the exit code.
fn validate(dir: &Path, cache: Option<&Path>, extra: &[&str]) -> (Vec<u8>, u64, Option<i32>) {
    let mut args = vec!["--no-history"];
    let cache_text;
    match cache {
        Some(c) => {
            cache_text = c.display().to_string();
            args.extend(["--cache-dir", cache_text.as_str()]);
        }
        None => args.push("--no-cache"),
    }
    args.extend(extra);
    let out = validate_json(dir, &args);
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{}: {err}", dir.display());
    (out.stdout, reused(&err), out.status.code())
}

/// The number in "N of M file(s) checked from the cache", 0 when the line is not there.
fn reused(stderr: &str) -> u64 {
    stderr
        .lines()
        .find(|l| l.contains("checked from the cache"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn files_read(report: &[u8]) -> u64 {
    let doc: serde_json::Value = serde_json::from_slice(report).unwrap();
    doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["files"].as_array().unwrap())
        .filter(|f| f.get("error").is_none_or(|e| e.is_null()))
        .count() as u64
}

/// A copy of `from` in `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A fresh copy of the boiler example (three files, a foreign key) for test `name`: the test's
/// folder, its cache folder and the dataset.
fn boiler(name: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = temp_dir(name);
    let dataset = root.join("boiler");
    copy_tree(
        &repo().join("catalog/IF-C341/boiler-sensor-telemetry"),
        &dataset,
    );
    let cache = root.join("cache");
    (root, cache, dataset)
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    fn walk(d: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&cache.join("v1").join("results"), &mut out);
    out.sort();
    out
}

#[test]
fn every_case_gives_the_cold_report_from_the_cache() {
    let cache = temp_dir("cache-cases");
    let root = repo().join("fixtures/cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let mut reused_any = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let (cold, _, cold_code) = validate(case, None, &[]);
        let (first, n1, code1) = validate(case, Some(&cache), &[]);
        let (second, n2, code2) = validate(case, Some(&cache), &[]);
        assert_eq!(n1, 0, "{name}: nothing was cached yet");
        assert_eq!((cold_code, code1), (code2, code2), "{name}: exit codes");
        assert!(
            cold == first && first == second,
            "{name}: the report from the cache differs from the cold one:\n{}\n{}",
            String::from_utf8_lossy(&cold),
            String::from_utf8_lossy(&second)
        );
        // Every file read without error is taken from the cache the second time.
        assert_eq!(n2, files_read(&cold), "{name}: files from the cache");
        reused_any += n2;
    }
    assert!(
        reused_any > 30,
        "only {reused_any} files came from the cache"
    );
}

#[test]
fn a_changed_file_is_the_only_one_checked_again() {
    let (_, cache, dataset) = boiler("cache-changed");
    let (cold, _, _) = validate(&dataset, None, &[]);
    let (first, n1, _) = validate(&dataset, Some(&cache), &[]);
    let (second, n2, _) = validate(&dataset, Some(&cache), &[]);
    assert_eq!((n1, n2), (0, 3));
    assert_eq!(cold, first);
    assert_eq!(cold, second);
    // The two readings files swap contents: both changed; the register did not.
    let data = dataset.join("data");
    let (june, july) = (
        data.join("readings-2025-06.parquet"),
        data.join("readings-2025-07.parquet"),
    );
    let (a, b) = (std::fs::read(&june).unwrap(), std::fs::read(&july).unwrap());
    std::fs::write(&june, &b).unwrap();
    std::fs::write(&july, &a).unwrap();
    let (cold, _, _) = validate(&dataset, None, &[]);
    let (warm, n, _) = validate(&dataset, Some(&cache), &[]);
    assert_eq!(n, 1, "only the register is unchanged");
    assert_eq!(
        String::from_utf8_lossy(&cold),
        String::from_utf8_lossy(&warm)
    );
    // Swapped back: the files' state (size, time, inode) is new, so the sha256 last seen for
    // it is not known and they are read again, once.
    std::fs::write(&june, &a).unwrap();
    std::fs::write(&july, &b).unwrap();
    let (_, n, _) = validate(&dataset, Some(&cache), &[]);
    assert_eq!(n, 1);
    let (_, n, _) = validate(&dataset, Some(&cache), &[]);
    assert_eq!(n, 3);

    // With --quick, the file's state stands for its content: a touched file is read again, an
    // untouched one not even hashed.
    let (_, n1, _) = validate(&dataset, Some(&cache), &["--quick"]);
    let (quick, n2, _) = validate(&dataset, Some(&cache), &["--quick"]);
    assert_eq!((n1, n2), (0, 3));
    assert_eq!(quick, first);
    let f = std::fs::File::options().write(true).open(&june).unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    drop(f);
    let (quick, n, _) = validate(&dataset, Some(&cache), &["--quick"]);
    assert_eq!(n, 2);
    assert_eq!(quick, first);
}

#[test]
fn a_damaged_or_foreign_entry_is_ignored_and_rebuilt() {
    let (root, cache, dataset) = boiler("cache-damaged");
    let (cold, _, _) = validate(&dataset, None, &[]);
    validate(&dataset, Some(&cache), &[]);
    let kept = entries(&cache);
    assert_eq!(kept.len(), 3, "{kept:?}");

    // One byte of every entry's payload changed.
    for e in &kept {
        let mut bytes = std::fs::read(e).unwrap();
        let at = bytes.len() - 3;
        bytes[at] ^= 0x20;
        std::fs::write(e, bytes).unwrap();
    }
    let (report, n, _) = validate(&dataset, Some(&cache), &[]);
    assert_eq!(n, 0, "a damaged entry was used");
    assert_eq!(report, cold);
    // Rebuilt by that run.
    let (report, n, _) = validate(&dataset, Some(&cache), &[]);
    assert_eq!((n, report), (3, cold.clone()));

    // Entries moved to each other's place: each is intact, but not for the key it is found
    // under.
    let kept = entries(&cache);
    let (a, b) = (&kept[0], &kept[1]);
    let (ab, bb) = (std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    std::fs::write(a, &bb).unwrap();
    std::fs::write(b, &ab).unwrap();
    let (report, n, _) = validate(&dataset, Some(&cache), &[]);
    assert_eq!(n, 1, "a foreign entry was used");
    assert_eq!(report, cold);

    // Truncated to nothing, and a stray file: ignored too.
    for e in entries(&cache) {
        std::fs::write(e, b"").unwrap();
    }
    std::fs::write(cache.join("v1").join("results").join("stray"), b"x").unwrap();
    let (report, n, _) = validate(&dataset, Some(&cache), &[]);
    assert_eq!((n, report), (0, cold));

    // `assay cache` finds and empties it.
    let out = assay(
        &root,
        &["cache", "size", "--cache-dir", cache.to_str().unwrap()],
    );
    assert!(stdout(&out).contains("entries"), "{}", stderr(&out));
    let out = assay(
        &root,
        &["cache", "clean", "--cache-dir", cache.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(entries(&cache).is_empty());
}
