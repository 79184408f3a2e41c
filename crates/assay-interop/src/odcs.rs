//! The Open Data Contract Standard (ODCS) v3.1: a contract to a manifest (`assay import`) and a
//! manifest to a contract (`assay export --to odcs`).
//!
//! What maps, both ways:
//!
//! | ODCS | manifest |
//! |---|---|
//! | `id`, `name` | `name` (a slug of `name`, else `id`), `title` |
//! | `version` | `version` |
//! | `description.purpose` | `description` |
//! | `tags` | `keywords` |
//! | `schema[]` (tables) | `resources[]`: `name`, `businessName` ↔ `title`, `description` |
//! | `servers[]` of type `local` named after a table | the resource's `path` |
//! | `properties[]` | `fields[]`: `name`, `businessName` ↔ `title`, `description`, `required`, `unique`, `classification`; the type from `physicalType` when it is an Assay type, else from `logicalType`; `logicalTypeOptions` `minimum`/`maximum`/`minLength`/`maxLength`/`pattern` ↔ constraints |
//! | `primaryKey`, `primaryKeyPosition` | `primaryKey` |
//! | property `quality` `nullValues` / `duplicateValues` / `invalidValues` (`validValues` or `pattern`), `mustBe: 0` (or `unit: percent` with `mustBeLessOrEqualTo`) | `not_null`, `unique`, `in_set`, `pattern` checks (with `mostly`), `severity`, `dimension`, `description` |
//! | table `quality` `rowCount` (`mustBeBetween`, `mustBeGreaterOrEqualTo`, `mustBeLessOrEqualTo`) | `row_count` |
//!
//! Everything else (servers of other kinds, team, support, SLAs, roles, pricing, custom
//! properties, authoritative definitions, SQL and custom quality rules, …) is kept verbatim
//! under the manifest key `x-odcs`, with a note for each, and written back on export: an
//! import → export → import is a fixed point.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use assay_model::Manifest;

use crate::frictionless::Note;

/// The ODCS version written.
pub const API_VERSION: &str = "v3.1.0";

/// A contract imported: the manifest (as JSON, `x-odcs` included) and the notes.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The manifest document, ready to write as YAML; it deserializes as a [`Manifest`]
    /// (`x-odcs` aside).
    pub document: Value,
    /// What did not map, and where it went.
    pub notes: Vec<Note>,
}

fn note(notes: &mut Vec<Note>, pointer: String, message: impl Into<String>) {
    notes.push(Note {
        pointer,
        message: message.into(),
    });
}

/// `customProperties` split into Assay's own (`assay:<key>` → value), which an export wrote,
/// and the others, which stay.
fn split_custom(v: Option<&Value>) -> (Vec<(String, Value)>, Vec<Value>) {
    let mut ours = Vec::new();
    let mut others = Vec::new();
    for item in v.and_then(Value::as_array).into_iter().flatten() {
        match (
            item.get("property").and_then(Value::as_str),
            item.get("value"),
            item.as_object().map(|o| o.len()),
        ) {
            (Some(p), Some(value), Some(2)) if p.starts_with("assay:") => {
                ours.push((p["assay:".len()..].to_string(), value.clone()));
            }
            _ => others.push(item.clone()),
        }
    }
    (ours, others)
}

/// A dataset or resource name from free text: lowercase, `[a-z0-9._-]`, starting alphanumeric.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    match out.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() => out,
        Some(_) | None => format!("d{out}"),
    }
}

/// The Assay type of an ODCS property.
fn field_type(physical: Option<&str>, logical: Option<&str>) -> &'static str {
    const ASSAY: &[&str] = &[
        "bool",
        "boolean",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "decimal",
        "string",
        "large_string",
        "binary",
        "date",
        "time",
        "timestamp",
        "duration",
        "list",
        "struct",
        "integer",
        "number",
        "datetime",
        "array",
        "object",
        "any",
    ];
    if let Some(p) = physical
        && let Some(t) = ASSAY.iter().find(|t| **t == p)
    {
        return t;
    }
    match logical.unwrap_or("") {
        "string" => "string",
        "date" => "date",
        "timestamp" => "timestamp",
        "time" => "time",
        "number" => "number",
        "integer" => "integer",
        "boolean" => "bool",
        "array" => "list",
        "object" => "struct",
        _ => "any",
    }
}

/// The ODCS logical type of an Assay type.
fn logical_type(t: &str) -> &'static str {
    match t {
        "bool" | "boolean" => "boolean",
        "int8" | "int16" | "int32" | "int64" | "uint8" | "uint16" | "uint32" | "uint64"
        | "integer" => "integer",
        "float16" | "float32" | "float64" | "decimal" | "number" => "number",
        "date" => "date",
        "time" => "time",
        "timestamp" | "datetime" => "timestamp",
        "list" | "array" => "array",
        "struct" | "object" => "object",
        _ => "string",
    }
}

const DIMENSIONS: &[(&str, &str)] = &[
    ("accuracy", "accuracy"),
    ("completeness", "completeness"),
    ("conformity", "normativeness"),
    ("consistency", "consistency"),
    ("timeliness", "timeliness"),
];

/// The SQL of an `expression` check in a quality rule: the failing rows counted.
const SQL_PREFIX: &str = "SELECT COUNT(*) FROM {object} WHERE NOT (";

/// A quality rule that maps to a check, or `None` (the rule stays in `x-odcs`).
fn rule_to_check(rule: &Map<String, Value>, column: Option<&str>) -> Option<Value> {
    const KNOWN: &[&str] = &[
        "type",
        "metric",
        "arguments",
        "mustBe",
        "mustBeLessOrEqualTo",
        "mustBeGreaterOrEqualTo",
        "mustBeBetween",
        "unit",
        "severity",
        "dimension",
        "description",
        "name",
        "query",
    ];
    if rule.keys().any(|k| !KNOWN.contains(&k.as_str())) {
        return None;
    }
    let mut check = Map::new();
    // A table's SQL rule that counts the rows failing a row predicate is an `expression`.
    if rule.get("type").is_some_and(|t| t == "sql") {
        let query = rule.get("query")?.as_str()?;
        let predicate = query
            .strip_prefix(SQL_PREFIX)?
            .strip_suffix(')')
            .filter(|p| !p.trim().is_empty())?;
        if column.is_some()
            || rule.get("mustBe")?.as_f64() != Some(0.0)
            || rule.keys().any(|k| {
                !matches!(
                    k.as_str(),
                    "type" | "query" | "mustBe" | "severity" | "dimension" | "description" | "name"
                )
            })
        {
            return None;
        }
        check.insert("check".into(), "expression".into());
        check.insert("sql".into(), predicate.into());
        return finish_check(rule, check);
    }
    if rule.get("type").is_some_and(|t| t != "library") || rule.contains_key("query") {
        return None;
    }
    let metric = rule.get("metric")?.as_str()?;
    let percent = rule.get("unit").and_then(Value::as_str) == Some("percent");
    if rule
        .get("unit")
        .is_some_and(|u| u != "percent" && u != "rows")
    {
        return None;
    }
    // Row-level metrics: zero failing rows, or at most a share (`mostly`).
    let zero_or_share = |check: &mut Map<String, Value>| -> Option<()> {
        match (rule.get("mustBe"), rule.get("mustBeLessOrEqualTo")) {
            (Some(v), None) if v.as_f64() == Some(0.0) => Some(()),
            (None, Some(v)) if percent => {
                let share = v.as_f64()?;
                if !(0.0..100.0).contains(&share) {
                    return None;
                }
                let mostly = ((100.0 - share) / 100.0 * 1e9).round() / 1e9;
                check.insert("mostly".into(), json!(mostly));
                Some(())
            }
            _ => None,
        }
    };
    match (metric, column) {
        ("nullValues", Some(c)) | ("missingValues", Some(c)) => {
            // `missingValues` counting nulls only is `nullValues`.
            let only_nulls = rule
                .get("arguments")
                .is_some_and(|a| a == &json!({"missingValues": [null]}));
            if metric == "nullValues" && rule.contains_key("arguments")
                || metric == "missingValues" && !only_nulls
            {
                return None;
            }
            check.insert("check".into(), "not_null".into());
            check.insert("column".into(), c.into());
            zero_or_share(&mut check)?;
        }
        ("duplicateValues", Some(c)) => {
            if rule.contains_key("arguments") || rule.contains_key("mustBeLessOrEqualTo") {
                return None;
            }
            check.insert("check".into(), "unique".into());
            check.insert("column".into(), c.into());
            zero_or_share(&mut check)?;
        }
        ("invalidValues", Some(c)) => {
            let args = rule.get("arguments")?.as_object()?;
            match (args.get("validValues"), args.get("pattern"), args.len()) {
                (Some(v), None, 1) if v.as_array().is_some_and(|a| !a.is_empty()) => {
                    check.insert("check".into(), "in_set".into());
                    check.insert("column".into(), c.into());
                    check.insert("values".into(), v.clone());
                }
                (None, Some(Value::String(p)), 1) => {
                    check.insert("check".into(), "pattern".into());
                    check.insert("column".into(), c.into());
                    check.insert("pattern".into(), p.clone().into());
                }
                _ => return None,
            }
            zero_or_share(&mut check)?;
        }
        ("rowCount", None) => {
            if rule.contains_key("arguments") || percent {
                return None;
            }
            check.insert("check".into(), "row_count".into());
            let whole = |v: &Value| v.as_u64().map(Value::from);
            match (
                rule.get("mustBeBetween"),
                rule.get("mustBeGreaterOrEqualTo"),
                rule.get("mustBeLessOrEqualTo"),
                rule.get("mustBe"),
            ) {
                (Some(Value::Array(b)), None, None, None) if b.len() == 2 => {
                    check.insert("min".into(), whole(&b[0])?);
                    check.insert("max".into(), whole(&b[1])?);
                }
                (None, Some(lo), None, None) => {
                    check.insert("min".into(), whole(lo)?);
                }
                (None, None, Some(hi), None) => {
                    check.insert("max".into(), whole(hi)?);
                }
                (None, None, None, Some(n)) => {
                    check.insert("min".into(), whole(n)?);
                    check.insert("max".into(), whole(n)?);
                }
                _ => return None,
            }
        }
        _ => return None,
    }
    finish_check(rule, check)
}

/// The severity, dimension, description and name of a quality rule, on its check.
fn finish_check(rule: &Map<String, Value>, mut check: Map<String, Value>) -> Option<Value> {
    match rule.get("severity").and_then(Value::as_str) {
        None | Some("error") => {}
        Some("warning") => {
            check.insert("severity".into(), "warn".into());
        }
        Some(_) => return None,
    }
    if let Some(d) = rule.get("dimension") {
        let (_, ours) = DIMENSIONS.iter().find(|(o, _)| Some(*o) == d.as_str())?;
        check.insert("dimension".into(), (*ours).into());
    }
    if let Some(d) = rule.get("description") {
        check.insert("description".into(), d.as_str()?.into());
    }
    if let Some(n) = rule.get("name") {
        check.insert("name".into(), n.as_str()?.into());
    }
    Some(Value::Object(check))
}

/// The quality rule of a check, when ODCS has one (the inverse of [`rule_to_check`]).
fn check_to_rule(check: &Value) -> Option<(Option<String>, Value)> {
    let c = check.as_object()?;
    let kind = c.get("check")?.as_str()?;
    const KNOWN: &[&str] = &[
        "check",
        "column",
        "values",
        "pattern",
        "min",
        "max",
        "mostly",
        "severity",
        "dimension",
        "description",
        "name",
        "sql",
    ];
    if c.keys().any(|k| !KNOWN.contains(&k.as_str())) {
        return None;
    }
    if c.get("severity")
        .is_some_and(|s| s != "warn" && s != "error")
    {
        return None;
    }
    let column = c.get("column").and_then(Value::as_str).map(str::to_string);
    let mut rule = Map::new();
    rule.insert("type".into(), "library".into());
    let share = |rule: &mut Map<String, Value>| match c.get("mostly").and_then(Value::as_f64) {
        Some(m) => {
            rule.insert("unit".into(), "percent".into());
            let share = ((1.0 - m) * 100.0 * 1e9).round() / 1e9;
            rule.insert("mustBeLessOrEqualTo".into(), json!(share));
        }
        None => {
            rule.insert("mustBe".into(), json!(0));
        }
    };
    match kind {
        "not_null" => {
            rule.insert("metric".into(), "nullValues".into());
            share(&mut rule);
        }
        "unique" => {
            if c.contains_key("mostly") {
                return None;
            }
            rule.insert("metric".into(), "duplicateValues".into());
            share(&mut rule);
        }
        "in_set" => {
            rule.insert("metric".into(), "invalidValues".into());
            rule.insert("arguments".into(), json!({"validValues": c.get("values")?}));
            share(&mut rule);
        }
        "pattern" => {
            rule.insert("metric".into(), "invalidValues".into());
            rule.insert("arguments".into(), json!({"pattern": c.get("pattern")?}));
            share(&mut rule);
        }
        "expression" => {
            if c.contains_key("mostly") {
                return None;
            }
            rule.insert("type".into(), "sql".into());
            rule.insert(
                "query".into(),
                format!("{SQL_PREFIX}{})", c.get("sql")?.as_str()?).into(),
            );
            rule.insert("mustBe".into(), json!(0));
        }
        "row_count" => {
            rule.insert("metric".into(), "rowCount".into());
            match (c.get("min"), c.get("max")) {
                (Some(a), Some(b)) if a == b => {
                    rule.insert("mustBe".into(), a.clone());
                }
                (Some(a), Some(b)) => {
                    rule.insert("mustBeBetween".into(), json!([a, b]));
                }
                (Some(a), None) => {
                    rule.insert("mustBeGreaterOrEqualTo".into(), a.clone());
                }
                (None, Some(b)) => {
                    rule.insert("mustBeLessOrEqualTo".into(), b.clone());
                }
                (None, None) => return None,
            }
        }
        _ => return None,
    }
    if c.get("severity").and_then(Value::as_str) == Some("warn") {
        rule.insert("severity".into(), "warning".into());
    }
    if let Some(d) = c.get("dimension").and_then(Value::as_str) {
        let (theirs, _) = DIMENSIONS.iter().find(|(_, o)| *o == d)?;
        rule.insert("dimension".into(), (*theirs).into());
    }
    if let Some(d) = c.get("description") {
        rule.insert("description".into(), d.clone());
    }
    if let Some(n) = c.get("name") {
        rule.insert("name".into(), n.clone());
    }
    Some((column, Value::Object(rule)))
}

/// A party (owner, steward) as a team member tagged with its part.
fn member(p: &Value, part: &str) -> Option<Value> {
    let o = p.as_object()?;
    if o.keys()
        .any(|k| !matches!(k.as_str(), "name" | "role" | "email" | "organization"))
    {
        return None;
    }
    let mut m = Map::new();
    m.insert(
        "username".into(),
        o.get("email")
            .or(o.get("name"))
            .cloned()
            .unwrap_or(part.into()),
    );
    if let Some(n) = o.get("name") {
        m.insert("name".into(), n.clone());
    }
    m.insert("role".into(), o.get("role").cloned().unwrap_or(part.into()));
    m.insert("tags".into(), json!([part]));
    Some(Value::Object(m))
}

/// The ODCS team of an owner and a steward: the owner's organization names the team, each is a
/// member tagged `owner` or `steward`. `None` when a party says more than a member can hold.
fn team_of(owner: Option<&Value>, steward: Option<&Value>) -> Option<Value> {
    if owner.is_none() && steward.is_none() {
        return None;
    }
    let org = owner.and_then(|o| o.get("organization")).cloned();
    if steward
        .and_then(|s| s.get("organization"))
        .is_some_and(|s| Some(s) != org.as_ref())
    {
        return None;
    }
    let mut t = Map::new();
    if let Some(org) = org {
        t.insert("name".into(), org);
    }
    let mut members = Vec::new();
    for (p, part) in [(owner, "owner"), (steward, "steward")] {
        if let Some(p) = p {
            let mut p = p.clone();
            if let Some(o) = p.as_object_mut() {
                o.remove("organization");
            }
            members.push(member(&p, part)?);
        }
    }
    t.insert("members".into(), Value::Array(members));
    Some(Value::Object(t))
}

/// Owner and steward read from a team that [`team_of`] would write.
fn parties_of(team: &Value) -> Option<(Option<Value>, Option<Value>)> {
    let org = team.get("name").cloned();
    let mut owner = None;
    let mut steward = None;
    for m in team.get("members")?.as_array()? {
        let part = m.get("tags")?.as_array()?.first()?.as_str()?;
        let mut p = Map::new();
        if let Some(n) = m.get("name") {
            p.insert("name".into(), n.clone());
        }
        let username = m.get("username")?.as_str()?;
        if username.contains('@') {
            p.insert("email".into(), username.into());
        }
        let role = m.get("role")?;
        if role != part {
            p.insert("role".into(), role.clone());
        }
        if let Some(org) = &org {
            p.insert("organization".into(), org.clone());
        }
        match part {
            "owner" if owner.is_none() => owner = Some(Value::Object(p)),
            "steward" if steward.is_none() => steward = Some(Value::Object(p)),
            _ => return None,
        }
    }
    // The steward's organization is the team's only when the owner's is.
    if let (Some(Value::Object(s)), Some(o)) = (&mut steward, &owner)
        && o.get("organization").is_some()
        && s.get("email").is_some()
    {
        s.remove("organization");
    }
    let back = team_of(owner.as_ref(), steward.as_ref())?;
    (&back == team).then_some((owner, steward))
}

/// A freshness check as an SLA latency on `table.column`, when it is only that.
fn sla_of(check: &Value, table: &str) -> Option<Value> {
    let o = check.as_object()?;
    if o.get("check")? != "freshness"
        || o.keys()
            .any(|k| !matches!(k.as_str(), "check" | "column" | "maxAge" | "severity"))
        || o.get("severity").is_some_and(|s| s != "error")
    {
        return None;
    }
    let seconds = assay_model::check::IsoDuration::parse(o.get("maxAge")?.as_str()?)
        .ok()?
        .seconds;
    let (value, unit) = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")]
        .iter()
        .find(|(n, _)| seconds % n == 0)
        .map(|(n, u)| (seconds / n, *u))?;
    Some(json!({
        "property": "latency",
        "value": value,
        "unit": unit,
        "element": format!("{table}.{}", o.get("column")?.as_str()?),
    }))
}

/// The freshness check of an SLA latency (the inverse of [`sla_of`]): its table, and the check.
fn freshness_of(sla: &Value) -> Option<(String, Value)> {
    if sla.get("property")? != "latency" {
        return None;
    }
    let (table, column) = sla.get("element")?.as_str()?.split_once('.')?;
    let n = sla.get("value")?.as_u64()?;
    let max_age = match sla.get("unit")?.as_str()? {
        "d" => format!("P{n}D"),
        "h" => format!("PT{n}H"),
        "m" => format!("PT{n}M"),
        "s" => format!("PT{n}S"),
        _ => return None,
    };
    let check = json!({"check": "freshness", "column": column, "maxAge": max_age});
    (sla_of(&check, table).as_ref() == Some(sla)).then(|| (table.to_string(), check))
}

/// A licence as an authoritative definition of type `license`: its page (`path`, or the SPDX
/// page of an SPDX identifier) and its identifier. `None` when it has a title, which the
/// definition has no place for.
fn license_definition(l: &Value) -> Option<Value> {
    let o = l.as_object()?;
    if o.keys().any(|k| !matches!(k.as_str(), "name" | "path")) {
        return None;
    }
    let name = o.get("name")?.as_str()?;
    let url = match o.get("path") {
        Some(p) => p.as_str()?.to_string(),
        None => crate::dcat::license_url(name),
    };
    url.contains("://")
        .then(|| json!({"type": "license", "url": url, "description": name}))
}

/// The licence of an authoritative definition that [`license_definition`] would write.
fn license_of(d: &Value) -> Option<Value> {
    if d.get("type")? != "license" {
        return None;
    }
    let name = d.get("description")?.as_str()?;
    let url = d.get("url")?.as_str()?;
    [json!({"name": name}), json!({"name": name, "path": url})]
        .into_iter()
        .find(|candidate| license_definition(candidate).as_ref() == Some(d))
}

/// Imports an ODCS contract (already parsed from YAML or JSON).
pub fn import(contract: &Value, field: &str) -> Result<Imported, String> {
    let top = contract
        .as_object()
        .ok_or("an ODCS contract is a mapping")?;
    if top.get("kind").and_then(Value::as_str) != Some("DataContract") {
        return Err("not an ODCS contract: `kind` is not `DataContract`".into());
    }
    let mut notes = Vec::new();
    let mut rest = Map::new();
    let mut m = Map::new();
    m.insert(
        "assay".into(),
        json!(assay_model::manifest::MANIFEST_FORMAT_VERSION),
    );
    let title = top.get("name").and_then(Value::as_str);
    let id = top.get("id").and_then(Value::as_str);
    let name = slug(title.or(id).unwrap_or("contract"));
    m.insert("name".into(), name.clone().into());
    if let Some(t) = title {
        m.insert("title".into(), t.into());
    }
    match top.get("version").and_then(Value::as_str) {
        Some(v) if semver::Version::parse(v).is_ok() => {
            m.insert("version".into(), v.into());
        }
        other => {
            m.insert("version".into(), "0.0.0".into());
            if let Some(v) = other {
                rest.insert("version".into(), v.into());
            }
            note(
                &mut notes,
                "/version".into(),
                "not a semantic version: the manifest says 0.0.0; the contract's version is kept in `x-odcs`",
            );
        }
    }
    m.insert("field".into(), field.into());
    if let Some(Value::Object(d)) = top.get("description") {
        let mut d = d.clone();
        if let Some(Value::String(p)) = d.remove("purpose") {
            m.insert("description".into(), p.into());
        }
        if !d.is_empty() {
            rest.insert("description".into(), Value::Object(d));
        }
    } else if let Some(d) = top.get("description") {
        rest.insert("description".into(), d.clone());
    }
    if let Some(Value::Array(tags)) = top.get("tags")
        && tags.iter().all(Value::is_string)
    {
        m.insert("keywords".into(), Value::Array(tags.clone()));
    } else if let Some(t) = top.get("tags") {
        rest.insert("tags".into(), t.clone());
    }
    m.insert("sensitivity".into(), "internal".into());
    // Local servers named after a table give its path; every other server stays.
    let tables: Vec<&str> = top
        .get("schema")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|o| o.get("name").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    let mut paths: BTreeMap<String, String> = BTreeMap::new();
    let mut servers_left = Vec::new();
    for s in top
        .get("servers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let o = s.as_object();
        let server = o.and_then(|o| o.get("server")).and_then(Value::as_str);
        let keys_ok = o.is_some_and(|o| {
            o.keys()
                .all(|k| matches!(k.as_str(), "server" | "type" | "path" | "format"))
        });
        match (server, s.get("type"), s.get("path"), s.get("format")) {
            (Some(n), Some(t), Some(Value::String(p)), Some(f))
                if keys_ok
                    && t == "local"
                    && f == "parquet"
                    && tables.contains(&n)
                    && !paths.contains_key(n) =>
            {
                paths.insert(n.to_string(), p.clone());
            }
            _ => servers_left.push(s.clone()),
        }
    }
    if !servers_left.is_empty() {
        note(
            &mut notes,
            "/servers".into(),
            format!(
                "{} server(s) other than local Parquet files kept in `x-odcs`; resource paths default to `data/<table>/*.parquet`",
                servers_left.len()
            ),
        );
        rest.insert("servers".into(), Value::Array(servers_left));
    }
    let mut resources = Vec::new();
    let mut table_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut schema_rest = Map::new();
    for (i, obj) in top
        .get("schema")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let p = format!("/schema/{i}");
        let Some(o) = obj.as_object() else {
            note(
                &mut notes,
                p,
                "a schema entry that is not a mapping is left out",
            );
            continue;
        };
        let Some(table) = o.get("name").and_then(Value::as_str) else {
            note(&mut notes, p, "a schema object without `name` is left out");
            continue;
        };
        let (resource, left) = table_to_resource(o, table, &paths, &p, &mut notes);
        if !left.is_empty() {
            schema_rest.insert(table.to_string(), Value::Object(left));
        }
        if let Some(r) = resource {
            table_index.insert(table.to_string(), resources.len());
            resources.push(r);
        }
    }
    if !schema_rest.is_empty() {
        rest.insert("schema".into(), Value::Object(schema_rest));
    }
    m.insert("resources".into(), Value::Array(resources));
    // A team an export wrote is the owner and steward; another stays as it is.
    if let Some(team) = top.get("team")
        && let Some((owner, steward)) = parties_of(team)
    {
        if let Some(o) = owner {
            m.insert("owner".into(), o);
        }
        if let Some(s) = steward {
            m.insert("steward".into(), s);
        }
    } else if let Some(team) = top.get("team") {
        note(&mut notes, "/team".into(), "`team` kept in `x-odcs`");
        rest.insert("team".into(), team.clone());
    }
    // SLA latencies on a table's column are freshness checks.
    let mut slas_left = Vec::new();
    for sla in top
        .get("slaProperties")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let placed = freshness_of(sla).and_then(|(table, check)| {
            let i = *table_index.get(&table)?;
            let r = m.get_mut("resources")?.get_mut(i)?;
            let column = check["column"].as_str()?;
            r["schema"]["fields"]
                .as_array()?
                .iter()
                .any(|f| f["name"] == column)
                .then_some(())?;
            match r.get_mut("checks") {
                Some(Value::Array(c)) => c.push(check),
                _ => {
                    r.as_object_mut()?.insert("checks".into(), json!([check]));
                }
            }
            Some(())
        });
        if placed.is_none() {
            slas_left.push(sla.clone());
        }
    }
    if !slas_left.is_empty() {
        note(
            &mut notes,
            "/slaProperties".into(),
            "SLA properties other than latencies of a column kept in `x-odcs`",
        );
        rest.insert("slaProperties".into(), Value::Array(slas_left));
    }
    // Authoritative definitions of type `license` are the licences.
    let mut definitions_left = Vec::new();
    let mut licenses = Vec::new();
    for d in top
        .get("authoritativeDefinitions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match license_of(d) {
            Some(l) => licenses.push(l),
            None => definitions_left.push(d.clone()),
        }
    }
    if !licenses.is_empty() {
        m.insert("licenses".into(), Value::Array(licenses));
    }
    if !definitions_left.is_empty() {
        note(
            &mut notes,
            "/authoritativeDefinitions".into(),
            "authoritative definitions other than licences kept in `x-odcs`",
        );
        rest.insert(
            "authoritativeDefinitions".into(),
            Value::Array(definitions_left),
        );
    }
    let (ours, others) = split_custom(top.get("customProperties"));
    for (k, v) in ours {
        match k.as_str() {
            "field" | "sensitivity" | "titleZh" | "descriptionZh" | "licenses" | "owner"
            | "steward" | "temporal" | "spatial" | "sources" | "lineage" => {
                m.insert(k, v);
            }
            _ => others_note(&mut notes, &k),
        }
    }
    if !others.is_empty() {
        note(
            &mut notes,
            "/customProperties".into(),
            "custom properties kept in `x-odcs`",
        );
        rest.insert("customProperties".into(), Value::Array(others));
    }
    for (k, v) in top {
        if matches!(
            k.as_str(),
            "apiVersion"
                | "kind"
                | "name"
                | "version"
                | "description"
                | "tags"
                | "servers"
                | "schema"
                | "customProperties"
                | "team"
                | "slaProperties"
                | "authoritativeDefinitions"
        ) {
            continue;
        }
        // `active` is what an export writes when nothing else was said.
        if k == "status" && v == "active" {
            continue;
        }
        // An id that is the dataset's name is what an export writes.
        if k == "id" && id == Some(name.as_str()) {
            continue;
        }
        note(
            &mut notes,
            format!("/{k}"),
            format!("`{k}` kept in `x-odcs`"),
        );
        rest.insert(k.clone(), v.clone());
    }
    if !rest.is_empty() {
        m.insert("x-odcs".into(), Value::Object(rest));
    }
    Ok(Imported {
        document: Value::Object(m),
        notes,
    })
}

fn others_note(notes: &mut Vec<Note>, key: &str) {
    note(
        notes,
        "/customProperties".into(),
        format!("custom property `assay:{key}` is not one this version writes; ignored"),
    );
}

/// One schema object as a resource (`None` when it has no properties: not a table), and what
/// stays in `x-odcs` for it.
fn table_to_resource(
    o: &Map<String, Value>,
    table: &str,
    paths: &BTreeMap<String, String>,
    p: &str,
    notes: &mut Vec<Note>,
) -> (Option<Value>, Map<String, Value>) {
    let mut left = Map::new();
    let Some(props) = o.get("properties").and_then(Value::as_array) else {
        note(
            notes,
            p.to_string(),
            format!("schema object `{table}` has no properties: kept in `x-odcs`, not a resource"),
        );
        left.insert("object".into(), Value::Object(o.clone()));
        return (None, left);
    };
    let mut r = Map::new();
    r.insert("name".into(), slug(table).into());
    if slug(table) != table {
        left.insert("name".into(), table.into());
    }
    if let Some(t) = o.get("businessName").and_then(Value::as_str) {
        r.insert("title".into(), t.into());
    }
    if let Some(d) = o.get("description").and_then(Value::as_str) {
        r.insert("description".into(), d.into());
    }
    r.insert(
        "path".into(),
        paths
            .get(table)
            .cloned()
            .unwrap_or_else(|| format!("data/{}/*.parquet", slug(table)))
            .into(),
    );
    let mut fields = Vec::new();
    let mut checks = Vec::new();
    let mut pk: Vec<(i64, String)> = Vec::new();
    let mut props_left = Map::new();
    for (j, prop) in props.iter().enumerate() {
        let pp = format!("{p}/properties/{j}");
        let Some(po) = prop.as_object() else { continue };
        let Some(name) = po.get("name").and_then(Value::as_str) else {
            note(notes, pp, "a property without `name` is left out");
            continue;
        };
        let mut f = Map::new();
        let mut pleft = Map::new();
        f.insert("name".into(), name.into());
        let physical = po.get("physicalType").and_then(Value::as_str);
        let logical = po.get("logicalType").and_then(Value::as_str);
        let t = field_type(physical, logical);
        f.insert("type".into(), t.into());
        if po.get("primaryKey") == Some(&Value::Bool(true)) {
            let pos = po
                .get("primaryKeyPosition")
                .and_then(Value::as_i64)
                .unwrap_or(i64::MAX);
            pk.push((pos, name.to_string()));
        }
        let mut constraints = Map::new();
        for (k, v) in po {
            match k.as_str() {
                "name" => {}
                // The primary key is the manifest's; positions that order it are derived.
                "primaryKey" if v == &Value::Bool(true) => {}
                "primaryKeyPosition"
                    if po.get("primaryKey") == Some(&Value::Bool(true))
                        && v.as_i64().is_some_and(|p| p > 0) => {}
                // What an export derives from the type is not kept.
                "physicalType" if v == t => {}
                "logicalType" if v == logical_type(t) => {}
                "customProperties" => {
                    let (ours, others) = split_custom(Some(v));
                    for (key, x) in ours {
                        match key.as_str() {
                            "constraints" => {
                                for (ck, cv) in x.as_object().into_iter().flatten() {
                                    constraints.insert(ck.clone(), cv.clone());
                                }
                            }
                            "unit" | "timezone" | "precision" | "scale" | "unitOfMeasure"
                            | "personal" => {
                                f.insert(key, x);
                            }
                            _ => others_note(notes, &key),
                        }
                    }
                    if !others.is_empty() {
                        pleft.insert(k.clone(), Value::Array(others));
                    }
                }
                "businessName" if v.is_string() => {
                    f.insert("title".into(), v.clone());
                }
                "description" if v.is_string() => {
                    f.insert("description".into(), v.clone());
                }
                "required" | "unique" if v == &Value::Bool(true) => {
                    constraints.insert(k.clone(), v.clone());
                }
                "classification"
                    if matches!(
                        v.as_str(),
                        Some("public" | "internal" | "confidential" | "restricted")
                    ) =>
                {
                    f.insert("classification".into(), v.clone());
                }
                "logicalTypeOptions"
                    if v.as_object().is_some_and(|o| {
                        o.iter().all(|(k, x)| match k.as_str() {
                            "minimum" | "maximum" => x.is_number(),
                            "minLength" | "maxLength" => x.is_u64(),
                            "pattern" => x.is_string(),
                            _ => false,
                        })
                    }) =>
                {
                    for (k, x) in v.as_object().into_iter().flatten() {
                        constraints.insert(k.clone(), x.clone());
                    }
                }
                "quality" if v.is_array() => {
                    let mut unmapped = Vec::new();
                    for rule in v.as_array().into_iter().flatten() {
                        match rule.as_object().and_then(|r| rule_to_check(r, Some(name))) {
                            Some(c) => checks.push(c),
                            None => unmapped.push(rule.clone()),
                        }
                    }
                    if !unmapped.is_empty() {
                        note(
                            notes,
                            format!("{pp}/quality"),
                            format!(
                                "{} quality rule(s) of `{name}` kept in `x-odcs`",
                                unmapped.len()
                            ),
                        );
                        pleft.insert("quality".into(), Value::Array(unmapped));
                    }
                }
                _ => {
                    pleft.insert(k.clone(), v.clone());
                }
            }
        }
        if !constraints.is_empty() {
            f.insert("constraints".into(), Value::Object(constraints));
        }
        if !pleft.is_empty() {
            props_left.insert(name.to_string(), Value::Object(pleft));
        }
        fields.push(Value::Object(f));
    }
    if !props_left.is_empty() {
        left.insert("properties".into(), Value::Object(props_left));
    }
    let mut schema = Map::new();
    schema.insert("fields".into(), Value::Array(fields));
    pk.sort();
    let mut extra_checks: Vec<Value> = Vec::new();
    let mut schema_keys = Map::new();
    if !pk.is_empty() {
        schema.insert(
            "primaryKey".into(),
            Value::Array(pk.into_iter().map(|(_, n)| n.into()).collect()),
        );
    }
    r.insert("schema".into(), Value::Object(schema));
    for (k, v) in o {
        match k.as_str() {
            "name" | "businessName" | "description" | "properties"
                if k != "description" || v.is_string() => {}
            "logicalType" if v == "object" => {}
            "physicalType" if v == "table" => {}
            "customProperties" => {
                let (ours, others) = split_custom(Some(v));
                for (key, x) in ours {
                    match key.as_str() {
                        "checks" => {
                            for c in x.as_array().into_iter().flatten() {
                                extra_checks.push(c.clone());
                            }
                        }
                        "fieldsMatch" | "uniqueKeys" | "foreignKeys" => {
                            schema_keys.insert(key, x);
                        }
                        _ => others_note(notes, &key),
                    }
                }
                if !others.is_empty() {
                    left.insert(k.clone(), Value::Array(others));
                }
            }
            "quality" if v.is_array() => {
                let mut unmapped = Vec::new();
                for rule in v.as_array().into_iter().flatten() {
                    match rule.as_object().and_then(|r| rule_to_check(r, None)) {
                        Some(c) => checks.push(c),
                        None => unmapped.push(rule.clone()),
                    }
                }
                if !unmapped.is_empty() {
                    note(
                        notes,
                        format!("{p}/quality"),
                        format!(
                            "{} quality rule(s) of `{table}` kept in `x-odcs`",
                            unmapped.len()
                        ),
                    );
                    left.insert("quality".into(), Value::Array(unmapped));
                }
            }
            _ => {
                left.insert(k.clone(), v.clone());
            }
        }
    }
    checks.extend(extra_checks);
    if let Some(Value::Object(s)) = r.get_mut("schema") {
        for (k, v) in schema_keys {
            s.insert(k, v);
        }
    }
    if !checks.is_empty() {
        r.insert("checks".into(), Value::Array(checks));
    }
    (Some(Value::Object(r)), left)
}

/// Exports a manifest as an ODCS v3.1 contract. `extras` is the manifest's `x-odcs` (what an
/// import kept), merged back.
pub fn export(manifest: &Manifest, extras: Option<&Value>) -> (Value, Vec<Note>) {
    let mut notes = Vec::new();
    let extras = extras
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mv = serde_json::to_value(manifest).unwrap_or_default();
    let mut c = Map::new();
    c.insert("apiVersion".into(), API_VERSION.into());
    c.insert("kind".into(), "DataContract".into());
    c.insert(
        "id".into(),
        extras
            .get("id")
            .cloned()
            .unwrap_or_else(|| manifest.name.clone().into()),
    );
    if let Some(t) = &manifest.title {
        c.insert("name".into(), t.clone().into());
    }
    c.insert(
        "version".into(),
        extras
            .get("version")
            .cloned()
            .unwrap_or_else(|| manifest.version.clone().into()),
    );
    c.insert(
        "status".into(),
        extras.get("status").cloned().unwrap_or("active".into()),
    );
    let mut description = extras
        .get("description")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(d) = &manifest.description {
        description.insert("purpose".into(), d.clone().into());
    }
    if !description.is_empty() {
        c.insert("description".into(), Value::Object(description));
    } else if let Some(d) = extras.get("description").filter(|d| !d.is_object()) {
        c.insert("description".into(), d.clone());
    }
    if !manifest.keywords.is_empty() {
        c.insert("tags".into(), json!(manifest.keywords));
    }
    let schema_extras = extras
        .get("schema")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut servers: Vec<Value> = Vec::new();
    let mut slas: Vec<Value> = Vec::new();
    let mut schema = Vec::new();
    let mut used_extras = std::collections::BTreeSet::new();
    for (ri, r) in manifest.resources.iter().enumerate() {
        let rv = &mv["resources"][ri];
        let table = schema_extras
            .iter()
            .find(|(k, v)| slug(k) == r.name && v.get("object").is_none())
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| r.name.clone());
        used_extras.insert(table.clone());
        let left = schema_extras
            .get(&table)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut o = Map::new();
        o.insert(
            "name".into(),
            left.get("name")
                .cloned()
                .unwrap_or_else(|| table.clone().into()),
        );
        if let Some(t) = &r.title {
            o.insert("businessName".into(), t.clone().into());
        }
        if let Some(d) = &r.description {
            o.insert("description".into(), d.clone().into());
        }
        let props_left = left
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let pk: Vec<String> = r
            .schema
            .primary_key
            .as_ref()
            .map(|k| k.columns().iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        let mut rules_by_column: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut table_rules = Vec::new();
        for (ci, check) in rv["checks"].as_array().into_iter().flatten().enumerate() {
            if let Some(sla) = sla_of(check, &table) {
                slas.push(sla);
                continue;
            }
            match check_to_rule(check) {
                Some((Some(col), rule)) => rules_by_column.entry(col).or_default().push(rule),
                Some((None, rule)) => table_rules.push(rule),
                None => note(
                    &mut notes,
                    format!("/resources/{ri}/checks/{ci}"),
                    format!(
                        "check `{}` has no ODCS quality metric: kept as the custom property `assay:checks`",
                        r.checks[ci].display_name()
                    ),
                ),
            }
        }
        let unmapped_checks: Vec<Value> = rv["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| check_to_rule(c).is_none() && sla_of(c, &table).is_none())
            .cloned()
            .collect();
        let mut props = Vec::new();
        for (fi, f) in r.schema.fields.iter().enumerate() {
            let fv = &rv["schema"]["fields"][fi];
            let mut p = Map::new();
            p.insert("name".into(), f.name.clone().into());
            let pl = props_left.get(&f.name).and_then(Value::as_object);
            let t = f.field_type.as_str();
            if pl.is_none_or(|l| !l.contains_key("logicalType")) {
                p.insert("logicalType".into(), logical_type(t).into());
            }
            if pl.is_none_or(|l| !l.contains_key("physicalType")) {
                p.insert("physicalType".into(), t.into());
            }
            if let Some(pos) = pk.iter().position(|k| *k == f.name)
                && pl.is_none_or(|l| !l.contains_key("primaryKey"))
            {
                p.insert("primaryKey".into(), true.into());
                p.insert("primaryKeyPosition".into(), json!(pos + 1));
            }
            if let Some(t) = &f.title {
                p.insert("businessName".into(), t.clone().into());
            }
            if let Some(d) = &f.description {
                p.insert("description".into(), d.clone().into());
            }
            let cons = &fv["constraints"];
            for k in ["required", "unique"] {
                if cons[k] == Value::Bool(true) {
                    p.insert(k.into(), true.into());
                }
            }
            if let Some(cl) = fv.get("classification") {
                p.insert("classification".into(), cl.clone());
            }
            let mut options = Map::new();
            for k in ["minimum", "maximum", "minLength", "maxLength", "pattern"] {
                if let Some(v) = cons.get(k) {
                    options.insert(k.into(), v.clone());
                }
            }
            if !options.is_empty() {
                p.insert("logicalTypeOptions".into(), Value::Object(options));
            }
            for k in ["enum", "exclusiveMinimum", "exclusiveMaximum"] {
                if cons.get(k).is_some() {
                    note(
                        &mut notes,
                        format!("/resources/{ri}/schema/fields/{fi}/constraints/{k}"),
                        format!(
                            "`{k}` of `{}` has no ODCS form here: kept as the custom property `assay:constraints`",
                            f.name
                        ),
                    );
                }
            }
            let extra_cons: Map<String, Value> = cons
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| {
                    matches!(k.as_str(), "enum" | "exclusiveMinimum" | "exclusiveMaximum")
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let mut quality: Vec<Value> = pl
                .and_then(|l| l.get("quality"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            quality.extend(rules_by_column.remove(&f.name).unwrap_or_default());
            if !quality.is_empty() {
                p.insert("quality".into(), Value::Array(quality));
            }
            for (k, v) in pl.into_iter().flatten() {
                if k != "quality" {
                    p.insert(k.clone(), v.clone());
                }
            }
            // What only Assay knows about the column, as custom properties.
            let mut custom: Vec<Value> = p
                .remove("customProperties")
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default();
            if !extra_cons.is_empty() {
                custom.push(json!({"property": "assay:constraints", "value": extra_cons}));
            }
            for k in [
                "unit",
                "timezone",
                "precision",
                "scale",
                "unitOfMeasure",
                "personal",
            ] {
                if let Some(v) = fv.get(k) {
                    custom.push(json!({"property": format!("assay:{k}"), "value": v}));
                }
            }
            if !custom.is_empty() {
                p.insert("customProperties".into(), Value::Array(custom));
            }
            props.push(Value::Object(p));
        }
        o.insert("logicalType".into(), "object".into());
        o.insert("physicalType".into(), "table".into());
        o.insert("properties".into(), Value::Array(props));
        let mut quality: Vec<Value> = left
            .get("quality")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        quality.extend(table_rules);
        // Checks on columns that are not declared fall back to the table.
        for (_, rules) in rules_by_column {
            quality.extend(rules);
        }
        if !quality.is_empty() {
            o.insert("quality".into(), Value::Array(quality));
        }
        for (k, v) in &left {
            if !matches!(k.as_str(), "name" | "properties" | "quality") {
                o.insert(k.clone(), v.clone());
            }
        }
        let mut custom: Vec<Value> = o
            .remove("customProperties")
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        if !unmapped_checks.is_empty() {
            custom.push(json!({"property": "assay:checks", "value": unmapped_checks}));
        }
        for k in ["fieldsMatch", "uniqueKeys", "foreignKeys"] {
            if let Some(v) = rv["schema"].get(k)
                && !(k == "fieldsMatch" && v == "exact")
                && v != &json!([])
            {
                custom.push(json!({"property": format!("assay:{k}"), "value": v}));
            }
        }
        if !custom.is_empty() {
            o.insert("customProperties".into(), Value::Array(custom));
        }
        schema.push(Value::Object(o));
        // The resource's files, when a single path says where they are.
        if let [path] = r.path.patterns().as_slice() {
            let generated = format!("data/{}/*.parquet", r.name);
            if *path != generated {
                servers.push(
                    json!({"server": table, "type": "local", "format": "parquet", "path": path}),
                );
            }
        }
    }
    // Schema objects an import kept whole (no properties).
    for (k, v) in &schema_extras {
        if !used_extras.contains(k)
            && let Some(obj) = v.get("object")
        {
            schema.push(obj.clone());
        }
    }
    if let Some(Value::Array(kept)) = extras.get("servers") {
        servers.extend(kept.iter().cloned());
    }
    if !servers.is_empty() {
        c.insert("servers".into(), Value::Array(servers));
    }
    // The SLA latencies of the freshness checks, then those an import kept.
    if let Some(Value::Array(kept)) = extras.get("slaProperties") {
        slas.extend(kept.iter().cloned());
    }
    if !slas.is_empty() {
        c.insert("slaProperties".into(), Value::Array(slas));
    }
    // The licences as authoritative definitions, then the definitions an import kept.
    let license_defs: Option<Vec<Value>> = mv
        .get("licenses")
        .and_then(Value::as_array)
        .map(|ls| ls.iter().map(license_definition).collect())
        .unwrap_or(Some(Vec::new()));
    let licenses_as_definitions = license_defs.is_some();
    let mut definitions = license_defs.unwrap_or_default();
    if let Some(Value::Array(kept)) = extras.get("authoritativeDefinitions") {
        definitions.extend(kept.iter().cloned());
    }
    if !definitions.is_empty() {
        c.insert("authoritativeDefinitions".into(), Value::Array(definitions));
    }
    // The owner and steward as the team, unless an import kept the contract's own.
    let team = extras
        .get("team")
        .cloned()
        .or_else(|| team_of(mv.get("owner"), mv.get("steward")));
    if let Some(t) = team {
        c.insert("team".into(), t);
    }
    if !schema.is_empty() {
        c.insert("schema".into(), Value::Array(schema));
    }
    for (k, v) in &extras {
        if !matches!(
            k.as_str(),
            "id" | "version"
                | "status"
                | "description"
                | "schema"
                | "servers"
                | "slaProperties"
                | "team"
                | "authoritativeDefinitions"
        ) {
            c.insert(k.clone(), v.clone());
        }
    }
    // What only Assay knows about the dataset, as custom properties.
    let mut custom: Vec<Value> = c
        .remove("customProperties")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    custom.push(json!({"property": "assay:field", "value": manifest.field}));
    custom.push(json!({"property": "assay:sensitivity", "value": manifest.sensitivity.as_str()}));
    let team_holds_parties =
        extras.get("team").is_none() && team_of(mv.get("owner"), mv.get("steward")).is_some();
    for k in [
        "titleZh",
        "descriptionZh",
        "licenses",
        "owner",
        "steward",
        "temporal",
        "spatial",
        "sources",
        "lineage",
    ] {
        if team_holds_parties && (k == "owner" || k == "steward")
            || licenses_as_definitions && k == "licenses"
        {
            continue;
        }
        if let Some(v) = mv.get(k)
            && !v.is_null()
            && v != &json!([])
        {
            custom.push(json!({"property": format!("assay:{k}"), "value": v}));
        }
    }
    c.insert("customProperties".into(), Value::Array(custom));
    (Value::Object(c), notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/odcs")
    }

    fn validator() -> jsonschema::Validator {
        let schema: Value = serde_json::from_str(
            &std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../schemas/odcs/odcs-json-schema-v3.1.0.json"),
            )
            .unwrap(),
        )
        .unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft201909)
            .build(&schema)
            .unwrap()
    }

    fn manifest_of(doc: &Value) -> Manifest {
        let mut v = doc.clone();
        v.as_object_mut().unwrap().remove("x-odcs");
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}: {doc:#}"))
    }

    fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
        v.iter_errors(doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    /// The standard's own examples: every contract that describes tables imports to a valid
    /// manifest, exports to a contract the official 3.1 schema accepts, and import → export →
    /// import is a fixed point.
    #[test]
    fn the_standard_examples_round_trip() {
        let v = validator();
        let mut tables = 0;
        let mut files: Vec<_> = std::fs::read_dir(shared().join("examples"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(f).unwrap();
            let contract = assay_model::source::parse(&bytes)
                .unwrap_or_else(|e| panic!("{name}: {}", e.message))
                .value;
            let first = import(&contract, "IF-C341").unwrap_or_else(|e| panic!("{name}: {e}"));
            if first.document["resources"]
                .as_array()
                .is_none_or(|r| r.is_empty())
            {
                continue;
            }
            tables += 1;
            let m = manifest_of(&first.document);
            let (exported, _) = export(&m, first.document.get("x-odcs"));
            let errs = errors(&v, &exported);
            assert!(errs.is_empty(), "{name}: {errs:#?}\n{exported:#}");
            let second = import(&exported, "IF-C341").unwrap();
            assert_eq!(
                first.document, second.document,
                "{name}: import → export → import is not a fixed point"
            );
        }
        // 12 of the 18 describe tables; the others hold roles, servers, stakeholders, an empty
        // schema or a Kafka topic without properties.
        assert_eq!(tables, 12, "table contracts");
    }

    /// A manifest with what ODCS has no word for (Assay types, units, enums, other checks)
    /// exports to a valid contract and imports back to the same manifest.
    #[test]
    fn an_assay_manifest_round_trips_through_odcs() {
        let yaml = r#"
assay: 1
name: plant-readings
title: Plant readings
titleZh: 工厂读数
version: 1.2.0
field: IF-C341
description: Sensor readings.
keywords: [boiler]
licenses: [{name: CC-BY-4.0}]
owner: {organization: Example Works, email: data@example.com}
sensitivity: confidential
resources:
  - name: readings
    title: Readings
    path: data/readings-*.parquet
    schema:
      fieldsMatch: equal
      fields:
        - {name: ts, type: timestamp, unit: us, timezone: UTC, constraints: {required: true}}
        - {name: machine_id, type: string, constraints: {required: true, pattern: "^M-[0-9]{4}$"}}
        - {name: value, type: float64, unitOfMeasure: Cel, constraints: {minimum: 0, maximum: 500}}
        - {name: status, type: string, constraints: {enum: [RUN, IDLE]}}
      primaryKey: [machine_id, ts]
    checks:
      - {check: not_null, column: value, mostly: 0.99}
      - {check: in_set, column: status, values: [RUN, IDLE], severity: warn}
      - {check: row_count, min: 10, max: 1000}
      - {check: freshness, column: ts, maxAge: P2D}
      - {check: expression, name: value-positive, sql: "value >= 0", description: No negative readings}
"#;
        let doc = assay_model::source::parse(yaml.as_bytes()).unwrap().value;
        let m: Manifest = serde_json::from_value(doc.clone()).unwrap();
        let (contract, notes) = export(&m, None);
        let errs = errors(&validator(), &contract);
        assert!(errs.is_empty(), "{errs:#?}\n{contract:#}");
        // The freshness check is the contract's SLA latency; the enum a custom property.
        assert_eq!(
            contract["slaProperties"],
            json!([{"property": "latency", "value": 2, "unit": "d", "element": "readings.ts"}])
        );
        assert_eq!(contract["team"]["members"][0]["tags"], json!(["owner"]));
        // The expression is the table's SQL rule.
        let sql = contract["schema"][0]["quality"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["type"] == "sql")
            .unwrap();
        assert_eq!(
            sql["query"],
            "SELECT COUNT(*) FROM {object} WHERE NOT (value >= 0)"
        );
        assert_eq!(sql["name"], "value-positive");
        // The licence is an authoritative definition.
        assert_eq!(
            contract["authoritativeDefinitions"],
            json!([{"type": "license", "url": "https://spdx.org/licenses/CC-BY-4.0.html", "description": "CC-BY-4.0"}])
        );
        assert!(
            notes.iter().any(|n| n.message.contains("`enum` of")),
            "{notes:?}"
        );
        let back = import(&contract, "IF-C999").unwrap();
        assert!(back.document.get("x-odcs").is_none(), "{:#}", back.document);
        // The same manifest; the checks may come back in another order (by where ODCS keeps
        // them: columns, the table, SLAs).
        let sorted = |mut m: Manifest| {
            for r in &mut m.resources {
                r.checks.sort_by_key(|c| c.display_name());
            }
            m
        };
        assert_eq!(sorted(manifest_of(&back.document)), sorted(m));
    }
}
