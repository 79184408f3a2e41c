//! `group_leakage`: an entity of the `groupBy` columns (a machine, a batch, a wafer) with rows
//! in more than one split.

use super::{Loc, MlBatch, MlCx, MlKernel, Outcome, RowMap, Seen, render, row_hashes, sample};

#[derive(Default)]
pub(crate) struct GroupLeakage {
    /// Per group: where it first appeared in each split, and its values as text once it is
    /// seen in a second split.
    groups: RowMap<Group>,
    kept: u64,
}

struct Group {
    values: Vec<String>,
    first: [Option<Loc>; 3],
}

impl MlKernel for GroupLeakage {
    fn columns(&self, cx: &MlCx) -> Vec<String> {
        cx.ml.group_by.clone()
    }

    fn update(&mut self, cx: &MlCx, b: &MlBatch) -> Result<(), String> {
        let cols = b.columns(&cx.ml.group_by)?;
        let hashes = row_hashes(&cols)?;
        for (i, h) in hashes.iter().enumerate() {
            if cols.iter().any(|c| c.is_null(i)) {
                continue;
            }
            let g = match self.groups.get_mut(h) {
                Some(g) => g,
                None => {
                    self.kept += super::split_leakage::ROW_COST * 2;
                    if self.kept > cx.options.memory_limit / 2 {
                        return Err(super::over_limit(cx));
                    }
                    self.groups.entry(*h).or_insert_with(|| Group {
                        values: Vec::new(),
                        first: [None, None, None],
                    })
                }
            };
            if g.first[b.split].is_none() {
                g.first[b.split] = Some(b.at(i));
                if g.values.is_empty() && g.first.iter().flatten().count() > 1 {
                    g.values = cols.iter().map(|c| render(c.as_ref(), i)).collect();
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, cx: &MlCx, _: &Seen) -> Outcome {
        let mut leaked: Vec<(&Loc, &Group)> = Vec::new();
        let mut by_pair: std::collections::BTreeMap<String, u64> = Default::default();
        for g in self.groups.values() {
            let present: Vec<usize> = (0..g.first.len())
                .filter(|&s| g.first[s].is_some())
                .collect();
            if present.len() < 2 {
                continue;
            }
            let names: Vec<&str> = present
                .iter()
                .map(|&s| cx.splits[s].name.as_str())
                .collect();
            *by_pair.entry(names.join(" and ")).or_insert(0) += 1;
            // Located at its first row in the second split it appears in.
            leaked.push((g.first[present[1]].as_ref().expect("present"), g));
        }
        leaked.sort_by(|a, b| a.0.cmp(b.0).then_with(|| a.1.values.cmp(&b.1.values)));
        let samples = leaked
            .iter()
            .take(cx.options.samples)
            .map(|(at, g)| {
                let wheres: Vec<String> = g
                    .first
                    .iter()
                    .enumerate()
                    .filter_map(|(s, l)| {
                        l.as_ref()
                            .map(|l| format!("{} ({l})", cx.splits[s].name.as_str()))
                    })
                    .collect();
                sample(
                    at,
                    g.values.clone(),
                    format!(
                        "{} `{}` is in {}",
                        cx.ml.group_by.join(", "),
                        g.values.join(", "),
                        wheres.join(" and ")
                    ),
                )
            })
            .collect();
        let failing = leaked.len() as u64;
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
