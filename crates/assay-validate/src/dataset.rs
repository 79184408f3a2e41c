//! A dataset as every front end opens it (the command line, the Python package): its manifest
//! found and linted, the reference time read, and a finished run added to its history.

use std::path::{Path, PathBuf};

use assay_model::lint::{self, LintOptions};
use assay_model::report::Report;
use assay_model::{Diagnostic, FieldRegistry, LoadedManifest};

/// Why a dataset could not be opened.
#[derive(Debug)]
pub enum LoadError {
    /// A folder with no `dataset.yaml` or `dataset.json`.
    NoManifest(PathBuf),
    /// The manifest is not lint-clean: its errors, each located (file, line, column).
    Invalid {
        /// The manifest file.
        manifest: PathBuf,
        /// Its errors (warnings are left out).
        diagnostics: Vec<Diagnostic>,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NoManifest(dir) => write!(
                f,
                "no dataset.yaml or dataset.json in {}\n  hint: draft one with `assay init`, or pass the manifest's path",
                dir.display()
            ),
            LoadError::Invalid {
                manifest,
                diagnostics,
            } => {
                for d in diagnostics {
                    writeln!(f, "{d}")?;
                }
                write!(
                    f,
                    "the manifest is invalid; fix it first (`assay lint {}`)",
                    manifest.display()
                )
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// The manifest of `path`: the file itself, or `dataset.yaml` / `dataset.json` in the folder.
pub fn manifest_path(path: &Path) -> Result<PathBuf, LoadError> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    assay_model::MANIFEST_FILE_NAMES
        .iter()
        .map(|n| path.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| LoadError::NoManifest(path.to_path_buf()))
}

/// Loads a dataset's manifest (a file or the folder holding it) and lints it, with the SQL of
/// its expressions planned against the declared columns; only a lint-clean manifest loads.
pub fn load(path: &Path, registry: &FieldRegistry) -> Result<LoadedManifest, LoadError> {
    load_with(path, registry, &[])
}

/// [`load`] for a table in memory: its data need not be written yet, so a resource path that
/// matches no file (`no-files`) is not an error.
pub fn load_for_table(path: &Path, registry: &FieldRegistry) -> Result<LoadedManifest, LoadError> {
    load_with(path, registry, &["no-files"])
}

fn load_with(
    path: &Path,
    registry: &FieldRegistry,
    ignore: &[&str],
) -> Result<LoadedManifest, LoadError> {
    let manifest = manifest_path(path)?;
    let mut result = lint::lint_file(&manifest, registry, LintOptions::default());
    result.diagnostics.retain(|d| !ignore.contains(&d.code));
    if let Some(loaded) = &result.loaded {
        result
            .diagnostics
            .extend(crate::lint_sql::expression_diagnostics(loaded));
    }
    if result.has_errors() || result.loaded.is_none() {
        return Err(LoadError::Invalid {
            manifest,
            diagnostics: result
                .diagnostics
                .into_iter()
                .filter(|d| d.is_error())
                .collect(),
        });
    }
    result.loaded.ok_or(LoadError::Invalid {
        manifest: PathBuf::new(),
        diagnostics: Vec::new(),
    })
}

/// Parses RFC 3339 (or a plain date) into microseconds since the epoch, UTC.
pub fn parse_time(text: &str) -> Option<i64> {
    use arrow::array::{Array, AsArray, StringArray};
    use arrow::datatypes::{DataType, TimeUnit};
    let a: std::sync::Arc<dyn Array> = std::sync::Arc::new(StringArray::from(vec![text]));
    let ts = arrow::compute::cast(
        &a,
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
    )
    .ok()?;
    let ts = ts.as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
    ts.is_valid(0).then(|| ts.value(0))
}

/// The reference time of a run: `now` when given, else the current time in whole seconds; as
/// microseconds and RFC 3339. The error says how to write one.
pub fn reference_time(now: Option<&str>) -> Result<(i64, String), String> {
    match now {
        Some(t) => match parse_time(t) {
            Some(us) => Ok((us, crate::micros_to_rfc3339(us))),
            None => Err(format!(
                "`{t}` is not an RFC 3339 time\n  hint: e.g. 2025-07-05T00:00:00Z"
            )),
        },
        None => {
            let us = wall_clock_micros();
            // Whole seconds: a reference time is read by people (`2026-11-28T14:05:12Z`).
            let us = us - us.rem_euclid(1_000_000);
            Ok((us, crate::micros_to_rfc3339(us)))
        }
    }
}

/// The current time, microseconds since the Unix epoch.
pub fn wall_clock_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// Appends a run's metrics to `<dataset>/.assay/history/` (one new file, written atomically);
/// `partial` when only some resources were validated.
pub fn record_history(
    loaded: &LoadedManifest,
    report: &Report,
    now_us: i64,
    partial: bool,
) -> Result<(), String> {
    use crate::history;
    let run = assay_integrity::openlineage::run_id(false, "");
    let digest = assay_integrity::openlineage::report_digest(report);
    let rates = history::null_rates(&loaded.dir, report);
    let entries = history::entries_for(
        report,
        &rates,
        &run,
        now_us,
        wall_clock_micros(),
        digest,
        partial,
    );
    history::append(&loaded.dir, &entries).map(|_| ())
}
