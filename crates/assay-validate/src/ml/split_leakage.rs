//! `split_leakage`: validation and test rows whose feature values equal a train row's (and
//! test rows equal to a validation row's), by 128-bit hashes of the feature columns. The rows
//! are compared by the driver's store ([`super::rows`]), bounded by `--memory-limit`.

use super::{MlBatch, MlCx, MlKernel, Outcome, Seen, sample};

pub(crate) struct SplitLeakage {
    max_share: f64,
}

impl SplitLeakage {
    pub fn new(max_share: f64) -> SplitLeakage {
        SplitLeakage { max_share }
    }
}

impl MlKernel for SplitLeakage {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        cx.features.to_vec()
    }

    fn update(&mut self, _: &MlCx, _: &MlBatch) -> Result<(), String> {
        Ok(())
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
        let mut observed = serde_json::Map::new();
        let mut worst = 0.0f64;
        let mut parts = Vec::new();
        for (s, split) in cx.splits.iter().enumerate().skip(1) {
            let (shared, compared) = (
                c.found.shared.get(s).copied().unwrap_or(0),
                c.compared.get(s).copied().unwrap_or(0),
            );
            let share = if compared == 0 {
                0.0
            } else {
                shared as f64 / compared as f64
            };
            worst = worst.max(share);
            observed.insert(split.name.as_str().into(), serde_json::json!(share));
            if shared > 0 {
                parts.push(format!(
                    "{shared} of {compared} {} rows ({:.4}%) are in an earlier split",
                    split.name.as_str(),
                    share * 100.0
                ));
            }
        }
        let n = cx.features.len();
        let samples = c
            .found
            .shared_samples
            .iter()
            .map(|&(at, first)| {
                let values = c.values(at);
                sample(
                    &seen.sources.loc(at),
                    values[..n.min(values.len())].to_vec(),
                    format!(
                        "this {} row is also in {} at {}",
                        cx.splits[seen.sources.split(at)].name.as_str(),
                        cx.splits[seen.sources.split(first)].name.as_str(),
                        seen.sources.loc(first)
                    ),
                )
            })
            .collect();
        Outcome {
            evaluated: c.compared.iter().skip(1).sum(),
            failing: c.found.shared.iter().skip(1).sum(),
            fails: Some(worst > self.max_share + 1e-12),
            threshold: self.max_share,
            observed: Some(serde_json::Value::Object(observed)),
            message: (!parts.is_empty()).then(|| parts.join("; ")),
            samples,
            ..Default::default()
        }
    }
}
