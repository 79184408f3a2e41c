//! The published-site audit: no file of the site may contain a value of a personal column of
//! the data (`docs/security.md`). Every file is scanned as it is written; one finding refuses
//! the whole publish, and nothing is swapped in.

use aho_corasick::AhoCorasick;
use assay_model::redact::Policy;

use super::Error;
use super::cache::Published;

/// Values shorter than this are not looked for: a two-letter code can be in any page.
pub const MIN_CHARS: usize = 4;
/// Distinct values of one personal column looked for, at most.
pub const MAX_VALUES: usize = 1_000_000;

/// What to look for, and whose it is.
pub(crate) struct Audit {
    matcher: AhoCorasick,
    /// Per pattern: `dataset: resource.column`.
    owners: Vec<String>,
}

/// A value found in a file.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub file: String,
    pub column: String,
}

impl Audit {
    /// The values of every personal column of the datasets to publish, as written in pages
    /// (plain, HTML-escaped and JSON-escaped). `None` when no dataset has a personal column.
    pub(crate) fn of(published: &[Published]) -> Result<Option<Audit>, Error> {
        let mut patterns: Vec<String> = Vec::new();
        let mut owners: Vec<String> = Vec::new();
        for (loaded, _, _, report) in published {
            for (resource, column) in Policy::personal(&loaded.manifest) {
                let readable: std::collections::BTreeSet<&str> = report
                    .resources
                    .iter()
                    .filter(|r| r.name == resource)
                    .flat_map(|r| r.files.iter())
                    .filter(|f| f.error.is_none())
                    .map(|f| f.path.as_str())
                    .collect();
                // The files again (local, or objects in a store), those the validation read.
                let resource_patterns: Vec<&str> = loaded
                    .manifest
                    .resources
                    .iter()
                    .filter(|r| r.name == resource)
                    .flat_map(|r| r.path.patterns())
                    .collect();
                let (files, _) = assay_storage::resolve(&loaded.dir, &resource_patterns).map_err(|e| {
                    Error::Document(format!(
                        "{}: personal column `{resource}.{column}` could not be read for the audit: {e}",
                        loaded.manifest.name
                    ))
                })?;
                let files: Vec<_> = files
                    .into_iter()
                    .filter(|f| readable.contains(f.rel.as_str()))
                    .collect();
                let values = assay_validate::values::distinct_text_of(
                    &loaded.dir,
                    &files,
                    &column,
                    MIN_CHARS,
                    MAX_VALUES,
                )
                .map_err(|e| {
                            Error::Document(format!(
                                "{}: personal column `{resource}.{column}` could not be read for the audit: {e}",
                                loaded.manifest.name
                            ))
                        })?;
                let owner = format!("{}: {resource}.{column}", loaded.manifest.name);
                for v in values {
                    let mut forms = vec![v.clone()];
                    for f in [
                        assay_report::escape::html(&v),
                        serde_json::to_string(&v)
                            .map(|s| s[1..s.len() - 1].to_string())
                            .unwrap_or_default(),
                    ] {
                        if !f.is_empty() && !forms.contains(&f) {
                            forms.push(f);
                        }
                    }
                    for f in forms {
                        patterns.push(f);
                        owners.push(owner.clone());
                    }
                }
            }
        }
        if patterns.is_empty() {
            return Ok(None);
        }
        let matcher = AhoCorasick::new(&patterns)
            .map_err(|e| Error::Document(format!("the audit's matcher: {e}")))?;
        Ok(Some(Audit { matcher, owners }))
    }

    /// The first personal value in `bytes`, if any.
    pub(crate) fn scan(&self, file: &str, bytes: &[u8]) -> Option<Finding> {
        self.matcher.find(bytes).map(|m| Finding {
            file: file.to_string(),
            column: self.owners[m.pattern().as_usize()].clone(),
        })
    }
}
