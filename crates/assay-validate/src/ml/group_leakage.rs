//! `group_leakage`: an entity of the `groupBy` columns (a machine, a batch, a wafer) with rows
//! in more than one split.

use arrow::array::Array;
use arrow::buffer::NullBuffer;

use super::{MlBatch, MlCx, MlKernel, Outcome, RowMap, Seen, row_hashes, sample};

/// A split the group is not in.
const NONE: u64 = u64::MAX;

/// Bytes one group costs in the table, about.
const GROUP_COST: u64 = 48;

#[derive(Default)]
pub(crate) struct GroupLeakage {
    /// Per group: the location of its first row in each split ([`NONE`]: not in it), packed.
    /// Locations order as the splits, so this holds in whatever order the rows are read.
    groups: RowMap<[u64; 3]>,
}

impl MlKernel for GroupLeakage {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        cx.ml.group_by.clone()
    }

    fn update(&mut self, cx: &MlCx, b: &MlBatch) -> Result<(), String> {
        let cols = b.columns(&cx.ml.group_by)?;
        let hashes = row_hashes(&cols)?;
        let valid = cols.iter().fold(None::<NullBuffer>, |acc, c| {
            NullBuffer::union(acc.as_ref(), c.logical_nulls().as_ref())
        });
        for (i, h) in hashes.iter().enumerate() {
            if valid.as_ref().is_some_and(|v| v.is_null(i)) {
                continue;
            }
            let first = match self.groups.get_mut(h) {
                Some(g) => g,
                None => {
                    cx.keep(GROUP_COST)?;
                    self.groups.entry(*h).or_insert([NONE; 3])
                }
            };
            let loc = b.loc(i);
            if loc < first[b.split] {
                first[b.split] = loc;
            }
        }
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, seen: &Seen) -> Outcome {
        let mut failing = 0u64;
        let mut by_pair: std::collections::BTreeMap<String, u64> = Default::default();
        // The leaked groups located at their first row in the second split they are in; the
        // lowest of those locations are the samples.
        let mut leaks: std::collections::BinaryHeap<(u64, [u64; 3])> = Default::default();
        let present = |first: &[u64; 3]| -> Vec<usize> {
            (0..first.len()).filter(|&s| first[s] != NONE).collect()
        };
        for first in self.groups.values() {
            let present = present(first);
            if present.len() < 2 {
                continue;
            }
            failing += 1;
            let names: Vec<&str> = present
                .iter()
                .map(|&s| cx.splits[s].name.as_str())
                .collect();
            *by_pair.entry(names.join(" and ")).or_insert(0) += 1;
            leaks.push((first[present[1]], *first));
            if leaks.len() > cx.options.samples {
                leaks.pop();
            }
        }
        let leaks = leaks.into_sorted_vec();
        let values = match seen
            .sources
            .values(leaks.iter().map(|(at, _)| *at), &cx.ml.group_by)
        {
            Ok(v) => v,
            Err(e) => {
                return Outcome::error(format!("reading the samples' values: {e}"));
            }
        };
        let samples = leaks
            .iter()
            .map(|(at, first)| {
                let values = values.get(at).cloned().unwrap_or_default();
                let wheres: Vec<String> = present(first)
                    .iter()
                    .map(|&s| {
                        format!(
                            "{} ({})",
                            cx.splits[s].name.as_str(),
                            seen.sources.loc(first[s])
                        )
                    })
                    .collect();
                sample(
                    &seen.sources.loc(*at),
                    values.clone(),
                    format!(
                        "{} `{}` is in {}",
                        cx.ml.group_by.join(", "),
                        values.join(", "),
                        wheres.join(" and ")
                    ),
                )
            })
            .collect();
        Outcome {
            evaluated: self.groups.len() as u64,
            failing,
            observed: Some(serde_json::json!(by_pair)),
            message: (failing > 0).then(|| {
                format!(
                    "{failing} of {} {} values are in more than one split ({})",
                    self.groups.len(),
                    cx.ml.group_by.join(", "),
                    by_pair
                        .iter()
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
            samples,
            ..Default::default()
        }
    }
}
