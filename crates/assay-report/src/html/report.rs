//! The self-contained, printable HTML report of one dataset: grade, dimension chart, failures
//! with samples, trends, column profiles, identity and lineage (`templates/report.html`).

use assay_model::history::{Entry, series};
use assay_model::profile::Profile;
use assay_model::report::{CheckStatus, Report};
use assay_model::{FieldRegistry, LoadedManifest};
use minijinja::context;
use minijinja::value::Value;

use super::charts::{dimension_chart, histogram_svg, sparkline};
use crate::i18n::{labels, t};
use crate::{Lang, not_passed, status_word};

/// What the report page shows.
pub struct ReportInput<'a> {
    pub loaded: &'a LoadedManifest,
    pub registry: &'a FieldRegistry,
    pub report: &'a Report,
    /// Each resource's column profile, or why it could not be profiled.
    pub profiles: &'a [(String, Result<Profile, String>)],
    /// The dataset's validation history, for the trends.
    pub history: &'a [Entry],
    pub lang: Lang,
}

/// The report page.
pub fn report(input: &ReportInput) -> String {
    let (m, report, lang) = (&input.loaded.manifest, input.report, input.lang);
    let field = input
        .registry
        .get(&m.field)
        .map(|f| match lang {
            Lang::Zh => format!("{} {}", f.code, f.name_zh),
            Lang::En => format!("{} {} ({})", f.code, f.name_en, f.name_zh),
        })
        .unwrap_or_else(|| m.field.clone());
    let quality = report.quality.as_ref().map(|q| {
        context! {
            grade => format!("{:?}", q.grade),
            score => format!("{:.1}", q.score),
            capped => q.capped_by.clone(),
        }
    });
    let resources: Vec<Value> = m
        .resources
        .iter()
        .map(|r| {
            let fields: Vec<Value> = r
                .schema
                .fields
                .iter()
                .map(|f| {
                    let constraints = serde_json::to_value(&f.constraints)
                        .ok()
                        .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
                        .map(|v| v.to_string())
                        .unwrap_or_default();
                    context! {
                        name => f.name,
                        type => f.field_type.as_str(),
                        unit => f.unit_of_measure.clone().unwrap_or_default(),
                        constraints,
                        description => f.description.clone().unwrap_or_default(),
                    }
                })
                .collect();
            context! { name => r.name, fields }
        })
        .collect();
    let failed = failed(report);
    let files: Vec<Value> = report
        .resources
        .iter()
        .flat_map(|r| r.files.iter())
        .map(|f| {
            context! {
                path => f.path,
                bytes => f.bytes.to_string(),
                rows => f.rows.map(|r| r.to_string()).unwrap_or_default(),
                sha256 => f.sha256.as_deref().or(f.error.as_deref()).unwrap_or(""),
            }
        })
        .collect();
    let lineage = m.lineage.as_ref().filter(|l| !l.derived_from.is_empty());
    let upstream: Vec<Value> = lineage
        .map(|l| {
            l.derived_from
                .iter()
                .map(
                    |u| context! { dataset => u.dataset, version => u.version, digest => u.digest },
                )
                .collect()
        })
        .unwrap_or_default();
    let process = lineage.and_then(|l| l.process.as_ref()).map(|p| {
        context! {
            description => p.description.clone().unwrap_or_default(),
            code => p.code,
        }
    });
    let title = m.title.clone().unwrap_or_else(|| m.name.clone());
    super::render(
        "report.html",
        context! {
            html_lang => lang.html(),
            t => labels(lang),
            css => super::css(),
            title,
            name => m.name,
            version => m.version,
            field,
            sensitivity => m.sensitivity.as_str(),
            now => report.now,
            quality,
            conformance => report.conformance,
            field_standard => m.field_standard,
            field_code => m.field,
            description => m.description,
            resources,
            chart => Value::from_safe_string(dimension_chart(report, lang)),
            failed,
            trends => trends(input),
            profiles => profiles(input),
            files,
            digest => report.digest().unwrap_or_default(),
            manifest_sha256 => report.dataset.manifest_sha256,
            check_set_sha256 => report.dataset.check_set_sha256,
            upstream,
            process,
            tool_version => report.tool.version,
        },
    )
}

/// Every check that did not pass, with its samples (or its message).
fn failed(report: &Report) -> Vec<Value> {
    not_passed(report)
        .into_iter()
        .map(|(r, c)| {
            let samples: Vec<Value> = c
                .samples
                .iter()
                .map(|s| {
                    context! {
                        file => s.file,
                        row => s.row.map(|r| r.to_string()).unwrap_or_default(),
                        values => s.values.join(", "),
                        key => s.key.join(", "),
                    }
                })
                .collect();
            context! {
                resource => r.name,
                name => c.name,
                kind => c.kind,
                severity => c.severity.as_str(),
                status => status_word(c.status),
                failing => c.failing.to_string(),
                evaluated => c.evaluated.to_string(),
                fraction => format!("{:.4}", c.failing_fraction * 100.0),
                samples,
                message => c.message.clone().unwrap_or_default(),
            }
        })
        .collect()
}

/// The trend rows: the score, each resource's rows and each failing check's failing fraction
/// over the runs in the history, this run last (rows with at least two runs).
fn trends(input: &ReportInput) -> Vec<Value> {
    let (report, lang, entries) = (input.report, input.lang, input.history);
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    let mut add = |label: String, mut past: Vec<f64>, current: f64| {
        past.push(current);
        if past.len() >= 2 {
            rows.push((label, past));
        }
    };
    let values = |resource: &str, metric: &str, name: &str| -> Vec<f64> {
        series(entries, resource, metric, name)
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
    rows.iter()
        .map(|(label, v)| {
            context! {
                label,
                runs => v.len().to_string(),
                latest => v.last().map(|x| format!("{x}")).unwrap_or_default(),
                chart => Value::from_safe_string(sparkline(v)),
            }
        })
        .collect()
}

/// The column profile tables, one per resource.
fn profiles(input: &ReportInput) -> Vec<Value> {
    let lang = input.lang;
    input
        .profiles
        .iter()
        .map(|(name, p)| match p {
            Err(e) => context! { name, ok => false, error => e },
            Ok(p) => {
                let columns: Vec<Value> = p
                    .columns
                    .iter()
                    .map(|c| {
                        let nulls = match c.null_count {
                            Some(n) if p.rows > 0 => {
                                format!("{:.2}%", 100.0 * n as f64 / p.rows as f64)
                            }
                            _ => "?".into(),
                        };
                        let distinct = c
                            .distinct
                            .map(|d| {
                                let mark = if d.estimated {
                                    t(lang, "estimated")
                                } else {
                                    ""
                                };
                                format!("{}{mark}", d.count)
                            })
                            .unwrap_or_default();
                        context! {
                            name => c.name,
                            type => c.data_type,
                            nulls,
                            distinct,
                            min => c.min.clone().unwrap_or_default(),
                            max => c.max.clone().unwrap_or_default(),
                            histogram => Value::from_safe_string(histogram_svg(c)),
                        }
                    })
                    .collect();
                context! { name, ok => true, columns }
            }
        })
        .collect()
}
