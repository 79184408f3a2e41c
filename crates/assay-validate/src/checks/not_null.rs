//! `not_null`: null counts in the footer decide most row groups; the rest count nulls.

use arrow::array::Array;
use arrow::compute::is_null;
use assay_model::check::NotNull;

use super::{Batch, Failing, FileCx, Pages, RowCheck, RowGroupStats};
use crate::checks::CheckError;

pub(crate) struct NotNullCheck(pub NotNull);

impl RowCheck for NotNullCheck {
    type File = String;

    fn prepare(&self, _: &FileCx) -> Result<String, CheckError> {
        Ok(self.0.column.clone())
    }

    fn columns(&self, column: &String) -> Vec<String> {
        vec![column.clone()]
    }

    fn decide(&self, rg: &RowGroupStats) -> Result<Option<u64>, CheckError> {
        let column = &self.0.column;
        if rg.schema.index_of(column).is_err() {
            return Err(format!("column `{column}` is missing").into());
        }
        let nulls = rg.converter(column)?.row_group_null_counts(rg.one())?;
        Ok((nulls.is_valid(0) && nulls.value(0) == 0).then_some(rg.rows))
    }

    fn page_column(&self) -> Option<&str> {
        Some(&self.0.column)
    }

    fn decide_pages(&self, _: &String, pages: &Pages) -> Vec<Option<u64>> {
        (0..pages.rows.len())
            .map(|i| {
                (pages.nulls.is_valid(i) && pages.nulls.value(i) == 0).then_some(pages.rows[i])
            })
            .collect()
    }

    fn fails(column: &String, batch: &Batch) -> Result<Failing, CheckError> {
        let a = batch.column(column)?;
        let mask = is_null(a)?;
        Ok(Failing {
            mask,
            values: vec![a.clone()],
            note: None,
        })
    }
}
