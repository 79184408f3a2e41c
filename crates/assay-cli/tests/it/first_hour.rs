//! Issue 20, "the first hour of a new user": the bearing scenario, and each situation the issue
//! describes, reproduced.

use crate::support::{assay, check_named, stderr, stdout, temp_dir};

#[path = "../../../../xtask/src/bearing.rs"]
#[allow(dead_code)]
mod bearing;

const NOW: &str = "2026-04-05T00:00:00Z";

/// The failing count of the check named `name`.
fn failing(doc: &serde_json::Value, name: &str) -> (String, u64) {
    let c = check_named(doc, name);
    (
        c["status"].as_str().unwrap_or_default().to_string(),
        c["failing"].as_u64().unwrap_or_default(),
    )
}

/// `assay init` on the defective bearing data drafts checks under which the defects fail, and
/// says what it flagged; a manufacture date gets no freshness check.
#[test]
fn init_drafts_checks_the_planted_defects_fail() {
    let dir = temp_dir("first-hour-init");
    bearing::write(&dir).unwrap();
    let out = assay(&dir, &["init", ".", "--field", "IF-C345", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    for flagged in [
        "vibration.vibration_rms: observed -",
        "vibration.temperature: observed",
        "vibration.load_kn: observed -",
        &format!("vibration.label: `{}`", bearing::TYPO),
        "vibration.manufacture_date: no freshness check",
    ] {
        assert!(said.contains(flagged), "`{flagged}` not flagged:\n{said}");
    }
    let text = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    assert!(
        !text.contains("column: \"manufacture_date\", maxAge"),
        "{text}"
    );
    assert!(text.contains("{check: freshness, column: \"ts\""), "{text}");
    assert!(
        !text.contains(&format!("\"{}\"]", bearing::TYPO))
            && !text.contains(&format!("\"{}\",", bearing::TYPO)),
        "the typo is not an allowed code:\n{text}"
    );
    assert!(
        std::fs::read_to_string(dir.join(".gitignore"))
            .unwrap()
            .lines()
            .any(|l| l == ".assay/")
    );
    let lint = assay(&dir, &["lint", "."]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));

    let v = assay(
        &dir,
        &[
            "validate", ".", "--format", "json", "--now", NOW, "--strict", "--reveal",
        ],
    );
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    // The spike and the negative RMS values.
    let (status, n) = failing(&doc, "range(vibration_rms)");
    assert_eq!(status, "fail");
    assert!(n >= 4, "spike and three negatives: {n}");
    let samples = check_named(&doc, "range(vibration_rms)")["samples"].to_string();
    assert!(samples.contains("487"), "the spike is a sample: {samples}");
    // Every °F row, and no °C row.
    assert_eq!(
        failing(&doc, "range(temperature)"),
        ("fail".into(), bearing::FAHRENHEIT_ROWS as u64)
    );
    assert_eq!(failing(&doc, "range(load_kn)"), ("fail".into(), 12));
    assert_eq!(failing(&doc, "in_set(label)"), ("fail".into(), 4));

    // The text summary under --strict does not say PASS for a run that fails.
    let again = assay(&dir, &["validate", ".", "--now", NOW, "--strict"]);
    assert!(!stdout(&again).contains("\nPASS"), "{}", stdout(&again));
}

/// pandas and pyarrow write `large_string`; `type: string` accepts it, and `init` drafts
/// `string` for it.
#[test]
fn large_string_is_a_string() {
    use arrow::array::{LargeStringArray, RecordBatch};
    use arrow::datatypes::{DataType, Field, Schema};
    use std::sync::Arc;
    let dir = temp_dir("first-hour-large-string");
    let schema = Arc::new(Schema::new(vec![Field::new(
        "code",
        DataType::LargeUtf8,
        false,
    )]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(LargeStringArray::from(vec!["A", "B", "C"]))],
    )
    .unwrap();
    let f = std::fs::File::create(dir.join("codes.parquet")).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let out = assay(&dir, &["init", ".", "--field", "IF-C345", "--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    assert!(
        text.contains(r#"{"name":"code","type":"string"}"#),
        "{text}"
    );
    let v = assay(&dir, &["validate", ".", "--format", "json", "--now", NOW]);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(check_named(&doc, "schema")["status"], "pass");
}

/// A misspelt parent path is a manifest error with a "did you mean" (exit 2, nothing
/// validated); an optional parent with no files does not let a foreign key pass.
#[test]
fn misspelt_or_empty_parent_never_passes_a_foreign_key() {
    let dir = temp_dir("first-hour-fk");
    crate::integrity::copy_tree(
        &crate::support::repo().join("catalog/IF-C341/boiler-sensor-telemetry"),
        &dir,
    );
    let original = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    let fk = |doc: &serde_json::Value| {
        doc["resources"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"].as_str().unwrap().starts_with("foreignKey"))
            .unwrap()
            .clone()
    };
    let v = assay(&dir, &["validate", ".", "--format", "json", "--now", NOW]);
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    assert_eq!(fk(&doc)["status"], "pass");

    // Misspelt: a manifest error naming the path that exists; nothing is validated.
    let misspelt = original.replace("path: data/machines.parquet", "path: data/machnes.parquet");
    assert_ne!(misspelt, original);
    std::fs::write(dir.join("dataset.yaml"), &misspelt).unwrap();
    let v = assay(&dir, &["validate", ".", "--now", NOW]);
    assert_eq!(v.status.code(), Some(2), "{}", stdout(&v));
    let said = format!("{}{}", stdout(&v), stderr(&v));
    assert!(
        said.contains("did you mean `data/machines.parquet`?"),
        "{said}"
    );

    // Declared optional and empty: the references are not checked, and the run does not pass.
    let optional = misspelt.replace(
        "path: data/machnes.parquet",
        "path: data/machnes.parquet\n    optional: true",
    );
    std::fs::write(dir.join("dataset.yaml"), &optional).unwrap();
    let v = assay(&dir, &["validate", ".", "--format", "json", "--now", NOW]);
    assert_eq!(v.status.code(), Some(3), "{}", stderr(&v));
    let doc: serde_json::Value = serde_json::from_slice(&v.stdout).unwrap();
    let check = fk(&doc);
    assert_eq!(check["status"], "error", "{check}");
    assert!(
        check["message"].as_str().unwrap().contains("has no files"),
        "{check}"
    );
}
