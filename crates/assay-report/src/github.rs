//! GitHub Actions workflow commands (annotations on the manifest).

use assay_model::LoadedManifest;
use assay_model::report::{CheckStatus, Report};

use crate::locate::{located, result_text};

/// GitHub Actions workflow commands: one `::error` / `::warning` annotation per check that did
/// not pass, at the manifest line that declares it.
pub fn render_github(loaded: &LoadedManifest, report: &Report, strict: bool) -> String {
    let esc_prop = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
            .replace(':', "%3A")
            .replace(',', "%2C")
    };
    let esc_msg = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let file = loaded.path.to_string_lossy().replace('\\', "/");
    let file = file.trim_start_matches("./");
    let mut out = String::new();
    for (resource, c, line, col) in located(loaded, report) {
        let level = match c.status {
            CheckStatus::Fail | CheckStatus::Error => "error",
            // Passed on part of the data only: said, not failed.
            CheckStatus::Pass => "notice",
            _ if strict => "error",
            _ => "warning",
        };
        out.push_str(&format!(
            "::{level} file={},line={line},col={col},title={}::{}\n",
            esc_prop(file),
            esc_prop(&format!("assay {resource}/{}", c.name)),
            esc_msg(&result_text(c))
        ));
    }
    if let Some(q) = &report.quality {
        out.push_str(&format!(
            "::notice title=assay quality::{} {}: score {:.1}, grade {:?}{}\n",
            esc_msg(&report.dataset.name),
            esc_msg(&report.dataset.version),
            q.score,
            q.grade,
            q.capped_by
                .as_deref()
                .map(|c| format!(" ({})", esc_msg(c)))
                .unwrap_or_default()
        ));
    }
    out
}
