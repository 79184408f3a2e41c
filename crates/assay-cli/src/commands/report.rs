//! `assay report`: the chief data officer's view of one dataset, as one self-contained HTML
//! file (no external assets, printable), Markdown for pull requests, or the JSON report; or of a
//! whole catalog (the dashboard). Rendering is in `assay-report`.

use anyhow::Result;
use assay_model::report::Report;
use assay_model::{FieldRegistry, LoadedManifest};
use assay_report::html::{self, DashboardSet, ReportInput};
use assay_report::markdown;

use super::load_dataset;
use crate::cli::{ReportArgs, ReportDocFormat};
use crate::exit::Status;

/// True when `path` is a folder with no manifest of its own: a catalog.
fn is_catalog(path: &std::path::Path) -> bool {
    path.is_dir()
        && !assay_model::MANIFEST_FILE_NAMES
            .iter()
            .any(|n| path.join(n).is_file())
}

/// Validates every dataset of a catalog (no history is appended) for the dashboard.
fn validate_catalog(
    registry: &FieldRegistry,
    args: &ReportArgs,
) -> Result<(Vec<(LoadedManifest, Report)>, usize), Status> {
    let manifests = super::manifests_under(std::slice::from_ref(&args.dataset))?;
    let (now_us, now_text) = super::validate::reference_time(args.now.as_deref())?;
    let mut out = Vec::new();
    let mut skipped = 0;
    for m in manifests {
        let Ok(loaded) = load_dataset(&m, registry) else {
            eprintln!("error: {} is left out of the dashboard", m.display());
            skipped += 1;
            continue;
        };
        match super::validate::validate_at(&loaded, now_us, &now_text) {
            Ok(r) if args.reveal => out.push((loaded, r)),
            Ok(r) => {
                let r = super::redaction(&loaded)?.report(&loaded, &r);
                out.push((loaded, r));
            }
            Err(e) => {
                eprintln!("error: {}: {e}; left out of the dashboard", m.display());
                skipped += 1;
            }
        }
    }
    Ok((out, skipped))
}

pub fn run(registry: &FieldRegistry, args: ReportArgs) -> Result<Status> {
    if is_catalog(&args.dataset) {
        let (sets, skipped) = match validate_catalog(registry, &args) {
            Ok(s) => s,
            Err(status) => return Ok(status),
        };
        let text = match args.format {
            ReportDocFormat::Html => {
                let histories: Vec<Vec<assay_model::history::Entry>> = sets
                    .iter()
                    .map(|(l, _)| assay_validate::history::load(&l.dir).unwrap_or_default())
                    .collect();
                let dashboard: Vec<DashboardSet> = sets
                    .iter()
                    .zip(&histories)
                    .map(|((loaded, report), history)| DashboardSet {
                        loaded,
                        report,
                        history,
                    })
                    .collect();
                html::dashboard(registry, &dashboard, &[], args.lang.into(), None)
            }
            ReportDocFormat::Md => {
                let pairs: Vec<_> = sets.iter().map(|(l, r)| (l, r)).collect();
                markdown::dashboard_md(&pairs)
            }
            ReportDocFormat::Json => {
                let mut s =
                    serde_json::to_string_pretty(&sets.iter().map(|(_, r)| r).collect::<Vec<_>>())?;
                s.push('\n');
                s
            }
        };
        super::write_output(args.out.as_deref(), &text)?;
        // The dashboard is written either way; a dataset left out is an invalid manifest.
        return Ok(if skipped > 0 {
            Status::Invalid
        } else {
            Status::Success
        });
    }
    let loaded = match load_dataset(&args.dataset, registry) {
        Ok(l) => l,
        Err(s) => return Ok(s),
    };
    let (now_us, now_text) = match super::validate::reference_time(args.now.as_deref()) {
        Ok(t) => t,
        Err(s) => return Ok(s),
    };
    let report = match super::validate::validate_at(&loaded, now_us, &now_text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    let redaction = if args.reveal {
        None
    } else {
        match super::redaction(&loaded) {
            Ok(r) => Some(r),
            Err(s) => return Ok(s),
        }
    };
    let report = match &redaction {
        Some(r) => r.report(&loaded, &report),
        None => report,
    };
    let text = match args.format {
        ReportDocFormat::Json => super::pretty_json(&report)?,
        ReportDocFormat::Md => markdown::render_md(&loaded, &report, args.lang.into()),
        ReportDocFormat::Html => {
            // The column profile reads the files a second time (the validation read them once).
            let mut profiles = assay_validate::profile::of_report(&loaded.dir, &report);
            if let Some(r) = &redaction {
                r.profiles(&mut profiles);
            }
            let history = assay_validate::history::load(&loaded.dir).unwrap_or_default();
            html::report(&ReportInput {
                loaded: &loaded,
                registry,
                report: &report,
                profiles: &profiles,
                history: &history,
                lang: args.lang.into(),
                site: None,
                versions: &assay_model::diff::version_history(&loaded.dir, &loaded.manifest),
            })
        }
    };
    super::write_output(args.out.as_deref(), &text)?;
    Ok(Status::Success)
}
