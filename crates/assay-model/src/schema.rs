//! JSON Schemas generated from the Rust types.
//!
//! The committed files under `schemas/` are the output of these functions; a test regenerates
//! them and fails on any difference (run `cargo xtask schemas` to rewrite them).

use schemars::generate::SchemaSettings;
use schemars::transform::{Transform, transform_subschemas};
use schemars::{JsonSchema, Schema};
use serde_json::Value;

use crate::manifest::Manifest;

/// Allows `x-` extension keys wherever unknown keys are otherwise rejected.
#[derive(Debug, Clone, Copy)]
struct AllowExtensionKeys;

impl Transform for AllowExtensionKeys {
    fn transform(&mut self, schema: &mut Schema) {
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            schema.insert(
                "patternProperties".into(),
                serde_json::json!({"^x-": {"description": "Extension: kept, not interpreted."}}),
            );
        }
        transform_subschemas(self, schema);
    }
}

/// A draft 2020-12 schema for `T`, with `x-` keys allowed on closed objects.
pub fn schema_for<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12()
        .with_transform(AllowExtensionKeys)
        .into_generator();
    let schema = generator.into_root_schema_for::<T>();
    schema.to_value()
}

/// The manifest's JSON Schema (`schemas/manifest.schema.json`).
pub fn manifest_schema() -> Value {
    schema_for::<Manifest>()
}

/// Pretty JSON with a trailing newline: the form committed under `schemas/`.
/// The manifest schema's stable identifier (`$id`); a published site serves the same file at
/// `schemas/manifest.schema.json`.
pub const MANIFEST_SCHEMA_ID: &str = "https://assay.dev/schemas/manifest.schema.json";

/// The first line of a manifest that `init` or `new` writes into `dir`: a
/// `yaml-language-server` modeline, so editors (VS Code with the YAML extension, IntelliJ)
/// complete and check the manifest. The schema is `ASSAY_SCHEMA_URL` when set (a catalog
/// site's `…/schemas/manifest.schema.json`), else the nearest `schemas/manifest.schema.json`
/// in a folder above `dir` (a checkout of the catalog), as a relative path, else the `$id`.
pub fn modeline(dir: &std::path::Path) -> String {
    let url = std::env::var("ASSAY_SCHEMA_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| {
            let abs = std::path::absolute(dir).ok()?;
            let mut up = String::new();
            for a in abs.ancestors() {
                if a.join("schemas/manifest.schema.json").is_file() {
                    return Some(format!("{up}schemas/manifest.schema.json"));
                }
                up.push_str("../");
            }
            None
        })
        .unwrap_or_else(|| MANIFEST_SCHEMA_ID.to_string());
    format!("# yaml-language-server: $schema={url}\n")
}

pub fn to_pretty(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("a JSON value always serializes");
    s.push('\n');
    s
}

/// Every schema generated from the model's types: file name under `schemas/` and its committed
/// text. (`search-index.schema.json` is `assay-catalog`'s.)
pub fn all_schemas() -> Vec<(&'static str, String)> {
    vec![
        ("manifest.schema.json", to_pretty(&manifest_schema())),
        (
            "report.schema.json",
            to_pretty(&schema_for::<crate::report::Report>()),
        ),
        (
            "index.schema.json",
            to_pretty(&schema_for::<crate::index::CatalogIndex>()),
        ),
        (
            "lock.schema.json",
            to_pretty(&schema_for::<crate::lock::Lock>()),
        ),
    ]
}
