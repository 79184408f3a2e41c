//! `temporal_leakage`: validation and test rows not strictly after every train row, over the
//! whole split or within each `groupBy` entity.
//!
//! When train is its own resource it is read whole before the others, and each validation and
//! test row is judged as it arrives. When train shares its resource with another split, the
//! resource is read once and the rows arrive mixed, so the validation and test rows are kept
//! (time, location and group, 32 bytes each) and judged at the end, against the whole of train.

use assay_model::ml::SplitName;

use super::{MlBatch, MlCx, MlKernel, Outcome, RowMap, Seen, row_hashes, sample, show_time, times};

/// Bytes one group's latest train time costs in the table, about.
const GROUP_COST: u64 = 32;

/// A validation or test row: its time, location and group (0 without groups).
type Pending = (f64, u64, u128);

pub(crate) struct TemporalLeakage {
    per_group: bool,
    /// The latest train time, overall and per group.
    latest: Option<f64>,
    latest_by_group: RowMap<f64>,
    /// The time column's type, to show a time.
    time_type: Option<arrow::datatypes::DataType>,
    /// Rows kept to judge at the end (train shares its resource).
    pending: Vec<Pending>,
    evaluated: u64,
    failing: u64,
    /// The lowest-located failing rows, with the bound they failed (as bits).
    lowest: std::collections::BinaryHeap<(u64, u64)>,
}

impl TemporalLeakage {
    pub fn new(per_group: bool) -> TemporalLeakage {
        TemporalLeakage {
            per_group,
            latest: None,
            latest_by_group: RowMap::default(),
            time_type: None,
            pending: Vec::new(),
            evaluated: 0,
            failing: 0,
            lowest: Default::default(),
        }
    }

    /// The latest train time a row of group `g` must be after.
    fn bound(&self, g: u128) -> Option<f64> {
        if self.per_group {
            self.latest_by_group.get(&g).copied()
        } else {
            self.latest
        }
    }

    /// Judges a validation or test row against the whole of train.
    fn judge(&mut self, (v, loc, g): Pending, samples: usize) {
        self.evaluated += 1;
        if let Some(latest) = self.bound(g)
            && v <= latest
        {
            self.failing += 1;
            self.lowest.push((loc, latest.to_bits()));
            if self.lowest.len() > samples {
                self.lowest.pop();
            }
        }
    }
}

impl MlKernel for TemporalLeakage {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        let mut c: Vec<String> = cx.ml.time.iter().cloned().collect();
        if self.per_group {
            c.extend(cx.ml.group_by.iter().cloned());
        }
        c
    }

    fn update(&mut self, cx: &MlCx, b: &MlBatch) -> Result<(), String> {
        let Some(time) = &cx.ml.time else {
            return Err("no `time` column is declared".into());
        };
        let a = b.column(time)?.clone();
        self.time_type.get_or_insert_with(|| a.data_type().clone());
        let t = times(&a)?;
        let groups = if self.per_group {
            let cols = b.columns(&cx.ml.group_by)?;
            Some(row_hashes(&cols)?)
        } else {
            None
        };
        let train = cx.splits[b.split].name == SplitName::Train;
        // Train read whole before the other splits: they are judged as they arrive.
        let shared = cx.splits.iter().any(|s| {
            s.name != SplitName::Train
                && Some(&s.resource) == cx.splits.first().map(|t| &t.resource)
        });
        for (i, v) in t.iter().enumerate() {
            let Some(v) = *v else { continue };
            if v.is_nan() {
                continue;
            }
            let group = groups.as_ref().map_or(0, |g| g[i]);
            if !train {
                if shared {
                    let before = self.pending.capacity();
                    self.pending.push((v, b.loc(i), group));
                    cx.keep((self.pending.capacity() - before) as u64 * 32)?;
                } else {
                    self.judge((v, b.loc(i), group), cx.options.samples);
                }
                continue;
            }
            if self.latest.is_none_or(|l| v > l) {
                self.latest = Some(v);
            }
            if groups.is_some() {
                if !self.latest_by_group.contains_key(&group) {
                    cx.keep(GROUP_COST)?;
                }
                let e = self
                    .latest_by_group
                    .entry(group)
                    .or_insert(f64::NEG_INFINITY);
                if v > *e {
                    *e = v;
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, seen: &Seen) -> Outcome {
        for p in std::mem::take(&mut self.pending) {
            self.judge(p, cx.options.samples);
        }
        let (evaluated, failing) = (self.evaluated, self.failing);
        let lowest = std::mem::take(&mut self.lowest).into_sorted_vec();
        let time: Vec<String> = cx.ml.time.iter().cloned().collect();
        let values = match seen.sources.values(lowest.iter().map(|(l, _)| *l), &time) {
            Ok(v) => v,
            Err(e) => {
                return Outcome::error(format!("reading the samples' values: {e}"));
            }
        };
        let scope = if self.per_group { "its group's" } else { "the" };
        let samples = lowest
            .iter()
            .map(|&(loc, latest)| {
                let shown = self
                    .time_type
                    .as_ref()
                    .map(|t| show_time(t, f64::from_bits(latest)))
                    .unwrap_or_default();
                sample(
                    &seen.sources.loc(loc),
                    values.get(&loc).cloned().unwrap_or_default(),
                    format!(
                        "this {} row is not after {scope} latest train time, {shown}",
                        cx.splits[seen.sources.split(loc)].name.as_str()
                    ),
                )
            })
            .collect();
        Outcome {
            evaluated,
            failing,
            observed: (!self.per_group)
                .then_some(())
                .and(self.latest.zip(self.time_type.as_ref()))
                .map(|(v, t)| serde_json::json!({"latest_train_time": show_time(t, v)})),
            message: (failing > 0).then(|| {
                format!(
                    "{failing} of {evaluated} validation and test rows are not after the train split{}",
                    if self.per_group { " (per group)" } else { "" }
                )
            }),
            samples,
            ..Default::default()
        }
    }
}
