//! `finite`: no NaN or infinity in a float column.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;
use crate::manifest::TypeFamily;

/// No NaN or infinity in float `column`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Finite {
    /// The column.
    pub column: String,
}

impl Kind for Finite {
    const DIMENSION: Dimension = Dimension::Accuracy;

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        if !matches!(cx.family(), TypeFamily::Float | TypeFamily::Any) {
            cx.wrong_type("floating-point columns");
        }
    }
}
