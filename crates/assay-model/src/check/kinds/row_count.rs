//! `row_count`: the resource's total row count within bounds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;

/// The resource's total row count within bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RowCount {
    /// Fewest rows allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// Most rows allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

impl Kind for RowCount {
    const DIMENSION: Dimension = Dimension::Completeness;
    const STATISTICS: &'static str = "footer row counts only; never decodes";
    const ROW_LEVEL: bool = false;

    fn columns(&self) -> Vec<&str> {
        vec![]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        if self.min.is_none() && self.max.is_none() {
            cx.error(
                "",
                "check-params",
                "`row_count` needs `min`, `max` or both".into(),
                None,
            );
        }
        if let (Some(lo), Some(hi)) = (self.min, self.max)
            && lo > hi
        {
            cx.error(
                "",
                "empty-range",
                format!("row_count [{lo}, {hi}] admits no value"),
                None,
            );
        }
    }
}
