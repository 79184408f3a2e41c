//! One module per subcommand; each returns the exit status.

use std::path::Path;

use anyhow::{Context, Result};
use assay_model::lint;
use assay_model::{FieldRegistry, LoadedManifest};

use crate::cli::{Cli, Command};
use crate::exit::Status;

mod accept;
mod diff;
mod fields;
mod frictionless;
mod init;
mod lineage;
mod lint_cmd;
mod lock;
mod new;
mod pack;
mod profile;
mod publish;
mod query;
mod report;
mod search;
mod serve;
mod split;
mod validate;
mod verify;

pub fn run(cli: Cli) -> Result<Status> {
    let registry = match &cli.registry {
        Some(path) => FieldRegistry::from_path(path)
            .with_context(|| format!("loading the field registry {}", path.display()))?,
        None => FieldRegistry::embedded(),
    };
    match cli.command {
        Command::Fields {
            query,
            sector,
            format,
        } => fields::run(&registry, query.as_deref(), sector.as_deref(), format),
        Command::Lint {
            paths,
            strict,
            format,
        } => lint_cmd::run(&registry, &paths, strict, format),
        Command::Validate(args) => validate::run(&registry, args),
        Command::Cache { action, cache_dir } => validate::cache(action, cache_dir),
        Command::Lock(args) => lock::run(&registry, args),
        Command::Verify(args) => verify::run(&registry, args),
        Command::Lineage(args) => lineage::run(&registry, args),
        Command::Pack(args) => pack::run(&registry, args),
        Command::Profile(args) => profile::run(args),
        Command::Split(args) => split::run(&registry, args),
        Command::Report(args) => report::run(&registry, args),
        Command::Publish(args) => publish::run(&registry, args),
        Command::Search(args) => search::run(args),
        Command::Query(args) => query::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Init(args) => init::run(&registry, args),
        Command::New(args) => new::run(&registry, args),
        Command::Import(args) => frictionless::import(&registry, args),
        Command::Export(args) => frictionless::export(&registry, args),
        Command::Diff(args) => diff::run(args),
        Command::Submit(args) => pack::submit(&registry, args),
        Command::Accept(args) => accept::run(&registry, args),
    }
}

/// The dataset name for a new manifest in `dir`: `name`, or the folder's name in lowercase; a
/// name that is not a valid machine name is a usage error (exit 2), said on stderr.
pub(crate) fn dataset_name(dir: &Path, name: Option<&str>) -> Result<String, Status> {
    let name = match name {
        Some(n) => n.to_string(),
        None => dir
            .canonicalize()
            .ok()
            .and_then(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().to_ascii_lowercase())
            })
            .unwrap_or_else(|| "dataset".into()),
    };
    let valid_name = name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if !valid_name {
        eprintln!(
            "error: `{name}` is not a dataset name: lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit\n  hint: pass --name"
        );
        return Err(Status::Invalid);
    }
    Ok(name)
}

/// The manifest of `path`: the file itself, or `dataset.yaml` / `dataset.json` in the folder.
pub(crate) fn manifest_path(path: &Path) -> Result<std::path::PathBuf, Status> {
    assay_validate::dataset::manifest_path(path).map_err(|e| {
        eprintln!("error: {e}");
        Status::Invalid
    })
}

/// Loads a dataset's manifest (a file or the folder holding it) and lints it; prints the errors
/// and returns exit 2 when it is not lint-clean.
pub(crate) fn load_dataset(
    path: &Path,
    registry: &FieldRegistry,
) -> Result<LoadedManifest, Status> {
    use assay_validate::dataset::LoadError;
    assay_validate::dataset::load(path, registry).map_err(|e| {
        match &e {
            LoadError::Invalid {
                manifest,
                diagnostics,
            } => {
                for d in diagnostics {
                    eprintln!("{d}");
                }
                eprintln!(
                    "error: the manifest is invalid; fix it first (`assay lint {}`)",
                    manifest.display()
                );
            }
            LoadError::NoManifest(_) => eprintln!("error: {e}"),
        }
        Status::Invalid
    })
}

/// Manifests under `paths` (files, dataset folders or catalog folders), or exit 2.
pub(crate) fn manifests_under(
    paths: &[std::path::PathBuf],
) -> Result<Vec<std::path::PathBuf>, Status> {
    match lint::find_manifests(paths) {
        Ok(f) if !f.is_empty() => Ok(f),
        Ok(_) => {
            eprintln!(
                "error: no dataset.yaml or dataset.json found under {}",
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Err(Status::Invalid)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(Status::Invalid)
        }
    }
}

/// `12.3 MB`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    assay_integrity::bag::human_size(bytes)
}

/// Pretty JSON with a trailing newline: how every command writes a JSON document.
pub(crate) fn pretty_json(v: &impl serde::Serialize) -> Result<String> {
    let mut s = serde_json::to_string_pretty(v)?;
    s.push('\n');
    Ok(s)
}

/// Writes `text` to `out` atomically, or to stdout.
pub(crate) fn write_output(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => assay_integrity::lock::write_atomic(path, text.as_bytes())?,
        None => {
            use std::io::Write;
            std::io::stdout().lock().write_all(text.as_bytes())?
        }
    }
    Ok(())
}

/// How a dataset's hidden values are redacted in what leaves the machine
/// (`assay_model::redact::Redaction`); a key that cannot be read or made is said, and exits 2.
pub(crate) fn redaction(loaded: &LoadedManifest) -> Result<assay_model::redact::Redaction, Status> {
    assay_model::redact::Redaction::of(loaded).map_err(|e| {
        eprintln!("error: {e}");
        Status::Invalid
    })
}
