//! `assay pack`.

use anyhow::Result;
use assay_integrity::bag::{PackInput, bagging_date, pack};
use assay_integrity::lock::lock_path;
use assay_integrity::verify::{Mode, verify_with};
use assay_model::FieldRegistry;
use assay_model::lock::Lock;

use super::{human_bytes, load_dataset};
use crate::cli::PackArgs;
use crate::exit::Status;

pub fn run(registry: &FieldRegistry, args: PackArgs) -> Result<Status> {
    let loaded = match load_dataset(&args.dataset, registry) {
        Ok(l) => l,
        Err(s) => return Ok(s),
    };
    pack_loaded(&loaded, &args, None)
}

/// `assay submit`: the bag of `pack`, with the diff against the catalog's current version of
/// the dataset (when it has one) inside, and what `accept` will say of the version.
pub fn submit(registry: &FieldRegistry, args: crate::cli::SubmitArgs) -> Result<Status> {
    let loaded = match load_dataset(&args.pack.dataset, registry) {
        Ok(l) => l,
        Err(s) => return Ok(s),
    };
    let current = match super::accept::current_version(&args.catalog, &loaded.manifest.name) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    let diff = current.map(|(_, old)| assay_model::diff::diff(&old.manifest, &loaded.manifest));
    let diff_json = match &diff {
        Some(d) => Some(super::pretty_json(d)?),
        None => None,
    };
    match &diff {
        Some(d) if !d.version_ok => eprintln!(
            "warning: {} {} → {}: the changes need a new {:?} version; `assay accept` will refuse this bag\n  hint: `assay diff` lists the changes",
            d.old_name, d.old_version, d.new_version, d.required_bump
        ),
        Some(d) => eprintln!(
            "note: {} {} → {}: {} breaking, {} compatible, {} informational change(s)",
            d.old_name,
            d.old_version,
            d.new_version,
            d.count(assay_model::diff::Class::Breaking),
            d.count(assay_model::diff::Class::Compatible),
            d.count(assay_model::diff::Class::Informational)
        ),
        None => eprintln!(
            "note: {} is new to {}",
            loaded.manifest.name,
            args.catalog.display()
        ),
    }
    pack_loaded(&loaded, &args.pack, diff_json.as_deref())
}

fn pack_loaded(
    loaded: &assay_model::LoadedManifest,
    args: &PackArgs,
    diff_json: Option<&str>,
) -> Result<Status> {
    let loaded = loaded.clone();
    let date = match &args.date {
        Some(d) if is_date(d) => d.clone(),
        Some(d) => {
            eprintln!("error: --date `{d}` is not a date like 2025-07-05");
            return Ok(Status::Invalid);
        }
        None => bagging_date(),
    };
    let path = lock_path(&loaded);
    let lock_text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: {}: {e}\n  hint: a bag pins the locked bytes; run `assay lock {}` first",
                path.display(),
                args.dataset.display()
            );
            return Ok(Status::Invalid);
        }
    };
    let lock = match Lock::parse(&lock_text) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {}: malformed: {e}", path.display());
            return Ok(Status::Invalid);
        }
    };
    // The manifest and the set of files must match the lock; contents are compared while
    // copying, so each file is read once here.
    let quick = verify_with(&loaded, Some(&lock_text), Mode::Quick, 1);
    if !quick.differences.is_empty() {
        eprintln!(
            "error: {} differs from its lock; nothing was written:",
            loaded.manifest.name
        );
        for d in &quick.differences {
            eprintln!("  {d}");
        }
        eprintln!(
            "  hint: `assay verify` shows the differences; `assay lock` records intended changes"
        );
        return Ok(super::verify::status_of(&quick.differences));
    }
    let (now_us, now_text) = match super::validate::reference_time(args.now.as_deref()) {
        Ok(t) => t,
        Err(s) => return Ok(s),
    };
    // The report in the bag is graded as `assay validate` grades it: with the catalog's
    // quality.json.
    // What is packed describes the data, not where this run read it from.
    let report = match super::validate::validate_at(&loaded, now_us, &now_text) {
        Ok(r) => r.without_transport(),
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    if args.strict && report.status != assay_model::report::RunStatus::Pass {
        let s = &report.summary;
        eprintln!(
            "error: refusing to pack with --strict: the validation is {} ({} failed, {} warned, {} could not be evaluated); nothing was written to {}\n  hint: `assay validate {}` shows the failures; pack without --strict to submit them with the report",
            serde_json::to_value(report.status)?.as_str().unwrap_or("?"),
            s.failed,
            s.warned,
            s.errors,
            args.out.display(),
            args.dataset.display()
        );
        return Ok(if report.status == assay_model::report::RunStatus::Error {
            Status::Unreadable
        } else {
            Status::Failure
        });
    }
    let report = if args.reveal {
        report
    } else {
        match super::redaction(&loaded) {
            Ok(r) => r.report(&loaded, &report),
            Err(s) => return Ok(s),
        }
    };
    let report_json = super::pretty_json(&report)?;
    let input = PackInput {
        loaded: &loaded,
        lock: &lock,
        lock_text: &lock_text,
        report_json: &report_json,
        date: &date,
        diff_json,
    };
    match pack(&input, &args.out) {
        Ok(p) => {
            println!(
                "packed {} {} into {}: {} file(s), {}, {}; validation {}",
                loaded.manifest.name,
                loaded.manifest.version,
                args.out.display(),
                p.files,
                human_bytes(p.bytes),
                lock.digest,
                serde_json::to_value(report.status)?.as_str().unwrap_or("?")
            );
            Ok(Status::Success)
        }
        Err(e) => {
            eprintln!(
                "error: {e}\n  nothing was written to {}",
                args.out.display()
            );
            Ok(match e {
                assay_integrity::bag::PackError::Changed { .. } => Status::Failure,
                assay_integrity::bag::PackError::Exists(_) => Status::Invalid,
                assay_integrity::bag::PackError::Io(_) => Status::Unreadable,
            })
        }
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}
