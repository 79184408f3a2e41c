//! Small Arrow helpers the checks share: rendering values for samples, unpacking dictionaries,
//! casting bounds, reading timestamps.

use std::sync::Arc;

use crate::checks::CheckError;
use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, StringArray};
use arrow::compute::{cast, take};
use arrow::datatypes::{DataType, TimeUnit as ArrowUnit};
use arrow::record_batch::RecordBatch;
use arrow::row::RowConverter;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use assay_model::Scalar;

/// A value as text for a sample; `null` for nulls.
pub(crate) fn render(a: &dyn Array, i: usize) -> String {
    if a.is_null(i) {
        return "null".into();
    }
    match ArrayFormatter::try_new(a, &FormatOptions::default()) {
        Ok(f) => f.value(i).to_string(),
        Err(_) => "?".into(),
    }
}

/// A column of a batch, or an error naming it.
pub(crate) fn column<'b>(batch: &'b RecordBatch, name: &str) -> Result<&'b ArrayRef, CheckError> {
    batch
        .column_by_name(name)
        .ok_or_else(|| CheckError::MissingColumn(name.to_string()))
}

/// Dictionary columns unpacked to their value type; other columns as they are.
pub(crate) fn plain(a: &ArrayRef) -> Result<ArrayRef, CheckError> {
    match a.data_type() {
        DataType::Dictionary(_, v) => Ok(cast(a, v)?),
        _ => Ok(a.clone()),
    }
}

/// Applies a per-value test, once per dictionary value for dictionary columns.
pub(crate) fn per_value(
    a: &ArrayRef,
    test: &dyn Fn(&ArrayRef) -> Result<BooleanArray, CheckError>,
) -> Result<BooleanArray, CheckError> {
    if let Some(dict) = a.as_any_dictionary_opt() {
        let on_values = test(dict.values())?;
        let keys = cast(dict.keys(), &DataType::UInt64)?;
        let keys = keys.as_primitive::<arrow::datatypes::UInt64Type>();
        let mapped = take(&on_values, keys, None)?;
        return Ok(mapped.as_boolean().clone());
    }
    test(a)
}

/// `test` of every string of `strings` (null slots too; the caller masks them), once per
/// distinct value when the values repeat: a table in memory, or a file written without
/// dictionaries, holds plain strings where a dictionary column would be tested once per
/// dictionary value. Whether they repeat is judged on the first 4,096 rows (a tenth of them
/// seen before is enough: 5,000 e-mail addresses over 65,536 rows); the results kept by value
/// are bounded by half the rows.
pub(crate) fn per_string(
    strings: &arrow::array::StringArray,
    test: &dyn Fn(&str) -> bool,
) -> arrow::buffer::BooleanBuffer {
    use arrow::buffer::BooleanBuffer;
    use std::collections::HashMap;
    const PROBE: usize = 4096;
    let n = strings.len();
    let probe = n.min(PROBE);
    let repeats = probe >= 256 && {
        let mut seen: std::collections::HashSet<&str, foldhash::fast::RandomState> =
            Default::default();
        for i in 0..probe {
            seen.insert(strings.value(i));
        }
        seen.len() * 10 <= probe * 9
    };
    if !repeats {
        return BooleanBuffer::collect_bool(n, |i| test(strings.value(i)));
    }
    let cap = n / 2;
    let mut known: HashMap<&str, bool, foldhash::fast::RandomState> = Default::default();
    BooleanBuffer::collect_bool(n, |i| {
        let v = strings.value(i);
        match known.get(v) {
            Some(r) => *r,
            None => {
                let r = test(v);
                if known.len() < cap {
                    known.insert(v, r);
                }
                r
            }
        }
    })
}

/// A bound as a one-value array comparable with a column of `value_type` (numbers as float64).
pub(crate) fn bound_array(b: &Scalar, value_type: &DataType) -> Result<ArrayRef, CheckError> {
    if value_type.is_numeric() {
        let v = b
            .as_f64()
            .ok_or_else(|| format!("bound {b} is not a number"))?;
        return Ok(Arc::new(Float64Array::from(vec![v])));
    }
    let text: ArrayRef = match b {
        Scalar::Text(s) => Arc::new(StringArray::from(vec![s.clone()])),
        other => Arc::new(StringArray::from(vec![other.to_string()])),
    };
    let a = cast(&text, value_type).map_err(|e| format!("bound {b}: {e}"))?;
    if a.is_null(0) {
        return Err(format!("bound {b} cannot be read as {value_type}").into());
    }
    Ok(a)
}

/// A date or timestamp array as microseconds since the epoch (UTC), as int64.
pub(crate) fn micros(a: &ArrayRef) -> Result<ArrayRef, CheckError> {
    let a = plain(a)?;
    let ts = match a.data_type() {
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => {
            cast(&a, &DataType::Timestamp(ArrowUnit::Microsecond, None))?
        }
        other => {
            return Err(
                format!("freshness needs a date or timestamp column, found {other}").into(),
            );
        }
    };
    Ok(cast(&ts, &DataType::Int64)?)
}

/// Largest value of a date or timestamp array, in microseconds since the epoch (UTC).
pub(crate) fn max_micros(a: &ArrayRef) -> Result<Option<i64>, CheckError> {
    let ints = micros(a)?;
    Ok(arrow::compute::max(
        ints.as_primitive::<arrow::datatypes::Int64Type>(),
    ))
}

/// RFC 3339 UTC text for microseconds since the epoch.
pub fn micros_to_rfc3339(us: i64) -> String {
    let a: ArrayRef =
        Arc::new(arrow::array::TimestampMicrosecondArray::from(vec![us]).with_timezone("UTC"));
    let s = render(a.as_ref(), 0);
    s.replace("+00:00", "Z")
}

/// `between a and b`, `at least a`, `at most b`.
pub(crate) fn bounds_text(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any".into(),
    }
}

/// Renders a key encoded by a [`RowConverter`] back as text, one string per key column.
pub(crate) fn render_encoded_key(converter: Option<&RowConverter>, key: &[u8]) -> Vec<String> {
    converter
        .and_then(|c| {
            let parser = c.parser();
            let columns = c.convert_rows([parser.parse(key)]).ok()?;
            Some(columns.iter().map(|a| render(a.as_ref(), 0)).collect())
        })
        .unwrap_or_default()
}

/// Renders an integer-like key in its column's type.
pub(crate) fn render_key(key_type: Option<&DataType>, value: u64) -> String {
    key_type
        .and_then(|t| {
            let a: ArrayRef = Arc::new(arrow::array::Int64Array::from(vec![value as i64]));
            cast(&a, t).ok().map(|a| render(a.as_ref(), 0))
        })
        .unwrap_or_else(|| (value as i64).to_string())
}

/// Single-column keys that fit an i64 exactly: integers, dates, times and durations.
pub(crate) fn fixed_width_key(dt: &DataType) -> bool {
    crate::profile::fits_i64(dt)
        || matches!(
            dt,
            DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 | DataType::Duration(_)
        )
}
