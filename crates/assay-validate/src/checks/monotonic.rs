//! `monotonic`: order within each row group on the workers; the boundary between row groups
//! when they are merged in order. Order restarts with each file.

use arrow::array::{Array, BooleanArray};
use arrow::row::{RowConverter, SortField};
use assay_model::check::Monotonic;
use assay_model::report::Sample;

use super::{Batch, FileCx, Kernel, MergeCx, Part};
use crate::checks::CheckError;
use crate::engine::codec::{Dec, Enc};
use crate::engine::tally::Tally;
use crate::engine::values::plain;

pub(crate) struct MonotonicCheck {
    check: Monotonic,
    /// Last non-null value of the current file (row-encoded).
    last: Option<Box<[u8]>>,
}

impl MonotonicCheck {
    pub fn new(check: Monotonic) -> Self {
        MonotonicCheck { check, last: None }
    }
}

/// A row group's first non-null value (with its sample, should it break the order) and its
/// last one.
#[derive(Default)]
pub(crate) struct Ends {
    first: Option<(Box<[u8]>, Sample)>,
    last: Option<Box<[u8]>>,
}

impl Kernel for MonotonicCheck {
    type File = Monotonic;
    type State = Ends;

    fn begin_file(&mut self, _: &FileCx) -> Result<Monotonic, CheckError> {
        self.last = None;
        Ok(self.check.clone())
    }

    fn columns(&self, m: &Monotonic) -> Vec<String> {
        vec![m.column.clone()]
    }

    fn update(
        m: &Monotonic,
        part: &mut Part,
        ends: &mut Ends,
        batch: &Batch,
    ) -> Result<(), CheckError> {
        let a = plain(batch.column(&m.column)?)?;
        let converter = RowConverter::new(vec![SortField::new(a.data_type().clone())])?;
        let rows = converter.convert_columns(std::slice::from_ref(&a))?;
        let mut out = Vec::with_capacity(a.len());
        for i in 0..a.len() {
            if a.is_null(i) {
                out.push(None);
                continue;
            }
            let cur = rows.row(i);
            let bad = match ends.last.as_deref() {
                None => {
                    // The first value of the row group: its order against the previous row
                    // group is decided when the two are merged.
                    ends.first = Some((Box::from(cur.as_ref()), batch.sample(i, &[&a], None)));
                    false
                }
                Some(prev) => m.direction.violates(m.strict, prev, cur.as_ref()),
            };
            out.push(Some(bad));
            ends.last = Some(Box::from(cur.as_ref()));
        }
        part.record(&BooleanArray::from(out), &[&a], batch, None);
        Ok(())
    }

    fn cache_key(&self, _: &Monotonic) -> Option<String> {
        Some(String::new())
    }

    fn encode_state(ends: &Ends, e: &mut Enc) {
        e.bool(ends.first.is_some());
        if let Some((first, sample)) = &ends.first {
            e.bytes(first);
            e.sample(sample);
        }
        e.bool(ends.last.is_some());
        if let Some(last) = &ends.last {
            e.bytes(last);
        }
    }

    fn decode_state(d: &mut Dec) -> Option<Ends> {
        let first = match d.bool()? {
            true => Some((Box::from(d.bytes()?), d.sample()?)),
            false => None,
        };
        let last = match d.bool()? {
            true => Some(Box::from(d.bytes()?)),
            false => None,
        };
        Some(Ends { first, last })
    }

    fn merge(&mut self, t: &mut Tally, part: Part, ends: Ends, _: &MergeCx) {
        t.absorb_counts(&part);
        // The boundary with the previous row group comes before this one's samples.
        if let (Some(prev), Some((first, sample))) = (self.last.as_deref(), ends.first)
            && self
                .check
                .direction
                .violates(self.check.strict, prev, first.as_ref())
        {
            t.failing += 1;
            t.push_sample(sample);
        }
        if ends.last.is_some() {
            self.last = ends.last;
        }
        t.absorb_samples(part.samples);
    }
}
