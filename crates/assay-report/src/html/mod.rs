//! HTML pages through templates (`templates/*.html`, minijinja) with HTML autoescape on. Every
//! value a template prints is escaped by [`escape::html`](crate::escape::html) unless it was made
//! with [`Value::from_safe_string`], which only two places do: the inline SVG charts
//! ([`charts`], whose every text is escaped as it is built) and the stylesheet [`CSS`].

use std::sync::OnceLock;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, State};

pub mod charts;
mod dashboard;
mod field;
mod report;
pub mod words;

pub use dashboard::{DashboardSet, dashboard};
pub use field::{FieldDataset, field_page};
pub use report::{ReportInput, report};

/// The stylesheet every page inlines (pages are self-contained: no external asset).
pub const CSS: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;margin:2rem auto;max-width:1300px;color:#212121;padding:0 1rem}
h1{margin-bottom:.2rem}.sub{color:#616161;margin-top:0}
.headline{display:flex;gap:2rem;align-items:center;margin:1rem 0}
.grade{font-size:3rem;font-weight:700;width:4.5rem;height:4.5rem;display:flex;align-items:center;justify-content:center;border-radius:.5rem;color:#fff}
.grade-A{background:#2e7d32}.grade-B{background:#9e9d24}.grade-C{background:#ef6c00}.grade-D{background:#c62828}
.score{font-size:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #e0e0e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.85rem;overflow-wrap:break-word}code.hash{word-break:break-all}code.value{word-break:keep-all;overflow-wrap:break-word}.nowrap{white-space:nowrap}table.samples{font-size:.8rem;margin:0;width:auto}table.samples td,table.samples th{white-space:nowrap}table.samples td:last-child{white-space:normal;min-width:8rem}
nav#site-nav{font-size:.9rem;margin-bottom:1rem;display:flex;flex-wrap:wrap;gap:.3rem 1rem}nav#site-nav .docs{margin-left:auto;color:#616161}table.about th{width:12rem}.guards{color:#616161;font-size:.85rem}.keys{font-size:.9rem}svg.histogram text{font-family:system-ui,sans-serif}
.status-fail,.status-error{color:#c62828;font-weight:600}.status-warn{color:#ef6c00;font-weight:600}
.conformance{padding:.4rem .7rem;border-radius:.3rem;margin:.5rem 0}.conformance.ok{background:#e8f5e9}.conformance.deviates{background:#fff3e0}
@media print{body{margin:0;max-width:none}nav#site-nav{display:none}section{break-inside:avoid-page}th{background:#eee !important;-webkit-print-color-adjust:exact;print-color-adjust:exact}.grade{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_formatter(format_value);
        for (name, source) in [
            ("report.html", include_str!("../../templates/report.html")),
            (
                "dashboard.html",
                include_str!("../../templates/dashboard.html"),
            ),
            ("field.html", include_str!("../../templates/field.html")),
        ] {
            env.add_template(name, source)
                .expect("the bundled templates parse (checked by the tests)");
        }
        env
    })
}

/// Writes a value: safe strings as they are, everything else through the project's one HTML
/// escape (so pages escape exactly as before templates, `'` as `&#39;`, `/` left alone).
fn format_value(
    out: &mut minijinja::Output<'_>,
    state: &State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    let text = if value.is_none() || value.is_undefined() {
        String::new()
    } else if let Some(s) = value.as_str() {
        s.to_string()
    } else {
        value.to_string()
    };
    let escaped = if value.is_safe() || state.auto_escape() == AutoEscape::None {
        text
    } else {
        crate::escape::html(&text)
    };
    out.write_str(&escaped)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string()))
}

/// Renders a bundled template. A template error is a bug in the templates, so it is shown in
/// the page rather than hidden.
pub(crate) fn render(name: &str, context: Value) -> String {
    match environment()
        .get_template(name)
        .and_then(|t| t.render(context))
    {
        Ok(s) => s,
        Err(e) => format!(
            "<!doctype html>\n<p>template {name} failed: {}</p>\n",
            crate::escape::html(&e.to_string())
        ),
    }
}

/// The stylesheet as a value templates print unescaped.
pub(crate) fn css() -> Value {
    Value::from_safe_string(CSS.to_string())
}
