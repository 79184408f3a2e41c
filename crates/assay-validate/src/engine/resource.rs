//! One resource: resolve its files, compile its checks, read each file in order, then turn every
//! check's tally into its result.

use std::sync::Arc;

use assay_model::check::Check;
use assay_model::paths;
use assay_model::report::{CheckOrigin, FileReport, ResourceReport, Sample};
use assay_model::{LoadedManifest, Resource};

use super::Options;
use super::file::{FileAt, validate_file};
use super::schema_check::SchemaSlot;
use super::tally::Tally;
use crate::checks::{self, DynFile, DynKernel, FinishCx, ResourceCx};

/// One check of a resource as the driver holds it.
pub(crate) struct Slot {
    pub origin: CheckOrigin,
    pub check: Check,
    pub kernel: Box<dyn DynKernel>,
    pub tally: Tally,
    /// The check prepared for the current file (`None` when it could not be).
    pub file: Option<Arc<dyn DynFile>>,
}

/// Every planned check of a resource compiled and begun, and the resource's primary-key
/// columns (whose values name a sample's row).
pub(crate) fn begin(
    planned: Vec<(CheckOrigin, Check)>,
    cx: &ResourceCx,
) -> (Vec<Slot>, Vec<String>) {
    let mut slots: Vec<Slot> = planned
        .into_iter()
        .map(|(origin, check)| Slot {
            origin,
            kernel: checks::compile(&check),
            check,
            tally: Tally::new(cx.options.samples),
            file: None,
        })
        .collect();
    for s in &mut slots {
        s.kernel.begin_resource(&mut s.tally, cx);
    }
    (slots, key_columns(cx.resource))
}

/// The resource's primary-key columns, whose values name a sample's row; none without a key.
pub(crate) fn key_columns(r: &Resource) -> Vec<String> {
    r.schema
        .primary_key
        .as_ref()
        .map(|k| k.columns().iter().map(|s| s.to_string()).collect())
        .unwrap_or_default()
}

/// Validates one resource: the implicit `schema` check first, then every planned check.
pub(crate) fn validate_resource(
    loaded: &LoadedManifest,
    r: &Resource,
    planned: Vec<(CheckOrigin, Check)>,
    resource_key: &str,
    options: &Options,
    history: &Result<Vec<crate::history::Entry>, String>,
    (files, problems): (Vec<paths::ResolvedFile>, Vec<paths::PathProblem>),
) -> ResourceReport {
    if let Some(p) = &options.progress {
        p.add_total(
            files
                .iter()
                .filter_map(|f| match &f.remote {
                    Some(info) => Some(info.size),
                    None => std::fs::metadata(&f.path).ok().map(|m| m.len()),
                })
                .sum(),
        );
    }
    let cx = ResourceCx {
        loaded,
        resource: r,
        files: &files,
        options,
        memory: None,
    };
    let (mut slots, pk) = begin(planned, &cx);
    let mut schema_slot = SchemaSlot::default();
    for p in &problems {
        schema_slot.problems.push(Sample {
            file: p.pattern().to_string(),
            row_group: None,
            row: None,
            values: vec![],
            key: vec![],
            note: Some(p.to_string()),
        });
    }
    let prehashed = super::cache::prehash(&loaded.dir, &files, options);
    let mut file_reports = Vec::new();
    let mut total_rows = 0u64;
    for i in 0..files.len() {
        // A panic inside the Parquet library on a malformed file is that file's error, not the
        // end of the run (the fuzz targets look for such files; each one found is fixed).
        let fr = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            validate_file(
                FileAt {
                    dir: &loaded.dir,
                    files: &files,
                    index: i as u32,
                    resource_key,
                    prehashed: prehashed[i].as_ref(),
                },
                r,
                &pk,
                &mut slots,
                &mut schema_slot,
                options,
            )
        }))
        .unwrap_or_else(|payload| assay_model::report::FileReport {
            path: files[i].rel.clone(),
            bytes: std::fs::metadata(&files[i].path)
                .map(|m| m.len())
                .unwrap_or(0),
            sha256: None,
            etag: None,
            rows: None,
            row_groups: None,
            error: Some(format!(
                "the Parquet reader failed on this file ({}); the file is malformed",
                assay_model::panic_message(&*payload)
            )),
        });
        total_rows += fr.rows.unwrap_or(0);
        file_reports.push(fr);
    }
    finish_resource(
        r,
        slots,
        schema_slot,
        (&files, file_reports, total_rows),
        options,
        history,
    )
}

/// Every check's verdict once the files are read: the `schema` check first, then each planned
/// check, with what it covers when some files could not be read.
pub(crate) fn finish_resource(
    r: &Resource,
    slots: Vec<Slot>,
    schema_slot: SchemaSlot,
    (files, file_reports, total_rows): (&[paths::ResolvedFile], Vec<FileReport>, u64),
    options: &Options,
    history: &Result<Vec<crate::history::Entry>, String>,
) -> ResourceReport {
    let mut checks = vec![schema_slot.result(options.samples, files.len() as u64)];
    let finish = FinishCx {
        resource: &r.name,
        files,
        file_reports: &file_reports,
        total_rows,
        options,
        history,
    };
    // Nothing evaluated is never passed: with no file to read, or none readable, every check
    // could not be evaluated.
    let unread = unread_reason(files.len(), &file_reports);
    // Some files unreadable: every result says what it covers (the schema check names them).
    let read = file_reports.iter().filter(|f| f.error.is_none()).count() as u64;
    let coverage =
        (unread.is_none() && read < files.len() as u64).then_some(assay_model::report::Coverage {
            files_read: read,
            files: files.len() as u64,
            rows: total_rows,
        });
    for mut s in slots {
        s.file = None;
        if let Some(reason) = &unread {
            s.tally.fail_error(reason.clone());
        }
        s.kernel.finish(&mut s.tally, &finish);
        let mut result = s.tally.into_result(s.origin, &s.check);
        if let Some(c) = &coverage {
            result.message = Some(match result.message.take() {
                Some(m) => format!("{m}; {}", c.sentence()),
                None => c.sentence(),
            });
            result.coverage = Some(c.clone());
        }
        checks.push(result);
    }
    ResourceReport {
        name: r.name.clone(),
        files: file_reports,
        rows: total_rows,
        checks,
    }
}

/// Why no check of a resource could be evaluated: no file matched, or none could be read.
fn unread_reason(files: usize, reports: &[assay_model::report::FileReport]) -> Option<String> {
    if files == 0 {
        return Some("not evaluated: the resource's path matches no file".into());
    }
    let unreadable = reports.iter().filter(|f| f.error.is_some()).count();
    (unreadable == files)
        .then(|| format!("not evaluated: none of the resource's {files} file(s) could be read"))
}
