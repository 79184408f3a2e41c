//! Schema conformance from the Parquet footer: does a file's Arrow schema match the declared
//! fields, under `fieldsMatch`, down to decimal precision/scale, timestamp unit/zone and nesting?

use arrow::datatypes::{DataType, Field as ArrowField, Schema, TimeUnit as ArrowUnit};
use assay_model::manifest::{Field, FieldType, FieldsMatch, TimeUnit};

/// One conformance problem of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    /// The column it concerns (dotted for nested fields).
    pub column: String,
    /// What is wrong.
    pub message: String,
}

/// Compares a file's schema with the declared fields.
pub fn check(schema: &Schema, fields: &[Field], fields_match: FieldsMatch) -> Vec<SchemaProblem> {
    let mut problems = Vec::new();
    let file_names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let declared: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    let missing: Vec<&str> = declared
        .iter()
        .copied()
        .filter(|d| !file_names.contains(d))
        .collect();
    let extra: Vec<&str> = file_names
        .iter()
        .copied()
        .filter(|f| !declared.contains(f))
        .collect();
    let missing_is_error = matches!(
        fields_match,
        FieldsMatch::Exact | FieldsMatch::Equal | FieldsMatch::Subset
    );
    let extra_is_error = matches!(
        fields_match,
        FieldsMatch::Exact | FieldsMatch::Equal | FieldsMatch::Superset
    );
    if missing_is_error {
        for m in &missing {
            problems.push(SchemaProblem {
                column: m.to_string(),
                message: format!(
                    "column `{m}` is declared but missing from the file (fieldsMatch: {})",
                    fields_match.as_str()
                ),
            });
        }
    }
    if extra_is_error {
        for e in &extra {
            problems.push(SchemaProblem {
                column: e.to_string(),
                message: format!(
                    "column `{e}` is in the file but not declared (fieldsMatch: {})",
                    fields_match.as_str()
                ),
            });
        }
    }
    if fields_match == FieldsMatch::Partial && missing.len() == declared.len() {
        problems.push(SchemaProblem {
            column: String::new(),
            message: "none of the declared columns is in the file (fieldsMatch: partial)".into(),
        });
    }
    if fields_match == FieldsMatch::Exact && missing.is_empty() && extra.is_empty() {
        let order_ok = file_names.iter().zip(&declared).all(|(a, b)| a == b);
        if !order_ok {
            problems.push(SchemaProblem {
                column: String::new(),
                message: format!(
                    "columns are in a different order: file has [{}], declared [{}] (fieldsMatch: exact)",
                    file_names.join(", "),
                    declared.join(", ")
                ),
            });
        }
    }
    for f in fields {
        if let Some((_, af)) = schema.column_with_name(&f.name) {
            type_problems(&f.name, f, af, false, &mut problems);
        }
    }
    problems
}

fn type_problems(
    path: &str,
    f: &Field,
    af: &ArrowField,
    nested: bool,
    out: &mut Vec<SchemaProblem>,
) {
    if let Err(message) = type_matches(f, af.data_type()) {
        out.push(SchemaProblem {
            column: path.to_string(),
            message,
        });
        return;
    }
    // Top-level columns are checked for nulls in the data (`not_null`); below the top level
    // (list items, struct fields) `required` is checked against the schema's nullability.
    if nested && f.constraints.required == Some(true) && af.is_nullable() {
        out.push(SchemaProblem {
            column: path.to_string(),
            message: format!(
                "`{path}` is declared required, but the file's schema allows nulls there"
            ),
        });
    }
    // Nested: list items and struct children.
    let dt = value_type(af.data_type());
    match (f.field_type, dt) {
        (
            FieldType::List | FieldType::Array,
            DataType::List(item) | DataType::LargeList(item) | DataType::FixedSizeList(item, _),
        ) => {
            if let Some(items) = &f.items {
                type_problems(&format!("{path}[]"), items, item, true, out);
            }
        }
        (FieldType::Struct | FieldType::Object, DataType::Struct(children)) => {
            if let Some(declared) = &f.fields {
                for d in declared {
                    match children.iter().find(|c| c.name() == &d.name) {
                        Some(c) => type_problems(&format!("{path}.{}", d.name), d, c, true, out),
                        None => out.push(SchemaProblem {
                            column: format!("{path}.{}", d.name),
                            message: format!(
                                "struct field `{path}.{}` is declared but missing from the file",
                                d.name
                            ),
                        }),
                    }
                }
                for c in children.iter() {
                    if !declared.iter().any(|d| &d.name == c.name()) {
                        out.push(SchemaProblem {
                            column: format!("{path}.{}", c.name()),
                            message: format!(
                                "struct field `{path}.{}` is in the file but not declared",
                                c.name()
                            ),
                        });
                    }
                }
            }
        }
        _ => {}
    }
}

/// A dictionary-encoded column is checked as its value type.
pub fn value_type(dt: &DataType) -> &DataType {
    match dt {
        DataType::Dictionary(_, v) => value_type(v),
        other => other,
    }
}

pub(crate) fn unit_of(u: TimeUnit) -> ArrowUnit {
    match u {
        TimeUnit::S => ArrowUnit::Second,
        TimeUnit::Ms => ArrowUnit::Millisecond,
        TimeUnit::Us => ArrowUnit::Microsecond,
        TimeUnit::Ns => ArrowUnit::Nanosecond,
    }
}

fn unit_name(u: &ArrowUnit) -> &'static str {
    match u {
        ArrowUnit::Second => "s",
        ArrowUnit::Millisecond => "ms",
        ArrowUnit::Microsecond => "us",
        ArrowUnit::Nanosecond => "ns",
    }
}

/// A short manifest-style spelling of an Arrow type, for messages.
pub fn describe(dt: &DataType) -> String {
    match value_type(dt) {
        DataType::Boolean => "bool".into(),
        DataType::Int8 => "int8".into(),
        DataType::Int16 => "int16".into(),
        DataType::Int32 => "int32".into(),
        DataType::Int64 => "int64".into(),
        DataType::UInt8 => "uint8".into(),
        DataType::UInt16 => "uint16".into(),
        DataType::UInt32 => "uint32".into(),
        DataType::UInt64 => "uint64".into(),
        DataType::Float16 => "float16".into(),
        DataType::Float32 => "float32".into(),
        DataType::Float64 => "float64".into(),
        DataType::Utf8 | DataType::Utf8View => "string".into(),
        DataType::LargeUtf8 => "large_string".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "binary".into(),
        DataType::FixedSizeBinary(n) => format!("fixed_size_binary({n})"),
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Time32(u) | DataType::Time64(u) => format!("time[{}]", unit_name(u)),
        DataType::Timestamp(u, tz) => match tz {
            Some(tz) => format!("timestamp[{}, {tz}]", unit_name(u)),
            None => format!("timestamp[{}]", unit_name(u)),
        },
        DataType::Duration(u) => format!("duration[{}]", unit_name(u)),
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s) => format!("decimal({p},{s})"),
        DataType::List(i) | DataType::LargeList(i) | DataType::FixedSizeList(i, _) => {
            format!("list<{}>", describe(i.data_type()))
        }
        DataType::Struct(_) => "struct".into(),
        other => other.to_string(),
    }
}

fn type_matches(f: &Field, dt: &DataType) -> Result<(), String> {
    let dt = value_type(dt);
    let ok = match f.field_type {
        FieldType::Any => true,
        FieldType::Bool | FieldType::Boolean => matches!(dt, DataType::Boolean),
        FieldType::Int8 => matches!(dt, DataType::Int8),
        FieldType::Int16 => matches!(dt, DataType::Int16),
        FieldType::Int32 => matches!(dt, DataType::Int32),
        FieldType::Int64 => matches!(dt, DataType::Int64),
        FieldType::Uint8 => matches!(dt, DataType::UInt8),
        FieldType::Uint16 => matches!(dt, DataType::UInt16),
        FieldType::Uint32 => matches!(dt, DataType::UInt32),
        FieldType::Uint64 => matches!(dt, DataType::UInt64),
        FieldType::Integer => dt.is_integer(),
        FieldType::Float16 => matches!(dt, DataType::Float16),
        FieldType::Float32 => matches!(dt, DataType::Float32),
        FieldType::Float64 => matches!(dt, DataType::Float64),
        FieldType::Number => dt.is_floating() || is_decimal(dt),
        FieldType::Decimal => match decimal_ps(dt) {
            Some((p, s)) => {
                let want_p = f.precision.unwrap_or(p);
                let want_s = f.scale.unwrap_or(0);
                if (p, s) != (want_p, want_s) {
                    return Err(format!(
                        "column `{}` is decimal({p},{s}); declared decimal({want_p},{want_s})",
                        f.name
                    ));
                }
                true
            }
            None => false,
        },
        // pandas and pyarrow write `large_string`; the values are the same text.
        FieldType::String => matches!(
            dt,
            DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8
        ),
        FieldType::LargeString => matches!(dt, DataType::LargeUtf8),
        FieldType::Binary => matches!(
            dt,
            DataType::Binary
                | DataType::LargeBinary
                | DataType::BinaryView
                | DataType::FixedSizeBinary(_)
        ),
        FieldType::Date => matches!(dt, DataType::Date32 | DataType::Date64),
        FieldType::Time => match dt {
            DataType::Time32(u) | DataType::Time64(u) => {
                f.unit.is_none_or(|want| unit_of(want) == *u)
            }
            _ => false,
        },
        FieldType::Duration => match dt {
            DataType::Duration(u) => f.unit.is_none_or(|want| unit_of(want) == *u),
            _ => false,
        },
        FieldType::Timestamp => match dt {
            DataType::Timestamp(u, tz) => {
                if let Some(want) = f.unit
                    && unit_of(want) != *u
                {
                    return Err(format!(
                        "column `{}` is {}; declared unit `{}`",
                        f.name,
                        describe(dt),
                        want.as_str()
                    ));
                }
                let same_zone = match (&f.timezone, tz) {
                    (None, None) => true,
                    (Some(a), Some(b)) => same_timezone(a, b),
                    _ => false,
                };
                if !same_zone {
                    return Err(format!(
                        "column `{}` is {}; declared timezone {}",
                        f.name,
                        describe(dt),
                        f.timezone
                            .as_deref()
                            .map(|z| format!("`{z}`"))
                            .unwrap_or_else(|| "none (naive local time)".into())
                    ));
                }
                true
            }
            _ => false,
        },
        FieldType::Datetime => matches!(dt, DataType::Timestamp(_, _)),
        FieldType::List => matches!(
            dt,
            DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _)
        ),
        FieldType::Array => matches!(
            dt,
            DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _)
        ),
        FieldType::Struct | FieldType::Object => matches!(dt, DataType::Struct(_)),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "column `{}` is {} in the file; declared `{}`",
            f.name,
            describe(dt),
            declared(f)
        ))
    }
}

fn declared(f: &Field) -> String {
    match f.field_type {
        FieldType::Decimal => format!(
            "decimal({},{})",
            f.precision.unwrap_or(0),
            f.scale.unwrap_or(0)
        ),
        FieldType::Timestamp => {
            let mut s = "timestamp".to_string();
            if let Some(u) = f.unit {
                s.push_str(&format!("[{}", u.as_str()));
                if let Some(tz) = &f.timezone {
                    s.push_str(&format!(", {tz}"));
                }
                s.push(']');
            }
            s
        }
        t => t.as_str().to_string(),
    }
}

fn same_timezone(a: &str, b: &str) -> bool {
    let norm = |z: &str| match z {
        "Z" | "UTC" | "+00:00" | "Etc/UTC" | "utc" => "UTC".to_string(),
        other => other.to_string(),
    };
    norm(a) == norm(b)
}

fn is_decimal(dt: &DataType) -> bool {
    decimal_ps(dt).is_some()
}

fn decimal_ps(dt: &DataType) -> Option<(u8, i8)> {
    match dt {
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s) => Some((*p, *s)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(yaml: serde_json::Value) -> Field {
        serde_json::from_value(yaml).unwrap()
    }

    #[test]
    fn types_units_zones_and_decimals() {
        let ts = field(
            serde_json::json!({"name": "ts", "type": "timestamp", "unit": "us", "timezone": "UTC"}),
        );
        assert!(
            type_matches(
                &ts,
                &DataType::Timestamp(ArrowUnit::Microsecond, Some("UTC".into()))
            )
            .is_ok()
        );
        assert!(
            type_matches(
                &ts,
                &DataType::Timestamp(ArrowUnit::Millisecond, Some("UTC".into()))
            )
            .is_err()
        );
        assert!(type_matches(&ts, &DataType::Timestamp(ArrowUnit::Microsecond, None)).is_err());
        let d =
            field(serde_json::json!({"name": "d", "type": "decimal", "precision": 14, "scale": 3}));
        assert!(type_matches(&d, &DataType::Decimal128(14, 3)).is_ok());
        assert!(type_matches(&d, &DataType::Decimal128(14, 2)).is_err());
        let s = field(serde_json::json!({"name": "s", "type": "string"}));
        let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        assert!(
            type_matches(&s, &dict).is_ok(),
            "dictionary accepted as its value type"
        );
        let n = field(serde_json::json!({"name": "n", "type": "number"}));
        assert!(type_matches(&n, &DataType::Decimal128(7, 2)).is_ok());
        assert!(type_matches(&n, &DataType::Int32).is_err());
    }

    #[test]
    fn nullability_below_the_top_level() {
        use arrow::datatypes::Fields;
        let declared = field(serde_json::json!({
            "name": "s", "type": "struct",
            "fields": [{"name": "a", "type": "int64", "constraints": {"required": true}}]
        }));
        let file = |nullable: bool| {
            Schema::new(vec![ArrowField::new(
                "s",
                DataType::Struct(Fields::from(vec![ArrowField::new(
                    "a",
                    DataType::Int64,
                    nullable,
                )])),
                true,
            )])
        };
        let problems = check(
            &file(true),
            std::slice::from_ref(&declared),
            FieldsMatch::Exact,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].column, "s.a");
        assert!(check(&file(false), &[declared], FieldsMatch::Exact).is_empty());
    }

    #[test]
    fn fields_match_modes() {
        let schema = Schema::new(vec![
            ArrowField::new("a", DataType::Int64, true),
            ArrowField::new("extra", DataType::Int64, true),
        ]);
        let fields = vec![
            field(serde_json::json!({"name": "a", "type": "int64"})),
            field(serde_json::json!({"name": "b", "type": "int64"})),
        ];
        assert_eq!(check(&schema, &fields, FieldsMatch::Exact).len(), 2);
        assert_eq!(check(&schema, &fields, FieldsMatch::Subset).len(), 1);
        assert_eq!(check(&schema, &fields, FieldsMatch::Superset).len(), 1);
        assert_eq!(check(&schema, &fields, FieldsMatch::Partial).len(), 0);
    }
}
