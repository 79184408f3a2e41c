//! `group_leakage`: an entity of the `groupBy` columns (a machine, a batch, a wafer) with rows
//! in more than one split.

use std::sync::Arc;

use arrow::array::Array;
use arrow::buffer::NullBuffer;

use super::{Loc, MlBatch, MlCx, MlKernel, Outcome, RowMap, Seen, render, row_hashes, sample};

/// A split the group is not in.
const NONE: u64 = u64::MAX;

#[derive(Default)]
pub(crate) struct GroupLeakage {
    /// Per group: the location of its first row in each split ([`NONE`]: not in it), as the
    /// file's index in `files` and the row's number.
    groups: RowMap<[u64; 3]>,
    /// The files of those locations, in read order.
    files: Vec<Arc<str>>,
    /// The first groups to reach a second split, in read order (the samples), with their
    /// values as text.
    leaks: Vec<(u128, Vec<String>)>,
}

/// Bytes one group costs in the table, about.
const GROUP_COST: u64 = 48;

impl GroupLeakage {
    fn loc(&self, packed: u64) -> Loc {
        Loc {
            file: self.files[super::rows::file_of(packed)].clone(),
            row: super::rows::row_of(packed),
        }
    }
}

impl MlKernel for GroupLeakage {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        cx.ml.group_by.clone()
    }

    fn update(&mut self, cx: &MlCx, b: &MlBatch) -> Result<(), String> {
        if self.files.last() != Some(b.file) {
            self.files.push(b.file.clone());
        }
        let fi = self.files.len() - 1;
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
            if first[b.split] == NONE {
                first[b.split] = super::rows::pack(fi, b.rows[i]);
                // Its second split: a leak, found in read order.
                if self.leaks.len() < cx.options.samples
                    && first.iter().filter(|&&l| l != NONE).count() == 2
                {
                    self.leaks
                        .push((*h, cols.iter().map(|c| render(c.as_ref(), i)).collect()));
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, _: &Seen) -> Outcome {
        let mut failing = 0u64;
        let mut by_pair: std::collections::BTreeMap<String, u64> = Default::default();
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
        }
        let samples = self
            .leaks
            .iter()
            .filter_map(|(h, values)| {
                let first = self.groups.get(h)?;
                let present = present(first);
                let wheres: Vec<String> = present
                    .iter()
                    .map(|&s| format!("{} ({})", cx.splits[s].name.as_str(), self.loc(first[s])))
                    .collect();
                // Located at its first row in the second split it appears in.
                Some(sample(
                    &self.loc(first[present[1]]),
                    values.clone(),
                    format!(
                        "{} `{}` is in {}",
                        cx.ml.group_by.join(", "),
                        values.join(", "),
                        wheres.join(" and ")
                    ),
                ))
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
