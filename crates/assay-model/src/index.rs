//! The published catalog index (`index.json` of a site written by `assay publish`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::quality::Grade;
use crate::report::RunStatus;

/// The index format version.
pub const INDEX_SCHEMA_VERSION: u32 = 1;

/// The catalog index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Assay catalog index", extend("$id" = "https://assay.dev/schemas/index.schema.json"))]
pub struct CatalogIndex {
    /// Format version of this document.
    pub schema_version: u32,
    /// Published datasets, sorted by name.
    pub datasets: Vec<IndexEntry>,
    /// Datasets left out, with the reason.
    pub left_out: Vec<LeftOut>,
}

/// One published dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndexEntry {
    /// Dataset name.
    pub name: String,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Version.
    pub version: String,
    /// Industrial field code.
    pub field: String,
    /// The field's English name.
    pub field_name_en: String,
    /// The field's Chinese name.
    pub field_name_zh: String,
    /// The field's sector.
    pub sector: String,
    /// Owner organization or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// License identifiers.
    pub licenses: Vec<String>,
    /// Sensitivity.
    pub sensitivity: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Columns of every resource.
    pub columns: Vec<IndexColumn>,
    /// Resources with their size, rows and digest.
    pub resources: Vec<IndexResource>,
    /// The dataset digest (`sha256:<hex>`), from the lock.
    pub digest: String,
    /// Check counts of the last validation.
    pub checks: IndexChecks,
    /// Outcome of the last validation.
    pub status: RunStatus,
    /// Quality score, 0–100.
    pub score: f64,
    /// Quality grade.
    pub grade: Grade,
    /// Reference time of the last validation (RFC 3339).
    pub last_validated: String,
    /// Names of the datasets this one derives from.
    pub derived_from: Vec<String>,
    /// The dataset's folder in the site, relative to the site root.
    pub path: String,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndexColumn {
    /// Resource name.
    pub resource: String,
    /// Column name.
    pub name: String,
    /// Declared type.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Unit of measure (UCUM), when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Description, when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct IndexResource {
    /// Resource name.
    pub name: String,
    /// Files.
    pub files: u64,
    /// Bytes over its files.
    pub bytes: u64,
    /// Rows over its files.
    pub rows: u64,
    /// The resource digest from the lock.
    pub digest: String,
}

/// Check counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IndexChecks {
    /// Checks run.
    pub total: u64,
    /// Passed.
    pub passed: u64,
    /// Failed at severity error.
    pub failed: u64,
    /// Failed at severity warn.
    pub warned: u64,
    /// Could not be evaluated.
    pub errors: u64,
}

/// A dataset that was not published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LeftOut {
    /// The manifest's path, relative to the catalog.
    pub manifest: String,
    /// Why: `lint`, `verify` or `validate`.
    pub stage: String,
    /// What was wrong.
    pub reason: String,
    /// The dataset's name, when the manifest could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its industrial field code, when the manifest could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The command that shows or fixes the problem, run from the catalog's parent folder.
    #[serde(default)]
    pub fix: String,
}
