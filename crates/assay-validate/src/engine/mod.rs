//! The driver of a validation: plan each resource's checks, read each file once (hashing every
//! byte in the same read), decide what statistics can decide, decode the columns the other
//! checks need on worker threads, merge their results in row-group order, and turn the checks'
//! tallies into a [`Report`].
//!
//! - [`plan`]: a resource's checks (constraints and keys become checks);
//! - [`resource`]: one resource: its files in order, then every check's verdict;
//! - [`file`]: one file: the footer, schema conformance, the hashing read, the row groups;
//! - [`schedule`]: row groups on worker threads, merged back in order;
//! - [`tally`]: the counters, samples and verdict every check shares;
//! - [`schema_check`]: the implicit `schema` check of each resource;
//! - [`values`]: small Arrow helpers the checks share.
//!
//! The check kinds themselves are in `crate::checks`, one file each.

use std::sync::Arc;

use assay_model::report::{CheckStatus, DatasetIdentity, Report, RunStatus, Summary, Tool};
use assay_model::{LoadedManifest, Resource, hex};
use sha2::{Digest, Sha256};

pub mod cache;
pub(crate) mod chunk;
pub(crate) mod codec;
pub(crate) mod file;
pub mod memory;
mod pages;
pub(crate) mod plan;
pub(crate) mod resource;
pub(crate) mod schedule;
pub(crate) mod schema_check;
pub(crate) mod tally;
pub(crate) mod values;

pub(crate) use chunk::dictionary_hints_for;
pub use values::micros_to_rfc3339;

/// Receives progress: total bytes to read as files are found, bytes read as they are read.
pub trait Progress: Send + Sync {
    /// More bytes to read (a resource's files were resolved).
    fn add_total(&self, bytes: u64);
    /// Bytes read and checked.
    fn advance(&self, bytes: u64);
}

/// Run settings.
#[derive(Clone)]
pub struct Options {
    /// Failing rows kept per check.
    pub samples: usize,
    /// Reference time for freshness, microseconds since the Unix epoch (UTC).
    pub now_us: i64,
    /// The same, as RFC 3339 text for the report.
    pub now_text: String,
    /// Validate only this resource.
    pub resource: Option<String>,
    /// `generated_at` for the report, when timestamps are wanted.
    pub generated_at: Option<String>,
    /// Rows per decoded batch.
    pub batch_size: usize,
    /// Row groups decoded at once, each on its own thread (default: the number of cores).
    pub jobs: usize,
    /// Where progress goes; the library itself never prints.
    pub progress: Option<Arc<dyn Progress>>,
    /// Memory budget in bytes. Today it bounds the keys kept by `unique` on integer-like
    /// columns (half of it, as allocated; the rest spills to disk, partition by partition) and
    /// other keys (a quarter of it; the rest spills to disk in sorted runs).
    pub memory_limit: u64,
    /// Grade thresholds, weights and caps (a catalog's `quality.json`).
    pub quality: assay_model::quality::QualityConfig,
    /// Read every byte of objects in a store, in order, and hash them, as for local files
    /// (`validate --hash`, and `publish`): the report then has each object's sha256, at the
    /// cost of the statistics-first savings.
    pub hash_remote: bool,
    /// The cache of per-file partial results (`None`: off), and the footer cache for objects in
    /// stores, which [`validate`] turns on or off for the process to match.
    pub cache: Option<cache::CacheOptions>,
    /// Set (by another thread: a Ctrl-C handler) to stop the run: it stops between row groups
    /// and [`validate`] returns [`crate::Error::Interrupted`].
    pub cancel: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// Results decided elsewhere (a cluster, `crate::plans`): per resource, per planned check
    /// in plan order, the result to report instead of evaluating the check here. The checks
    /// without one, the `schema` check and the file reports are this run's.
    pub decided: Option<Arc<Decided>>,
}

/// Check results decided elsewhere, by resource name.
pub type Decided = std::collections::HashMap<String, DecidedResource>;

/// One resource's results decided elsewhere.
#[derive(Debug, Clone)]
pub struct DecidedResource {
    /// The files they cover (report paths, in order): the run refuses to report them beside
    /// file reports of other files.
    pub files: Vec<String>,
    /// In the resource's plan order; `None`: evaluated here.
    pub checks: Vec<Option<assay_model::report::CheckResult>>,
}

impl Options {
    /// True once the run was asked to stop.
    pub(crate) fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("samples", &self.samples)
            .field("now_text", &self.now_text)
            .field("resource", &self.resource)
            .field("batch_size", &self.batch_size)
            .field("jobs", &self.jobs)
            .finish_non_exhaustive()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            samples: 10,
            now_us: 0,
            now_text: "1970-01-01T00:00:00Z".into(),
            resource: None,
            generated_at: None,
            batch_size: 65_536,
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            progress: None,
            memory_limit: 1 << 30,
            quality: Default::default(),
            hash_remote: false,
            cache: None,
            cancel: None,
            decided: None,
        }
    }
}

/// Validates every resource of a loaded (lint-clean) manifest.
pub fn validate(loaded: &LoadedManifest, options: &Options) -> Result<Report, crate::Error> {
    let m = &loaded.manifest;
    let resources: Vec<&Resource> = match &options.resource {
        Some(name) => match m.resources.iter().find(|r| &r.name == name) {
            Some(r) => vec![r],
            None => {
                return Err(crate::Error::UnknownResource {
                    resource: name.clone(),
                    known: m
                        .resources
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        },
        None => m.resources.iter().collect(),
    };
    let history = history_for(loaded, &resources);
    let mut check_set = Vec::new();
    let mut reports = Vec::new();
    // Every resource's files first: a store that refuses or cannot be reached stops the run
    // before anything is read.
    assay_storage::cache::set(options.cache.as_ref().map(|c| c.disk.clone()));
    let usage_before = assay_storage::usage();
    let mut resolved = Vec::new();
    for r in &resources {
        resolved.push(
            assay_storage::resolve(&loaded.dir, &r.path.patterns())
                .map_err(crate::Error::Storage)?,
        );
    }
    let remote = resolved
        .iter()
        .any(|(files, _)| files.iter().any(|f| f.remote.is_some()));
    for (r, files) in resources.into_iter().zip(resolved) {
        if options.cancelled() {
            return Err(crate::Error::Interrupted);
        }
        let planned = plan::plan(r);
        let set = plan::check_set(r, &planned);
        // Checks decided elsewhere are taken out and put back in their places.
        let decided = options.decided.as_ref().and_then(|d| d.get(&r.name));
        if let Some(d) = decided {
            let here: Vec<&str> = files.0.iter().map(|f| f.rel.as_str()).collect();
            if d.files != here {
                return Err(crate::Error::Unfinished(format!(
                    "resource `{}`: its files changed while its checks ran elsewhere ({} file(s) then, {} now); nothing was reported: run again",
                    r.name,
                    d.files.len(),
                    here.len()
                )));
            }
            if d.checks.len() != planned.len() {
                return Err(crate::Error::Unfinished(format!(
                    "resource `{}`: {} check result(s) decided elsewhere for {} check(s)",
                    r.name,
                    d.checks.len(),
                    planned.len()
                )));
            }
        }
        let decided = decided.map(|d| &d.checks);
        let planned: Vec<_> = match decided {
            Some(d) => planned
                .into_iter()
                .zip(d)
                .filter(|(_, d)| d.is_none())
                .map(|(p, _)| p)
                .collect(),
            None => planned,
        };
        // What every file's cached results depend on in the resource: its checks and its key
        // (the samples' key values).
        let resource_key = serde_json::json!({
            "checks": &set,
            "primary_key": r.schema.primary_key.as_ref().map(|k| k.columns()),
        })
        .to_string();
        check_set.push(set);
        let mut report = resource::validate_resource(
            loaded,
            r,
            planned,
            &resource_key,
            options,
            &history,
            files,
        );
        if let Some(d) = decided {
            // `checks[0]` is the `schema` check; the rest follow the plan.
            let mut here = report
                .checks
                .split_off(1.min(report.checks.len()))
                .into_iter();
            for result in d {
                match result {
                    Some(r) => report.checks.push(r.clone()),
                    None => report.checks.extend(here.next()),
                }
            }
        }
        reports.push(report);
    }
    if options.cancelled() {
        return Err(crate::Error::Interrupted);
    }
    // The training-set checks, over every split, when the whole dataset is validated.
    let training = match (&m.ml, &options.resource) {
        (Some(ml), None) => {
            check_set.push(serde_json::json!({"ml": ml, "checks": ml.checks()}));
            Some(crate::ml::evaluate(loaded, ml, options))
        }
        _ => None,
    };
    if options.cancelled() {
        return Err(crate::Error::Interrupted);
    }
    let storage = remote.then(|| {
        let after = assay_storage::usage();
        assay_model::report::StorageUse {
            requests: after.requests - usage_before.requests,
            bytes_fetched: after.bytes - usage_before.bytes,
        }
    });
    Ok(assemble(
        loaded, reports, training, &check_set, options, storage,
    ))
}

/// The report of a run: its resources' and training set's results, their summary and status,
/// the dataset's identity and the quality grade.
pub(crate) fn assemble(
    loaded: &LoadedManifest,
    reports: Vec<assay_model::report::ResourceReport>,
    training: Option<assay_model::report::Training>,
    check_set: &[serde_json::Value],
    options: &Options,
    storage: Option<assay_model::report::StorageUse>,
) -> Report {
    let m = &loaded.manifest;
    let check_set_sha256 = hex(&Sha256::digest(
        serde_json::to_vec(check_set).unwrap_or_default(),
    ));
    let (summary, status) = summarize(&reports, training.as_ref());
    let mut report = Report {
        schema_version: assay_model::report::REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "assay".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        dataset: DatasetIdentity {
            name: m.name.clone(),
            version: m.version.clone(),
            field: m.field.clone(),
            manifest_sha256: loaded.sha256.clone(),
            check_set_sha256,
        },
        status,
        summary,
        resources: reports,
        generated_at: options.generated_at.clone(),
        now: options.now_text.clone(),
        quality: None,
        conformance: assay_model::report::Conformance::of(m),
        training,
        storage,
    };
    let access = access_facts(loaded, &report);
    report.quality = Some(assay_model::quality::score(
        report.checks(),
        &access,
        &options.quality,
    ));
    report
}

/// The dataset's history, read only when a check of `resources` compares with it.
pub(crate) fn history_for(
    loaded: &LoadedManifest,
    resources: &[&Resource],
) -> Result<Vec<crate::history::Entry>, String> {
    let needs_history = resources.iter().any(|r| {
        r.checks.iter().any(|c| {
            matches!(
                c.kind,
                assay_model::CheckKind::Change(_) | assay_model::CheckKind::Anomaly(_)
            )
        })
    });
    if needs_history {
        crate::history::load(&loaded.dir)
    } else {
        Ok(Vec::new())
    }
}

/// Counts over all results, and the run status they give.
fn summarize(
    reports: &[assay_model::report::ResourceReport],
    training: Option<&assay_model::report::Training>,
) -> (Summary, RunStatus) {
    let mut summary = Summary::default();
    let mut unreadable = false;
    for r in reports {
        summary.rows += r.rows;
        for f in &r.files {
            summary.bytes += f.bytes;
            unreadable |= f.error.is_some();
        }
    }
    let checks = reports
        .iter()
        .flat_map(|r| r.checks.iter())
        .chain(training.iter().flat_map(|t| t.checks.iter()));
    {
        for c in checks {
            summary.checks += 1;
            match c.status {
                CheckStatus::Pass => summary.passed += 1,
                CheckStatus::Fail => summary.failed += 1,
                CheckStatus::Warn => summary.warned += 1,
                CheckStatus::Error => summary.errors += 1,
            }
        }
    }
    let status = if unreadable || summary.errors > 0 {
        RunStatus::Error
    } else if summary.failed > 0 {
        RunStatus::Fail
    } else if summary.warned > 0 {
        RunStatus::Warn
    } else {
        RunStatus::Pass
    };
    (summary, status)
}

/// The accessibility facts of a validation: files read, files matching `dataset.lock` (read
/// beside the manifest; its hashes are compared with those of this same read), license and
/// descriptive metadata.
pub(crate) fn access_facts(
    loaded: &LoadedManifest,
    report: &Report,
) -> assay_model::quality::AccessFacts {
    let files: Vec<&assay_model::report::FileReport> = report
        .resources
        .iter()
        .flat_map(|r| r.files.iter())
        .collect();
    let lock = std::fs::read_to_string(loaded.dir.join(assay_model::lock::LOCK_FILE_NAME))
        .ok()
        .and_then(|t| assay_model::lock::Lock::parse(&t).ok())
        .filter(|l| l.dataset == loaded.manifest.name);
    let locked_match = lock.map(|l| {
        type Locked<'a> = (&'a str, Option<&'a str>, u64);
        let locked: std::collections::BTreeMap<&str, Locked> = l
            .resources
            .iter()
            .flat_map(|r| r.files.iter())
            .map(|f| {
                (
                    f.path.as_str(),
                    (f.sha256.as_str(), f.etag.as_deref(), f.bytes),
                )
            })
            .collect();
        files
            .iter()
            .filter(
                |f| match (locked.get(f.path.as_str()), &f.sha256, &f.etag) {
                    (Some((h, _, n)), Some(sha), _) => h == sha && *n == f.bytes,
                    // An object in a store is not hashed by a validation: its ETag stands in.
                    (Some((_, Some(e), n)), None, Some(etag)) => e == etag && *n == f.bytes,
                    _ => false,
                },
            )
            .count() as u64
    });
    let m = &loaded.manifest;
    let filled = [
        m.title.is_some(),
        m.description.is_some(),
        m.owner.is_some(),
        m.steward.is_some(),
        !m.keywords.is_empty(),
    ];
    assay_model::quality::AccessFacts {
        files: files.len() as u64,
        readable: files.iter().filter(|f| f.error.is_none()).count() as u64,
        locked_match,
        license: !m.licenses.is_empty(),
        metadata_filled: filled.iter().filter(|b| **b).count() as u8,
    }
}
