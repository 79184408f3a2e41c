//! Conversions both directions share: types, bounds, values, names and licenses.

use super::*;

/// What a Frictionless field `type` (with `format`, and `itemType` for v2 `list`) becomes.
pub(crate) fn map_type(
    raw: Option<&str>,
    format: Option<&str>,
    item_type: Option<&Value>,
    v2: bool,
) -> TypeMapping {
    let format = format.filter(|f| *f != "default");
    let mut m = TypeMapping {
        field_type: FieldType::Any,
        items: None,
        fields: None,
        type_note: None,
        format_note: None,
    };
    let text_format = |f: &str| {
        format!(
            "format `{f}` describes how text is written; Parquet values are typed, so it does not apply; not imported"
        )
    };
    let other_format = |f: &str| format!("format `{f}` has no manifest equivalent; not imported");
    match raw {
        None if v2 => m.field_type = FieldType::Any,
        None | Some("string") => {
            m.field_type = FieldType::String;
            match format {
                Some("binary") => {
                    m.field_type = FieldType::Binary;
                    m.format_note = Some(
                        "format `binary` (base64 text) read as type `binary`: Parquet stores the bytes themselves"
                            .into(),
                    );
                }
                Some(f @ ("email" | "uri" | "uuid")) => {
                    m.format_note = Some(format!(
                        "format `{f}` is not checked by Assay (add a `pattern` constraint to check it); not imported"
                    ));
                }
                Some(f) => m.format_note = Some(other_format(f)),
                None => {}
            }
        }
        Some("number") => {
            m.field_type = FieldType::Number;
            m.format_note = format.map(other_format);
        }
        Some("integer") => {
            m.field_type = FieldType::Integer;
            m.format_note = format.map(other_format);
        }
        Some("boolean") => {
            m.field_type = FieldType::Boolean;
            m.format_note = format.map(other_format);
        }
        Some(t @ ("date" | "time" | "datetime")) => {
            m.field_type = match t {
                "date" => FieldType::Date,
                "time" => FieldType::Time,
                _ => FieldType::Datetime,
            };
            m.format_note = format.map(text_format);
        }
        Some("year") => {
            m.field_type = FieldType::Integer;
            m.type_note = Some(
                "Frictionless `year` read as `integer` (a year number such as 2025); Assay has no year type"
                    .into(),
            );
        }
        Some("yearmonth") => {
            m.field_type = FieldType::String;
            m.type_note = Some(
                "Frictionless `yearmonth` read as `string` (text such as `2025-06`); Assay has no year-month type"
                    .into(),
            );
        }
        Some("duration") => {
            m.field_type = FieldType::Duration;
            m.type_note = Some(
                "Frictionless `duration` (ISO 8601 text, which may count months and years) read as `duration`, a fixed-length Arrow duration"
                    .into(),
            );
        }
        Some("geopoint") => match format {
            Some("array") => {
                m.field_type = FieldType::Array;
                m.items = Some(Box::new(plain_field("item".into(), FieldType::Number)));
                m.type_note = Some(
                    "Frictionless `geopoint` (format `array`) read as an `array` of numbers `[lon, lat]`; Assay has no point type"
                        .into(),
                );
            }
            Some("object") => {
                m.field_type = FieldType::Object;
                m.fields = Some(vec![
                    plain_field("lon".into(), FieldType::Number),
                    plain_field("lat".into(), FieldType::Number),
                ]);
                m.type_note = Some(
                    "Frictionless `geopoint` (format `object`) read as an `object` with number fields `lon` and `lat`; Assay has no point type"
                        .into(),
                );
            }
            _ => {
                m.field_type = FieldType::String;
                m.type_note = Some(
                    "Frictionless `geopoint` read as `string` (text `lon, lat`); Assay has no point type"
                        .into(),
                );
                m.format_note = format.map(other_format);
            }
        },
        Some("geojson") => {
            m.field_type = FieldType::String;
            m.type_note = Some(
                "Frictionless `geojson` read as `string` (GeoJSON text); a GeoParquet geometry column (WKB) would be `binary`"
                    .into(),
            );
            m.format_note = format.map(other_format);
        }
        Some("object") => {
            m.field_type = FieldType::Object;
            m.format_note = format.map(other_format);
        }
        Some("array") => {
            m.field_type = FieldType::Array;
            m.format_note = format.map(other_format);
        }
        Some("list") => {
            m.field_type = FieldType::Array;
            let item = item_type.and_then(Value::as_str).unwrap_or("string");
            let item_mapping = map_type(Some(item), None, None, true);
            m.items = Some(Box::new(plain_field(
                "item".into(),
                item_mapping.field_type,
            )));
            m.type_note = Some(format!(
                "Frictionless `list` (delimited text) read as an `array` of `{}`",
                item_mapping.field_type.as_str()
            ));
            m.format_note = format.map(other_format);
        }
        Some("any") => m.field_type = FieldType::Any,
        Some(other) => {
            m.field_type = FieldType::Any;
            m.type_note = Some(format!(
                "`{other}` is not a Frictionless type; read as `any`"
            ));
        }
    }
    m
}

/// A bound converted to what the manifest expects for type `t`.
pub(crate) fn bound_for(t: FieldType, v: &Value) -> Result<Scalar, String> {
    let family = t.family();
    let shown = render(v);
    match (family, v) {
        (f, _) if !f.is_ordered() => Err(format!(
            "does not apply to `{}` columns, which have no order",
            t.as_str()
        )),
        (TypeFamily::Integer | TypeFamily::Float | TypeFamily::Decimal, _) => number(v)
            .map(Scalar::Number)
            .ok_or_else(|| format!("{shown} is not a number")),
        (TypeFamily::Temporal, Value::String(s)) => {
            let ok = if t == FieldType::Time {
                is_iso_time(s)
            } else {
                assay_model::lint::is_iso_datetime(s)
            };
            if ok {
                Ok(Scalar::Text(s.clone()))
            } else {
                Err(format!(
                    "{shown} is not an ISO 8601 {}",
                    if t == FieldType::Time {
                        "time"
                    } else {
                        "date or date-time"
                    }
                ))
            }
        }
        (TypeFamily::Duration, Value::Number(n)) => Ok(Scalar::Number(n.clone())),
        (TypeFamily::Duration, Value::String(s)) => IsoDuration::parse(s)
            .map(|_| Scalar::Text(s.clone()))
            .map_err(|_| {
                format!("{shown} is not a fixed-length ISO 8601 duration (weeks, days, hours, minutes, seconds)")
            }),
        (TypeFamily::String, Value::String(s)) => Ok(Scalar::Text(s.clone())),
        (TypeFamily::Any, Value::String(s)) => Ok(Scalar::Text(s.clone())),
        (TypeFamily::Any, Value::Number(n)) => Ok(Scalar::Number(n.clone())),
        (TypeFamily::Any, Value::Bool(b)) => Ok(Scalar::Bool(*b)),
        _ => Err(format!("{shown} does not fit a `{}` column", t.as_str())),
    }
}

/// An `enum` value converted to what the manifest expects for type `t`.
pub(crate) fn value_for(t: FieldType, v: &Value) -> Result<Scalar, String> {
    let shown = render(v);
    match (t.family(), v) {
        (TypeFamily::Binary | TypeFamily::List | TypeFamily::Struct, _) => Err(format!(
            "{shown}: Assay has no `enum` for `{}` columns",
            t.as_str()
        )),
        (TypeFamily::Boolean, Value::Bool(b)) => Ok(Scalar::Bool(*b)),
        (TypeFamily::Boolean, Value::String(s)) if s == "true" || s == "false" => {
            Ok(Scalar::Bool(s == "true"))
        }
        (TypeFamily::Integer, _) => match number(v) {
            Some(n) if n.is_i64() || n.is_u64() => Ok(Scalar::Number(n)),
            _ => Err(format!("{shown} is not a whole number")),
        },
        (TypeFamily::Float | TypeFamily::Decimal, _) => number(v)
            .map(Scalar::Number)
            .ok_or_else(|| format!("{shown} is not a number")),
        (TypeFamily::String | TypeFamily::Any, Value::String(s)) => Ok(Scalar::Text(s.clone())),
        (TypeFamily::String | TypeFamily::Any, Value::Number(n)) => Ok(Scalar::Number(n.clone())),
        (TypeFamily::String | TypeFamily::Any, Value::Bool(b)) => Ok(Scalar::Bool(*b)),
        (TypeFamily::Temporal | TypeFamily::Duration, _) => bound_for(t, v),
        _ => Err(format!("{shown} is not a `{}` value", t.as_str())),
    }
}

/// A number, or text that spells one (Frictionless v2 allows bounds as text).
pub(crate) fn number(v: &Value) -> Option<Number> {
    match v {
        Value::Number(n) => Some(n.clone()),
        Value::String(s) => {
            let s = s.trim();
            if let Ok(i) = s.parse::<i64>() {
                Some(i.into())
            } else if let Ok(u) = s.parse::<u64>() {
                Some(u.into())
            } else {
                s.parse::<f64>().ok().and_then(Number::from_f64)
            }
        }
        _ => None,
    }
}

pub(crate) fn is_iso_time(s: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?$")
            .expect("static regex compiles")
    })
    .is_match(s)
}

/// Fills the constraints `into` lacks from `from`.
pub(crate) fn merge_constraints(into: &mut Constraints, from: Constraints) {
    let Constraints {
        required,
        unique,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        min_length,
        max_length,
        pattern,
        enum_values,
    } = from;
    into.required = into.required.or(required);
    into.unique = into.unique.or(unique);
    into.minimum = into.minimum.take().or(minimum);
    into.maximum = into.maximum.take().or(maximum);
    into.exclusive_minimum = into.exclusive_minimum.take().or(exclusive_minimum);
    into.exclusive_maximum = into.exclusive_maximum.take().or(exclusive_maximum);
    into.min_length = into.min_length.or(min_length);
    into.max_length = into.max_length.or(max_length);
    into.pattern = into.pattern.take().or(pattern);
    into.enum_values = into.enum_values.take().or(enum_values);
}

/// Joins the licenses [`export`] split from one SPDX expression back into it.
pub(crate) fn merge_license_expressions(licenses: Vec<(License, Option<String>)>) -> Vec<License> {
    let mut out: Vec<License> = Vec::new();
    let mut last_expression: Option<String> = None;
    for (license, expression) in licenses {
        match expression {
            Some(e) if last_expression.as_deref() == Some(e.as_str()) => {}
            Some(e) => {
                out.push(License {
                    name: e.clone(),
                    ..license
                });
                last_expression = Some(e);
            }
            None => {
                out.push(license);
                last_expression = None;
            }
        }
    }
    out
}

pub(crate) fn is_parquet_media_type(m: &str) -> bool {
    matches!(
        m.to_ascii_lowercase().as_str(),
        PARQUET_MEDIA_TYPE | "application/x-parquet" | "application/parquet"
    )
}

/// True for a dataset or resource name: `^[a-z0-9][a-z0-9._-]*$`, 1 to 128 characters.
pub(crate) fn is_machine_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 128
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
}

/// Lowercases, turns runs of other characters into `-`, and trims to a valid machine name
/// (empty when nothing usable is left, e.g. for a name in Chinese).
pub(crate) fn sanitize_name(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() || "._".contains(c) {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .trim_end_matches('-');
    trimmed.chars().take(128).collect()
}

/// `LicenseRef-` and `name` reduced to the characters an SPDX license reference allows.
pub(crate) fn license_ref(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let id = id.trim_matches('-');
    format!("LicenseRef-{}", if id.is_empty() { "Unnamed" } else { id })
}

pub(crate) fn plain_field(name: String, field_type: FieldType) -> Field {
    Field {
        name,
        field_type,
        precision: None,
        scale: None,
        unit: None,
        timezone: None,
        items: None,
        fields: None,
        title: None,
        description: None,
        unit_of_measure: None,
        classification: None,
        personal: false,
        constraints: Constraints::default(),
    }
}

pub(crate) fn pointer(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_pointer_token(token))
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A short rendering of a value for a note: scalars as JSON, containers by kind.
pub(crate) fn render(v: &Value) -> String {
    match v {
        Value::Array(_) | Value::Object(_) => json_kind(v).to_string(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/// The Frictionless type (and `format`) a manifest type is exported as.
pub(crate) fn frictionless_type(t: FieldType) -> (&'static str, Option<&'static str>) {
    use FieldType::*;
    match t {
        Bool | Boolean => ("boolean", None),
        Int8 | Int16 | Int32 | Int64 | Uint8 | Uint16 | Uint32 | Uint64 | Integer => {
            ("integer", None)
        }
        Float16 | Float32 | Float64 | Decimal | Number => ("number", None),
        String | LargeString => ("string", None),
        Binary => ("string", Some("binary")),
        Date => ("date", None),
        Time => ("time", None),
        Timestamp | Datetime => ("datetime", None),
        Duration => ("duration", None),
        List | Array => ("array", None),
        Struct | Object => ("object", None),
        Any => ("any", None),
    }
}

/// Characters a Frictionless license `name` may hold (the v2 profile's pattern).
pub(crate) fn is_open_definition_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c))
}
