//! `aggregate`: a statistic of a column within bounds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;
use crate::manifest::TypeFamily;

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

/// A statistic of `column` within bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Aggregate {
    /// The column.
    pub column: String,
    /// The statistic.
    pub stat: Stat,
    /// The quantile for `stat: quantile`, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 1.0))]
    pub q: Option<f64>,
    /// Lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

impl Kind for Aggregate {
    const DIMENSION: Dimension = Dimension::Accuracy;
    const ROW_LEVEL: bool = false;

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        let Aggregate {
            stat, q, min, max, ..
        } = self;
        if min.is_none() && max.is_none() {
            cx.error(
                "",
                "check-params",
                "`aggregate` needs `min`, `max` or both".into(),
                None,
            );
        }
        match (stat, q) {
            (Stat::Quantile, None) => cx.error(
                "",
                "check-params",
                "`stat: quantile` needs `q` (e.g. `q: 0.99`)".into(),
                None,
            ),
            (Stat::Quantile, Some(_)) | (_, None) => {}
            (_, Some(_)) => cx.error(
                "/q",
                "check-params",
                format!("`q` applies to `stat: quantile`, not `{}`", stat.as_str()),
                None,
            ),
        }
        let needs_number = matches!(
            stat,
            Stat::Mean | Stat::Sum | Stat::Stddev | Stat::Quantile | Stat::Min | Stat::Max
        );
        if needs_number
            && !matches!(
                cx.family(),
                TypeFamily::Integer | TypeFamily::Float | TypeFamily::Decimal | TypeFamily::Any
            )
        {
            cx.wrong_type(&format!("numeric columns for `stat: {}`", stat.as_str()));
        }
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            cx.error(
                "",
                "empty-range",
                format!("bounds [{lo}, {hi}] admit no value"),
                None,
            );
        }
    }
}
