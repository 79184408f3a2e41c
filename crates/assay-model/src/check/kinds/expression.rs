//! `expression`: a SQL boolean evaluated per row.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;

/// A SQL boolean evaluated per row (DataFusion dialect); rows where it is false fail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expression {
    /// The expression, e.g. `end_ts >= start_ts`.
    pub sql: String,
}

impl Kind for Expression {
    const DIMENSION: Dimension = Dimension::Consistency;

    fn columns(&self) -> Vec<&str> {
        vec![]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        if self.sql.trim().is_empty() {
            cx.error("/sql", "check-params", "`sql` is empty".into(), None);
        }
    }
}
