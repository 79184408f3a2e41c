//! `range`: values within bounds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::is_false;
use crate::check::{Dimension, Kind};
use crate::lint::{CheckLint, bound_fits, scalar_eq, scalar_gt};
use crate::scalar::Scalar;

/// Values of `column` within bounds (numbers, or ISO 8601 strings for temporal columns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Range {
    /// The column.
    pub column: String,
    /// Lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Scalar>,
    /// Upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Scalar>,
    /// Exclude `min` itself.
    #[serde(default, skip_serializing_if = "is_false")]
    pub min_exclusive: bool,
    /// Exclude `max` itself.
    #[serde(default, skip_serializing_if = "is_false")]
    pub max_exclusive: bool,
}

impl Kind for Range {
    const DIMENSION: Dimension = Dimension::Accuracy;
    const STATISTICS: &'static str = "numeric columns: exact row-group min/max and null count; a row group inside the bounds passes undecoded";

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        let Range {
            min,
            max,
            min_exclusive,
            max_exclusive,
            ..
        } = self;
        if min.is_none() && max.is_none() {
            cx.error(
                "",
                "check-params",
                "`range` needs `min`, `max` or both".into(),
                None,
            );
        }
        if !cx.family().is_ordered() {
            cx.wrong_type("ordered columns (numbers, strings, dates and times)");
        } else if let Some(t) = cx.field().map(|f| f.field_type) {
            for (k, b) in [("min", min), ("max", max)] {
                if let Some(b) = b
                    && let Err(e) = bound_fits(t, b)
                {
                    cx.error(&format!("/{k}"), "check-type", format!("`{k}` {e}"), None);
                }
            }
        }
        if let (Some(lo), Some(hi)) = (min, max) {
            let empty =
                scalar_gt(lo, hi) || (scalar_eq(lo, hi) && (*min_exclusive || *max_exclusive));
            if empty {
                cx.error(
                    "",
                    "empty-range",
                    format!("range [{lo}, {hi}] admits no value"),
                    None,
                );
            }
        }
    }
}
