//! The self-contained, printable HTML report of one dataset: grade, dimension chart, failures
//! with samples, trends, column profiles, identity and lineage (`templates/report.html`).

use assay_model::check::Severity;
use assay_model::history::{Entry, series};
use assay_model::manifest::{KeyColumns, Party};
use assay_model::profile::Profile;
use assay_model::report::{CheckResult, CheckStatus, Report};
use assay_model::{FieldRegistry, LoadedManifest, Manifest};
use minijinja::context;
use minijinja::value::Value;

use super::charts::{dimension_chart, histogram_svg, sparkline};
use super::words;
use crate::i18n::{labels, t};
use crate::{Lang, status_word};

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
    /// The page is a dataset page of a published site: it links to the dashboard, the search,
    /// its field page, its own documents (`report.json`, `croissant.json`, …) and the page in
    /// the other language.
    pub site: Option<crate::SitePage>,
    /// The dataset's earlier versions: the diff of each pair, newest first.
    pub versions: &'a [assay_model::diff::Diff],
}

/// Error-level checks that failed.
fn error_failures(report: &Report) -> usize {
    report
        .checks()
        .filter(|c| c.status == CheckStatus::Fail && c.severity == Severity::Error)
        .count()
}

/// A party (owner, steward) in one line.
fn party(p: &Party) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(n) = &p.name {
        parts.push(n.clone());
    }
    if let Some(r) = &p.role {
        parts.push(format!("({r})"));
    }
    if let Some(o) = &p.organization {
        parts.push(if parts.is_empty() {
            o.clone()
        } else {
            format!("· {o}")
        });
    }
    if let Some(e) = &p.email {
        parts.push(format!("<{e}>"));
    }
    if let Some(u) = &p.url {
        parts.push(u.clone());
    }
    parts.join(" ")
}

/// The declared metadata, as (label, text) rows, only what is declared.
fn about(m: &Manifest, lang: Lang) -> Vec<Value> {
    let mut rows: Vec<(&str, String)> = Vec::new();
    rows.push(("version", m.version.clone()));
    // The page leads with one language's title and description; the other's are here.
    match lang {
        Lang::En => {
            if let Some(t) = &m.title_zh {
                rows.push(("title_zh", t.clone()));
            }
            if let Some(d) = &m.description_zh {
                rows.push(("description_zh", d.clone()));
            }
        }
        Lang::Zh => {
            if let (Some(_), Some(t)) = (&m.title_zh, &m.title) {
                rows.push(("title_en", t.clone()));
            }
            if let (Some(_), Some(d)) = (&m.description_zh, &m.description) {
                rows.push(("description_en", d.clone()));
            }
        }
    }
    if let Some(p) = &m.owner {
        rows.push(("owner", party(p)));
    }
    if let Some(p) = &m.steward {
        rows.push(("steward", party(p)));
    }
    if !m.licenses.is_empty() {
        rows.push((
            "licenses",
            m.licenses
                .iter()
                .map(|l| {
                    let mut s = l.title.clone().unwrap_or_else(|| l.name.clone());
                    if l.title.is_some() {
                        s = format!("{s} ({})", l.name);
                    }
                    if let Some(p) = &l.path {
                        s = format!("{s} {p}");
                    }
                    s
                })
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    rows.push((
        "sensitivity",
        words::sensitivity(lang, m.sensitivity).into(),
    ));
    if !m.keywords.is_empty() {
        rows.push(("keywords", m.keywords.join(", ")));
    }
    if let Some(tc) = &m.temporal {
        rows.push((
            "temporal",
            format!(
                "{} – {}",
                tc.start.as_deref().unwrap_or("…"),
                tc.end.as_deref().unwrap_or("…")
            ),
        ));
    }
    if let Some(sc) = &m.spatial {
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = &sc.description {
            parts.push(d.clone());
        }
        if !sc.regions.is_empty() {
            parts.push(sc.regions.join(", "));
        }
        if let Some(b) = &sc.bbox {
            parts.push(format!("bbox {}, {}, {}, {}", b[0], b[1], b[2], b[3]));
        }
        rows.push(("spatial", parts.join(" · ")));
    }
    if !m.sources.is_empty() {
        rows.push((
            "sources",
            m.sources
                .iter()
                .map(|s| {
                    [Some(s.title.clone()), s.path.clone(), s.email.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    if let Some(h) = &m.homepage {
        rows.push(("homepage", h.clone()));
    }
    if let Some(sc) = &m.scenario {
        let v = serde_json::to_value(sc).unwrap_or_default();
        let title = v["title"].as_str().unwrap_or_default();
        let kind = v["kind"].as_str().unwrap_or_default();
        let task = v["task"].as_str().unwrap_or_default();
        rows.push(("scenario", format!("{kind} ({task}): {title}")));
    }
    if !m.standards.is_empty() {
        let v = serde_json::to_value(&m.standards).unwrap_or_default();
        let list: Vec<String> = v
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| {
                        let id = s["id"].as_str().unwrap_or_default();
                        match s["title"].as_str() {
                            Some(t) => format!("{id} {t}"),
                            None => id.to_string(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        rows.push(("standards_used", list.join("; ")));
    }
    rows.into_iter()
        .map(|(k, v)| context! { label => t(lang, k), value => v })
        .collect()
}

/// The report page.
pub fn report(input: &ReportInput) -> String {
    let (m, report, lang) = (&input.loaded.manifest, input.report, input.lang);
    let registered = input.registry.get(&m.field);
    let field = registered
        .map(|f| match lang {
            Lang::Zh => format!("{} {}", f.code, f.name_zh),
            Lang::En => format!("{} {} ({})", f.code, f.name_en, f.name_zh),
        })
        .unwrap_or_else(|| m.field.clone());
    let errors = error_failures(report);
    let unreadable = report
        .resources
        .iter()
        .any(|r| r.files.iter().any(|f| f.error.is_some()));
    let quality = report.quality.as_ref().map(|q| {
        // The cap in the page's language, from the report itself.
        // The cap, in the page's language: unreadable data says why; an error-level failure is
        // the red line beside the grade ("6 error-level checks failed · grade capped at C").
        let capped = q
            .capped_by
            .as_ref()
            .filter(|_| unreadable)
            .map(|_| t(lang, "cap_unreadable").to_string());
        let capped_at = (q.capped_by.is_some() && !unreadable)
            .then(|| format!("{} {:?}", t(lang, "capped_at"), q.grade));
        context! {
            grade => format!("{:?}", q.grade),
            score => format!("{:.1}", q.score),
            capped,
            capped_at,
            errors => (errors > 0).then(|| t(lang, "cap_error_n").replace("{}", &errors.to_string())),
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
                    context! {
                        name => f.name,
                        title => f.title.clone().unwrap_or_default(),
                        type => f.field_type.as_str(),
                        unit => f.unit_of_measure.as_deref().map(|u| words::unit_symbol(u, &f.name)).unwrap_or_default(),
                        constraints => words::constraint_words(f, lang),
                        description => f.description.clone().unwrap_or_default(),
                    }
                })
                .collect();
            let keys = |k: &KeyColumns| k.columns().join(", ");
            let foreign: Vec<String> = r
                .schema
                .foreign_keys
                .iter()
                .map(|fk| {
                    format!(
                        "({}) → {}({})",
                        keys(&fk.fields),
                        fk.reference.resource.as_deref().unwrap_or(&r.name),
                        keys(&fk.reference.fields)
                    )
                })
                .collect();
            context! {
                name => r.name,
                title => r.title.clone().unwrap_or_default(),
                description => r.description.clone().unwrap_or_default(),
                paths => r.path.patterns().join(", "),
                fields_match => r.schema.fields_match.as_str(),
                primary_key => r.schema.primary_key.as_ref().map(keys).unwrap_or_default(),
                unique_keys => r.schema.unique_keys.iter().map(keys).collect::<Vec<_>>().join("; "),
                foreign_keys => foreign.join("; "),
                fields,
            }
        })
        .collect();
    let checks = checks(input);
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
        let parameters: Vec<String> = serde_json::to_value(&p.parameters)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|o| {
                o.iter()
                    .map(|(k, v)| match v.as_str() {
                        Some(s) => format!("{k}={s}"),
                        None => format!("{k}={v}"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        context! {
            description => p.description.clone().unwrap_or_default(),
            code => p.code,
            parameters => parameters.join(", "),
        }
    });
    let title = match lang {
        Lang::Zh => m.title_zh.clone().or_else(|| m.title.clone()),
        Lang::En => m.title.clone(),
    }
    .unwrap_or_else(|| m.name.clone());
    let description = match lang {
        Lang::Zh => m.description_zh.clone().or_else(|| m.description.clone()),
        Lang::En => m.description.clone(),
    };
    super::render(
        "report.html",
        context! {
            html_lang => lang.html(),
            t => labels(lang),
            css => super::css(),
            site => input.site.is_some(),
            sfx => input.site.as_ref().map(|s| s.suffix.clone()).unwrap_or_default(),
            alternate => input.site.as_ref().and_then(|s| s.alternate("index")),
            other_lang => lang.other_name(),
            title,
            name => m.name,
            version => m.version,
            field,
            field_code => m.field,
            sensitivity => words::sensitivity(lang, m.sensitivity),
            now => report.now,
            quality,
            conformance => report.conformance,
            field_standard => m.field_standard,
            description,
            about => about(m, lang),
            resources,
            chart => Value::from_safe_string(dimension_chart(report, lang)),
            checks,
            training => report.training.as_ref().map(|t| context! {
                splits => t.splits.iter().map(|s| context! {
                    name => s.name,
                    resource => s.resource,
                    filter => s.filter.clone().unwrap_or_default(),
                    rows => s.rows.to_string(),
                    share => words::number(s.share * 100.0),
                }).collect::<Vec<_>>(),
                label => t.label.clone().unwrap_or_default(),
                label_chart => Value::from_safe_string(super::charts::label_chart(t)),
                drift => t.drift.iter().map(|d| context! {
                    split => d.split,
                    column => d.column,
                    metric => d.metric,
                    value => d.value.map(words::number).unwrap_or_else(|| "—".into()),
                    threshold => words::number(d.threshold),
                    drifted => d.drifted,
                }).collect::<Vec<_>>(),
                any_drifted => t.drift.iter().any(|d| d.drifted),
            }),
            trends => trends(input),
            profiles => profiles(input),
            files,
            digest => report.digest().unwrap_or_default(),
            manifest_sha256 => report.dataset.manifest_sha256,
            check_set_sha256 => report.dataset.check_set_sha256,
            upstream,
            process,
            tool_version => report.tool.version,
            versions => input.versions.iter().map(|d| context! {
                from => d.old_version,
                to => d.new_version,
                breaking => d.count(assay_model::diff::Class::Breaking),
                compatible => d.count(assay_model::diff::Class::Compatible),
                informational => d.count(assay_model::diff::Class::Informational),
                changes => d.changes.iter().map(|c| context! {
                    class => c.class.as_str(),
                    class_text => t(lang, c.class.as_str()),
                    rule => c.rule,
                    at => c.at,
                    message => c.message,
                }).collect::<Vec<_>>(),
            }).collect::<Vec<_>>(),
        },
    )
}

/// Every check, those that did not pass first (then in report order), with what it guards
/// against (the manifest's `description`), its samples and their notes.
fn checks(input: &ReportInput) -> Vec<Value> {
    let (report, lang) = (input.report, input.lang);
    let declared = |resource: &str, name: &str| {
        input
            .loaded
            .manifest
            .resources
            .iter()
            .find(|r| r.name == resource)
            .and_then(|r| r.checks.iter().find(|c| c.display_name() == name))
    };
    let described = |resource: &str, name: &str| -> String {
        declared(resource, name)
            .and_then(|c| c.description.clone())
            .unwrap_or_default()
    };
    // What a declared check requires, its parameters spelled out (`range column=value min=300
    // max=500 (warning)`).
    let rule = |resource: &str, name: &str| -> String {
        declared(resource, name)
            .map(assay_model::standards::summary::describe)
            .unwrap_or_default()
    };
    let rank = |c: &CheckResult| match c.status {
        CheckStatus::Fail => 0,
        CheckStatus::Error => 1,
        CheckStatus::Warn => 2,
        CheckStatus::Pass if c.coverage.is_some() => 3,
        CheckStatus::Pass => 4,
    };
    let mut all: Vec<(&str, &CheckResult)> = report
        .resources
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (r.name.as_str(), c)))
        .chain(
            report
                .training
                .iter()
                .flat_map(|t| t.checks.iter().map(|c| ("ml", c))),
        )
        .collect();
    all.sort_by_key(|(_, c)| rank(c));
    all.into_iter()
        .map(|(r, c)| {
            let samples: Vec<Value> = c
                .samples
                .iter()
                .map(|s| {
                    context! {
                        file => s.file,
                        row => s.row.map(|r| r.to_string()).unwrap_or_default(),
                        values => s.values.iter().map(|v| words::number_text(v)).collect::<Vec<_>>().join(", "),
                        key => s.key.join(", "),
                        // "first seen at data/a.parquet row 499" in a sample of data/a.parquet:
                        // the file is said once.
                        note => s.note.as_deref().map(|n| note(n, &s.file, lang)).unwrap_or_default(),
                    }
                })
                .collect();
            let has_key = c.samples.iter().any(|s| !s.key.is_empty());
            let has_note = c.samples.iter().any(|s| s.note.is_some());
            context! {
                resource => r,
                name => c.name,
                kind => c.kind,
                description => described(r, &c.name),
                rule => rule(r, &c.name),
                severity => words::severity(lang, c.severity),
                status => status_word(c.status),
                status_text => words::status(lang, c.status),
                failing => c.failing.to_string(),
                evaluated => c.evaluated.to_string(),
                fraction => words::number(c.failing_fraction * 100.0),
                samples,
                has_key,
                has_note,
                message => c.message.clone().unwrap_or_default(),
            }
        })
        .collect()
}

/// A sample's note as the page says it: the sample's own file is not repeated ("first seen at
/// row 499"), and the engine's two phrasings are translated.
fn note(n: &str, file: &str, lang: Lang) -> String {
    let n = n.replace(&format!("{file} row"), "row");
    match lang {
        Lang::En => n,
        Lang::Zh => n
            .replace("first seen at row ", "首次出现于第 ")
            .replace("first seen at ", "首次出现于 ")
            .replace("not found in ", "未见于 "),
    }
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
                latest => v.last().map(|x| words::number(*x)).unwrap_or_default(),
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
                            min => c.min.as_deref().map(words::number_text).unwrap_or_default(),
                            max => c.max.as_deref().map(words::number_text).unwrap_or_default(),
                            histogram => Value::from_safe_string(histogram_svg(c, lang)),
                        }
                    })
                    .collect();
                context! { name, ok => true, columns }
            }
        })
        .collect()
}
