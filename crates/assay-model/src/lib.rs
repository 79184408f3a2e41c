//! Assay's data model: dataset manifests, the industrial field registry, and the manifest linter.
//!
//! This crate is what a catalog maintainer's tools touch, so it builds fast: it depends on no
//! arrow, parquet or datafusion. The validator, the integrity tools and the catalog build on it.
//!
//! - [`manifest`]: the manifest types (`dataset.yaml` / `dataset.json`), a superset of
//!   Frictionless Data Package v2 and Table Schema.
//! - [`check`]: quality check kinds, severities and the six GB/T 36344 quality dimensions.
//! - [`registry`]: the 100 industrial fields.
//! - [`source`]: YAML/JSON parsing that remembers line and column of every node.
//! - [`lint`]: every problem of a manifest, located, with a hint.

//! - [`paths`]: resolving resource paths and globs safely inside the dataset folder.
//! - [`lock`]: the lock (`dataset.lock`) and the digests that name a dataset's bytes.
//! - [`lineage`]: the catalog's lineage graph and its problems.
//! - [`quality`]: scores on the six GB/T 36344 dimensions, and grades.
//! - [`schema`]: JSON Schemas generated from the types.
//! - [`standards`]: the 100 field standards, `assay new`, and conformance to a standard.

pub mod check;
pub mod diff;
pub mod docs;
pub mod history;
pub mod index;
pub mod lineage;
pub mod lint;
pub mod loaded;
pub mod lock;
pub mod manifest;
pub mod ml;
pub mod paths;
pub mod profile;
pub mod quality;
pub mod redact;
pub mod registry;
pub mod report;
pub mod scalar;
pub mod schema;
pub mod source;
pub mod standards;

pub use check::{Check, CheckKind, Dimension, Severity};
pub use lint::{Diagnostic, DiagnosticSeverity};
pub use loaded::LoadedManifest;
pub use manifest::{Field, FieldType, Manifest, Resource, TableSchema};
pub use registry::{FieldRegistry, IndustrialField};
pub use scalar::Scalar;

/// The manifest file names looked for in a dataset folder, in order of preference.
pub const MANIFEST_FILE_NAMES: [&str; 2] = ["dataset.yaml", "dataset.json"];

/// True for a well-formed field code: `IF-`, a section letter and two or three digits.
pub fn is_field_code(code: &str) -> bool {
    let Some(rest) = code.strip_prefix("IF-") else {
        return false;
    };
    let mut chars = rest.chars();
    matches!(chars.next(), Some('A'..='Z'))
        && (2..=3).contains(&chars.clone().count())
        && chars.all(|c| c.is_ascii_digit())
}

/// The message of a panic payload (`catch_unwind`, a joined thread), for an error that names it.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Lowercase hex.
/// The SPDX list's spelling of a license identifier given in any case (`cc-by-4.0` →
/// `CC-BY-4.0`): SPDX identifiers match case-insensitively. `None` for anything else (an
/// expression, a `LicenseRef-`, an unknown name).
pub fn spdx_canonical(name: &str) -> Option<&'static str> {
    spdx::identifiers::LICENSES
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(name))
        .map(|l| l.name)
}

/// A license as written, with a known SPDX identifier in the list's spelling.
pub fn license_name(name: &str) -> String {
    spdx_canonical(name)
        .map(str::to_string)
        .unwrap_or_else(|| name.to_string())
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
