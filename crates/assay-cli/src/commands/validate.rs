//! `assay validate`.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Result;
use assay_model::FieldRegistry;
use assay_model::report::RunStatus;

use crate::cli::{ReportFormat, ValidateArgs as Args};
use crate::exit::Status;

/// A byte-based progress bar on stderr, drawn only on a terminal.
struct Bar(indicatif::ProgressBar);

impl assay_validate::Progress for Bar {
    fn add_total(&self, bytes: u64) {
        self.0.inc_length(bytes);
    }
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }
}

/// The reference time: `--now` when given, else the current time; as microseconds and RFC 3339.
pub(crate) fn reference_time(now: Option<&str>) -> Result<(i64, String), Status> {
    assay_validate::dataset::reference_time(now).map_err(|e| {
        eprintln!("error: --now {e}");
        Status::Invalid
    })
}

pub fn run(registry: &FieldRegistry, args: Args) -> Result<Status> {
    let loaded = match super::load_dataset(&args.dataset, registry) {
        Ok(l) => l,
        Err(status) => return Ok(status),
    };
    let (now_us, now_text) = match reference_time(args.now.as_deref()) {
        Ok(t) => t,
        Err(status) => return Ok(status),
    };
    let started = now_wall_clock();
    let quality = match quality_config(&loaded.dir) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} validating {bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Arc::new(Bar(pb))
    });
    let mut options = assay_validate::Options {
        samples: args.samples,
        now_us,
        now_text: now_text.clone(),
        resource: args.resource.clone(),
        generated_at: args.timestamps.then(|| now_text.clone()),
        ..Default::default()
    };
    options.memory_limit = args.memory_limit;
    options.quality = quality;
    if let Some(j) = args.jobs {
        options.jobs = j.max(1);
    }
    options.hash_remote = args.hash;
    // `ASSAY_NO_CACHE=1` as `--no-cache`, for scripts that run several builds (bench/compare.sh).
    let no_cache =
        args.no_cache || std::env::var_os("ASSAY_NO_CACHE").is_some_and(|v| !v.is_empty());
    if !no_cache
        && let Some(dir) = args
            .cache_dir
            .clone()
            .or_else(assay_storage::cache::DiskCache::default_dir)
    {
        options.cache = Some(assay_validate::CacheOptions {
            disk: assay_storage::cache::DiskCache::new(dir),
            trust_file_stat: args.quick,
        });
    }
    if let Some(url) = &args.cluster {
        match cluster_decides(&loaded, &options, url, args.quiet) {
            Ok(decided) => {
                options.decided = Some(Arc::new(decided));
                // The cache holds per-file results of every check; here the client evaluates
                // only some.
                options.cache = None;
            }
            Err(status) => return Ok(status),
        }
    }
    if let Some(b) = &bar {
        options.progress = Some(b.clone());
    }
    let result = assay_validate::validate(&loaded, &options);
    if let Some(b) = &bar {
        b.0.finish_and_clear();
    }
    let used = assay_validate::cache_usage();
    if used.reused > 0 && !args.quiet {
        let files: usize = match &result {
            Ok(r) => r.resources.iter().map(|r| r.files.len()).sum(),
            Err(_) => 0,
        };
        eprintln!(
            "{} of {files} file(s) checked from the cache of earlier runs (--no-cache to read them all)",
            used.reused
        );
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(if e.exit_code() == 3 {
                Status::Unreadable
            } else {
                Status::Invalid
            });
        }
    };
    // Values of data that is not public leave the machine only as tokens: every format but the
    // engineer's own text output is redacted unless `--reveal`; the text output with `--redact`.
    let redact = match args.format {
        ReportFormat::Text => args.redact,
        _ => !args.reveal,
    };
    let redaction = if redact || (args.openlineage.is_some() && !args.reveal) {
        match super::redaction(&loaded) {
            Ok(r) => Some(r),
            Err(status) => return Ok(status),
        }
    } else {
        None
    };
    let shown = match (&redaction, redact) {
        (Some(r), true) => r.report(&loaded, &report),
        _ => report.clone(),
    };
    let text = match args.format {
        ReportFormat::Json => super::pretty_json(&shown)?,
        ReportFormat::Text => {
            let mut text =
                assay_report::text::render_text(&shown, args.out.is_none() && color_stdout());
            if args.strict && report.status == RunStatus::Warn {
                // The summary above says PASS with warnings; under --strict the run fails.
                text.push_str(&format!(
                    "FAIL under --strict: {} warning-level check(s) failed\n",
                    report.summary.warned
                ));
            }
            text
        }
        ReportFormat::Junit => assay_report::junit::render_junit(&shown, args.strict),
        ReportFormat::Sarif => assay_report::sarif::render_sarif(&loaded, &shown, args.strict),
        ReportFormat::Github => assay_report::github::render_github(&loaded, &shown, args.strict),
    };
    super::write_output(args.out.as_deref(), &text)?;
    if !args.no_history
        && report.status != RunStatus::Error
        && let Err(e) = assay_validate::dataset::record_history(
            &loaded,
            &report,
            now_us,
            args.resource.is_some(),
        )
    {
        eprintln!("warning: the run was not added to the history: {e}");
    }
    if let Some(path) = &args.openlineage {
        let files: Vec<std::path::PathBuf> = report
            .resources
            .iter()
            .flat_map(|r| r.files.iter())
            .filter(|f| f.error.is_none())
            .map(|f| loaded.dir.join(&f.path))
            .collect();
        let refs: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
        let metrics = assay_integrity::openlineage::column_metrics(&refs);
        let (started, ended) = if args.deterministic {
            (report.now.clone(), report.now.clone())
        } else {
            (started, now_wall_clock())
        };
        let lineage_report = match &redaction {
            Some(r) if !args.reveal => r.report(&loaded, &report),
            _ => report.clone(),
        };
        let events = assay_integrity::openlineage::validation_events(
            &loaded,
            registry,
            &lineage_report,
            &metrics,
            &assay_integrity::openlineage::RunOptions {
                namespace: args.namespace.clone(),
                deterministic: args.deterministic,
                started,
                ended,
            },
        );
        let text = assay_integrity::openlineage::to_json_lines(&events);
        assay_integrity::lock::write_atomic(path, text.as_bytes())?;
    }
    Ok(match report.status {
        RunStatus::Error => Status::Unreadable,
        RunStatus::Fail => Status::Failure,
        RunStatus::Warn if args.strict => Status::Failure,
        RunStatus::Warn | RunStatus::Pass => Status::Success,
    })
}

pub(crate) use assay_validate::{quality_config, validate_at};

/// The checks a cluster decides (`--cluster`), or the status of a run that ends here: a
/// malformed URL (2), a cluster that cannot be reached or does not finish (3).
pub(crate) fn cluster_decides(
    loaded: &assay_model::LoadedManifest,
    options: &assay_validate::Options,
    url: &str,
    quiet: bool,
) -> Result<assay_validate::Decided, Status> {
    let failed = |e: assay_cluster::Error| {
        eprintln!("error: {e}");
        if e.exit_code() == 2 {
            Status::Invalid
        } else {
            Status::Unreadable
        }
    };
    let cluster = assay_cluster::Cluster::parse(url).map_err(failed)?;
    let outcome = assay_cluster::decide(loaded, options, &cluster, !quiet).map_err(failed)?;
    if !quiet {
        for (resource, name, kind, why) in &outcome.local {
            eprintln!("cluster: {resource}/{name} ({kind}) is evaluated here: {why}");
        }
    }
    Ok(outcome.decided)
}

/// The current time, RFC 3339.
pub(crate) fn now_wall_clock() -> String {
    let us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0);
    assay_validate::micros_to_rfc3339(us)
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
fn color_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// `assay cache dir|size|clean`.
pub fn cache(action: crate::cli::CacheAction, dir: Option<std::path::PathBuf>) -> Result<Status> {
    use crate::cli::CacheAction;
    let Some(dir) = dir.or_else(assay_storage::cache::DiskCache::default_dir) else {
        eprintln!(
            "error: no cache folder: set ASSAY_CACHE_DIR, XDG_CACHE_HOME or HOME, or pass --cache-dir"
        );
        return Ok(Status::Invalid);
    };
    let cache = assay_storage::cache::DiskCache::new(&dir);
    match action {
        CacheAction::Dir => println!("{}", dir.display()),
        CacheAction::Size => match cache.size() {
            Ok((n, bytes)) => println!("{n} entries, {bytes} bytes in {}", dir.display()),
            Err(e) => {
                eprintln!("error: cannot read the cache at {}: {e}", dir.display());
                return Ok(Status::Unreadable);
            }
        },
        CacheAction::Clean => match cache.clean() {
            Ok(n) => println!("removed {n} entries from {}", dir.display()),
            Err(e) => {
                eprintln!("error: cannot empty the cache at {}: {e}", dir.display());
                return Ok(Status::Unreadable);
            }
        },
    }
    Ok(Status::Success)
}
