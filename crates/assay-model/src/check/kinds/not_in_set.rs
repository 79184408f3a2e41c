//! `not_in_set`: values are none of a list (placeholders, test codes).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;
use crate::scalar::Scalar;

/// Values of `column` are none of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotInSet {
    /// The column.
    pub column: String,
    /// The forbidden values.
    #[schemars(length(min = 1))]
    pub values: Vec<Scalar>,
}

impl Kind for NotInSet {
    const DIMENSION: Dimension = Dimension::Accuracy;
    const STATISTICS: &'static str = "none (once per dictionary value)";

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        cx.values_fit(&self.values);
    }
}
