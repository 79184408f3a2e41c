//! A manifest → a contract, with what an import kept merged back.
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use assay_model::Manifest;

use super::parts::*;
use super::rules::*;
use super::*;
use crate::frictionless::Note;

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
