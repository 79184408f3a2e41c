//! The implicit `schema` check of each resource: conformance of every file's footer schema to
//! the declared fields, drift between files, and files that could not be read.

use std::sync::Arc;

use arrow::datatypes::Schema;
use assay_model::check::Severity;
use assay_model::report::{CheckOrigin, CheckResult, CheckStatus, DecidedBy, Sample};

#[derive(Default)]
pub(crate) struct SchemaSlot {
    pub problems: Vec<Sample>,
    pub first_schema: Option<(String, Arc<Schema>)>,
    pub unreadable: Vec<String>,
    /// Layouts accepted for a declared type that a reader may not expect (`large_string` for
    /// `string`), said once each.
    pub notes: std::collections::BTreeSet<String>,
}

impl SchemaSlot {
    pub fn result(self, samples: usize, files: u64) -> CheckResult {
        let failing = self.problems.len() as u64;
        let status = if !self.unreadable.is_empty() {
            CheckStatus::Error
        } else if failing > 0 {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        };
        let message = if !self.unreadable.is_empty() {
            Some(format!("unreadable: {}", self.unreadable.join("; ")))
        } else if failing > 0 {
            self.problems.first().and_then(|p| p.note.clone())
        } else if !self.notes.is_empty() {
            Some(self.notes.iter().cloned().collect::<Vec<_>>().join("; "))
        } else {
            None
        };
        CheckResult {
            name: "schema".into(),
            kind: "schema".into(),
            origin: CheckOrigin::Schema,
            columns: vec![],
            severity: Severity::Error,
            dimension: assay_model::check::Dimension::Normativeness,
            status,
            evaluated: files,
            failing,
            failing_fraction: if files == 0 {
                0.0
            } else {
                failing as f64 / files.max(failing) as f64
            },
            threshold: 0.0,
            observed: None,
            decided_by: DecidedBy::Statistics,
            pages: None,
            message,
            coverage: None,
            samples: self.problems.into_iter().take(samples).collect(),
        }
    }
}
