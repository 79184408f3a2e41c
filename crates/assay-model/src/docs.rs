//! Tables of the docs generated from the code, so they cannot drift: the check kinds of
//! `docs/manifest.md` and the summary table of `docs/checks.md`, each kept between
//! `<!-- NAME:begin -->` and `<!-- NAME:end -->` markers and checked by a test (bless with
//! `ASSAY_BLESS=1 cargo test -p assay-model`).

use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::check::{CheckKind, KindInfo};

fn kinds() -> Vec<KindInfo> {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    CheckKind::registry(&mut generator)
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// `docs/manifest.md`: every kind with its parameters (required ones in bold), whether it is
/// row-level and its default dimension.
pub fn kinds_table() -> String {
    let mut out = String::from(
        "| kind | parameters (required in **bold**) | row-level | default dimension |\n|---|---|---|---|\n",
    );
    for k in kinds() {
        let required: Vec<&str> = k
            .schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let params: Vec<String> = k
            .schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| {
                p.keys()
                    .map(|key| {
                        if required.contains(&key.as_str()) {
                            format!("**`{key}`**")
                        } else {
                            format!("`{key}`")
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            k.name,
            params.join(", "),
            yes_no(k.row_level),
            k.dimension
        ));
    }
    out
}

/// `docs/checks.md`: every kind with its default dimension, whether `mostly` applies and what
/// statistics decide.
pub fn summary_table() -> String {
    let mut out = String::from(
        "| kind | default dimension | row-level (`mostly`) | statistics used |\n|---|---|---|---|\n",
    );
    for k in kinds() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            k.name,
            k.dimension,
            yes_no(k.row_level),
            k.statistics
        ));
    }
    out.push_str("| `schema` (implicit) | normativeness | no | footer only |\n");
    out
}

/// Every generated table: the docs file (relative to the repository), the marker name and the
/// content.
pub fn generated() -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("docs/manifest.md", "kinds-table", kinds_table()),
        ("docs/checks.md", "summary-table", summary_table()),
        (
            "docs/field-standards.md",
            "standards-table",
            standards_table(),
        ),
    ]
}

/// The 100 field standards: field, scenario, dataset, resources, columns and checks.
pub fn standards_table() -> String {
    let registry = crate::registry::FieldRegistry::embedded();
    let mut out = String::from(
        "| Field | Name | Scenario | Task | Dataset | Resources | Columns | Checks |\n|---|---|---|---|---|--:|--:|--:|\n",
    );
    for s in crate::standards::all() {
        let name = registry
            .get(s.code)
            .map(|f| format!("{} / {}", f.name_en, f.name_zh))
            .unwrap_or_default();
        let row = match crate::standards::summarize(s) {
            Ok(m) => format!(
                "| {} | {} | {}: {} | {} | [`{}`](../{}) | {} | {} | {} |\n",
                s.code,
                name,
                m.scenario_kind,
                m.scenario
                    .as_ref()
                    .map(|x| x.title.as_str())
                    .unwrap_or_default(),
                m.task,
                m.name,
                s.path,
                m.resources.len(),
                m.resources.iter().map(|r| r.columns.len()).sum::<usize>(),
                m.resources.iter().map(|r| r.checks.len()).sum::<usize>(),
            ),
            Err(e) => format!("| {} | {name} | {e} | | | | | |\n", s.code),
        };
        out.push_str(&row);
    }
    out
}

/// `doc` with the text between the `name` markers replaced by `content`; `None` when the
/// markers are missing.
pub fn replace_between(doc: &str, name: &str, content: &str) -> Option<String> {
    let begin = format!("<!-- {name}:begin -->\n");
    let end = format!("<!-- {name}:end -->");
    let a = doc.find(&begin)? + begin.len();
    let b = a + doc[a..].find(&end)?;
    Some(format!("{}{content}{}", &doc[..a], &doc[b..]))
}
