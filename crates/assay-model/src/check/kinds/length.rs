//! `length`: string length in characters within bounds.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;
use crate::manifest::TypeFamily;

/// String length of `column`, in characters, within bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Length {
    /// The column.
    pub column: String,
    /// Shortest allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u64>,
    /// Longest allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u64>,
}

impl Kind for Length {
    const DIMENSION: Dimension = Dimension::Normativeness;
    const STATISTICS: &'static str = "none (once per dictionary value)";

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        if self.min.is_none() && self.max.is_none() {
            cx.error(
                "",
                "check-params",
                "`length` needs `min`, `max` or both".into(),
                None,
            );
        }
        if !matches!(
            cx.family(),
            TypeFamily::String | TypeFamily::Binary | TypeFamily::List | TypeFamily::Any
        ) {
            cx.wrong_type("strings, binary and lists");
        }
        if let (Some(lo), Some(hi)) = (self.min, self.max)
            && lo > hi
        {
            cx.error(
                "",
                "empty-range",
                format!("length [{lo}, {hi}] admits no value"),
                None,
            );
        }
    }
}
