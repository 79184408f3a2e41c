//! `range`: exact min/max statistics decide whole row groups; the rest compare values.

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::compute::kernels::cmp;
use arrow::compute::{cast, or};
use arrow::datatypes::DataType;
use assay_model::Scalar;
use assay_model::check::Range;

use super::{Batch, Failing, FileCx, Pages, RowCheck, RowGroupStats};
use crate::checks::CheckError;
use crate::conformance;
use crate::engine::values::bound_array;

pub(crate) struct RangeCheck(pub Range);

impl RangeCheck {
    /// True when every value in [lo, hi] is inside the bounds. Floats: NaN is not in min/max
    /// statistics, and `range` leaves NaN to `finite`, so a row group or page whose
    /// [min, max] lies inside the bounds passes exactly.
    fn within(&self, lo: f64, hi: f64) -> bool {
        let r = &self.0;
        if lo.is_nan() || hi.is_nan() {
            return false;
        }
        let bound = |b: &Option<Scalar>| b.as_ref().and_then(Scalar::as_f64);
        let above = |v: f64| match bound(&r.min) {
            None => true,
            Some(b) if r.min_exclusive => v > b,
            Some(b) => v >= b,
        };
        let below = |v: f64| match bound(&r.max) {
            None => true,
            Some(b) if r.max_exclusive => v < b,
            Some(b) => v <= b,
        };
        above(lo) && below(hi)
    }
}

/// Statistics as floats, for comparison with the bounds.
fn floats(a: &ArrayRef) -> Option<arrow::array::Float64Array> {
    let f = cast(a, &DataType::Float64).ok()?;
    Some(f.as_primitive::<arrow::datatypes::Float64Type>().clone())
}

impl RowCheck for RangeCheck {
    type File = Range;

    fn prepare(&self, _: &FileCx) -> Result<Range, CheckError> {
        Ok(self.0.clone())
    }

    fn columns(&self, r: &Range) -> Vec<String> {
        vec![r.column.clone()]
    }

    fn decide(&self, rg: &RowGroupStats) -> Result<Option<u64>, CheckError> {
        let r = &self.0;
        let column = &r.column;
        let Some((_, field)) = rg.schema.column_with_name(column) else {
            return Err(format!("column `{column}` is missing").into());
        };
        if !conformance::value_type(field.data_type()).is_numeric() {
            return Ok(None);
        }
        let c = rg.converter(column)?;
        let mins = c.row_group_mins(rg.one())?;
        let maxs = c.row_group_maxes(rg.one())?;
        let exact = |a: Result<arrow::array::BooleanArray, _>| {
            a.map(|a| a.is_valid(0) && a.value(0)).unwrap_or(false)
        };
        let exact_min = exact(c.row_group_is_min_value_exact(rg.one()));
        let exact_max = exact(c.row_group_is_max_value_exact(rg.one()));
        let nulls = c.row_group_null_counts(rg.one())?;
        let to_f = |a: &ArrayRef| -> Option<f64> {
            let f = cast(a, &DataType::Float64).ok()?;
            let f = f.as_primitive::<arrow::datatypes::Float64Type>();
            f.is_valid(0).then(|| f.value(0))
        };
        let (Some(lo), Some(hi)) = (to_f(&mins), to_f(&maxs)) else {
            return Ok(None);
        };
        if !(exact_min && exact_max && nulls.is_valid(0)) {
            return Ok(None);
        }
        Ok(self.within(lo, hi).then(|| rg.rows - nulls.value(0)))
    }

    fn page_column(&self) -> Option<&str> {
        Some(&self.0.column)
    }

    /// A page index's numeric minima and maxima are the values themselves (only byte arrays
    /// are truncated), so a page whose [min, max] lies inside the bounds passes, and a page
    /// of nulls evaluates nothing.
    fn decide_pages(&self, _: &Range, pages: &Pages) -> Vec<Option<u64>> {
        let unknown = vec![None; pages.rows.len()];
        if !conformance::value_type(&pages.data_type).is_numeric() {
            return unknown;
        }
        let (Some(lo), Some(hi)) = (floats(&pages.mins), floats(&pages.maxes)) else {
            return unknown;
        };
        (0..pages.rows.len())
            .map(|i| {
                let values = pages.values(i)?;
                if values == 0 {
                    return Some(0);
                }
                (lo.is_valid(i) && hi.is_valid(i) && self.within(lo.value(i), hi.value(i)))
                    .then_some(values)
            })
            .collect()
    }

    fn fails(r: &Range, batch: &Batch) -> Result<Failing, CheckError> {
        let a = batch.column(&r.column)?;
        let vt = conformance::value_type(a.data_type()).clone();
        let numeric = vt.is_numeric();
        let target = if numeric {
            cast(a, &DataType::Float64)
        } else {
            cast(a, &vt)
        }?;
        // Arrow compares floats in IEEE 754 total order, where -0.0 < 0.0; a range (and the
        // statistics that decide row groups) compares numbers, where they are equal.
        let target = if numeric { plus_zero(target) } else { target };
        // NaN is left to `finite`: evaluated here (as statistics-decided row groups count
        // it too) but never failing. Arrow orders NaN above every number, so clear it.
        let nan: Option<arrow::buffer::BooleanBuffer> = numeric
            .then(|| target.as_primitive::<arrow::datatypes::Float64Type>())
            .filter(|f| f.values().iter().any(|v| v.is_nan()))
            .map(|f| f.values().iter().map(|v| !v.is_nan()).collect());
        let mut mask: Option<BooleanArray> = None;
        if let Some(b) = &r.min {
            let d = bound_array(b, &vt)?;
            let d = arrow::array::Scalar::new(if numeric { plus_zero(d) } else { d });
            let m = if r.min_exclusive {
                cmp::lt_eq(&target, &d)
            } else {
                cmp::lt(&target, &d)
            }?;
            mask = Some(m);
        }
        if let Some(b) = &r.max {
            let d = bound_array(b, &vt)?;
            let d = arrow::array::Scalar::new(if numeric { plus_zero(d) } else { d });
            let m = if r.max_exclusive {
                cmp::gt_eq(&target, &d)
            } else {
                cmp::gt(&target, &d)
            }?;
            mask = Some(match mask {
                Some(x) => or(&x, &m)?,
                None => m,
            });
        }
        // Without bounds (lint refuses it) nothing is evaluated.
        let mask = match mask {
            Some(mut mask) => {
                if let Some(not_nan) = &nan {
                    let values = mask.values() & not_nan;
                    mask = BooleanArray::new(values, mask.nulls().cloned());
                }
                mask
            }
            None => BooleanArray::new_null(a.len()),
        };
        Ok(Failing {
            mask,
            values: vec![a.clone()],
            note: None,
        })
    }
}

/// `target` (Float64) with every -0.0 made 0.0; the same array when it has none.
fn plus_zero(target: ArrayRef) -> ArrayRef {
    let f = target.as_primitive::<arrow::datatypes::Float64Type>();
    if !f.values().iter().any(|v| *v == 0.0 && v.is_sign_negative()) {
        return target;
    }
    std::sync::Arc::new(arrow::compute::kernels::arity::unary::<
        _,
        _,
        arrow::datatypes::Float64Type,
    >(f, |v| v + 0.0))
}
