//! The Open Data Contract Standard (ODCS) v3.1: a contract to a manifest (`assay import`) and a
//! manifest to a contract (`assay export --to odcs`).
//!
//! What maps, both ways:
//!
//! | ODCS | manifest |
//! |---|---|
//! | `id`, `name` | `name` (a slug of `name`, else `id`), `title` |
//! | `version` | `version` |
//! | `description.purpose` | `description` |
//! | `tags` | `keywords` |
//! | `schema[]` (tables) | `resources[]`: `name`, `businessName` ↔ `title`, `description` |
//! | `servers[]` of type `local` named after a table | the resource's `path` |
//! | `properties[]` | `fields[]`: `name`, `businessName` ↔ `title`, `description`, `required`, `unique`, `classification`; the type from `physicalType` when it is an Assay type, else from `logicalType`; `logicalTypeOptions` `minimum`/`maximum`/`minLength`/`maxLength`/`pattern` ↔ constraints |
//! | `primaryKey`, `primaryKeyPosition` | `primaryKey` |
//! | property `quality` `nullValues` / `duplicateValues` / `invalidValues` (`validValues` or `pattern`), `mustBe: 0` (or `unit: percent` with `mustBeLessOrEqualTo`) | `not_null`, `unique`, `in_set`, `pattern` checks (with `mostly`), `severity`, `dimension`, `description` |
//! | table `quality` `rowCount` (`mustBeBetween`, `mustBeGreaterOrEqualTo`, `mustBeLessOrEqualTo`) | `row_count` |
//!
//! Everything else (servers of other kinds, team, support, SLAs, roles, pricing, custom
//! properties, authoritative definitions, SQL and custom quality rules, …) is kept verbatim
//! under the manifest key `x-odcs`, with a note for each, and written back on export: an
//! import → export → import is a fixed point.

use serde_json::Value;

use crate::frictionless::Note;

mod export;
mod import;
mod parts;
mod rules;
#[cfg(test)]
mod tests;

pub use export::export;
pub use import::import;

/// The ODCS version written.
pub const API_VERSION: &str = "v3.1.0";

/// A contract imported: the manifest (as JSON, `x-odcs` included) and the notes.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The manifest document, ready to write as YAML; it deserializes as a [`Manifest`]
    /// (`x-odcs` aside).
    pub document: Value,
    /// What did not map, and where it went.
    pub notes: Vec<Note>,
}

pub(super) fn note(notes: &mut Vec<Note>, pointer: String, message: impl Into<String>) {
    notes.push(Note {
        pointer,
        message: message.into(),
    });
}

/// `customProperties` split into Assay's own (`assay:<key>` → value), which an export wrote,
/// and the others, which stay.
pub(super) fn split_custom(v: Option<&Value>) -> (Vec<(String, Value)>, Vec<Value>) {
    let mut ours = Vec::new();
    let mut others = Vec::new();
    for item in v.and_then(Value::as_array).into_iter().flatten() {
        match (
            item.get("property").and_then(Value::as_str),
            item.get("value"),
            item.as_object().map(|o| o.len()),
        ) {
            (Some(p), Some(value), Some(2)) if p.starts_with("assay:") => {
                ours.push((p["assay:".len()..].to_string(), value.clone()));
            }
            _ => others.push(item.clone()),
        }
    }
    (ours, others)
}

/// A dataset or resource name from free text: lowercase, `[a-z0-9._-]`, starting alphanumeric.
pub(super) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() => out,
        Some(_) | None => format!("d{out}"),
    }
}

/// The Assay type of an ODCS property.
pub(super) fn field_type(physical: Option<&str>, logical: Option<&str>) -> &'static str {
    const ASSAY: &[&str] = &[
        "bool",
        "boolean",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "decimal",
        "string",
        "large_string",
        "binary",
        "date",
        "time",
        "timestamp",
        "duration",
        "list",
        "struct",
        "integer",
        "number",
        "datetime",
        "array",
        "object",
        "any",
    ];
    if let Some(p) = physical
        && let Some(t) = ASSAY.iter().find(|t| **t == p)
    {
        return t;
    }
    match logical.unwrap_or("") {
        "string" => "string",
        "date" => "date",
        "timestamp" => "timestamp",
        "time" => "time",
        "number" => "number",
        "integer" => "integer",
        "boolean" => "bool",
        "array" => "list",
        "object" => "struct",
        _ => "any",
    }
}

/// The ODCS logical type of an Assay type.
pub(super) fn logical_type(t: &str) -> &'static str {
    match t {
        "bool" | "boolean" => "boolean",
        "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64"
        | "integer" => "integer",
        "float16" | "float32" | "float64" | "decimal" | "number" => "number",
        "date" => "date",
        "time" => "time",
        "timestamp" | "datetime" => "timestamp",
        "list" | "array" => "array",
        "struct" | "object" => "object",
        _ => "string",
    }
}

pub(super) const DIMENSIONS: &[(&str, &str)] = &[
    ("accuracy", "accuracy"),
    ("completeness", "completeness"),
    ("conformity", "normativeness"),
    ("consistency", "consistency"),
    ("timeliness", "timeliness"),
];
