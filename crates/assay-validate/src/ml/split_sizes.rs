//! `split_sizes`: every declared split has rows, and each split's share of all rows is within
//! its declared bounds.

use assay_model::ml::SplitName;

use super::{MlBatch, MlCx, MlKernel, Outcome, Seen};

pub(crate) struct SplitSizes {
    /// `[min, max]` shares of train, validation and test.
    bounds: [Option<[f64; 2]>; 3],
}

impl SplitSizes {
    pub fn new(bounds: [Option<[f64; 2]>; 3]) -> SplitSizes {
        SplitSizes { bounds }
    }
}

impl MlKernel for SplitSizes {
    fn columns(&self, _: &MlCx) -> Vec<String> {
        Vec::new()
    }

    fn update(&mut self, _: &MlCx, _: &MlBatch) -> Result<(), String> {
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, seen: &Seen) -> Outcome {
        let rows = seen.rows;
        let total: u64 = rows.iter().sum();
        let mut problems = Vec::new();
        let mut shares = serde_json::Map::new();
        for (s, &n) in cx.splits.iter().zip(rows) {
            let share = if total == 0 {
                0.0
            } else {
                n as f64 / total as f64
            };
            shares.insert(s.name.as_str().into(), serde_json::json!(share));
            let bound = self.bounds[match s.name {
                SplitName::Train => 0,
                SplitName::Validation => 1,
                SplitName::Test => 2,
            }];
            if n == 0 {
                problems.push(format!("the {} split has no rows", s.name.as_str()));
            } else if let Some([lo, hi]) = bound
                && !(lo..=hi).contains(&share)
            {
                problems.push(format!(
                    "the {} split is {:.2}% of the rows, outside [{:.2}%, {:.2}%]",
                    s.name.as_str(),
                    share * 100.0,
                    lo * 100.0,
                    hi * 100.0
                ));
            }
        }
        Outcome {
            evaluated: rows.len() as u64,
            failing: problems.len() as u64,
            observed: Some(serde_json::Value::Object(shares)),
            message: (!problems.is_empty()).then(|| problems.join("; ")),
            ..Default::default()
        }
    }
}
