//! Every case under `fixtures/manifests/` is an invalid manifest: `assay lint` must exit 2 and
//! print exactly the diagnostics in the case's `expected.txt` (bless with `ASSAY_BLESS=1`).

use crate::support::*;

#[test]
fn every_manifest_fixture_fails_with_its_expected_diagnostics() {
    let root = repo().join("fixtures/manifests");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures/manifests exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 35,
        "expected one case per lint rule, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let target = ["dataset.yaml", "dataset.json"]
            .into_iter()
            .find(|f| case.join(f).exists())
            .unwrap_or(".");
        let mut args = vec!["lint".to_string(), target.to_string()];
        if let Ok(extra) = std::fs::read_to_string(case.join("args.txt")) {
            args.extend(extra.split_whitespace().map(str::to_string));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = assay(case, &args);
        let actual = stdout(&out);
        let expected_path = case.join("expected.txt");
        if bless() {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if out.status.code() != Some(2) {
            failures.push(format!(
                "{name}: exit {:?}, expected 2\n{actual}{}",
                out.status.code(),
                stderr(&out)
            ));
        } else if actual != expected {
            failures.push(format!(
                "{name}: output differs\n--- expected\n{expected}--- actual\n{actual}"
            ));
        } else if !actual.lines().any(|l| l.contains(": error[")) {
            failures.push(format!("{name}: no located error line\n{actual}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn example_catalog_lints_clean() {
    let out = assay(&repo(), &["lint", "catalog"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("0 error(s), 0 warning(s)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn lint_json_output_is_machine_readable() {
    let case = repo().join("fixtures/manifests/unknown-column");
    let out = assay(&case, &["lint", "dataset.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["schema_version"], 1);
    let diags = doc["manifests"][0]["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().all(|d| d["code"] == "unknown-column"),
        "{diags:?}"
    );
    assert_eq!(doc["errors"], diags.len());
    assert!(diags.iter().all(|d| d["line"].as_u64().unwrap() > 0));
}
