//! `not_null`: null counts in the footer decide most row groups; the rest count nulls.

use arrow::array::Array;
use arrow::compute::is_null;
use assay_model::check::NotNull;

use super::{Batch, Failing, FileCx, RowCheck, RowGroupStats};

pub(crate) struct NotNullCheck(pub NotNull);

impl RowCheck for NotNullCheck {
    type File = String;

    fn prepare(&self, _: &FileCx) -> Result<String, String> {
        Ok(self.0.column.clone())
    }

    fn columns(&self, column: &String) -> Vec<String> {
        vec![column.clone()]
    }

    fn decide(&self, rg: &RowGroupStats) -> Result<Option<u64>, String> {
        let column = &self.0.column;
        if rg.schema.index_of(column).is_err() {
            return Err(format!("column `{column}` is missing"));
        }
        let nulls = rg
            .converter(column)?
            .row_group_null_counts(rg.one())
            .map_err(|e| e.to_string())?;
        Ok((nulls.is_valid(0) && nulls.value(0) == 0).then_some(rg.rows))
    }

    fn fails(column: &String, batch: &Batch) -> Result<Failing, String> {
        let a = batch.column(column)?;
        let mask = is_null(a).map_err(|e| e.to_string())?;
        Ok(Failing {
            mask,
            values: vec![a.clone()],
            note: None,
        })
    }
}
