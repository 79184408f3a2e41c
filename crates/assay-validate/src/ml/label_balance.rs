//! `label_balance`: every class common enough in train (a share of at least `min_share`,
//! default 0.1 / K, cleanlab's class-imbalance default), at least `min_count` rows of each
//! class in each split, and no class in validation or test that train lacks.

use std::collections::BTreeMap;

use assay_model::Scalar;
use assay_model::ml::SplitName;

use assay_model::manifest::Task;

use super::{MlBatch, MlCx, MlKernel, Outcome, Seen};

pub(crate) struct LabelBalance {
    min_share: Option<f64>,
    min_count: Option<u64>,
}

impl LabelBalance {
    pub fn new(min_share: Option<f64>, min_count: Option<u64>) -> LabelBalance {
        LabelBalance {
            min_share,
            min_count,
        }
    }
}

/// A declared class as the data shows it (`1`, not `1.0`, for a whole number).
fn class_text(s: &Scalar) -> String {
    match s {
        Scalar::Text(t) => t.clone(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
    }
}

impl MlKernel for LabelBalance {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        cx.ml.label.iter().map(|l| l.column.clone()).collect()
    }

    /// The driver counts the label's values per split as it reads them ([`Seen::labels`]).
    fn update(&mut self, _: &MlCx, _: &MlBatch) -> Result<(), String> {
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, seen: &Seen) -> Outcome {
        if let Some(e) = seen.labels_error {
            return Outcome::error(format!("the label's classes were not counted: {e}"));
        }
        let why = match &cx.ml.label {
            None => Some("no `label` is declared"),
            Some(l) if l.kind != Task::Classification => {
                Some("the label is a regression target: it has no classes to balance")
            }
            Some(_) => None,
        };
        let (Some(l), None) = (&cx.ml.label, why) else {
            return Outcome {
                error: why.map(str::to_string),
                ..Default::default()
            };
        };
        let counts: &[BTreeMap<String, u64>] = seen.labels;
        let train = cx
            .splits
            .iter()
            .position(|s| s.name == SplitName::Train)
            .unwrap_or(0);
        // The classes: as declared, else those train has.
        let classes: Vec<String> = if l.classes.is_empty() {
            counts[train].keys().cloned().collect()
        } else {
            l.classes.iter().map(class_text).collect()
        };
        let k = classes.len().max(1);
        let min_share = self.min_share.unwrap_or(0.1 / k as f64);
        let min_count = self.min_count.unwrap_or(1);
        let train_rows: u64 = counts[train].values().sum();
        let mut problems = Vec::new();
        let mut evaluated = 0u64;
        for c in &classes {
            evaluated += 1;
            let n = counts[train].get(c).copied().unwrap_or(0);
            let share = if train_rows == 0 {
                0.0
            } else {
                n as f64 / train_rows as f64
            };
            if share < min_share {
                problems.push(format!(
                    "class `{c}` is {:.3}% of train, under {:.3}%",
                    share * 100.0,
                    min_share * 100.0
                ));
            }
        }
        for (s, split) in cx.splits.iter().enumerate() {
            for c in &classes {
                evaluated += 1;
                let n = counts[s].get(c).copied().unwrap_or(0);
                if n < min_count {
                    problems.push(format!(
                        "class `{c}` has {n} rows in {}, fewer than {min_count}",
                        split.name.as_str()
                    ));
                }
            }
            if !l.classes.is_empty() {
                for (c, n) in &counts[s] {
                    if !classes.contains(c) {
                        evaluated += 1;
                        problems.push(format!(
                            "class `{c}` ({n} rows in {}) is not among the declared classes",
                            split.name.as_str()
                        ));
                    }
                }
            }
            if s == train {
                continue;
            }
            for (c, n) in &counts[s] {
                if !counts[train].contains_key(c) {
                    evaluated += 1;
                    problems.push(format!(
                        "class `{c}` ({n} rows) is in {} but not in train",
                        split.name.as_str()
                    ));
                }
            }
        }
        let rarest = classes
            .iter()
            .map(|c| (counts[train].get(c).copied().unwrap_or(0), c))
            .min();
        Outcome {
            evaluated,
            failing: problems.len() as u64,
            observed: rarest.map(|(n, c)| {
                serde_json::json!({
                    "rarest_class": c,
                    "rarest_share": if train_rows == 0 { 0.0 } else { n as f64 / train_rows as f64 },
                    "min_share": min_share,
                })
            }),
            message: (!problems.is_empty()).then(|| problems.join("; ")),
            ..Default::default()
        }
    }
}
