//! `assay search`.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use assay_catalog::search::SearchIndex;

use crate::cli::{ListFormat, SearchArgs};
use crate::exit::Status;

pub fn run(args: SearchArgs) -> Result<Status> {
    let path = args.site.join("search-index.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: {}: {e}\n  hint: publish the catalog first: assay publish catalog --out {}",
                path.display(),
                args.site.display()
            );
            return Ok(Status::Invalid);
        }
    };
    let index: SearchIndex = match serde_json::from_str(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {}: not a search index: {e}", path.display());
            return Ok(Status::Invalid);
        }
    };
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (facet, values) in [
        ("field", &args.field),
        ("sector", &args.sector),
        ("owner", &args.owner),
        ("license", &args.license),
        ("sensitivity", &args.sensitivity),
        ("grade", &args.grade),
        ("status", &args.status),
    ] {
        if !values.is_empty() {
            filters.insert(facet.to_string(), values.clone());
        }
    }
    if let Some(d) = &args.validated_since {
        filters.insert("since".into(), vec![d.clone()]);
    }
    if let Some(d) = &args.validated_until {
        filters.insert("until".into(), vec![d.clone()]);
    }
    let results = assay_catalog::search::Prepared::new(&index).query(&args.query, &filters);
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&results)?)?;
        }
        ListFormat::Text => {
            // Best first, each with its grade, name, field and title; the BM25 score is in
            // `--format json`.
            for (name, _) in &results.hits {
                let doc = index.docs.iter().find(|d| &d.name == name);
                let facet = |f: &str| {
                    doc.and_then(|d| d.facets.get(f))
                        .and_then(|v| v.first())
                        .map(String::as_str)
                        .unwrap_or("?")
                };
                let title = doc.map(|d| d.title.as_str()).unwrap_or("");
                writeln!(
                    out,
                    "{}  {name}  {}  {title}",
                    facet("grade"),
                    facet("field")
                )?;
            }
            writeln!(out, "{} dataset(s)", results.hits.len())?;
            for (facet, values) in &results.facets {
                let list: Vec<String> = values.iter().map(|(v, n)| format!("{v} ({n})")).collect();
                writeln!(out, "  {facet}: {}", list.join(", "))?;
            }
        }
    }
    Ok(Status::Success)
}
