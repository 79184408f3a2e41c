//! `rate_of_change`: consecutive values of a numeric column change by at most `max` — per
//! group, in `orderBy` order, per unit of time when `per` is given. It catches spikes and unit
//! slips that a range check misses (a reading that jumps from 62 to 143 within range).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::check::{Dimension, IsoDuration, Kind};
use crate::lint::CheckLint;
use crate::manifest::{FieldType, TypeFamily};

/// Consecutive values of `column` (per `by` group, in `orderBy` order, else file order) change
/// by at most `max`, or by at most `max` per `per` of `orderBy` time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateOfChange {
    /// The numeric column.
    pub column: String,
    /// Largest absolute change between consecutive rows (per `per`, when given).
    pub max: f64,
    /// Columns whose combination identifies a series (a machine, a sensor); consecutive means
    /// consecutive within one series.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by: Vec<String>,
    /// The column that orders each series (a timestamp, a sequence number); file order when
    /// omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    /// The time unit `max` is per (`1s`, `1min`, `1h`, `1d`, or an ISO 8601 duration such as
    /// `PT1M`); needs a date or timestamp `orderBy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
}

impl RateOfChange {
    /// `per` in seconds: `500ms`, `1s`, `5min`, `1h`, `1d`, or an ISO 8601 duration.
    pub fn per_seconds(&self) -> Option<Result<f64, String>> {
        self.per.as_deref().map(parse_per)
    }
}

/// Parses a time unit: a positive number with `ms`, `s`, `min`, `h` or `d`, or an ISO 8601
/// duration (`PT1M`).
pub fn parse_per(text: &str) -> Result<f64, String> {
    if text.starts_with('P') {
        return IsoDuration::parse(text).and_then(|d| {
            if d.seconds == 0 {
                Err(format!("`{text}` is zero"))
            } else {
                Ok(d.seconds as f64)
            }
        });
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: f64 = number
        .parse()
        .map_err(|_| format!("`{text}`: expected a number and a unit, e.g. `1s` or `5min`"))?;
    let scale = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        _ => {
            return Err(format!(
                "`{text}`: unknown unit `{unit}`; use ms, s, min, h or d"
            ));
        }
    };
    if !(n.is_finite() && n > 0.0) {
        return Err(format!("`{text}` must be above zero"));
    }
    Ok(n * scale)
}

impl Kind for RateOfChange {
    const DIMENSION: Dimension = Dimension::Accuracy;

    fn columns(&self) -> Vec<&str> {
        let mut out = vec![self.column.as_str()];
        out.extend(self.by.iter().map(String::as_str));
        out.extend(self.order_by.as_deref());
        out
    }

    fn column_refs(&self) -> Vec<(String, &str)> {
        let mut out = vec![("/column".to_string(), self.column.as_str())];
        for (i, b) in self.by.iter().enumerate() {
            out.push((format!("/by/{i}"), b.as_str()));
        }
        if let Some(o) = &self.order_by {
            out.push(("/orderBy".to_string(), o.as_str()));
        }
        out
    }

    fn lint(&self, cx: &mut CheckLint<'_, '_>) {
        if !matches!(
            cx.family(),
            TypeFamily::Integer | TypeFamily::Float | TypeFamily::Decimal | TypeFamily::Any
        ) {
            cx.wrong_type("numeric columns");
        }
        if !(self.max.is_finite() && self.max >= 0.0) {
            cx.error(
                "/max",
                "check-params",
                format!("`max` must be a number of at least 0, not {}", self.max),
                None,
            );
        }
        if self.by.contains(&self.column) || self.order_by.as_deref() == Some(self.column.as_str())
        {
            cx.error(
                "",
                "check-params",
                format!(
                    "`{}` is the measured column; it cannot also group or order the series",
                    self.column
                ),
                None,
            );
        }
        let order_type = self
            .order_by
            .as_deref()
            .and_then(|o| cx.declared(o))
            .map(|f| f.field_type);
        if let Some(t) = order_type
            && !t.family().is_ordered()
        {
            cx.error(
                "/orderBy",
                "check-type",
                format!(
                    "`orderBy` needs an ordered column; `{}` is `{}`",
                    self.order_by.as_deref().unwrap_or_default(),
                    t.as_str()
                ),
                None,
            );
        }
        match (self.per_seconds(), &self.order_by) {
            (Some(Err(e)), _) => cx.error(
                "/per",
                "duration",
                e,
                Some("e.g. `1s`, `1min`, `1h` or `PT1M`".into()),
            ),
            (Some(Ok(_)), None) => cx.error(
                "/per",
                "check-params",
                "`per` needs `orderBy`: a rate per unit of time is measured against a time column"
                    .into(),
                Some("add `orderBy: <timestamp column>`, or drop `per`".into()),
            ),
            (Some(Ok(_)), Some(o)) => {
                let temporal = order_type.is_none_or(|t| {
                    matches!(
                        t,
                        FieldType::Date
                            | FieldType::Timestamp
                            | FieldType::Datetime
                            | FieldType::Any
                    )
                });
                if !temporal {
                    cx.error(
                        "/orderBy",
                        "check-type",
                        format!("`per` needs a date or timestamp `orderBy`; `{o}` is not one"),
                        None,
                    );
                }
            }
            (None, _) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_per;

    #[test]
    fn time_units() {
        assert_eq!(parse_per("1s").unwrap(), 1.0);
        assert_eq!(parse_per("5min").unwrap(), 300.0);
        assert_eq!(parse_per("500ms").unwrap(), 0.5);
        assert_eq!(parse_per("PT1M").unwrap(), 60.0);
        assert_eq!(parse_per("1.5h").unwrap(), 5400.0);
        assert!(parse_per("1 fortnight").is_err());
        assert!(parse_per("0s").is_err());
        assert!(parse_per("PT0S").is_err());
        assert!(parse_per("s").is_err());
    }
}
