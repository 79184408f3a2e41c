//! `unique`: no non-null value of a column occurs twice.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};

/// No non-null value of `column` occurs twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Unique {
    /// The column.
    pub column: String,
}

impl Kind for Unique {
    const DIMENSION: Dimension = Dimension::Consistency;

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }
}
