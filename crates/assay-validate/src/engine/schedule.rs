//! Row groups on worker threads: statistics first, then the row groups that need data are
//! decoded (only the needed columns, dictionary-encoded strings as dictionaries) on up to
//! `--jobs` threads, and their results are merged back in row-group order.

use std::any::Any;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::ArrayRef;
use arrow::record_batch::RecordBatch;
use assay_model::paths::ResolvedFile;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder, RowSelection,
};

use super::Options;
use super::cache::CacheUse;
use super::chunk::{ByteReader, Chunk, dictionary_hints_for};
use super::pages;
use super::resource::Slot;
use crate::checks::{Batch, DynFile, MergeCx, Part, RowGroupEnd, RowGroupStats};

/// One file being read.
pub(crate) struct FileRun<'a> {
    pub file_index: u32,
    pub files: &'a [ResolvedFile],
    pub rel: &'a str,
    pub pk: &'a [String],
    pub options: &'a Options,
    pub arrow_meta: &'a ArrowReaderMetadata,
}

/// One row group's results, by check index: the counters and the kind's own state.
/// Errors from the Parquet reader (`ParquetError`) or the batches (`ArrowError`), kept as
/// they are: the driver names the row group and words the file's failure from them.
pub(crate) type RowGroupResult =
    Result<Vec<(usize, Part, Box<dyn Any + Send>)>, Box<dyn std::error::Error + Send + Sync>>;

/// Finished row groups waiting to be merged in order: the checks that ran and their results.
pub(crate) type Pending = BTreeMap<usize, (Vec<usize>, RowGroupResult)>;

/// Evaluates every row group of a file. Returns the first failure (a row group that could not
/// be read or decoded), after which the file is abandoned.
pub(crate) fn row_groups(
    run: &FileRun,
    slots: &mut [Slot],
    bytes: &mut ByteReader,
    cache: &mut CacheUse,
) -> Option<String> {
    let metadata = run.arrow_meta.metadata();
    let schema = run.arrow_meta.schema();
    let parquet_schema = metadata.file_metadata().schema_descr_ptr();
    let jobs = run.options.jobs.max(1);
    let merge_cx = MergeCx {
        file_index: run.file_index,
        files: run.files,
        options: run.options,
    };
    let mut sink = Sink {
        cx: &merge_cx,
        cache,
    };
    let (tx, rx) = std::sync::mpsc::channel::<(usize, RowGroupResult)>();
    let mut pending: Pending = BTreeMap::new();
    let mut needs: Vec<Option<Vec<usize>>> = vec![None; metadata.num_row_groups()];
    let mut first_rows = Vec::with_capacity(metadata.num_row_groups());
    let mut first_row = 0u64;
    for rgm in metadata.row_groups() {
        first_rows.push(first_row);
        first_row += rgm.num_rows().max(0) as u64;
    }
    let mut next_merge = 0usize;
    let mut in_flight = 0usize;
    let mut failure: Option<String> = None;
    std::thread::scope(|scope| {
        for (rg, rgm) in metadata.row_groups().iter().enumerate() {
            if run.options.cancelled() {
                failure = Some("interrupted".into());
            }
            if failure.is_some() {
                break;
            }
            let stats = RowGroupStats {
                schema,
                parquet_schema: &parquet_schema,
                row_group: rgm,
                rows: rgm.num_rows().max(0) as u64,
            };
            let need = decide(slots, &stats, run, rg);
            let (need, mut pruned) = decide_pages(slots, run, rg, need);
            let all: Vec<usize> = need
                .iter()
                .copied()
                .chain(pruned.iter().map(|(i, _)| *i))
                .collect();
            // Checks whose columns the file lacks fail here.
            let all =
                columns(slots, all, schema, (run.rel, run.pk)).map_or(Vec::new(), |(all, _)| all);
            // From the cache: the results it holds for this row group; only the rest is decoded.
            let mut cached = Vec::new();
            if let CacheUse::Replay(r) = &mut *sink.cache {
                cached = r.take(rg, &all);
            }
            let from_cache: Vec<usize> = cached.iter().map(|(i, _, _)| *i).collect();
            let live = |i: &usize| all.contains(i) && !from_cache.contains(i);
            pruned.retain(|(i, _)| live(i));
            let whole: Vec<usize> = need.into_iter().filter(|i| live(i)).collect();
            let wanted = plan(slots, whole, pruned, schema, run);
            let projection = wanted.as_ref().map(|p| p.chunk.as_slice());
            // With nothing to decode, a local file's bytes are still read in order (and hashed).
            let chunk = match bytes.row_group(rg, metadata, projection) {
                Ok(c) => c,
                Err(e) => {
                    failure = Some(format!("row group {rg}: {e}"));
                    break;
                }
            };
            let (Some(plan), Some(chunk)) = (wanted, chunk) else {
                pending.insert(rg, (from_cache, Ok(cached)));
                merge_ready(
                    slots,
                    &mut pending,
                    &mut next_merge,
                    &mut failure,
                    &mut sink,
                );
                continue;
            };
            let need: Vec<usize> = plan
                .whole
                .iter()
                .copied()
                .chain(plan.pruned.iter().map(|p| p.0))
                .collect();
            needs[rg] = Some(need.iter().copied().chain(from_cache).collect());
            let dictionary: Vec<&str> = need
                .iter()
                .filter_map(|&i| slots[i].kernel.dictionary_column())
                .collect();
            let rg_meta = dictionary_hints_for(run.arrow_meta, rgm, &dictionary);
            // Bound the row groups in memory: wait for one to finish before reading more.
            while in_flight > jobs {
                if !collect_one(
                    &rx,
                    &mut needs,
                    &mut pending,
                    slots,
                    &mut next_merge,
                    &mut failure,
                    &mut sink,
                ) {
                    break;
                }
                in_flight -= 1;
            }
            in_flight += 1;
            let prepared = |i: usize| slots[i].file.clone().map(|f| (i, f));
            let work = Work {
                chunk,
                arrow_meta: rg_meta,
                row_group: rg,
                projection: plan.projection,
                files: plan.whole.iter().filter_map(|&i| prepared(i)).collect(),
                pruned: plan
                    .pruned
                    .into_iter()
                    .filter_map(|(i, rows, own)| {
                        prepared(i).map(|(i, file)| Pruned {
                            check: i,
                            file,
                            rows,
                            own,
                        })
                    })
                    .collect(),
                first_row: first_rows[rg],
                cached,
            };
            let tx = tx.clone();
            scope.spawn(move || {
                // A panic inside the Parquet reader on a malformed page is this row group's
                // error; unanswered, the merge would wait for it forever (found by fuzzing).
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work.evaluate(run)))
                        .unwrap_or_else(|payload| {
                            Err(format!(
                                "the Parquet reader failed on a page ({}); the data is malformed",
                                assay_model::panic_message(&*payload)
                            )
                            .into())
                        });
                let _ = tx.send((rg, result));
            });
        }
        while in_flight > 0 {
            if !collect_one(
                &rx,
                &mut needs,
                &mut pending,
                slots,
                &mut next_merge,
                &mut failure,
                &mut sink,
            ) {
                break;
            }
            in_flight -= 1;
        }
    });
    failure
}

/// Waits for one row group to finish and merges every row group that is ready in order;
/// false when no worker is left to answer.
fn collect_one(
    rx: &std::sync::mpsc::Receiver<(usize, RowGroupResult)>,
    needs: &mut [Option<Vec<usize>>],
    pending: &mut Pending,
    slots: &mut [Slot],
    next_merge: &mut usize,
    failure: &mut Option<String>,
    sink: &mut Sink,
) -> bool {
    let Ok((done, result)) = rx.recv() else {
        return false;
    };
    let need = needs[done].take().unwrap_or_default();
    pending.insert(done, (need, result));
    merge_ready(slots, pending, next_merge, failure, sink);
    true
}

/// Statistics first: the checks that still need this row group's data. A check decided
/// here counts its column's pages, where the file has a page index, as decided too.
fn decide(slots: &mut [Slot], stats: &RowGroupStats, run: &FileRun, rg: usize) -> Vec<usize> {
    let mut need = Vec::new();
    for (i, s) in slots.iter_mut().enumerate() {
        if s.tally.error.is_some() || s.file.is_none() {
            continue;
        }
        match s.kernel.decide(&mut s.tally, stats) {
            Ok(true) => {
                s.tally.by_stats += 1;
                if let Some(n) = s
                    .kernel
                    .page_column()
                    .and_then(|c| pages::count(run.arrow_meta, rg, c))
                {
                    s.tally.count_pages(n, 0);
                }
            }
            Ok(false) => need.push(i),
            Err(e) => s.tally.fail_error(format!("{}: {e}", run.rel)),
        }
    }
    need
}

/// Page statistics next, for the checks the row group's statistics left open, where the file
/// has a page index: a check whose every page is settled needs no data; one with some pages
/// settled is returned apart, with the rows (within the row group) still to decode.
fn decide_pages(
    slots: &mut [Slot],
    run: &FileRun,
    rg: usize,
    need: Vec<usize>,
) -> (Vec<usize>, Vec<(usize, RowRuns)>) {
    let mut whole = Vec::new();
    let mut pruned = Vec::new();
    for i in need {
        let s = &mut slots[i];
        let found = s
            .kernel
            .page_column()
            .and_then(|c| pages::pages(run.arrow_meta, rg, c));
        let (Some(p), Some(file)) = (found, s.file.clone()) else {
            whole.push(i);
            continue;
        };
        let decided = match s.kernel.decide_pages(&mut s.tally, file.as_ref(), &p) {
            Ok(d) => d,
            Err(e) => {
                s.tally.fail_error(format!("{}: {e}", run.rel));
                continue;
            }
        };
        let settled = decided.iter().filter(|d| **d).count() as u64;
        let total = decided.len() as u64;
        s.tally.count_pages(settled, total - settled);
        if settled == total {
            s.tally.by_stats += 1;
        } else if settled == 0 {
            whole.push(i);
        } else {
            pruned.push((i, pages::undecided_rows(&p, &decided)));
        }
    }
    (whole, pruned)
}

/// What one row group decodes: the checks that read it whole, with their projection, and
/// those that read only some pages, each with the rows to read and its own projection
/// (`None` when it reads the batches decoded for the others, its columns being among them).
struct Plan {
    whole: Vec<usize>,
    projection: Vec<usize>,
    pruned: Vec<(usize, RowRuns, Option<Vec<usize>>)>,
    /// Every column any of them reads: what the row group's bytes must hold.
    chunk: Vec<usize>,
}

/// Plans the decoding of one row group; `None` when no check needs it.
fn plan(
    slots: &mut [Slot],
    whole: Vec<usize>,
    pruned: Vec<(usize, RowRuns)>,
    schema: &arrow::datatypes::Schema,
    run: &FileRun,
) -> Option<Plan> {
    if whole.is_empty() && pruned.is_empty() {
        return None;
    }
    let (whole, projection) = columns(slots, whole, schema, (run.rel, run.pk)).unwrap_or_default();
    let mut chunk = projection.clone();
    let pruned = pruned
        .into_iter()
        .filter_map(|(i, rows)| {
            let (_, own) = columns(slots, vec![i], schema, (run.rel, run.pk))?;
            let rides = !whole.is_empty() && own.iter().all(|c| projection.contains(c));
            if rides {
                return Some((i, rows, None));
            }
            chunk.extend(own.iter().copied());
            Some((i, rows, Some(own)))
        })
        .collect::<Vec<_>>();
    chunk.sort_unstable();
    chunk.dedup();
    Some(Plan {
        whole,
        projection,
        pruned,
        chunk,
    })
}

/// The columns to decode for the checks in `need` (plus the primary key, for samples), as
/// sorted column indexes; checks whose columns the file lacks fail here. `None` when no check
/// is left.
pub(crate) fn columns(
    slots: &mut [Slot],
    mut need: Vec<usize>,
    schema: &arrow::datatypes::Schema,
    (rel, pk): (&str, &[String]),
) -> Option<(Vec<usize>, Vec<usize>)> {
    let slot_columns = |s: &Slot| -> Vec<String> {
        s.file
            .as_ref()
            .map(|f| f.columns().to_vec())
            .unwrap_or_default()
    };
    let mut cols: Vec<String> = Vec::new();
    for &i in &need {
        for c in slot_columns(&slots[i]) {
            if !cols.contains(&c) {
                cols.push(c);
            }
        }
    }
    let missing: Vec<&String> = cols
        .iter()
        .filter(|c| schema.index_of(c).is_err())
        .collect();
    for c in missing {
        for &i in &need {
            if slot_columns(&slots[i]).contains(c) {
                slots[i]
                    .tally
                    .fail_error(format!("column `{c}` is missing from {rel}"));
            }
        }
    }
    need.retain(|&i| slots[i].tally.error.is_none());
    if need.is_empty() {
        return None;
    }
    for c in pk {
        if !cols.contains(c) && schema.index_of(c).is_ok() {
            cols.push(c.clone());
        }
    }
    let mut idx: Vec<usize> = cols
        .iter()
        .filter_map(|c| schema.index_of(c).ok())
        .collect();
    idx.sort_unstable();
    Some((need, idx))
}

/// Runs of rows within a row group, ascending.
type RowRuns = Vec<Range<u64>>;

/// Where merged row groups go: the checks' merge context, and the cache that records them.
pub(crate) struct Sink<'a, 'c> {
    pub cx: &'a MergeCx<'a>,
    pub cache: &'c mut CacheUse,
}

/// Folds finished row groups into the checks, in row-group order.
pub(crate) fn merge_ready(
    slots: &mut [Slot],
    pending: &mut Pending,
    next_merge: &mut usize,
    failure: &mut Option<String>,
    sink: &mut Sink,
) {
    let Sink { cx, cache } = sink;
    while let Some((need, result)) = pending.remove(next_merge) {
        match result {
            Ok(parts) => {
                for (i, mut part, state) in parts {
                    let s = &mut slots[i];
                    if let CacheUse::Record(r) = cache
                        && s.file.as_ref().is_some_and(|f| f.cache_key().is_some())
                    {
                        r.record(*next_merge, i, s.kernel.as_ref(), &part, state.as_ref());
                    }
                    match part.error.take() {
                        Some(e) => s.tally.fail_error(e),
                        None => s.kernel.merge(&mut s.tally, part, state, cx),
                    }
                }
                for i in need {
                    slots[i].tally.by_data += 1;
                }
            }
            Err(e) => {
                if failure.is_none() {
                    *failure = Some(format!("row group {next_merge}: {e}"));
                }
            }
        }
        *next_merge += 1;
    }
}

/// Rows per decoded batch: the configured size, fewer when the row group's values are large
/// (a string column of 100 MB values), so one batch of the projected columns takes at most a
/// sixteenth of the memory limit (`docs/security.md`). The sizes come from the footer.
fn batch_rows(
    meta: &ArrowReaderMetadata,
    rg: usize,
    projection: &[usize],
    options: &super::Options,
) -> usize {
    let g = meta.metadata().row_group(rg);
    let rows = g.num_rows().max(1) as u64;
    // Projected roots are leaf columns only in a flat schema; otherwise count every column.
    let flat = g.columns().len() == meta.schema().fields().len();
    let bytes: u64 = g
        .columns()
        .iter()
        .enumerate()
        .filter(|(i, _)| !flat || projection.is_empty() || projection.contains(i))
        .map(|(_, c)| c.uncompressed_size().max(0) as u64)
        .sum();
    let per_row = (bytes / rows).max(1);
    let budget = (options.memory_limit / 16).max(1);
    (budget / per_row).clamp(1, options.batch_size.max(1) as u64) as usize
}

/// How a refusal by a limit starts, so it is not described as corrupt data.
pub(crate) const LIMIT_PREFIX: &str = "over a limit: ";

/// A column chunk the checks need whose footer says it decompresses to more than the memory
/// limit: a page of it could not be held (a dictionary or data page that decompresses to
/// gigabytes). Refused by name instead of decoded.
fn oversized(
    meta: &ArrowReaderMetadata,
    rg: usize,
    projection: &[usize],
    options: &super::Options,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let g = meta.metadata().row_group(rg);
    let flat = g.columns().len() == meta.schema().fields().len();
    for (i, c) in g.columns().iter().enumerate() {
        if flat && !projection.is_empty() && !projection.contains(&i) {
            continue;
        }
        let size = c.uncompressed_size().max(0) as u64;
        if size > options.memory_limit {
            return Err(format!(
                "{LIMIT_PREFIX}row group {rg}: column `{}` decompresses to {size} bytes, more than the memory limit of {} bytes; raise --memory-limit to validate it (docs/security.md)",
                c.column_path().string(),
                options.memory_limit
            )
            .into());
        }
    }
    Ok(())
}

/// One row group to decode and evaluate on a worker thread.
struct Work {
    chunk: Chunk,
    arrow_meta: ArrowReaderMetadata,
    row_group: usize,
    /// The columns the checks reading the row group whole decode.
    projection: Vec<usize>,
    /// The checks that read the row group whole, by index, with their prepared file.
    files: Vec<(usize, Arc<dyn DynFile>)>,
    /// The checks whose page statistics settled some pages.
    pruned: Vec<Pruned>,
    first_row: u64,
    /// Results of other checks for this row group, from the cache, merged with these.
    cached: Vec<(usize, Part, Box<dyn Any + Send>)>,
}

/// A check that reads only some rows of a row group: those of the pages its page statistics
/// did not settle.
struct Pruned {
    check: usize,
    file: Arc<dyn DynFile>,
    /// Rows to read, within the row group, ascending.
    rows: Vec<Range<u64>>,
    /// Its own projection, decoded for it alone with a row selection (pages outside `rows`
    /// are skipped, not decoded); `None` when it reads the batches decoded for the others.
    own: Option<Vec<usize>>,
}

/// One check's results in the making on a worker thread.
pub(crate) struct Eval<'a> {
    file: &'a Arc<dyn DynFile>,
    part: Part,
    state: Box<dyn Any + Send>,
}

impl Eval<'_> {
    pub(crate) fn new(file: &Arc<dyn DynFile>) -> Eval<'_> {
        Eval {
            file,
            part: Part::default(),
            state: file.new_state(),
        }
    }

    /// Evaluates `batch` (with its primary-key columns `keys`), whose first row is row
    /// `first_row` of the file.
    fn update(
        &mut self,
        run: &FileRun,
        rg: usize,
        (batch, keys): (&RecordBatch, &[ArrayRef]),
        first_row: u64,
    ) {
        self.update_at((run.rel, run.options.samples), rg, (batch, keys), first_row);
    }

    /// [`Eval::update`] for a file named `rel`, keeping `samples` failing rows.
    pub(crate) fn update_at(
        &mut self,
        (rel, samples): (&str, usize),
        rg: usize,
        (batch, keys): (&RecordBatch, &[ArrayRef]),
        first_row: u64,
    ) {
        if self.part.error.is_some() {
            return;
        }
        let b = Batch {
            batch,
            keys,
            rel,
            row_group: rg as u64,
            first_row,
            samples,
        };
        if let Err(e) = self.file.update(&mut self.part, self.state.as_mut(), &b) {
            self.part.error = Some(format!("{rel}: {e}"));
        }
    }

    /// The end of the row group, and the check's results for it.
    pub(crate) fn finish(mut self, end: &RowGroupEnd) -> (Part, Box<dyn Any + Send>) {
        if self.part.error.is_none() {
            self.file
                .end_row_group(&mut self.part, self.state.as_mut(), end);
        }
        (self.part, self.state)
    }

    /// Evaluates the rows of `batch` (rows `at..at + len` of the row group) that lie in
    /// `rows`, piece by piece, so each piece is located exactly.
    fn update_within(
        &mut self,
        run: &FileRun,
        work: (usize, u64),
        (batch, keys): (&RecordBatch, &[ArrayRef]),
        at: u64,
        rows: &[Range<u64>],
    ) {
        let (rg, rg_first) = work;
        let end = at + batch.num_rows() as u64;
        for r in rows {
            let (lo, hi) = (r.start.max(at), r.end.min(end));
            if lo < hi {
                let (offset, len) = ((lo - at) as usize, (hi - lo) as usize);
                let piece = batch.slice(offset, len);
                let piece_keys: Vec<ArrayRef> = keys.iter().map(|k| k.slice(offset, len)).collect();
                self.update(run, rg, (&piece, &piece_keys), rg_first + lo);
            }
        }
    }
}

/// The primary-key columns of a batch, for samples: taken once per batch, for every check.
fn keys_of(run: &FileRun, batch: &RecordBatch) -> Vec<ArrayRef> {
    primary_key(run.pk, batch)
}

/// The columns of `pk` in `batch`.
pub(crate) fn primary_key(pk: &[String], batch: &RecordBatch) -> Vec<ArrayRef> {
    pk.iter()
        .filter_map(|c| batch.column_by_name(c).cloned())
        .collect()
}

impl Work {
    /// Decodes the row group's needed columns and evaluates the checks on each batch.
    fn evaluate(self, run: &FileRun) -> RowGroupResult {
        let rg = self.row_group;
        let riders: Vec<&Pruned> = self.pruned.iter().filter(|p| p.own.is_none()).collect();
        let mut whole: Vec<Eval> = self.files.iter().map(|(_, f)| Eval::new(f)).collect();
        let mut ridden: Vec<Eval> = riders.iter().map(|p| Eval::new(&p.file)).collect();
        if !self.files.is_empty() {
            let reader = self.reader(run, &self.projection, None)?;
            let mut at = 0u64;
            for batch in reader {
                let batch = batch?;
                let keys = keys_of(run, &batch);
                for e in whole.iter_mut() {
                    e.update(run, rg, (&batch, &keys), self.first_row + at);
                }
                for (e, p) in ridden.iter_mut().zip(&riders) {
                    e.update_within(run, (rg, self.first_row), (&batch, &keys), at, &p.rows);
                }
                at += batch.num_rows() as u64;
            }
        }
        // A check with pages of its own: only the rows of its undecided pages are decoded,
        // and each batch of them is split back into the runs of rows it came from.
        let mut own: Vec<Eval> = Vec::new();
        for p in self.pruned.iter() {
            let Some(projection) = &p.own else { continue };
            let mut e = Eval::new(&p.file);
            let reader = self.reader(run, projection, Some(&p.rows))?;
            let mut run_index = 0usize;
            let mut into_run = 0u64;
            for batch in reader {
                let batch = batch?;
                let mut taken = 0usize;
                while taken < batch.num_rows() {
                    let Some(r) = p.rows.get(run_index) else {
                        return Err("the row selection returned more rows than it selected".into());
                    };
                    let n = ((r.end - r.start - into_run) as usize).min(batch.num_rows() - taken);
                    let piece = batch.slice(taken, n);
                    let keys = keys_of(run, &piece);
                    e.update(
                        run,
                        rg,
                        (&piece, &keys),
                        self.first_row + r.start + into_run,
                    );
                    taken += n;
                    into_run += n as u64;
                    if into_run == r.end - r.start {
                        run_index += 1;
                        into_run = 0;
                    }
                }
            }
            own.push(e);
        }
        let end = RowGroupEnd {
            rel: run.rel,
            row_group: rg,
            samples: run.options.samples,
        };
        let checks = self
            .files
            .iter()
            .map(|(i, _)| *i)
            .chain(riders.iter().map(|p| p.check))
            .chain(
                self.pruned
                    .iter()
                    .filter(|p| p.own.is_some())
                    .map(|p| p.check),
            );
        let evals = whole.into_iter().chain(ridden).chain(own);
        let mut results: Vec<(usize, Part, Box<dyn Any + Send>)> = checks
            .zip(evals)
            .map(|(i, e)| {
                let (part, state) = e.finish(&end);
                (i, part, state)
            })
            .collect();
        results.extend(self.cached);
        Ok(results)
    }

    /// A reader of the row group's `projection`, of the rows in `rows` only when given.
    fn reader(
        &self,
        run: &FileRun,
        projection: &[usize],
        rows: Option<&[Range<u64>]>,
    ) -> Result<ParquetRecordBatchReader, Box<dyn std::error::Error + Send + Sync>> {
        let rg = self.row_group;
        oversized(&self.arrow_meta, rg, projection, run.options)?;
        let batch_size = batch_rows(&self.arrow_meta, rg, projection, run.options);
        let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(
            self.chunk.clone(),
            self.arrow_meta.clone(),
        );
        let mask = ProjectionMask::roots(builder.parquet_schema(), projection.iter().copied());
        let mut builder = builder
            .with_row_groups(vec![rg])
            .with_projection(mask)
            .with_batch_size(batch_size);
        if let Some(rows) = rows {
            let total = self.arrow_meta.metadata().row_group(rg).num_rows().max(0) as usize;
            builder = builder.with_row_selection(RowSelection::from_consecutive_ranges(
                rows.iter().map(|r| r.start as usize..r.end as usize),
                total,
            ));
        }
        Ok(builder.build()?)
    }
}
