//! `freshness`: the newest timestamp is recent enough.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, IsoDuration, Kind};
use crate::lint::CheckLint;
use crate::manifest::FieldType;

/// The newest value of timestamp `column` is no older than `maxAge` before the reference time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Freshness {
    /// A date or timestamp column.
    pub column: String,
    /// ISO 8601 duration (`P2D`, `PT6H`).
    pub max_age: String,
}

impl Kind for Freshness {
    const DIMENSION: Dimension = Dimension::Timeliness;
    const STATISTICS: &'static str = "row-group max; decodes row groups without one";
    const ROW_LEVEL: bool = false;

    fn columns(&self) -> Vec<&str> {
        vec![&self.column]
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        let temporal_ok = cx.field().is_none_or(|f| {
            matches!(
                f.field_type,
                FieldType::Date | FieldType::Timestamp | FieldType::Datetime | FieldType::Any
            )
        });
        if !temporal_ok {
            cx.wrong_type("date and timestamp columns");
        }
        if let Err(e) = IsoDuration::parse(&self.max_age) {
            cx.error(
                "/maxAge",
                "duration",
                e,
                Some("e.g. `P2D` (two days) or `PT6H` (six hours)".into()),
            );
        }
    }
}
