//! JUnit XML for CI systems.

use std::fmt::Write as _;

use assay_model::report::{CheckStatus, Report};

use crate::escape::xml as xml_escape;

/// JUnit XML: a test suite per resource, a test case per check. Failed error-level checks are
/// `<failure>`s, unevaluable ones `<error>`s; warnings are failures only under `--strict`.
pub fn render_junit(report: &Report, strict: bool) -> String {
    let fails = |s: CheckStatus| s == CheckStatus::Fail || (strict && s == CheckStatus::Warn);
    let all = report.resources.iter().flat_map(|r| &r.checks);
    let tests = all.clone().count();
    let failures = all.clone().filter(|c| fails(c.status)).count();
    let errors = all.filter(|c| c.status == CheckStatus::Error).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"assay validate {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">",
        xml_escape(&report.dataset.name)
    );
    for r in &report.resources {
        let t = r.checks.len();
        let f = r.checks.iter().filter(|c| fails(c.status)).count();
        let e = r
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Error)
            .count();
        let suite = format!("{}.{}", report.dataset.name, r.name);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\" skipped=\"0\">",
            xml_escape(&suite)
        );
        for c in &r.checks {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(&suite),
                xml_escape(&c.name)
            );
            let detail = || {
                let mut d = format!(
                    "{} of {} failing ({:.4}%), threshold {:.4}%",
                    c.failing,
                    c.evaluated,
                    c.failing_fraction * 100.0,
                    c.threshold * 100.0
                );
                for s in &c.samples {
                    let _ = write!(
                        d,
                        "\n{} row {}: {}{}",
                        s.file,
                        s.row.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                        s.values.join(", "),
                        s.note
                            .as_ref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    );
                }
                xml_escape(&d)
            };
            let message = xml_escape(c.message.as_deref().unwrap_or(""));
            if c.status == CheckStatus::Error {
                let _ = writeln!(
                    out,
                    ">\n      <error message=\"{message}\" type=\"{}\">{}</error>\n    </testcase>",
                    c.kind,
                    detail()
                );
            } else if fails(c.status) {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{message}\" type=\"{}\">{}</failure>\n    </testcase>",
                    c.kind,
                    detail()
                );
            } else if c.status == CheckStatus::Warn {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>warning: {message}</system-out>\n    </testcase>"
                );
            } else if c.coverage.is_some() {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>{message}</system-out>\n    </testcase>"
                );
            } else {
                let _ = writeln!(out, "/>");
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
