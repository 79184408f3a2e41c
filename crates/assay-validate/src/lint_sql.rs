//! The part of `assay lint` that needs DataFusion: every `expression` check's SQL is planned
//! against the resource's declared schema, so a misspelt column or a type error is a manifest
//! error (exit 2) found before any data is read, not an unreadable-data error at validation.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field as ArrowField, Fields, Schema, TimeUnit as ArrowUnit};
use assay_model::LoadedManifest;
use assay_model::check::CheckKind;
use assay_model::lint::{Diagnostic, DiagnosticSeverity, did_you_mean};
use assay_model::manifest::{Field, FieldType};

use crate::conformance::unit_of;

/// The Arrow type a declared field stands for, as `validate` would read it; `None` for types
/// that admit several (`any`), which cannot be planned without the data.
fn declared_type(f: &Field) -> Option<DataType> {
    let unit = |default: ArrowUnit| f.unit.map(unit_of).unwrap_or(default);
    Some(match f.field_type {
        FieldType::Any => return None,
        FieldType::Bool | FieldType::Boolean => DataType::Boolean,
        FieldType::Int8 => DataType::Int8,
        FieldType::Int16 => DataType::Int16,
        FieldType::Int32 => DataType::Int32,
        FieldType::Int64 | FieldType::Integer => DataType::Int64,
        FieldType::Uint8 => DataType::UInt8,
        FieldType::Uint16 => DataType::UInt16,
        FieldType::Uint32 => DataType::UInt32,
        FieldType::Uint64 => DataType::UInt64,
        FieldType::Float16 => DataType::Float16,
        FieldType::Float32 => DataType::Float32,
        FieldType::Float64 | FieldType::Number => DataType::Float64,
        FieldType::Decimal => {
            DataType::Decimal128(f.precision.unwrap_or(38).min(38), f.scale.unwrap_or(0))
        }
        FieldType::String => DataType::Utf8,
        FieldType::LargeString => DataType::LargeUtf8,
        FieldType::Binary => DataType::Binary,
        FieldType::Date => DataType::Date32,
        FieldType::Time => match unit(ArrowUnit::Microsecond) {
            u @ (ArrowUnit::Second | ArrowUnit::Millisecond) => DataType::Time32(u),
            u => DataType::Time64(u),
        },
        FieldType::Duration => DataType::Duration(unit(ArrowUnit::Microsecond)),
        FieldType::Timestamp => DataType::Timestamp(
            unit(ArrowUnit::Microsecond),
            f.timezone.as_deref().map(Arc::from),
        ),
        // Any timestamp: planned as one (unit and zone do not change what SQL can say).
        FieldType::Datetime => DataType::Timestamp(
            unit(ArrowUnit::Microsecond),
            f.timezone.as_deref().map(Arc::from),
        ),
        FieldType::List | FieldType::Array => {
            let item = declared_type(f.items.as_deref()?)?;
            DataType::List(Arc::new(ArrowField::new("item", item, true)))
        }
        FieldType::Struct | FieldType::Object => {
            let children: Option<Vec<ArrowField>> = f
                .fields
                .as_deref()?
                .iter()
                .map(|c| declared_type(c).map(|t| ArrowField::new(&c.name, t, true)))
                .collect();
            DataType::Struct(Fields::from(children?))
        }
    })
}

/// The Arrow schema a resource's declared columns stand for; `None` when a column is of type
/// `any` (planned at validation, against the file).
pub(crate) fn declared_schema(r: &assay_model::Resource) -> Option<Schema> {
    let fields: Option<Vec<ArrowField>> = r
        .schema
        .fields
        .iter()
        .map(|f| declared_type(f).map(|t| ArrowField::new(&f.name, t, true)))
        .collect();
    fields.map(Schema::new)
}

/// Adds to each linted manifest the diagnostics of its SQL ([`expression_diagnostics`]), and
/// sorts them by place: what `assay lint` reports.
pub fn complete(results: &mut [assay_model::lint::LintResult]) {
    for r in results {
        if let Some(loaded) = &r.loaded {
            r.diagnostics.extend(expression_diagnostics(loaded));
            r.diagnostics
                .sort_by(|a, b| (a.line, a.column, a.code).cmp(&(b.line, b.column, b.code)));
        }
    }
}

/// Diagnostics for the `expression` checks of a manifest that do not plan against the declared
/// schema: unknown columns (with a "did you mean"), unknown functions, type errors. The same for
/// the filters of a training set's splits (`ml.splits.*.filter`), which must also be boolean.
pub fn expression_diagnostics(loaded: &LoadedManifest) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(ml) = &loaded.manifest.ml {
        for (name, split) in ml.splits.declared() {
            let Some(sql) = split.filter() else { continue };
            let Some(r) = loaded
                .manifest
                .resources
                .iter()
                .find(|r| r.name == split.resource())
            else {
                // An unknown resource is the model's lint (`unknown-resource`).
                continue;
            };
            let Some(schema) = declared_schema(r) else {
                continue;
            };
            let columns: Vec<&str> = r.schema.fields.iter().map(|f| f.name.as_str()).collect();
            let problem = match crate::checks::expression::plan(sql, &schema) {
                Err(e) => Some((e.to_string(), true)),
                // The expression's columns index the schema of the columns it reads.
                Ok((names, expr)) => match expr.data_type(&Schema::new(
                    names
                        .iter()
                        .filter_map(|n| schema.field_with_name(n).ok().cloned())
                        .collect::<Vec<_>>(),
                )) {
                    Ok(DataType::Boolean) => None,
                    Ok(t) => Some((format!("it is {t}, not a boolean"), false)),
                    Err(e) => Some((e.to_string(), true)),
                },
            };
            let Some((message, planned)) = problem else {
                continue;
            };
            let pos = loaded.pos(&format!("/ml/splits/{}/filter", name.as_str()));
            let hint = unknown_column(&message)
                .and_then(|c| did_you_mean(&c, columns.iter().copied()))
                .map(|near| format!("did you mean `{near}`?"))
                .unwrap_or_else(|| {
                    if planned {
                        format!(
                            "the filter is planned by DataFusion against the columns of `{}`: {}",
                            r.name,
                            columns.join(", ")
                        )
                    } else {
                        "a filter keeps the rows where it is true, e.g. `fold = 1`".to_string()
                    }
                });
            out.push(Diagnostic {
                file: loaded.path.clone(),
                line: pos.line,
                column: pos.col,
                severity: DiagnosticSeverity::Error,
                code: "ml-filter",
                message: format!(
                    "the filter of the {} split cannot be used: {}",
                    name.as_str(),
                    first_line(&message)
                ),
                hint: Some(hint),
            });
        }
    }
    for (ri, r) in loaded.manifest.resources.iter().enumerate() {
        let columns: Vec<&str> = r.schema.fields.iter().map(|f| f.name.as_str()).collect();
        let mut schema: Option<Option<Schema>> = None;
        for (ci, c) in r.checks.iter().enumerate() {
            let CheckKind::Expression(e) = &c.kind else {
                continue;
            };
            let schema = schema.get_or_insert_with(|| declared_schema(r));
            let Some(schema) = schema.as_ref() else {
                // A column of type `any`: planned at validation, against the file.
                continue;
            };
            let Err(e) = crate::checks::expression::plan(&e.sql, schema) else {
                continue;
            };
            let message = e.to_string();
            let pointer = format!("/resources/{ri}/checks/{ci}/sql");
            let pos = loaded.pos(&pointer);
            let hint = unknown_column(&message)
                .and_then(|name| did_you_mean(&name, columns.iter().copied()))
                .map(|near| format!("did you mean `{near}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "the SQL is planned by DataFusion against the declared columns: {}",
                        columns.join(", ")
                    )
                });
            out.push(Diagnostic {
                file: loaded.path.clone(),
                line: pos.line,
                column: pos.col,
                severity: DiagnosticSeverity::Error,
                code: "expression-plan",
                message: format!(
                    "check `{}` cannot be planned: {}",
                    c.display_name(),
                    first_line(&message)
                ),
                hint: Some(hint),
            });
        }
    }
    out
}

/// The column named in DataFusion's "No field named …" error.
fn unknown_column(message: &str) -> Option<String> {
    let rest = message.split("No field named ").nth(1)?;
    let name: String = rest
        .trim_start_matches(['"', '`'])
        .chars()
        .take_while(|c| !matches!(c, '"' | '`' | '.' | ' ' | ','))
        .collect();
    (!name.is_empty()).then_some(name)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}
