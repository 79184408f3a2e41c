//! The native module of the `assay` Python package (`assay._assay`): thin bindings over the
//! Rust crates, so Python gets the same engine, reports and messages as the command line, and
//! no second implementation. The public API, its types and docstrings are in
//! `python/assay/__init__.py`; this module only converts.
//!
//! - Every long call runs with the GIL released, on a worker thread the calling thread waits
//!   for, checking for signals every 50 ms: Ctrl-C sets the engine's cancel flag, the run stops
//!   between row groups, and `KeyboardInterrupt` is raised with nothing reported
//!   ([`interruptible`]).
//! - Tables come in through the Arrow C stream interface (`__arrow_c_stream__`): pyarrow and
//!   polars hand over their buffers without a copy.
//! - Errors are the package's exception classes (`assay.errors`), with the located diagnostics
//!   of the command line.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arrow::ffi_stream::ArrowArrayStreamReader;
use arrow::record_batch::{RecordBatch, RecordBatchReader};
use arrow_pyarrow::FromPyArrow;
use assay_model::report::{Report, RunStatus};
use assay_model::{FieldRegistry, LoadedManifest};
use assay_validate::dataset::{self, LoadError};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The embedded registry of the 100 industrial fields, loaded once.
fn registry() -> &'static FieldRegistry {
    static REGISTRY: OnceLock<FieldRegistry> = OnceLock::new();
    REGISTRY.get_or_init(FieldRegistry::embedded)
}

/// An exception of `assay.errors`, made with `args`; the import's own error when it fails.
fn exception<'py, A>(py: Python<'py>, class: &str, args: A) -> PyErr
where
    A: pyo3::call::PyCallArgs<'py>,
{
    match py
        .import("assay.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args))
    {
        Ok(value) => PyErr::from_value(value),
        Err(e) => e,
    }
}

/// `assay.errors.AssayError`: the caller's mistake or configuration (the command line's exit 2).
fn usage_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    exception(py, "AssayError", (message.into(),))
}

/// `assay.errors.DataError`: data that could not be read (exit 3).
fn data_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    exception(py, "DataError", (message.into(),))
}

/// `assay.errors.ManifestError`, located at the first error, with every diagnostic.
fn manifest_error(py: Python<'_>, e: &LoadError) -> PyErr {
    let message = e.to_string();
    match e {
        LoadError::NoManifest(dir) => exception(
            py,
            "ManifestError",
            (
                message,
                dir.display().to_string(),
                None::<u64>,
                None::<u64>,
                "[]".to_string(),
            ),
        ),
        LoadError::Invalid {
            manifest,
            diagnostics,
        } => {
            let first = diagnostics.first();
            exception(
                py,
                "ManifestError",
                (
                    message,
                    first.map_or_else(
                        || manifest.display().to_string(),
                        |d| d.file.display().to_string(),
                    ),
                    first.map(|d| d.line),
                    first.map(|d| d.column),
                    serde_json::to_string(diagnostics).unwrap_or_else(|_| "[]".into()),
                ),
            )
        }
    }
}

/// The error of a validation that did not start or was interrupted.
fn validate_error(py: Python<'_>, e: assay_validate::Error) -> PyErr {
    match e {
        assay_validate::Error::Interrupted => {
            pyo3::exceptions::PyKeyboardInterrupt::new_err("the validation was interrupted")
        }
        e if e.exit_code() == 3 => data_error(py, e.to_string()),
        e => usage_error(py, e.to_string()),
    }
}

/// How long an interrupted run is waited for to stop at its next row group before the call
/// returns anyway (a phase that does not look at the flag: a sort at the end, say).
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Runs `work` on its own thread with the GIL released; the calling thread checks for signals
/// every 50 ms. On Ctrl-C (or any signal handler that raises):
/// - with a `cancel` flag (a validation), the flag is set and the run is waited for, up to
///   [`STOP_GRACE`] or a second Ctrl-C, to stop at its next row group;
/// - without one (profile, hashing, verify: they only read), the call returns at once.
///
/// Either way the handler's exception (`KeyboardInterrupt`) is returned and nothing of the run
/// is: a run left behind finishes on its thread and its result is dropped. Nothing a call
/// writes (a lock, the history) is written by the work itself, so nothing partial is written.
fn interruptible<T: Send + 'static>(
    py: Python<'_>,
    cancel: Option<&Arc<AtomicBool>>,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PyErr> {
    let (tx, mut rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("assay".into())
        .spawn(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)));
        })
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start a thread: {e}")))?;
    let mut interrupted: Option<(PyErr, std::time::Instant)> = None;
    loop {
        let (got, back) = py.detach(move || (rx.recv_timeout(Duration::from_millis(50)), rx));
        rx = back;
        match got {
            Ok(result) => {
                if let Some((e, _)) = interrupted {
                    return Err(e);
                }
                return result.map_err(|payload| {
                    PyRuntimeError::new_err(format!(
                        "assay failed: {}",
                        assay_model::panic_message(&*payload)
                    ))
                });
            }
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "assay's worker ended without a result",
                ));
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                if let Err(e) = py.check_signals() {
                    match (cancel, &interrupted) {
                        (Some(flag), None) => {
                            flag.store(true, Ordering::Relaxed);
                            interrupted = Some((e, std::time::Instant::now()));
                        }
                        // No flag to stop the work, or a second Ctrl-C: return now.
                        _ => return Err(e),
                    }
                }
                if let Some((_, since)) = &interrupted
                    && since.elapsed() > STOP_GRACE
                {
                    return Err(interrupted.map(|(e, _)| e).unwrap_or_else(|| {
                        pyo3::exceptions::PyKeyboardInterrupt::new_err("interrupted")
                    }));
                }
            }
        }
    }
}

/// Run settings shared by `validate` and `validate_table`.
fn options(
    py: Python<'_>,
    dir: &Path,
    now: Option<&str>,
    samples: usize,
    jobs: Option<usize>,
    memory_limit: Option<u64>,
) -> PyResult<(assay_validate::Options, Arc<AtomicBool>)> {
    let (now_us, now_text) =
        dataset::reference_time(now).map_err(|e| usage_error(py, format!("now: {e}")))?;
    let quality = assay_validate::quality_config(dir).map_err(|e| usage_error(py, e))?;
    let cancel = Arc::new(AtomicBool::new(false));
    let mut options = assay_validate::Options {
        samples,
        now_us,
        now_text,
        quality,
        cancel: Some(cancel.clone()),
        ..Default::default()
    };
    if let Some(j) = jobs {
        options.jobs = j.max(1);
    }
    if let Some(m) = memory_limit {
        options.memory_limit = m;
    }
    Ok((options, cancel))
}

fn load(py: Python<'_>, path: &Path) -> PyResult<LoadedManifest> {
    dataset::load(path, registry()).map_err(|e| manifest_error(py, &e))
}

/// A validation's report, as the engine made it (its hidden values redacted unless revealed).
#[pyclass(module = "assay._assay", frozen)]
struct NativeReport {
    loaded: LoadedManifest,
    report: Report,
    /// The data was a table in memory: the HTML report has no column profile.
    in_memory: bool,
    /// How the report was redacted, and how the HTML page's profiles are (`None`: revealed).
    redaction: Option<assay_model::redact::Redaction>,
}

impl NativeReport {
    fn new(
        py: Python<'_>,
        loaded: LoadedManifest,
        report: Report,
        in_memory: bool,
        reveal: bool,
    ) -> PyResult<NativeReport> {
        let redaction = if reveal {
            None
        } else {
            Some(assay_model::redact::Redaction::of(&loaded).map_err(|e| usage_error(py, e))?)
        };
        let report = match &redaction {
            Some(r) => r.report(&loaded, &report),
            None => report,
        };
        Ok(NativeReport {
            loaded,
            report,
            in_memory,
            redaction,
        })
    }
}

#[pymethods]
impl NativeReport {
    /// The report as JSON, as `assay validate --format json` writes it.
    fn json(&self) -> PyResult<String> {
        let mut s = serde_json::to_string_pretty(&self.report)
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        s.push('\n');
        Ok(s)
    }

    /// The report as the command line's text.
    fn text(&self) -> String {
        assay_report::text::render_text(&self.report, false)
    }

    /// The report as one HTML page, as `assay report --format html` writes it.
    fn html(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        let lang = match lang {
            "en" => assay_report::Lang::En,
            "zh" => assay_report::Lang::Zh,
            other => {
                return Err(usage_error(
                    py,
                    format!("lang `{other}`: the report is in `en` or `zh`"),
                ));
            }
        };
        let loaded = &self.loaded;
        let report = &self.report;
        let in_memory = self.in_memory;
        let redaction = &self.redaction;
        Ok(py.detach(|| {
            let mut profiles = if in_memory {
                Vec::new()
            } else {
                assay_validate::profile::of_report(&loaded.dir, report)
            };
            if let Some(r) = redaction {
                r.profiles(&mut profiles);
            }
            let history = assay_validate::history::load(&loaded.dir).unwrap_or_default();
            assay_report::html::report(&assay_report::html::ReportInput {
                loaded,
                registry: registry(),
                report,
                profiles: &profiles,
                history: &history,
                lang,
                site: None,
                versions: &assay_model::diff::version_history(&loaded.dir, &loaded.manifest),
            })
        }))
    }

    /// `pass`, `warn`, `fail` or `error`.
    #[getter]
    fn status(&self) -> &'static str {
        match self.report.status {
            RunStatus::Pass => "pass",
            RunStatus::Warn => "warn",
            RunStatus::Fail => "fail",
            RunStatus::Error => "error",
        }
    }

    /// True when the values of data that is not public are redacted.
    #[getter]
    fn redacted(&self) -> bool {
        self.redaction.is_some()
    }

    /// The manifest the data was validated against.
    #[getter]
    fn manifest(&self) -> String {
        self.loaded.path.display().to_string()
    }
}

/// Validates a dataset: a `dataset.yaml` / `dataset.json` or the folder holding it.
#[pyfunction]
#[pyo3(signature = (path, *, now=None, samples=10, resource=None, jobs=None, memory_limit=None, reveal=false, history=false, cluster=None))]
#[allow(clippy::too_many_arguments)]
fn validate(
    py: Python<'_>,
    path: PathBuf,
    now: Option<String>,
    samples: usize,
    resource: Option<String>,
    jobs: Option<usize>,
    memory_limit: Option<u64>,
    reveal: bool,
    history: bool,
    cluster: Option<String>,
) -> PyResult<NativeReport> {
    let loaded = load(py, &path)?;
    let (mut options, cancel) =
        options(py, &loaded.dir, now.as_deref(), samples, jobs, memory_limit)?;
    options.resource = resource.clone();
    if let Some(url) = cluster {
        // The checks a Ballista cluster decides, as `assay validate --cluster` does.
        let c = assay_cluster::Cluster::parse(&url).map_err(|e| usage_error(py, e.to_string()))?;
        let (l, o) = (loaded.clone(), options.clone());
        let outcome = interruptible(py, None, move || assay_cluster::decide(&l, &o, &c, false))?
            .map_err(|e| {
                if e.exit_code() == 2 {
                    usage_error(py, e.to_string())
                } else {
                    data_error(py, e.to_string())
                }
            })?;
        options.decided = Some(Arc::new(outcome.decided));
        options.cache = None;
    }
    let (l, o) = (loaded.clone(), options.clone());
    let report = interruptible(py, Some(&cancel), move || assay_validate::validate(&l, &o))?
        .map_err(|e| validate_error(py, e))?;
    if history
        && report.status != RunStatus::Error
        && let Err(e) =
            dataset::record_history(&loaded, &report, options.now_us, resource.is_some())
    {
        return Err(data_error(
            py,
            format!("the run was not added to the history: {e}"),
        ));
    }
    NativeReport::new(py, loaded, report, false, reveal)
}

/// Validates an in-memory table (an Arrow C stream: pyarrow, polars, …) against a resource of
/// a manifest.
#[pyfunction]
#[pyo3(signature = (stream, manifest, *, resource=None, now=None, samples=10, jobs=None, memory_limit=None, reveal=false))]
#[allow(clippy::too_many_arguments)]
fn validate_table(
    py: Python<'_>,
    stream: &Bound<'_, PyAny>,
    manifest: PathBuf,
    resource: Option<String>,
    now: Option<String>,
    samples: usize,
    jobs: Option<usize>,
    memory_limit: Option<u64>,
    reveal: bool,
) -> PyResult<NativeReport> {
    let loaded =
        dataset::load_for_table(&manifest, registry()).map_err(|e| manifest_error(py, &e))?;
    let (options, cancel) = options(py, &loaded.dir, now.as_deref(), samples, jobs, memory_limit)?;
    // The batches are imported, not copied: each array keeps the producer's buffers alive.
    let reader = ArrowArrayStreamReader::from_pyarrow_bound(stream)?;
    let schema = reader.schema();
    let batches: Vec<RecordBatch> = reader
        .collect::<Result<_, _>>()
        .map_err(|e| data_error(py, format!("the table could not be read: {e}")))?;
    let l = loaded.clone();
    let report = interruptible(py, Some(&cancel), move || {
        assay_validate::validate_batches(&l, resource.as_deref(), schema, &batches, &options)
    })?
    .map_err(|e| validate_error(py, e))?;
    NativeReport::new(py, loaded, report, true, reveal)
}

/// Lints manifests (files, dataset folders or catalog folders): every diagnostic, as JSON.
#[pyfunction]
#[pyo3(signature = (paths, *, strict=false))]
fn lint(py: Python<'_>, paths: Vec<PathBuf>, strict: bool) -> PyResult<String> {
    let files = assay_model::lint::find_manifests(&paths).map_err(|e| usage_error(py, e))?;
    if files.is_empty() {
        return Err(usage_error(
            py,
            "no dataset.yaml or dataset.json found under the paths given",
        ));
    }
    let mut results = py.detach(|| {
        assay_model::lint::lint_many(
            &files,
            registry(),
            assay_model::lint::LintOptions { strict },
        )
    });
    assay_validate::lint_sql::complete(&mut results);
    let all: Vec<_> = results.iter().flat_map(|r| r.diagnostics.iter()).collect();
    serde_json::to_string(&all).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// Profiles Parquet files (paths, folders or store URLs) with no manifest, as JSON.
#[pyfunction]
#[pyo3(signature = (paths, *, jobs=None))]
fn profile(py: Python<'_>, paths: Vec<PathBuf>, jobs: Option<usize>) -> PyResult<String> {
    use assay_validate::profile::{ProfileOptions, profile, tables};
    let files = assay_validate::profile::find_files(&paths).map_err(|e| usage_error(py, e))?;
    if files.is_empty() {
        return Err(usage_error(py, "no .parquet files found"));
    }
    let mut options = ProfileOptions::default();
    if let Some(j) = jobs {
        options.jobs = j.max(1);
    }
    let profiles = interruptible(py, None, move || {
        let tables = tables(&files)?;
        tables
            .iter()
            .map(|files| profile(files, &options))
            .collect::<Result<Vec<_>, String>>()
    })?
    .map_err(|e| data_error(py, e))?;
    let mut doc = if let [p] = profiles.as_slice() {
        serde_json::to_value(p)
    } else {
        Ok(serde_json::json!({ "tables": profiles }))
    }
    .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    if let Some(o) = doc.as_object_mut() {
        o.insert("schema_version".into(), 1.into());
    }
    Ok(doc.to_string())
}

/// Writes a dataset's `dataset.lock`; returns the lock as JSON and whether it changed.
#[pyfunction]
#[pyo3(signature = (path, *, jobs=None))]
fn lock(py: Python<'_>, path: PathBuf, jobs: Option<usize>) -> PyResult<(String, String, bool)> {
    use assay_integrity::lock::{LockError, compute, lock_path};
    let loaded = load(py, &path)?;
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let l = loaded.clone();
    let lock = interruptible(py, None, move || compute(&l, jobs.max(1)))?.map_err(|e| {
        let message = format!(
            "{}: {e}\nnothing was written; the previous lock, if any, is unchanged",
            loaded.manifest.name
        );
        match e {
            LockError::Unreadable(_) => data_error(py, message),
            _ => usage_error(py, message),
        }
    })?;
    let path = lock_path(&loaded);
    let text = lock.to_json();
    let unchanged = std::fs::read(&path).is_ok_and(|old| old == text.as_bytes());
    if !unchanged {
        assay_integrity::lock::write_atomic(&path, text.as_bytes())
            .map_err(|e| data_error(py, format!("{}: {e}", path.display())))?;
    }
    Ok((text, path.display().to_string(), !unchanged))
}

/// Verifies a dataset against its `dataset.lock`, as JSON.
#[pyfunction]
#[pyo3(signature = (path, *, quick=false, jobs=None))]
fn verify(py: Python<'_>, path: PathBuf, quick: bool, jobs: Option<usize>) -> PyResult<String> {
    use assay_integrity::verify::{Mode, verify};
    let loaded = load(py, &path)?;
    let jobs = jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let mode = if quick { Mode::Quick } else { Mode::Full };
    let v = interruptible(py, None, move || verify(&loaded, mode, jobs.max(1)))?;
    serde_json::to_string(&v).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

/// Searches a published catalog site (`search-index.json` in `site`), as JSON.
#[pyfunction]
#[pyo3(signature = (site, query, filters))]
fn search(
    py: Python<'_>,
    site: PathBuf,
    query: &str,
    filters: std::collections::BTreeMap<String, Vec<String>>,
) -> PyResult<String> {
    let path = site.join("search-index.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        usage_error(
            py,
            format!(
                "{}: {e}\n  hint: publish the catalog first: assay publish catalog --out {}",
                path.display(),
                site.display()
            ),
        )
    })?;
    let index: assay_catalog::search::SearchIndex = serde_json::from_str(&text)
        .map_err(|e| usage_error(py, format!("{}: not a search index: {e}", path.display())))?;
    let results = assay_catalog::search::Prepared::new(&index).query(query, &filters);
    serde_json::to_string(&results).map_err(|e| PyRuntimeError::new_err(e.to_string()))
}

#[pymodule]
fn _assay(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<NativeReport>()?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(validate_table, m)?)?;
    m.add_function(wrap_pyfunction!(lint, m)?)?;
    m.add_function(wrap_pyfunction!(profile, m)?)?;
    m.add_function(wrap_pyfunction!(lock, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(search, m)?)?;
    Ok(())
}
