//! Integration tests of the model crate: the committed JSON Schema against real manifests.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn committed_schema() -> Value {
    let text = std::fs::read_to_string(repo().join("schemas/manifest.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&committed_schema())
        .expect("committed schema compiles")
}

#[test]
fn committed_schemas_match_the_types() {
    // Regenerate with `cargo xtask schemas` (or `ASSAY_BLESS=1 cargo test -p assay-model`).
    for (name, text) in assay_model::schema::all_schemas() {
        let path = repo().join("schemas").join(name);
        if std::env::var_os("ASSAY_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} is stale: run `cargo xtask schemas` and commit the result",
            path.display()
        );
    }
}

#[test]
fn schema_accepts_every_example_manifest() {
    let v = validator();
    let files = assay_model::lint::find_manifests(&[repo().join("catalog")]).unwrap();
    assert!(files.len() >= 4, "{files:?}");
    for f in files {
        let doc = assay_model::source::parse(&std::fs::read(&f).unwrap()).unwrap();
        let errors: Vec<String> = v.iter_errors(&doc.value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
}

#[test]
fn schema_rejects_every_schema_invalid_fixture() {
    let v = validator();
    let root = repo().join("fixtures/manifests");
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let case = entry.unwrap().path();
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap_or_default();
        if !expected.contains("error[schema]") {
            continue;
        }
        let file = ["dataset.yaml", "dataset.json"]
            .iter()
            .map(|f| case.join(f))
            .find(|p| p.exists())
            .unwrap();
        let doc = assay_model::source::parse(&std::fs::read(&file).unwrap()).unwrap();
        assert!(
            !v.is_valid(&doc.value),
            "{} passed the schema",
            file.display()
        );
        checked += 1;
    }
    assert!(checked >= 7, "only {checked} schema fixtures");
}

#[test]
fn extension_keys_are_allowed_everywhere_objects_are_closed() {
    let v = validator();
    let doc = serde_json::json!({
        "assay": 1, "name": "x", "version": "1.0.0", "field": "IF-C341",
        "sensitivity": "public", "x-top": 1,
        "resources": [{
            "name": "r", "path": "d.parquet", "x-res": true,
            "schema": {"fields": [{"name": "a", "type": "int64", "x-col": "c",
                                    "constraints": {"required": true, "x-c": 1}}], "x-s": 1},
            "checks": [{"check": "not_null", "column": "a", "x-chk": 1}]
        }]
    });
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut bad = doc.clone();
    bad["resources"][0]["checks"][0]["colour"] = 1.into();
    assert!(!v.is_valid(&bad));
}

#[test]
fn example_manifests_load_into_types() {
    let registry = assay_model::FieldRegistry::embedded();
    for f in assay_model::lint::find_manifests(&[repo().join("catalog")]).unwrap() {
        let r = assay_model::lint::lint_file(&f, &registry, Default::default());
        assert!(
            r.diagnostics.is_empty(),
            "{}: {:?}",
            f.display(),
            r.diagnostics
        );
        let loaded = r.loaded.unwrap();
        assert_eq!(loaded.sha256.len(), 64);
        assert!(!loaded.manifest.resources.is_empty());
    }
}

#[test]
fn docs_tables_match_the_registry() {
    // Regenerate with `ASSAY_BLESS=1 cargo test -p assay-model`.
    for (file, marker, table) in assay_model::docs::generated() {
        let path = repo().join(file);
        let doc = std::fs::read_to_string(&path).unwrap();
        let Some(updated) = assay_model::docs::replace_between(&doc, marker, &table) else {
            panic!("{file} has no `<!-- {marker}:begin -->` … `<!-- {marker}:end -->` markers");
        };
        if std::env::var_os("ASSAY_BLESS").is_some_and(|v| v == "1") {
            std::fs::write(&path, &updated).unwrap();
            continue;
        }
        assert!(
            doc == updated,
            "the {marker} table in {file} is stale: run `ASSAY_BLESS=1 cargo test -p assay-model`"
        );
    }
}
