//! `aggregate`: a statistic over the whole resource, from mergeable per-row-group partials
//! (Welford moments merged with Chan et al.'s formula, exact distinct sets, exact quantiles).

use std::collections::HashSet;

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use assay_model::check::{Aggregate, Stat};

use super::{Batch, FileCx, FinishCx, Kernel, MergeCx, Part};
use crate::checks::CheckError;
use crate::engine::codec::{Dec, Enc};
use crate::engine::tally::Tally;
use crate::engine::values::{bounds_text, plain};

pub(crate) struct AggregateCheck {
    check: Aggregate,
    agg: Agg,
}

impl AggregateCheck {
    pub fn new(check: Aggregate) -> Self {
        AggregateCheck {
            check,
            agg: Agg::default(),
        }
    }
}

/// A mergeable partial aggregate.
#[derive(Default)]
pub(crate) struct Agg {
    count: u64,
    nulls: u64,
    mean: f64,
    m2: f64,
    sum: f64,
    min: Option<f64>,
    max: Option<f64>,
    distinct: HashSet<Box<[u8]>>,
    values: Vec<f64>,
}

impl Agg {
    /// Combines two partial aggregates (Chan et al.'s parallel variance).
    fn merge(&mut self, o: Agg) {
        let n = self.count + o.count;
        if n > 0 {
            let delta = o.mean - self.mean;
            self.m2 += o.m2 + delta * delta * (self.count as f64) * (o.count as f64) / n as f64;
            self.mean += delta * o.count as f64 / n as f64;
        }
        self.count = n;
        self.nulls += o.nulls;
        self.sum += o.sum;
        self.min = match (self.min, o.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, o.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.distinct.extend(o.distinct);
        self.values.extend(o.values);
    }

    /// The statistic, when defined.
    fn value(&mut self, stat: Stat, q: Option<f64>, total_rows: u64) -> Option<f64> {
        match stat {
            Stat::Mean => (self.count > 0).then_some(self.mean),
            Stat::Sum => Some(self.sum),
            Stat::Min => self.min,
            Stat::Max => self.max,
            Stat::Stddev => (self.count > 1).then(|| (self.m2 / (self.count - 1) as f64).sqrt()),
            Stat::NullFraction => (total_rows > 0).then(|| self.nulls as f64 / total_rows as f64),
            Stat::DistinctCount => Some(self.distinct.len() as f64),
            Stat::Quantile => {
                let q = q.unwrap_or(0.5);
                self.values.sort_by(f64::total_cmp);
                if self.values.is_empty() {
                    None
                } else {
                    let rank = ((q * self.values.len() as f64).ceil() as usize)
                        .clamp(1, self.values.len());
                    Some(self.values[rank - 1])
                }
            }
        }
    }
}

impl Kernel for AggregateCheck {
    type File = Aggregate;
    type State = Option<Agg>;

    fn begin_file(&mut self, _: &FileCx) -> Result<Aggregate, CheckError> {
        Ok(self.check.clone())
    }

    fn columns(&self, a: &Aggregate) -> Vec<String> {
        vec![a.column.clone()]
    }

    fn update(
        check: &Aggregate,
        part: &mut Part,
        state: &mut Option<Agg>,
        batch: &Batch,
    ) -> Result<(), CheckError> {
        let a = batch.column(&check.column)?;
        let agg = state.get_or_insert_with(Agg::default);
        agg.nulls += a.null_count() as u64;
        if matches!(check.stat, Stat::DistinctCount) {
            let p = plain(a)?;
            let converter = RowConverter::new(vec![SortField::new(p.data_type().clone())])?;
            let rows = converter.convert_columns(std::slice::from_ref(&p))?;
            for i in 0..p.len() {
                if p.is_valid(i) {
                    agg.distinct.insert(Box::from(rows.row(i).as_ref()));
                }
            }
            agg.count += (p.len() - p.null_count()) as u64;
        } else if !matches!(check.stat, Stat::NullFraction) {
            let f = cast(a, &DataType::Float64)?;
            for v in f
                .as_primitive::<arrow::datatypes::Float64Type>()
                .iter()
                .flatten()
            {
                agg.count += 1;
                agg.sum += v;
                let delta = v - agg.mean;
                agg.mean += delta / agg.count as f64;
                agg.m2 += delta * (v - agg.mean);
                agg.min = Some(agg.min.map_or(v, |m| m.min(v)));
                agg.max = Some(agg.max.map_or(v, |m| m.max(v)));
                if matches!(check.stat, Stat::Quantile) {
                    agg.values.push(v);
                }
            }
        }
        part.evaluated += batch.batch.num_rows() as u64;
        Ok(())
    }

    fn cache_key(&self, _: &Aggregate) -> Option<String> {
        Some(String::new())
    }

    fn encode_state(state: &Option<Agg>, e: &mut Enc) {
        e.bool(state.is_some());
        let Some(a) = state else { return };
        e.u64(a.count);
        e.u64(a.nulls);
        e.f64(a.mean);
        e.f64(a.m2);
        e.f64(a.sum);
        e.opt_f64(a.min);
        e.opt_f64(a.max);
        let mut distinct: Vec<&Box<[u8]>> = a.distinct.iter().collect();
        distinct.sort_unstable();
        e.u64(distinct.len() as u64);
        for d in distinct {
            e.bytes(d);
        }
        e.u64(a.values.len() as u64);
        for v in &a.values {
            e.f64(*v);
        }
    }

    fn decode_state(d: &mut Dec) -> Option<Option<Agg>> {
        if !d.bool()? {
            return Some(None);
        }
        let mut a = Agg {
            count: d.u64()?,
            nulls: d.u64()?,
            mean: d.f64()?,
            m2: d.f64()?,
            sum: d.f64()?,
            min: d.opt_f64()?,
            max: d.opt_f64()?,
            ..Agg::default()
        };
        for _ in 0..d.u64()? {
            a.distinct.insert(Box::from(d.bytes()?));
        }
        for _ in 0..d.u64()? {
            a.values.push(d.f64()?);
        }
        Some(Some(a))
    }

    fn merge(&mut self, t: &mut Tally, part: Part, state: Option<Agg>, _: &MergeCx) {
        t.absorb(part);
        if let Some(a) = state {
            self.agg.merge(a);
        }
    }

    fn finish(&mut self, t: &mut Tally, cx: &FinishCx) {
        let value = self.agg.value(self.check.stat, self.check.q, cx.total_rows);
        verdict(t, &self.check, value);
    }
}

/// The verdict on a statistic's value (`None`: undefined, no values); shared with the check's
/// plan (`crate::plans`).
pub(crate) fn verdict(t: &mut Tally, check: &Aggregate, value: Option<f64>) {
    let Aggregate { stat, min, max, .. } = *check;
    {
        t.evaluated = 1;
        match value {
            Some(v) => {
                t.observed = serde_json::Number::from_f64(v).map(serde_json::Value::Number);
                // NaN is outside any bounds.
                let bad = v.is_nan() || min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m);
                t.verdict(
                    bad,
                    Some(format!(
                        "{} is {v}; expected {}",
                        stat.as_str(),
                        bounds_text(min, max)
                    )),
                );
            }
            None => t.verdict(
                true,
                Some(format!("{} is undefined: no values", stat.as_str())),
            ),
        }
    }
}
