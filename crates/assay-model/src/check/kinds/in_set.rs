//! `in_set`: values are one of a list (a code list).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;
use crate::scalar::Scalar;

/// Values of `column` are one of `values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InSet {
    /// The column.
    pub column: String,
    /// The allowed values.
    #[schemars(length(min = 1))]
    pub values: Vec<Scalar>,
}

impl Kind for InSet {
    const DIMENSION: Dimension = Dimension::Normativeness;
    const STATISTICS: &'static str = "none (once per dictionary value)";

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        cx.values_fit(&self.values);
    }
}
