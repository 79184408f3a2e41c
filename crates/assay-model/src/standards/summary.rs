//! A standard as a reader sees it: scenario, resources, columns with their rules, checks with
//! their reasons. `assay fields <CODE>` prints it; the published site's field page shows it.

use serde::Serialize;

use super::{Standard, reasons};
use crate::check::{Check, Severity};
use crate::manifest::{Constraints, Field, Manifest, Scenario, StandardRef};
use crate::scalar::Scalar;

/// A standard, summarised.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The field code.
    pub code: String,
    /// The manifest's path in the repository.
    pub path: String,
    /// The reference dataset's name.
    pub name: String,
    /// The standard's major version.
    pub version: u32,
    /// Title, English.
    pub title: String,
    /// Title, Chinese.
    pub title_zh: String,
    /// The AI application.
    pub scenario: Option<Scenario>,
    /// `predictive-maintenance` …
    pub scenario_kind: String,
    /// `classification` / `regression`.
    pub task: String,
    /// Published standards drawn on.
    pub standards: Vec<StandardRef>,
    /// The resources.
    pub resources: Vec<ResourceSummary>,
}

/// One resource of a standard.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceSummary {
    /// Resource name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// Primary key columns.
    pub primary_key: Vec<String>,
    /// The columns.
    pub columns: Vec<ColumnSummary>,
    /// The checks.
    pub checks: Vec<CheckSummary>,
}

/// One column.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnSummary {
    /// Name.
    pub name: String,
    /// Declared type.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Unit of measure (UCUM).
    pub unit: String,
    /// Its constraints in words: `required · 0 … 120 · one of A, B`.
    pub rules: String,
    /// What it holds.
    pub description: String,
    /// The scenario's label.
    pub label: bool,
}

/// One check.
#[derive(Debug, Clone, Serialize)]
pub struct CheckSummary {
    /// `range column=kurtosis min=1.5`.
    pub check: String,
    /// Why an expert insists on it.
    pub reason: String,
}

/// The summary of a standard.
pub fn summarize(standard: &Standard) -> Result<Summary, String> {
    let m = standard.manifest()?;
    Ok(of_manifest(standard.code, standard.path, standard.text, &m))
}

/// The summary of any manifest shaped like a standard (its text gives the reasons).
pub fn of_manifest(code: &str, path: &str, text: &str, m: &Manifest) -> Summary {
    let reasons = reasons(text, m);
    let tag = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let label = m.scenario.as_ref().map(|s| &s.label);
    Summary {
        code: code.to_string(),
        path: path.to_string(),
        name: m.name.clone(),
        version: Standard::major(m),
        title: m.title.clone().unwrap_or_default(),
        title_zh: m.title_zh.clone().unwrap_or_default(),
        scenario: m.scenario.clone(),
        scenario_kind: m
            .scenario
            .as_ref()
            .map(|s| tag(serde_json::to_value(s.kind).unwrap_or_default()))
            .unwrap_or_default(),
        task: m
            .scenario
            .as_ref()
            .map(|s| tag(serde_json::to_value(s.task).unwrap_or_default()))
            .unwrap_or_default(),
        standards: m.standards.clone(),
        resources: m
            .resources
            .iter()
            .zip(&reasons)
            .map(|(r, rs)| ResourceSummary {
                name: r.name.clone(),
                title: r.title.clone().unwrap_or_default(),
                primary_key: r
                    .schema
                    .primary_key
                    .as_ref()
                    .map(|k| k.columns().iter().map(|c| c.to_string()).collect())
                    .unwrap_or_default(),
                columns: r
                    .schema
                    .fields
                    .iter()
                    .map(|f| ColumnSummary {
                        name: f.name.clone(),
                        field_type: f.field_type.as_str().to_string(),
                        unit: f.unit_of_measure.clone().unwrap_or_default(),
                        rules: rules(f),
                        description: f.description.clone().unwrap_or_default(),
                        label: label.is_some_and(|l| l.resource == r.name && l.column == f.name),
                    })
                    .collect(),
                checks: r
                    .checks
                    .iter()
                    .zip(rs)
                    .map(|(c, why)| CheckSummary {
                        check: describe(c),
                        reason: why.clone().unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A column's constraints in words.
pub fn rules(f: &Field) -> String {
    let Constraints {
        required,
        unique,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        min_length,
        max_length,
        pattern,
        enum_values,
    } = &f.constraints;
    let mut out: Vec<String> = Vec::new();
    if *required == Some(true) {
        out.push("required".into());
    }
    if *unique == Some(true) {
        out.push("unique".into());
    }
    let lo = minimum.as_ref().map(Scalar::plain).or(exclusive_minimum
        .as_ref()
        .map(|x| format!("> {}", x.plain())));
    let hi = maximum.as_ref().map(Scalar::plain).or(exclusive_maximum
        .as_ref()
        .map(|x| format!("< {}", x.plain())));
    match (lo, hi) {
        (Some(a), Some(b)) => out.push(format!("{a} … {b}")),
        (Some(a), None) => out.push(format!("≥ {a}")),
        (None, Some(b)) => out.push(format!("≤ {b}")),
        (None, None) => {}
    }
    if min_length.is_some() || max_length.is_some() {
        out.push(format!(
            "length {} … {}",
            min_length.map(|x| x.to_string()).unwrap_or_default(),
            max_length.map(|x| x.to_string()).unwrap_or_default()
        ));
    }
    if let Some(p) = pattern {
        out.push(format!("pattern {p}"));
    }
    if let Some(v) = enum_values {
        out.push(format!(
            "one of {}",
            v.iter().map(Scalar::plain).collect::<Vec<_>>().join(", ")
        ));
    }
    out.join(" · ")
}

/// A check in one line: kind, its parameters, `mostly`, a warning severity.
pub fn describe(c: &Check) -> String {
    let mut out = c.kind.name().to_string();
    if let Some(n) = &c.name {
        out.push_str(&format!(" “{n}”"));
    }
    if let Ok(serde_json::Value::Object(params)) = serde_json::to_value(&c.kind) {
        for (k, v) in params {
            if k == "check" {
                continue;
            }
            let v = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| i.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            out.push_str(&format!(" {k}={v}"));
        }
    }
    if let Some(m) = c.mostly {
        out.push_str(&format!(" mostly={m}"));
    }
    if c.severity == Severity::Warn {
        out.push_str(" (warning)");
    }
    out
}
