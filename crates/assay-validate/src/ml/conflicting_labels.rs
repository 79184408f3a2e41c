//! `conflicting_labels`: rows whose feature values are identical (equal 128-bit hashes of the
//! feature columns) but whose labels differ, in any splits.

use super::{Loc, MlBatch, MlCx, MlKernel, Outcome, RowMap, Seen, render, row_hashes, sample};

#[derive(Default)]
pub(crate) struct ConflictingLabels {
    /// Per distinct feature row: the first label seen and where, the rows, and whether
    /// another label was seen.
    rows: RowMap<FirstSeen>,
    /// Each label value's text, by its hash (a label has few values).
    label_texts: RowMap<String>,
    labelled: u64,
    samples: Vec<(Loc, super::Sample)>,
    kept: u64,
}

struct FirstSeen {
    label: u128,
    at: Loc,
    rows: u64,
    conflict: bool,
}

impl MlKernel for ConflictingLabels {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        let mut c = cx.features.to_vec();
        c.extend(cx.ml.label.iter().map(|l| l.column.clone()));
        c
    }

    fn update(&mut self, cx: &MlCx, b: &MlBatch) -> Result<(), String> {
        let Some(l) = &cx.ml.label else {
            return Err("no `label` is declared".into());
        };
        let cols = b.columns(cx.features)?;
        let label = b.column(&l.column)?.clone();
        let hashes = b.feature_hashes(cx)?;
        let labels = row_hashes(std::slice::from_ref(&label))?;
        for (i, h) in hashes.iter().enumerate() {
            if label.is_null(i) || cols.iter().any(|c| c.is_null(i)) {
                continue;
            }
            self.labelled += 1;
            self.label_texts
                .entry(labels[i])
                .or_insert_with(|| render(label.as_ref(), i));
            match self.rows.get_mut(h) {
                None => {
                    self.kept += super::split_leakage::ROW_COST * 2;
                    if self.kept > cx.options.memory_limit / 2 {
                        return Err(super::over_limit(cx));
                    }
                    self.rows.insert(
                        *h,
                        FirstSeen {
                            label: labels[i],
                            at: b.at(i),
                            rows: 1,
                            conflict: false,
                        },
                    );
                }
                Some(s) => {
                    s.rows += 1;
                    if s.label != labels[i] {
                        if !s.conflict && self.samples.len() < cx.options.samples {
                            let at = b.at(i);
                            let mut values: Vec<String> =
                                cols.iter().map(|c| render(c.as_ref(), i)).collect();
                            values.push(render(label.as_ref(), i));
                            let note = format!(
                                "label `{}` here, `{}` at {} for the same features",
                                render(label.as_ref(), i),
                                self.label_texts.get(&s.label).map_or("", String::as_str),
                                s.at
                            );
                            self.samples.push((at.clone(), sample(&at, values, note)));
                        }
                        s.conflict = true;
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, _: &Seen) -> Outcome {
        let (groups, failing) = self
            .rows
            .values()
            .filter(|s| s.conflict)
            .fold((0u64, 0u64), |(g, r), s| (g + 1, r + s.rows));
        let mut samples = std::mem::take(&mut self.samples);
        samples.sort_by(|a, b| a.0.cmp(&b.0));
        Outcome {
            evaluated: self.labelled,
            failing,
            message: (failing > 0).then(|| {
                format!(
                    "{failing} of {} labelled rows share their features with a row of another label ({groups} distinct feature rows)",
                    self.labelled
                )
            }),
            samples: samples
                .into_iter()
                .take(cx.options.samples)
                .map(|(_, s)| s)
                .collect(),
            ..Default::default()
        }
    }
}
