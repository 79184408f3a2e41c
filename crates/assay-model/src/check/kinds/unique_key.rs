//! `unique_key`: a combination of columns identifies each row.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};

/// The combination of `columns` identifies each row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UniqueKey {
    /// The key columns.
    #[schemars(length(min = 1))]
    pub columns: Vec<String>,
}

impl Kind for UniqueKey {
    const DIMENSION: Dimension = Dimension::Consistency;
    const COLUMN_LIST: bool = true;

    fn columns(&self) -> Vec<&str> {
        self.columns.iter().map(String::as_str).collect()
    }
}
