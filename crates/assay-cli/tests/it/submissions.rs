//! Issue 16.4: submissions. The engineer `submit`s a bag; the maintainer `accept`s it into the
//! catalog, which keeps every version; a breaking change needs a new major version; hostile
//! bags are refused and leave the catalog exactly as it was.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::integrity::copy_tree;
use crate::support::{assay, repo, stderr, stdout, temp_dir};

const NOW: &str = "2025-07-03T00:00:00Z";

/// A digest of every file under `dir` (path and bytes), to show nothing changed.
fn tree_digest(dir: &Path) -> String {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        h.update(f.strip_prefix(dir).unwrap().to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).unwrap());
    }
    format!("{:x}", h.finalize())
}

/// The engineer's working copy of the steel dataset, and an empty catalog.
fn setup(test: &str) -> (PathBuf, PathBuf, PathBuf) {
    let root = temp_dir(test);
    let work = root.join("work/boiler-sensor-telemetry");
    copy_tree(
        &repo().join("catalog/IF-C341/boiler-sensor-telemetry"),
        &work,
    );
    let catalog = root.join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    (root, work, catalog)
}

fn submit(work: &Path, catalog: &Path, bag: &Path) -> std::process::Output {
    assay(
        work,
        &[
            "submit",
            ".",
            "--catalog",
            catalog.to_str().unwrap(),
            "--out",
            bag.to_str().unwrap(),
            "--now",
            NOW,
            "--date",
            "2025-07-03",
        ],
    )
}

fn accept(root: &Path, bag: &Path) -> std::process::Output {
    assay(
        root,
        &[
            "accept",
            bag.to_str().unwrap(),
            "--catalog",
            "catalog",
            "--now",
            NOW,
        ],
    )
}

fn edit(work: &Path, from: &str, to: &str) {
    let m = std::fs::read_to_string(work.join("dataset.yaml")).unwrap();
    let n = m.replacen(from, to, 1);
    assert_ne!(m, n, "{from}");
    std::fs::write(work.join("dataset.yaml"), n).unwrap();
    assert_eq!(assay(work, &["lock", "."]).status.code(), Some(0));
}

#[test]
fn submit_accept_versions_and_the_site() {
    let (root, work, catalog) = setup("submit-accept");
    // v1.1.0, new to the catalog.
    let out = submit(&work, &catalog, &root.join("bag1"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("is new to"), "{}", stderr(&out));
    let out = accept(&root, &root.join("bag1"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let target = catalog.join("IF-C341/boiler-sensor-telemetry");
    assert!(target.join("dataset.yaml").is_file() && target.join("data").is_dir());
    assert!(!catalog.join(".assay/accept").exists(), "no staging left");

    // A breaking change (a check added) without a new major version: refused, with the diff.
    edit(
        &work,
        "    checks:\n",
        "    checks:\n      - {check: not_null, column: status, name: status-always-set}\n",
    );
    edit(&work, "version: 1.2.0", "version: 1.3.0");
    let out = submit(&work, &catalog, &root.join("bag2"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("will refuse"), "{}", stderr(&out));
    assert!(root.join("bag2/assay/diff.json").is_file());
    let before = tree_digest(&catalog);
    let out = accept(&root, &root.join("bag2"));
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("check-added") && err.contains("need a new major version"),
        "{err}"
    );
    assert_eq!(
        tree_digest(&catalog),
        before,
        "refused: the catalog is unchanged"
    );

    // With the major version: accepted, the old version kept.
    edit(&work, "version: 1.3.0", "version: 2.0.0");
    let out = submit(&work, &catalog, &root.join("bag3"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = accept(&root, &root.join("bag3"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let current = std::fs::read_to_string(target.join("dataset.yaml")).unwrap();
    assert!(current.contains("version: 2.0.0"));
    let old = std::fs::read_to_string(target.join(".versions/1.2.0/dataset.yaml")).unwrap();
    assert!(old.contains("version: 1.2.0"));
    assert_eq!(
        assay(&target, &["verify", "."]).status.code(),
        Some(0),
        "the accepted dataset verifies"
    );
    // The same version again: refused.
    let out = accept(&root, &root.join("bag3"));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("newer version"), "{}", stderr(&out));

    // The site lists both versions and the diff between them.
    let out = assay(
        &root,
        &[
            "publish", "catalog", "--out", "site", "--now", NOW, "--lang", "en",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page =
        std::fs::read_to_string(root.join("site/datasets/boiler-sensor-telemetry/index.html"))
            .unwrap();
    let versions = &page[page.find("id=\"versions\"").expect("a versions section")..];
    assert!(
        versions.contains("2.0.0") && versions.contains("1.2.0"),
        "{versions}"
    );
    assert!(versions.contains("check-added"), "{versions}");
}

#[test]
fn hostile_bags_are_refused_and_change_nothing() {
    let (root, work, catalog) = setup("accept-hostile");
    assert_eq!(
        submit(&work, &catalog, &root.join("good")).status.code(),
        Some(0)
    );
    assert_eq!(accept(&root, &root.join("good")).status.code(), Some(0));
    let before = tree_digest(&catalog);
    let bag = |name: &str| {
        let b = root.join(name);
        copy_tree(&root.join("good"), &b);
        b
    };

    // A payload file changed after bagging.
    let b = bag("tampered");
    let data = walkdir::WalkDir::new(b.join("data"))
        .into_iter()
        .flatten()
        .find(|e| e.file_type().is_file())
        .unwrap()
        .into_path();
    let mut bytes = std::fs::read(&data).unwrap();
    bytes[100] ^= 1;
    std::fs::write(&data, bytes).unwrap();
    let out = accept(&root, &b);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not verify"), "{}", stderr(&out));

    // A symlink out of the bag.
    let b = bag("symlink");
    std::os::unix::fs::symlink("/etc/passwd", b.join("data/passwd")).unwrap();
    let out = accept(&root, &b);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));

    // A path that climbs out, listed in the manifests.
    let b = bag("escape");
    let m = std::fs::read_to_string(b.join("manifest-sha256.txt")).unwrap();
    std::fs::write(
        b.join("manifest-sha256.txt"),
        format!("{m}{} data/../../outside.txt\n", "0".repeat(64)),
    )
    .unwrap();
    let out = accept(&root, &b);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));

    // A report that lies: it says the data passes all checks with no failing rows, but the
    // enclosed dataset fails one (a check added to the manifest and locked, report kept).
    let (_, work2, _) = setup("accept-hostile-liar");
    edit(&work2, "version: 1.2.0", "version: 1.2.1");
    let liar = root.join("liar");
    assert_eq!(submit(&work2, &catalog, &liar).status.code(), Some(0));
    let report = std::fs::read_to_string(liar.join("assay/report.json")).unwrap();
    let lying = report.replacen("\"failing\": 0", "\"failing\": 1", 1);
    assert_ne!(report, lying);
    std::fs::write(liar.join("assay/report.json"), &lying).unwrap();
    // Re-seal the tag manifest so only the report's content is wrong.
    let sha = format!("{:x}", Sha256::digest(lying.as_bytes()));
    let tm = std::fs::read_to_string(liar.join("tagmanifest-sha256.txt")).unwrap();
    let tm: String = tm
        .lines()
        .map(|l| {
            if l.ends_with(" assay/report.json") {
                format!("{sha} assay/report.json\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(liar.join("tagmanifest-sha256.txt"), tm).unwrap();
    let _ = std::fs::remove_file(liar.join("tagmanifest-sha512.txt"));
    let out = accept(&root, &liar);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("does not match a fresh validation"),
        "{}",
        stderr(&out)
    );

    // The same name in another field: a collision.
    let (_, work3, _) = setup("accept-hostile-collision");
    edit(&work3, "field: IF-C341", "field: IF-C342");
    edit(&work3, "version: 1.2.0", "version: 3.0.0");
    let collide = root.join("collide");
    assert_eq!(submit(&work3, &catalog, &collide).status.code(), Some(0));
    let out = accept(&root, &collide);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("already exists at"),
        "{}",
        stderr(&out)
    );

    assert_eq!(
        tree_digest(&catalog),
        before,
        "every refusal left the catalog as it was"
    );
}

/// An accept killed at any moment leaves a whole dataset in the catalog, the old version or the
/// new one; the next accept finishes filing the old version.
#[test]
fn a_killed_accept_leaves_a_whole_dataset() {
    let (root, work, catalog) = setup("accept-kill");
    assert_eq!(
        submit(&work, &catalog, &root.join("v1")).status.code(),
        Some(0)
    );
    assert_eq!(accept(&root, &root.join("v1")).status.code(), Some(0));
    edit(&work, "version: 1.2.0", "version: 2.0.0");
    assert_eq!(
        submit(&work, &catalog, &root.join("v2")).status.code(),
        Some(0)
    );
    let snapshot = root.join("snapshot");
    copy_tree(&catalog, &snapshot);
    let target = catalog.join("IF-C341/boiler-sensor-telemetry");
    for delay in [1u64, 5, 10, 20, 40, 80, 150, 300] {
        std::fs::remove_dir_all(&catalog).unwrap();
        copy_tree(&snapshot, &catalog);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
            .args(["accept", "v2", "--catalog", "catalog", "--now", NOW])
            .current_dir(&root)
            .env(assay_model::redact::KEY_ENV, crate::support::TEST_KEY)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        // Whole: the dataset at its place verifies against its lock.
        let verify = assay(&target, &["verify", "."]);
        assert_eq!(
            verify.status.code(),
            Some(0),
            "after {delay} ms: {}",
            stdout(&verify)
        );
        let version = std::fs::read_to_string(target.join("dataset.yaml")).unwrap();
        assert!(
            version.contains("version: 1.2.0") || version.contains("version: 2.0.0"),
            "after {delay} ms"
        );
        // Accepting again ends in the same place, whatever the kill left.
        let again = accept(&root, &root.join("v2"));
        let now = std::fs::read_to_string(target.join("dataset.yaml")).unwrap();
        assert!(
            now.contains("version: 2.0.0"),
            "after {delay} ms: {}",
            stderr(&again)
        );
        assert!(
            target.join(".versions/1.2.0/dataset.yaml").is_file(),
            "after {delay} ms: the old version is kept"
        );
        assert!(!catalog.join(".assay/accept").exists(), "after {delay} ms");
    }
}
