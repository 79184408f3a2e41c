//! Value rules shared by constraints and checks: bounds and values that fit a column type,
//! ISO 8601 shapes, e-mail shapes.

use std::sync::OnceLock;

use crate::check::IsoDuration;
use crate::manifest::{FieldType, TypeFamily};
use crate::scalar::Scalar;

pub(crate) fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        _ => false,
    }
}

fn iso_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$",
        )
        .expect("static regex compiles")
    })
}

/// True for `YYYY-MM-DD` with an optional `THH:MM[:SS[.fff]][Z|±HH:MM]`.
pub fn is_iso_datetime(s: &str) -> bool {
    iso_re().is_match(s)
}

pub(crate) fn is_iso_time(s: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?$")
            .expect("static regex compiles")
    })
    .is_match(s)
}

pub(crate) fn is_timezone(tz: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^(UTC|Z|[+-]\d{2}:\d{2}|[A-Za-z_]+(/[A-Za-z0-9_+-]+)+|[A-Z]{3,5})$")
            .expect("static regex compiles")
    })
    .is_match(tz)
}

pub(crate) fn int_bounds(t: FieldType) -> Option<(f64, f64)> {
    Some(match t {
        FieldType::Int8 => (i8::MIN as f64, i8::MAX as f64),
        FieldType::Int16 => (i16::MIN as f64, i16::MAX as f64),
        FieldType::Int32 => (i32::MIN as f64, i32::MAX as f64),
        FieldType::Int64 => (i64::MIN as f64, i64::MAX as f64),
        FieldType::Uint8 => (0.0, u8::MAX as f64),
        FieldType::Uint16 => (0.0, u16::MAX as f64),
        FieldType::Uint32 => (0.0, u32::MAX as f64),
        FieldType::Uint64 => (0.0, u64::MAX as f64),
        _ => return None,
    })
}

/// Can a bound (`minimum`, `max` …) be compared with values of type `t`?
pub(crate) fn bound_fits(t: FieldType, b: &Scalar) -> Result<(), String> {
    let family = t.family();
    match (family, b) {
        (TypeFamily::Integer | TypeFamily::Float | TypeFamily::Decimal, Scalar::Number(n)) => {
            if let (Some((lo, hi)), Some(v)) = (int_bounds(t), n.as_f64())
                && (v < lo || v > hi)
            {
                return Err(format!(
                    "{n} is outside the range of `{}` ({lo} to {hi})",
                    t.as_str()
                ));
            }
            Ok(())
        }
        (TypeFamily::Duration, Scalar::Number(_)) => Ok(()),
        (TypeFamily::Duration, Scalar::Text(s)) if IsoDuration::parse(s).is_ok() => Ok(()),
        (TypeFamily::Temporal, Scalar::Text(s)) => {
            let ok = match t {
                FieldType::Time => is_iso_time(s),
                _ => is_iso_datetime(s),
            };
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "`{s}` is not an ISO 8601 {} for a `{}` column",
                    if t == FieldType::Time {
                        "time"
                    } else {
                        "date or date-time"
                    },
                    t.as_str()
                ))
            }
        }
        (TypeFamily::String | TypeFamily::Any, Scalar::Text(_)) | (TypeFamily::Any, _) => Ok(()),
        (f, v) if !f.is_ordered() => Err(format!(
            "{v} cannot bound a `{}` column: it has no order",
            t.as_str()
        )),
        (_, v) => Err(format!("{v} does not fit a `{}` column", t.as_str())),
    }
}

/// Can `v` be a value of a column of type `t`?
pub(crate) fn value_fits(t: FieldType, v: &Scalar) -> Result<(), String> {
    match (t.family(), v) {
        (TypeFamily::Boolean, Scalar::Bool(_))
        | (TypeFamily::String | TypeFamily::Any, _)
        | (TypeFamily::Float | TypeFamily::Decimal, Scalar::Number(_)) => Ok(()),
        (TypeFamily::Integer, Scalar::Number(n)) if n.is_i64() || n.is_u64() => bound_fits(t, v),
        (TypeFamily::Temporal | TypeFamily::Duration, Scalar::Text(_))
        | (TypeFamily::Duration, Scalar::Number(_)) => bound_fits(t, v),
        (_, v) => Err(format!("{v} is not a `{}` value", t.as_str())),
    }
}

pub(crate) fn scalar_gt(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Number(x), Scalar::Number(y)) => x.as_f64() > y.as_f64(),
        (Scalar::Text(x), Scalar::Text(y)) => x > y,
        _ => false,
    }
}

pub(crate) fn scalar_eq(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Number(x), Scalar::Number(y)) => x.as_f64() == y.as_f64(),
        (Scalar::Text(x), Scalar::Text(y)) => x == y,
        (Scalar::Bool(x), Scalar::Bool(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::did_you_mean;

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["column", "severity", "mostly"];
        assert_eq!(did_you_mean("colum", keys.iter().copied()), Some("column"));
        assert_eq!(
            did_you_mean("severty", keys.iter().copied()),
            Some("severity")
        );
        assert_eq!(did_you_mean("banana", keys.iter().copied()), None);
    }

    #[test]
    fn iso_and_email_shapes() {
        assert!(is_iso_datetime("2025-01-01"));
        assert!(is_iso_datetime("2025-01-01T08:00:00+08:00"));
        assert!(!is_iso_datetime("2025-13-01"));
        assert!(looks_like_email("cdo@example.com"));
        assert!(!looks_like_email("cdo@example"));
        assert!(!looks_like_email("a b@example.com"));
    }

    #[test]
    fn bounds_fit_types() {
        let n = |x: i64| Scalar::Number(x.into());
        assert!(bound_fits(FieldType::Int8, &n(100)).is_ok());
        assert!(bound_fits(FieldType::Int8, &n(1000)).is_err());
        assert!(bound_fits(FieldType::Bool, &n(1)).is_err());
        assert!(bound_fits(FieldType::Date, &Scalar::Text("2025-01-01".into())).is_ok());
        assert!(bound_fits(FieldType::Date, &Scalar::Text("yesterday".into())).is_err());
        assert!(value_fits(FieldType::Int32, &Scalar::Text("x".into())).is_err());
        assert!(value_fits(FieldType::String, &Scalar::Text("NO".into())).is_ok());
    }
}
