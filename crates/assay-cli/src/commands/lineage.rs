//! `assay lineage`.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use assay_model::lineage::{Graph, Node};
use assay_model::lint;
use assay_model::lock::{LOCK_FILE_NAME, Lock};
use assay_model::{FieldRegistry, Manifest};

use super::manifests_under;
use crate::cli::{LineageArgs, LineageFormat};
use crate::exit::Status;

pub fn run(registry: &FieldRegistry, args: LineageArgs) -> Result<Status> {
    let files = match manifests_under(&args.paths) {
        Ok(m) => m,
        Err(s) => return Ok(s),
    };
    let mut status = Status::Success;
    let mut nodes = Vec::new();
    let mut manifests: BTreeMap<String, Manifest> = BTreeMap::new();
    for path in &files {
        let loaded = match lint::load(path) {
            Ok(l) => l,
            Err(diags) => {
                for d in diags.iter().filter(|d| d.is_error()) {
                    eprintln!("{d}");
                }
                eprintln!("error: {} is left out of the graph", path.display());
                status = Status::Invalid;
                continue;
            }
        };
        let m = &loaded.manifest;
        let digest = std::fs::read_to_string(loaded.dir.join(LOCK_FILE_NAME))
            .ok()
            .and_then(|t| Lock::parse(&t).ok())
            .filter(|l| l.dataset == m.name)
            .map(|l| l.digest);
        nodes.push(Node {
            name: m.name.clone(),
            version: m.version.clone(),
            field: m.field.clone(),
            manifest: path.clone(),
            digest,
            derived_from: m
                .lineage
                .as_ref()
                .map(|l| l.derived_from.clone())
                .unwrap_or_default(),
        });
        manifests.entry(m.name.clone()).or_insert_with(|| m.clone());
    }
    let full = Graph::build(nodes);
    let focus = args
        .upstream
        .as_deref()
        .map(|n| (n, true))
        .or(args.downstream.as_deref().map(|n| (n, false)));
    let graph = match focus {
        Some((name, up)) => {
            if full.node(name).is_none() {
                let names = || full.datasets.iter().map(|n| n.name.as_str());
                let hint = lint::did_you_mean(name, names())
                    .or_else(|| names().find(|n| n.contains(name)))
                    .map(|s| format!("\n  hint: did you mean `{s}`?"))
                    .unwrap_or_default();
                eprintln!("error: no dataset `{name}` in the catalog{hint}");
                return Ok(Status::Invalid);
            }
            full.around(name, up)
        }
        None => full,
    };
    let text = match args.format {
        LineageFormat::Text => graph.to_text(focus.map(|f| f.0), focus.is_some_and(|f| f.1)),
        LineageFormat::Dot => graph.to_dot(),
        LineageFormat::Mermaid => graph.to_mermaid(),
        LineageFormat::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "schema_version": 1,
                "datasets": graph.datasets,
                "edges": graph.edges,
                "problems": graph.problems.iter().map(|p| {
                    let mut v = serde_json::to_value(p).unwrap_or_default();
                    if let Some(o) = v.as_object_mut() {
                        o.insert("message".into(), p.to_string().into());
                    }
                    v
                }).collect::<Vec<_>>(),
            }))?;
            s.push('\n');
            s
        }
        LineageFormat::Openlineage => {
            let time = assay_integrity::bag::source_date_time()
                .unwrap_or_else(super::validate::now_wall_clock);
            let events = assay_integrity::openlineage::lineage_events(
                &graph,
                &manifests,
                registry,
                &args.namespace,
                &time,
            );
            assay_integrity::openlineage::to_json_lines(&events)
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    if args.format != LineageFormat::Text {
        for p in &graph.problems {
            eprintln!("problem: {p}");
        }
    }
    if !graph.problems.is_empty() {
        status = status.max(Status::Failure);
    }
    Ok(status)
}
