//! `in_set` and `not_in_set`: membership in a value list, tested once per dictionary value for
//! dictionary-encoded columns.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use assay_model::Scalar;

use super::{Batch, Failing, FileCx, Pages, RowCheck, RowGroupStats};
use crate::checks::CheckError;
use crate::conformance;
use crate::engine::values::per_value;

pub(crate) struct SetCheck {
    column: String,
    values: Vec<Scalar>,
    /// `not_in_set`: a value in the list fails.
    negate: bool,
}

impl SetCheck {
    pub fn new(column: &str, values: &[Scalar], negate: bool) -> SetCheck {
        SetCheck {
            column: column.to_string(),
            values: values.to_vec(),
            negate,
        }
    }
}

/// The list in the column's type, for one file.
pub(crate) struct SetFile {
    column: String,
    negate: bool,
    set: Set,
}

enum Set {
    /// A string column and a list of strings: compared as text, no row encoding per value.
    Text(TextSet),
    /// Anything else: values row-encoded in the column's type.
    Rows(HashSet<Box<[u8]>>, RowConverter),
    /// The column is not in the file (reported by the driver before any batch).
    Unavailable,
}

impl RowCheck for SetCheck {
    type File = SetFile;

    fn prepare(&self, cx: &FileCx) -> Result<SetFile, CheckError> {
        let set = match cx.schema.column_with_name(&self.column) {
            None => Set::Unavailable,
            Some((_, f)) => self.set_for(conformance::value_type(f.data_type()))?,
        };
        Ok(SetFile {
            column: self.column.clone(),
            negate: self.negate,
            set,
        })
    }

    fn columns(&self, _: &SetFile) -> Vec<String> {
        vec![self.column.clone()]
    }

    fn dictionary_column(&self) -> Option<&str> {
        Some(&self.column)
    }

    /// A row group whose exact minimum equals its exact maximum holds one value; it passes
    /// when that value does.
    fn decide(&self, rg: &RowGroupStats) -> Result<Option<u64>, CheckError> {
        let Some((_, field)) = rg.schema.column_with_name(&self.column) else {
            return Ok(None);
        };
        let c = rg.converter(&self.column)?;
        let exact = |a: Result<BooleanArray, _>| a.is_ok_and(|a| a.is_valid(0) && a.value(0));
        if !(exact(c.row_group_is_min_value_exact(rg.one()))
            && exact(c.row_group_is_max_value_exact(rg.one())))
        {
            return Ok(None);
        }
        let (mins, maxes) = (c.row_group_mins(rg.one())?, c.row_group_maxes(rg.one())?);
        let nulls = c.row_group_null_counts(rg.one())?;
        let file = SetFile {
            column: self.column.clone(),
            negate: self.negate,
            set: self.set_for(conformance::value_type(field.data_type()))?,
        };
        let single = arrow::compute::kernels::cmp::eq(&mins, &maxes)?;
        let fails = file.mask(&mins)?;
        let passes = single.is_valid(0)
            && single.value(0)
            && fails.is_valid(0)
            && !fails.value(0)
            && nulls.is_valid(0);
        Ok(passes.then(|| rg.rows.saturating_sub(nulls.value(0))))
    }

    fn page_column(&self) -> Option<&str> {
        Some(&self.column)
    }

    /// A page whose minimum equals its maximum holds one value (a lower and an upper bound
    /// that meet, truncated or not); it passes when that value does.
    fn decide_pages(&self, f: &SetFile, pages: &Pages) -> Vec<Option<u64>> {
        let n = pages.rows.len();
        let single = arrow::compute::kernels::cmp::eq(&pages.mins, &pages.maxes)
            .ok()
            .filter(|m| m.len() == n);
        let fails = f.mask(&pages.mins).ok().filter(|m| m.len() == n);
        (0..n)
            .map(|i| {
                let values = pages.values(i)?;
                if values == 0 {
                    return Some(0);
                }
                let single = single.as_ref()?;
                let fails = fails.as_ref()?;
                (single.is_valid(i) && single.value(i) && fails.is_valid(i) && !fails.value(i))
                    .then_some(values)
            })
            .collect()
    }

    fn fails(f: &SetFile, batch: &Batch) -> Result<Failing, CheckError> {
        let a = batch.column(&f.column)?.clone();
        Ok(Failing {
            mask: f.mask(&a)?,
            values: vec![a],
            note: None,
        })
    }
}

impl SetFile {
    /// Per value of `a`: true fails, null is not evaluated.
    fn mask(&self, a: &ArrayRef) -> Result<BooleanArray, CheckError> {
        let f = self;
        let negate = f.negate;
        let mask = match &f.set {
            Set::Text(set) => per_value(a, &|vals: &ArrayRef| {
                let strings = cast(vals, &DataType::Utf8)?;
                let strings = strings.as_string::<i32>();
                // A null slot's bytes are tested too (they are empty or some value); its
                // result is masked by the nulls.
                let fails = arrow::buffer::BooleanBuffer::collect_bool(strings.len(), |i| {
                    set.contains(strings.value(i)) == negate
                });
                Ok(BooleanArray::new(fails, strings.nulls().cloned()))
            })?,
            Set::Rows(set, converter) => per_value(a, &|vals: &ArrayRef| {
                let rows = converter.convert_columns(std::slice::from_ref(vals))?;
                Ok((0..vals.len())
                    .map(|i| {
                        vals.is_valid(i)
                            .then(|| set.contains(rows.row(i).as_ref()) == negate)
                    })
                    .collect::<BooleanArray>())
            })?,
            Set::Unavailable => return Err("value set unavailable".into()),
        };
        Ok(mask)
    }
}

impl SetCheck {
    fn set_for(&self, vt: &DataType) -> Result<Set, CheckError> {
        if matches!(
            vt,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ) && self.values.iter().all(|v| matches!(v, Scalar::Text(_)))
        {
            return Ok(Set::Text(TextSet::new(self.values.iter().filter_map(
                |v| match v {
                    Scalar::Text(t) => Some(t.as_str()),
                    _ => None,
                },
            ))));
        }
        let converter = RowConverter::new(vec![SortField::new(vt.clone())])?;
        let mut set = HashSet::new();
        for v in &self.values {
            let arr: ArrayRef = match v {
                Scalar::Text(t) => Arc::new(StringArray::from(vec![t.clone()])),
                Scalar::Number(n) => {
                    Arc::new(Float64Array::from(vec![n.as_f64().unwrap_or(f64::NAN)]))
                }
                Scalar::Bool(b) => Arc::new(BooleanArray::from(vec![*b])),
            };
            let arr = cast(&arr, vt).map_err(|e| format!("value {v}: {e}"))?;
            if arr.is_null(0) {
                continue;
            }
            let rows = converter.convert_columns(&[arr])?;
            set.insert(Box::from(rows.row(0).as_ref()));
        }
        Ok(Set::Rows(set, converter))
    }
}

/// A set of strings tested once per row of a column that is not dictionary-encoded (a table
/// in memory, a file written without dictionaries): a few values are compared byte by byte,
/// length first, which beats hashing every row; more go in a hash set with a fast hash.
enum TextSet {
    Few(Vec<Box<[u8]>>),
    Many(HashSet<Box<str>, foldhash::fast::RandomState>),
}

impl TextSet {
    /// Up to this many values are compared one by one.
    const FEW: usize = 16;

    fn new<'a>(values: impl Iterator<Item = &'a str>) -> TextSet {
        let values: Vec<&str> = values.collect();
        if values.len() <= Self::FEW {
            TextSet::Few(values.iter().map(|v| Box::from(v.as_bytes())).collect())
        } else {
            TextSet::Many(values.iter().map(|v| Box::from(*v)).collect())
        }
    }

    fn contains(&self, v: &str) -> bool {
        match self {
            TextSet::Few(values) => {
                let v = v.as_bytes();
                values.iter().any(|x| x.len() == v.len() && **x == *v)
            }
            TextSet::Many(set) => set.contains(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TextSet;

    #[test]
    fn a_text_set_finds_exactly_its_values_whether_few_or_many() {
        let few = TextSet::new(["RUN", "IDLE", ""].into_iter());
        assert!(matches!(few, TextSet::Few(_)));
        assert!(few.contains("RUN") && few.contains("IDLE") && few.contains(""));
        assert!(!few.contains("RUNS") && !few.contains("run") && !few.contains("RU"));
        let names: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
        let many = TextSet::new(names.iter().map(String::as_str));
        assert!(matches!(many, TextSet::Many(_)));
        assert!(names.iter().all(|n| many.contains(n)));
        assert!(!many.contains("v40") && !many.contains(""));
    }
}
