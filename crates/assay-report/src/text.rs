//! The terminal report: one table per resource, the first failure of each check, the summary
//! and the quality line. Colour only when asked (the CLI asks on a terminal without `NO_COLOR`).

use std::fmt::Write as _;

use assay_model::report::{CheckResult, CheckStatus, Report, RunStatus, Training};

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

/// The report as terminal text.
pub fn render_text(report: &Report, color: bool) -> String {
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
        check_table(&mut out, &r.checks, color);
    }
    if let Some(t) = &report.training {
        training(&mut out, t, color);
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
    if let Some(u) = &report.storage {
        let share = if s.bytes > 0 {
            u.bytes_fetched as f64 * 100.0 / s.bytes as f64
        } else {
            0.0
        };
        let _ = writeln!(
            out,
            "object storage: {} requests, {} bytes fetched ({share:.1}% of the data)",
            u.requests, u.bytes_fetched
        );
    }
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
    if let Some(c) = &report.conformance {
        let _ = writeln!(out, "{}", c.sentence());
    }
    out
}

/// One line per check: status, failing rows and fraction, and the first failure.
fn check_table(out: &mut String, checks: &[CheckResult], color: bool) {
    let w = checks
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
    for c in checks {
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
                (c.status != CheckStatus::Pass || c.coverage.is_some())
                    .then(|| c.message.clone().unwrap_or_default())
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

/// The training readiness section: splits, the label in each, drift, the checks.
fn training(out: &mut String, t: &Training, color: bool) {
    let splits: Vec<String> = t
        .splits
        .iter()
        .map(|s| format!("{} {} rows ({:.1}%)", s.name, s.rows, s.share * 100.0))
        .collect();
    let _ = writeln!(out, "\ntraining readiness: {}", splits.join(", "));
    if let Some(label) = &t.label {
        for s in t.splits.iter().filter(|s| !s.labels.is_empty()) {
            let shown: Vec<String> = s
                .labels
                .iter()
                .take(8)
                .map(|l| {
                    format!(
                        "{} {:.1}%",
                        l.label,
                        if s.rows == 0 {
                            0.0
                        } else {
                            l.rows as f64 * 100.0 / s.rows as f64
                        }
                    )
                })
                .collect();
            let more = if s.labels.len() > 8 {
                format!(", and {} more", s.labels.len() - 8)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "  label `{label}` in {}: {}{more}",
                s.name,
                shown.join(", ")
            );
        }
    }
    let drifted: Vec<String> = t
        .drift
        .iter()
        .filter(|d| d.drifted)
        .map(|d| {
            format!(
                "{} `{}` {} {:.4} (>= {})",
                d.split,
                d.column,
                d.metric,
                d.value.unwrap_or(f64::NAN),
                d.threshold
            )
        })
        .collect();
    if !t.drift.is_empty() {
        let _ = writeln!(
            out,
            "  drift: {} of {} column comparisons drifted{}{}",
            drifted.len(),
            t.drift.len(),
            if drifted.is_empty() { "" } else { ": " },
            drifted.join("; ")
        );
    }
    check_table(out, &t.checks, color);
}
