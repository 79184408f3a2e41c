//! Scalars written in constraints and checks: a boolean, a number or a string.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A scalar in a constraint or check: a boolean, number or string (dates and timestamps are
/// written as ISO 8601 strings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    /// true/false.
    Bool(bool),
    /// A number.
    Number(serde_json::Number),
    /// A string.
    Text(String),
}

impl Scalar {
    /// The value as a float, when it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::Number(n) => n.as_f64(),
            _ => None,
        }
    }
}

impl Scalar {
    /// The value as a reader writes it: text without quotes, numbers and booleans as written.
    pub fn plain(&self) -> String {
        match self {
            Scalar::Text(t) => t.clone(),
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Number(n) => write!(f, "{n}"),
            Scalar::Text(s) => write!(f, "{s:?}"),
        }
    }
}
