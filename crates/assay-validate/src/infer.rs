//! Declared fields inferred from a Parquet file's Arrow schema: the exact manifest spelling of
//! what the file holds. Used to validate arbitrary files and to draft manifests.

use std::path::Path;

use arrow::datatypes::{DataType, Field as ArrowField, TimeUnit as ArrowUnit};
use assay_model::manifest::{Constraints, Field, FieldType, TimeUnit};
use parquet::arrow::arrow_reader::ArrowReaderMetadata;

/// Reads only the footer of `path` and returns the declared fields matching it exactly.
pub fn infer_fields_from_file(path: &Path) -> Result<Vec<Field>, String> {
    let file = crate::source::Source::open_path(path)?;
    let meta = ArrowReaderMetadata::load(&file, Default::default())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(infer_fields(meta.schema().fields()))
}

/// Declared fields for Arrow fields.
pub fn infer_fields<'a>(
    fields: impl IntoIterator<Item = &'a std::sync::Arc<ArrowField>>,
) -> Vec<Field> {
    fields.into_iter().map(|f| infer_field(f)).collect()
}

fn unit(u: &ArrowUnit) -> TimeUnit {
    match u {
        ArrowUnit::Second => TimeUnit::S,
        ArrowUnit::Millisecond => TimeUnit::Ms,
        ArrowUnit::Microsecond => TimeUnit::Us,
        ArrowUnit::Nanosecond => TimeUnit::Ns,
    }
}

fn infer_field(f: &ArrowField) -> Field {
    let mut out = Field {
        name: f.name().clone(),
        field_type: FieldType::Any,
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
    };
    out.field_type = match crate::conformance::value_type(f.data_type()) {
        DataType::Boolean => FieldType::Bool,
        DataType::Int8 => FieldType::Int8,
        DataType::Int16 => FieldType::Int16,
        DataType::Int32 => FieldType::Int32,
        DataType::Int64 => FieldType::Int64,
        DataType::UInt8 => FieldType::Uint8,
        DataType::UInt16 => FieldType::Uint16,
        DataType::UInt32 => FieldType::Uint32,
        DataType::UInt64 => FieldType::Uint64,
        DataType::Float16 => FieldType::Float16,
        DataType::Float32 => FieldType::Float32,
        DataType::Float64 => FieldType::Float64,
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s) => {
            out.precision = Some(*p);
            out.scale = Some(*s);
            FieldType::Decimal
        }
        // `string` accepts all three layouts, so a draft does not tie the data to one writer.
        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 => FieldType::String,
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => FieldType::Binary,
        DataType::Date32 | DataType::Date64 => FieldType::Date,
        DataType::Time32(u) | DataType::Time64(u) => {
            out.unit = Some(unit(u));
            FieldType::Time
        }
        DataType::Timestamp(u, tz) => {
            out.unit = Some(unit(u));
            out.timezone = tz.as_ref().map(|z| z.to_string());
            FieldType::Timestamp
        }
        DataType::Duration(u) => {
            out.unit = Some(unit(u));
            FieldType::Duration
        }
        DataType::List(item) | DataType::LargeList(item) | DataType::FixedSizeList(item, _) => {
            out.items = Some(Box::new(infer_field(item)));
            FieldType::List
        }
        DataType::Struct(children) => {
            out.fields = Some(infer_fields(children.iter()));
            FieldType::Struct
        }
        _ => FieldType::Any,
    };
    out
}
