//! Reading one row group into the accumulators, footer null counts, and the search for
//! two-column keys.

use super::acc::*;
use super::*;

/// The null count of the top-level primitive column `name` from the footers, when every row
/// group records it; `None` for nested columns, whose leaf counts include null items.
pub(crate) fn leaf_nulls(metas: &[(String, ArrowReaderMetadata)], name: &str) -> Option<u64> {
    let mut total = 0;
    for (_, m) in metas {
        let descr = m.metadata().file_metadata().schema_descr();
        let leaf = (0..descr.num_columns())
            .find(|&c| descr.column(c).path().parts() == [name.to_string()])?;
        for rg in m.metadata().row_groups() {
            total += rg.column(leaf).statistics()?.null_count_opt()?;
        }
    }
    Some(total)
}

/// One row group's order facts per column, and per tracked column the hash of every row.
pub(crate) type RowGroupOut = (Vec<Option<Order>>, Vec<Moments>, Vec<Vec<u64>>);

#[allow(clippy::too_many_arguments)]
pub(crate) fn read_row_group(
    file: &(String, PathBuf),
    meta: &ArrowReaderMetadata,
    rg: usize,
    decoded: &[usize],
    tracked: &[usize],
    accs: &mut [Acc],
    first_row: u64,
    limit: usize,
    stride: u64,
) -> Result<RowGroupOut, String> {
    let (name, path) = file;
    let err = |e: &dyn std::fmt::Display| format!("{name}: row group {rg}: {e}");
    let f = crate::source::Source::open_path(path).map_err(|e| err(&e))?;
    let columns: Vec<&str> = decoded
        .iter()
        .filter(|&&i| kind_of(meta.schema().field(i).data_type()) == Kind::Str)
        .map(|&i| meta.schema().field(i).name().as_str())
        .collect();
    let hinted = crate::engine::dictionary_hints_for(meta, meta.metadata().row_group(rg), &columns);
    let mask = ProjectionMask::roots(hinted.parquet_schema(), decoded.iter().copied());
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, hinted)
        .with_row_groups(vec![rg])
        .with_projection(mask)
        .with_batch_size(65_536)
        .build()
        .map_err(|e| err(&e))?;
    let mut order: Vec<Option<Order>> = vec![None; accs.len()];
    let mut hashes: Vec<Vec<u64>> = vec![Vec::new(); tracked.len()];
    let mut moments = vec![Moments::default(); accs.len()];
    let mut base = first_row;
    for batch in reader {
        let batch = batch.map_err(|e| err(&e))?;
        for (pos, &i) in decoded.iter().enumerate() {
            let mut m = Moments::default();
            let o = feed(&mut accs[i], batch.column(pos), limit, stride, base, &mut m);
            moments[i].merge(m);
            order[i] = join(order[i], o);
            if let Some(t) = tracked.iter().position(|&c| c == i) {
                let mut buf = vec![0u64; batch.num_rows()];
                datafusion::common::hash_utils::create_hashes_with_hasher(
                    [batch.column(pos).as_ref()],
                    &HASH,
                    &mut buf,
                )
                .map_err(|e| err(&e))?;
                hashes[t].extend_from_slice(&buf);
            }
        }
        base += batch.num_rows() as u64;
    }
    Ok((order, moments, hashes))
}

/// Pairs of columns whose combined values are unique over all rows, from per-row hashes:
/// distinct hashes imply distinct values, so a pair reported is exactly unique (a hash collision
/// could only hide a key, never invent one).
pub(crate) fn unique_pairs(
    columns: &[ColumnProfile],
    tracked: &[usize],
    hashes: &[Vec<Vec<u64>>],
    rows: u64,
    singles: &[usize],
) -> Vec<(usize, usize)> {
    let mut candidates: Vec<usize> = (0..tracked.len())
        .filter(|&t| {
            let c = &columns[tracked[t]];
            c.null_count == Some(0)
                && !singles.contains(&tracked[t])
                && c.distinct.is_some_and(|d| d.count > 1)
        })
        .collect();
    candidates
        .sort_by_key(|&t| std::cmp::Reverse(columns[tracked[t]].distinct.map_or(0, |d| d.count)));
    candidates.truncate(8);
    let mut out = Vec::new();
    let mut seen: std::collections::HashSet<u64, foldhash::quality::FixedState> =
        std::collections::HashSet::with_capacity_and_hasher(rows as usize, HASH);
    for (x, &a) in candidates.iter().enumerate() {
        for &b in &candidates[x + 1..] {
            let da = columns[tracked[a]].distinct.map_or(0, |d| d.count);
            let db = columns[tracked[b]].distinct.map_or(0, |d| d.count);
            if da.saturating_mul(db) < rows {
                continue;
            }
            seen.clear();
            let unique = hashes.iter().all(|rg| {
                rg[a]
                    .iter()
                    .zip(&rg[b])
                    .all(|(ha, hb)| seen.insert(HASH.hash_one((ha, hb))))
            });
            if unique {
                let (p, q) = (tracked[a].min(tracked[b]), tracked[a].max(tracked[b]));
                out.push((p, q));
            }
        }
    }
    out.sort();
    out
}
