//! The schema layer of the linter: JSON Schema violations mapped from their JSON Pointer to the
//! line and column of the offending key or value, with "did you mean" from the schema's own
//! property names.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use super::{Diagnostic, DiagnosticSeverity, sort};
use crate::source::{Pos, SourceDocument, escape_pointer_token};

fn manifest_schema() -> &'static (Value, jsonschema::Validator) {
    static SCHEMA: OnceLock<(Value, jsonschema::Validator)> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = crate::schema::manifest_schema();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&schema)
            .expect("the generated manifest schema compiles (checked by tests)");
        (schema, validator)
    })
}

pub(crate) fn schema_diagnostics(path: &Path, doc: &SourceDocument) -> Vec<Diagnostic> {
    let (schema, validator) = manifest_schema();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for err in validator.iter_errors(&doc.value) {
        schema_error(path, doc, schema, &err, &mut |d: Diagnostic| {
            if seen.insert((d.line, d.column, d.message.clone())) {
                out.push(d);
            }
        });
    }
    sort(&mut out);
    out
}

/// Turns one JSON Schema error into located diagnostics. `anyOf`/`oneOf` failures are replaced
/// by the errors of the branch the author evidently meant (the one whose type matches), so a
/// typo inside an optional object reads as the typo, not as "not valid under any schema".
fn schema_error(
    path: &Path,
    doc: &SourceDocument,
    schema: &Value,
    err: &jsonschema::ValidationError<'_>,
    emit: &mut dyn FnMut(Diagnostic),
) {
    use jsonschema::error::ValidationErrorKind as K;
    let pointer = err.instance_path().to_string();
    let instance = doc.value.pointer(&pointer).unwrap_or(&Value::Null);
    let mut push = |pos: Pos, message: String, hint: Option<String>| {
        let mut d = Diagnostic::new(path, pos, DiagnosticSeverity::Error, "schema");
        d.message = message;
        d.hint = hint;
        emit(d);
    };
    match err.kind() {
        K::AnyOf { context } | K::OneOfNotValid { context } => {
            let type_mismatch_here = |errs: &Vec<jsonschema::ValidationError<'static>>| {
                errs.iter().any(|e| {
                    e.instance_path().to_string() == pointer
                        && matches!(e.kind(), K::Type { .. } | K::Constant { .. })
                })
            };
            let meant = context
                .iter()
                .filter(|errs| !errs.is_empty() && !type_mismatch_here(errs))
                .min_by_key(|errs| errs.len());
            match meant {
                Some(errs) => {
                    for e in errs {
                        schema_error(path, doc, schema, e, &mut *emit);
                    }
                }
                None if context
                    .iter()
                    .flatten()
                    .all(|e| matches!(e.kind(), K::Constant { .. })) =>
                {
                    // A documented enum (`oneOf` of `const`s): report it like `enum`.
                    let allowed: Vec<String> = context
                        .iter()
                        .flatten()
                        .filter_map(|e| match e.kind() {
                            K::Constant { expected_value } => {
                                expected_value.as_str().map(str::to_string)
                            }
                            _ => None,
                        })
                        .collect();
                    let hint = instance
                        .as_str()
                        .and_then(|s| {
                            alias(s)
                                .filter(|a| allowed.iter().any(|x| x == a))
                                .or_else(|| did_you_mean(s, allowed.iter().map(String::as_str)))
                        })
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| format!("expected one of: {}", allowed.join(", ")));
                    push(
                        doc.pos(&pointer),
                        format!(
                            "invalid value {} for `{}`",
                            render(instance),
                            key_name(&pointer)
                        ),
                        Some(hint),
                    );
                }
                None => {
                    let mut types: Vec<String> = context
                        .iter()
                        .flatten()
                        .filter_map(|e| match e.kind() {
                            K::Type { kind } => Some(type_names(kind)),
                            _ => None,
                        })
                        .filter(|t| t != "null")
                        .collect();
                    types.dedup();
                    let expected = if types.is_empty() {
                        "a different value".to_string()
                    } else {
                        types
                            .iter()
                            .map(|t| article(t))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    };
                    let key = key_name(&pointer);
                    let hint = yaml_trap(key, instance, &types);
                    push(
                        doc.pos(&pointer),
                        format!("`{key}` must be {expected}, found {}", json_kind(instance)),
                        hint,
                    );
                }
            }
        }
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            let known = known_keys(schema, &doc.value, &pointer);
            for key in unexpected {
                let child = format!("{pointer}/{}", escape_pointer_token(key));
                // A key with a space, or with no value, is the rest of a text cut at a comma
                // inside `{…}` (no manifest key has a space).
                let spilled =
                    key.contains(' ') || doc.value.pointer(&child).is_some_and(Value::is_null);
                let comma = spilled.then(|| {
                    "inside `{…}` a comma ends a value, so text with a comma spilled into a key: quote the text (`description: \"…, …\"`)".to_string()
                });
                let hint = comma
                    .or_else(|| {
                        did_you_mean(key, known.iter().map(String::as_str)).map(|s| {
                            format!(
                                "did you mean `{s}`? (keys starting `x-` are free for extensions)"
                            )
                        })
                    })
                    .or_else(|| {
                        (!known.is_empty()).then(|| {
                            format!(
                                "allowed here: {}; keys starting `x-` are free for extensions",
                                known.join(", ")
                            )
                        })
                    });
                push(doc.key_pos(&child), format!("unknown key `{key}`"), hint);
            }
        }
        K::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            push(
                doc.pos(&pointer),
                format!("missing required key `{name}`{}", describe_owner(&pointer)),
                None,
            );
        }
        K::Enum { options } => {
            let allowed: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let what = if pointer.ends_with("/check") {
                "unknown check kind"
            } else {
                "invalid value"
            };
            let hint = instance
                .as_str()
                .and_then(|s| did_you_mean(s, allowed.iter().copied()))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some(format!("expected one of: {}", allowed.join(", "))));
            push(
                doc.pos(&pointer),
                format!("{what} {} for `{}`", render(instance), key_name(&pointer)),
                hint,
            );
        }
        K::Type { kind } => {
            let key = key_name(&pointer);
            let hint = yaml_trap(key, instance, &[type_names(kind)]);
            push(
                doc.pos(&pointer),
                format!(
                    "`{key}` must be {}, found {}",
                    article(&type_names(kind)),
                    json_kind(instance)
                ),
                hint,
            );
        }
        K::Pattern { pattern } => {
            let hint = match key_name(&pointer) {
                "field" => Some("field codes look like `IF-C341`; see `assay fields`".into()),
                "name" => Some(
                    "use lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit"
                        .into(),
                ),
                "digest" => Some(
                    "write `sha256:` and 64 lowercase hex digits, as in the upstream's dataset.lock"
                        .into(),
                ),
                _ => None,
            };
            push(
                doc.pos(&pointer),
                format!(
                    "{} for `{}` does not match `{pattern}`",
                    render(instance),
                    key_name(&pointer)
                ),
                hint,
            );
        }
        _ => {
            push(
                doc.pos(&pointer),
                format!("`{}`: {err}", key_name(&pointer)),
                None,
            );
        }
    }
}

fn type_names(kind: &jsonschema::error::TypeKind) -> String {
    match kind {
        jsonschema::error::TypeKind::Single(t) => t.to_string(),
        jsonschema::error::TypeKind::Multiple(ts) => ts
            .into_iter()
            .map(|t| t.to_string())
            .filter(|t| t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn describe_owner(pointer: &str) -> String {
    if pointer.is_empty() {
        " at the top level".into()
    } else {
        format!(
            " in `{}`",
            pointer.trim_start_matches('/').replace('/', ".")
        )
    }
}

fn key_name(pointer: &str) -> &str {
    let last = pointer.rsplit('/').next().unwrap_or("");
    if last.is_empty() { "(top level)" } else { last }
}

fn render(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn article(t: &str) -> String {
    let t = match t {
        "object" => "mapping",
        "array" => "list",
        other => other,
    };
    if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {t}")
    } else {
        format!("a {t}")
    }
}

/// The closest candidate by edit distance, when close enough to be a plausible typo.
/// The YAML traps behind a type error: `yes` is text in YAML 1.2 (not a boolean), and `1.0`
/// is a number (not a version).
fn yaml_trap(key: &str, instance: &Value, expected: &[String]) -> Option<String> {
    let wants = |t: &str| expected.iter().any(|e| e.split(" or ").any(|x| x == t));
    match instance {
        Value::String(t)
            if wants("boolean")
                && matches!(
                    t.to_ascii_lowercase().as_str(),
                    "yes" | "no" | "y" | "n" | "on" | "off"
                ) =>
        {
            Some(format!(
                "YAML 1.2 reads `{t}` as text: write `true` or `false`"
            ))
        }
        Value::Number(n) if wants("string") => Some(if key == "version" {
            format!(
                "a bare {n} is a number (1.10 would read as 1.1): quote a semantic version, `version: \"{n}.0\"`"
            )
        } else {
            format!("quote it to keep it as text: `{key}: \"{n}\"`")
        }),
        _ => None,
    }
}

/// What people coming from pandas, SQL or Python usually mean by a name the manifest does not
/// know. Checked before the edit distance, which would take `float` for `float16`.
fn alias(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "float" | "double" | "real" | "f64" | "float8" => "float64",
        "single" | "f32" | "float4" => "float32",
        "int" | "integer64" | "bigint" | "long" | "i64" => "int64",
        "smallint" | "short" | "i16" => "int16",
        "tinyint" | "i8" => "int8",
        "i32" => "int32",
        "str" | "text" | "varchar" | "char" | "utf8" | "object" => "string",
        "large_utf8" | "largeutf8" | "large_str" => "large_string",
        "datetime" | "datetime64" | "timestamptz" => "timestamp",
        "boolean" | "bit" => "bool",
        _ => return None,
    })
}

pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| {
            (
                strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d > 0 && *d <= (c.len().max(3) / 3).max(1))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// The property names the schema allows on the object at `pointer` of `instance`, found by
/// walking the schema along the instance path.
fn known_keys(schema: &Value, instance: &Value, pointer: &str) -> Vec<String> {
    let mut node = schema;
    let mut inst = instance;
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    for token in &tokens {
        node = resolve_object_schema(schema, node, inst);
        inst = match inst {
            Value::Object(m) => m.get(token).unwrap_or(&Value::Null),
            Value::Array(a) => token
                .parse::<usize>()
                .ok()
                .and_then(|i| a.get(i))
                .unwrap_or(&Value::Null),
            _ => &Value::Null,
        };
        node = if let Some(p) = node.get("properties").and_then(|p| p.get(token.as_str())) {
            p
        } else if let Some(items) = node.get("items") {
            items
        } else {
            return Vec::new();
        };
    }
    let node = resolve_object_schema(schema, node, inst);
    node.get("properties")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Follows `$ref`, picks the object or array branch of `anyOf`/`oneOf`, and for checks the
/// `then` branch whose `if` names the instance's kind.
fn resolve_object_schema<'a>(root: &'a Value, mut node: &'a Value, inst: &Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
                Some(target) => {
                    node = target;
                    continue;
                }
                None => return node,
            }
        }
        if let Some(branches) = node
            .get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(Value::as_array)
        {
            let want = if inst.is_array() { "array" } else { "object" };
            if let Some(b) = branches.iter().find(|b| {
                b.get("type").and_then(Value::as_str) == Some(want) || b.get("$ref").is_some()
            }) {
                node = b;
                continue;
            }
        }
        if let (Some(all), Some(kind)) = (
            node.get("allOf").and_then(Value::as_array),
            inst.get("check").and_then(Value::as_str),
        ) && let Some(then) = all
            .iter()
            .find(|b| {
                b.pointer("/if/properties/check/const")
                    .and_then(Value::as_str)
                    == Some(kind)
            })
            .and_then(|b| b.get("then"))
        {
            return then;
        }
        return node;
    }
    node
}
