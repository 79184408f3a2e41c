//! The manifest linter: every problem of a manifest, not the first, each located at a line and
//! column of the file, with a hint for the fix.
//!
//! Three layers run in order; a layer runs only when the one before it found no error:
//!
//! 1. **syntax**: the file is UTF-8, parses as YAML (or JSON) under strict settings, is a mapping;
//! 2. **schema**: the document satisfies `schemas/manifest.schema.json` (unknown keys, types,
//!    required keys, enumerations, patterns), each violation mapped from its JSON Pointer to the
//!    line and column of the offending key or value;
//! 3. **semantics**: rules no JSON Schema can express — field code in the registry, names unique,
//!    columns that exist, constraint values that fit the column type, regular expressions that
//!    compile, semver, SPDX, paths that stay inside the dataset folder, globs that match.
//!
//! Every rule has a stable code (`unknown-column`, `path-escape`, …) shown in brackets; the
//! fixtures under `fixtures/manifests/` hold one failing manifest per rule.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::check::{Check, CheckKind, HistoryMetric, IsoDuration, Stat};
use crate::manifest::{
    Constraints, Field, FieldType, KeyColumns, Manifest, Resource, Scalar, TypeFamily,
};
use crate::paths::{self, PathProblem};
use crate::registry::FieldRegistry;
use crate::source::{self, Pos, SourceDocument, escape_pointer_token};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiagnosticSeverity {
    /// Does not fail the lint unless `--strict`.
    Warning,
    /// Fails the lint (exit 2).
    Error,
}

impl fmt::Display for DiagnosticSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiagnosticSeverity::Warning => "warning",
            DiagnosticSeverity::Error => "error",
        })
    }
}

/// One located problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The manifest file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// Error or warning.
    pub severity: DiagnosticSeverity,
    /// Stable rule code, e.g. `unknown-column`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    fn new(file: &Path, pos: Pos, severity: DiagnosticSeverity, code: &'static str) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: pos.line,
            column: pos.col,
            severity,
            code,
            message: String::new(),
            hint: None,
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == DiagnosticSeverity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file.display(),
            self.line,
            self.column,
            self.severity,
            self.code,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Linter settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct LintOptions {
    /// Treat warnings that concern data presence (globs matching nothing) as errors.
    pub strict: bool,
}

/// A manifest that parsed and satisfied the schema.
#[derive(Debug, Clone)]
pub struct LoadedManifest {
    /// The manifest file.
    pub path: PathBuf,
    /// The dataset folder (the manifest's parent).
    pub dir: PathBuf,
    /// The raw bytes' sha256, lowercase hex.
    pub sha256: String,
    /// The parsed document with locations.
    pub source: SourceDocument,
    /// The typed manifest.
    pub manifest: Manifest,
}

impl LoadedManifest {
    /// Position of the value at a JSON Pointer.
    pub fn pos(&self, pointer: &str) -> Pos {
        self.source.pos(pointer)
    }
}

/// The outcome of linting one manifest.
#[derive(Debug)]
pub struct LintResult {
    /// The manifest file.
    pub path: PathBuf,
    /// The manifest, when it parsed and satisfied the schema.
    pub loaded: Option<LoadedManifest>,
    /// Every problem, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl LintResult {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Finds manifests: files given directly, and every `dataset.yaml` / `dataset.json` under the
/// given folders (hidden folders and `target/` skipped). Sorted, each once.
pub fn find_manifests(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = BTreeSet::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_file() {
            out.insert(p.clone());
            continue;
        }
        let walk = walkdir::WalkDir::new(p)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || {
                    let n = e.file_name().to_string_lossy();
                    !n.starts_with('.') && n != "target" && n != "node_modules"
                }
            });
        for entry in walk {
            let entry = entry.map_err(|e| e.to_string())?;
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && crate::MANIFEST_FILE_NAMES.contains(&name.as_ref()) {
                out.insert(entry.into_path());
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// Lints several manifests and the rules that span them (dataset names unique).
pub fn lint_many(
    files: &[PathBuf],
    registry: &FieldRegistry,
    options: LintOptions,
) -> Vec<LintResult> {
    let mut results: Vec<LintResult> = files
        .iter()
        .map(|f| lint_file(f, registry, options))
        .collect();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for r in &mut results {
        let Some(loaded) = &r.loaded else { continue };
        let name = loaded.manifest.name.clone();
        if let Some(first) = seen.get(&name) {
            let mut d = Diagnostic::new(
                &r.path,
                loaded.pos("/name"),
                DiagnosticSeverity::Error,
                "duplicate-dataset",
            );
            d.message = format!(
                "dataset name `{name}` is already used by {}",
                first.display()
            );
            d.hint = Some("dataset names are unique within a catalog; rename one".into());
            r.diagnostics.push(d);
            sort(&mut r.diagnostics);
        } else {
            seen.insert(name, r.path.clone());
        }
    }
    results
}

/// Lints one manifest file.
pub fn lint_file(path: &Path, registry: &FieldRegistry, options: LintOptions) -> LintResult {
    let mut diags = Vec::new();
    let loaded = match load(path) {
        Ok(l) => Some(l),
        Err(d) => {
            diags = d;
            None
        }
    };
    if let Some(l) = &loaded {
        Semantics {
            loaded: l,
            registry,
            options,
            diags: &mut diags,
        }
        .run();
    }
    sort(&mut diags);
    LintResult {
        path: path.to_path_buf(),
        loaded,
        diagnostics: diags,
    }
}

fn sort(d: &mut [Diagnostic]) {
    d.sort_by(|a, b| {
        (a.line, a.column, a.code, &a.message).cmp(&(b.line, b.column, b.code, &b.message))
    });
}

/// Reads, parses and schema-checks a manifest: the first two lint layers. Semantic rules are not
/// applied; use [`lint_file`] for those.
pub fn load(path: &Path) -> Result<LoadedManifest, Vec<Diagnostic>> {
    let at_start = Pos { line: 1, col: 1 };
    let bytes = match read_limited(path) {
        Ok(b) => b,
        Err(message) => {
            let mut d = Diagnostic::new(path, at_start, DiagnosticSeverity::Error, "io");
            d.message = message;
            return Err(vec![d]);
        }
    };
    let source = source::parse(&bytes).map_err(|e| {
        let mut d = Diagnostic::new(path, e.pos, DiagnosticSeverity::Error, "syntax");
        d.message = e.message;
        d.hint = e.hint;
        vec![d]
    })?;
    let diags = schema_diagnostics(path, &source);
    if !diags.is_empty() {
        return Err(diags);
    }
    let manifest: Manifest =
        serde_json::from_value(strip_extensions(&source.value)).map_err(|e| {
            // The schema accepted the document, so this is a mismatch between the schema and the
            // types: a bug. Report it rather than panic.
            let mut d = Diagnostic::new(path, at_start, DiagnosticSeverity::Error, "internal");
            d.message = format!("manifest passed the schema but not the types: {e}");
            d.hint = Some("this is a bug in assay; please report it with the manifest".into());
            vec![d]
        })?;
    Ok(LoadedManifest {
        path: path.to_path_buf(),
        dir: path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf(),
        sha256: hex(&Sha256::digest(&bytes)),
        source,
        manifest,
    })
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read manifest: {e}"))?;
    let mut bytes = Vec::new();
    // Read one byte past the limit so the parser can say how large the file is without the
    // linter ever holding more than that in memory.
    let limit = source::MAX_MANIFEST_BYTES as u64 + 1;
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read manifest: {e}"))?;
    if bytes.len() as u64 == limit {
        let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(limit);
        return Err(format!(
            "manifest is {len} bytes; the limit is {} bytes (a manifest describes data, it does not hold it)",
            source::MAX_MANIFEST_BYTES
        ));
    }
    Ok(bytes)
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Removes `x-` extension keys (kept in the raw document) before typed deserialization.
fn strip_extensions(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with("x-"))
                .map(|(k, v)| (k.clone(), strip_extensions(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_extensions).collect()),
        other => other.clone(),
    }
}

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

fn schema_diagnostics(path: &Path, doc: &SourceDocument) -> Vec<Diagnostic> {
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
                        .and_then(|s| did_you_mean(s, allowed.iter().map(String::as_str)))
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
                    push(
                        doc.pos(&pointer),
                        format!(
                            "`{}` must be {expected}, found {}",
                            key_name(&pointer),
                            json_kind(instance)
                        ),
                        None,
                    );
                }
            }
        }
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            let known = known_keys(schema, &doc.value, &pointer);
            for key in unexpected {
                let child = format!("{pointer}/{}", escape_pointer_token(key));
                let hint = did_you_mean(key, known.iter().map(String::as_str))
                    .map(|s| {
                        format!("did you mean `{s}`? (keys starting `x-` are free for extensions)")
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
            push(
                doc.pos(&pointer),
                format!(
                    "`{}` must be {}, found {}",
                    key_name(&pointer),
                    article(&type_names(kind)),
                    json_kind(instance)
                ),
                None,
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

/// Semantic rules over a schema-valid manifest.
struct Semantics<'a> {
    loaded: &'a LoadedManifest,
    registry: &'a FieldRegistry,
    options: LintOptions,
    diags: &'a mut Vec<Diagnostic>,
}

impl Semantics<'_> {
    fn error(&mut self, pointer: &str, code: &'static str, message: String, hint: Option<String>) {
        self.push(pointer, DiagnosticSeverity::Error, code, message, hint);
    }

    fn warn(&mut self, pointer: &str, code: &'static str, message: String, hint: Option<String>) {
        self.push(pointer, DiagnosticSeverity::Warning, code, message, hint);
    }

    fn push(
        &mut self,
        pointer: &str,
        severity: DiagnosticSeverity,
        code: &'static str,
        message: String,
        hint: Option<String>,
    ) {
        let mut d = Diagnostic::new(&self.loaded.path, self.loaded.pos(pointer), severity, code);
        d.message = message;
        d.hint = hint;
        self.diags.push(d);
    }

    fn run(&mut self) {
        let m = &self.loaded.manifest;
        if semver::Version::parse(&m.version).is_err() {
            self.error(
                "/version",
                "semver",
                format!("version `{}` is not a semantic version", m.version),
                Some("write MAJOR.MINOR.PATCH, e.g. `1.2.0`".into()),
            );
        }
        if self.registry.get(&m.field).is_none() {
            let suggestions = self.registry.suggest(&m.field);
            let hint = if suggestions.is_empty() {
                "run `assay fields` to list the 100 field codes".to_string()
            } else {
                format!(
                    "similar codes: {}; run `assay fields` to list all",
                    suggestions.join(", ")
                )
            };
            self.error(
                "/field",
                "unknown-field",
                format!(
                    "field `{}` is not in the industrial field registry",
                    m.field
                ),
                Some(hint),
            );
        } else {
            self.catalog_layout();
        }
        for (i, license) in m.licenses.iter().enumerate() {
            if let Err(e) = spdx::Expression::parse(&license.name) {
                let hint = spdx::imprecise_license_id(&license.name)
                    .map(|(id, _)| format!("did you mean `{}`?", id.name))
                    .unwrap_or_else(|| {
                        "use an SPDX identifier (https://spdx.org/licenses/) or `LicenseRef-<name>`"
                            .into()
                    });
                self.error(
                    &format!("/licenses/{i}/name"),
                    "license",
                    format!(
                        "license `{}` is not an SPDX identifier or expression ({})",
                        license.name, e.reason
                    ),
                    Some(hint),
                );
            }
        }
        if m.licenses.is_empty() {
            self.warn(
                "/name",
                "no-license",
                "no license declared; the dataset cannot be published as reusable".into(),
                Some("add `licenses: [{name: CC-BY-4.0}]` or your organization's license".into()),
            );
        }
        for (key, party) in [("owner", &m.owner), ("steward", &m.steward)] {
            if let Some(email) = party.as_ref().and_then(|p| p.email.as_ref())
                && !looks_like_email(email)
            {
                self.error(
                    &format!("/{key}/email"),
                    "email",
                    format!("`{email}` is not an e-mail address"),
                    None,
                );
            }
        }
        if let Some(t) = &m.temporal {
            for (k, v) in [("start", &t.start), ("end", &t.end)] {
                if let Some(v) = v
                    && !is_iso_datetime(v)
                {
                    self.error(
                        &format!("/temporal/{k}"),
                        "temporal",
                        format!("temporal.{k} `{v}` is not an ISO 8601 date or date-time"),
                        Some("write `2025-01-01` or `2025-01-01T00:00:00Z`".into()),
                    );
                }
            }
            if let (Some(s), Some(e)) = (&t.start, &t.end)
                && is_iso_datetime(s)
                && is_iso_datetime(e)
                && s.get(..10) > e.get(..10)
            {
                self.error(
                    "/temporal/end",
                    "temporal",
                    format!("temporal coverage ends ({e}) before it starts ({s})"),
                    None,
                );
            }
        }
        if let Some(bbox) = m.spatial.as_ref().and_then(|s| s.bbox) {
            let [w, s, e, n] = bbox;
            let ok = (-180.0..=180.0).contains(&w)
                && (-180.0..=180.0).contains(&e)
                && (-90.0..=90.0).contains(&s)
                && (-90.0..=90.0).contains(&n)
                && s <= n;
            if !ok {
                self.error(
                    "/spatial/bbox",
                    "bbox",
                    format!("bounding box {bbox:?} is not [west, south, east, north] in degrees"),
                    Some("longitudes within ±180, latitudes within ±90, south ≤ north".into()),
                );
            }
        }
        let mut names = BTreeMap::new();
        for (i, r) in m.resources.iter().enumerate() {
            if let Some(first) = names.insert(r.name.as_str(), i) {
                self.error(
                    &format!("/resources/{i}/name"),
                    "duplicate-resource",
                    format!(
                        "resource name `{}` is already used by resource {first}",
                        r.name
                    ),
                    Some("resource names are unique within a dataset".into()),
                );
            }
        }
        for (i, r) in m.resources.iter().enumerate() {
            self.resource(i, r);
        }
    }

    fn catalog_layout(&mut self) {
        // catalog/<field-code>/<dataset-name>/dataset.yaml: the folder names should agree.
        let m = &self.loaded.manifest;
        let dir = &self.loaded.dir;
        let parent_name = dir.canonicalize().ok().and_then(|d| {
            d.parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        });
        if let Some(folder) = parent_name
            && crate::is_field_code(&folder)
            && folder != m.field
        {
            self.warn(
                    "/field",
                    "catalog-layout",
                    format!(
                        "manifest is filed under `{folder}/` but declares field `{}`",
                        m.field
                    ),
                    Some("catalog layout is catalog/<field-code>/<dataset-name>/dataset.yaml; move the folder or fix the code".into()),
                );
        }
    }

    fn resource(&mut self, ri: usize, r: &Resource) {
        let base = format!("/resources/{ri}");
        self.paths(&base, r);
        // Columns: unique names, type parameters, constraints.
        let mut columns: BTreeMap<&str, &Field> = BTreeMap::new();
        for (fi, f) in r.schema.fields.iter().enumerate() {
            let p = format!("{base}/schema/fields/{fi}");
            if columns.insert(f.name.as_str(), f).is_some() {
                self.error(
                    &format!("{p}/name"),
                    "duplicate-column",
                    format!("column `{}` is declared twice", f.name),
                    None,
                );
            }
            self.field(&p, f);
        }
        let column_names: Vec<&str> = r.schema.fields.iter().map(|f| f.name.as_str()).collect();
        if let Some(pk) = &r.schema.primary_key {
            self.key_columns(&format!("{base}/schema/primaryKey"), pk, &column_names);
        }
        for (k, uk) in r.schema.unique_keys.iter().enumerate() {
            self.key_columns(&format!("{base}/schema/uniqueKeys/{k}"), uk, &column_names);
        }
        for (k, fk) in r.schema.foreign_keys.iter().enumerate() {
            let p = format!("{base}/schema/foreignKeys/{k}");
            self.key_columns(&format!("{p}/fields"), &fk.fields, &column_names);
            let target_name = fk.reference.resource.as_deref().unwrap_or(&r.name);
            self.reference(
                &format!("{p}/reference"),
                target_name,
                &fk.reference.fields.columns(),
                fk.fields.columns().len(),
            );
        }
        let mut check_names: BTreeMap<String, usize> = BTreeMap::new();
        for (ci, c) in r.checks.iter().enumerate() {
            let p = format!("{base}/checks/{ci}");
            let name = c.display_name();
            if let Some(first) = check_names.insert(name.clone(), ci) {
                self.error(
                    &p,
                    "duplicate-check",
                    format!(
                        "check name `{name}` is already used by check {first} of this resource"
                    ),
                    Some("give one of them a distinct `name`".into()),
                );
            }
            self.check(&p, c, &columns);
        }
    }

    fn paths(&mut self, base: &str, r: &Resource) {
        let patterns = r.path.patterns();
        let pointer_of = |i: usize| match &r.path {
            crate::manifest::PathSpec::One(_) => format!("{base}/path"),
            crate::manifest::PathSpec::Many(_) => format!("{base}/path/{i}"),
        };
        let (_, problems) = paths::resolve(&self.loaded.dir, &patterns);
        for problem in problems {
            let i = patterns
                .iter()
                .position(|p| *p == problem.pattern())
                .unwrap_or(0);
            let pointer = pointer_of(i);
            match &problem {
                PathProblem::NoMatch { .. } if !self.options.strict => self.warn(
                    &pointer,
                    "no-files",
                    problem.to_string(),
                    Some("paths are relative to the manifest's folder; check the spelling, or add the files".into()),
                ),
                PathProblem::NoMatch { .. } => self.error(
                    &pointer,
                    "no-files",
                    problem.to_string(),
                    Some("paths are relative to the manifest's folder; check the spelling, or add the files".into()),
                ),
                PathProblem::BadGlob { .. } => {
                    self.error(&pointer, "bad-glob", problem.to_string(), None)
                }
                PathProblem::Io { .. } => self.error(&pointer, "io", problem.to_string(), None),
                _ => self.error(
                    &pointer,
                    "path-escape",
                    problem.to_string(),
                    Some("data files must live inside the dataset folder; copy them in rather than linking out".into()),
                ),
            }
        }
    }

    fn field(&mut self, p: &str, f: &Field) {
        let t = f.field_type;
        let bad_param = |param: &str| format!("`{param}` does not apply to type `{}`", t.as_str());
        if t == FieldType::Decimal {
            match (f.precision, f.scale) {
                (None, _) => self.error(
                    &format!("{p}/type"),
                    "type-params",
                    "type `decimal` needs `precision` (and usually `scale`)".into(),
                    Some("e.g. `{name: amount, type: decimal, precision: 12, scale: 2}`".into()),
                ),
                (Some(prec), Some(scale)) if scale > 0 && scale as u8 > prec => self.error(
                    &format!("{p}/scale"),
                    "type-params",
                    format!("decimal scale {scale} exceeds precision {prec}"),
                    None,
                ),
                _ => {}
            }
        } else {
            for (k, set) in [
                ("precision", f.precision.is_some()),
                ("scale", f.scale.is_some()),
            ] {
                if set {
                    self.error(&format!("{p}/{k}"), "type-params", bad_param(k), None);
                }
            }
        }
        if f.unit.is_some()
            && !matches!(
                t,
                FieldType::Timestamp | FieldType::Time | FieldType::Duration
            )
        {
            self.error(&format!("{p}/unit"), "type-params", bad_param("unit"), None);
        }
        if let Some(tz) = &f.timezone {
            if t != FieldType::Timestamp {
                self.error(
                    &format!("{p}/timezone"),
                    "type-params",
                    bad_param("timezone"),
                    None,
                );
            } else if !is_timezone(tz) {
                self.error(
                    &format!("{p}/timezone"),
                    "type-params",
                    format!("`{tz}` is not a time zone"),
                    Some("write `UTC`, an IANA name like `Asia/Shanghai`, or an offset like `+08:00`".into()),
                );
            }
        }
        match (t, &f.items) {
            (FieldType::List, None) => self.error(
                &format!("{p}/type"),
                "type-params",
                "type `list` needs `items` (the element type)".into(),
                Some("e.g. `items: {name: item, type: float64}`".into()),
            ),
            (FieldType::List | FieldType::Array, Some(items)) => {
                self.field(&format!("{p}/items"), items)
            }
            (_, Some(_)) => self.error(
                &format!("{p}/items"),
                "type-params",
                bad_param("items"),
                None,
            ),
            _ => {}
        }
        match (t, &f.fields) {
            (FieldType::Struct, None) => self.error(
                &format!("{p}/type"),
                "type-params",
                "type `struct` needs `fields`".into(),
                None,
            ),
            (FieldType::Struct | FieldType::Object, Some(children)) => {
                let mut seen = BTreeSet::new();
                for (i, c) in children.iter().enumerate() {
                    let cp = format!("{p}/fields/{i}");
                    if !seen.insert(c.name.as_str()) {
                        self.error(
                            &format!("{cp}/name"),
                            "duplicate-column",
                            format!("child field `{}` is declared twice", c.name),
                            None,
                        );
                    }
                    self.field(&cp, c);
                }
            }
            (_, Some(_)) => self.error(
                &format!("{p}/fields"),
                "type-params",
                bad_param("fields"),
                None,
            ),
            _ => {}
        }
        self.constraints(&format!("{p}/constraints"), f, &f.constraints);
    }

    fn constraints(&mut self, p: &str, f: &Field, c: &Constraints) {
        let family = f.field_type.family();
        for (key, bound) in [
            ("minimum", &c.minimum),
            ("maximum", &c.maximum),
            ("exclusiveMinimum", &c.exclusive_minimum),
            ("exclusiveMaximum", &c.exclusive_maximum),
        ] {
            if let Some(b) = bound
                && let Err(e) = bound_fits(f.field_type, b)
            {
                self.error(
                    &format!("{p}/{key}"),
                    "constraint-type",
                    format!("`{key}` {e}"),
                    None,
                );
            }
        }
        let lower = c.minimum.as_ref().or(c.exclusive_minimum.as_ref());
        let upper = c.maximum.as_ref().or(c.exclusive_maximum.as_ref());
        if let (Some(lo), Some(hi)) = (lower, upper)
            && scalar_gt(lo, hi)
        {
            self.error(
                p,
                "empty-range",
                format!("lower bound {lo} is above upper bound {hi}: no value can pass"),
                None,
            );
        }
        for (key, v) in [("minLength", c.min_length), ("maxLength", c.max_length)] {
            if v.is_some()
                && !matches!(
                    family,
                    TypeFamily::String | TypeFamily::Binary | TypeFamily::List | TypeFamily::Any
                )
            {
                self.error(
                    &format!("{p}/{key}"),
                    "constraint-type",
                    format!(
                        "`{key}` applies to strings, binary and lists, not `{}`",
                        f.field_type.as_str()
                    ),
                    None,
                );
            }
        }
        if let (Some(lo), Some(hi)) = (c.min_length, c.max_length)
            && lo > hi
        {
            self.error(
                p,
                "empty-range",
                format!("minLength {lo} is above maxLength {hi}: no value can pass"),
                None,
            );
        }
        if let Some(pattern) = &c.pattern {
            self.pattern(&format!("{p}/pattern"), pattern, f);
        }
        if let Some(values) = &c.enum_values {
            for (i, v) in values.iter().enumerate() {
                if let Err(e) = value_fits(f.field_type, v) {
                    self.error(
                        &format!("{p}/enum/{i}"),
                        "constraint-type",
                        format!("enum value {e}"),
                        None,
                    );
                }
            }
        }
    }

    fn pattern(&mut self, pointer: &str, pattern: &str, f: &Field) {
        if !matches!(f.field_type.family(), TypeFamily::String | TypeFamily::Any) {
            self.error(
                pointer,
                "constraint-type",
                format!(
                    "`pattern` applies to strings, not `{}` column `{}`",
                    f.field_type.as_str(),
                    f.name
                ),
                None,
            );
        }
        if let Err(e) = regex::RegexBuilder::new(pattern)
            .size_limit(1 << 20)
            .build()
        {
            let detail = e.to_string();
            let last = detail.lines().last().unwrap_or("").trim().to_string();
            self.error(
                pointer,
                "bad-regex",
                format!("pattern `{pattern}` does not compile: {last}"),
                Some("Rust `regex` syntax: no look-around or back-references".into()),
            );
        }
    }

    fn key_columns(&mut self, p: &str, key: &KeyColumns, columns: &[&str]) {
        let mut seen = BTreeSet::new();
        for (i, c) in key.columns().into_iter().enumerate() {
            let pointer = match key {
                KeyColumns::One(_) => p.to_string(),
                KeyColumns::Many(_) => format!("{p}/{i}"),
            };
            self.column_exists(&pointer, c, columns);
            if !seen.insert(c) {
                self.error(
                    &pointer,
                    "duplicate-column",
                    format!("column `{c}` appears twice in the key"),
                    None,
                );
            }
        }
    }

    fn column_exists(&mut self, pointer: &str, column: &str, columns: &[&str]) -> bool {
        if columns.contains(&column) {
            return true;
        }
        let hint = did_you_mean(column, columns.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| format!("declared columns: {}", columns.join(", ")));
        self.error(
            pointer,
            "unknown-column",
            format!("column `{column}` is not declared in the resource's schema"),
            Some(hint),
        );
        false
    }

    fn reference(&mut self, p: &str, resource: &str, target_cols: &[&str], arity: usize) {
        let m = &self.loaded.manifest;
        let Some(target) = m.resources.iter().find(|r| r.name == resource) else {
            let names: Vec<&str> = m.resources.iter().map(|r| r.name.as_str()).collect();
            let hint = did_you_mean(resource, names.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("resources of this dataset: {}", names.join(", ")));
            self.error(
                &format!("{p}/resource"),
                "unknown-resource",
                format!("foreign key target `{resource}` is not a resource of this dataset"),
                Some(hint),
            );
            return;
        };
        let cols: Vec<&str> = target
            .schema
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        let cols_pointer = if self
            .loaded
            .source
            .value
            .pointer(&format!("{p}/columns"))
            .is_some()
        {
            format!("{p}/columns")
        } else {
            format!("{p}/fields")
        };
        for (i, c) in target_cols.iter().enumerate() {
            let pointer = if self
                .loaded
                .source
                .value
                .pointer(&format!("{cols_pointer}/{i}"))
                .is_some()
            {
                format!("{cols_pointer}/{i}")
            } else {
                cols_pointer.clone()
            };
            if !cols.contains(c) {
                let hint = did_you_mean(c, cols.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("columns of `{resource}`: {}", cols.join(", ")));
                self.error(
                    &pointer,
                    "unknown-column",
                    format!("column `{c}` is not declared in resource `{resource}`"),
                    Some(hint),
                );
            }
        }
        if target_cols.len() != arity {
            self.error(
                &cols_pointer,
                "key-arity",
                format!(
                    "foreign key has {arity} column(s) but its reference has {}",
                    target_cols.len()
                ),
                Some("list the referenced columns in the same order and number".into()),
            );
        }
    }

    fn check(&mut self, p: &str, c: &Check, columns: &BTreeMap<&str, &Field>) {
        let names: Vec<&str> = columns.keys().copied().collect();
        let kind = c.kind.name();
        // Columns named by the check.
        let mut fields = Vec::new();
        match &c.kind {
            CheckKind::UniqueKey { columns: cols }
            | CheckKind::ForeignKey { columns: cols, .. } => {
                let mut seen = BTreeSet::new();
                for (i, col) in cols.iter().enumerate() {
                    let pointer = format!("{p}/columns/{i}");
                    if self.column_exists(&pointer, col, &names) {
                        fields.push(columns[col.as_str()]);
                    }
                    if !seen.insert(col) {
                        self.error(
                            &pointer,
                            "duplicate-column",
                            format!("column `{col}` appears twice"),
                            None,
                        );
                    }
                }
            }
            other => {
                for col in other.columns() {
                    if self.column_exists(&format!("{p}/column"), col, &names) {
                        fields.push(columns[col]);
                    }
                }
            }
        }
        if c.mostly.is_some() && !c.kind.is_row_level() {
            self.error(
                &format!("{p}/mostly"),
                "mostly",
                format!(
                    "`mostly` applies to row-level checks; `{kind}` is decided once per resource"
                ),
                Some("remove `mostly`, or widen the check's bounds".into()),
            );
        }
        let col_pointer = format!("{p}/column");
        let field = fields.first().copied();
        let wrong_type = |s: &mut Self, what: &str| {
            if let Some(f) = field {
                s.error(
                    &col_pointer,
                    "check-type",
                    format!(
                        "`{kind}` applies to {what}; column `{}` is `{}`",
                        f.name,
                        f.field_type.as_str()
                    ),
                    None,
                );
            }
        };
        let family = field
            .map(|f| f.field_type.family())
            .unwrap_or(TypeFamily::Any);
        match &c.kind {
            CheckKind::Range {
                min,
                max,
                min_exclusive,
                max_exclusive,
                ..
            } => {
                if min.is_none() && max.is_none() {
                    self.error(
                        p,
                        "check-params",
                        "`range` needs `min`, `max` or both".into(),
                        None,
                    );
                }
                if !family.is_ordered() {
                    wrong_type(self, "ordered columns (numbers, strings, dates and times)");
                } else if let Some(f) = field {
                    for (k, b) in [("min", min), ("max", max)] {
                        if let Some(b) = b
                            && let Err(e) = bound_fits(f.field_type, b)
                        {
                            self.error(
                                &format!("{p}/{k}"),
                                "check-type",
                                format!("`{k}` {e}"),
                                None,
                            );
                        }
                    }
                }
                if let (Some(lo), Some(hi)) = (min, max) {
                    let empty = scalar_gt(lo, hi)
                        || (scalar_eq(lo, hi) && (*min_exclusive || *max_exclusive));
                    if empty {
                        self.error(
                            p,
                            "empty-range",
                            format!("range [{lo}, {hi}] admits no value"),
                            None,
                        );
                    }
                }
            }
            CheckKind::InSet { values, .. } | CheckKind::NotInSet { values, .. } => {
                if let Some(f) = field {
                    for (i, v) in values.iter().enumerate() {
                        if let Err(e) = value_fits(f.field_type, v) {
                            self.error(
                                &format!("{p}/values/{i}"),
                                "check-type",
                                format!("value {e}"),
                                None,
                            );
                        }
                    }
                }
            }
            CheckKind::Pattern { pattern, .. } => {
                if let Some(f) = field {
                    self.pattern(&format!("{p}/pattern"), pattern, f);
                }
            }
            CheckKind::Length { min, max, .. } => {
                if min.is_none() && max.is_none() {
                    self.error(
                        p,
                        "check-params",
                        "`length` needs `min`, `max` or both".into(),
                        None,
                    );
                }
                if !matches!(
                    family,
                    TypeFamily::String | TypeFamily::Binary | TypeFamily::List | TypeFamily::Any
                ) {
                    wrong_type(self, "strings, binary and lists");
                }
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    self.error(
                        p,
                        "empty-range",
                        format!("length [{lo}, {hi}] admits no value"),
                        None,
                    );
                }
            }
            CheckKind::Finite { .. } => {
                if !matches!(family, TypeFamily::Float | TypeFamily::Any) {
                    wrong_type(self, "floating-point columns");
                }
            }
            CheckKind::Monotonic { .. } => {
                if !family.is_ordered() {
                    wrong_type(self, "ordered columns");
                }
            }
            CheckKind::RowCount { min, max } => {
                if min.is_none() && max.is_none() {
                    self.error(
                        p,
                        "check-params",
                        "`row_count` needs `min`, `max` or both".into(),
                        None,
                    );
                }
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    self.error(
                        p,
                        "empty-range",
                        format!("row_count [{lo}, {hi}] admits no value"),
                        None,
                    );
                }
            }
            CheckKind::Freshness { max_age, .. } => {
                let temporal_ok = field.is_none_or(|f| {
                    matches!(
                        f.field_type,
                        FieldType::Date
                            | FieldType::Timestamp
                            | FieldType::Datetime
                            | FieldType::Any
                    )
                });
                if !temporal_ok {
                    wrong_type(self, "date and timestamp columns");
                }
                if let Err(e) = IsoDuration::parse(max_age) {
                    self.error(
                        &format!("{p}/maxAge"),
                        "duration",
                        e,
                        Some("e.g. `P2D` (two days) or `PT6H` (six hours)".into()),
                    );
                }
            }
            CheckKind::Expression { sql } => {
                if sql.trim().is_empty() {
                    self.error(
                        &format!("{p}/sql"),
                        "check-params",
                        "`sql` is empty".into(),
                        None,
                    );
                }
            }
            CheckKind::Aggregate {
                stat, q, min, max, ..
            } => {
                if min.is_none() && max.is_none() {
                    self.error(
                        p,
                        "check-params",
                        "`aggregate` needs `min`, `max` or both".into(),
                        None,
                    );
                }
                match (stat, q) {
                    (Stat::Quantile, None) => self.error(
                        p,
                        "check-params",
                        "`stat: quantile` needs `q` (e.g. `q: 0.99`)".into(),
                        None,
                    ),
                    (Stat::Quantile, Some(_)) | (_, None) => {}
                    (_, Some(_)) => self.error(
                        &format!("{p}/q"),
                        "check-params",
                        format!("`q` applies to `stat: quantile`, not `{}`", stat.as_str()),
                        None,
                    ),
                }
                let needs_number = matches!(
                    stat,
                    Stat::Mean | Stat::Sum | Stat::Stddev | Stat::Quantile | Stat::Min | Stat::Max
                );
                if needs_number
                    && !matches!(
                        family,
                        TypeFamily::Integer
                            | TypeFamily::Float
                            | TypeFamily::Decimal
                            | TypeFamily::Any
                    )
                {
                    wrong_type(
                        self,
                        &format!("numeric columns for `stat: {}`", stat.as_str()),
                    );
                }
                if let (Some(lo), Some(hi)) = (min, max)
                    && lo > hi
                {
                    self.error(
                        p,
                        "empty-range",
                        format!("bounds [{lo}, {hi}] admit no value"),
                        None,
                    );
                }
            }
            CheckKind::ForeignKey {
                columns: cols,
                reference,
            } => {
                self.reference(
                    &format!("{p}/reference"),
                    &reference.resource,
                    &reference
                        .columns
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                    cols.len(),
                );
            }
            CheckKind::Change {
                metric,
                column,
                max_change_pct,
                max_rise_points,
            } => {
                self.history_metric(p, *metric, column.as_deref());
                let (wanted, other) = match metric {
                    HistoryMetric::RowCount => ("maxChangePct", max_rise_points.is_some()),
                    HistoryMetric::NullRate => ("maxRisePoints", max_change_pct.is_some()),
                };
                let given = match metric {
                    HistoryMetric::RowCount => max_change_pct,
                    HistoryMetric::NullRate => max_rise_points,
                };
                match given {
                    None => self.error(
                        p,
                        "change-bound",
                        format!("a `change` of {} needs `{wanted}`", metric.as_str()),
                        None,
                    ),
                    Some(v) if !v.is_finite() || *v < 0.0 => self.error(
                        &format!("{p}/{wanted}"),
                        "change-bound",
                        format!("`{wanted}` must be a number of at least 0, not {v}"),
                        None,
                    ),
                    Some(_) => {}
                }
                if other {
                    self.error(
                        p,
                        "change-bound",
                        format!(
                            "`{}` does not apply to {}; use `{wanted}`",
                            if *metric == HistoryMetric::RowCount {
                                "maxRisePoints"
                            } else {
                                "maxChangePct"
                            },
                            metric.as_str()
                        ),
                        None,
                    );
                }
            }
            CheckKind::Anomaly {
                metric,
                column,
                max_z,
                ..
            } => {
                self.history_metric(p, *metric, column.as_deref());
                if let Some(z) = max_z
                    && !(z.is_finite() && *z > 0.0)
                {
                    self.error(
                        &format!("{p}/maxZ"),
                        "anomaly-bound",
                        format!("`maxZ` must be a number above 0, not {z}"),
                        None,
                    );
                }
            }
            CheckKind::NotNull { .. } | CheckKind::Unique { .. } | CheckKind::UniqueKey { .. } => {}
        }
    }

    /// `null_rate` needs a column; `row_count` takes none.
    fn history_metric(&mut self, p: &str, metric: HistoryMetric, column: Option<&str>) {
        match (metric, column) {
            (HistoryMetric::NullRate, None) => self.error(
                p,
                "metric-column",
                "metric `null_rate` needs `column`".to_string(),
                Some("name the column whose null rate is compared".into()),
            ),
            (HistoryMetric::RowCount, Some(_)) => self.error(
                &format!("{p}/column"),
                "metric-column",
                "metric `row_count` is about the resource; it takes no `column`".to_string(),
                None,
            ),
            _ => {}
        }
    }
}

fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        _ => false,
    }
}

fn iso_re() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$",
        )
        .expect("static regex compiles")
    })
}

/// True for `YYYY-MM-DD` with an optional `THH:MM[:SS[.fff]][Z|±HH:MM]`.
pub fn is_iso_datetime(s: &str) -> bool {
    iso_re().is_match(s)
}

fn is_iso_time(s: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?$")
            .expect("static regex compiles")
    })
    .is_match(s)
}

fn is_timezone(tz: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"^(UTC|Z|[+-]\d{2}:\d{2}|[A-Za-z_]+(/[A-Za-z0-9_+-]+)+|[A-Z]{3,5})$")
            .expect("static regex compiles")
    })
    .is_match(tz)
}

fn int_bounds(t: FieldType) -> Option<(f64, f64)> {
    Some(match t {
        FieldType::Int8 => (i8::MIN as f64, i8::MAX as f64),
        FieldType::Int16 => (i16::MIN as f64, i16::MAX as f64),
        FieldType::Int32 => (i32::MIN as f64, i32::MAX as f64),
        FieldType::Int64 => (i64::MIN as f64, i64::MAX as f64),
        FieldType::Uint8 => (0.0, u8::MAX as f64),
        FieldType::Uint16 => (0.0, u16::MAX as f64),
        FieldType::Uint32 => (0.0, u32::MAX as f64),
        FieldType::Uint64 => (0.0, u64::MAX as f64),
        _ => return None,
    })
}

/// Can a bound (`minimum`, `max` …) be compared with values of type `t`?
fn bound_fits(t: FieldType, b: &Scalar) -> Result<(), String> {
    let family = t.family();
    match (family, b) {
        (TypeFamily::Integer | TypeFamily::Float | TypeFamily::Decimal, Scalar::Number(n)) => {
            if let (Some((lo, hi)), Some(v)) = (int_bounds(t), n.as_f64())
                && (v < lo || v > hi)
            {
                return Err(format!(
                    "{n} is outside the range of `{}` ({lo} to {hi})",
                    t.as_str()
                ));
            }
            Ok(())
        }
        (TypeFamily::Duration, Scalar::Number(_)) => Ok(()),
        (TypeFamily::Duration, Scalar::Text(s)) if IsoDuration::parse(s).is_ok() => Ok(()),
        (TypeFamily::Temporal, Scalar::Text(s)) => {
            let ok = match t {
                FieldType::Time => is_iso_time(s),
                _ => is_iso_datetime(s),
            };
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "`{s}` is not an ISO 8601 {} for a `{}` column",
                    if t == FieldType::Time {
                        "time"
                    } else {
                        "date or date-time"
                    },
                    t.as_str()
                ))
            }
        }
        (TypeFamily::String | TypeFamily::Any, Scalar::Text(_)) | (TypeFamily::Any, _) => Ok(()),
        (f, v) if !f.is_ordered() => Err(format!(
            "{v} cannot bound a `{}` column: it has no order",
            t.as_str()
        )),
        (_, v) => Err(format!("{v} does not fit a `{}` column", t.as_str())),
    }
}

/// Can `v` be a value of a column of type `t`?
fn value_fits(t: FieldType, v: &Scalar) -> Result<(), String> {
    match (t.family(), v) {
        (TypeFamily::Boolean, Scalar::Bool(_))
        | (TypeFamily::String | TypeFamily::Any, _)
        | (TypeFamily::Float | TypeFamily::Decimal, Scalar::Number(_)) => Ok(()),
        (TypeFamily::Integer, Scalar::Number(n)) if n.is_i64() || n.is_u64() => bound_fits(t, v),
        (TypeFamily::Temporal | TypeFamily::Duration, Scalar::Text(_))
        | (TypeFamily::Duration, Scalar::Number(_)) => bound_fits(t, v),
        (_, v) => Err(format!("{v} is not a `{}` value", t.as_str())),
    }
}

fn scalar_gt(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Number(x), Scalar::Number(y)) => x.as_f64() > y.as_f64(),
        (Scalar::Text(x), Scalar::Text(y)) => x > y,
        _ => false,
    }
}

fn scalar_eq(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Number(x), Scalar::Number(y)) => x.as_f64() == y.as_f64(),
        (Scalar::Text(x), Scalar::Text(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_only() {
        let keys = ["column", "severity", "mostly"];
        assert_eq!(did_you_mean("colum", keys.iter().copied()), Some("column"));
        assert_eq!(
            did_you_mean("severty", keys.iter().copied()),
            Some("severity")
        );
        assert_eq!(did_you_mean("banana", keys.iter().copied()), None);
    }

    #[test]
    fn iso_and_email_shapes() {
        assert!(is_iso_datetime("2025-01-01"));
        assert!(is_iso_datetime("2025-01-01T08:00:00+08:00"));
        assert!(!is_iso_datetime("2025-13-01"));
        assert!(looks_like_email("cdo@example.com"));
        assert!(!looks_like_email("cdo@example"));
        assert!(!looks_like_email("a b@example.com"));
    }

    #[test]
    fn bounds_fit_types() {
        let n = |x: i64| Scalar::Number(x.into());
        assert!(bound_fits(FieldType::Int8, &n(100)).is_ok());
        assert!(bound_fits(FieldType::Int8, &n(1000)).is_err());
        assert!(bound_fits(FieldType::Bool, &n(1)).is_err());
        assert!(bound_fits(FieldType::Date, &Scalar::Text("2025-01-01".into())).is_ok());
        assert!(bound_fits(FieldType::Date, &Scalar::Text("yesterday".into())).is_err());
        assert!(value_fits(FieldType::Int32, &Scalar::Text("x".into())).is_err());
        assert!(value_fits(FieldType::String, &Scalar::Text("NO".into())).is_ok());
    }
}
