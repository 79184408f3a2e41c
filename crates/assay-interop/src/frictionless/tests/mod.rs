use std::path::{Path, PathBuf};

use super::yaml::yaml_scalar_text;
use super::*;
use assay_model::lint::{self, LintOptions};
use assay_model::registry::FieldRegistry;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture_dir(name: &str) -> PathBuf {
    repo().join("fixtures/frictionless").join(name)
}

fn import_fixture(name: &str) -> Imported {
    let package = read_json(&fixture_dir(name).join("datapackage.json"));
    import(&package, &ImportOptions::new("IF-C341")).expect("the fixture is a data package")
}

fn notes(notes: &[Note]) -> Vec<(&str, &str)> {
    notes
        .iter()
        .map(|n| (n.pointer.as_str(), n.message.as_str()))
        .collect()
}

/// Every example manifest of the catalog, by folder name.
fn catalog() -> Vec<(String, Manifest)> {
    let mut out = Vec::new();
    let mut fields: Vec<_> = std::fs::read_dir(repo().join("catalog"))
        .expect("catalog/ exists")
        .map(|e| e.unwrap().path())
        .collect();
    fields.sort();
    for field in fields.iter().filter(|p| p.is_dir()) {
        let mut datasets: Vec<_> = std::fs::read_dir(field)
            .unwrap()
            .map(|e| e.unwrap().path().join("dataset.yaml"))
            .filter(|p| p.is_file())
            .collect();
        datasets.sort();
        for path in datasets {
            let loaded = lint::load(&path).unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
            let name = path.parent().unwrap().file_name().unwrap();
            out.push((name.to_string_lossy().into_owned(), loaded.manifest));
        }
    }
    assert!(out.len() >= 5, "only {} example manifests", out.len());
    out
}

/// Resolves the Frictionless profiles' URLs to the committed copies; never the network.
struct LocalProfiles;

impl jsonschema::Retrieve for LocalProfiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let file = uri
            .as_str()
            .strip_prefix("https://datapackage.org/profiles/")
            .ok_or_else(|| format!("refusing to fetch {}: not a local profile", uri.as_str()))?;
        let path = repo().join("../shared/reference/frictionless").join(file);
        Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
    }
}

/// The official Frictionless profile (`1.0` or `2.0`) for whole packages.
fn profile(version: &str) -> jsonschema::Validator {
    let path = format!(
        "{}/../../../shared/reference/frictionless/{version}/datapackage.json",
        env!("CARGO_MANIFEST_DIR")
    );
    jsonschema::options()
        .with_retriever(LocalProfiles)
        .should_validate_formats(true)
        .build(&read_json(Path::new(&path)))
        .expect("the Frictionless profile compiles")
}

/// Where `instance` fails `validator`, as instance paths with messages.
fn violations(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn manifest_schema() -> jsonschema::Validator {
    let schema = read_json(&repo().join("schemas/manifest.schema.json"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("the committed manifest schema compiles")
}

fn assert_manifest_schema(manifest: &Manifest) {
    let instance = serde_json::to_value(manifest).unwrap();
    let errors = violations(&manifest_schema(), &instance);
    assert!(errors.is_empty(), "{}: {errors:#?}", manifest.name);
}

/// Compares `actual` with a committed golden file; `ASSAY_BLESS=1` rewrites it.
fn assert_golden(path: &Path, actual: &str) {
    if std::env::var_os("ASSAY_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs (ASSAY_BLESS=1 rewrites it; review the diff):\n{actual}",
        path.display()
    );
}

/// Writes `text` as a `dataset.yaml` in a fresh temporary folder and loads it.
fn load_yaml(tag: &str, text: &str) -> (lint::LoadedManifest, Vec<lint::Diagnostic>) {
    let dir = std::env::temp_dir().join(format!("assay-frictionless-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dataset.yaml");
    std::fs::write(&path, text).unwrap();
    let loaded = lint::load(&path);
    let diagnostics =
        lint::lint_file(&path, &FieldRegistry::embedded(), LintOptions::default()).diagnostics;
    std::fs::remove_dir_all(&dir).unwrap();
    let loaded = loaded.unwrap_or_else(|d| panic!("{tag}: {d:#?}\n{text}"));
    (loaded, diagnostics)
}

fn field<'a>(m: &'a Manifest, resource: usize, name: &str) -> &'a Field {
    m.resources[resource]
        .schema
        .fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

fn types(m: &Manifest, resource: usize) -> Vec<(&str, &str)> {
    m.resources[resource]
        .schema
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.field_type.as_str()))
        .collect()
}

fn scalar(v: Value) -> Scalar {
    serde_json::from_value(v).unwrap()
}

mod export;
mod import;
