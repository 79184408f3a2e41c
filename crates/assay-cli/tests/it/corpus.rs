//! Every file of the Apache parquet-testing corpus (`../shared/corpus/parquet-testing`),
//! validated against a manifest inferred from the file: no panic, and an exit code in {0, 1, 3}.
//! Corrupt and encrypted files must exit 3 with a finding that names the file and the reason.

use std::path::{Path, PathBuf};

use crate::support::*;

fn corpus() -> PathBuf {
    repo().join("../shared/corpus/parquet-testing")
}

fn corpus_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["data", "data/aes256", "bad_data"] {
        let Ok(entries) = std::fs::read_dir(corpus().join(sub)) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_file() && (name.ends_with(".parquet") || name.ends_with(".parquet.encrypted")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A dataset folder holding a copy of `file` and a manifest declaring what its footer says.
fn dataset_for(file: &Path, dir: &Path) -> String {
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::copy(file, dir.join("data/file.parquet")).unwrap();
    let fields = assay_validate::infer_fields_from_file(file)
        .ok()
        .filter(|f| !f.is_empty());
    let inferred = fields.is_some();
    let fields = fields.unwrap_or_else(|| {
        vec![serde_json::from_value(serde_json::json!({"name": "unknown", "type": "any"})).unwrap()]
    });
    let mut checks = vec![serde_json::json!({"check": "row_count", "min": 0})];
    for f in &fields {
        // `unique` with mostly 0 never fails but decodes every value of the column.
        checks.push(serde_json::json!({"check": "unique", "column": f.name, "mostly": 0.0, "severity": "warn"}));
    }
    let manifest = serde_json::json!({
        "assay": 1,
        "name": "corpus-file",
        "version": "1.0.0",
        "field": "IF-I65",
        "licenses": [{"name": "Apache-2.0"}],
        "sensitivity": "public",
        "resources": [{
            "name": "file",
            "path": "data/file.parquet",
            "schema": {"fields": fields, "fieldsMatch": if inferred { "exact" } else { "partial" }},
            "checks": checks,
        }],
    });
    std::fs::write(
        dir.join("dataset.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    if inferred {
        "inferred".into()
    } else {
        "footer unreadable".into()
    }
}

#[test]
fn every_corpus_file_validates_without_crashing() {
    let files = corpus_files();
    assert!(
        files.len() >= 80,
        "corpus not found at {}",
        corpus().display()
    );
    let root = temp_dir("corpus");
    let mut problems = Vec::new();
    let mut by_code = std::collections::BTreeMap::<i32, usize>::new();
    for (i, file) in files.iter().enumerate() {
        let dir = root.join(format!("{i:03}"));
        let how = dataset_for(file, &dir);
        let out = assay(
            &dir,
            &[
                "validate",
                ".",
                "--format",
                "json",
                "--now",
                "2025-01-01T00:00:00Z",
            ],
        );
        let code = out.status.code().unwrap_or(-1);
        *by_code.entry(code).or_default() += 1;
        let rel = file.strip_prefix(corpus()).unwrap().display().to_string();
        let must_be_unreadable = rel.starts_with("bad_data/") || rel.contains(".encrypted");
        if ![0, 1, 3].contains(&code) {
            problems.push(format!(
                "{rel} ({how}): exit {code}\n{}{}",
                stdout(&out),
                stderr(&out)
            ));
            continue;
        }
        let doc: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("{rel}: no JSON report ({e}): {}", stderr(&out)));
                continue;
            }
        };
        assert_valid_report(&doc);
        if rel == "bad_data/ARROW-GH-43605.parquet" {
            // Known gap: an RLE dictionary index with bit width 0. arrow-rs decodes it without
            // error (every index is 0), so Assay reports the values as read. Pinned here so a
            // change in either direction is noticed.
            assert_eq!(code, 0, "{rel}");
            assert_eq!(doc["summary"]["rows"], 21186, "{rel}");
            continue;
        }
        if must_be_unreadable {
            let file_error = doc["resources"][0]["files"][0]["error"]
                .as_str()
                .map(str::to_string);
            let check_errors: Vec<String> = doc["resources"][0]["checks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["status"] == "error")
                .filter_map(|c| c["message"].as_str().map(str::to_string))
                .collect();
            let named = check_errors.iter().any(|m| m.contains("data/file.parquet"))
                || file_error.is_some();
            if code != 3 || !named {
                problems.push(format!("{rel}: expected exit 3 with a located finding, got {code}: file error {file_error:?}, check errors {check_errors:?}"));
            }
            if rel.contains(".encrypted")
                && !file_error.as_deref().unwrap_or("").contains("encrypted")
            {
                problems.push(format!(
                    "{rel}: the finding should say the file is encrypted: {file_error:?}"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!("exit codes over {} corpus files: {by_code:?}", files.len());
}
