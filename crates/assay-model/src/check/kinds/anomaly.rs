//! `anomaly`: a metric is not an outlier against the last validations.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::HistoryMetric;
use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;

/// A metric is not an outlier against the last `lastRuns` validations: its z-score is at
/// most `maxZ`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Anomaly {
    /// `row_count` or `null_rate`.
    pub metric: HistoryMetric,
    /// The column, for `null_rate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Runs compared with (default 10; at least 3 are needed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 3))]
    pub last_runs: Option<u32>,
    /// Largest absolute z-score (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_z: Option<f64>,
}

impl Kind for Anomaly {
    const DIMENSION: Dimension = Dimension::Accuracy;
    const STATISTICS: &'static str = "as `change`";
    const ROW_LEVEL: bool = false;

    fn columns(&self) -> Vec<&str> {
        self.column.iter().map(String::as_str).collect()
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        cx.history_metric(self.metric, self.column.as_deref());
        if let Some(z) = self.max_z
            && !(z.is_finite() && z > 0.0)
        {
            cx.error(
                "/maxZ",
                "anomaly-bound",
                format!("`maxZ` must be a number above 0, not {z}"),
                None,
            );
        }
    }
}
