//! `temporal_leakage`: validation and test rows not strictly after every train row, over the
//! whole split or within each `groupBy` entity.

use assay_model::ml::SplitName;

use super::{
    MlBatch, MlCx, MlKernel, Outcome, RowMap, Seen, render, row_hashes, sample, show_time, times,
};

/// Bytes one group's latest train time costs in the table, about.
const GROUP_COST: u64 = 32;

pub(crate) struct TemporalLeakage {
    per_group: bool,
    /// The latest train time, overall and per group.
    latest: Option<f64>,
    latest_by_group: RowMap<f64>,
    /// The time column's type, to show a time.
    time_type: Option<arrow::datatypes::DataType>,
    evaluated: u64,
    failing: u64,
    samples: Vec<super::Sample>,
}

impl TemporalLeakage {
    pub fn new(per_group: bool) -> TemporalLeakage {
        TemporalLeakage {
            per_group,
            latest: None,
            latest_by_group: RowMap::default(),
            time_type: None,
            evaluated: 0,
            failing: 0,
            samples: Vec::new(),
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
        for (i, v) in t.iter().enumerate() {
            let Some(v) = *v else { continue };
            if v.is_nan() {
                continue;
            }
            if train {
                match &groups {
                    None => {
                        if self.latest.is_none_or(|l| v > l) {
                            self.latest = Some(v);
                        }
                    }
                    Some(g) => {
                        if !self.latest_by_group.contains_key(&g[i]) {
                            cx.keep(GROUP_COST)?;
                        }
                        let e = self
                            .latest_by_group
                            .entry(g[i])
                            .or_insert(f64::NEG_INFINITY);
                        if v > *e {
                            *e = v;
                        }
                    }
                }
                continue;
            }
            let bound = match &groups {
                None => self.latest,
                Some(g) => self.latest_by_group.get(&g[i]).copied(),
            };
            self.evaluated += 1;
            if let Some(latest) = bound
                && v <= latest
            {
                let shown = show_time(a.data_type(), latest);
                self.failing += 1;
                if self.samples.len() < cx.options.samples {
                    let scope = if groups.is_some() {
                        "its group's"
                    } else {
                        "the"
                    };
                    self.samples.push(sample(
                        &b.at(i),
                        vec![render(a.as_ref(), i)],
                        format!(
                            "this {} row is not after {scope} latest train time, {shown}",
                            cx.splits[b.split].name.as_str()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, _: &MlCx, _: &Seen) -> Outcome {
        Outcome {
            evaluated: self.evaluated,
            failing: self.failing,
            observed: self
                .latest
                .zip(self.time_type.as_ref())
                .map(|(v, t)| serde_json::json!({"latest_train_time": show_time(t, v)})),
            message: (self.failing > 0).then(|| {
                format!(
                    "{} of {} validation and test rows are not after the train split{}",
                    self.failing,
                    self.evaluated,
                    if self.per_group { " (per group)" } else { "" }
                )
            }),
            samples: std::mem::take(&mut self.samples),
            ..Default::default()
        }
    }
}
