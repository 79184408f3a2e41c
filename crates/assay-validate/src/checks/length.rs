//! `length`: characters of strings, items of lists, bytes of binary — once per dictionary
//! value for dictionary-encoded columns.

use arrow::array::{ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use assay_model::check::Length;

use super::{Batch, Failing, FileCx, RowCheck};
use crate::checks::CheckError;
use crate::engine::values::per_value;

pub(crate) struct LengthCheck(pub Length);

impl RowCheck for LengthCheck {
    type File = Length;

    fn prepare(&self, _: &FileCx) -> Result<Length, CheckError> {
        Ok(self.0.clone())
    }

    fn columns(&self, l: &Length) -> Vec<String> {
        vec![l.column.clone()]
    }

    fn dictionary_column(&self) -> Option<&str> {
        Some(&self.0.column)
    }

    fn fails(l: &Length, batch: &Batch) -> Result<Failing, CheckError> {
        let a = batch.column(&l.column)?.clone();
        let (lo, hi) = (l.min.unwrap_or(0), l.max.unwrap_or(u64::MAX));
        let mask = per_value(&a, &|vals: &ArrayRef| {
            let lens: Vec<Option<u64>> = match vals.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                    let s = cast(vals, &DataType::Utf8)?;
                    s.as_string::<i32>()
                        .iter()
                        .map(|v| v.map(|v| v.chars().count() as u64))
                        .collect()
                }
                _ => {
                    let l = arrow::compute::kernels::length::length(vals)?;
                    let l = cast(&l, &DataType::UInt64)?;
                    l.as_primitive::<arrow::datatypes::UInt64Type>()
                        .iter()
                        .collect()
                }
            };
            Ok(lens
                .into_iter()
                .map(|l| l.map(|l| l < lo || l > hi))
                .collect())
        })?;
        Ok(Failing {
            mask,
            values: vec![a],
            note: None,
        })
    }
}
