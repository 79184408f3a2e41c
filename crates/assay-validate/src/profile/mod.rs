//! `assay profile`: what a pile of Parquet files holds, column by column, in one parallel pass.
//!
//! Every file's footer is read first (types, rows); then each row group is decoded once, on
//! `jobs` threads, and every column feeds its accumulator:
//!
//! - nulls, and NaN for floats;
//! - distinct values: exact up to `exact_limit` per column, then a HyperLogLog estimate
//!   (16 384 registers, about 0.8% standard error; DataFusion's own is not public), marked as
//!   estimated;
//! - min and max; for numbers also mean and standard deviation (Welford, merged exactly across
//!   threads) and quantiles (t-digest over a systematic sample of at most ~100 000 values per
//!   column, marked approximate) and a 10-bin histogram (from at most ~10 000 of those values);
//! - top values with counts, string length range and detected patterns, computed from the
//!   exact distinct values (so once per distinct value, not per row);
//! - monotonicity in file order, from each row group's first, last and inner order, merged in
//!   row-group order;
//! - candidate keys: columns whose exact distinct count equals the row count with no nulls, and
//!   on data of at most [`PAIR_ROWS`] rows, pairs of columns none of which is a key alone,
//!   found from per-row hashes (distinct hashes prove distinct pairs, so a pair found is exact).
//!
//! Deterministic: sampling goes by global row number, moments are merged per row group in file
//! order and the sketch is built in row order, so the profile is the same bytes whatever thread
//! read what. Memory is bounded: per column at most `exact_limit` distinct values per thread, then a fixed
//! 16 KiB sketch. String columns whose pages are all dictionary-encoded are decoded as Arrow
//! dictionaries and counted once per dictionary value.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};

use datafusion_functions_aggregate_common::tdigest::TDigest;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};

mod acc;
mod finish;
mod read;
#[cfg(test)]
mod tests;

pub use acc::fits_i64;
use acc::*;
use finish::*;
use read::*;

pub use assay_model::profile::{
    ColumnProfile, DetectedPattern, Distinct, Histogram, PAIR_COLUMNS, PAIR_ROWS, Profile,
    ProfiledFile, TopValue,
};

/// How to profile.
#[derive(Debug, Clone)]
pub struct ProfileOptions {
    /// Row groups decoded at once.
    pub jobs: usize,
    /// Distinct values kept exactly per column before switching to an estimate.
    pub exact_limit: usize,
    /// Top values reported per column.
    pub top: usize,
}

impl Default for ProfileOptions {
    fn default() -> Self {
        ProfileOptions {
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            exact_limit: 100_000,
            top: 10,
        }
    }
}

/// Profiles `files` (each `(display path, path on disk)`); they must share one Arrow schema.
pub fn profile(files: &[(String, PathBuf)], options: &ProfileOptions) -> Result<Profile, String> {
    if files.is_empty() {
        return Err("no Parquet files to profile".into());
    }
    let metas = open(files)?;
    let plan = Plan::new(&metas);
    let scanned = scan(files, &metas, &plan, options)?;
    Ok(assemble(&metas, &plan, scanned, options))
}

/// The files grouped into tables: files of one Arrow schema together, in the order each schema
/// is first seen. A folder holding two tables (readings and the machines they came from) is two
/// profiles, not an error.
pub fn tables(files: &[(String, PathBuf)]) -> Result<Vec<Vec<(String, PathBuf)>>, String> {
    let mut out: Vec<(arrow::datatypes::SchemaRef, Vec<(String, PathBuf)>)> = Vec::new();
    for (name, path) in files {
        let file = crate::source::Source::open_path(path).map_err(|e| format!("{name}: {e}"))?;
        let len = file.len();
        let meta = crate::footer::load(&file, len)
            .map_err(|e| format!("{name}: not a readable Parquet file: {e}"))?;
        match out
            .iter_mut()
            .find(|(s, _)| s.fields() == meta.schema().fields())
        {
            Some((_, v)) => v.push((name.clone(), path.clone())),
            None => out.push((meta.schema().clone(), vec![(name.clone(), path.clone())])),
        }
    }
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

/// Every file's footer; an error names a file that cannot be read or whose schema differs.
fn open(files: &[(String, PathBuf)]) -> Result<Vec<(String, ArrowReaderMetadata)>, String> {
    let mut metas: Vec<(String, ArrowReaderMetadata)> = Vec::new();
    for (name, path) in files {
        let file = crate::source::Source::open_path(path).map_err(|e| format!("{name}: {e}"))?;
        let len = file.len();
        let meta = crate::footer::load(&file, len).map_err(|e| {
            if e.starts_with("corrupt footer") {
                format!("{name}: {e}")
            } else {
                format!("{name}: not a readable Parquet file: {e}")
            }
        })?;
        if let Some((first_name, first)) = metas.first()
            && first.schema().fields() != meta.schema().fields()
        {
            return Err(format!(
                "{name}: its schema differs from {first_name}'s; profile files of one schema together"
            ));
        }
        metas.push((name.clone(), meta));
    }
    Ok(metas)
}

/// What to read: the columns, their kinds, the row groups in order, and which columns to decode
/// and to hash for the pair search.
struct Plan {
    schema: arrow::datatypes::SchemaRef,
    kinds: Vec<Kind>,
    rows: u64,
    stride: u64,
    items: Vec<(usize, usize)>,
    decoded: Vec<usize>,
    tracked: Vec<usize>,
}

impl Plan {
    fn new(metas: &[(String, ArrowReaderMetadata)]) -> Plan {
        let schema = metas[0].1.schema().clone();
        let kinds: Vec<Kind> = schema
            .fields()
            .iter()
            .map(|f| kind_of(f.data_type()))
            .collect();
        let rows: u64 = metas
            .iter()
            .map(|(_, m)| m.metadata().file_metadata().num_rows().max(0) as u64)
            .sum();
        // Numbers are sampled every `stride`-th value for the quantile sketch.
        let stride = (rows / 100_000).max(1);
        let items: Vec<(usize, usize)> = metas
            .iter()
            .enumerate()
            .flat_map(|(f, (_, m))| (0..m.metadata().num_row_groups()).map(move |rg| (f, rg)))
            .collect();
        let decoded: Vec<usize> = (0..kinds.len())
            .filter(|i| kinds[*i] != Kind::Other)
            .collect();
        // Column pairs are searched for keys on data of at most PAIR_ROWS rows: every row of up to
        // PAIR_COLUMNS key-like columns is hashed (8 bytes a row and column).
        let tracked: Vec<usize> = if rows <= PAIR_ROWS {
            decoded
                .iter()
                .copied()
                .filter(|&i| {
                    matches!(
                        kinds[i],
                        Kind::Int | Kind::Temporal | Kind::Str | Kind::Bool
                    )
                })
                .take(PAIR_COLUMNS)
                .collect()
        } else {
            Vec::new()
        };
        Plan {
            schema,
            kinds,
            rows,
            stride,
            items,
            decoded,
            tracked,
        }
    }
}

/// What the threads found: each thread's accumulators, and per row group its order facts,
/// moments and row hashes (merged in row-group order afterwards).
struct Scanned {
    accs: Vec<Vec<Acc>>,
    orders: Vec<Vec<Option<Order>>>,
    moments: Vec<Vec<Moments>>,
    row_hashes: Vec<Vec<Vec<u64>>>,
}

/// Reads every row group once, on `jobs` threads.
fn scan(
    files: &[(String, PathBuf)],
    metas: &[(String, ArrowReaderMetadata)],
    plan: &Plan,
    options: &ProfileOptions,
) -> Result<Scanned, String> {
    let Plan {
        kinds,
        stride,
        items,
        decoded,
        tracked,
        ..
    } = plan;
    let stride = *stride;
    let row_hashes: Mutex<Vec<Vec<Vec<u64>>>> = Mutex::new(vec![Vec::new(); items.len()]);
    // Each row group's moments, merged in file order afterwards: floating-point sums come out
    // the same whatever thread read what.
    let item_moments: Mutex<Vec<Vec<Moments>>> = Mutex::new(vec![Vec::new(); items.len()]);
    // The global row number of each row group's first row, for deterministic sampling.
    let offsets: Vec<u64> = {
        let mut at = 0u64;
        items
            .iter()
            .map(|&(f, rg)| {
                let start = at;
                at += metas[f].1.metadata().row_group(rg).num_rows().max(0) as u64;
                start
            })
            .collect()
    };
    let next = AtomicUsize::new(0);
    let orders: Mutex<Vec<Vec<Option<Order>>>> = Mutex::new(vec![Vec::new(); items.len()]);
    let error: Mutex<Option<String>> = Mutex::new(None);
    let jobs = options.jobs.max(1).min(items.len().max(1));
    let accs: Vec<Vec<Acc>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..jobs)
            .map(|_| {
                s.spawn(|| {
                    let mut accs: Vec<Acc> = kinds.iter().map(|k| Acc::new(*k)).collect();
                    let metas: &[(String, ArrowReaderMetadata)] = metas;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(f, rg)) = items.get(i) else { break };
                        match read_row_group(
                            &files[f],
                            &metas[f].1,
                            rg,
                            decoded,
                            tracked,
                            &mut accs,
                            offsets[i],
                            options.exact_limit,
                            stride,
                        ) {
                            Ok((order, moments, hashes)) => {
                                orders.lock().unwrap_or_else(|e| e.into_inner())[i] = order;
                                item_moments.lock().unwrap_or_else(|e| e.into_inner())[i] = moments;
                                row_hashes.lock().unwrap_or_else(|e| e.into_inner())[i] = hashes;
                            }
                            Err(e) => {
                                error
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .get_or_insert(e);
                                break;
                            }
                        }
                    }
                    accs
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|payload| {
                    error
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert_with(|| {
                            format!(
                                "the Parquet reader failed on the data ({}); the file is malformed; no profile was made",
                                assay_model::panic_message(&*payload)
                            )
                        });
                    Vec::new()
                })
            })
            .collect()
    });
    if let Some(e) = error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    Ok(Scanned {
        accs,
        orders: orders.into_inner().unwrap_or_else(|e| e.into_inner()),
        moments: item_moments.into_inner().unwrap_or_else(|e| e.into_inner()),
        row_hashes: row_hashes.into_inner().unwrap_or_else(|e| e.into_inner()),
    })
}

/// Merges the threads' accumulators and finishes each column, then the candidate keys.
fn assemble(
    metas: &[(String, ArrowReaderMetadata)],
    plan: &Plan,
    scanned: Scanned,
    options: &ProfileOptions,
) -> Profile {
    let Plan {
        schema,
        kinds,
        rows,
        tracked,
        ..
    } = plan;
    let rows = *rows;
    let Scanned {
        accs,
        orders,
        moments,
        row_hashes,
    } = scanned;
    let mut merged: Vec<Acc> = kinds.iter().map(|k| Acc::new(*k)).collect();
    for thread in accs {
        for (i, a) in thread.into_iter().enumerate() {
            merged[i].merge(a, options.exact_limit);
        }
    }
    // Columns that are not decoded get their null counts from the footers' statistics, where
    // those are exact: a top-level primitive column with statistics in every row group.
    let mut undecoded_nulls: BTreeMap<usize, u64> = BTreeMap::new();
    for (i, k) in kinds.iter().enumerate() {
        if *k == Kind::Other
            && let Some(n) = leaf_nulls(metas, schema.field(i).name())
        {
            undecoded_nulls.insert(i, n);
        }
    }
    for per_item in moments {
        for (i, m) in per_item.into_iter().enumerate() {
            merged[i].moments.merge(m);
        }
    }
    let mut columns = Vec::new();
    for (i, field) in schema.fields().iter().enumerate() {
        let mut acc = std::mem::replace(&mut merged[i], Acc::new(kinds[i]));
        acc.sample.sort_by_key(|(row, _)| *row);
        let order = orders
            .iter()
            .map(|o| o.get(i).copied().flatten())
            .fold(None, join);
        let mut c = finish(field.name(), field.data_type(), acc, order, rows, options);
        if kinds[i] == Kind::Other {
            c.null_count = undecoded_nulls.get(&i).copied();
        }
        columns.push(c);
    }
    let singles: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.null_count == Some(0)
                && c.distinct
                    .is_some_and(|d| !d.estimated && d.count == rows && rows > 0)
        })
        .map(|(i, _)| i)
        .collect();
    let pairs = if tracked.is_empty() || rows == 0 {
        Vec::new()
    } else {
        unique_pairs(&columns, tracked, &row_hashes, rows, &singles)
    };
    drop(row_hashes);
    let candidate_keys = singles
        .iter()
        .map(|&i| vec![columns[i].name.clone()])
        .chain(
            pairs
                .iter()
                .map(|&(a, b)| vec![columns[a].name.clone(), columns[b].name.clone()]),
        )
        .collect();
    Profile {
        files: metas
            .iter()
            .map(|(n, m)| ProfiledFile {
                path: n.clone(),
                rows: m.metadata().file_metadata().num_rows().max(0) as u64,
                row_groups: m.metadata().num_row_groups() as u64,
            })
            .collect(),
        rows,
        columns,
        candidate_keys,
    }
}

/// The Parquet files named or found under folders, sorted, each once:  files, folders (every `.parquet` file under them)
/// and objects in a store (a URL, a glob, or a prefix ending in `/`, with the credentials of
/// docs/storage.md).
pub fn find_files(
    paths: &[std::path::PathBuf],
) -> Result<Vec<(String, std::path::PathBuf)>, String> {
    let mut out = std::collections::BTreeMap::new();
    for p in paths {
        let text = p.to_string_lossy();
        if assay_model::paths::is_remote(&text) {
            // Objects in a store: a URL, a glob, or a prefix ending in `/` (every Parquet
            // object under it), with the credentials of docs/storage.md.
            let pattern = if text.ends_with('/') {
                format!("{text}**/*.parquet")
            } else {
                text.to_string()
            };
            let (found, problems) = assay_storage::resolve(std::path::Path::new("."), &[&pattern])
                .map_err(|e| e.to_string())?;
            if let Some(problem) = problems.first() {
                return Err(problem.to_string());
            }
            for f in found {
                out.insert(f.rel.clone(), f.path);
            }
        } else if p.is_dir() {
            for e in walkdir::WalkDir::new(p)
                .follow_links(false)
                .sort_by_file_name()
            {
                let e = e.map_err(|e| e.to_string())?;
                if e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(".parquet")
                {
                    out.insert(e.path().display().to_string(), e.into_path());
                }
            }
        } else if p.exists() {
            out.insert(p.display().to_string(), p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out.into_iter().collect())
}

/// Each resource's column profile, of the files a validation read (`report`; files it could not
/// read are left out), or why it could not be made: what a report page shows. The files are
/// read again (the validation read them once).
pub fn of_report(
    dir: &std::path::Path,
    report: &assay_model::report::Report,
) -> Vec<(String, Result<assay_model::profile::Profile, String>)> {
    report
        .resources
        .iter()
        .map(|r| {
            let files: Vec<(String, PathBuf)> = r
                .files
                .iter()
                .filter(|f| f.error.is_none())
                .map(|f| (f.path.clone(), dir.join(&f.path)))
                .collect();
            (r.name.clone(), profile(&files, &ProfileOptions::default()))
        })
        .collect()
}
