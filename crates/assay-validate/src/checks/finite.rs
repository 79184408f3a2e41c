//! `finite`: no NaN or infinity.

use arrow::array::{AsArray, BooleanArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use assay_model::check::Finite;

use super::{Batch, Failing, FileCx, RowCheck};
use crate::checks::CheckError;

pub(crate) struct FiniteCheck(pub Finite);

impl RowCheck for FiniteCheck {
    type File = String;

    fn prepare(&self, _: &FileCx) -> Result<String, CheckError> {
        Ok(self.0.column.clone())
    }

    fn columns(&self, column: &String) -> Vec<String> {
        vec![column.clone()]
    }

    fn fails(column: &String, batch: &Batch) -> Result<Failing, CheckError> {
        let a = batch.column(column)?;
        let f = cast(a, &DataType::Float64)?;
        let mask: BooleanArray = f
            .as_primitive::<arrow::datatypes::Float64Type>()
            .iter()
            .map(|v| v.map(|x| !x.is_finite()))
            .collect();
        Ok(Failing {
            mask,
            values: vec![a.clone()],
            note: None,
        })
    }
}
