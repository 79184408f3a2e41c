//! Markdown: the report for a pull request, and the dashboard as a table.

use std::fmt::Write as _;

use assay_model::LoadedManifest;
use assay_model::report::Report;

use crate::escape::md;
use crate::i18n::{dimension_label, t};
use crate::{Lang, not_passed};

/// The report as Markdown, for a pull request comment or a wiki page.
pub fn render_md(loaded: &LoadedManifest, report: &Report, lang: Lang) -> String {
    let m = &loaded.manifest;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## {}: {} {}\n",
        t(lang, "report"),
        md(match lang {
            Lang::Zh => m.title_zh.as_deref().or(m.title.as_deref()),
            Lang::En => m.title.as_deref(),
        }
        .unwrap_or(&m.name)),
        md(&m.version)
    );
    if let Some(q) = &report.quality {
        let _ = writeln!(
            s,
            "**{}: {:?}** · {}: {:.1}{}\n",
            t(lang, "grade"),
            q.grade,
            t(lang, "score"),
            q.score,
            crate::html::words::cap_sentence(report, lang)
                .map(|c| format!(" · {}: {}", t(lang, "capped"), md(&c)))
                .unwrap_or_default()
        );
        let _ = writeln!(
            s,
            "| {} | {} |\n|---|---|",
            t(lang, "dimensions"),
            t(lang, "score")
        );
        for d in &q.dimensions {
            let _ = writeln!(
                s,
                "| {} | {} |",
                dimension_label(lang, d.dimension),
                d.score.map_or("—".to_string(), |v| format!("{v:.1}"))
            );
        }
        s.push('\n');
    }
    let failed = not_passed(report);
    let _ = writeln!(s, "### {}\n", t(lang, "failed"));
    if failed.is_empty() {
        let _ = writeln!(s, "{}\n", t(lang, "none_failed"));
    } else {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---:|---|",
            t(lang, "resource"),
            t(lang, "check"),
            t(lang, "severity"),
            t(lang, "status"),
            t(lang, "failing"),
            t(lang, "samples")
        );
        for (r, c) in failed {
            let first = c
                .samples
                .first()
                .map(|x| {
                    format!(
                        "<code>{}</code>{}: <code>{}</code>",
                        md(&x.file),
                        x.row
                            .map(|r| format!(" {}", t(lang, "row_n").replace("{}", &r.to_string())))
                            .unwrap_or_default(),
                        md(&x.values.join(", "))
                    )
                })
                .or_else(|| c.message.as_deref().map(md))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} / {} | {first} |",
                md(&r.name),
                md(&c.name),
                crate::html::words::severity(lang, c.severity),
                crate::html::words::status(lang, c.status),
                c.failing,
                c.evaluated
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "{}: `{}`",
        t(lang, "digest"),
        report.digest().unwrap_or_default()
    );
    s
}

/// The catalog dashboard as a Markdown table: dataset, field, grade, score.
pub fn dashboard_md(sets: &[(&LoadedManifest, &Report)]) -> String {
    let mut s = "| dataset | field | grade | score |\n|---|---|---|---:|\n".to_string();
    for (l, r) in sets {
        if let Some(q) = &r.quality {
            let _ = writeln!(
                s,
                "| {} | {} | {:?} | {:.1} |",
                md(&l.manifest.name),
                md(&l.manifest.field),
                q.grade,
                q.score
            );
        }
    }
    s
}
