//! SARIF 2.1.0 for code scanning.

use assay_model::LoadedManifest;
use assay_model::report::{CheckStatus, Report};

use crate::locate::{located, result_text};

/// SARIF 2.1.0: one rule per check kind, one result per check that did not pass, located at the
/// line of the manifest that declares it.
pub fn render_sarif(loaded: &LoadedManifest, report: &Report, strict: bool) -> String {
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
            // The check kind's section of docs/checks.md: as a link when the docs are served
            // somewhere (`ASSAY_DOCS_URL`, e.g. the repository's tree URL), and always as help
            // text naming the file and section, which code-scanning UIs show.
            // GitHub's anchors of the headings "### `range`" and "### The `schema` check".
            let anchor = if *k == "schema" { "the-schema-check" } else { k };
            let section = format!("docs/checks.md#{anchor}");
            let mut rule = serde_json::json!({
                "id": format!("assay/{k}"),
                "name": name,
                "shortDescription": {"text": format!("Assay check kind `{k}`")},
                "help": {
                    "text": format!("What `{k}` checks and how its result is computed: {section}"),
                    "markdown": format!("What `{k}` checks and how its result is computed: [`{section}`]({section})"),
                },
            });
            if let Some(base) = docs_url() {
                rule["helpUri"] = format!("{base}/{section}").into();
            }
            rule
        })
        .collect();
    let results: Vec<serde_json::Value> = found
        .iter()
        .map(|(resource, c, line, col)| {
            let level = match c.status {
                CheckStatus::Fail | CheckStatus::Error => "error",
                // Passed on part of the data only: said, not failed.
                CheckStatus::Pass => "note",
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
            "tool": {"driver": driver(&report.tool.version, rules)},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Where the docs are served (`ASSAY_DOCS_URL`, no trailing slash), when they are.
fn docs_url() -> Option<String> {
    std::env::var("ASSAY_DOCS_URL")
        .ok()
        .map(|u| u.trim_end_matches('/').to_string())
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
}

fn driver(version: &str, rules: Vec<serde_json::Value>) -> serde_json::Value {
    let mut d = serde_json::json!({"name": "assay", "version": version, "rules": rules});
    if let Some(base) = docs_url() {
        d["informationUri"] = base.into();
    }
    d
}
