//! `row_count`: decided by the footers alone.

use assay_model::check::RowCount;

use super::{Batch, FileCx, FinishCx, Kernel, Part, RowGroupStats};
use crate::checks::CheckError;
use crate::engine::codec::Dec;
use crate::engine::tally::Tally;
use crate::engine::values::bounds_text;

pub(crate) struct RowCountCheck(pub RowCount);

impl Kernel for RowCountCheck {
    type File = ();
    type State = ();

    fn begin_file(&mut self, _: &FileCx) -> Result<(), CheckError> {
        Ok(())
    }

    fn columns(&self, _: &()) -> Vec<String> {
        Vec::new()
    }

    fn decide(&mut self, _: &mut Tally, _: &RowGroupStats) -> Result<bool, CheckError> {
        Ok(true)
    }

    fn update(_: &(), _: &mut Part, _: &mut (), _: &Batch) -> Result<(), CheckError> {
        Ok(())
    }

    fn cache_key(&self, _: &()) -> Option<String> {
        Some(String::new())
    }

    fn decode_state(_: &mut Dec) -> Option<()> {
        Some(())
    }

    /// Rows come from the footer, counted once the file was read whole.
    fn end_file(&mut self, t: &mut Tally, rows: u64) {
        t.evaluated += rows;
    }

    fn finish(&mut self, t: &mut Tally, _: &FinishCx) {
        let n = t.evaluated;
        verdict(t, &self.0, n);
    }
}

/// The verdict on `n` rows, as the kernel and the plans (`crate::plans`) give it.
pub(crate) fn verdict(t: &mut Tally, k: &RowCount, n: u64) {
    let RowCount { min, max } = *k;
    t.observed = Some(n.into());
    let bad = min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m);
    t.verdict(
        bad,
        Some(format!(
            "{n} rows; expected {}",
            bounds_text(min.map(|v| v as f64), max.map(|v| v as f64))
        )),
    );
}
