//! The plan of a resource: every check it runs. Column constraints and keys come first (each
//! becomes a check of the matching kind), then the resource's `checks`, in manifest order.

use assay_model::Resource;
use assay_model::check::{
    Check, CheckKind, CheckReference, ForeignKey, InSet, Length, NotNull, Pattern, Range, Severity,
    Unique, UniqueKey,
};
use assay_model::manifest::Field;
use assay_model::report::CheckOrigin;

/// A resource's planned checks as the run's check set records them (its digest is the
/// report's `check_set_sha256`; the cache keys a file's results by it).
pub(crate) fn check_set(r: &Resource, planned: &[(CheckOrigin, Check)]) -> serde_json::Value {
    serde_json::json!({
        "resource": r.name,
        "checks": planned.iter().map(|(o, c)| serde_json::json!({"origin": o, "check": c})).collect::<Vec<_>>(),
    })
}

/// Every check a resource runs, with where it came from.
pub(crate) fn plan(r: &Resource) -> Vec<(CheckOrigin, Check)> {
    let pk: Vec<&str> = r
        .schema
        .primary_key
        .as_ref()
        .map(|k| k.columns())
        .unwrap_or_default();
    let mut out = Vec::new();
    for f in &r.schema.fields {
        let in_key = pk.contains(&f.name.as_str());
        for check in constraint_checks(f, in_key) {
            out.push((CheckOrigin::Constraint, check));
        }
    }
    for check in key_checks(r, &pk) {
        out.push(check);
    }
    for c in &r.checks {
        out.push((CheckOrigin::Check, c.clone()));
    }
    out
}

fn named(name: String, kind: CheckKind) -> Check {
    Check {
        name: Some(name),
        description: None,
        severity: Severity::Error,
        mostly: None,
        dimension: None,
        kind,
    }
}

/// A column's constraints as checks: `required` (or membership of the primary key) →
/// `not_null`, `unique`, bounds → `range`, lengths → `length`, `pattern`, `enum` → `in_set`.
fn constraint_checks(f: &Field, in_primary_key: bool) -> Vec<Check> {
    let c = &f.constraints;
    let col = f.name.clone();
    let mut out = Vec::new();
    if c.required == Some(true) || in_primary_key {
        out.push(named(
            format!("{col}: required"),
            CheckKind::NotNull(NotNull {
                column: col.clone(),
            }),
        ));
    }
    if c.unique == Some(true) {
        out.push(named(
            format!("{col}: unique"),
            CheckKind::Unique(Unique {
                column: col.clone(),
            }),
        ));
    }
    let (min, min_exclusive) = match (&c.minimum, &c.exclusive_minimum) {
        (_, Some(x)) => (Some(x.clone()), true),
        (Some(x), None) => (Some(x.clone()), false),
        _ => (None, false),
    };
    let (max, max_exclusive) = match (&c.maximum, &c.exclusive_maximum) {
        (_, Some(x)) => (Some(x.clone()), true),
        (Some(x), None) => (Some(x.clone()), false),
        _ => (None, false),
    };
    if min.is_some() || max.is_some() {
        out.push(named(
            format!("{col}: range"),
            CheckKind::Range(Range {
                column: col.clone(),
                min,
                max,
                min_exclusive,
                max_exclusive,
            }),
        ));
    }
    if c.min_length.is_some() || c.max_length.is_some() {
        out.push(named(
            format!("{col}: length"),
            CheckKind::Length(Length {
                column: col.clone(),
                min: c.min_length,
                max: c.max_length,
            }),
        ));
    }
    if let Some(p) = &c.pattern {
        out.push(named(
            format!("{col}: pattern"),
            CheckKind::Pattern(Pattern {
                column: col.clone(),
                pattern: p.clone(),
            }),
        ));
    }
    if let Some(values) = &c.enum_values {
        out.push(named(
            format!("{col}: enum"),
            CheckKind::InSet(InSet {
                column: col,
                values: values.clone(),
            }),
        ));
    }
    out
}

/// `primaryKey` and `uniqueKeys` → `unique_key`; `foreignKeys` → `foreign_key`.
fn key_checks(r: &Resource, pk: &[&str]) -> Vec<(CheckOrigin, Check)> {
    let owned = |cols: &[&str]| cols.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut out = Vec::new();
    if !pk.is_empty() {
        out.push((
            CheckOrigin::Key,
            named(
                format!("primaryKey({})", pk.join(", ")),
                CheckKind::UniqueKey(UniqueKey { columns: owned(pk) }),
            ),
        ));
    }
    for k in &r.schema.unique_keys {
        let cols = k.columns();
        out.push((
            CheckOrigin::Key,
            named(
                format!("uniqueKey({})", cols.join(", ")),
                CheckKind::UniqueKey(UniqueKey {
                    columns: owned(&cols),
                }),
            ),
        ));
    }
    for fk in &r.schema.foreign_keys {
        let target = fk
            .reference
            .resource
            .clone()
            .unwrap_or_else(|| r.name.clone());
        let cols = owned(&fk.fields.columns());
        let tcols = owned(&fk.reference.fields.columns());
        out.push((
            CheckOrigin::ForeignKey,
            named(
                format!(
                    "foreignKey({}) -> {target}({})",
                    cols.join(", "),
                    tcols.join(", ")
                ),
                CheckKind::ForeignKey(ForeignKey {
                    columns: cols,
                    reference: CheckReference {
                        resource: target,
                        columns: tcols,
                    },
                }),
            ),
        ));
    }
    out
}
