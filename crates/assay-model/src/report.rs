//! The validation report: the versioned JSON result of one `assay validate` run.
//!
//! A report is bound to its inputs — the manifest's sha256, a hash of the rule set, and each
//! file's path, size and sha256 computed in the same read that validated it — so it says exactly
//! which bytes it speaks for. It holds no wall-clock time unless asked (`--timestamps`), so the
//! same inputs give the same bytes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::check::{Dimension, Severity};

/// The report format version.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// One validation run over one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Assay validation report", extend("$id" = "https://assay.dev/schemas/report.schema.json"))]
pub struct Report {
    /// Format version of this document.
    pub schema_version: u32,
    /// The tool that wrote it.
    pub tool: Tool,
    /// The dataset validated.
    pub dataset: DatasetIdentity,
    /// Overall outcome.
    pub status: RunStatus,
    /// Counts over all check results.
    pub summary: Summary,
    /// Per-resource results.
    pub resources: Vec<ResourceReport>,
    /// When the run happened (RFC 3339), only with `--timestamps`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    /// The reference time used by freshness checks (RFC 3339).
    pub now: String,
    /// Scores on the six quality dimensions and the grade (`docs/quality-model.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<crate::quality::Quality>,
    /// Conformance to the field standard the manifest names in `conformsTo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conformance: Option<Conformance>,
    /// What the run asked of object stores, when any resource is in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<StorageUse>,
    /// Training readiness, when the manifest declares `ml:` (`docs/ml.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
}

/// Training readiness: the splits, the label's distribution in each, drift between them, and
/// the training-set checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Training {
    /// The splits, in order: train, validation, test.
    pub splits: Vec<SplitReport>,
    /// The label column, when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Per split other than train and per column: the drift measured from train.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<DriftRow>,
    /// The training-set checks' results.
    pub checks: Vec<CheckResult>,
}

/// One split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SplitReport {
    /// `train`, `validation` or `test`.
    pub name: String,
    /// The resource it reads.
    pub resource: String,
    /// The filter that selects its rows, when it is some rows of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Its rows.
    pub rows: u64,
    /// Its share of the rows of every split.
    pub share: f64,
    /// Rows per label value, most frequent first (classification labels).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<LabelCount>,
}

/// Rows of one label value in one split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LabelCount {
    /// The value, as text (`null` for a missing label).
    pub label: String,
    /// Rows.
    pub rows: u64,
}

/// The drift of one column from train to one split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DriftRow {
    /// The split compared with train.
    pub split: String,
    /// The column.
    pub column: String,
    /// The metric (`psi`, `ks`, `jensenshannon`, `linf`, `wasserstein`).
    pub metric: String,
    /// Its value; null when the column has no value in one of the two splits.
    pub value: Option<f64>,
    /// The value from which the column counts as drifted.
    pub threshold: f64,
    /// True when `value` reaches `threshold`.
    pub drifted: bool,
}

impl Report {
    /// Leaves out what a store added to the run (the requests made, and each hashed object's
    /// ETag): what is published or packed describes the data, not where this run read it
    /// from, so a catalog in a store and on disk give the same bytes.
    pub fn without_transport(mut self) -> Report {
        self.storage = None;
        for f in self.resources.iter_mut().flat_map(|r| r.files.iter_mut()) {
            if f.sha256.is_some() {
                f.etag = None;
            }
        }
        self
    }
}

/// Requests made to object stores during a run, and the bytes they returned: a run whose
/// checks the footers decide fetches little more than the footers (`docs/storage.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StorageUse {
    /// Requests: listings, `HEAD`s and ranged `GET`s (retries inside one are not counted).
    pub requests: u64,
    /// Bytes of object data fetched.
    pub bytes_fetched: u64,
}

/// Whether a dataset keeps the shape of the field standard it declares (`conformsTo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Conformance {
    /// The field code whose standard it is.
    pub standard: String,
    /// The version the manifest names.
    pub version: u32,
    /// No deviation.
    pub conforms: bool,
    /// What the manifest drops or loosens of the standard, or why it could not be compared.
    pub deviations: Vec<String>,
}

impl Conformance {
    /// "conforms to the IF-C345 standard v1", or what is missing.
    pub fn sentence(&self) -> String {
        if self.conforms {
            format!(
                "conforms to the {} standard v{}",
                self.standard, self.version
            )
        } else {
            format!(
                "does not conform to the {} standard v{}: {}",
                self.standard,
                self.version,
                self.deviations.join("; ")
            )
        }
    }

    /// The conformance of a manifest that declares `conformsTo`, compared with the built-in
    /// standard.
    pub fn of(m: &crate::Manifest) -> Option<Conformance> {
        let c = m.conforms_to.as_ref()?;
        let mut deviations = Vec::new();
        match crate::standards::get(&c.standard).map(|s| s.manifest()) {
            None => deviations.push(format!("field `{}` has no standard", c.standard)),
            Some(Err(e)) => deviations.push(e),
            Some(Ok(reference)) => {
                let major = crate::standards::Standard::major(&reference);
                if major != c.version {
                    deviations.push(format!(
                        "the standard is at version {major}, not {}",
                        c.version
                    ));
                }
                deviations.extend(
                    crate::standards::compare(m, &reference)
                        .into_iter()
                        .map(|d| d.message),
                );
            }
        }
        Some(Conformance {
            standard: c.standard.clone(),
            version: c.version,
            conforms: deviations.is_empty(),
            deviations,
        })
    }
}

impl Report {
    /// Every check result, resource by resource.
    pub fn checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.resources
            .iter()
            .flat_map(|r| r.checks.iter())
            .chain(self.training.iter().flat_map(|t| t.checks.iter()))
    }

    /// The dataset digest of the files read (`sha256:<hex>`, as in `dataset.lock`), when every
    /// file was read.
    pub fn digest(&self) -> Option<String> {
        files_digest(self.resources.iter().flat_map(|r| r.files.iter()))
    }
}

/// The digest (`sha256:<hex>`, as in `dataset.lock`) of files as a report read them, when every
/// one was read.
pub fn files_digest<'a>(files: impl IntoIterator<Item = &'a FileReport>) -> Option<String> {
    struct Read<'a>(&'a FileReport, &'a str);
    impl crate::lock::FileIdentity for Read<'_> {
        fn path(&self) -> &str {
            &self.0.path
        }
        fn bytes(&self) -> u64 {
            self.0.bytes
        }
        fn sha256(&self) -> &str {
            self.1
        }
    }
    let read: Option<Vec<Read>> = files
        .into_iter()
        .map(|f| f.sha256.as_deref().map(|h| Read(f, h)))
        .collect();
    read.map(|r| crate::lock::digest(&r))
}

/// Tool name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Tool {
    /// Always `assay`.
    pub name: String,
    /// Semantic version.
    pub version: String,
}

/// What was validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DatasetIdentity {
    /// Dataset name.
    pub name: String,
    /// Dataset version.
    pub version: String,
    /// Industrial field code.
    pub field: String,
    /// sha256 of the manifest file's bytes.
    pub manifest_sha256: String,
    /// sha256 of the canonical JSON of every check that ran (constraints included).
    pub check_set_sha256: String,
}

/// Outcome of a run; decides the exit code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Every error-level check passed (warnings allowed).
    Pass,
    /// Only warning-level checks failed.
    Warn,
    /// An error-level check failed.
    Fail,
    /// Some data could not be read.
    Error,
}

/// Counts of check results by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Summary {
    /// All results.
    pub checks: u64,
    /// Passed.
    pub passed: u64,
    /// Failed at severity error.
    pub failed: u64,
    /// Failed at severity warn.
    pub warned: u64,
    /// Could not be evaluated.
    pub errors: u64,
    /// Rows read over all resources.
    pub rows: u64,
    /// Bytes of all files.
    pub bytes: u64,
}

/// Results for one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResourceReport {
    /// Resource name.
    pub name: String,
    /// Files, sorted by path.
    pub files: Vec<FileReport>,
    /// Rows over all readable files.
    pub rows: u64,
    /// Check results: schema conformance first, then constraints, keys and checks in manifest
    /// order.
    pub checks: Vec<CheckResult>,
}

/// One data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FileReport {
    /// Path relative to the dataset folder, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// sha256 of the bytes read, lowercase hex (local files; objects in a store are hashed by
    /// `assay lock` and `assay verify`, not by a validation that reads only some of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The store's entity tag, for an object in a store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Rows, from the footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// Row groups, from the footer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_groups: Option<u64>,
    /// Why the file could not be read, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Status of one check.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Within tolerance.
    Pass,
    /// Failed at severity warn.
    Warn,
    /// Failed at severity error.
    Fail,
    /// Could not be evaluated (unreadable file, missing column, bad expression).
    Error,
}

/// Where a check came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckOrigin {
    /// Schema conformance of the files (columns, types, nullability, drift).
    Schema,
    /// A column constraint.
    Constraint,
    /// `primaryKey` or `uniqueKeys`.
    Key,
    /// `foreignKeys`.
    ForeignKey,
    /// An entry of `checks`.
    Check,
    /// A training-set check of `ml:`.
    Ml,
}

/// How a result was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    /// Entirely from footer metadata and row-group statistics: no data decoded.
    Statistics,
    /// Entirely from decoded data.
    Data,
    /// Some row groups from statistics, the rest from data.
    Mixed,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    /// Name, unique within the resource.
    pub name: String,
    /// Check kind (`not_null`, `schema`, …).
    pub kind: String,
    /// Where it came from.
    pub origin: CheckOrigin,
    /// Columns it reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// Declared severity.
    pub severity: Severity,
    /// Quality dimension it counts toward.
    pub dimension: Dimension,
    /// Outcome.
    pub status: CheckStatus,
    /// Rows (or items) evaluated.
    pub evaluated: u64,
    /// Rows (or items) failing.
    pub failing: u64,
    /// `failing / evaluated`, 0 when nothing was evaluated.
    pub failing_fraction: f64,
    /// Largest failing fraction tolerated (`1 - mostly`; 0 without `mostly`).
    pub threshold: f64,
    /// The statistic observed, for table-level kinds (row count, newest timestamp, mean…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<Value>,
    /// How the result was decided.
    pub decided_by: DecidedBy,
    /// Where the files have a page index and the kind decides pages (`range`, `not_null`,
    /// `in_set`, `freshness`): the data pages of the check's column settled by statistics
    /// (their row group's or their own) and those decoded for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<PageCounts>,
    /// Human summary of a failure or error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When some of the resource's files could not be read: what the result covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// Failing rows, lowest row numbers first, at most `--samples`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<Sample>,
}

/// Data pages of one check's column, by how they were decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PageCounts {
    /// Pages whose rows were settled by statistics, without decoding them.
    pub by_statistics: u64,
    /// Pages decoded for the check.
    pub by_data: u64,
}

/// What a check result covers when some files of its resource could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Coverage {
    /// Files read.
    pub files_read: u64,
    /// Files of the resource.
    pub files: u64,
    /// Rows read (of the files read).
    pub rows: u64,
}

impl Coverage {
    /// "covers 1 of 2 files (4000 rows); the others could not be read".
    pub fn sentence(&self) -> String {
        format!(
            "covers {} of {} files ({} rows); the others could not be read",
            self.files_read, self.files, self.rows
        )
    }
}

/// One failing row (or schema item).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sample {
    /// File, relative to the dataset folder.
    pub file: String,
    /// Row group index in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row_group: Option<u64>,
    /// 0-based row number in the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    /// The offending value(s), rendered as text; `null` for nulls.
    pub values: Vec<String>,
    /// Primary key values of the row, when a key is declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
    /// Extra detail (the first occurrence of a duplicate, the expected type …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
