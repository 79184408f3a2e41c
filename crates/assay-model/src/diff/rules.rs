//! The rules of [`super::diff`]: dataset keys, resources, columns, constraints, keys, checks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{Class, Differ, less, num, show};
use crate::manifest::{Field, FieldType, Manifest, Resource};

/// Dataset-level keys.
pub(super) fn dataset(d: &mut Differ, old: &Manifest, new: &Manifest) {
    let o = serde_json::to_value(old).unwrap_or_default();
    let n = serde_json::to_value(new).unwrap_or_default();
    if old.name != new.name {
        d.push(
            Class::Breaking,
            "dataset-renamed",
            "name",
            format!("dataset `{}` renamed `{}`", old.name, new.name),
        );
    }
    if old.field != new.field {
        d.push(
            Class::Breaking,
            "field-changed",
            "field",
            format!("industrial field {} → {}", old.field, new.field),
        );
    }
    if o["licenses"] != n["licenses"] {
        d.push(
            Class::Breaking,
            "license-changed",
            "licenses",
            format!(
                "licences {} → {}",
                show(&o["licenses"]),
                show(&n["licenses"])
            ),
        );
    }
    if new.sensitivity > old.sensitivity {
        d.push(
            Class::Breaking,
            "sensitivity-raised",
            "sensitivity",
            format!(
                "sensitivity {} → {}: fewer people may use the data",
                old.sensitivity.as_str(),
                new.sensitivity.as_str()
            ),
        );
    } else if new.sensitivity < old.sensitivity {
        d.push(
            Class::Compatible,
            "sensitivity-lowered",
            "sensitivity",
            format!(
                "sensitivity {} → {}",
                old.sensitivity.as_str(),
                new.sensitivity.as_str()
            ),
        );
    }
    for key in [
        "title",
        "titleZh",
        "description",
        "descriptionZh",
        "keywords",
        "owner",
        "steward",
        "temporal",
        "spatial",
        "homepage",
        "sources",
        "standards",
        "scenario",
        "lineage",
        "conformsTo",
    ] {
        if o.get(key) != n.get(key) {
            d.push(
                Class::Informational,
                "metadata-changed",
                key,
                format!("`{key}` changed"),
            );
        }
    }
    if old.version != new.version {
        d.push(
            Class::Informational,
            "version-changed",
            "version",
            format!("version {} → {}", old.version, new.version),
        );
    }
}

/// How strict a `fieldsMatch` is: higher is stricter.
fn fields_match_rank(v: &Value) -> u8 {
    match v.as_str().unwrap_or("exact") {
        "exact" => 3,
        "equal" => 2,
        "subset" | "superset" => 1,
        _ => 0,
    }
}

pub(super) fn resource(d: &mut Differ, old: &Resource, new: &Resource) {
    let at = &old.name;
    if old.path != new.path {
        d.push(
            Class::Informational,
            "path-changed",
            at,
            format!(
                "path {} → {}",
                old.path.patterns().join(", "),
                new.path.patterns().join(", ")
            ),
        );
    }
    if old.title != new.title || old.description != new.description {
        d.push(
            Class::Informational,
            "description-changed",
            at,
            "title or description changed".into(),
        );
    }
    if !old.optional && new.optional {
        d.push(
            Class::Breaking,
            "made-optional",
            at,
            "the resource may now have no files".into(),
        );
    }
    let os = serde_json::to_value(&old.schema).unwrap_or_default();
    let ns = serde_json::to_value(&new.schema).unwrap_or_default();
    let (fo, fn_) = (
        fields_match_rank(&os["fieldsMatch"]),
        fields_match_rank(&ns["fieldsMatch"]),
    );
    if fn_ > fo {
        d.push(
            Class::Breaking,
            "fields-match-tightened",
            at,
            format!(
                "fieldsMatch {} → {}",
                show(&os["fieldsMatch"]),
                show(&ns["fieldsMatch"])
            ),
        );
    } else if fn_ < fo {
        d.push(
            Class::Compatible,
            "fields-match-loosened",
            at,
            format!(
                "fieldsMatch {} → {}",
                show(&os["fieldsMatch"]),
                show(&ns["fieldsMatch"])
            ),
        );
    }
    columns(d, old, new);
    keys(d, at, &os, &ns);
    checks(d, old, new);
}

fn columns(d: &mut Differ, old: &Resource, new: &Resource) {
    let oldf = &old.schema.fields;
    let newf = &new.schema.fields;
    let new_names: BTreeSet<&str> = newf.iter().map(|f| f.name.as_str()).collect();
    let old_names: BTreeSet<&str> = oldf.iter().map(|f| f.name.as_str()).collect();
    let added: Vec<(usize, &Field)> = newf
        .iter()
        .enumerate()
        .filter(|(_, f)| !old_names.contains(f.name.as_str()))
        .collect();
    let mut renamed_to: BTreeSet<&str> = BTreeSet::new();
    for (i, f) in oldf.iter().enumerate() {
        let at = format!("{}.{}", old.name, f.name);
        match newf.iter().find(|n| n.name == f.name) {
            Some(n) => column(d, &at, f, n),
            None => {
                // Removed, or renamed: a new column of the same type in the same place.
                let twin = added
                    .iter()
                    .find(|(j, n)| *j == i && n.field_type == f.field_type)
                    .map(|(_, n)| n);
                match twin {
                    Some(n) => {
                        renamed_to.insert(n.name.as_str());
                        d.push(
                            Class::Breaking,
                            "column-renamed",
                            &at,
                            format!("column `{}` renamed `{}`", f.name, n.name),
                        );
                    }
                    None => d.push(
                        Class::Breaking,
                        "column-removed",
                        &at,
                        format!("column `{}` removed", f.name),
                    ),
                }
            }
        }
    }
    for (_, n) in added {
        if renamed_to.contains(n.name.as_str()) || old_names.contains(n.name.as_str()) {
            continue;
        }
        let _ = &new_names;
        d.push(
            Class::Compatible,
            "column-added",
            &format!("{}.{}", new.name, n.name),
            format!("column `{}` added", n.name),
        );
    }
}

/// Widths within a family of types: a bigger number holds every value of a smaller one.
fn width(t: FieldType) -> Option<(u8, u8)> {
    use FieldType::*;
    Some(match t {
        Int8 => (0, 8),
        Int16 => (0, 16),
        Int32 => (0, 32),
        Int64 | Integer => (0, 64),
        Uint8 => (1, 8),
        Uint16 => (1, 16),
        Uint32 => (1, 32),
        Uint64 => (1, 64),
        Float16 => (2, 16),
        Float32 => (2, 32),
        Float64 | Number => (2, 64),
        String => (3, 32),
        LargeString => (3, 64),
        _ => return None,
    })
}

fn column(d: &mut Differ, at: &str, o: &Field, n: &Field) {
    let name = &o.name;
    if o.field_type != n.field_type {
        let (class, rule) = match (width(o.field_type), width(n.field_type)) {
            (Some((fa, wa)), Some((fb, wb))) if fa == fb && wb > wa => {
                (Class::Compatible, "type-widened")
            }
            (Some((fa, wa)), Some((fb, wb))) if fa == fb && wb < wa => {
                (Class::Breaking, "type-narrowed")
            }
            _ => (Class::Breaking, "type-changed"),
        };
        d.push(
            class,
            rule,
            at,
            format!(
                "column `{name}` {} → {}",
                o.field_type.as_str(),
                n.field_type.as_str()
            ),
        );
    } else if o.field_type == FieldType::Decimal && (o.precision, o.scale) != (n.precision, n.scale)
    {
        let (p0, s0) = (o.precision.unwrap_or(38), o.scale.unwrap_or(0));
        let (p1, s1) = (n.precision.unwrap_or(38), n.scale.unwrap_or(0));
        let (class, rule) = if p1 >= p0 && s1 >= s0 && (p1 - s1 as u8) >= (p0 - s0 as u8) {
            (Class::Compatible, "type-widened")
        } else {
            (Class::Breaking, "type-narrowed")
        };
        d.push(
            class,
            rule,
            at,
            format!("column `{name}` decimal({p0},{s0}) → decimal({p1},{s1})"),
        );
    }
    if (o.unit, &o.timezone) != (n.unit, &n.timezone) {
        d.push(
            Class::Breaking,
            "type-changed",
            at,
            format!(
                "column `{name}` time unit or zone {}{} → {}{}",
                o.unit.map(|u| u.as_str()).unwrap_or("-"),
                o.timezone
                    .as_deref()
                    .map(|z| format!(" {z}"))
                    .unwrap_or_default(),
                n.unit.map(|u| u.as_str()).unwrap_or("-"),
                n.timezone
                    .as_deref()
                    .map(|z| format!(" {z}"))
                    .unwrap_or_default()
            ),
        );
    }
    if o.unit_of_measure != n.unit_of_measure {
        d.push(
            Class::Breaking,
            "unit-changed",
            at,
            format!(
                "column `{name}` unit of measure {} → {}",
                o.unit_of_measure.as_deref().unwrap_or("none"),
                n.unit_of_measure.as_deref().unwrap_or("none")
            ),
        );
    }
    if o.title != n.title || o.description != n.description {
        d.push(
            Class::Informational,
            "description-changed",
            at,
            format!("column `{name}` title or description changed"),
        );
    }
    if (o.classification, o.personal) != (n.classification, n.personal) {
        d.push(
            Class::Informational,
            "classification-changed",
            at,
            format!("column `{name}` classification changed"),
        );
    }
    let oc = serde_json::to_value(&o.constraints).unwrap_or_default();
    let nc = serde_json::to_value(&n.constraints).unwrap_or_default();
    constraints(d, at, name, &oc, &nc);
}

/// A flag constraint (`required`, `unique`): set is breaking, cleared compatible.
fn flag(d: &mut Differ, at: &str, o: &Value, n: &Value, key: &str, rules: [&'static str; 2]) {
    let (a, b) = (o[key] == Value::Bool(true), n[key] == Value::Bool(true));
    if !a && b {
        d.push(Class::Breaking, rules[0], at, format!("`{key}` added"));
    } else if a && !b {
        d.push(Class::Compatible, rules[1], at, format!("`{key}` removed"));
    }
}

/// Which way a bound narrows.
#[derive(Clone, Copy)]
enum Side {
    /// `minimum`, `min`, `minLength`: raised (or added) narrows.
    Lower,
    /// `maximum`, `max`, `maxLength`: lowered (or added) narrows.
    Upper,
}

/// A bound at `key`: narrowed is breaking (`rules[0]`), widened compatible (`rules[1]`).
fn bound(
    d: &mut Differ,
    at: &str,
    o: &Value,
    n: &Value,
    key: &str,
    side: Side,
    rules: [&'static str; 2],
) {
    let (a, b) = (&o[key], &n[key]);
    if a == b {
        return;
    }
    let narrowed = match (a.is_null(), b.is_null()) {
        (true, false) => true,
        (false, true) => false,
        _ => match side {
            Side::Lower => less(a, b),
            Side::Upper => less(b, a),
        }
        .unwrap_or(true),
    };
    let (class, rule) = if narrowed {
        (Class::Breaking, rules[0])
    } else {
        (Class::Compatible, rules[1])
    };
    d.push(
        class,
        rule,
        at,
        format!("`{key}` {} → {}", show(a), show(b)),
    );
}

fn lower_bound(
    d: &mut Differ,
    at: &str,
    o: &Value,
    n: &Value,
    key: &str,
    rules: [&'static str; 2],
) {
    bound(d, at, o, n, key, Side::Lower, rules);
}

fn upper_bound(
    d: &mut Differ,
    at: &str,
    o: &Value,
    n: &Value,
    key: &str,
    rules: [&'static str; 2],
) {
    bound(d, at, o, n, key, Side::Upper, rules);
}

/// A set of allowed values at `key`: a value removed (or a set added) narrows, a value added
/// (or the set removed) widens. `forbidden` reverses it (`not_in_set`).
fn value_set(
    d: &mut Differ,
    at: &str,
    o: &Value,
    n: &Value,
    key: &str,
    forbidden: bool,
    rules: [&'static str; 2],
) {
    let (a, b) = (&o[key], &n[key]);
    if a == b {
        return;
    }
    let set = |v: &Value| -> Option<BTreeSet<String>> {
        v.as_array().map(|a| a.iter().map(show).collect())
    };
    let (sa, sb) = (set(a), set(b));
    let (removed, added): (Vec<String>, Vec<String>) = match (&sa, &sb) {
        (Some(x), Some(y)) => (
            x.difference(y).cloned().collect(),
            y.difference(x).cloned().collect(),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let narrowed = match (&sa, &sb) {
        (None, Some(_)) => !forbidden,
        (Some(_), None) => forbidden,
        _ if forbidden => !added.is_empty(),
        _ => !removed.is_empty(),
    };
    let mut parts = Vec::new();
    if !removed.is_empty() {
        parts.push(format!("removed {}", removed.join(", ")));
    }
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    if parts.is_empty() {
        parts.push(format!("{} → {}", show(a), show(b)));
    }
    let (class, rule) = if narrowed {
        (Class::Breaking, rules[0])
    } else {
        (Class::Compatible, rules[1])
    };
    d.push(class, rule, at, format!("`{key}`: {}", parts.join("; ")));
}

fn constraints(d: &mut Differ, at: &str, _name: &str, o: &Value, n: &Value) {
    flag(
        d,
        at,
        o,
        n,
        "required",
        ["required-added", "required-removed"],
    );
    flag(d, at, o, n, "unique", ["unique-added", "unique-removed"]);
    for key in ["minimum", "exclusiveMinimum"] {
        lower_bound(d, at, o, n, key, ["range-narrowed", "range-widened"]);
    }
    for key in ["maximum", "exclusiveMaximum"] {
        upper_bound(d, at, o, n, key, ["range-narrowed", "range-widened"]);
    }
    lower_bound(
        d,
        at,
        o,
        n,
        "minLength",
        ["length-narrowed", "length-widened"],
    );
    upper_bound(
        d,
        at,
        o,
        n,
        "maxLength",
        ["length-narrowed", "length-widened"],
    );
    value_set(d, at, o, n, "enum", false, ["codes-removed", "codes-added"]);
    if o["pattern"] != n["pattern"] {
        let (class, rule) = if n["pattern"].is_null() {
            (Class::Compatible, "pattern-removed")
        } else {
            (Class::Breaking, "pattern-changed")
        };
        d.push(
            class,
            rule,
            at,
            format!(
                "`pattern` {} → {}",
                show(&o["pattern"]),
                show(&n["pattern"])
            ),
        );
    }
}

fn key_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().map(show).collect(),
        _ => Vec::new(),
    }
}

fn keys(d: &mut Differ, at: &str, o: &Value, n: &Value) {
    if o["primaryKey"] != n["primaryKey"] {
        let (a, b) = (key_list(&o["primaryKey"]), key_list(&n["primaryKey"]));
        let (class, rule) = if b.is_empty() {
            (Class::Compatible, "primary-key-removed")
        } else {
            (Class::Breaking, "primary-key-changed")
        };
        d.push(
            class,
            rule,
            at,
            format!("primary key ({}) → ({})", a.join(", "), b.join(", ")),
        );
    }
    let list = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .map(|a| a.iter().map(|x| x.to_string()).collect())
            .unwrap_or_default()
    };
    for (key, added_rule, removed_rule) in [
        ("uniqueKeys", "unique-key-added", "unique-key-removed"),
        ("foreignKeys", "foreign-key-added", "foreign-key-removed"),
    ] {
        let (a, b) = (list(&o[key]), list(&n[key]));
        for k in b.difference(&a) {
            d.push(Class::Breaking, added_rule, at, format!("{key}: {k} added"));
        }
        for k in a.difference(&b) {
            d.push(
                Class::Compatible,
                removed_rule,
                at,
                format!("{key}: {k} removed"),
            );
        }
    }
}

fn checks(d: &mut Differ, old: &Resource, new: &Resource) {
    let by_name = |r: &Resource| -> BTreeMap<String, Value> {
        r.checks
            .iter()
            .map(|c| {
                (
                    c.display_name(),
                    serde_json::to_value(c).unwrap_or_default(),
                )
            })
            .collect()
    };
    let (o, n) = (by_name(old), by_name(new));
    for (name, oc) in &o {
        let at = format!("{}.{name}", old.name);
        match n.get(name) {
            None => d.push(
                Class::Compatible,
                "check-removed",
                &at,
                format!("check `{name}` removed"),
            ),
            Some(nc) => check(d, &at, oc, nc),
        }
    }
    for name in n.keys().filter(|k| !o.contains_key(*k)) {
        d.push(
            Class::Breaking,
            "check-added",
            &format!("{}.{name}", new.name),
            format!("check `{name}` added"),
        );
    }
}

fn check(d: &mut Differ, at: &str, o: &Value, n: &Value) {
    if o == n {
        return;
    }
    let empty = Map::new();
    let (om, nm) = (
        o.as_object().unwrap_or(&empty),
        n.as_object().unwrap_or(&empty),
    );
    let kind = show(&o["check"]);
    let keys: BTreeSet<&String> = om.keys().chain(nm.keys()).collect();
    let rules = ["check-tightened", "check-loosened"];
    for key in keys {
        let (a, b) = (&o[key.as_str()], &n[key.as_str()]);
        if a == b {
            continue;
        }
        match key.as_str() {
            "description" => d.push(
                Class::Informational,
                "description-changed",
                at,
                "check description changed".into(),
            ),
            "severity" => {
                let raised = show(b) == "error";
                d.push(
                    if raised {
                        Class::Breaking
                    } else {
                        Class::Compatible
                    },
                    if raised {
                        "severity-raised"
                    } else {
                        "severity-lowered"
                    },
                    at,
                    format!("severity {} → {}", show(a), show(b)),
                );
            }
            "mostly" => {
                // No `mostly` is 1: every row.
                let (x, y) = (num(a).unwrap_or(1.0), num(b).unwrap_or(1.0));
                d.push(
                    if y > x {
                        Class::Breaking
                    } else {
                        Class::Compatible
                    },
                    if y > x {
                        "mostly-raised"
                    } else {
                        "mostly-lowered"
                    },
                    at,
                    format!("mostly {} → {}", show(a), show(b)),
                );
            }
            "min" | "minLength" => lower_bound(d, at, o, n, key, rules),
            "max" | "maxLength" => upper_bound(d, at, o, n, key, rules),
            "values" => value_set(d, at, o, n, key, kind == "not_in_set", rules),
            "maxAge" => {
                let secs = |v: &Value| {
                    v.as_str()
                        .and_then(|s| crate::check::IsoDuration::parse(s).ok())
                        .map(|d| d.seconds)
                };
                let tightened = match (secs(a), secs(b)) {
                    (Some(x), Some(y)) => y < x,
                    _ => true,
                };
                d.push(
                    if tightened {
                        Class::Breaking
                    } else {
                        Class::Compatible
                    },
                    if tightened { rules[0] } else { rules[1] },
                    at,
                    format!("maxAge {} → {}", show(a), show(b)),
                );
            }
            "strict" => {
                let tightened = b == &Value::Bool(true);
                d.push(
                    if tightened {
                        Class::Breaking
                    } else {
                        Class::Compatible
                    },
                    if tightened { rules[0] } else { rules[1] },
                    at,
                    format!("strict {} → {}", show(a), show(b)),
                );
            }
            "dimension" => d.push(
                Class::Informational,
                "dimension-changed",
                at,
                format!("dimension {} → {}", show(a), show(b)),
            ),
            _ => d.push(
                Class::Breaking,
                "check-changed",
                at,
                format!("`{key}` {} → {}", show(a), show(b)),
            ),
        }
    }
}
