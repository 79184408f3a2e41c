//! `unique` and `unique_key`: exact duplicate detection across every file of a resource.
//!
//! Integer-like single-column keys are kept as 16-byte (value, location) pairs in 256 partitions
//! by a hash of the value, and deduplicated partition by partition on every core at the end
//! (`crate::partition`); past half of `--memory-limit` the partitions go to disk, each to its own
//! file. A row group whose exact [min, max] overlaps no other row group's is resolved on its
//! worker, in no shared state. Other keys are row-encoded and looked up in a hash map; past a
//! quarter of `--memory-limit` they go to disk in sorted runs (`crate::spill`) and duplicates are
//! found in a merge.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use assay_model::paths::ResolvedFile;
use assay_model::report::Sample;
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};

use super::{Batch, FileCx, FinishCx, Kernel, MergeCx, Part, ResourceCx, RowGroupEnd};
use crate::checks::CheckError;
use crate::conformance;
use crate::dense::{Bits, Dense, first_duplicates, first_duplicates_in};
use crate::engine::codec::{Dec, Enc};
use crate::engine::tally::Tally;
use crate::engine::values::{fixed_width_key, plain, render_encoded_key, render_key};
use crate::partition::{PARTS, Partitions, group};
use crate::spill::{ByteSpill, key_cost, merge_byte_runs, pack_loc, scan_duplicates, unpack_loc};

pub(crate) struct UniqueCheck {
    columns: Vec<String>,
    /// Row-encoded keys seen so far → (file index, row).
    seen: HashMap<Box<[u8]>, (u32, u64)>,
    /// Approximate bytes held by `seen` (see [`key_cost`]).
    seen_bytes: u64,
    /// Types of the key columns.
    types: Option<Vec<DataType>>,
    /// Integer-like keys: (value, packed location), by partition.
    parts: Partitions,
    /// Row-encoded keys, once `seen` outgrew its share of the memory limit.
    byte_spill: Option<ByteSpill>,
    /// (file, row group) pairs whose exact [min, max] overlaps no other row group's, so their
    /// duplicates are found locally, in parallel, in no shared state.
    isolated: HashSet<(u32, usize)>,
    /// The key is the resource's primary key (its values are shown as the sample's key).
    is_pk: bool,
    /// Integer-like keys whose values the statistics bound to a dense range: one bit a value.
    dense: Option<Arc<Dense>>,
    /// The run keeps a cache of per-file results: workers keep the keys they saw, so a file
    /// taken from the cache can replay them.
    keep: bool,
    /// The dataset folder (a dense key's duplicates are located by a second read).
    dir: std::path::PathBuf,
    /// For a table in memory, its key column slice by slice: where a dense key's duplicates
    /// are located instead.
    memory: Option<Vec<ArrayRef>>,
}

impl UniqueCheck {
    pub fn new(columns: Vec<String>) -> Self {
        UniqueCheck {
            columns,
            seen: HashMap::new(),
            seen_bytes: 0,
            types: None,
            parts: Partitions::default(),
            byte_spill: None,
            isolated: HashSet::new(),
            is_pk: false,
            dense: None,
            keep: false,
            dir: std::path::PathBuf::new(),
            memory: None,
        }
    }
}

/// What the workers of one file share.
pub(crate) struct UniqueFile {
    columns: Vec<String>,
    /// Row groups of this file that are resolved on their own.
    isolated: HashSet<usize>,
    is_pk: bool,
    /// The keys go to a [`Dense`] bitmap, here on the worker.
    dense: Option<Arc<Dense>>,
    /// Keep the keys too (for the cache).
    keep: bool,
}

/// One row group's keys.
#[derive(Default)]
pub(crate) struct Keys {
    /// Non-null row-encoded keys with their row numbers, in row order.
    keys: Vec<(Box<[u8]>, u64)>,
    /// Integer-like keys: (value as u64, row), 16 bytes a row; grouped by partition at the
    /// end of the row group (`starts`, empty until then).
    fixed: Vec<(u64, u64)>,
    starts: Vec<u32>,
    types: Option<Vec<DataType>>,
    /// Keys counted into a [`Dense`] bitmap by the worker itself, and the bitmaps the row group
    /// holds while it is decoded. Kept keys with none counted came from the cache.
    seen: u64,
    bits: Option<Bits>,
}

impl Kernel for UniqueCheck {
    type File = UniqueFile;
    type State = Keys;

    fn begin_resource(&mut self, _: &mut Tally, cx: &ResourceCx) {
        self.dir = cx.loaded.dir.clone();
        if let [column] = self.columns.as_slice() {
            let stats = match cx.memory {
                Some(groups) => {
                    // The duplicates a bitmap finds are located in the table itself.
                    self.memory = groups
                        .iter()
                        .flat_map(|(_, slices)| slices.iter())
                        .map(|b| b.column_by_name(column).cloned())
                        .collect();
                    memory_key_stats(groups, column)
                }
                None => key_stats(&cx.loaded.dir, cx.files, column),
            };
            self.isolated = stats.isolated;
            self.dense = stats
                .range
                .and_then(|(lo, hi)| {
                    Dense::new(
                        lo,
                        hi,
                        stats.rows,
                        cx.options.memory_limit / 2,
                        cx.options.jobs,
                    )
                })
                .map(Arc::new);
            self.keep = cx.options.cache.is_some();
        }
        let pk: Vec<&str> = cx
            .resource
            .schema
            .primary_key
            .as_ref()
            .map(|k| k.columns())
            .unwrap_or_default();
        self.is_pk = self.columns.iter().map(String::as_str).eq(pk);
    }

    fn begin_file(&mut self, cx: &FileCx) -> Result<UniqueFile, CheckError> {
        Ok(UniqueFile {
            columns: self.columns.clone(),
            isolated: self
                .isolated
                .iter()
                .filter(|(f, _)| *f == cx.index)
                .map(|(_, rg)| *rg)
                .collect(),
            is_pk: self.is_pk,
            dense: self.dense.clone(),
            // Only what the cache would keep: a file whose keys pass a quarter of the memory
            // limit is not kept (`engine::cache`), so they are not gathered for it.
            keep: self.keep && cx.rows.saturating_mul(16) <= cx.options.memory_limit / 4,
        })
    }

    fn columns(&self, f: &UniqueFile) -> Vec<String> {
        f.columns.clone()
    }

    fn update(f: &UniqueFile, _: &mut Part, s: &mut Keys, batch: &Batch) -> Result<(), CheckError> {
        let arrays: Vec<ArrayRef> = f
            .columns
            .iter()
            .map(|c| batch.column(c).and_then(plain))
            .collect::<Result<_, _>>()?;
        let types: Vec<DataType> = arrays.iter().map(|a| a.data_type().clone()).collect();
        if let [a] = arrays.as_slice()
            && fixed_width_key(a.data_type())
        {
            let ints = cast(a, &DataType::Int64)?;
            let ints = ints.as_primitive::<arrow::datatypes::Int64Type>();
            s.types.get_or_insert(types);
            // A dense key's row groups go to the bitmaps, except those checked on their own
            // (which keep nothing, so the cache of per-file results stays small).
            if let Some(d) = &f.dense
                && !f.isolated.contains(&(batch.row_group as usize))
            {
                s.seen += (ints.len() - ints.null_count()) as u64;
                let bits = s.bits.get_or_insert_with(|| d.take());
                d.see(bits, ints.iter().flatten().map(|v| v as u64));
                if !f.keep {
                    return Ok(());
                }
            }
            s.fixed.reserve(ints.len() - ints.null_count());
            for (i, v) in ints.iter().enumerate() {
                if let Some(v) = v {
                    s.fixed.push((v as u64, batch.first_row + i as u64));
                }
            }
            return Ok(());
        }
        let converter =
            RowConverter::new(types.iter().map(|t| SortField::new(t.clone())).collect())?;
        let rows = converter.convert_columns(&arrays)?;
        s.types.get_or_insert(types);
        for i in 0..batch.batch.num_rows() {
            if arrays.iter().any(|a| a.is_null(i)) {
                continue;
            }
            s.keys
                .push((Box::from(rows.row(i).as_ref()), batch.first_row + i as u64));
        }
        Ok(())
    }

    fn end_row_group(f: &UniqueFile, part: &mut Part, s: &mut Keys, end: &RowGroupEnd) {
        if let (Some(d), Some(bits)) = (&f.dense, s.bits.take()) {
            d.give_back(bits);
        }
        if s.fixed.is_empty() {
            return;
        }
        if !f.isolated.contains(&end.row_group) {
            // For the partitions, grouped here, on the worker, so the reading thread only
            // keeps them (a dense key's keys are kept as they are, for the cache).
            if f.dense.is_none() {
                let (grouped, starts) = group(&s.fixed);
                s.fixed = grouped;
                s.starts = starts;
            }
            return;
        }
        let fixed = std::mem::take(&mut s.fixed);
        let n = fixed.len() as u64;
        let (failing, dups) = local_duplicates(fixed, end.samples);
        part.evaluated += n;
        part.failing += failing;
        let key_type = s.types.as_ref().and_then(|t| t.first().cloned());
        for (row, first, value) in dups {
            let rendered = render_key(key_type.as_ref(), value);
            part.samples.push(Sample {
                file: end.rel.to_string(),
                row_group: Some(end.row_group as u64),
                row: Some(row),
                values: vec![rendered.clone()],
                key: if f.is_pk { vec![rendered] } else { vec![] },
                note: Some(format!("first seen at {} row {first}", end.rel)),
            });
        }
    }

    /// A row group resolved on its own keeps no keys: which ones are depends on every file's
    /// statistics, so they are part of the key.
    fn cache_key(&self, f: &UniqueFile) -> Option<String> {
        // A dense key's workers count into the bitmaps; without the keys gathered too there is
        // nothing to replay, and the check reads the file.
        if f.dense.is_some() && !f.keep {
            return None;
        }
        let mut isolated: Vec<usize> = f.isolated.iter().copied().collect();
        isolated.sort_unstable();
        Some(format!("isolated {isolated:?} dense {}", f.dense.is_some()))
    }

    fn encode_state(s: &Keys, e: &mut Enc) {
        e.keyed(&s.keys);
        e.pairs(&s.fixed);
        e.u64(s.starts.len() as u64);
        for v in &s.starts {
            e.u64(*v as u64);
        }
        e.types(s.types.as_deref());
    }

    fn decode_state(d: &mut Dec) -> Option<Keys> {
        let keys = d.keyed()?;
        let fixed = d.pairs()?;
        let n = d.u64()?;
        if n != 0 && n != PARTS as u64 + 1 {
            return None;
        }
        let starts = (0..n)
            .map(|_| d.u64().and_then(|v| u32::try_from(v).ok()))
            .collect::<Option<Vec<u32>>>()?;
        if starts.last().is_some_and(|&e| e as usize != fixed.len()) {
            return None;
        }
        Some(Keys {
            keys,
            fixed,
            starts,
            types: d.types()?,
            // Kept keys are counted again when merged from the cache.
            seen: 0,
            bits: None,
        })
    }

    fn merge(&mut self, t: &mut Tally, part: Part, s: Keys, cx: &MergeCx) {
        t.absorb(part);
        if self.types.is_none() {
            self.types = s.types.clone();
        }
        let budget = cx.options.memory_limit / 4;
        let file_index = cx.file_index;
        if let Some(d) = &self.dense {
            // Counted by the worker; kept keys from the cache (none counted) are counted here.
            if s.seen > 0 || s.fixed.is_empty() {
                t.evaluated += s.seen;
            } else {
                t.evaluated += s.fixed.len() as u64;
                let mut bits = d.take();
                d.see(&mut bits, s.fixed.iter().map(|&(v, _)| v));
                d.give_back(bits);
            }
        } else if !s.fixed.is_empty() {
            t.evaluated += s.fixed.len() as u64;
            let (fixed, starts) = if s.starts.len() == PARTS + 1 {
                (s.fixed, s.starts)
            } else {
                group(&s.fixed)
            };
            self.parts.add(file_index, fixed, starts);
            // Half the memory limit for these keys (as allocated); past it, every partition
            // goes to its file on disk.
            if self.parts.bytes() > cx.options.memory_limit / 2
                && let Err(e) = self.parts.spill()
            {
                t.error = Some(format!("cannot spill unique keys to disk: {e}"));
                return;
            }
        }
        t.evaluated += s.keys.len() as u64;
        let keys = s
            .keys
            .into_iter()
            .map(|(k, row)| (k, pack_loc(file_index, row)));
        if let Some(spill) = &mut self.byte_spill {
            // Past the budget: buffer, and write sorted runs; duplicates are found at the end.
            if let Err(e) = spill.add(keys, budget) {
                t.error = Some(format!("cannot spill unique keys to disk: {e}"));
            }
            return;
        }
        let keys: Vec<(Box<[u8]>, u64)> = keys.collect();
        let map_bytes = self.seen_bytes + keys.iter().map(|(k, _)| key_cost(k)).sum::<u64>();
        if map_bytes > budget {
            // The first occurrences seen so far become the first sorted run (their
            // duplicates are already counted); everything after goes through runs.
            let firsts = self
                .seen
                .drain()
                .map(|(k, (f, row))| (k, pack_loc(f, row)))
                .collect();
            let spilled = ByteSpill::starting_with(firsts)
                .and_then(|mut sp| sp.add(keys, budget).map(|_| sp));
            match spilled {
                Ok(sp) => self.byte_spill = Some(sp),
                Err(e) => t.error = Some(format!("cannot spill unique keys to disk: {e}")),
            }
            return;
        }
        let converter = self.converter();
        let rel = cx.rel();
        for (key, loc) in keys {
            let row = unpack_loc(loc).1;
            match self.seen.get(&key) {
                Some(&(first_file, first_row)) => {
                    t.failing += 1;
                    if t.samples.len() < t.cap() {
                        let values = render_encoded_key(converter.as_ref(), &key);
                        let first_rel = cx
                            .files
                            .get(first_file as usize)
                            .map(|f| f.rel.as_str())
                            .unwrap_or("?");
                        t.push_sample(Sample {
                            file: rel.to_string(),
                            row_group: None,
                            row: Some(row),
                            key: if self.is_pk { values.clone() } else { vec![] },
                            values,
                            note: Some(format!("first seen at {first_rel} row {first_row}")),
                        });
                    }
                }
                None => {
                    self.seen_bytes += key_cost(&key);
                    self.seen.insert(key, (file_index, row));
                }
            }
        }
    }

    fn finish(&mut self, t: &mut Tally, cx: &FinishCx) {
        self.finish_fixed(t, cx.files, cx.options.jobs);
        self.finish_spilled(t, cx.files);
        // Row groups resolved on their own and the shared remainder both add samples:
        // restore lowest-first order over files (in resolution order) and rows.
        let position = |rel: &str| {
            cx.files
                .iter()
                .position(|f| f.rel == rel)
                .unwrap_or(usize::MAX)
        };
        t.samples.sort_by_key(|x| (position(&x.file), x.row));
        t.samples.truncate(t.cap());
    }
}

impl UniqueCheck {
    fn converter(&self) -> Option<RowConverter> {
        self.types.as_ref().and_then(|t| {
            RowConverter::new(t.iter().map(|d| SortField::new(d.clone())).collect()).ok()
        })
    }

    /// Duplicates among integer-like keys: each partition deduplicated on its own, on `jobs`
    /// threads; every entry whose value was seen at a lower location is a duplicate.
    fn finish_fixed(&mut self, t: &mut Tally, files: &[ResolvedFile], jobs: usize) {
        if let Some(d) = self.dense.take() {
            return self.finish_dense(t, files, d);
        }
        let parts = std::mem::take(&mut self.parts);
        if parts.is_empty() {
            return;
        }
        let key_type = self.types.as_ref().and_then(|t| t.first().cloned());
        match parts.duplicates(jobs, t.cap()) {
            Ok((failing, dups)) => self.record_duplicates(t, failing, dups, key_type, files),
            Err(e) => t.error = Some(format!("cannot read spilled unique keys: {e}")),
        }
    }

    /// Duplicates found with a bitmap: the first location of each sampled value is found by
    /// reading the key column again, in order, until all are found (only when there are
    /// duplicates).
    fn finish_dense(&mut self, t: &mut Tally, files: &[ResolvedFile], d: Arc<Dense>) {
        let key_type = self.types.as_ref().and_then(|t| t.first().cloned());
        let failing = d.combine();
        if failing == 0 {
            return;
        }
        let found = match &self.memory {
            Some(columns) => first_duplicates_in(columns, &d, t.cap()),
            None => first_duplicates(&self.dir, files, &self.columns[0], &d, t.cap()),
        };
        match found {
            // Row groups checked on their own never hold a dense key's duplicates (their
            // ranges meet no other's), so these samples name no row group, as the partitions'.
            Ok(dups) => self.record_duplicates(t, failing, dups, key_type, files),
            Err(e) => {
                t.error = Some(format!(
                    "cannot read the keys again to locate duplicates: {e}"
                ))
            }
        }
    }

    /// Records duplicates found among integer-like keys: count and located samples.
    fn record_duplicates(
        &self,
        t: &mut Tally,
        failing: u64,
        dups: Vec<(u64, u64, u64)>,
        key_type: Option<DataType>,
        files: &[ResolvedFile],
    ) {
        t.failing += failing;
        let room = t.cap().saturating_sub(t.samples.len());
        for (loc, first, value) in dups.into_iter().take(room) {
            let (fi, row) = unpack_loc(loc);
            let (ffi, frow) = unpack_loc(first);
            let rendered = render_key(key_type.as_ref(), value);
            t.push_sample(Sample {
                file: rel(files, fi),
                row_group: None,
                row: Some(row),
                values: vec![rendered.clone()],
                key: if self.is_pk { vec![rendered] } else { vec![] },
                note: Some(format!("first seen at {} row {frow}", rel(files, ffi))),
            });
        }
    }

    /// Duplicates among spilled row-encoded keys: merge the runs, count repeats, render the
    /// lowest.
    fn finish_spilled(&mut self, t: &mut Tally, files: &[ResolvedFile]) {
        let Some(spill) = self.byte_spill.take() else {
            return;
        };
        let runs = match spill.into_runs() {
            Ok(runs) => runs,
            Err(e) => {
                t.error = Some(format!("cannot spill unique keys to disk: {e}"));
                return;
            }
        };
        let converter = self.converter();
        let (failing, dups) = scan_duplicates(merge_byte_runs(runs), t.cap());
        t.failing += failing;
        for (loc, first, key) in dups {
            let (fi, row) = unpack_loc(loc);
            let (ffi, frow) = unpack_loc(first);
            let values = render_encoded_key(converter.as_ref(), &key);
            // Samples may exceed the cap here; `finish` sorts and truncates.
            t.samples.push(Sample {
                file: rel(files, fi),
                row_group: None,
                row: Some(row),
                key: if self.is_pk { values.clone() } else { vec![] },
                values,
                note: Some(format!("first seen at {} row {frow}", rel(files, ffi))),
            });
        }
    }
}

fn rel(files: &[ResolvedFile], i: usize) -> String {
    files.get(i).map(|f| f.rel.clone()).unwrap_or_default()
}

/// Row groups whose exact [min, max] of `column` overlaps no other row group's, over all files
/// of a resource. Empty when any row group lacks exact statistics, or the column is not
/// integer-like.
/// What the footers' exact statistics say about an integer-like key: the row groups whose
/// [min, max] overlaps no other's, the range of every value, and the rows.
#[derive(Default)]
struct KeyStats {
    isolated: HashSet<(u32, usize)>,
    range: Option<(i64, i64)>,
    rows: u64,
}

/// [`key_stats`] of a table in memory: each row group's [min, max] computed from its values
/// (exact, as a footer's exact statistics are).
fn memory_key_stats(
    groups: &[(u64, Vec<arrow::record_batch::RecordBatch>)],
    column: &str,
) -> KeyStats {
    use arrow::datatypes::Int64Type;
    let mut intervals: Vec<(i64, i64, u32, usize)> = Vec::new();
    let mut rows = 0u64;
    for (rg, (_, slices)) in groups.iter().enumerate() {
        let (mut lo, mut hi) = (None::<i64>, None::<i64>);
        for b in slices {
            let Some(a) = b.column_by_name(column) else {
                return KeyStats::default();
            };
            if !fixed_width_key(conformance::value_type(a.data_type())) {
                return KeyStats::default();
            }
            let Ok(a) = plain(a).and_then(|a| Ok(cast(&a, &DataType::Int64)?)) else {
                return KeyStats::default();
            };
            let a = a.as_primitive::<Int64Type>();
            if let (Some(l), Some(h)) = (arrow::compute::min(a), arrow::compute::max(a)) {
                lo = Some(lo.map_or(l, |x| x.min(l)));
                hi = Some(hi.map_or(h, |x| x.max(h)));
            }
            rows += b.num_rows() as u64;
        }
        if let (Some(lo), Some(hi)) = (lo, hi) {
            intervals.push((lo, hi, 0, rg));
        }
    }
    isolate(intervals, rows)
}

fn key_stats(dir: &std::path::Path, files: &[ResolvedFile], column: &str) -> KeyStats {
    let mut intervals: Vec<(i64, i64, u32, usize)> = Vec::new();
    let mut rows = 0u64;
    for (fi, f) in files.iter().enumerate() {
        let Ok(file) = crate::source::Source::open(dir, f) else {
            return KeyStats::default();
        };
        let Ok(meta) = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()) else {
            return KeyStats::default();
        };
        let schema = meta.schema();
        let Some((_, field)) = schema.column_with_name(column) else {
            return KeyStats::default();
        };
        if !fixed_width_key(conformance::value_type(field.data_type())) {
            return KeyStats::default();
        }
        let md = meta.metadata();
        let Ok(conv) =
            StatisticsConverter::try_new(column, schema, md.file_metadata().schema_descr())
        else {
            return KeyStats::default();
        };
        let rgs = || md.row_groups().iter();
        let (Ok(mins), Ok(maxs), Ok(exact_min), Ok(exact_max)) = (
            conv.row_group_mins(rgs()),
            conv.row_group_maxes(rgs()),
            conv.row_group_is_min_value_exact(rgs()),
            conv.row_group_is_max_value_exact(rgs()),
        ) else {
            return KeyStats::default();
        };
        let (Ok(mins), Ok(maxs)) = (cast(&mins, &DataType::Int64), cast(&maxs, &DataType::Int64))
        else {
            return KeyStats::default();
        };
        let (mins, maxs) = (
            mins.as_primitive::<arrow::datatypes::Int64Type>(),
            maxs.as_primitive::<arrow::datatypes::Int64Type>(),
        );
        for rg in 0..md.num_row_groups() {
            if md.row_group(rg).num_rows() == 0 {
                continue;
            }
            let exact = exact_min.is_valid(rg)
                && exact_min.value(rg)
                && exact_max.is_valid(rg)
                && exact_max.value(rg);
            if !exact || mins.is_null(rg) || maxs.is_null(rg) {
                return KeyStats::default();
            }
            rows += md.row_group(rg).num_rows().max(0) as u64;
            intervals.push((mins.value(rg), maxs.value(rg), fi as u32, rg));
        }
    }
    isolate(intervals, rows)
}

/// The key statistics of row groups' exact [min, max] intervals (file, row group): those that
/// overlap no other, and the range of every key.
fn isolate(mut intervals: Vec<(i64, i64, u32, usize)>, rows: u64) -> KeyStats {
    intervals.sort_unstable();
    let mut out = HashSet::new();
    let mut reach = i64::MIN; // largest max among earlier intervals
    for (k, &(lo, hi, fi, rg)) in intervals.iter().enumerate() {
        let clear_before = k == 0 || lo > reach;
        let clear_after = intervals.get(k + 1).is_none_or(|n| n.0 > hi);
        if clear_before && clear_after {
            out.insert((fi, rg));
        }
        reach = reach.max(hi);
    }
    let range = intervals
        .iter()
        .map(|i| i.0)
        .min()
        .zip(intervals.iter().map(|i| i.1).max());
    KeyStats {
        isolated: out,
        range,
        rows,
    }
}

/// Duplicates among one row group's integer keys, in row order: their count and the `samples`
/// lowest (row, first row, value). A bitmap over the keys' range when it is at most 16 values a
/// key (the usual case of a row group checked on its own), else a sort.
fn local_duplicates(mut fixed: Vec<(u64, u64)>, samples: usize) -> (u64, Vec<(u64, u64, u64)>) {
    let lo = fixed.iter().map(|&(v, _)| v as i64).min().unwrap_or(0);
    let hi = fixed.iter().map(|&(v, _)| v as i64).max().unwrap_or(0);
    let span = hi as i128 - lo as i128 + 1;
    if span <= 0 || span > fixed.len() as i128 * 16 {
        fixed.sort_unstable();
        return scan_duplicates(fixed.into_iter(), samples);
    }
    let words = (span as usize).div_ceil(64);
    let (mut seen, mut twice) = (vec![0u64; words], vec![0u64; words]);
    let at = |v: u64| {
        let i = (v as i64 as i128 - lo as i128) as usize;
        (i / 64, 1u64 << (i % 64))
    };
    let mut failing = 0u64;
    for &(v, _) in &fixed {
        let (w, bit) = at(v);
        if seen[w] & bit != 0 {
            failing += 1;
            twice[w] |= bit;
        }
        seen[w] |= bit;
    }
    let mut dups = Vec::new();
    if failing == 0 || samples == 0 {
        return (failing, dups);
    }
    let mut first: HashMap<u64, u64> = HashMap::new();
    for &(v, row) in &fixed {
        let (w, bit) = at(v);
        if twice[w] & bit == 0 {
            continue;
        }
        match first.get(&v) {
            Some(&f) => {
                dups.push((row, f, v));
                if dups.len() >= samples {
                    break;
                }
            }
            None => {
                first.insert(v, row);
            }
        }
    }
    (failing, dups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_groups_duplicates_by_bitmap_are_those_by_sorting() {
        let mut state = 77u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for range in [5_000u64, 50_000, 1 << 40] {
            // Row order, values in a range (negative ones too), many repeats in small ranges.
            let keys: Vec<(u64, u64)> = (0..20_000u64)
                .map(|row| ((next() % range) as i64 - 300, row))
                .map(|(v, row)| (v as u64, row))
                .collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            let expected = scan_duplicates(sorted.into_iter(), 7);
            assert_eq!(local_duplicates(keys, 7), expected, "range {range}");
        }
    }
}
