//! `change` and `anomaly`: evaluated as their base kind (`row_count`, or `not_null` on the
//! column, which counts its nulls), then judged against the validation history.

use std::any::Any;
use std::sync::Arc;

use assay_model::check::Check;

use super::{
    DynFile, DynKernel, FileCx, FinishCx, MergeCx, Pages, Part, ResourceCx, RowGroupStats,
};
use crate::checks::CheckError;
use crate::engine::codec::{Dec, Enc};
use crate::engine::tally::Tally;
use crate::history::{self, Judgement, Measured};

/// Compiles a `change` or `anomaly` check: its base kind, wrapped.
pub(crate) fn compile(check: &Check) -> Box<dyn DynKernel> {
    match history::base_check(check) {
        Some(base) => Box::new(WithHistory {
            base: super::compile(&base),
            original: check.clone(),
        }),
        None => super::compile(check),
    }
}

/// A base kernel whose result is judged against the history at the end.
struct WithHistory {
    base: Box<dyn DynKernel>,
    original: Check,
}

impl DynKernel for WithHistory {
    fn begin_resource(&mut self, t: &mut Tally, cx: &ResourceCx) {
        self.base.begin_resource(t, cx)
    }

    fn begin_file(&mut self, cx: &FileCx) -> Result<Arc<dyn DynFile>, CheckError> {
        self.base.begin_file(cx)
    }

    fn dictionary_column(&self) -> Option<&str> {
        self.base.dictionary_column()
    }

    fn decide(&mut self, t: &mut Tally, rg: &RowGroupStats) -> Result<bool, CheckError> {
        self.base.decide(t, rg)
    }

    fn page_column(&self) -> Option<&str> {
        self.base.page_column()
    }

    fn decide_pages(
        &mut self,
        t: &mut Tally,
        file: &dyn DynFile,
        pages: &Pages,
    ) -> Result<Vec<bool>, CheckError> {
        self.base.decide_pages(t, file, pages)
    }

    fn merge(&mut self, t: &mut Tally, part: Part, state: Box<dyn Any + Send>, cx: &MergeCx) {
        self.base.merge(t, part, state, cx)
    }

    fn end_file(&mut self, t: &mut Tally, rows: u64) {
        self.base.end_file(t, rows)
    }

    fn encode_state(&self, state: &(dyn Any + Send), e: &mut Enc) -> bool {
        self.base.encode_state(state, e)
    }

    fn decode_state(&self, d: &mut Dec) -> Option<Box<dyn Any + Send>> {
        self.base.decode_state(d)
    }

    /// The base kind's own verdict is not wanted: only what it measured.
    fn finish(&mut self, t: &mut Tally, cx: &FinishCx) {
        let measured = Measured {
            evaluated: t.evaluated,
            failing: t.failing,
        };
        t.samples.clear();
        t.failing = 0;
        t.evaluated = 1;
        if t.error.is_some() {
            return;
        }
        let digest = history::resource_digest(cx.file_reports);
        let judged = history::judge(
            &self.original,
            cx.resource,
            digest.as_deref(),
            cx.history,
            measured,
        );
        match judged {
            Judgement::Verdict {
                fail,
                observed,
                message,
            } => {
                t.observed = Some(observed);
                t.table_fail = Some(fail);
                t.message = message;
            }
            Judgement::Unavailable(e) => t.error = Some(e),
        }
    }
}
