//! An in-memory table validated against one resource of a manifest: the check a pipeline runs
//! before it writes Parquet. The same plan, schema conformance, check kernels, merge and
//! verdicts as a file; there is no footer, so nothing is decided from statistics and every
//! check reads its columns. The table is cut into slices of [`ROWS_PER_GROUP`] rows that play
//! the part of row groups: evaluated on up to `jobs` threads and merged back in order, so
//! samples are the lowest failing rows, as for a file.
//!
//! The batches are read where they are (zero-copy): slicing an Arrow array shares its buffers.

use std::path::PathBuf;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use assay_model::LoadedManifest;
use assay_model::paths::ResolvedFile;
use assay_model::report::{FileReport, Report};

use super::Options;
use super::cache::CacheUse;
use super::resource::finish_resource;
use super::schedule::{Eval, Pending, RowGroupResult, Sink, columns, merge_ready, primary_key};
use super::schema_check::SchemaSlot;
use crate::checks::{DynFile, FileCx, MergeCx, ResourceCx, RowGroupEnd};

/// How the table is named in the report: its one "file".
pub const MEMORY_FILE: &str = "<memory>";

/// Rows of one slice evaluated on one thread, the in-memory row group.
pub const ROWS_PER_GROUP: usize = 1 << 20;

/// Validates `batches` (of `schema`) as the data of one resource of `loaded`: `resource`, or
/// the manifest's only one. The report has that one resource, whose one file is
/// [`MEMORY_FILE`] (no bytes, no hash); samples name rows of the table (from 0), with no row
/// group. The training-set checks (`ml:`) are not run: they compare splits, not one table.
pub fn validate_batches(
    loaded: &LoadedManifest,
    resource: Option<&str>,
    schema: SchemaRef,
    batches: &[RecordBatch],
    options: &Options,
) -> Result<Report, crate::Error> {
    let m = &loaded.manifest;
    let known = || {
        m.resources
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let r = match resource {
        Some(name) => m.resources.iter().find(|r| r.name == name).ok_or_else(|| {
            crate::Error::UnknownResource {
                resource: name.to_string(),
                known: known(),
            }
        })?,
        None if m.resources.len() == 1 => &m.resources[0],
        None => {
            return Err(crate::Error::ResourceNeeded {
                count: m.resources.len(),
                known: known(),
            });
        }
    };
    let history = super::history_for(loaded, &[r]);
    let planned = super::plan::plan(r);
    let check_set = vec![super::plan::check_set(r, &planned)];
    let files = vec![ResolvedFile {
        rel: MEMORY_FILE.into(),
        path: PathBuf::from(MEMORY_FILE),
        remote: None,
    }];
    let groups = slices(batches, options.batch_size.max(1));
    let cx = ResourceCx {
        loaded,
        resource: r,
        files: &files,
        options,
        memory: Some(&groups),
    };
    let (mut slots, pk) = super::resource::begin(planned, &cx);
    let mut schema_slot = SchemaSlot::default();
    super::file::conform(&files[0], r, &schema, &mut schema_slot);
    let rows: u64 = batches.iter().map(|b| b.num_rows() as u64).sum();
    let file_cx = FileCx {
        index: 0,
        schema: &schema,
        rows,
        options,
    };
    for s in slots.iter_mut() {
        s.file = match s.kernel.begin_file(&file_cx) {
            Ok(prepared) => Some(prepared),
            Err(e) => {
                s.tally.fail_error(format!("{MEMORY_FILE}: {e}"));
                None
            }
        };
    }
    let live: Vec<usize> = (0..slots.len())
        .filter(|&i| slots[i].file.is_some() && slots[i].tally.error.is_none())
        .collect();
    // Checks whose columns the table lacks fail here; `need` is what the others read.
    let need = columns(&mut slots, live, &schema, (MEMORY_FILE, &pk))
        .map(|(need, _)| need)
        .unwrap_or_default();
    let merge_cx = MergeCx {
        file_index: 0,
        files: &files,
        options,
    };
    let mut cache = CacheUse::Off;
    let mut sink = Sink {
        cx: &merge_cx,
        cache: &mut cache,
    };
    let mut pending: Pending = Default::default();
    let (mut next_merge, mut failure) = (0usize, None::<String>);
    let jobs = options.jobs.max(1);
    for (wave, chunk) in groups.chunks(jobs).enumerate() {
        if options.cancelled() {
            return Err(crate::Error::Interrupted);
        }
        // A check that ended in an error (a spill that failed, say) is read no further.
        let files: Vec<(usize, Arc<dyn DynFile>)> = need
            .iter()
            .filter(|&&i| slots[i].tally.error.is_none())
            .filter_map(|&i| slots[i].file.clone().map(|f| (i, f)))
            .collect();
        let read: Vec<usize> = files.iter().map(|(i, _)| *i).collect();
        let (files, pk) = (&files, &pk);
        let results: Vec<RowGroupResult> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .enumerate()
                .map(|(k, group)| {
                    let rg = wave * jobs + k;
                    scope.spawn(move || evaluate(files, pk, rg, group, options))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|payload| {
                        Err(format!(
                            "a check failed on the table ({})",
                            assay_model::panic_message(&*payload)
                        )
                        .into())
                    })
                })
                .collect()
        });
        for (k, result) in results.into_iter().enumerate() {
            pending.insert(wave * jobs + k, (read.clone(), result));
        }
        merge_ready(
            &mut slots,
            &mut pending,
            &mut next_merge,
            &mut failure,
            &mut sink,
        );
    }
    for s in slots.iter_mut() {
        s.kernel.end_file(&mut s.tally, rows);
    }
    let bytes: u64 = batches
        .iter()
        .map(|b| b.get_array_memory_size() as u64)
        .sum();
    let file_report = FileReport {
        path: MEMORY_FILE.into(),
        bytes,
        sha256: None,
        etag: None,
        rows: Some(rows),
        row_groups: Some(groups.len() as u64),
        error: failure.clone(),
    };
    if let Some(e) = &failure {
        schema_slot.unreadable.push(format!("{MEMORY_FILE}: {e}"));
    }
    let mut report = finish_resource(
        r,
        slots,
        schema_slot,
        (&files, vec![file_report], rows),
        options,
        &history,
    );
    // A row group means nothing in memory: a sample is located by its row of the table.
    for c in &mut report.checks {
        for s in &mut c.samples {
            s.row_group = None;
        }
    }
    Ok(super::assemble(
        loaded,
        vec![report],
        None,
        &check_set,
        options,
        None,
    ))
}

/// The batches cut into groups of about [`ROWS_PER_GROUP`] rows, each a list of slices of at
/// most `batch_rows` rows (slices share the batches' buffers).
fn slices(batches: &[RecordBatch], batch_rows: usize) -> Vec<(u64, Vec<RecordBatch>)> {
    let mut groups: Vec<(u64, Vec<RecordBatch>)> = Vec::new();
    let (mut first_row, mut in_group) = (0u64, 0usize);
    for b in batches {
        let mut at = 0usize;
        while at < b.num_rows() {
            if groups.is_empty() || in_group == ROWS_PER_GROUP {
                groups.push((first_row, Vec::new()));
                in_group = 0;
            }
            let n = (b.num_rows() - at)
                .min(batch_rows)
                .min(ROWS_PER_GROUP - in_group);
            if let Some((_, g)) = groups.last_mut() {
                g.push(b.slice(at, n));
            }
            at += n;
            in_group += n;
            first_row += n as u64;
        }
    }
    groups
}

/// Evaluates the checks prepared in `files` on one group of slices, whose first row is `first_row` of
/// the table.
fn evaluate(
    files: &[(usize, Arc<dyn DynFile>)],
    pk: &[String],
    rg: usize,
    (first_row, group): &(u64, Vec<RecordBatch>),
    options: &Options,
) -> RowGroupResult {
    let mut evals: Vec<Eval> = files.iter().map(|(_, f)| Eval::new(f)).collect();
    let mut at = *first_row;
    for batch in group {
        let keys = primary_key(pk, batch);
        for e in evals.iter_mut() {
            e.update_at((MEMORY_FILE, options.samples), rg, (batch, &keys), at);
        }
        at += batch.num_rows() as u64;
    }
    let end = RowGroupEnd {
        rel: MEMORY_FILE,
        row_group: rg,
        samples: options.samples,
    };
    Ok(files
        .iter()
        .zip(evals)
        .map(|((i, _), e)| {
            let (part, state) = e.finish(&end);
            (*i, part, state)
        })
        .collect())
}
