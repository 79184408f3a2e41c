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
        let mut names = Vec::new();
        let mut branches = Vec::new();
        for kind in CheckKind::registry(generator) {
            // The kind's parameters, with `check` first and the common keys after them, in the
            // order validators and editors show them.
            let params = kind.schema.as_object().cloned().unwrap_or_default();
            let mut props = Map::new();
            props.insert(
                "check".into(),
                serde_json::json!({"type": "string", "const": kind.name}),
            );
            if let Some(p) = params.get("properties").and_then(Value::as_object) {
                props.extend(p.clone());
            }
            props.extend(common_props.clone());
            let mut required = vec![Value::String("check".into())];
            if let Some(r) = params.get("required").and_then(Value::as_array) {
                required.extend(r.iter().cloned());
            }
            let mut then = Map::new();
            then.insert("type".into(), "object".into());
            then.insert("additionalProperties".into(), false.into());
            then.insert("properties".into(), Value::Object(props));
            then.insert("required".into(), Value::Array(required));
            if let Some(d) = params.get("description") {
                then.insert("description".into(), d.clone());
            }
            names.push(Value::String(kind.name.into()));
            branches.push(serde_json::json!({
                "if": {"properties": {"check": {"const": kind.name}}, "required": ["check"]},
                "then": Value::Object(then),
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

pub mod kinds;

pub use kinds::{
    CheckReference, Direction, HistoryMetric, Stat, aggregate::Aggregate, anomaly::Anomaly,
    change::Change, expression::Expression, finite::Finite, foreign_key::ForeignKey,
    freshness::Freshness, in_set::InSet, length::Length, monotonic::Monotonic,
    not_in_set::NotInSet, not_null::NotNull, pattern::Pattern, range::Range,
    rate_of_change::RateOfChange, row_count::RowCount, unique::Unique, unique_key::UniqueKey,
};

/// What a check kind declares about itself. One file under `check/kinds/` per kind implements
/// it for the kind's parameters; the list in [`check_kinds!`] registers the kind.
pub trait Kind {
    /// The quality dimension the kind counts toward unless a check overrides it.
    const DIMENSION: Dimension;
    /// Row-level kinds count failing rows, so `mostly` applies to them; the others are decided
    /// once per resource.
    const ROW_LEVEL: bool = true;
    /// True when the kind names its columns in a `columns` list rather than one `column`.
    const COLUMN_LIST: bool = false;
    /// What footer statistics decide for the kind, for the docs' summary table.
    const STATISTICS: &'static str = "none";
    /// The columns the check reads in its own resource, in declaration order.
    fn columns(&self) -> Vec<&str>;
    /// Each column with the JSON Pointer suffix of the key that names it (`/column`,
    /// `/columns/0`), for locating lint diagnostics.
    fn column_refs(&self) -> Vec<(String, &str)> {
        self.columns()
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let key = if Self::COLUMN_LIST {
                    format!("/columns/{i}")
                } else {
                    "/column".to_string()
                };
                (key, c)
            })
            .collect()
    }
    /// The kind's own lint rules, beyond the common ones (columns exist, `mostly` only on
    /// row-level kinds).
    fn lint(&self, cx: &mut crate::lint::CheckLint<'_, '_>) {
        let _ = cx;
    }
}

/// Declares every check kind once: its manifest name, its variant and its parameter type. The
/// enum, `NAMES`, `name()`, the default dimension, the serde tags, the JSON Schema branches and
/// the lint dispatch are all generated from this one list, so they cannot disagree.
macro_rules! check_kinds {
    ($($(#[$doc:meta])* $name:literal => $variant:ident($ty:ty),)*) => {
        /// The check kinds and their parameters.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "check")]
        pub enum CheckKind {
            $($(#[$doc])* #[serde(rename = $name)] $variant($ty),)*
        }

        impl CheckKind {
            /// Every kind name, in documentation order.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// The stable snake_case name.
            pub fn name(&self) -> &'static str {
                match self { $(CheckKind::$variant(_) => $name,)* }
            }

            /// The quality dimension a kind counts toward unless the check overrides it.
            pub fn default_dimension(&self) -> Dimension {
                match self { $(CheckKind::$variant(_) => <$ty as Kind>::DIMENSION,)* }
            }

            /// Row-level kinds count failing rows, so `mostly` applies to them.
            pub fn is_row_level(&self) -> bool {
                match self { $(CheckKind::$variant(_) => <$ty as Kind>::ROW_LEVEL,)* }
            }

            /// True when the kind names its columns in a `columns` list.
            pub fn has_column_list(&self) -> bool {
                match self { $(CheckKind::$variant(_) => <$ty as Kind>::COLUMN_LIST,)* }
            }

            /// The columns the check reads in its own resource, in declaration order.
            pub fn columns(&self) -> Vec<&str> {
                match self { $(CheckKind::$variant(k) => k.columns(),)* }
            }

            /// Each column with the pointer suffix of the key naming it.
            pub fn column_refs(&self) -> Vec<(String, &str)> {
                match self { $(CheckKind::$variant(k) => k.column_refs(),)* }
            }

            /// Runs the kind's own lint rules.
            pub(crate) fn lint(&self, cx: &mut crate::lint::CheckLint<'_, '_>) {
                match self { $(CheckKind::$variant(k) => k.lint(cx),)* }
            }

            /// Every kind: its name, default dimension, whether it is row-level, and the JSON
            /// Schema of its parameters.
            pub fn registry(generator: &mut SchemaGenerator) -> Vec<KindInfo> {
                vec![$(KindInfo {
                    name: $name,
                    dimension: <$ty as Kind>::DIMENSION,
                    row_level: <$ty as Kind>::ROW_LEVEL,
                    statistics: <$ty as Kind>::STATISTICS,
                    schema: <$ty as JsonSchema>::json_schema(generator),
                }),*]
            }
        }
    };
}

/// One registered kind, as docs and the JSON Schema see it.
#[derive(Debug, Clone)]
pub struct KindInfo {
    /// The manifest name.
    pub name: &'static str,
    /// The default quality dimension.
    pub dimension: Dimension,
    /// Whether `mostly` applies.
    pub row_level: bool,
    /// What footer statistics decide.
    pub statistics: &'static str,
    /// The JSON Schema of its parameters (without `check` and the common keys).
    pub schema: Schema,
}

check_kinds! {
    /// No nulls in `column`.
    "not_null" => NotNull(NotNull),
    /// No non-null value of `column` occurs twice.
    "unique" => Unique(Unique),
    /// Values of `column` within bounds.
    "range" => Range(Range),
    /// Values of `column` are one of `values`.
    "in_set" => InSet(InSet),
    /// Values of `column` are none of `values`.
    "not_in_set" => NotInSet(NotInSet),
    /// Values of `column` match `pattern` in full.
    "pattern" => Pattern(Pattern),
    /// String length of `column` within bounds.
    "length" => Length(Length),
    /// No NaN or infinity in float `column`.
    "finite" => Finite(Finite),
    /// `column` only moves one way, in file order.
    "monotonic" => Monotonic(Monotonic),
    /// The resource's total row count within bounds.
    "row_count" => RowCount(RowCount),
    /// The combination of `columns` identifies each row.
    "unique_key" => UniqueKey(UniqueKey),
    /// The newest value of `column` is recent enough.
    "freshness" => Freshness(Freshness),
    /// A SQL boolean evaluated per row.
    "expression" => Expression(Expression),
    /// A statistic of `column` within bounds.
    "aggregate" => Aggregate(Aggregate),
    /// A metric moved no more than allowed since the previous validation.
    "change" => Change(Change),
    /// A metric is not an outlier against the last validations.
    "anomaly" => Anomaly(Anomaly),
    /// Values of `columns` exist in another resource of the same dataset.
    "foreign_key" => ForeignKey(ForeignKey),
    /// Consecutive values of `column` change by at most `max`.
    "rate_of_change" => RateOfChange(RateOfChange),
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
