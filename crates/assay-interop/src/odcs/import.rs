//! A contract → a manifest document, with `x-odcs` for what does not map.
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::parts::*;
use super::rules::*;
use super::*;
use crate::frictionless::Note;

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

pub(super) fn others_note(notes: &mut Vec<Note>, key: &str) {
    note(
        notes,
        "/customProperties".into(),
        format!("custom property `assay:{key}` is not one this version writes; ignored"),
    );
}

/// One schema object as a resource (`None` when it has no properties: not a table), and what
/// stays in `x-odcs` for it.
pub(super) fn table_to_resource(
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
