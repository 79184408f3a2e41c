//! `split_leakage`: validation and test rows whose feature values equal a train row's (and
//! test rows equal to a validation row's), by 128-bit hashes of the feature columns.

use super::{Loc, MlBatch, MlCx, MlKernel, Outcome, RowMap, Seen, render, sample};

pub(crate) struct SplitLeakage {
    max_share: f64,
    /// Per split seen so far, each distinct row's hash and where it first appeared.
    seen: Vec<RowMap<Loc>>,
    /// Rows of each split found in an earlier split.
    shared: Vec<u64>,
    /// Rows of each split with every feature non-null (compared).
    compared: Vec<u64>,
    samples: Vec<super::Sample>,
    /// Bytes kept, against `--memory-limit`.
    kept: u64,
}

impl SplitLeakage {
    pub fn new(max_share: f64) -> SplitLeakage {
        SplitLeakage {
            max_share,
            seen: Vec::new(),
            shared: Vec::new(),
            compared: Vec::new(),
            samples: Vec::new(),
            kept: 0,
        }
    }
}

/// Bytes one kept row costs, about: the hash, its location and the table's overhead.
pub(crate) const ROW_COST: u64 = 64;

impl MlKernel for SplitLeakage {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        cx.features.to_vec()
    }

    fn update(&mut self, cx: &MlCx, b: &MlBatch) -> Result<(), String> {
        let n = cx.splits.len();
        self.seen.resize_with(n, RowMap::default);
        self.shared.resize(n, 0);
        self.compared.resize(n, 0);
        let cols = b.columns(cx.features)?;
        let hashes = b.feature_hashes(cx)?;
        let last = b.split + 1 == n;
        for (i, h) in hashes.iter().enumerate() {
            if cols.iter().any(|c| c.is_null(i)) {
                continue;
            }
            self.compared[b.split] += 1;
            let earlier = (0..b.split).find_map(|s| self.seen[s].get(h).map(|at| (s, at)));
            if let Some((s, at)) = earlier {
                self.shared[b.split] += 1;
                if self.samples.len() < cx.options.samples {
                    let values = cols.iter().map(|c| render(c.as_ref(), i)).collect();
                    self.samples.push(sample(
                        &b.at(i),
                        values,
                        format!(
                            "this {} row is also in {} at {at}",
                            cx.splits[b.split].name.as_str(),
                            cx.splits[s].name.as_str()
                        ),
                    ));
                }
            }
            // The last split is compared, never compared against.
            if !last && !self.seen[b.split].contains_key(h) {
                self.kept += ROW_COST;
                if self.kept > cx.options.memory_limit / 2 {
                    return Err(super::over_limit(cx));
                }
                self.seen[b.split].insert(*h, b.at(i));
            }
        }
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, _: &Seen) -> Outcome {
        let mut observed = serde_json::Map::new();
        let mut worst = 0.0f64;
        let mut parts = Vec::new();
        for (s, split) in cx.splits.iter().enumerate().skip(1) {
            let (shared, compared) = (
                self.shared.get(s).copied().unwrap_or(0),
                self.compared.get(s).copied().unwrap_or(0),
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
        Outcome {
            evaluated: self.compared.iter().skip(1).sum(),
            failing: self.shared.iter().skip(1).sum(),
            fails: Some(worst > self.max_share + 1e-12),
            threshold: self.max_share,
            observed: Some(serde_json::Value::Object(observed)),
            message: (!parts.is_empty()).then(|| parts.join("; ")),
            samples: std::mem::take(&mut self.samples),
            ..Default::default()
        }
    }
}
