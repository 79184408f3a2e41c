//! `split_drift`: per column (the features and the label), the drift from train to each
//! other split, by a named metric; a split drifts when at least `drift_share` of its columns
//! drift (Evidently's dataset drift).

use std::collections::{BTreeMap, BTreeSet};

use arrow::datatypes::DataType;
use assay_model::manifest::Task;
use assay_model::ml::{DriftMetric, SplitName};
use assay_model::report::DriftRow;

use super::drift::Sorted;
use super::values::Values;
use super::{MlBatch, MlCx, MlKernel, Outcome, Seen, count_values, drift};

pub(crate) struct Settings {
    pub metric: Option<DriftMetric>,
    pub categorical_metric: Option<DriftMetric>,
    pub threshold: Option<f64>,
    pub drift_share: f64,
    pub bins: usize,
    pub columns: Vec<String>,
    /// Numeric columns compared as categories.
    pub categorical: Vec<String>,
}

pub(crate) struct SplitDrift {
    s: Settings,
    /// Per column, per split: what was seen.
    kept: BTreeMap<String, Vec<Kept>>,
    /// Bytes of numeric values in memory; past an eighth of `--memory-limit` they spill.
    numbers: u64,
}

enum Kept {
    Numbers(Values),
    Categories(BTreeMap<String, u64>),
}

impl SplitDrift {
    pub fn new(s: Settings) -> SplitDrift {
        SplitDrift {
            s,
            kept: BTreeMap::new(),
            numbers: 0,
        }
    }

    fn columns_of(&self, cx: &MlCx) -> Vec<String> {
        if !self.s.columns.is_empty() {
            return self.s.columns.clone();
        }
        let mut c = cx.features.to_vec();
        c.extend(cx.ml.label.iter().map(|l| l.column.clone()));
        c
    }
}

/// True when a column is compared as numbers: numeric and temporal types, except a
/// classification label.
fn numeric(t: &DataType) -> bool {
    t.is_numeric() || t.is_temporal()
}

impl MlKernel for SplitDrift {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        self.columns_of(cx)
    }

    fn update(&mut self, cx: &MlCx, b: &MlBatch) -> Result<(), String> {
        let classification_label = cx
            .ml
            .label
            .as_ref()
            .filter(|l| l.kind == Task::Classification)
            .map(|l| l.column.as_str());
        for c in self.columns_of(cx) {
            let a = b.column(&c)?;
            let per_split = self.kept.entry(c.clone()).or_insert_with(|| {
                let as_numbers = numeric(a.data_type())
                    && classification_label != Some(&c)
                    && !self.s.categorical.contains(&c);
                (0..cx.splits.len())
                    .map(|_| {
                        if as_numbers {
                            Kept::Numbers(Values::default())
                        } else {
                            Kept::Categories(BTreeMap::new())
                        }
                    })
                    .collect()
            });
            match &mut per_split[b.split] {
                Kept::Numbers(v) => {
                    let t = super::times(a)?;
                    self.numbers += v.extend(t.into_iter().flatten().filter(|x| x.is_finite()));
                }
                Kept::Categories(m) => {
                    let before = m.len();
                    count_values(a, m)?;
                    cx.keep(48 * (m.len() - before) as u64)?;
                }
            }
        }
        if self.numbers > cx.options.memory_limit / 8 {
            for kept in self.kept.values_mut() {
                for k in kept.iter_mut() {
                    if let Kept::Numbers(v) = k {
                        v.spill()
                            .map_err(|e| format!("spilling drift values to disk: {e}"))?;
                    }
                }
            }
            self.numbers = 0;
        }
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, _: &Seen) -> Outcome {
        let train = cx
            .splits
            .iter()
            .position(|s| s.name == SplitName::Train)
            .unwrap_or(0);
        let numeric_metric = self.s.metric.unwrap_or(DriftMetric::Wasserstein);
        let categorical_metric = self
            .s
            .categorical_metric
            .filter(|m| m.categorical())
            .unwrap_or(DriftMetric::Jensenshannon);
        let mut rows = Vec::new();
        for kept in self.kept.values_mut() {
            for k in kept.iter_mut() {
                if let Kept::Numbers(v) = k {
                    v.sort();
                }
            }
        }
        for (s, split) in cx.splits.iter().enumerate() {
            if s == train {
                continue;
            }
            for (column, kept) in &self.kept {
                let (metric, value) = match (&kept[train], &kept[s]) {
                    (Kept::Numbers(p), Kept::Numbers(q)) => {
                        let m = numeric_metric;
                        let value = (p.count() > 0 && q.count() > 0).then(|| match m {
                            DriftMetric::Ks => drift::ks(p, q),
                            DriftMetric::Wasserstein => {
                                drift::wasserstein(p, q) / drift::std(p).max(0.001)
                            }
                            DriftMetric::Psi | DriftMetric::Jensenshannon | DriftMetric::Linf => {
                                let edges = drift::quantile_edges(p, self.s.bins);
                                let (hp, hq) = (
                                    drift::histogram(p.values(), &edges),
                                    drift::histogram(q.values(), &edges),
                                );
                                binned(m, &hp, &hq)
                            }
                        });
                        if let Some(e) = p.error().or_else(|| q.error()) {
                            return Outcome::error(e);
                        }
                        (m, value)
                    }
                    (Kept::Categories(p), Kept::Categories(q)) => {
                        let m = categorical_metric;
                        let keys: BTreeSet<&String> = p.keys().chain(q.keys()).collect();
                        let hp: Vec<u64> = keys
                            .iter()
                            .map(|k| p.get(*k).copied().unwrap_or(0))
                            .collect();
                        let hq: Vec<u64> = keys
                            .iter()
                            .map(|k| q.get(*k).copied().unwrap_or(0))
                            .collect();
                        let value = (!p.is_empty() && !q.is_empty()).then(|| binned(m, &hp, &hq));
                        (m, value)
                    }
                    _ => continue,
                };
                let threshold = self.s.threshold.unwrap_or(metric.default_threshold());
                rows.push(DriftRow {
                    split: split.name.as_str().to_string(),
                    column: column.clone(),
                    metric: metric.as_str().to_string(),
                    value,
                    threshold,
                    drifted: value.is_some_and(|v| v >= threshold),
                });
            }
        }
        let mut observed = serde_json::Map::new();
        let mut worst = 0.0f64;
        let mut parts = Vec::new();
        for split in cx.splits.iter().filter(|s| s.name != SplitName::Train) {
            let mine: Vec<&DriftRow> = rows
                .iter()
                .filter(|r| r.split == split.name.as_str() && r.value.is_some())
                .collect();
            let drifted: Vec<&str> = mine
                .iter()
                .filter(|r| r.drifted)
                .map(|r| r.column.as_str())
                .collect();
            let share = if mine.is_empty() {
                0.0
            } else {
                drifted.len() as f64 / mine.len() as f64
            };
            worst = worst.max(share);
            observed.insert(split.name.as_str().into(), serde_json::json!(share));
            if !drifted.is_empty() {
                parts.push(format!(
                    "{}: {} of {} columns drifted ({})",
                    split.name.as_str(),
                    drifted.len(),
                    mine.len(),
                    drifted.join(", ")
                ));
            }
        }
        let evaluated = rows.iter().filter(|r| r.value.is_some()).count() as u64;
        let failing = rows.iter().filter(|r| r.drifted).count() as u64;
        let fails = worst >= self.s.drift_share && failing > 0;
        Outcome {
            evaluated,
            failing,
            fails: Some(fails),
            threshold: self.s.drift_share,
            observed: Some(serde_json::Value::Object(observed)),
            message: (!parts.is_empty()).then(|| {
                format!(
                    "{}{}",
                    parts.join("; "),
                    if fails {
                        format!(" — at or above the drift share {}", self.s.drift_share)
                    } else {
                        String::new()
                    }
                )
            }),
            drift: rows,
            ..Default::default()
        }
    }
}

/// A metric over bin or category counts.
fn binned(m: DriftMetric, p: &[u64], q: &[u64]) -> f64 {
    match m {
        DriftMetric::Psi => drift::psi(p, q),
        DriftMetric::Linf => drift::linf(p, q),
        _ => drift::jensenshannon(p, q),
    }
}
