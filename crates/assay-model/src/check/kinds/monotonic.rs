//! `monotonic`: a column only moves one way, in file order.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::is_false;
use crate::check::{Dimension, Kind};
use crate::lint::CheckLint;

/// Direction for `monotonic`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Each value ≥ the one before (> with `strict`).
    #[default]
    Increasing,
    /// Each value ≤ the one before (< with `strict`).
    Decreasing,
}

impl Direction {
    /// True when `cur` may not follow `prev` (both in one order: bytes of a row encoding, or
    /// numbers).
    pub fn violates<T: Ord + ?Sized>(self, strict: bool, prev: &T, cur: &T) -> bool {
        let ord = cur.cmp(prev);
        match (self, strict) {
            (Direction::Increasing, false) => ord.is_lt(),
            (Direction::Increasing, true) => !ord.is_gt(),
            (Direction::Decreasing, false) => ord.is_gt(),
            (Direction::Decreasing, true) => !ord.is_lt(),
        }
    }
}

/// `column` only moves one way, in file order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Monotonic {
    /// The column.
    pub column: String,
    /// `increasing` (default) or `decreasing`.
    #[serde(default)]
    pub direction: Direction,
    /// Equal neighbours fail too.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict: bool,
}

impl Kind for Monotonic {
    const DIMENSION: Dimension = Dimension::Consistency;

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        if !cx.family().is_ordered() {
            cx.wrong_type("ordered columns");
        }
    }
}
