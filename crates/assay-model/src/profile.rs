//! The profile of a set of Parquet files: what `assay profile` computes and `assay init`,
//! `assay report` and the published pages show. The computation is in `assay-validate`.

use std::collections::BTreeMap;

use serde::Serialize;

/// Most rows for which column pairs are searched for keys.
pub const PAIR_ROWS: u64 = 1_000_000;
/// Most columns hashed per row for the pair search.
pub const PAIR_COLUMNS: usize = 12;

/// The profile of a set of files with one schema.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    /// Files profiled, in order.
    pub files: Vec<ProfiledFile>,
    /// Rows over all files.
    pub rows: u64,
    /// Columns, in schema order.
    pub columns: Vec<ColumnProfile>,
    /// Columns, and pairs of columns (data of at most [`PAIR_ROWS`] rows), that identify every
    /// row exactly: no nulls, no value (or pair of values) twice.
    pub candidate_keys: Vec<Vec<String>>,
}

/// One file.
#[derive(Debug, Clone, Serialize)]
pub struct ProfiledFile {
    /// The path as given.
    pub path: String,
    /// Rows from the footer.
    pub rows: u64,
    /// Row groups from the footer.
    pub row_groups: u64,
}

/// Distinct values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distinct {
    /// How many.
    pub count: u64,
    /// True when a HyperLogLog estimate, not an exact count.
    pub estimated: bool,
}

/// Counts of sampled values in equal-width bins.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// Lower edge of the first bin.
    pub min: f64,
    /// Upper edge of the last bin.
    pub max: f64,
    /// Values per bin.
    pub counts: Vec<u64>,
    /// Values sampled (every row when the data is small).
    pub sampled: u64,
    /// Sampled values below `min`: outliers left out of the bins so that a spike does not
    /// crush every other value into one bin.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub below: u64,
    /// Sampled values above `max`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub above: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A value and how often it occurs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopValue {
    /// The value, as text.
    pub value: String,
    /// Occurrences.
    pub count: u64,
}

/// A pattern that values follow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectedPattern {
    /// `shape`, `email`, `uuid`, `iso_date` or `iso_datetime`.
    pub kind: String,
    /// A full-match regular expression.
    pub regex: String,
    /// Fraction of non-null rows matching.
    pub fraction: f64,
}

/// One column.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ColumnProfile {
    /// Column name.
    pub name: String,
    /// Arrow type.
    pub data_type: String,
    /// Nulls; `None` for a column that is not decoded (nested) and whose count the footer's
    /// statistics cannot give exactly.
    pub null_count: Option<u64>,
    /// NaN values (float columns).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nan_count: Option<u64>,
    /// Distinct non-null values (nested columns: not computed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distinct: Option<Distinct>,
    /// Smallest value, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    /// Largest value, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    /// Mean (numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Sample standard deviation (numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stddev: Option<f64>,
    /// Approximate quantiles (numbers): `0.01`, `0.25`, `0.5`, `0.75`, `0.99`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub quantiles: BTreeMap<String, f64>,
    /// A 10-bin histogram between min and max (numbers), from a systematic sample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Histogram>,
    /// Most frequent values, when the distinct values are known exactly.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub top_values: Vec<TopValue>,
    /// Shortest and longest string, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<(u64, u64)>,
    /// Patterns at least 95% of the rows follow.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<DetectedPattern>,
    /// Order in file order: `increasing`, `strictly_increasing`, `decreasing`,
    /// `strictly_decreasing`, `constant`, or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monotonic: Option<String>,
    /// Temporal columns: the largest value as microseconds since the epoch (for freshness).
    #[serde(skip)]
    pub max_micros: Option<i64>,
}
