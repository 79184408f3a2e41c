//! The case corpus: `fixtures/cases/<kind>-{pass,fail}/` holds a manifest with one check, tiny
//! Parquet files with known problems (`cargo xtask fixtures`) and `expected.json`, the check
//! results that must come out (bless with `ASSAY_BLESS=1`, then review the diff).

use crate::support::*;

/// The parts of a report a case pins (the training-set checks of `ml:` as resource `ml`): per
/// check, status, counts, how it was decided, the
/// data pages settled by statistics and decoded, the observed statistic and the located samples.
fn view(doc: &serde_json::Value) -> serde_json::Value {
    let training = doc.get("training").into_iter().flat_map(|t| {
        t["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (serde_json::json!("ml"), c))
    });
    let checks: Vec<serde_json::Value> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |c| (r["name"].clone(), c))
        })
        .chain(training)
        .map(|(resource, c)| {
            serde_json::json!({
                "resource": resource,
                "name": c["name"],
                "status": c["status"],
                "evaluated": c["evaluated"],
                "failing": c["failing"],
                "decided_by": c["decided_by"],
                "pages": c.get("pages").cloned().unwrap_or(serde_json::Value::Null),
                "observed": c.get("observed").cloned().unwrap_or(serde_json::Value::Null),
                "samples": c.get("samples").cloned().unwrap_or(serde_json::json!([])),
            })
        })
        .collect();
    serde_json::json!({"status": doc["status"], "checks": checks})
}

#[test]
fn every_check_kind_has_a_passing_and_a_failing_case() {
    let root = repo().join("fixtures/cases");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures/cases exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let names: Vec<String> = cases
        .iter()
        .map(|c| c.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for kind in assay_model::CheckKind::NAMES
        .iter()
        .chain(assay_model::ml::MlCheck::NAMES.iter())
    {
        for suffix in ["pass", "fail"] {
            assert!(
                names.contains(&format!("{kind}-{suffix}")),
                "no case {kind}-{suffix}"
            );
        }
    }
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let out = assay(
            case,
            &[
                "validate",
                ".",
                "--format",
                "json",
                "--now",
                "2025-06-02T00:00:00Z",
                "--samples",
                "3",
                "--no-history",
            ],
        );
        let doc: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{name}: {e}: {}", stderr(&out)));
                continue;
            }
        };
        assert_valid_report(&doc);
        let actual = view(&doc);
        let path = case.join("expected.json");
        if bless() {
            std::fs::write(&path, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
        }
        let expected: serde_json::Value = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null);
        let want_code = if name.ends_with("-pass") { 0 } else { 1 };
        if out.status.code() != Some(want_code) {
            failures.push(format!(
                "{name}: exit {:?}, expected {want_code}",
                out.status.code()
            ));
        }
        if actual != expected {
            failures.push(format!(
                "{name}: results differ\n--- expected\n{}\n--- actual\n{}",
                serde_json::to_string_pretty(&expected).unwrap(),
                serde_json::to_string_pretty(&actual).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
