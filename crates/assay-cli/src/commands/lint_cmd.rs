//! `assay lint`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use assay_model::FieldRegistry;
use assay_model::lint::{self, DiagnosticSeverity, LintOptions};

use crate::cli::ListFormat;
use crate::exit::Status;

pub fn run(
    registry: &FieldRegistry,
    paths: &[PathBuf],
    strict: bool,
    format: ListFormat,
) -> Result<Status> {
    let files = match super::manifests_under(paths) {
        Ok(f) => f,
        Err(status) => return Ok(status),
    };
    let mut results = lint::lint_many(&files, registry, LintOptions { strict });
    // SQL in `expression` checks, planned against the declared columns.
    assay_validate::lint_sql::complete(&mut results);
    let count = |sev| {
        results
            .iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.severity == sev)
            .count()
    };
    let (errors, warnings) = (
        count(DiagnosticSeverity::Error),
        count(DiagnosticSeverity::Warning),
    );
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => {
            let doc = serde_json::json!({
                "schema_version": 1,
                "manifests": results.iter().map(|r| serde_json::json!({
                    "path": r.path,
                    "diagnostics": r.diagnostics,
                })).collect::<Vec<_>>(),
                "errors": errors,
                "warnings": warnings,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        ListFormat::Text => {
            for d in results.iter().flat_map(|r| &r.diagnostics) {
                writeln!(out, "{d}")?;
            }
            writeln!(
                out,
                "{} manifest(s) checked: {errors} error(s), {warnings} warning(s)",
                results.len()
            )?;
        }
    }
    Ok(if errors > 0 {
        Status::Invalid
    } else {
        Status::Success
    })
}
