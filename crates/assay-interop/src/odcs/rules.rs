//! Quality rules ↔ checks.
use serde_json::{Map, Value, json};

use super::*;

/// The SQL of an `expression` check in a quality rule: the failing rows counted.
pub(super) const SQL_PREFIX: &str = "SELECT COUNT(*) FROM {object} WHERE NOT (";

/// A quality rule that maps to a check, or `None` (the rule stays in `x-odcs`).
pub(super) fn rule_to_check(rule: &Map<String, Value>, column: Option<&str>) -> Option<Value> {
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
pub(super) fn finish_check(
    rule: &Map<String, Value>,
    mut check: Map<String, Value>,
) -> Option<Value> {
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
pub(super) fn check_to_rule(check: &Value) -> Option<(Option<String>, Value)> {
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
