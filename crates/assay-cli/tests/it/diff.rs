//! `assay diff`: one case folder per rule (`fixtures/diff/<rule>/old.yaml`, `new.yaml`), each
//! asserting the class and the rule named; `--fail-on` and `--check-version` for CI.

use std::path::Path;

use serde_json::Value;

use crate::support::{assay, bless, repo, stderr, stdout, temp_dir};

/// The class each rule gives (docs/diff.md lists the same).
fn class_of(rule: &str) -> &'static str {
    match rule {
        "resource-added"
        | "column-added"
        | "type-widened"
        | "required-removed"
        | "unique-removed"
        | "range-widened"
        | "length-widened"
        | "codes-added"
        | "pattern-removed"
        | "primary-key-removed"
        | "foreign-key-removed"
        | "check-removed"
        | "check-loosened"
        | "mostly-lowered"
        | "severity-lowered"
        | "fields-match-loosened"
        | "sensitivity-lowered"
        | "unique-key-removed" => "compatible",
        "path-changed"
        | "description-changed"
        | "metadata-changed"
        | "dimension-changed"
        | "version-changed"
        | "classification-changed" => "informational",
        _ => "breaking",
    }
}

fn diff_json(dir: &Path, old: &str, new: &str, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["diff", old, new, "--format", "json"];
    args.extend_from_slice(extra);
    let out = assay(dir, &args);
    let doc =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    (out.status.code(), doc)
}

#[test]
fn every_rule_has_a_case_with_its_class() {
    let root = repo().join("fixtures/diff");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    for dir in cases {
        let rule = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (code, doc) = diff_json(&dir, "old.yaml", "new.yaml", &[]);
        assert_eq!(code, Some(0), "{rule}");
        let changes = doc["changes"].as_array().unwrap();
        let hit = changes
            .iter()
            .find(|c| c["rule"] == rule.as_str())
            .unwrap_or_else(|| panic!("{rule}: not named in {changes:?}"));
        assert_eq!(hit["class"], class_of(&rule), "{rule}");
        // One edit, one change: nothing else is reported.
        assert_eq!(changes.len(), 1, "{rule}: {changes:?}");
        // The text output, as a golden file.
        let out = assay(&dir, &["diff", "old.yaml", "new.yaml"]);
        let text = stdout(&out);
        let golden = dir.join("expected.txt");
        if bless() {
            std::fs::write(&golden, &text).unwrap();
        }
        assert_eq!(
            text,
            std::fs::read_to_string(&golden).unwrap_or_default(),
            "{rule}: ASSAY_BLESS=1 rewrites expected.txt"
        );
        // --fail-on breaking fails exactly on breaking changes; --fail-on compatible on
        // anything but descriptions.
        let (code, _) = diff_json(&dir, "old.yaml", "new.yaml", &["--fail-on", "breaking"]);
        assert_eq!(
            code,
            Some(if class_of(&rule) == "breaking" { 1 } else { 0 }),
            "{rule}"
        );
        let (code, _) = diff_json(&dir, "old.yaml", "new.yaml", &["--fail-on", "compatible"]);
        assert_eq!(
            code,
            Some(if class_of(&rule) == "informational" {
                0
            } else {
                1
            }),
            "{rule}"
        );
    }
}

/// Semantic versioning: a breaking change needs a new major version, a compatible one a new
/// minor; `--check-version` fails a bump that is too small. Below 1.0.0 a minor bump may break.
#[test]
fn the_version_bump_must_match_the_changes() {
    let dir = temp_dir("diff-version");
    let case = repo().join("fixtures/diff/column-removed");
    let old = std::fs::read_to_string(case.join("old.yaml")).unwrap();
    let new = std::fs::read_to_string(case.join("new.yaml")).unwrap();
    std::fs::write(dir.join("old.yaml"), &old).unwrap();
    for (version, ok) in [("1.2.0", false), ("1.3.0", false), ("2.0.0", true)] {
        std::fs::write(
            dir.join("new.yaml"),
            new.replace("version: 1.2.0", &format!("version: {version}")),
        )
        .unwrap();
        let (code, doc) = diff_json(&dir, "old.yaml", "new.yaml", &["--check-version"]);
        assert_eq!(doc["required_bump"], "major");
        assert_eq!(doc["version_ok"], ok, "{version}");
        assert_eq!(code, Some(if ok { 0 } else { 1 }), "{version}");
    }
    // 0.x: a new minor version is enough for a breaking change.
    std::fs::write(
        dir.join("old.yaml"),
        old.replace("version: 1.2.0", "version: 0.4.0"),
    )
    .unwrap();
    std::fs::write(
        dir.join("new.yaml"),
        new.replace("version: 1.2.0", "version: 0.5.0"),
    )
    .unwrap();
    let (code, doc) = diff_json(&dir, "old.yaml", "new.yaml", &["--check-version"]);
    assert_eq!(doc["version_ok"], true);
    assert_eq!(code, Some(0));
    // A compatible change needs a new minor version; informational ones none.
    let case = repo().join("fixtures/diff/column-added");
    let added = std::fs::read_to_string(case.join("new.yaml")).unwrap();
    std::fs::write(dir.join("old.yaml"), &old).unwrap();
    std::fs::write(
        dir.join("new.yaml"),
        added.replace("version: 1.2.0", "version: 1.2.1"),
    )
    .unwrap();
    let (code, doc) = diff_json(&dir, "old.yaml", "new.yaml", &["--check-version"]);
    assert_eq!(
        (doc["required_bump"].as_str(), code),
        (Some("minor"), Some(1))
    );
    let case = repo().join("fixtures/diff/description-changed");
    std::fs::write(
        dir.join("new.yaml"),
        std::fs::read_to_string(case.join("new.yaml")).unwrap(),
    )
    .unwrap();
    let (code, doc) = diff_json(&dir, "old.yaml", "new.yaml", &["--check-version"]);
    assert_eq!((doc["version_ok"].as_bool(), code), (Some(true), Some(0)));
}

/// The example datasets against themselves: nothing changed; Markdown for a pull request; an
/// invalid manifest is exit 2.
#[test]
fn same_manifest_no_changes_and_markdown() {
    let telemetry = repo().join("catalog/IF-C341/boiler-sensor-telemetry");
    let t = telemetry.to_str().unwrap();
    let (code, doc) = diff_json(&repo(), t, t, &["--fail-on", "compatible"]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["changes"].as_array().unwrap().len(), 0);
    assert_eq!(doc["required_bump"], "none");
    let case = repo().join("fixtures/diff/codes-removed");
    let out = assay(&case, &["diff", "old.yaml", "new.yaml", "--format", "md"]);
    let md = stdout(&out);
    assert!(
        md.contains("| **breaking** | `codes-removed` | `readings.status` |"),
        "{md}"
    );
    let bad = assay(
        &repo(),
        &[
            "diff",
            "fixtures/manifests/syntax-tab-indent/dataset.yaml",
            t,
        ],
    );
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}
