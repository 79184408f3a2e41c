//! `assay report`: the chief data officer's view of one dataset, as one self-contained HTML
//! file (no external assets, printable), Markdown for pull requests, or the JSON report.

use std::fmt::Write as _;

use anyhow::Result;
use assay_model::check::Dimension;
use assay_model::report::{CheckStatus, Report};
use assay_model::{FieldRegistry, LoadedManifest};
use assay_validate::profile::{ColumnProfile, Profile, ProfileOptions, profile};

use super::load_dataset;
use crate::cli::{Lang, ReportArgs, ReportDocFormat};
use crate::exit::Status;

/// Labels in the two languages.
fn t(lang: Lang, key: &str) -> &'static str {
    let zh = lang == Lang::Zh;
    match key {
        "report" => {
            if zh {
                "数据质量报告"
            } else {
                "Data quality report"
            }
        }
        "grade" => {
            if zh {
                "等级"
            } else {
                "Grade"
            }
        }
        "score" => {
            if zh {
                "总分"
            } else {
                "Score"
            }
        }
        "dimensions" => {
            if zh {
                "质量维度"
            } else {
                "Quality dimensions"
            }
        }
        "failed" => {
            if zh {
                "未通过的检查"
            } else {
                "Checks that did not pass"
            }
        }
        "none_failed" => {
            if zh {
                "所有检查均已通过。"
            } else {
                "Every check passed."
            }
        }
        "resource" => {
            if zh {
                "资源"
            } else {
                "Resource"
            }
        }
        "check" => {
            if zh {
                "检查"
            } else {
                "Check"
            }
        }
        "kind" => {
            if zh {
                "类型"
            } else {
                "Kind"
            }
        }
        "severity" => {
            if zh {
                "严重性"
            } else {
                "Severity"
            }
        }
        "status" => {
            if zh {
                "状态"
            } else {
                "Status"
            }
        }
        "failing" => {
            if zh {
                "不合格行"
            } else {
                "Failing"
            }
        }
        "fraction" => {
            if zh {
                "比例"
            } else {
                "Fraction"
            }
        }
        "samples" => {
            if zh {
                "样例"
            } else {
                "Samples"
            }
        }
        "file" => {
            if zh {
                "文件"
            } else {
                "File"
            }
        }
        "row" => {
            if zh {
                "行"
            } else {
                "Row"
            }
        }
        "values" => {
            if zh {
                "值"
            } else {
                "Values"
            }
        }
        "key" => {
            if zh {
                "主键"
            } else {
                "Key"
            }
        }
        "profile" => {
            if zh {
                "列概况"
            } else {
                "Column profile"
            }
        }
        "column" => {
            if zh {
                "列"
            } else {
                "Column"
            }
        }
        "type" => {
            if zh {
                "类型"
            } else {
                "Type"
            }
        }
        "nulls" => {
            if zh {
                "空值率"
            } else {
                "Null rate"
            }
        }
        "distinct" => {
            if zh {
                "不同值"
            } else {
                "Distinct"
            }
        }
        "min" => {
            if zh {
                "最小值"
            } else {
                "Min"
            }
        }
        "max" => {
            if zh {
                "最大值"
            } else {
                "Max"
            }
        }
        "histogram" => {
            if zh {
                "分布"
            } else {
                "Histogram"
            }
        }
        "identity" => {
            if zh {
                "数据标识"
            } else {
                "Data identity"
            }
        }
        "bytes" => {
            if zh {
                "字节"
            } else {
                "Bytes"
            }
        }
        "rows" => {
            if zh {
                "行数"
            } else {
                "Rows"
            }
        }
        "digest" => {
            if zh {
                "数据集摘要"
            } else {
                "Dataset digest"
            }
        }
        "manifest" => {
            if zh {
                "清单 sha256"
            } else {
                "Manifest sha256"
            }
        }
        "checkset" => {
            if zh {
                "检查集 sha256"
            } else {
                "Check set sha256"
            }
        }
        "lineage" => {
            if zh {
                "数据血缘"
            } else {
                "Lineage"
            }
        }
        "no_lineage" => {
            if zh {
                "未声明上游数据集。"
            } else {
                "No upstream datasets declared."
            }
        }
        "derived" => {
            if zh {
                "来源"
            } else {
                "Derived from"
            }
        }
        "process" => {
            if zh {
                "处理过程"
            } else {
                "Process"
            }
        }
        "capped" => {
            if zh {
                "等级上限原因"
            } else {
                "Capped because"
            }
        }
        "reference" => {
            if zh {
                "参考时间"
            } else {
                "Reference time"
            }
        }
        "estimated" => {
            if zh {
                "（估计）"
            } else {
                " (estimated)"
            }
        }
        "trends" => {
            if zh {
                "趋势"
            } else {
                "Trends"
            }
        }
        "no_trends" => {
            if zh {
                "历史记录不足两次运行。"
            } else {
                "The history holds fewer than two runs."
            }
        }
        "metric" => {
            if zh {
                "指标"
            } else {
                "Metric"
            }
        }
        "runs" => {
            if zh {
                "运行次数"
            } else {
                "Runs"
            }
        }
        "latest" => {
            if zh {
                "最新"
            } else {
                "Latest"
            }
        }
        "schema" => {
            if zh {
                "数据结构"
            } else {
                "Schema"
            }
        }
        "unit" => {
            if zh {
                "计量单位"
            } else {
                "Unit"
            }
        }
        "constraints" => {
            if zh {
                "约束"
            } else {
                "Constraints"
            }
        }
        "about" => {
            if zh {
                "说明"
            } else {
                "Description"
            }
        }
        _ => "",
    }
}

fn dimension_label(lang: Lang, d: Dimension) -> String {
    let en = serde_json::to_value(d)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    match lang {
        Lang::Zh => format!("{} {en}", d.name_zh()),
        Lang::En => format!("{en} {}", d.name_zh()),
    }
}

pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for a Markdown table cell: backslashes, pipes and inline HTML or code fences cannot
/// break out of it.
fn md(s: &str) -> String {
    esc(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('`', "&#96;")
        .replace('@', "&#64;")
        .replace(['\n', '\r'], " ")
}

/// Every check result that did not pass, with its resource, in report order.
fn not_passed(
    report: &Report,
) -> Vec<(
    &assay_model::report::ResourceReport,
    &assay_model::report::CheckResult,
)> {
    report
        .resources
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (r, c)))
        .filter(|(_, c)| c.status != CheckStatus::Pass)
        .collect()
}

fn status_word(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Warn => "warn",
        CheckStatus::Fail => "fail",
        CheckStatus::Error => "error",
    }
}

/// The six dimensions as an inline SVG bar chart (no script, no external asset).
fn dimension_chart(report: &Report, lang: Lang) -> String {
    let Some(q) = &report.quality else {
        return String::new();
    };
    let (w, row_h, label_w) = (640, 34, 230);
    let h = row_h * q.dimensions.len() + 10;
    let mut svg = format!(
        "<svg id=\"dimension-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\">",
        esc(t(lang, "dimensions"))
    );
    for (i, d) in q.dimensions.iter().enumerate() {
        let y = 5 + i * row_h;
        let bar_max = (w - label_w - 70) as f64;
        let width = d.score.map_or(0.0, |s| bar_max * s / 100.0);
        let colour = match d.score {
            Some(s) if s >= 90.0 => "#2e7d32",
            Some(s) if s >= 75.0 => "#9e9d24",
            Some(s) if s >= 60.0 => "#ef6c00",
            Some(_) => "#c62828",
            None => "#9e9e9e",
        };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"14\">{}</text><rect class=\"track\" x=\"{label_w}\" y=\"{y}\" width=\"{bar_max}\" height=\"22\" fill=\"#eeeeee\"/><rect class=\"bar\" data-dimension=\"{}\" x=\"{label_w}\" y=\"{y}\" width=\"{width:.1}\" height=\"22\" fill=\"{colour}\"/><text x=\"{}\" y=\"{}\" font-size=\"14\">{}</text>",
            y + 16,
            esc(&dimension_label(lang, d.dimension)),
            esc(&dimension_label(Lang::En, d.dimension)),
            label_w as f64 + bar_max + 8.0,
            y + 16,
            d.score.map_or("—".to_string(), |s| format!("{s:.1}"))
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A series as a small inline SVG line.
fn sparkline(values: &[f64]) -> String {
    let values: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(*v), b.max(*v))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = 160.0 / (values.len().max(2) - 1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                22.0 - 20.0 * (v - lo) / span
            )
        })
        .collect();
    format!(
        "<svg class=\"trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"24\" viewBox=\"0 0 160 24\"><polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"1.5\" points=\"{}\"/></svg>",
        points.join(" ")
    )
}

/// The trends section: the score, each resource's rows and each failing check's failing
/// fraction over the runs in the dataset's history, this run last.
fn trends(loaded: &LoadedManifest, report: &Report, lang: Lang) -> String {
    use assay_validate::history::{load, series};
    let entries = load(&loaded.dir).unwrap_or_default();
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    let mut add = |label: String, mut past: Vec<f64>, current: f64| {
        past.push(current);
        if past.len() >= 2 {
            rows.push((label, past));
        }
    };
    let values = |resource: &str, metric: &str, name: &str| -> Vec<f64> {
        series(&entries, resource, metric, name)
            .into_iter()
            .map(|(_, v)| v)
            .collect()
    };
    if let Some(q) = &report.quality {
        add(
            t(lang, "score").to_string(),
            values("", "score", ""),
            q.score,
        );
    }
    for r in &report.resources {
        add(
            format!("{} · {}", r.name, t(lang, "rows")),
            values(&r.name, "rows", ""),
            r.rows as f64,
        );
        for c in r.checks.iter().filter(|c| c.status != CheckStatus::Pass) {
            add(
                format!("{} · {} · {}", r.name, c.name, t(lang, "fraction")),
                values(&r.name, "failing_fraction", &c.name),
                c.failing_fraction,
            );
        }
    }
    let mut h = format!(
        "<section id=\"trends\">\n<h2>{}</h2>\n",
        esc(t(lang, "trends"))
    );
    if rows.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(t(lang, "no_trends")));
    } else {
        let _ = write!(
            h,
            "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead>\n<tbody>\n",
            t(lang, "metric"),
            t(lang, "runs"),
            t(lang, "latest")
        );
        for (label, v) in &rows {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(label),
                v.len(),
                v.last().map(|x| format!("{x}")).unwrap_or_default(),
                sparkline(v)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
    h
}

/// A numeric column's histogram as a small inline SVG.
fn histogram_svg(c: &ColumnProfile) -> String {
    let Some(h) = &c.histogram else {
        return String::new();
    };
    let top = h.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let mut svg = String::from(
        "<svg class=\"histogram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"24\" viewBox=\"0 0 100 24\">",
    );
    for (i, n) in h.counts.iter().enumerate() {
        let bh = 22.0 * *n as f64 / top;
        let _ = write!(
            svg,
            "<rect x=\"{}\" y=\"{:.1}\" width=\"9\" height=\"{bh:.1}\" fill=\"#1565c0\"/>",
            i * 10,
            23.0 - bh
        );
    }
    svg.push_str("</svg>");
    svg
}

pub(crate) const CSS: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;margin:2rem auto;max-width:1100px;color:#212121;padding:0 1rem}
h1{margin-bottom:.2rem}.sub{color:#616161;margin-top:0}
.headline{display:flex;gap:2rem;align-items:center;margin:1rem 0}
.grade{font-size:3rem;font-weight:700;width:4.5rem;height:4.5rem;display:flex;align-items:center;justify-content:center;border-radius:.5rem;color:#fff}
.grade-A{background:#2e7d32}.grade-B{background:#9e9d24}.grade-C{background:#ef6c00}.grade-D{background:#c62828}
.score{font-size:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #e0e0e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85rem;word-break:break-all}
.status-fail,.status-error{color:#c62828;font-weight:600}.status-warn{color:#ef6c00;font-weight:600}
@media print{body{margin:0;max-width:none}section{break-inside:avoid-page}th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}.grade{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

pub(crate) fn render_html(
    loaded: &LoadedManifest,
    registry: &FieldRegistry,
    report: &Report,
    profiles: &[(String, Result<Profile, String>)],
    lang: Lang,
) -> String {
    let m = &loaded.manifest;
    let mut h = String::new();
    let title = m.title.clone().unwrap_or_else(|| m.name.clone());
    let field = registry
        .get(&m.field)
        .map(|f| match lang {
            Lang::Zh => format!("{} {}", f.code, f.name_zh),
            Lang::En => format!("{} {} ({})", f.code, f.name_en, f.name_zh),
        })
        .unwrap_or_else(|| m.field.clone());
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — {}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(&title),
        esc(t(lang, "report"))
    );
    let _ = write!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">{} {} · {} · {} · {}: {}</p>\n",
        esc(&title),
        esc(&m.name),
        esc(&m.version),
        esc(&field),
        esc(m.sensitivity.as_str()),
        esc(t(lang, "reference")),
        esc(&report.now)
    );
    if let Some(q) = &report.quality {
        let _ = write!(
            h,
            "<div class=\"headline\"><div id=\"grade\" class=\"grade grade-{:?}\" title=\"{}\">{:?}</div><div><div class=\"score\">{}: <span id=\"score\">{:.1}</span></div>",
            q.grade,
            esc(t(lang, "grade")),
            q.grade,
            esc(t(lang, "score")),
            q.score
        );
        if let Some(c) = &q.capped_by {
            let _ = write!(h, "<div>{}: {}</div>", esc(t(lang, "capped")), esc(c));
        }
        h.push_str("</div></div>\n");
    }
    h.push_str("</header>\n");
    if let Some(d) = &m.description {
        let _ = writeln!(h, "<p id=\"description\">{}</p>", esc(d));
    }
    // The declared schema of each resource.
    let _ = write!(
        h,
        "<section id=\"schema\">\n<h2>{}</h2>\n",
        esc(t(lang, "schema"))
    );
    for r in &m.resources {
        let _ = write!(
            h,
            "<h3>{}</h3>\n<table class=\"schema\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
            esc(&r.name),
            t(lang, "column"),
            t(lang, "type"),
            t(lang, "unit"),
            t(lang, "constraints"),
            t(lang, "about")
        );
        for f in &r.schema.fields {
            let constraints = serde_json::to_value(&f.constraints)
                .ok()
                .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                .map(|v| v.to_string())
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(&f.name),
                esc(f.field_type.as_str()),
                esc(f.unit_of_measure.as_deref().unwrap_or("")),
                esc(&constraints),
                esc(f.description.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");
    let _ = write!(
        h,
        "<section id=\"dimensions\">\n<h2>{}</h2>\n{}\n</section>\n",
        esc(t(lang, "dimensions")),
        dimension_chart(report, lang)
    );
    // Failed checks, with samples.
    let _ = write!(
        h,
        "<section id=\"failures\">\n<h2>{}</h2>\n",
        esc(t(lang, "failed"))
    );
    let failed = not_passed(report);
    if failed.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(t(lang, "none_failed")));
    } else {
        let _ = write!(
            h,
            "<table id=\"failing-checks\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
            t(lang, "resource"),
            t(lang, "check"),
            t(lang, "kind"),
            t(lang, "severity"),
            t(lang, "status"),
            t(lang, "failing"),
            t(lang, "fraction"),
            t(lang, "samples")
        );
        for (r, c) in &failed {
            let mut samples = String::new();
            if !c.samples.is_empty() {
                let _ = write!(
                    samples,
                    "<table class=\"samples\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                    t(lang, "file"),
                    t(lang, "row"),
                    t(lang, "values"),
                    t(lang, "key")
                );
                for s in &c.samples {
                    let _ = write!(
                        samples,
                        "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                        esc(&s.file),
                        s.row.map(|r| r.to_string()).unwrap_or_default(),
                        esc(&s.values.join(", ")),
                        esc(&s.key.join(", "))
                    );
                }
                samples.push_str("</table>");
            } else if let Some(msg) = &c.message {
                samples = esc(msg);
            }
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"status-{}\">{}</td><td class=\"num\">{} / {}</td><td class=\"num\">{:.4}%</td><td>{samples}</td></tr>",
                esc(&r.name),
                esc(&c.name),
                esc(&c.kind),
                esc(c.severity.as_str()),
                status_word(c.status),
                status_word(c.status),
                c.failing,
                c.evaluated,
                c.failing_fraction * 100.0
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</section>\n");
    h.push_str(&trends(loaded, report, lang));
    // Column profiles.
    let _ = write!(
        h,
        "<section id=\"profile\">\n<h2>{}</h2>\n",
        esc(t(lang, "profile"))
    );
    for (name, p) in profiles {
        let _ = writeln!(h, "<h3>{}</h3>", esc(name));
        match p {
            Err(e) => {
                let _ = writeln!(h, "<p>{}</p>", esc(e));
            }
            Ok(p) => {
                let _ = write!(
                    h,
                    "<table class=\"column-profile\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
                    t(lang, "column"),
                    t(lang, "type"),
                    t(lang, "nulls"),
                    t(lang, "distinct"),
                    t(lang, "min"),
                    t(lang, "max"),
                    t(lang, "histogram")
                );
                for c in &p.columns {
                    let null_rate = match c.null_count {
                        Some(n) if p.rows > 0 => {
                            format!("{:.2}%", 100.0 * n as f64 / p.rows as f64)
                        }
                        _ => "?".into(),
                    };
                    let distinct = c
                        .distinct
                        .map(|d| {
                            format!(
                                "{}{}",
                                d.count,
                                if d.estimated {
                                    t(lang, "estimated")
                                } else {
                                    ""
                                }
                            )
                        })
                        .unwrap_or_default();
                    let _ = writeln!(
                        h,
                        "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{null_rate}</td><td class=\"num\">{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td></tr>",
                        esc(&c.name),
                        esc(&c.data_type),
                        esc(&distinct),
                        esc(c.min.as_deref().unwrap_or("")),
                        esc(c.max.as_deref().unwrap_or("")),
                        histogram_svg(c)
                    );
                }
                h.push_str("</tbody>\n</table>\n");
            }
        }
    }
    h.push_str("</section>\n");
    // Identity.
    let _ = write!(
        h,
        "<section id=\"identity\">\n<h2>{}</h2>\n<table id=\"files\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>sha256</th></tr></thead>\n<tbody>\n",
        esc(t(lang, "identity")),
        t(lang, "file"),
        t(lang, "bytes"),
        t(lang, "rows")
    );
    for f in report.resources.iter().flat_map(|r| r.files.iter()) {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><code>{}</code></td></tr>",
            esc(&f.path),
            f.bytes,
            f.rows.map(|r| r.to_string()).unwrap_or_default(),
            esc(f.sha256.as_deref().or(f.error.as_deref()).unwrap_or(""))
        );
    }
    let digest = assay_integrity::openlineage::report_digest(report).unwrap_or_default();
    let _ = write!(
        h,
        "</tbody>\n</table>\n<p>{}: <code id=\"digest\">{}</code><br>{}: <code>{}</code><br>{}: <code>{}</code></p>\n</section>\n",
        esc(t(lang, "digest")),
        esc(&digest),
        esc(t(lang, "manifest")),
        esc(&report.dataset.manifest_sha256),
        esc(t(lang, "checkset")),
        esc(&report.dataset.check_set_sha256)
    );
    // Lineage.
    let _ = write!(
        h,
        "<section id=\"lineage\">\n<h2>{}</h2>\n",
        esc(t(lang, "lineage"))
    );
    match &m.lineage {
        Some(l) if !l.derived_from.is_empty() => {
            let _ = write!(h, "<p>{}:</p>\n<ul>\n", esc(t(lang, "derived")));
            for u in &l.derived_from {
                let _ = writeln!(
                    h,
                    "<li><code>{}</code>{}{}</li>",
                    esc(&u.dataset),
                    u.version
                        .as_ref()
                        .map(|v| format!(" {}", esc(v)))
                        .unwrap_or_default(),
                    u.digest
                        .as_ref()
                        .map(|d| format!(" <code>{}</code>", esc(d)))
                        .unwrap_or_default()
                );
            }
            h.push_str("</ul>\n");
            if let Some(p) = &l.process {
                let _ = writeln!(
                    h,
                    "<p>{}: {} {}</p>",
                    esc(t(lang, "process")),
                    esc(p.description.as_deref().unwrap_or("")),
                    p.code
                        .as_ref()
                        .map(|c| format!("<code>{}</code>", esc(c)))
                        .unwrap_or_default()
                );
            }
        }
        _ => {
            let _ = writeln!(h, "<p>{}</p>", esc(t(lang, "no_lineage")));
        }
    }
    let _ = write!(
        h,
        "</section>\n<footer><p>assay {}</p></footer>\n</body>\n</html>\n",
        esc(&report.tool.version)
    );
    h
}

fn render_md(loaded: &LoadedManifest, report: &Report, lang: Lang) -> String {
    let m = &loaded.manifest;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## {}: {} {}\n",
        t(lang, "report"),
        md(m.title.as_deref().unwrap_or(&m.name)),
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
            q.capped_by
                .as_ref()
                .map(|c| format!(" · {}: {}", t(lang, "capped"), md(c)))
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
                        x.row.map(|r| format!(" row {r}")).unwrap_or_default(),
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
                c.severity.as_str(),
                status_word(c.status),
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
        assay_integrity::openlineage::report_digest(report).unwrap_or_default()
    );
    s
}

/// True when `path` is a folder with no manifest of its own: a catalog.
fn is_catalog(path: &std::path::Path) -> bool {
    path.is_dir()
        && !assay_model::MANIFEST_FILE_NAMES
            .iter()
            .any(|n| path.join(n).is_file())
}

/// Validates every dataset of a catalog (no history is appended) for the dashboard.
fn validate_catalog(
    registry: &FieldRegistry,
    args: &ReportArgs,
) -> Result<(Vec<(LoadedManifest, Report)>, usize), Status> {
    let manifests = super::manifests_under(std::slice::from_ref(&args.dataset))?;
    let (now_us, now_text) = super::validate::reference_time(args.now.as_deref())?;
    let mut out = Vec::new();
    let mut skipped = 0;
    for m in manifests {
        let Ok(loaded) = load_dataset(&m, registry) else {
            eprintln!("error: {} is left out of the dashboard", m.display());
            skipped += 1;
            continue;
        };
        match super::validate::validate_at(&loaded, now_us, &now_text) {
            Ok(r) => out.push((loaded, r)),
            Err(e) => {
                eprintln!("error: {}: {e}; left out of the dashboard", m.display());
                skipped += 1;
            }
        }
    }
    Ok((out, skipped))
}

/// The catalog dashboard: coverage of the 100 fields by best grade, grades per sector,
/// datasets with error-level failures, the most-failing check kinds and score trends.
pub(crate) fn render_dashboard(
    registry: &FieldRegistry,
    sets: &[(LoadedManifest, Report)],
    lang: Lang,
    links: bool,
) -> String {
    use std::collections::BTreeMap;
    let zh = lang == Lang::Zh;
    let grade_of = |r: &Report| r.quality.as_ref().map(|q| q.grade);
    let mut best: BTreeMap<&str, assay_model::quality::Grade> = BTreeMap::new();
    for (l, r) in sets {
        if let Some(g) = grade_of(r) {
            let e = best.entry(l.manifest.field.as_str()).or_insert(g);
            if g < *e {
                *e = g;
            }
        }
    }
    let mut h = String::new();
    let title = if zh {
        "数据目录质量总览"
    } else {
        "Catalog quality dashboard"
    };
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}\n#coverage{{display:grid;grid-template-columns:repeat(10,1fr);gap:4px}}.cell{{border-radius:4px;padding:6px 4px;font-size:.75rem;text-align:center;color:#fff;background:#bdbdbd}}.cell.empty{{color:#424242;background:#eeeeee}}.cell.grade-A{{background:#2e7d32}}.cell.grade-B{{background:#9e9d24}}.cell.grade-C{{background:#ef6c00}}.cell.grade-D{{background:#c62828}}\n</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        if zh { "zh-CN" } else { "en" }
    );
    if links {
        let _ = writeln!(
            h,
            "<p><a href=\"search.html\">{}</a></p>",
            if zh {
                "搜索数据集"
            } else {
                "Search the datasets"
            }
        );
    }
    let covered = best.len();
    let _ = writeln!(
        h,
        "<p class=\"sub\">{} · {} / {} {}</p>",
        if zh {
            format!("{} 个数据集", sets.len())
        } else {
            format!("{} datasets", sets.len())
        },
        covered,
        registry.fields().len(),
        if zh {
            "个产业领域已覆盖"
        } else {
            "industrial fields covered"
        }
    );
    // Coverage grid.
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n<div id=\"coverage\">\n",
        if zh {
            "100 个产业领域的覆盖（按最佳等级着色）"
        } else {
            "Coverage of the 100 fields (coloured by best grade)"
        }
    );
    for f in registry.fields() {
        let (class, label) = match best.get(f.code.as_str()) {
            Some(g) => (format!("grade-{g:?}"), format!("{g:?}")),
            None => ("empty".to_string(), String::new()),
        };
        let cell = format!(
            "<div class=\"cell {class}\" title=\"{} {}\">{}<br>{label}</div>",
            esc(&f.code),
            esc(if zh { &f.name_zh } else { &f.name_en }),
            esc(f.code.trim_start_matches("IF-"))
        );
        if links {
            let _ = writeln!(
                h,
                "<a href=\"fields/{}/index.html\">{cell}</a>",
                esc(&f.code)
            );
        } else {
            let _ = writeln!(h, "{cell}");
        }
    }
    h.push_str("</div>\n</section>\n");
    // Grades per sector.
    let mut by_sector: BTreeMap<String, [u32; 4]> = BTreeMap::new();
    for (l, r) in sets {
        let sector = registry
            .get(&l.manifest.field)
            .map(|f| f.sector.clone())
            .unwrap_or_default();
        if let Some(g) = grade_of(r) {
            by_sector.entry(sector).or_default()[g as usize] += 1;
        }
    }
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n<table id=\"grades-by-sector\"><thead><tr><th>{}</th><th>A</th><th>B</th><th>C</th><th>D</th></tr></thead><tbody>\n",
        if zh {
            "各行业门类的等级分布"
        } else {
            "Grades by sector"
        },
        if zh { "门类" } else { "Sector" }
    );
    for (sector, n) in &by_sector {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(sector),
            n[0],
            n[1],
            n[2],
            n[3]
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
    // Datasets.
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n<table id=\"datasets\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        if zh { "数据集" } else { "Datasets" },
        if zh { "数据集" } else { "Dataset" },
        if zh { "领域" } else { "Field" },
        t(lang, "grade"),
        t(lang, "score"),
        if zh {
            "错误级失败"
        } else {
            "Error-level failures"
        },
        t(lang, "trends")
    );
    let mut kinds: BTreeMap<String, u32> = BTreeMap::new();
    let mut failing_sets = Vec::new();
    for (l, r) in sets {
        let errors: Vec<&str> = r
            .resources
            .iter()
            .flat_map(|x| x.checks.iter())
            .filter(|c| c.status == CheckStatus::Fail || c.status == CheckStatus::Error)
            .map(|c| c.name.as_str())
            .collect();
        for c in r.resources.iter().flat_map(|x| x.checks.iter()) {
            if c.status != CheckStatus::Pass {
                *kinds.entry(c.kind.clone()).or_default() += 1;
            }
        }
        if !errors.is_empty() {
            failing_sets.push((l.manifest.name.clone(), errors.join(", ")));
        }
        let mut scores: Vec<f64> = assay_validate::history::load(&l.dir)
            .map(|e| {
                assay_validate::history::series(&e, "", "score", "")
                    .into_iter()
                    .map(|(_, v)| v)
                    .collect()
            })
            .unwrap_or_default();
        let q = r.quality.as_ref();
        if let Some(q) = q {
            scores.push(q.score);
        }
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"grade-cell\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            if links {
                format!(
                    "<a href=\"datasets/{0}/index.html\">{0}</a>",
                    esc(&l.manifest.name)
                )
            } else {
                esc(&l.manifest.name)
            },
            esc(&l.manifest.field),
            q.map(|q| format!("{:?}", q.grade)).unwrap_or_default(),
            q.map(|q| format!("{:.1}", q.score)).unwrap_or_default(),
            errors.len(),
            if scores.len() >= 2 {
                sparkline(&scores)
            } else {
                String::new()
            }
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n<ul id=\"error-failures\">\n",
        if zh {
            "存在错误级失败的数据集"
        } else {
            "Datasets with error-level failures"
        }
    );
    for (name, checks) in &failing_sets {
        let _ = writeln!(
            h,
            "<li><strong>{}</strong>: {}</li>",
            esc(name),
            esc(checks)
        );
    }
    h.push_str("</ul>\n</section>\n");
    let mut kinds: Vec<(String, u32)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n<table id=\"failing-kinds\"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        if zh {
            "最常失败的检查类型"
        } else {
            "Most-failing check kinds"
        },
        t(lang, "kind"),
        if zh {
            "未通过的结果"
        } else {
            "Results not passed"
        }
    );
    for (k, n) in &kinds {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{n}</td></tr>",
            esc(k)
        );
    }
    h.push_str("</tbody></table>\n</section>\n</body>\n</html>\n");
    h
}

pub fn run(registry: &FieldRegistry, args: ReportArgs) -> Result<Status> {
    if is_catalog(&args.dataset) {
        let (sets, skipped) = match validate_catalog(registry, &args) {
            Ok(s) => s,
            Err(status) => return Ok(status),
        };
        let text = match args.format {
            ReportDocFormat::Html => render_dashboard(registry, &sets, args.lang, false),
            ReportDocFormat::Md => {
                let mut s = "| dataset | field | grade | score |\n|---|---|---|---:|\n".to_string();
                for (l, r) in &sets {
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
            ReportDocFormat::Json => {
                let mut s =
                    serde_json::to_string_pretty(&sets.iter().map(|(_, r)| r).collect::<Vec<_>>())?;
                s.push('\n');
                s
            }
        };
        super::write_output(args.out.as_deref(), &text)?;
        // The dashboard is written either way; a dataset left out is an invalid manifest.
        return Ok(if skipped > 0 {
            Status::Invalid
        } else {
            Status::Success
        });
    }
    let loaded = match load_dataset(&args.dataset, registry) {
        Ok(l) => l,
        Err(s) => return Ok(s),
    };
    let (now_us, now_text) = match super::validate::reference_time(args.now.as_deref()) {
        Ok(t) => t,
        Err(s) => return Ok(s),
    };
    let report = match super::validate::validate_at(&loaded, now_us, &now_text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    let text = match args.format {
        ReportDocFormat::Json => super::pretty_json(&report)?,
        ReportDocFormat::Md => render_md(&loaded, &report, args.lang),
        ReportDocFormat::Html => {
            // The column profile reads the files a second time (the validation read them once).
            let profiles: Vec<(String, Result<Profile, String>)> = report
                .resources
                .iter()
                .map(|r| {
                    let files: Vec<(String, std::path::PathBuf)> = r
                        .files
                        .iter()
                        .filter(|f| f.error.is_none())
                        .map(|f| (f.path.clone(), loaded.dir.join(&f.path)))
                        .collect();
                    (r.name.clone(), profile(&files, &ProfileOptions::default()))
                })
                .collect();
            render_html(&loaded, registry, &report, &profiles, args.lang)
        }
    };
    super::write_output(args.out.as_deref(), &text)?;
    Ok(Status::Success)
}
