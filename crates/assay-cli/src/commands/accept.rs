//! `assay accept BAG --catalog DIR`: the catalog maintainer's side of a submission.
//!
//! In order, each refusal naming its reason and leaving the catalog as it was:
//!
//! 1. the bag is verified (RFC 8493, every checksum, the payload equal to the enclosed lock; no
//!    path leaves the bag, no symlink is followed);
//! 2. its dataset is staged in a hidden folder of the catalog, linted (paths stay inside it, the
//!    field is in the registry) and verified against its lock;
//! 3. it is validated again, never trusting the enclosed report: an error-level failure is
//!    refused, and so is a report that does not match the fresh validation;
//! 4. a dataset of the same name elsewhere in the catalog is a collision; against the current
//!    version at `<field>/<name>/`, the version must be newer and its bump big enough for the
//!    changes (`assay diff`); a declared `conformsTo` must hold;
//! 5. the staged folder replaces the current one in one atomic exchange (`renameat2`
//!    `RENAME_EXCHANGE`), and the old version moves to `<field>/<name>/.versions/<version>/`.
//!    A kill before the exchange leaves the catalog as it was; after it, the new version is in
//!    place and the old one waits in the staging folder, which the next `accept` finishes
//!    moving.

use std::path::{Path, PathBuf};

use anyhow::Result;
use assay_model::lint::{self, LintOptions};
use assay_model::report::RunStatus;
use assay_model::{FieldRegistry, LoadedManifest};

use crate::cli::AcceptArgs;
use crate::exit::Status;

/// The folder, in a catalog, where `accept` stages a submission.
const STAGING: &str = ".assay/accept";
/// Where a dataset folder keeps its earlier versions.
pub const VERSIONS: &str = ".versions";

/// The catalog's current version of the dataset `name`: its folder and manifest. An error when
/// the catalog cannot be read or holds the name twice.
pub fn current_version(
    catalog: &Path,
    name: &str,
) -> Result<Option<(PathBuf, LoadedManifest)>, String> {
    if !catalog.is_dir() {
        return Err(format!("{} is not a catalog folder", catalog.display()));
    }
    let mut found = None;
    for m in lint::find_manifests(&[catalog.to_path_buf()])? {
        let Ok(l) = lint::load(&m) else { continue };
        if l.manifest.name == name {
            if found.is_some() {
                return Err(format!(
                    "the catalog holds dataset `{name}` twice; fix that first"
                ));
            }
            found = Some((l.dir.clone(), l));
        }
    }
    Ok(found)
}

/// Copies `from` (a file or folder, no symlinks: the bag was verified) to `to`.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if meta.is_dir() {
        std::fs::create_dir_all(to)?;
        for e in std::fs::read_dir(from)? {
            let e = e?;
            copy_tree(&e.path(), &to.join(e.file_name()))?;
        }
        Ok(())
    } else if meta.is_file() {
        if let Some(p) = to.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::copy(from, to).map(|_| ())
    } else {
        Err(std::io::Error::other(format!(
            "{} is not a regular file",
            from.display()
        )))
    }
}

/// Moves the old version (now in `old`, after the exchange) under `target/.versions/`, with
/// its own history joining the new version's.
fn file_old_version(old: &Path, target: &Path, version: &str) -> std::io::Result<PathBuf> {
    if old.join(VERSIONS).is_dir() && !target.join(VERSIONS).exists() {
        std::fs::rename(old.join(VERSIONS), target.join(VERSIONS))?;
    }
    std::fs::create_dir_all(target.join(VERSIONS))?;
    let dest = target.join(VERSIONS).join(version);
    std::fs::rename(old, &dest)?;
    Ok(dest)
}

/// Finishes an accept that was killed after its exchange. A staging folder whose `new` holds
/// an older version than its target is the old version, to be filed; any other staging folder
/// is an accept that never happened, and is removed.
fn finish_interrupted(catalog: &Path) {
    let staging = catalog.join(STAGING);
    let Ok(entries) = std::fs::read_dir(&staging) else {
        return;
    };
    let version = |dir: &Path| {
        crate::commands::manifest_path(dir)
            .ok()
            .and_then(|m| lint::load(&m).ok())
            .and_then(|l| semver::Version::parse(&l.manifest.version).ok())
    };
    for e in entries.flatten() {
        let staged = e.path().join("new");
        if let Ok(target) = std::fs::read_to_string(e.path().join("target")) {
            let target = PathBuf::from(target.trim());
            if let (Some(s), Some(t)) = (version(&staged), version(&target))
                && s < t
            {
                let _ = file_old_version(&staged, &target, &s.to_string());
            }
        }
        let _ = std::fs::remove_dir_all(e.path());
    }
}

fn refuse(reason: &str, status: Status) -> Result<Status> {
    eprintln!("error: refused: {reason}\n  the catalog is unchanged");
    Ok(status)
}

pub fn run(registry: &FieldRegistry, args: AcceptArgs) -> Result<Status> {
    let catalog = &args.catalog;
    if !catalog.is_dir() {
        eprintln!("error: {} is not a catalog folder", catalog.display());
        return Ok(Status::Invalid);
    }
    finish_interrupted(catalog);
    // 1. The bag itself.
    if !assay_integrity::bag::is_bag(&args.bag) {
        return refuse(
            &format!("{} is not a BagIt bag (no bagit.txt)", args.bag.display()),
            Status::Invalid,
        );
    }
    let v = assay_integrity::bag::verify_bag(&args.bag);
    if !v.problems.is_empty() {
        for p in &v.problems {
            eprintln!("  {p}");
        }
        return refuse(
            &format!(
                "the bag does not verify ({} problem(s) above)",
                v.problems.len()
            ),
            if v.unreadable {
                Status::Unreadable
            } else {
                Status::Failure
            },
        );
    }
    // 2. Staged inside the catalog (the same file system, so the move is a rename).
    let stage_root = catalog
        .join(STAGING)
        .join(format!("{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&stage_root);
    let stage = stage_root.join("new");
    let result = stage_and_accept(registry, &args, &stage_root, &stage);
    let _ = std::fs::remove_dir_all(&stage_root);
    if let Ok(rest) = std::fs::read_dir(catalog.join(STAGING))
        && rest.count() == 0
    {
        let _ = std::fs::remove_dir(catalog.join(STAGING));
    }
    result
}

fn stage_and_accept(
    registry: &FieldRegistry,
    args: &AcceptArgs,
    stage_root: &Path,
    stage: &Path,
) -> Result<Status> {
    let tags = args.bag.join(assay_integrity::bag::TAG_DIR);
    let manifest_name = if tags.join("dataset.json").is_file() {
        "dataset.json"
    } else {
        "dataset.yaml"
    };
    copy_tree(&args.bag.join("data"), stage)?;
    for (from, to) in [
        (manifest_name, manifest_name),
        ("dataset.lock", "dataset.lock"),
    ] {
        std::fs::copy(tags.join(from), stage.join(to))?;
    }
    let result = lint::lint_file(
        &stage.join(manifest_name),
        registry,
        LintOptions { strict: true },
    );
    if result.has_errors() {
        for d in result.diagnostics.iter().filter(|d| d.is_error()) {
            eprintln!("  {d}");
        }
        return refuse("the enclosed manifest does not lint", Status::Invalid);
    }
    let Some(loaded) = result.loaded else {
        return refuse("the enclosed manifest does not load", Status::Invalid);
    };
    let full = assay_integrity::verify::verify(&loaded, assay_integrity::verify::Mode::Full, 1);
    if !full.differences.is_empty() {
        for d in &full.differences {
            eprintln!("  {d}");
        }
        return refuse(
            "the staged dataset does not match its lock",
            Status::Failure,
        );
    }
    // 3. Validated again; the enclosed report is compared, not trusted.
    let (now_us, now_text) = match super::validate::reference_time(args.now.as_deref()) {
        Ok(t) => t,
        Err(s) => return Ok(s),
    };
    let fresh = match super::validate::validate_at(&loaded, now_us, &now_text) {
        Ok(r) => r,
        Err(e) => return refuse(&format!("validation: {e}"), Status::Unreadable),
    };
    if matches!(fresh.status, RunStatus::Fail | RunStatus::Error) {
        return refuse(
            &format!(
                "the data fails validation: {} error-level check(s) failed, {} could not be evaluated (`assay validate` on the bag's dataset shows them)",
                fresh.summary.failed, fresh.summary.errors
            ),
            if fresh.status == RunStatus::Error {
                Status::Unreadable
            } else {
                Status::Failure
            },
        );
    }
    let enclosed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(args.bag.join("assay/report.json"))?)
            .unwrap_or_default();
    let said = |v: &serde_json::Value| -> Vec<(String, String, u64)> {
        let mut out: Vec<(String, String, u64)> = v["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|r| r["checks"].as_array().into_iter().flatten())
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or("").to_string(),
                    c["status"].as_str().unwrap_or("").to_string(),
                    c["failing"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        out.sort();
        out
    };
    let fresh_json = serde_json::to_value(&fresh)?;
    if enclosed["status"] != fresh_json["status"] || said(&enclosed) != said(&fresh_json) {
        return refuse(
            &format!(
                "the bag's report does not match a fresh validation (it says {}, the data gives {})",
                enclosed["status"].as_str().unwrap_or("nothing"),
                fresh_json["status"].as_str().unwrap_or("?")
            ),
            Status::Failure,
        );
    }
    if let Some(c) = &fresh.conformance
        && !c.deviations.is_empty()
    {
        return refuse(
            &format!(
                "the dataset declares conformsTo {} but deviates: {}",
                c.standard,
                c.deviations.join("; ")
            ),
            Status::Failure,
        );
    }
    // 4. Its place in the catalog, and the version rule.
    let m = &loaded.manifest;
    let target = args.catalog.join(&m.field).join(&m.name);
    let current = match current_version(&args.catalog, &m.name) {
        Ok(c) => c,
        Err(e) => return refuse(&e, Status::Invalid),
    };
    if let Some((dir, _)) = &current
        && dir.canonicalize().ok() != target.canonicalize().ok()
    {
        return refuse(
            &format!(
                "dataset `{}` already exists at {}, not at {}: names are unique in a catalog",
                m.name,
                dir.display(),
                target.display()
            ),
            Status::Failure,
        );
    }
    if current.is_none() && target.exists() {
        return refuse(
            &format!("{} exists and is not this dataset", target.display()),
            Status::Failure,
        );
    }
    if let Some((_, old)) = &current {
        let d = assay_model::diff::diff(&old.manifest, m);
        let newer = match (
            semver::Version::parse(&old.manifest.version),
            semver::Version::parse(&m.version),
        ) {
            (Ok(a), Ok(b)) => b > a,
            _ => false,
        };
        if !newer || !d.version_ok || target.join(VERSIONS).join(&m.version).exists() {
            let changes: Vec<String> = d
                .changes
                .iter()
                .filter(|c| c.class != assay_model::diff::Class::Informational)
                .map(|c| format!("{} {} ({}): {}", c.class, c.rule, c.at, c.message))
                .collect();
            for c in &changes {
                eprintln!("  {c}");
            }
            return refuse(
                &format!(
                    "version {} → {}: {}",
                    old.manifest.version,
                    m.version,
                    if !newer {
                        "a submission must have a newer version".to_string()
                    } else {
                        format!("the changes above need a new {:?} version", d.required_bump)
                            .to_lowercase()
                    }
                ),
                Status::Failure,
            );
        }
    }
    // 5. In, atomically.
    let target_parent = target.parent().unwrap_or(&args.catalog);
    std::fs::create_dir_all(target_parent)?;
    match current {
        None => std::fs::rename(stage, &target)?,
        Some((_, old)) => {
            // Say where the old version goes before the exchange, so a kill after it can be
            // finished by the next accept.
            std::fs::write(stage_root.join("target"), target.display().to_string())?;
            rustix::fs::renameat_with(
                rustix::fs::CWD,
                stage,
                rustix::fs::CWD,
                &target,
                rustix::fs::RenameFlags::EXCHANGE,
            )
            .map_err(std::io::Error::from)?;
            // `stage` now holds the old version; its history joins the new one.
            let dest = file_old_version(stage, &target, &old.manifest.version)?;
            println!(
                "previous version {} kept at {}",
                old.manifest.version,
                dest.display()
            );
        }
    }
    println!(
        "accepted {} {} into {}: {} file(s) verified, validation {}",
        m.name,
        m.version,
        target.display(),
        v_files(&target),
        serde_json::to_value(fresh.status)?.as_str().unwrap_or("?")
    );
    Ok(Status::Success)
}

/// Files of the accepted dataset (its data and manifest, not its history).
fn v_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != VERSIONS)
        .flatten()
        .filter(|e| e.file_type().is_file())
        .count()
}
