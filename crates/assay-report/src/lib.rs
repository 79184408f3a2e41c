//! Assay's report formats, one module each: what a validation [`Report`] (or a catalog of them)
//! looks like to a person or a tool. Libraries return text; the CLI decides where it goes.
//!
//! - [`text`]: the terminal;
//! - [`junit`], [`sarif`], [`github`]: CI systems and code scanning;
//! - [`markdown`]: pull requests;
//! - [`profile`]: a column profile as terminal text;
//! - [`html`]: the self-contained report page, the catalog dashboard and the field pages, from
//!   templates under `templates/` with HTML autoescape on: a value reaches a page unescaped only
//!   through an explicit safe marking (the inline SVG charts and the stylesheet, in
//!   `html/charts.rs` and `html/mod.rs`);
//! - [`i18n`]: every label in English and Chinese, as one table.
//!
//! Adding a format: a module here and a value of the CLI's `ReportFormat`.

use assay_model::report::{CheckResult, CheckStatus, Report, ResourceReport};

pub mod escape;
pub mod github;
pub mod html;
pub mod i18n;
pub mod junit;
mod locate;
pub mod markdown;
pub mod profile;
pub mod sarif;
pub mod text;

/// The language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

/// Where a page of a published site sits among its language versions: the suffix of its
/// file names (`""` for the site's first language, `".zh"` for Chinese beside English) and the
/// file name of the same page in the other language, when the site has both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SitePage {
    /// Inserted before `.html` in every link to another page of the site.
    pub suffix: String,
    /// The other language's suffix, when the site has both.
    pub other_suffix: Option<String>,
}

impl SitePage {
    /// `index` + suffix + `.html`, and so on.
    pub fn file(&self, stem: &str) -> String {
        format!("{stem}{}.html", self.suffix)
    }

    /// The file name of the page `stem` in the other language, when the site has both.
    pub fn alternate(&self, stem: &str) -> Option<String> {
        self.other_suffix
            .as_ref()
            .map(|sfx| format!("{stem}{sfx}.html"))
    }
}

impl Lang {
    /// The other language's name, written in that language (for a language switch).
    pub fn other_name(self) -> &'static str {
        match self {
            Lang::En => "中文",
            Lang::Zh => "English",
        }
    }

    /// The HTML `lang` attribute.
    pub fn html(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

/// A status as one lowercase word.
pub fn status_word(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Warn => "warn",
        CheckStatus::Fail => "fail",
        CheckStatus::Error => "error",
    }
}

/// Every check result that did not pass, or passed on part of the data only (some files
/// unreadable), with its resource, in report order.
pub fn not_passed(report: &Report) -> Vec<(&ResourceReport, &CheckResult)> {
    report
        .resources
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (r, c)))
        .filter(|(_, c)| c.status != CheckStatus::Pass || c.coverage.is_some())
        .collect()
}
