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

use serde::Serialize;

pub use crate::loaded::{LoadedManifest, load};
use crate::registry::FieldRegistry;
use crate::source::Pos;

mod check;
mod ml;
mod privacy;
pub(crate) mod schema;
mod semantics;
mod standard;
mod values;

pub use check::CheckLint;
pub use privacy::looks_personal;
pub use schema::did_you_mean;
use semantics::Semantics;
pub use values::is_iso_datetime;
pub(crate) use values::{bound_fits, scalar_eq, scalar_gt};

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
    pub(crate) fn new(
        file: &Path,
        pos: Pos,
        severity: DiagnosticSeverity,
        code: &'static str,
    ) -> Self {
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

pub(crate) fn sort(d: &mut [Diagnostic]) {
    d.sort_by(|a, b| {
        (a.line, a.column, a.code, &a.message).cmp(&(b.line, b.column, b.code, &b.message))
    });
}
