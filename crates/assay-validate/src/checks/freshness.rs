//! `freshness`: the newest value, from row-group maxima where the statistics have them.

use arrow::array::Array;
use assay_model::check::{Freshness, IsoDuration};

use super::{Batch, FileCx, FinishCx, Kernel, MergeCx, Pages, Part, RowGroupStats};
use crate::checks::CheckError;
use crate::engine::codec::{Dec, Enc};
use crate::engine::tally::Tally;
use crate::engine::values::{max_micros, micros_to_rfc3339};

pub(crate) struct FreshnessCheck {
    check: Freshness,
    /// Newest value so far, microseconds since the epoch.
    newest: Option<i64>,
}

impl FreshnessCheck {
    pub fn new(check: Freshness) -> Self {
        FreshnessCheck {
            check,
            newest: None,
        }
    }

    fn see(&mut self, v: i64) {
        self.newest = Some(self.newest.map_or(v, |x| x.max(v)));
    }
}

impl Kernel for FreshnessCheck {
    type File = String;
    /// The newest value of a row group.
    type State = Option<i64>;

    fn begin_file(&mut self, _: &FileCx) -> Result<String, CheckError> {
        Ok(self.check.column.clone())
    }

    fn columns(&self, column: &String) -> Vec<String> {
        vec![column.clone()]
    }

    fn decide(&mut self, t: &mut Tally, rg: &RowGroupStats) -> Result<bool, CheckError> {
        let maxs = rg
            .converter(&self.check.column)?
            .row_group_maxes(rg.one())?;
        match max_micros(&maxs)? {
            Some(v) if maxs.is_valid(0) => {
                self.see(v);
                t.evaluated += rg.rows;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn page_column(&self) -> Option<&str> {
        Some(&self.check.column)
    }

    /// A page with a maximum in the index gives its newest value; a page of nulls has none.
    fn decide_pages(
        &mut self,
        t: &mut Tally,
        _: &String,
        pages: &Pages,
    ) -> Result<Vec<bool>, CheckError> {
        let mut decided = Vec::with_capacity(pages.rows.len());
        for i in 0..pages.rows.len() {
            let newest = if pages.maxes.is_valid(i) {
                max_micros(&pages.maxes.slice(i, 1))?
            } else {
                None
            };
            let known = newest.is_some() || pages.all_null(i);
            if let Some(v) = newest {
                self.see(v);
            }
            if known {
                t.evaluated += pages.rows[i];
            }
            decided.push(known);
        }
        Ok(decided)
    }

    fn update(
        column: &String,
        part: &mut Part,
        newest: &mut Option<i64>,
        batch: &Batch,
    ) -> Result<(), CheckError> {
        if let Some(v) = max_micros(batch.column(column)?)? {
            *newest = Some(newest.map_or(v, |x| x.max(v)));
        }
        part.evaluated += batch.batch.num_rows() as u64;
        Ok(())
    }

    fn cache_key(&self, _: &String) -> Option<String> {
        Some(String::new())
    }

    fn encode_state(newest: &Option<i64>, e: &mut Enc) {
        e.bool(newest.is_some());
        e.i64(newest.unwrap_or(0));
    }

    fn decode_state(d: &mut Dec) -> Option<Option<i64>> {
        let some = d.bool()?;
        let v = d.i64()?;
        Some(some.then_some(v))
    }

    fn merge(&mut self, t: &mut Tally, part: Part, newest: Option<i64>, _: &MergeCx) {
        t.absorb(part);
        if let Some(v) = newest {
            self.see(v);
        }
    }

    fn finish(&mut self, t: &mut Tally, cx: &FinishCx) {
        verdict(t, &self.check, self.newest, cx.options.now_us);
    }
}

/// The verdict on the newest value (`None`: no non-null value) at the reference time, as the
/// kernel and the plans (`crate::plans`) give it.
pub(crate) fn verdict(t: &mut Tally, check: &Freshness, newest: Option<i64>, now_us: i64) {
    let max_age = &check.max_age;
    let age = IsoDuration::parse(max_age).map(|d| d.seconds as i64 * 1_000_000);
    match (newest, age) {
        (Some(v), Ok(age)) => {
            t.observed = Some(serde_json::Value::String(micros_to_rfc3339(v)));
            t.verdict(
                v < now_us.saturating_sub(age),
                Some(format!(
                    "newest value {} is older than {max_age} before the reference time",
                    micros_to_rfc3339(v)
                )),
            );
        }
        (None, _) => {
            if t.error.is_none() {
                t.verdict(true, Some("no non-null value to measure freshness".into()));
            }
        }
        (_, Err(e)) => t.fail_error(e),
    }
}
