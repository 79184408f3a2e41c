//! One file per check kind: its parameters (the manifest keys besides `check` and the common
//! ones), what it declares about itself ([`Kind`](super::Kind)) and its own lint rules.
//!
//! Adding a kind: a new file here, one line in the `check_kinds!` list in `check/mod.rs`, an
//! evaluator in `assay-validate/src/checks/`, a docs section and two case folders.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub mod aggregate;
pub mod anomaly;
pub mod change;
pub mod expression;
pub mod finite;
pub mod foreign_key;
pub mod freshness;
pub mod in_set;
pub mod length;
pub mod monotonic;
pub mod not_in_set;
pub mod not_null;
pub mod pattern;
pub mod range;
pub mod rate_of_change;
pub mod row_count;
pub mod unique;
pub mod unique_key;

pub use aggregate::Stat;
pub use foreign_key::CheckReference;
pub use monotonic::Direction;

/// A metric kept in the validation history, for `change` and `anomaly`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HistoryMetric {
    /// The resource's rows.
    RowCount,
    /// Nulls of `column` divided by rows.
    NullRate,
}

impl HistoryMetric {
    /// The manifest spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryMetric::RowCount => "row_count",
            HistoryMetric::NullRate => "null_rate",
        }
    }
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}
