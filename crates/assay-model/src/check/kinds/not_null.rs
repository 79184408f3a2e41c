//! `not_null`: no nulls in a column.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};

/// No nulls in `column`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotNull {
    /// The column.
    pub column: String,
}

impl Kind for NotNull {
    const DIMENSION: Dimension = Dimension::Completeness;
    const STATISTICS: &'static str =
        "row-group null count: a row group with no nulls passes undecoded";

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }
}
