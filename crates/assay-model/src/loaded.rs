//! A manifest read from disk: parsed with locations, checked against the JSON Schema, typed.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::lint::{Diagnostic, DiagnosticSeverity, schema::schema_diagnostics};
use crate::manifest::Manifest;
use crate::source::{self, Pos, SourceDocument};

pub use crate::hex;

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

/// Reads, parses and schema-checks a manifest: the first two lint layers. Semantic rules are not
/// applied; use [`crate::lint::lint_file`] for those.
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
