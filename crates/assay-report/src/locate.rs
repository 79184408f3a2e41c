//! Where in the manifest a check result was declared, for formats that annotate the manifest
//! (SARIF, GitHub).

use assay_model::LoadedManifest;
use assay_model::report::{CheckResult, CheckStatus, Report};

/// The manifest position of a check result: a JSON Pointer into the manifest.
pub(crate) fn check_pointer(
    loaded: &LoadedManifest,
    resource: &str,
    check: &CheckResult,
    check_index: usize,
) -> String {
    use assay_model::report::CheckOrigin;
    let Some(ri) = loaded
        .manifest
        .resources
        .iter()
        .position(|r| r.name == resource)
    else {
        return String::new();
    };
    let base = format!("/resources/{ri}");
    let r = &loaded.manifest.resources[ri];
    match check.origin {
        CheckOrigin::Schema => format!("{base}/schema"),
        CheckOrigin::Constraint => {
            let column = check.columns.first().map(String::as_str).unwrap_or("");
            match r.schema.fields.iter().position(|f| f.name == column) {
                Some(fi) if !r.schema.fields[fi].constraints.is_empty() => {
                    format!("{base}/schema/fields/{fi}/constraints")
                }
                Some(fi) => format!("{base}/schema/fields/{fi}"),
                None => format!("{base}/schema"),
            }
        }
        CheckOrigin::Key if check.name.starts_with("primaryKey") => {
            format!("{base}/schema/primaryKey")
        }
        CheckOrigin::Key => format!("{base}/schema/uniqueKeys"),
        CheckOrigin::ForeignKey => format!("{base}/schema/foreignKeys"),
        CheckOrigin::Check => format!("{base}/checks/{check_index}"),
        CheckOrigin::Ml => "/ml".to_string(),
    }
}

/// Failing results with their manifest positions: (resource, result, line, column).
pub(crate) fn located<'a>(
    loaded: &LoadedManifest,
    report: &'a Report,
) -> Vec<(&'a str, &'a CheckResult, u64, u64)> {
    let mut out = Vec::new();
    for r in &report.resources {
        let mut j = 0;
        for c in &r.checks {
            let index = j;
            if c.origin == assay_model::report::CheckOrigin::Check {
                j += 1;
            }
            // Warnings are reported as warnings; `--strict` makes them errors.
            if c.status == CheckStatus::Pass && c.coverage.is_none() {
                continue;
            }
            let pos = loaded.pos(&check_pointer(loaded, &r.name, c, index));
            out.push((r.name.as_str(), c, pos.line, pos.col));
        }
    }
    out
}

pub(crate) fn result_text(c: &CheckResult) -> String {
    let counts = format!("{} of {}", c.failing, c.evaluated);
    // The message usually says the counts already ("6 of 6000 rows fail"): once is enough.
    let mut t = match &c.message {
        Some(m) if m.contains(&counts) => format!("{} ({}): {m}", c.name, c.kind),
        Some(m) => format!("{} ({}): {counts} failing; {m}", c.name, c.kind),
        None => format!("{} ({}): {counts} failing", c.name, c.kind),
    };
    if let Some(s) = c.samples.first() {
        t.push_str(&format!(
            "; first: {}{} {}",
            s.file,
            s.row.map(|r| format!(" row {r}")).unwrap_or_default(),
            s.values.join(", ")
        ));
    }
    t
}
