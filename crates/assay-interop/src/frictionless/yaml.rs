//! A manifest as YAML text, with the import notes as comments.

use super::*;

/// A `dataset.yaml` text for `manifest`, with `notes` as leading `#` comment lines so whoever
/// reviews an import sees what to check. Values that YAML could misread (numbers-as-text,
/// `yes`/`no`, `null`, text with `:` or `#` …) are double-quoted.
pub fn to_yaml(manifest: &Manifest, notes: &[Note]) -> String {
    let value = serde_json::to_value(manifest).expect("a manifest always serializes to JSON");
    document_to_yaml(&value, notes)
}

/// As [`to_yaml`], for a manifest document given as JSON (which may hold `x-` keys).
pub fn document_to_yaml(document: &Value, notes: &[Note]) -> String {
    let mut out = String::new();
    if !notes.is_empty() {
        out.push_str(&format!(
            "# {} note(s) from the conversion; review them, then delete these lines:\n",
            notes.len()
        ));
        for n in notes {
            out.push_str("# ");
            out.push_str(&n.to_string().replace(['\r', '\n'], " "));
            out.push('\n');
        }
    }
    if let Value::Object(map) = document {
        yaml_map(&mut out, map, 0, false);
    }
    out
}

pub(crate) fn yaml_map(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    first_inline: bool,
) {
    for (i, (key, value)) in map.iter().enumerate() {
        if !(i == 0 && first_inline) {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&yaml_scalar_text(key));
        out.push(':');
        yaml_after_key(out, value, indent);
    }
}

pub(crate) fn yaml_after_key(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            yaml_map(out, m, indent + 2, false);
        }
        Value::Array(a) if !yaml_flow(value) => {
            out.push('\n');
            yaml_seq(out, a, indent + 2);
        }
        other => {
            out.push(' ');
            out.push_str(&yaml_inline(other));
            out.push('\n');
        }
    }
}

pub(crate) fn yaml_seq(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                out.push(' ');
                yaml_map(out, m, indent + 2, true);
            }
            Value::Array(a) if !yaml_flow(item) => {
                out.push('\n');
                yaml_seq(out, a, indent + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&yaml_inline(other));
                out.push('\n');
            }
        }
    }
}

/// Lists of scalars (and empty containers) are written on one line: `[a, b]`.
pub(crate) fn yaml_flow(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.iter().all(|x| !x.is_array() && !x.is_object()),
        Value::Object(m) => m.is_empty(),
        _ => true,
    }
}

pub(crate) fn yaml_inline(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => yaml_scalar_text(s),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(yaml_inline).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(_) => "{}".into(),
    }
}

/// Text as a plain YAML scalar when that is unambiguous, else double-quoted (JSON escapes are
/// valid YAML escapes).
pub(crate) fn yaml_scalar_text(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && !s.contains("  ")
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _.-/@".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string always serializes to JSON")
    }
}
