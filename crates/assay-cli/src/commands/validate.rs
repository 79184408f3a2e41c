//! `assay validate`.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Result;
use arrow::array::{Array, AsArray, StringArray};
use arrow::datatypes::{DataType, TimeUnit};
use assay_model::FieldRegistry;
use assay_model::report::{CheckStatus, Report, RunStatus};

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

/// Parses RFC 3339 (or a plain date) into microseconds since the epoch, UTC.
fn parse_time(text: &str) -> Option<i64> {
    let a: Arc<dyn Array> = Arc::new(StringArray::from(vec![text]));
    let ts = arrow::compute::cast(
        &a,
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
    )
    .ok()?;
    let ts = ts.as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
    ts.is_valid(0).then(|| ts.value(0))
}

/// The reference time: `--now` when given, else the current time; as microseconds and RFC 3339.
pub(crate) fn reference_time(now: Option<&str>) -> Result<(i64, String), Status> {
    match now {
        Some(t) => match parse_time(t) {
            Some(us) => Ok((us, assay_validate::micros_to_rfc3339(us))),
            None => {
                eprintln!(
                    "error: --now `{t}` is not an RFC 3339 time\n  hint: e.g. 2025-07-05T00:00:00Z"
                );
                Err(Status::Invalid)
            }
        },
        None => {
            let us = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_micros() as i64)
                .unwrap_or(0);
            Ok((us, assay_validate::micros_to_rfc3339(us)))
        }
    }
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
    if let Some(b) = &bar {
        options.progress = Some(b.clone());
    }
    let result = assay_validate::validate(&loaded, &options);
    if let Some(b) = &bar {
        b.0.finish_and_clear();
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    let text = match args.format {
        ReportFormat::Json => super::pretty_json(&report)?,
        ReportFormat::Text => render_text(&report, args.out.is_none() && color_stdout()),
        ReportFormat::Junit => render_junit(&report, args.strict),
        ReportFormat::Sarif => render_sarif(&loaded, &report, args.strict),
        ReportFormat::Github => render_github(&loaded, &report, args.strict),
    };
    super::write_output(args.out.as_deref(), &text)?;
    if !args.no_history
        && report.status != RunStatus::Error
        && let Err(e) = record_history(&loaded, &report, now_us, args.resource.is_some())
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
        let events = assay_integrity::openlineage::validation_events(
            &loaded,
            registry,
            &report,
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

/// Appends this run's metrics to `<dataset>/.assay/history/` (one new file, written atomically).
fn record_history(
    loaded: &assay_model::LoadedManifest,
    report: &Report,
    now_us: i64,
    partial: bool,
) -> Result<(), String> {
    use assay_validate::history;
    let written_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0);
    let run = assay_integrity::openlineage::run_id(false, "");
    let digest = assay_integrity::openlineage::report_digest(report);
    let rates = history::null_rates(&loaded.dir, report);
    let entries = history::entries_for(report, &rates, &run, now_us, written_us, digest, partial);
    history::append(&loaded.dir, &entries).map(|_| ())
}

/// Validates a dataset as every command but `validate` itself does: at the reference time, with
/// the catalog's `quality.json`. Errors are messages (a bad `quality.json`, say).
pub(crate) fn validate_at(
    loaded: &assay_model::LoadedManifest,
    now_us: i64,
    now_text: &str,
) -> Result<Report, String> {
    let options = assay_validate::Options {
        now_us,
        now_text: now_text.to_string(),
        quality: quality_config(&loaded.dir)?,
        ..Default::default()
    };
    assay_validate::validate(loaded, &options).map_err(|e| e.to_string())
}

/// The catalog's `quality.json`: the nearest one in the dataset's folder or above it, else the
/// documented defaults.
pub(crate) fn quality_config(
    dir: &std::path::Path,
) -> Result<assay_model::quality::QualityConfig, String> {
    let start = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for d in start.ancestors() {
        let p = d.join("quality.json");
        if p.is_file() {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            return assay_model::quality::load_config(&text)
                .map_err(|e| format!("{}: {e}", p.display()));
        }
    }
    Ok(Default::default())
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

fn status_word(s: CheckStatus, color: bool) -> String {
    let (word, code) = match s {
        CheckStatus::Pass => ("pass", "32"),
        CheckStatus::Warn => ("WARN", "33"),
        CheckStatus::Fail => ("FAIL", "31"),
        CheckStatus::Error => ("ERROR", "35"),
    };
    if color {
        // Pad before colouring so the escape codes do not break the column width.
        format!("\x1b[{code}m{word:<6}\x1b[0m")
    } else {
        format!("{word:<6}")
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: a test suite per resource, a test case per check. Failed error-level checks are
/// `<failure>`s, unevaluable ones `<error>`s; warnings are failures only under `--strict`.
fn render_junit(report: &Report, strict: bool) -> String {
    use std::fmt::Write as _;
    let fails = |s: CheckStatus| s == CheckStatus::Fail || (strict && s == CheckStatus::Warn);
    let all = report.resources.iter().flat_map(|r| &r.checks);
    let tests = all.clone().count();
    let failures = all.clone().filter(|c| fails(c.status)).count();
    let errors = all.filter(|c| c.status == CheckStatus::Error).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"assay validate {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">",
        xml_escape(&report.dataset.name)
    );
    for r in &report.resources {
        let t = r.checks.len();
        let f = r.checks.iter().filter(|c| fails(c.status)).count();
        let e = r
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Error)
            .count();
        let suite = format!("{}.{}", report.dataset.name, r.name);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\" skipped=\"0\">",
            xml_escape(&suite)
        );
        for c in &r.checks {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(&suite),
                xml_escape(&c.name)
            );
            let detail = || {
                let mut d = format!(
                    "{} of {} failing ({:.4}%), threshold {:.4}%",
                    c.failing,
                    c.evaluated,
                    c.failing_fraction * 100.0,
                    c.threshold * 100.0
                );
                for s in &c.samples {
                    let _ = write!(
                        d,
                        "\n{} row {}: {}{}",
                        s.file,
                        s.row.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                        s.values.join(", "),
                        s.note
                            .as_ref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    );
                }
                xml_escape(&d)
            };
            let message = xml_escape(c.message.as_deref().unwrap_or(""));
            if c.status == CheckStatus::Error {
                let _ = writeln!(
                    out,
                    ">\n      <error message=\"{message}\" type=\"{}\">{}</error>\n    </testcase>",
                    c.kind,
                    detail()
                );
            } else if fails(c.status) {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{message}\" type=\"{}\">{}</failure>\n    </testcase>",
                    c.kind,
                    detail()
                );
            } else if c.status == CheckStatus::Warn {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>warning: {message}</system-out>\n    </testcase>"
                );
            } else {
                let _ = writeln!(out, "/>");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn render_text(report: &Report, color: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let d = &report.dataset;
    let _ = writeln!(out, "{} {} ({})", d.name, d.version, d.field);
    for r in &report.resources {
        let _ = writeln!(
            out,
            "\nresource {}: {} file(s), {} rows",
            r.name,
            r.files.len(),
            r.rows
        );
        for f in &r.files {
            if let Some(e) = &f.error {
                let _ = writeln!(out, "  ! {}: {e}", f.path);
            }
        }
        let w = r
            .checks
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        let _ = writeln!(
            out,
            "  {:<w$}  {:<6} {:>9} {:>9}  FIRST FAILURE",
            "CHECK", "STATUS", "FAILING", "FRACTION"
        );
        for c in &r.checks {
            let first = c
                .samples
                .first()
                .map(|s| {
                    let loc = match s.row {
                        Some(row) => format!("{} row {row}", s.file),
                        None => s.file.clone(),
                    };
                    let vals = if s.values.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", s.values.join(", "))
                    };
                    let note = s
                        .note
                        .as_ref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default();
                    format!("{loc}{vals}{note}")
                })
                .or_else(|| {
                    (c.status != CheckStatus::Pass).then(|| c.message.clone().unwrap_or_default())
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {:<w$}  {} {:>9} {:>8.4}%  {}",
                c.name,
                status_word(c.status, color),
                c.failing,
                c.failing_fraction * 100.0,
                first
            );
        }
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "\n{}: {} checks, {} passed, {} failed, {} warned, {} could not be evaluated; {} rows, {} bytes",
        match report.status {
            RunStatus::Pass => "PASS",
            RunStatus::Warn => "PASS with warnings",
            RunStatus::Fail => "FAIL",
            RunStatus::Error => "ERROR (data unreadable)",
        },
        s.checks,
        s.passed,
        s.failed,
        s.warned,
        s.errors,
        s.rows,
        s.bytes
    );
    if let Some(q) = &report.quality {
        let dims: Vec<String> = q
            .dimensions
            .iter()
            .filter_map(|d| {
                d.score.map(|v| {
                    format!(
                        "{} {v:.1}",
                        serde_json::to_value(d.dimension)
                            .ok()
                            .and_then(|x| x.as_str().map(str::to_string))
                            .unwrap_or_default()
                    )
                })
            })
            .collect();
        let _ = writeln!(
            out,
            "quality {:.1}, grade {:?}{}: {}",
            q.score,
            q.grade,
            q.capped_by
                .as_deref()
                .map(|c| format!(" (capped: {c})"))
                .unwrap_or_default(),
            dims.join(", ")
        );
    }
    out
}

/// The manifest position of a check result: a JSON Pointer into the manifest.
fn check_pointer(
    loaded: &assay_model::LoadedManifest,
    resource: &str,
    check: &assay_model::report::CheckResult,
    check_index: usize,
) -> String {
    use assay_model::report::CheckOrigin;
    let Some(ri) = loaded
        .manifest
        .resources
        .iter()
        .position(|r| r.name == resource)
    else {
        return String::new();
    };
    let base = format!("/resources/{ri}");
    let r = &loaded.manifest.resources[ri];
    match check.origin {
        CheckOrigin::Schema => format!("{base}/schema"),
        CheckOrigin::Constraint => {
            let column = check.columns.first().map(String::as_str).unwrap_or("");
            match r.schema.fields.iter().position(|f| f.name == column) {
                Some(fi) if !r.schema.fields[fi].constraints.is_empty() => {
                    format!("{base}/schema/fields/{fi}/constraints")
                }
                Some(fi) => format!("{base}/schema/fields/{fi}"),
                None => format!("{base}/schema"),
            }
        }
        CheckOrigin::Key if check.name.starts_with("primaryKey") => {
            format!("{base}/schema/primaryKey")
        }
        CheckOrigin::Key => format!("{base}/schema/uniqueKeys"),
        CheckOrigin::ForeignKey => format!("{base}/schema/foreignKeys"),
        CheckOrigin::Check => format!("{base}/checks/{check_index}"),
    }
}

/// Failing results with their manifest positions: (resource, result, line, column).
fn located<'a>(
    loaded: &assay_model::LoadedManifest,
    report: &'a Report,
) -> Vec<(&'a str, &'a assay_model::report::CheckResult, u64, u64)> {
    let mut out = Vec::new();
    for r in &report.resources {
        let mut j = 0;
        for c in &r.checks {
            let index = j;
            if c.origin == assay_model::report::CheckOrigin::Check {
                j += 1;
            }
            // Warnings are reported as warnings; `--strict` makes them errors.
            if c.status == CheckStatus::Pass {
                continue;
            }
            let pos = loaded.pos(&check_pointer(loaded, &r.name, c, index));
            out.push((r.name.as_str(), c, pos.line, pos.col));
        }
    }
    out
}

fn result_text(c: &assay_model::report::CheckResult) -> String {
    let mut t = format!(
        "{} ({}): {} of {} failing",
        c.name, c.kind, c.failing, c.evaluated
    );
    if let Some(m) = &c.message {
        t.push_str(&format!("; {m}"));
    }
    if let Some(s) = c.samples.first() {
        t.push_str(&format!(
            "; first: {}{} {}",
            s.file,
            s.row.map(|r| format!(" row {r}")).unwrap_or_default(),
            s.values.join(", ")
        ));
    }
    t
}

/// SARIF 2.1.0: one rule per check kind, one result per check that did not pass, located at the
/// line of the manifest that declares it.
fn render_sarif(loaded: &assay_model::LoadedManifest, report: &Report, strict: bool) -> String {
    let uri = loaded
        .path
        .to_string_lossy()
        .replace('\\', "/")
        .trim_start_matches("./")
        .to_string();
    let found = located(loaded, report);
    let mut kinds: Vec<&str> = found.iter().map(|(_, c, _, _)| c.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let rules: Vec<serde_json::Value> = kinds
        .iter()
        .map(|k| {
            let name: String = k
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            serde_json::json!({
                "id": format!("assay/{k}"),
                "name": name,
                "shortDescription": {"text": format!("Assay check kind `{k}`")},
                "helpUri": "https://example.invalid/assay/docs/checks.md",
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = found
        .iter()
        .map(|(resource, c, line, col)| {
            let level = match c.status {
                CheckStatus::Fail | CheckStatus::Error => "error",
                _ if strict => "error",
                _ => "warning",
            };
            serde_json::json!({
                "ruleId": format!("assay/{}", c.kind),
                "ruleIndex": kinds.iter().position(|k| *k == c.kind).unwrap_or(0),
                "level": level,
                "message": {"text": format!("{resource}: {}", result_text(c))},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {"startLine": (*line).max(1), "startColumn": (*col).max(1)},
                    }
                }],
                "properties": {
                    "resource": resource,
                    "dimension": c.dimension,
                    "severity": c.severity,
                    "failing": c.failing,
                    "evaluated": c.evaluated,
                },
            })
        })
        .collect();
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "assay",
                "version": report.tool.version,
                "informationUri": "https://example.invalid/assay",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub Actions workflow commands: one `::error` / `::warning` annotation per check that did
/// not pass, at the manifest line that declares it.
fn render_github(loaded: &assay_model::LoadedManifest, report: &Report, strict: bool) -> String {
    let esc_prop = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(':', "%3A")
            .replace(',', "%2C")
    };
    let esc_msg = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let file = loaded.path.to_string_lossy().replace('\\', "/");
    let file = file.trim_start_matches("./");
    let mut out = String::new();
    for (resource, c, line, col) in located(loaded, report) {
        let level = match c.status {
            CheckStatus::Fail | CheckStatus::Error => "error",
            _ if strict => "error",
            _ => "warning",
        };
        out.push_str(&format!(
            "::{level} file={},line={line},col={col},title={}::{}\n",
            esc_prop(file),
            esc_prop(&format!("assay {resource}/{}", c.name)),
            esc_msg(&result_text(c))
        ));
    }
    if let Some(q) = &report.quality {
        out.push_str(&format!(
            "::notice title=assay quality::{} {}: score {:.1}, grade {:?}\n",
            esc_msg(&report.dataset.name),
            esc_msg(&report.dataset.version),
            q.score,
            q.grade
        ));
    }
    out
}
