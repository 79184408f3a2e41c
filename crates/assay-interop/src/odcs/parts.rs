//! The parts mapped only when an export gives them back unchanged: the team (owner and
//! steward), SLA latencies (freshness checks), licences (authoritative definitions).
use serde_json::{Map, Value, json};

/// A party (owner, steward) as a team member tagged with its part.
pub(super) fn member(p: &Value, part: &str) -> Option<Value> {
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
pub(super) fn team_of(owner: Option<&Value>, steward: Option<&Value>) -> Option<Value> {
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
pub(super) fn parties_of(team: &Value) -> Option<(Option<Value>, Option<Value>)> {
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
pub(super) fn sla_of(check: &Value, table: &str) -> Option<Value> {
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
pub(super) fn freshness_of(sla: &Value) -> Option<(String, Value)> {
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
pub(super) fn license_definition(l: &Value) -> Option<Value> {
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
pub(super) fn license_of(d: &Value) -> Option<Value> {
    if d.get("type")? != "license" {
        return None;
    }
    let name = d.get("description")?.as_str()?;
    let url = d.get("url")?.as_str()?;
    [json!({"name": name}), json!({"name": name, "path": url})]
        .into_iter()
        .find(|candidate| license_definition(candidate).as_ref() == Some(d))
}
