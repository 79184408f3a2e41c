//! `change`: a metric moved no more than allowed since the previous validation.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::HistoryMetric;
use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;

/// A metric moved no more than allowed since the previous validation (the history under
/// `.assay/history/`): the row count by at most `maxChangePct` percent, a null rate up by at
/// most `maxRisePoints` percentage points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Change {
    /// `row_count` or `null_rate`.
    pub metric: HistoryMetric,
    /// The column, for `null_rate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Largest change of the row count, in percent of the previous run's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_change_pct: Option<f64>,
    /// Largest rise of the null rate, in percentage points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rise_points: Option<f64>,
}

impl Kind for Change {
    const DIMENSION: Dimension = Dimension::Consistency;
    const STATISTICS: &'static str = "`row_count`: footer row counts; `null_rate`: row-group null counts, decoding row groups without them";
    const ROW_LEVEL: bool = false;

    fn columns(&self) -> Vec<&str> {
        self.column.iter().map(String::as_str).collect()
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        let metric = self.metric;
        cx.history_metric(metric, self.column.as_deref());
        let (wanted, unwanted, given, other) = match metric {
            HistoryMetric::RowCount => (
                "maxChangePct",
                "maxRisePoints",
                self.max_change_pct,
                self.max_rise_points.is_some(),
            ),
            HistoryMetric::NullRate => (
                "maxRisePoints",
                "maxChangePct",
                self.max_rise_points,
                self.max_change_pct.is_some(),
            ),
        };
        match given {
            None => cx.error(
                "",
                "change-bound",
                format!("a `change` of {} needs `{wanted}`", metric.as_str()),
                None,
            ),
            Some(v) if !v.is_finite() || v < 0.0 => cx.error(
                &format!("/{wanted}"),
                "change-bound",
                format!("`{wanted}` must be a number of at least 0, not {v}"),
                None,
            ),
            Some(_) => {}
        }
        if other {
            cx.error(
                "",
                "change-bound",
                format!(
                    "`{unwanted}` does not apply to {}; use `{wanted}`",
                    metric.as_str()
                ),
                None,
            );
        }
    }
}
