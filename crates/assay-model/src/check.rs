//! Quality checks: the rule vocabulary shared by the manifest, the linter and the validator.
//!
//! A check is written as one mapping in a resource's `checks` list:
//!
//! ```yaml
//! - {check: range, column: value, min: -50, max: 1500, severity: warn, mostly: 0.999}
//! ```
//!
//! `check` names the kind (stable snake_case); the kind decides the other parameters. Every check
//! also takes `name` (unique within the resource; derived from kind and column when omitted),
//! `description`, `severity` (`error`, the default, or `warn`), `mostly` (the fraction of
//! evaluated rows that must pass, for row-level kinds) and `dimension` (overrides the kind's
//! default quality dimension).

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::manifest::Scalar;

/// How bad a failure is.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported, fails the run only with `--strict`.
    Warn,
    /// Fails the run (exit code 1).
    #[default]
    Error,
}

impl Severity {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

/// The six data quality indicators of GB/T 36344-2018.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// 规范性: conforms to schema, types, formats, code lists, units.
    Normativeness,
    /// 完整性: values and records are present.
    Completeness,
    /// 准确性: values within valid ranges and sets, plausible statistics.
    Accuracy,
    /// 一致性: keys, uniqueness, cross-column, cross-file and cross-dataset agreement.
    Consistency,
    /// 时效性: freshness, coverage of the declared period.
    Timeliness,
    /// 可访问性: readable files, verified checksums, license and metadata present.
    Accessibility,
}

impl Dimension {
    /// All six, in the standard's order.
    pub const ALL: [Dimension; 6] = [
        Dimension::Normativeness,
        Dimension::Completeness,
        Dimension::Accuracy,
        Dimension::Consistency,
        Dimension::Timeliness,
        Dimension::Accessibility,
    ];

    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Normativeness => "normativeness",
            Dimension::Completeness => "completeness",
            Dimension::Accuracy => "accuracy",
            Dimension::Consistency => "consistency",
            Dimension::Timeliness => "timeliness",
            Dimension::Accessibility => "accessibility",
        }
    }

    /// The Chinese name used by GB/T 36344-2018.
    pub fn name_zh(self) -> &'static str {
        match self {
            Dimension::Normativeness => "规范性",
            Dimension::Completeness => "完整性",
            Dimension::Accuracy => "准确性",
            Dimension::Consistency => "一致性",
            Dimension::Timeliness => "时效性",
            Dimension::Accessibility => "可访问性",
        }
    }
}

/// One quality check: the kind with its parameters, plus the settings every kind shares.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// Name, unique within the resource. Derived from the kind and column when omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the check guards against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `error` fails the run; `warn` only with `--strict`.
    pub severity: Severity,
    /// Fraction of evaluated rows that must pass (row-level kinds only), e.g. `0.995`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mostly: Option<f64>,
    /// Overrides the kind's default quality dimension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimension: Option<Dimension>,
    /// The kind and its parameters.
    #[serde(flatten)]
    pub kind: CheckKind,
}

/// The keys every check kind accepts, besides `check` and the kind's own parameters.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CheckCommon {
    /// Name, unique within the resource. Derived from the kind and column when omitted.
    #[serde(default)]
    #[schemars(length(min = 1))]
    name: Option<String>,
    /// What the check guards against.
    #[serde(default)]
    description: Option<String>,
    /// `error` (default) fails the run; `warn` fails it only with `--strict`.
    #[serde(default)]
    severity: Severity,
    /// Fraction of evaluated rows that must pass, for row-level kinds: `0.995` lets 0.5% fail.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 1.0))]
    mostly: Option<f64>,
    /// Quality dimension this check counts toward, instead of the kind's default.
    #[serde(default)]
    dimension: Option<Dimension>,
}

const COMMON_KEYS: [&str; 5] = ["name", "description", "severity", "mostly", "dimension"];

impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        // The common keys are split off first so the kind can reject unknown keys on its own:
        // serde's `flatten` and `deny_unknown_fields` do not combine.
        let mut map = Map::<String, Value>::deserialize(deserializer)?;
        let mut common = Map::new();
        for key in COMMON_KEYS {
            if let Some(v) = map.remove(key) {
                common.insert(key.to_string(), v);
            }
        }
        let common: CheckCommon =
            serde_json::from_value(Value::Object(common)).map_err(D::Error::custom)?;
        let kind: CheckKind =
            serde_json::from_value(Value::Object(map)).map_err(D::Error::custom)?;
        Ok(Check {
            name: common.name,
            description: common.description,
            severity: common.severity,
            mostly: common.mostly,
            dimension: common.dimension,
            kind,
        })
    }
}

impl JsonSchema for Check {
    fn schema_name() -> Cow<'static, str> {
        "Check".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        // schemars renders an internally tagged enum as `oneOf`; validators then report only
        // "not valid under any of the schemas". A discriminated `if`/`then` per kind instead
        // yields the precise error of the kind the author meant.
        let common = CheckCommon::json_schema(generator);
        let common_props = common
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let kinds = CheckKind::json_schema(generator);
        let mut names = Vec::new();
        let mut branches = Vec::new();
        for variant in kinds
            .get("oneOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut variant = variant.clone();
            let Some(tag) = variant
                .pointer("/properties/check/const")
                .and_then(Value::as_str)
                .map(str::to_string)
            else {
                continue;
            };
            if let Some(props) = variant.get_mut("properties").and_then(Value::as_object_mut) {
                for (k, v) in &common_props {
                    props.insert(k.clone(), v.clone());
                }
            }
            names.push(Value::String(tag.clone()));
            branches.push(serde_json::json!({
                "if": {"properties": {"check": {"const": tag}}, "required": ["check"]},
                "then": variant,
            }));
        }
        json_schema!({
            "description": "A quality check: `check` names the kind; the kind decides the other keys.",
            "type": "object",
            "required": ["check"],
            "properties": {
                "check": {"description": "The check kind.", "enum": names},
            },
            "allOf": branches,
        })
    }
}

/// Direction for `monotonic`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Each value ≥ the one before (> with `strict`).
    #[default]
    Increasing,
    /// Each value ≤ the one before (< with `strict`).
    Decreasing,
}

/// Statistic for `aggregate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    /// Arithmetic mean of non-null values.
    Mean,
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Sum of non-null values.
    Sum,
    /// Sample standard deviation of non-null values.
    Stddev,
    /// Nulls divided by rows.
    NullFraction,
    /// Number of distinct non-null values (exact).
    DistinctCount,
    /// The `q`-quantile of non-null values (exact, nearest rank).
    Quantile,
}

impl Stat {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Min => "min",
            Stat::Max => "max",
            Stat::Sum => "sum",
            Stat::Stddev => "stddev",
            Stat::NullFraction => "null_fraction",
            Stat::DistinctCount => "distinct_count",
            Stat::Quantile => "quantile",
        }
    }
}

/// A metric kept in the validation history, for `change` and `anomaly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HistoryMetric {
    /// The resource's rows.
    RowCount,
    /// Nulls of `column` divided by rows.
    NullRate,
}

impl HistoryMetric {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryMetric::RowCount => "row_count",
            HistoryMetric::NullRate => "null_rate",
        }
    }
}

/// Target of a `foreign_key` check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckReference {
    /// Another resource of the same dataset.
    pub resource: String,
    /// Its columns, in the same order and number as `columns`.
    #[schemars(length(min = 1))]
    pub columns: Vec<String>,
}

/// The check kinds and their parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(
    tag = "check",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum CheckKind {
    /// No nulls in `column`.
    NotNull {
        /// The column.
        column: String,
    },
    /// No non-null value of `column` occurs twice.
    Unique {
        /// The column.
        column: String,
    },
    /// Values of `column` within bounds (numbers, or ISO 8601 strings for temporal columns).
    Range {
        /// The column.
        column: String,
        /// Lower bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<Scalar>,
        /// Upper bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<Scalar>,
        /// Exclude `min` itself.
        #[serde(default, skip_serializing_if = "is_false")]
        min_exclusive: bool,
        /// Exclude `max` itself.
        #[serde(default, skip_serializing_if = "is_false")]
        max_exclusive: bool,
    },
    /// Values of `column` are one of `values`.
    InSet {
        /// The column.
        column: String,
        /// The allowed values.
        #[schemars(length(min = 1))]
        values: Vec<Scalar>,
    },
    /// Values of `column` are none of `values`.
    NotInSet {
        /// The column.
        column: String,
        /// The forbidden values.
        #[schemars(length(min = 1))]
        values: Vec<Scalar>,
    },
    /// Values of `column` match `pattern` in full.
    Pattern {
        /// The column.
        column: String,
        /// A regular expression (Rust `regex` syntax), matched against the whole value.
        pattern: String,
    },
    /// String length of `column`, in characters, within bounds.
    Length {
        /// The column.
        column: String,
        /// Shortest allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u64>,
        /// Longest allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
    },
    /// No NaN or infinity in float `column`.
    Finite {
        /// The column.
        column: String,
    },
    /// `column` only moves one way, in file order.
    Monotonic {
        /// The column.
        column: String,
        /// `increasing` (default) or `decreasing`.
        #[serde(default)]
        direction: Direction,
        /// Equal neighbours fail too.
        #[serde(default, skip_serializing_if = "is_false")]
        strict: bool,
    },
    /// The resource's total row count within bounds.
    RowCount {
        /// Fewest rows allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<u64>,
        /// Most rows allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
    },
    /// The combination of `columns` identifies each row.
    UniqueKey {
        /// The key columns.
        #[schemars(length(min = 1))]
        columns: Vec<String>,
    },
    /// The newest value of timestamp `column` is no older than `maxAge` before the reference time.
    Freshness {
        /// A date or timestamp column.
        column: String,
        /// ISO 8601 duration (`P2D`, `PT6H`).
        max_age: String,
    },
    /// A SQL boolean evaluated per row (DataFusion dialect); rows where it is false fail.
    Expression {
        /// The expression, e.g. `end_ts >= start_ts`.
        sql: String,
    },
    /// A statistic of `column` within bounds.
    Aggregate {
        /// The column.
        column: String,
        /// The statistic.
        stat: Stat,
        /// The quantile for `stat: quantile`, in [0, 1].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 0.0, max = 1.0))]
        q: Option<f64>,
        /// Lower bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Upper bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// A metric moved no more than allowed since the previous validation (the history under
    /// `.assay/history/`): the row count by at most `maxChangePct` percent, a null rate up by at
    /// most `maxRisePoints` percentage points.
    Change {
        /// `row_count` or `null_rate`.
        metric: HistoryMetric,
        /// The column, for `null_rate`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column: Option<String>,
        /// Largest change of the row count, in percent of the previous run's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_change_pct: Option<f64>,
        /// Largest rise of the null rate, in percentage points.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_rise_points: Option<f64>,
    },
    /// A metric is not an outlier against the last `lastRuns` validations: its z-score is at
    /// most `maxZ`.
    Anomaly {
        /// `row_count` or `null_rate`.
        metric: HistoryMetric,
        /// The column, for `null_rate`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column: Option<String>,
        /// Runs compared with (default 10; at least 3 are needed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 3))]
        last_runs: Option<u32>,
        /// Largest absolute z-score (default 3).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_z: Option<f64>,
    },
    /// Values of `columns` exist in another resource of the same dataset.
    ForeignKey {
        /// The referencing columns.
        #[schemars(length(min = 1))]
        columns: Vec<String>,
        /// The referenced resource and columns.
        reference: CheckReference,
    },
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl CheckKind {
    /// Every kind name, in documentation order.
    pub const NAMES: [&'static str; 17] = [
        "not_null",
        "unique",
        "range",
        "in_set",
        "not_in_set",
        "pattern",
        "length",
        "finite",
        "monotonic",
        "row_count",
        "unique_key",
        "freshness",
        "expression",
        "aggregate",
        "foreign_key",
        "change",
        "anomaly",
    ];

    /// The stable snake_case name.
    pub fn name(&self) -> &'static str {
        match self {
            CheckKind::NotNull { .. } => "not_null",
            CheckKind::Unique { .. } => "unique",
            CheckKind::Range { .. } => "range",
            CheckKind::InSet { .. } => "in_set",
            CheckKind::NotInSet { .. } => "not_in_set",
            CheckKind::Pattern { .. } => "pattern",
            CheckKind::Length { .. } => "length",
            CheckKind::Finite { .. } => "finite",
            CheckKind::Monotonic { .. } => "monotonic",
            CheckKind::RowCount { .. } => "row_count",
            CheckKind::UniqueKey { .. } => "unique_key",
            CheckKind::Freshness { .. } => "freshness",
            CheckKind::Expression { .. } => "expression",
            CheckKind::Aggregate { .. } => "aggregate",
            CheckKind::ForeignKey { .. } => "foreign_key",
            CheckKind::Change { .. } => "change",
            CheckKind::Anomaly { .. } => "anomaly",
        }
    }

    /// The quality dimension a kind counts toward unless the check overrides it.
    pub fn default_dimension(&self) -> Dimension {
        match self {
            CheckKind::NotNull { .. } | CheckKind::RowCount { .. } => Dimension::Completeness,
            CheckKind::InSet { .. } | CheckKind::Pattern { .. } | CheckKind::Length { .. } => {
                Dimension::Normativeness
            }
            CheckKind::Range { .. }
            | CheckKind::NotInSet { .. }
            | CheckKind::Finite { .. }
            | CheckKind::Aggregate { .. } => Dimension::Accuracy,
            CheckKind::Unique { .. }
            | CheckKind::UniqueKey { .. }
            | CheckKind::Monotonic { .. }
            | CheckKind::Expression { .. }
            | CheckKind::ForeignKey { .. } => Dimension::Consistency,
            CheckKind::Freshness { .. } => Dimension::Timeliness,
            CheckKind::Change { .. } => Dimension::Consistency,
            CheckKind::Anomaly { .. } => Dimension::Accuracy,
        }
    }

    /// Row-level kinds count failing rows, so `mostly` applies to them.
    pub fn is_row_level(&self) -> bool {
        !matches!(
            self,
            CheckKind::RowCount { .. }
                | CheckKind::Freshness { .. }
                | CheckKind::Aggregate { .. }
                | CheckKind::Change { .. }
                | CheckKind::Anomaly { .. }
        )
    }

    /// The columns the check reads in its own resource, in declaration order.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            CheckKind::NotNull { column }
            | CheckKind::Unique { column }
            | CheckKind::Range { column, .. }
            | CheckKind::InSet { column, .. }
            | CheckKind::NotInSet { column, .. }
            | CheckKind::Pattern { column, .. }
            | CheckKind::Length { column, .. }
            | CheckKind::Finite { column }
            | CheckKind::Monotonic { column, .. }
            | CheckKind::Freshness { column, .. }
            | CheckKind::Aggregate { column, .. } => vec![column.as_str()],
            CheckKind::UniqueKey { columns } | CheckKind::ForeignKey { columns, .. } => {
                columns.iter().map(String::as_str).collect()
            }
            CheckKind::RowCount { .. } | CheckKind::Expression { .. } => vec![],
            CheckKind::Change { column, .. } | CheckKind::Anomaly { column, .. } => {
                column.iter().map(String::as_str).collect()
            }
        }
    }
}

impl Check {
    /// The check's name: its own, or `kind(column, …)`.
    pub fn display_name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let cols = self.kind.columns();
        if cols.is_empty() {
            self.kind.name().to_string()
        } else {
            format!("{}({})", self.kind.name(), cols.join(", "))
        }
    }

    /// The dimension this check counts toward.
    pub fn dimension(&self) -> Dimension {
        self.dimension
            .unwrap_or_else(|| self.kind.default_dimension())
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ISO 8601 duration (`P2D`, `PT6H30M`, `P1W`), as used by `freshness.maxAge`. Years and
/// months are rejected: their length in seconds is not fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoDuration {
    /// Whole seconds.
    pub seconds: u64,
}

impl IsoDuration {
    /// Parses `PnW`, `PnD`, `PTnH`, `PTnM`, `PTnS` and combinations (`P1DT12H`). Fractional
    /// seconds are not accepted.
    pub fn parse(s: &str) -> Result<Self, String> {
        let rest = s
            .strip_prefix('P')
            .ok_or_else(|| format!("`{s}` is not an ISO 8601 duration: it must start with `P`"))?;
        if rest.is_empty() || rest == "T" {
            return Err(format!(
                "`{s}` has no components; write e.g. `P2D` or `PT6H`"
            ));
        }
        let mut seconds: u64 = 0;
        let mut in_time = false;
        let mut num = String::new();
        for c in rest.chars() {
            match c {
                'T' if !in_time && num.is_empty() => in_time = true,
                '0'..='9' => num.push(c),
                _ => {
                    let n: u64 = num
                        .parse()
                        .map_err(|_| format!("`{s}`: expected a number before `{c}`"))?;
                    num.clear();
                    let unit = match (in_time, c) {
                        (false, 'W') => 7 * 86_400,
                        (false, 'D') => 86_400,
                        (true, 'H') => 3_600,
                        (true, 'M') => 60,
                        (true, 'S') => 1,
                        (false, 'Y') | (false, 'M') => {
                            return Err(format!(
                                "`{s}`: years and months have no fixed length; use days (`P30D`)"
                            ));
                        }
                        _ => return Err(format!("`{s}`: unexpected `{c}` in ISO 8601 duration")),
                    };
                    seconds = n
                        .checked_mul(unit)
                        .and_then(|x| seconds.checked_add(x))
                        .ok_or_else(|| format!("`{s}` is too long"))?;
                }
            }
        }
        if !num.is_empty() {
            return Err(format!("`{s}`: number `{num}` has no unit"));
        }
        Ok(IsoDuration { seconds })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_durations() {
        assert_eq!(IsoDuration::parse("P2D").unwrap().seconds, 172_800);
        assert_eq!(IsoDuration::parse("PT6H").unwrap().seconds, 21_600);
        assert_eq!(IsoDuration::parse("P1DT1H1M1S").unwrap().seconds, 90_061);
        assert_eq!(IsoDuration::parse("P1W").unwrap().seconds, 604_800);
        assert!(IsoDuration::parse("2D").is_err());
        assert!(IsoDuration::parse("P").is_err());
        assert!(IsoDuration::parse("P1M").is_err());
        assert!(IsoDuration::parse("PT5").is_err());
        assert!(IsoDuration::parse("P99999999999999999999D").is_err());
    }

    #[test]
    fn check_splits_common_keys_and_rejects_unknown() {
        let c: Check = serde_json::from_value(serde_json::json!({
            "check": "range", "column": "v", "min": 0, "severity": "warn", "mostly": 0.9
        }))
        .unwrap();
        assert_eq!(c.severity, Severity::Warn);
        assert_eq!(c.mostly, Some(0.9));
        assert_eq!(c.display_name(), "range(v)");
        assert_eq!(c.dimension(), Dimension::Accuracy);
        let err = serde_json::from_value::<Check>(serde_json::json!({
            "check": "not_null", "colum": "v"
        }))
        .unwrap_err()
        .to_string();
        assert!(err.contains("colum"), "{err}");
    }

    #[test]
    fn names_match_kinds() {
        // NAMES is what docs and lint list; it must agree with the serde tags.
        for name in CheckKind::NAMES {
            let v = serde_json::json!({"check": name});
            let err = serde_json::from_value::<CheckKind>(v)
                .err()
                .map(|e| e.to_string());
            if let Some(e) = err {
                assert!(!e.contains("unknown variant"), "{name}: {e}");
            }
        }
    }
}
