//! Every file of a site: the indexes (JSON, Parquet, DCAT, search), each dataset's documents and
//! page, the dashboard, a page per field and the search page.

use assay_model::index::{CatalogIndex, INDEX_SCHEMA_VERSION, IndexEntry, LeftOut};
use assay_model::lock::Lock;
use assay_model::{FieldRegistry, Manifest};
use assay_report::html::{self, DashboardSet, FieldDataset, ReportInput};
use assay_report::{Lang, SitePage};

use super::cache::Published;
use super::entry::entry;
use super::site::SiteWriter;
use super::{Error, pretty};

/// Writes the site's files as they are made.
pub(crate) fn write(
    files: &mut SiteWriter,
    registry: &FieldRegistry,
    published: &[Published],
    left_out: &[LeftOut],
    redactor: Option<&assay_model::redact::Redactor>,
    langs: &[Lang],
) -> Result<(), Error> {
    let pages = site_pages(langs);
    let index = CatalogIndex {
        schema_version: INDEX_SCHEMA_VERSION,
        datasets: published
            .iter()
            .map(|(l, lock, _, r)| entry(registry, l, lock, r))
            .collect(),
        left_out: left_out.to_vec(),
    };
    files.insert("index.json".into(), pretty(&index).into_bytes());
    // The manifest schema at a stable place, for editors (`yaml-language-server`).
    if let Some((_, text)) = assay_model::schema::all_schemas()
        .into_iter()
        .find(|(n, _)| *n == "manifest.schema.json")
    {
        files.insert("schemas/manifest.schema.json".into(), text.into_bytes());
    }
    files.insert(
        "index.parquet".into(),
        assay_validate::catalog_table::index_parquet(&index).map_err(Error::Document)?,
    );
    let entries: Vec<(&Manifest, &Lock, &IndexEntry)> = published
        .iter()
        .zip(&index.datasets)
        .map(|((l, lock, _, _), e)| (&l.manifest, lock, e))
        .collect();
    files.insert(
        "dcat.jsonld".into(),
        pretty(&assay_interop::dcat::dcat("Assay catalog", &entries)).into_bytes(),
    );
    let histories: Vec<Vec<assay_model::history::Entry>> = published
        .iter()
        .map(|(l, ..)| assay_validate::history::load(&l.dir).unwrap_or_default())
        .collect();
    for (dataset, history) in published.iter().zip(&histories) {
        dataset_files(files, registry, dataset, history, redactor, &pages);
    }
    let sets: Vec<DashboardSet> = published
        .iter()
        .zip(&histories)
        .map(|((loaded, _, _, report), history)| DashboardSet {
            loaded,
            report,
            history,
        })
        .collect();
    for (lang, page) in &pages {
        files.insert(
            page.file("index"),
            html::dashboard(registry, &sets, left_out, *lang, Some(page)).into_bytes(),
        );
    }
    // One page per field: its datasets, or that it has none yet.
    for f in registry.fields() {
        let here: Vec<FieldDataset> = index
            .datasets
            .iter()
            .filter(|d| d.field == f.code)
            .map(|d| FieldDataset {
                name: &d.name,
                title: d.title.as_deref(),
                grade: d.grade,
                score: d.score,
            })
            .collect();
        let standard = assay_model::standards::get(&f.code)
            .map(assay_model::standards::summarize)
            .transpose()
            .map_err(Error::Document)?;
        let gone: Vec<&LeftOut> = left_out
            .iter()
            .filter(|l| l.field.as_deref() == Some(f.code.as_str()))
            .collect();
        for (lang, page) in &pages {
            files.insert(
                format!("fields/{}/{}", f.code, page.file("index")),
                html::field_page(f, &here, standard.as_ref(), &gone, *lang, page).into_bytes(),
            );
        }
    }
    let search = crate::search::SearchIndex::build(&index, registry);
    let search_json = serde_json::to_string(&search).map_err(|e| Error::Document(e.to_string()))?;
    files.insert(
        "search-index.json".into(),
        format!("{search_json}\n").into_bytes(),
    );
    // The same index as a script, so the search page works from file:// (no fetch).
    files.insert(
        "search-index.js".into(),
        format!("window.ASSAY_SEARCH_INDEX = {search_json};\n").into_bytes(),
    );
    for (lang, page) in &pages {
        files.insert(page.file("search"), search_page(*lang, page).into_bytes());
    }
    Ok(())
}

/// The site's languages, each with its file suffix and the name of the same page in the other
/// language: the first language at `index.html`, a second at `index.zh.html`.
fn site_pages(langs: &[Lang]) -> Vec<(Lang, SitePage)> {
    let suffix = |i: usize, l: Lang| {
        if i == 0 {
            String::new()
        } else {
            match l {
                Lang::En => ".en".to_string(),
                Lang::Zh => ".zh".to_string(),
            }
        }
    };
    let suffixes: Vec<String> = langs
        .iter()
        .enumerate()
        .map(|(i, l)| suffix(i, *l))
        .collect();
    langs
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let other = (langs.len() == 2).then(|| suffixes[1 - i].clone());
            (
                *l,
                SitePage {
                    suffix: suffixes[i].clone(),
                    other_suffix: other,
                },
            )
        })
        .collect()
}

/// The search page in `lang`: its labels from the i18n table, links to the pages of its
/// language.
fn search_page(lang: Lang, page: &SitePage) -> String {
    use assay_report::i18n::t;
    let facets: serde_json::Map<String, serde_json::Value> = crate::search::FACETS
        .iter()
        .map(|f| (f.to_string(), t(lang, &format!("f_{f}")).into()))
        .collect();
    let switch = match page.alternate("search") {
        Some(href) => format!(
            " · <a class=\"lang-switch\" href=\"{href}\">{}</a>",
            lang.other_name()
        ),
        None => String::new(),
    };
    include_str!("search_page.html")
        .replace("{{LANG}}", lang.html())
        .replace("{{TITLE}}", t(lang, "search_title"))
        .replace("{{DASHBOARD}}", t(lang, "nav_dashboard"))
        .replace("{{SWITCH}}", &switch)
        .replace(
            "{{SFX_JSON}}",
            &serde_json::Value::from(page.suffix.clone()).to_string(),
        )
        .replace("{{SFX}}", &page.suffix)
        .replace(
            "{{FACET_LABELS}}",
            &serde_json::Value::Object(facets).to_string(),
        )
        .replace(
            "{{COUNT_LABEL}}",
            &serde_json::Value::from(t(lang, "count_n")).to_string(),
        )
}

/// One dataset's documents and page under `datasets/<name>/`.
fn dataset_files(
    files: &mut SiteWriter,
    registry: &FieldRegistry,
    (l, lock, lock_text, r): &Published,
    history: &[assay_model::history::Entry],
    redactor: Option<&assay_model::redact::Redactor>,
    pages: &[(Lang, SitePage)],
) {
    let dir = format!("datasets/{}", l.manifest.name);
    let croissant = assay_interop::croissant::croissant(&l.manifest, lock);
    files.insert(
        format!("{dir}/croissant.json"),
        pretty(&croissant).into_bytes(),
    );
    files.insert(format!("{dir}/report.json"), pretty(r).into_bytes());
    files.insert(
        format!("{dir}/manifest.json"),
        pretty(&l.manifest).into_bytes(),
    );
    files.insert(
        format!("{dir}/dataset.lock"),
        lock_text.clone().into_bytes(),
    );
    // The package lists the locked files (other tools do not expand globs).
    let locked: std::collections::BTreeMap<String, Vec<String>> = lock
        .resources
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                r.files.iter().map(|f| f.path.clone()).collect(),
            )
        })
        .collect();
    let (package, _) = assay_interop::frictionless::export_with_files(&l.manifest, &locked);
    files.insert(
        format!("{dir}/datapackage.json"),
        pretty(&package).into_bytes(),
    );
    // The page's column profile reads the files a second time (the validation read them
    // once).
    let mut profiles = assay_validate::profile::of_report(&l.dir, r);
    if let Some(key) = redactor {
        let policy = assay_model::redact::Policy::of(&l.manifest);
        for (resource, p) in &mut profiles {
            if let Ok(p) = p {
                assay_model::redact::profile(p, resource, &policy, key);
            }
        }
    }
    let versions = assay_model::diff::version_history(&l.dir, &l.manifest);
    for (lang, page) in pages {
        let site = page.clone();
        let html = html::report(&ReportInput {
            loaded: l,
            registry,
            report: r,
            profiles: &profiles,
            history,
            lang: *lang,
            site: Some(site),
            versions: &versions,
        });
        files.insert(format!("{dir}/{}", page.file("index")), html.into_bytes());
    }
}
