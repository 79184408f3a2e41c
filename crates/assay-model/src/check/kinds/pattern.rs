//! `pattern`: values match a regular expression in full.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;

/// Values of `column` match `pattern` in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Pattern {
    /// The column.
    pub column: String,
    /// A regular expression (Rust `regex` syntax), matched against the whole value.
    pub pattern: String,
}

impl Kind for Pattern {
    const DIMENSION: Dimension = Dimension::Normativeness;
    const STATISTICS: &'static str = "none (once per dictionary value)";

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        cx.pattern("/pattern", &self.pattern);
    }
}
