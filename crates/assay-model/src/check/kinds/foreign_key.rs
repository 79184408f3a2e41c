//! `foreign_key`: values of columns exist in another resource of the dataset.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;

/// Target of a `foreign_key` check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckReference {
    /// Another resource of the same dataset.
    pub resource: String,
    /// Its columns, in the same order and number as `columns`.
    #[schemars(length(min = 1))]
    pub columns: Vec<String>,
}

/// Values of `columns` exist in another resource of the same dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForeignKey {
    /// The referencing columns.
    #[schemars(length(min = 1))]
    pub columns: Vec<String>,
    /// The referenced resource and columns.
    pub reference: CheckReference,
}

impl Kind for ForeignKey {
    const DIMENSION: Dimension = Dimension::Consistency;
    const COLUMN_LIST: bool = true;

    fn columns(&self) -> Vec<&str> {
        self.columns.iter().map(String::as_str).collect()
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        let target: Vec<&str> = self.reference.columns.iter().map(String::as_str).collect();
        cx.reference(
            "/reference",
            &self.reference.resource,
            &target,
            self.columns.len(),
        );
    }
}
