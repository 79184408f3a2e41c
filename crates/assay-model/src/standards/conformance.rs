//! Conformance to a field standard: what a manifest drops or loosens of the standard it names in
//! `conformsTo`. A stricter manifest (a narrower range, an extra check, an extra column)
//! conforms; a missing resource, column, key or check, a wider range, codes added to or taken
//! from a code list, a weaker `mostly` or severity, or a changed type, unit, pattern or
//! expression does not. This is what a catalog maintainer holds a submission to.

use serde::{Deserialize, Serialize};

use crate::check::{Check, CheckKind, Severity};
use crate::lint::{scalar_eq, scalar_gt};
use crate::manifest::{Constraints, Field, Manifest, Resource, TableSchema};
use crate::scalar::Scalar;

/// One way a manifest departs from its standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Deviation {
    /// JSON Pointer, in the manifest, of what deviates (or of the list something was dropped
    /// from).
    pub pointer: String,
    /// What deviates, naming the standard's value.
    pub message: String,
}

/// Every deviation of `manifest` from `standard`, in the standard's order.
pub fn compare(manifest: &Manifest, standard: &Manifest) -> Vec<Deviation> {
    let mut out = Vec::new();
    for sr in &standard.resources {
        match manifest.resources.iter().position(|r| r.name == sr.name) {
            None => out.push(Deviation {
                pointer: "/resources".into(),
                message: format!(
                    "drops resource `{}` of the standard ({} columns)",
                    sr.name,
                    sr.schema.fields.len()
                ),
            }),
            Some(i) => resource(
                &mut out,
                &format!("/resources/{i}"),
                &manifest.resources[i],
                sr,
            ),
        }
    }
    training(&mut out, manifest, standard);
    out
}

/// The standard's training set: kept, with its label and its checks (the split boundaries and
/// the features are the dataset's own).
fn training(out: &mut Vec<Deviation>, manifest: &Manifest, standard: &Manifest) {
    let Some(sml) = &standard.ml else { return };
    let Some(ml) = &manifest.ml else {
        out.push(Deviation {
            pointer: String::new(),
            message: format!(
                "drops the standard's training set (`ml:`{})",
                sml.label
                    .as_ref()
                    .map(|l| format!(", label `{}`", l.column))
                    .unwrap_or_default()
            ),
        });
        return;
    };
    if let Some(sl) = &sml.label
        && ml
            .label
            .as_ref()
            .is_none_or(|l| l.column != sl.column || l.kind != sl.kind)
    {
        out.push(Deviation {
            pointer: "/ml".into(),
            message: format!(
                "the training label differs from the standard's (`{}`, {})",
                sl.column,
                match sl.kind {
                    crate::manifest::Task::Classification => "classification",
                    crate::manifest::Task::Regression => "regression",
                }
            ),
        });
    }
    let kinds: Vec<&str> = ml.checks().iter().map(|c| c.name()).collect();
    for c in sml.checks() {
        if !kinds.contains(&c.name()) {
            out.push(Deviation {
                pointer: "/ml".into(),
                message: format!("drops training check `{}` of the standard", c.name()),
            });
        }
    }
}

fn resource(out: &mut Vec<Deviation>, at: &str, r: &Resource, sr: &Resource) {
    for sf in &sr.schema.fields {
        match r.schema.fields.iter().position(|f| f.name == sf.name) {
            None => out.push(Deviation {
                pointer: format!("{at}/schema/fields"),
                message: format!(
                    "`{}`: drops column `{}` ({}) of the standard",
                    r.name,
                    sf.name,
                    sf.field_type.as_str()
                ),
            }),
            Some(j) => field(
                out,
                &format!("{at}/schema/fields/{j}"),
                &r.schema.fields[j],
                sf,
            ),
        }
    }
    keys(out, &format!("{at}/schema"), &r.name, &r.schema, &sr.schema);
    let mut used = vec![false; r.checks.len()];
    for sc in &sr.checks {
        let found = matching_check(&r.checks, &used, sc);
        match found {
            None => out.push(Deviation {
                pointer: format!("{at}/checks"),
                message: format!("`{}`: drops check {} of the standard", r.name, describe(sc)),
            }),
            Some(k) => {
                used[k] = true;
                check(out, &format!("{at}/checks/{k}"), &r.checks[k], sc);
            }
        }
    }
}

fn field(out: &mut Vec<Deviation>, at: &str, f: &Field, sf: &Field) {
    let mut say = |key: &str, message: String| {
        out.push(Deviation {
            pointer: format!("{at}{key}"),
            message: format!("column `{}`: {message}", f.name),
        })
    };
    if f.field_type != sf.field_type {
        say(
            "/type",
            format!(
                "type `{}`; the standard's is `{}`",
                f.field_type.as_str(),
                sf.field_type.as_str()
            ),
        );
    }
    if let Some(u) = &sf.unit_of_measure
        && f.unit_of_measure.as_ref() != Some(u)
    {
        say(
            "/unitOfMeasure",
            format!(
                "unit {}; the standard's is `{u}`",
                f.unit_of_measure
                    .as_deref()
                    .map(|x| format!("`{x}`"))
                    .unwrap_or_else(|| "not given".into())
            ),
        );
    }
    let (c, sc) = (&f.constraints, &sf.constraints);
    let at_c = "/constraints";
    if sc.required == Some(true) && c.required != Some(true) {
        say(at_c, "may be null; the standard requires a value".into());
    }
    if sc.unique == Some(true) && c.unique != Some(true) {
        say(at_c, "drops the standard's `unique`".into());
    }
    for (key, mine, theirs, lower) in [
        ("minimum", lower_bound(c), lower_bound(sc), true),
        ("maximum", upper_bound(c), upper_bound(sc), false),
    ] {
        if let Some(message) = bound(key, mine, theirs, lower) {
            say(&format!("{at_c}/{key}"), message);
        }
    }
    if let Some(p) = &sc.pattern {
        match &c.pattern {
            None => say(at_c, format!("drops the standard's pattern `{p}`")),
            Some(q) if q != p => say(
                &format!("{at_c}/pattern"),
                format!("pattern `{q}`; the standard's is `{p}`"),
            ),
            _ => {}
        }
    }
    if let Some(codes) = &sc.enum_values {
        match &c.enum_values {
            None => say(
                at_c,
                format!("drops the standard's code list ({})", list(codes)),
            ),
            Some(mine) => {
                if let Some(m) = codes_differ(mine, codes) {
                    say(&format!("{at_c}/enum"), m);
                }
            }
        }
    }
}

/// The lower bound of constraints, inclusive or not.
fn lower_bound(c: &Constraints) -> Option<&Scalar> {
    c.minimum.as_ref().or(c.exclusive_minimum.as_ref())
}

fn upper_bound(c: &Constraints) -> Option<&Scalar> {
    c.maximum.as_ref().or(c.exclusive_maximum.as_ref())
}

/// A wider or dropped bound, as a message.
fn bound(key: &str, mine: Option<&Scalar>, theirs: Option<&Scalar>, lower: bool) -> Option<String> {
    let theirs = theirs?;
    match mine {
        None => Some(format!("drops the standard's {key} {theirs}")),
        Some(m) => {
            let wider = if lower {
                scalar_gt(theirs, m)
            } else {
                scalar_gt(m, theirs)
            };
            wider.then(|| format!("wider range: {key} {m}; the standard's is {theirs}"))
        }
    }
}

fn list(values: &[Scalar]) -> String {
    values
        .iter()
        .map(|v| format!("`{}`", v.plain()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Codes added to or taken from the standard's list.
fn codes_differ(mine: &[Scalar], theirs: &[Scalar]) -> Option<String> {
    let added: Vec<Scalar> = mine
        .iter()
        .filter(|v| !theirs.iter().any(|t| scalar_eq(t, v)))
        .cloned()
        .collect();
    let removed: Vec<Scalar> = theirs
        .iter()
        .filter(|t| !mine.iter().any(|v| scalar_eq(t, v)))
        .cloned()
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!(
            "allows codes the standard does not: {}",
            list(&added)
        ));
    }
    if !removed.is_empty() {
        parts.push(format!("removes codes of the standard: {}", list(&removed)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn keys(out: &mut Vec<Deviation>, at: &str, name: &str, s: &TableSchema, ss: &TableSchema) {
    let cols = |k: &crate::manifest::KeyColumns| -> Vec<String> {
        k.columns().iter().map(|c| c.to_string()).collect()
    };
    if let Some(pk) = &ss.primary_key {
        let want = cols(pk);
        match &s.primary_key {
            None => out.push(Deviation {
                pointer: at.to_string(),
                message: format!(
                    "`{name}`: drops the standard's primary key ({})",
                    want.join(", ")
                ),
            }),
            Some(k) if cols(k) != want => out.push(Deviation {
                pointer: format!("{at}/primaryKey"),
                message: format!(
                    "`{name}`: primary key ({}); the standard's is ({})",
                    cols(k).join(", "),
                    want.join(", ")
                ),
            }),
            _ => {}
        }
    }
    for uk in &ss.unique_keys {
        if !s.unique_keys.iter().any(|k| cols(k) == cols(uk)) {
            out.push(Deviation {
                pointer: at.to_string(),
                message: format!(
                    "`{name}`: drops the standard's unique key ({})",
                    cols(uk).join(", ")
                ),
            });
        }
    }
    for fk in &ss.foreign_keys {
        if !s.foreign_keys.contains(fk) {
            out.push(Deviation {
                pointer: at.to_string(),
                message: format!(
                    "`{name}`: drops the standard's foreign key ({}) → {}({})",
                    cols(&fk.fields).join(", "),
                    fk.reference.resource.as_deref().unwrap_or(name),
                    cols(&fk.reference.fields).join(", ")
                ),
            });
        }
    }
}

/// `range` on `kurtosis`, `expression` `zone-d-needs-high-velocity`.
fn describe(c: &Check) -> String {
    let cols = c.kind.columns();
    let mut s = format!("`{}`", c.kind.name());
    if let Some(n) = &c.name {
        s.push_str(&format!(" `{n}`"));
    } else if !cols.is_empty() {
        s.push_str(&format!(" on `{}`", cols.join("`, `")));
    }
    s
}

/// The manifest's check that stands for the standard's `sc`: same kind and columns, and the same
/// name when the standard names it (else the first unused one).
fn matching_check(checks: &[Check], used: &[bool], sc: &Check) -> Option<usize> {
    let same = |c: &Check| c.kind.name() == sc.kind.name() && c.kind.columns() == sc.kind.columns();
    let free = |k: &usize| !used[*k];
    (0..checks.len())
        .filter(free)
        .find(|&k| same(&checks[k]) && sc.name.is_some() && checks[k].name == sc.name)
        .or_else(|| {
            (0..checks.len())
                .filter(free)
                .find(|&k| same(&checks[k]) && (sc.name.is_none() || checks[k].name.is_none()))
        })
        .or_else(|| {
            // A renamed check with the same parameters is the same check.
            (0..checks.len())
                .filter(free)
                .find(|&k| checks[k].kind == sc.kind)
        })
}

fn check(out: &mut Vec<Deviation>, at: &str, c: &Check, sc: &Check) {
    let what = describe(sc);
    let mut say = |key: &str, message: String| {
        out.push(Deviation {
            pointer: format!("{at}{key}"),
            message: format!("check {what}: {message}"),
        })
    };
    if sc.severity == Severity::Error && c.severity == Severity::Warn {
        say("/severity", "a warning; the standard's is an error".into());
    }
    let (mostly, theirs) = (c.mostly.unwrap_or(1.0), sc.mostly.unwrap_or(1.0));
    if mostly < theirs {
        say(
            "/mostly",
            format!("mostly {mostly}; the standard's is {theirs}"),
        );
    }
    match (&c.kind, &sc.kind) {
        (CheckKind::Range(r), CheckKind::Range(sr)) => {
            for (key, mine, theirs, lower) in [
                ("min", r.min.as_ref(), sr.min.as_ref(), true),
                ("max", r.max.as_ref(), sr.max.as_ref(), false),
            ] {
                if let Some(message) = bound(key, mine, theirs, lower) {
                    say(&format!("/{key}"), message);
                }
            }
        }
        (CheckKind::InSet(s), CheckKind::InSet(ss)) => {
            if let Some(m) = codes_differ(&s.values, &ss.values) {
                say("/values", m);
            }
        }
        (mine, theirs) if mine != theirs => {
            let json = serde_json::to_string(theirs).unwrap_or_default();
            say("", format!("parameters differ from the standard's {json}"));
        }
        _ => {}
    }
}
