//! The catalog dashboard: coverage of the 100 fields by best grade, grades per sector, datasets
//! with their scores and trends, error-level failures and the most-failing check kinds
//! (`templates/dashboard.html`).

use std::collections::BTreeMap;

use assay_model::history::{Entry, series};
use assay_model::quality::Grade;
use assay_model::report::{CheckStatus, Report};
use assay_model::{FieldRegistry, LoadedManifest};
use minijinja::context;
use minijinja::value::Value;

use super::charts::sparkline;
use crate::Lang;
use crate::i18n::{labels, t};

/// The grid's and tiles' styles, after the common stylesheet.
const DASHBOARD_CSS: &str = "#coverage{display:grid;grid-template-columns:repeat(10,1fr);gap:4px}.cell{border-radius:4px;padding:6px 4px;font-size:.75rem;text-align:center;color:#fff;background:#bdbdbd}.cell.empty{color:#424242;background:#eeeeee}.cell.grade-A{background:#2e7d32}.cell.grade-B{background:#9e9d24}.cell.grade-C{background:#ef6c00}.cell.grade-D{background:#c62828}.cell.has-left-out{outline:3px dashed #c62828;outline-offset:-3px}.left-out-mark{font-weight:bold;margin-left:2px}.cell .name{display:none}@media print{.cell{color:#000;border:1px solid #999}.cell .name{display:block;font-size:.6rem}}#left-out td.reason{max-width:40em;overflow-wrap:anywhere}";

/// One dataset on the dashboard: its manifest, its report and its history.
pub struct DashboardSet<'a> {
    pub loaded: &'a LoadedManifest,
    pub report: &'a Report,
    pub history: &'a [Entry],
}

/// The dashboard page; `links` adds links to the search page, field pages and dataset pages
/// (the published site).
pub fn dashboard(
    registry: &FieldRegistry,
    sets: &[DashboardSet],
    left_out: &[assay_model::index::LeftOut],
    lang: Lang,
    site: Option<&crate::SitePage>,
) -> String {
    let links = site.is_some();
    let grade_of = |r: &Report| r.quality.as_ref().map(|q| q.grade);
    let mut best: BTreeMap<&str, Grade> = BTreeMap::new();
    for s in sets {
        if let Some(g) = grade_of(s.report) {
            let e = best.entry(s.loaded.manifest.field.as_str()).or_insert(g);
            if g < *e {
                *e = g;
            }
        }
    }
    let cells: Vec<Value> = registry
        .fields()
        .iter()
        .map(|f| {
            let (mut class, label) = match best.get(f.code.as_str()) {
                Some(g) => (format!("grade-{g:?}"), format!("{g:?}")),
                None => ("empty".to_string(), String::new()),
            };
            let dropped = left_out
                .iter()
                .filter(|l| l.field.as_deref() == Some(f.code.as_str()))
                .count();
            if dropped > 0 {
                class.push_str(" has-left-out");
            }
            let left_out_label = if dropped > 0 {
                t(lang, "left_out_n").replace("{}", &dropped.to_string())
            } else {
                String::new()
            };
            context! {
                code => f.code,
                name => if lang == Lang::Zh { &f.name_zh } else { &f.name_en },
                short => f.code.trim_start_matches("IF-"),
                class,
                label,
                left_out => left_out_label,
            }
        })
        .collect();
    let mut by_sector: BTreeMap<String, [u32; 4]> = BTreeMap::new();
    for s in sets {
        let sector = registry
            .get(&s.loaded.manifest.field)
            .map(|f| f.sector.clone())
            .unwrap_or_default();
        if let Some(g) = grade_of(s.report) {
            by_sector.entry(sector).or_default()[g as usize] += 1;
        }
    }
    let sectors: Vec<Value> = by_sector
        .iter()
        .map(|(code, n)| {
            let name = match assay_model::registry::sector(code) {
                Some(s) if lang == Lang::Zh => s.name_zh.to_string(),
                Some(s) => s.name_en.to_string(),
                None => code.clone(),
            };
            context! { name, a => n[0], b => n[1], c => n[2], d => n[3] }
        })
        .collect();
    let (datasets, failing_sets, kinds) = datasets(sets);
    let training: Vec<Value> = sets
        .iter()
        .filter_map(|s| s.report.training.as_ref().map(|t| (s, t)))
        .map(|(s, t)| {
            let not_passed: Vec<&str> = t
                .checks
                .iter()
                .filter(|c| c.status != CheckStatus::Pass)
                .map(|c| c.kind.as_str())
                .collect();
            context! {
                name => s.loaded.manifest.name,
                splits => t.splits.iter().map(|x| format!("{} {}", x.name, x.rows)).collect::<Vec<_>>().join(" · "),
                passed => t.checks.iter().filter(|c| c.status == CheckStatus::Pass).count(),
                checks => t.checks.len(),
                not_passed,
                drifted => t.drift.iter().filter(|d| d.drifted).count(),
            }
        })
        .collect();
    let datasets_label = t(lang, "datasets_n").replace("{}", &sets.len().to_string());
    super::render(
        "dashboard.html",
        context! {
            html_lang => lang.html(),
            t => labels(lang),
            css => super::css(),
            dashboard_css => Value::from_safe_string(DASHBOARD_CSS.to_string()),
            links,
            sfx => site.map(|s| s.suffix.clone()).unwrap_or_default(),
            alternate => site.and_then(|s| s.alternate("index")),
            other_lang => lang.other_name(),
            datasets_label,
            covered => best.len(),
            fields_total => registry.fields().len(),
            cells,
            sectors,
            datasets,
            failing_sets,
            kinds,
            training,
            left_out => left_out
                .iter()
                .map(|l| context! {
                    name => l.name.clone().unwrap_or_else(|| l.manifest.clone()),
                    manifest => l.manifest,
                    field => l.field.clone().unwrap_or_default(),
                    stage => l.stage,
                    reason => l.reason,
                    fix => l.fix,
                })
                .collect::<Vec<_>>(),
        },
    )
}

/// The dataset rows, the datasets with error-level failures, and the check kinds by results
/// not passed (most first).
fn datasets(sets: &[DashboardSet]) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
    let mut kinds: BTreeMap<String, u32> = BTreeMap::new();
    let mut failing_sets = Vec::new();
    let mut rows = Vec::new();
    for s in sets {
        let r = s.report;
        let errors: Vec<&str> = r
            .checks()
            .filter(|c| c.status == CheckStatus::Fail || c.status == CheckStatus::Error)
            .map(|c| c.name.as_str())
            .collect();
        for c in r.checks() {
            if c.status != CheckStatus::Pass {
                *kinds.entry(c.kind.clone()).or_default() += 1;
            }
        }
        if !errors.is_empty() {
            failing_sets.push(context! {
                name => s.loaded.manifest.name,
                checks => errors.join(", "),
            });
        }
        let mut scores: Vec<f64> = series(s.history, "", "score", "")
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        let q = r.quality.as_ref();
        if let Some(q) = q {
            scores.push(q.score);
        }
        let chart = if scores.len() >= 2 {
            sparkline(&scores)
        } else {
            String::new()
        };
        rows.push(context! {
            name => s.loaded.manifest.name,
            field => s.loaded.manifest.field,
            grade => q.map(|q| format!("{:?}", q.grade)).unwrap_or_default(),
            score => q.map(|q| format!("{:.1}", q.score)).unwrap_or_default(),
            errors => errors.len(),
            chart => Value::from_safe_string(chart),
        });
    }
    let mut kinds: Vec<(String, u32)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let kinds = kinds
        .into_iter()
        .map(|(kind, count)| context! { kind, count })
        .collect();
    (rows, failing_sets, kinds)
}
