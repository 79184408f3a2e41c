//! `conflicting_labels`: rows whose feature values are identical (equal 128-bit hashes of the
//! feature columns) but whose labels differ, in any splits. The rows are compared by the
//! driver's store ([`super::rows`]), bounded by `--memory-limit`.

use super::{MlBatch, MlCx, MlKernel, Outcome, Seen, sample};

#[derive(Default)]
pub(crate) struct ConflictingLabels;

impl MlKernel for ConflictingLabels {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        let mut c = cx.features.to_vec();
        c.extend(cx.ml.label.iter().map(|l| l.column.clone()));
        c
    }

    fn update(&mut self, cx: &MlCx, _: &MlBatch) -> Result<(), String> {
        match &cx.ml.label {
            Some(_) => Ok(()),
            None => Err("no `label` is declared".into()),
        }
    }

    fn compares_rows(&self) -> bool {
        true
    }

    fn finish(&mut self, cx: &MlCx, seen: &Seen) -> Outcome {
        let c = match seen.compared() {
            Ok(c) => c,
            Err(e) => {
                return Outcome::error(e);
            }
        };
        let (groups, failing) = (c.found.conflict_groups, c.found.conflict_rows);
        let label_of = |loc: u64| {
            c.values(loc)
                .get(cx.features.len())
                .cloned()
                .unwrap_or_default()
        };
        let samples = c
            .found
            .conflict_samples
            .iter()
            .map(|&(at, first)| {
                let note = format!(
                    "label `{}` here, `{}` at {} for the same features",
                    label_of(at),
                    label_of(first),
                    seen.sources.loc(first)
                );
                sample(&seen.sources.loc(at), c.values(at).to_vec(), note)
            })
            .collect();
        Outcome {
            evaluated: c.labelled,
            failing,
            message: (failing > 0).then(|| {
                format!(
                    "{failing} of {} labelled rows share their features with a row of another label ({groups} distinct feature rows)",
                    c.labelled
                )
            }),
            samples,
            ..Default::default()
        }
    }
}
