//! ODCS v3.1 through the CLI: every example dataset exports to a contract the official schema
//! accepts, and importing that contract beside the data gives a manifest that validates the
//! same; a contract of the standard imports with its notes.

use serde_json::Value;

use crate::integrity::copy_tree;
use crate::support::{assay, repo, stderr, stdout, temp_dir};

const NOW: &str = "2025-07-03T00:00:00Z";

fn odcs_validator() -> jsonschema::Validator {
    let path = repo().join("schemas/odcs/odcs-json-schema-v3.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft201909)
        .build(&schema)
        .unwrap()
}

/// The checks of a report as (resource, name, status, failing), sorted.
fn results(doc: &Value) -> Vec<(String, String, String, u64)> {
    let mut out = Vec::new();
    for r in doc["resources"].as_array().unwrap() {
        for c in r["checks"].as_array().unwrap() {
            out.push((
                r["name"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["failing"].as_u64().unwrap(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn example_datasets_export_to_valid_contracts_and_import_back() {
    let validator = odcs_validator();
    let root = temp_dir("odcs-examples");
    let cat = root.join("catalog");
    crate::support::example_catalog(&cat);
    let mut n = 0;
    for manifest in assay_model::lint::find_manifests(std::slice::from_ref(&cat)).unwrap() {
        let dir = manifest.parent().unwrap().to_path_buf();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let out = assay(&dir, &["export", ".", "--to", "odcs", "--quiet"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let contract = assay_model::source::parse(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {}", e.message))
            .value;
        let errors: Vec<String> = validator
            .iter_errors(&contract)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert_eq!(contract["apiVersion"], "v3.1.0");
        // Imported beside a copy of the data, the contract validates as the manifest did.
        let copy = root.join("imported").join(&name);
        copy_tree(&dir.join("data"), &copy.join("data"));
        std::fs::write(copy.join("contract.odcs.yaml"), &out.stdout).unwrap();
        let field = contract["customProperties"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["property"] == "assay:field")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string();
        let imported = assay(&copy, &["import", "contract.odcs.yaml", "--field", &field]);
        assert_eq!(
            imported.status.code(),
            Some(0),
            "{name}: {}",
            stderr(&imported)
        );
        let validate = |d: &std::path::Path| {
            let out = assay(
                d,
                &[
                    "validate",
                    ".",
                    "--now",
                    NOW,
                    "--format",
                    "json",
                    "--no-history",
                ],
            );
            let doc: Value = serde_json::from_slice(&out.stdout)
                .unwrap_or_else(|e| panic!("{name}: {e}: {}", stderr(&out)));
            results(&doc)
        };
        assert_eq!(validate(&dir), validate(&copy), "{name}");
        n += 1;
    }
    assert_eq!(n, 6);
}

#[test]
fn a_contract_of_the_standard_imports_with_notes() {
    let dir = temp_dir("odcs-import");
    std::fs::copy(
        repo().join("../shared/reference/odcs/examples/all--full-example.odcs.yaml"),
        dir.join("contract.yaml"),
    )
    .unwrap();
    let out = assay(&dir, &["import", "contract.yaml", "--field", "IF-C341"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("2 resource(s)"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("`team` kept in `x-odcs`"),
        "{}",
        stderr(&out)
    );
    let yaml = std::fs::read_to_string(dir.join("dataset.yaml")).unwrap();
    assert!(
        yaml.contains("x-odcs:") && yaml.contains("primaryKey:"),
        "{yaml}"
    );
    // Only the data is missing: every other rule passes.
    let lint = assay(&dir, &["lint", "dataset.yaml", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&lint.stdout).unwrap();
    let errors: Vec<&Value> = doc["manifests"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error" && d["code"] != "no-files")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // Not a contract and not a package: a clear error.
    std::fs::write(dir.join("other.yaml"), "kind: Something\n").unwrap();
    let out = assay(
        &dir,
        &[
            "import",
            "other.yaml",
            "--field",
            "IF-C341",
            "--out",
            "x.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nor an ODCS contract"),
        "{}",
        stderr(&out)
    );
}
