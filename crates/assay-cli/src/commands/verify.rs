//! `assay verify`.

use std::io::Write;

use anyhow::Result;
use assay_integrity::bag::{is_bag, verify_bag};
use assay_integrity::verify::{Mode, verify};
use assay_model::FieldRegistry;

use super::{human_bytes, load_dataset, manifests_under};
use crate::cli::{ListFormat, VerifyArgs};
use crate::exit::Status;

/// The exit status for differences from a lock: 0 none, 3 unreadable data, 2 unusable input,
/// 1 otherwise.
pub(crate) fn status_of(differences: &[assay_integrity::verify::Difference]) -> Status {
    if differences.is_empty() {
        Status::Success
    } else if differences.iter().any(|d| d.is_unreadable()) {
        Status::Unreadable
    } else if differences.iter().any(|d| d.is_invalid_input()) {
        Status::Invalid
    } else {
        Status::Failure
    }
}

pub fn run(registry: &FieldRegistry, args: VerifyArgs) -> Result<Status> {
    let jobs = args.jobs.unwrap_or_else(super::lock::default_jobs).max(1);
    let mode = if args.quick { Mode::Quick } else { Mode::Full };
    let mut status = Status::Success;
    let mut json = Vec::new();
    let mut out = std::io::stdout().lock();
    let (bags, others): (Vec<_>, Vec<_>) = args.paths.iter().cloned().partition(|p| is_bag(p));
    for bag in &bags {
        let v = verify_bag(bag);
        let s = if v.problems.is_empty() {
            Status::Success
        } else if v.unreadable {
            Status::Unreadable
        } else {
            Status::Failure
        };
        status = status.max(s);
        match args.format {
            ListFormat::Json => json.push(serde_json::json!({"bag": bag, "result": v})),
            ListFormat::Text => {
                let name = v.dataset.as_deref().unwrap_or("?");
                if v.problems.is_empty() {
                    writeln!(
                        out,
                        "ok {}: bag of `{name}` is valid (BagIt 1.0; {} file(s), {} hashed with sha256 and sha512; payload matches the enclosed lock)",
                        bag.display(),
                        v.files,
                        human_bytes(v.bytes)
                    )?;
                } else {
                    writeln!(
                        out,
                        "FAIL {}: bag of `{name}`: {} problem(s)",
                        bag.display(),
                        v.problems.len()
                    )?;
                    for p in &v.problems {
                        writeln!(out, "  {p}")?;
                    }
                }
            }
        }
    }
    if !others.is_empty() {
        let manifests = match manifests_under(&others) {
            Ok(m) => m,
            Err(s) => {
                status = status.max(s);
                Vec::new()
            }
        };
        if mode == Mode::Quick && args.format == ListFormat::Text {
            writeln!(
                out,
                "quick check: sizes and footers only; file contents are not hashed"
            )?;
        }
        for manifest in &manifests {
            let loaded = match load_dataset(manifest, registry) {
                Ok(l) => l,
                Err(s) => {
                    status = status.max(s);
                    continue;
                }
            };
            let v = verify(&loaded, mode, jobs);
            status = status.max(status_of(&v.differences));
            match args.format {
                ListFormat::Json => json.push(serde_json::to_value(&v)?),
                ListFormat::Text => {
                    if v.differences.is_empty() {
                        writeln!(
                            out,
                            "ok {}: {} file(s) match dataset.lock{}, {}",
                            v.dataset,
                            v.files,
                            if mode == Mode::Full {
                                format!(" ({} hashed)", human_bytes(v.bytes_hashed))
                            } else {
                                " by size and footer".into()
                            },
                            v.digest.as_deref().unwrap_or("")
                        )?;
                    } else {
                        writeln!(
                            out,
                            "FAIL {}: {} difference(s) from dataset.lock ({})",
                            v.dataset,
                            v.differences.len(),
                            loaded.dir.display()
                        )?;
                        for d in &v.differences {
                            writeln!(out, "  {d}")?;
                        }
                    }
                }
            }
        }
    }
    if args.format == ListFormat::Json {
        let doc = serde_json::json!({"schema_version": 1, "results": json});
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    }
    Ok(status)
}
