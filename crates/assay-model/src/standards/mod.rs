//! The field standards: for each of the 100 industrial fields, the reference dataset a
//! high-quality, AI-ready dataset of that field should look like (`docs/field-standards.md`).
//!
//! Their manifests live in the catalog, `catalog/<CODE>/<name>-standard/dataset.yaml`, with
//! `fieldStandard: true`; the binary carries a copy of each (written into [`list`] by
//! `cargo xtask standards`, kept in step with the catalog by a test), so `assay new`,
//! `assay fields <CODE>` and the conformance rules of `assay lint` work anywhere.
//!
//! - [`conformance`]: what a manifest that declares `conformsTo` drops or loosens.
//! - [`new_manifest`]: a standard turned into a starting manifest for `assay new`.

pub mod conformance;
mod list;
pub mod summary;

use crate::manifest::Manifest;

pub use conformance::{Deviation, compare};
pub use summary::{Summary, summarize};

/// One field's standard, as embedded in the binary.
#[derive(Debug)]
pub struct Standard {
    /// The field code (`IF-C345`).
    pub code: &'static str,
    /// The manifest's path in the repository (`catalog/IF-C345/…-standard/dataset.yaml`).
    pub path: &'static str,
    /// The manifest's text, comments included.
    pub text: &'static str,
}

/// Every field standard, by field code.
pub fn all() -> &'static [Standard] {
    &list::STANDARDS
}

/// The standard of a field.
pub fn get(code: &str) -> Option<&'static Standard> {
    all().iter().find(|s| s.code == code)
}

impl Standard {
    /// The parsed manifest. The embedded manifests are linted by the tests, so this fails only
    /// for a build whose catalog was edited into an invalid manifest.
    pub fn manifest(&self) -> Result<Manifest, String> {
        let doc = crate::source::parse(self.text.as_bytes())
            .map_err(|e| format!("{}: {}", self.path, e.message))?;
        serde_json::from_value(doc.value).map_err(|e| format!("{}: {e}", self.path))
    }

    /// The standard's major version (what `conformsTo.version` names).
    pub fn major(manifest: &Manifest) -> u32 {
        manifest
            .version
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(0)
    }
}

/// The one-line reasons written as `# Reason: …` comments above the checks of a manifest, per
/// resource and check, in the manifest's order. `None` where a check has no reason, and for
/// every check when the comments cannot be matched to the checks one for one.
pub fn reasons(text: &str, manifest: &Manifest) -> Vec<Vec<Option<String>>> {
    let mut found: Vec<Option<String>> = Vec::new();
    let mut pending: Option<String> = None;
    // The training checks under `ml:` are not the resources' checks.
    let mut in_ml = false;
    for line in text.lines() {
        if !line.starts_with([' ', '#']) && !line.is_empty() {
            in_ml = line.starts_with("ml:");
        }
        if in_ml {
            continue;
        }
        let t = line.trim_start();
        if let Some(r) = t.strip_prefix("# Reason:") {
            pending = Some(r.trim().to_string());
        } else if t.starts_with("- {check:") || t.starts_with("- check:") {
            found.push(pending.take());
        } else if !t.starts_with('#') {
            pending = None;
        }
    }
    let counts: Vec<usize> = manifest.resources.iter().map(|r| r.checks.len()).collect();
    if found.len() != counts.iter().sum::<usize>() {
        return counts.iter().map(|&n| vec![None; n]).collect();
    }
    let mut it = found.into_iter();
    counts
        .iter()
        .map(|&n| it.by_ref().take(n).collect())
        .collect()
}

/// The marker `assay new` puts on every value the user must fill in.
pub const TODO: &str = "TODO(assay new)";

/// A field standard turned into the starting manifest of a new dataset named `name`: it conforms
/// to the standard; name, version, owner, steward, licence, sensitivity, coverage and the
/// resource paths are placeholders marked `TODO(assay new)`; every comment (the checks'
/// reasons) is kept.
pub fn new_manifest(standard: &Standard, name: &str) -> Result<String, String> {
    let m = standard.manifest()?;
    let major = Standard::major(&m);
    let mut out = String::new();
    let push = |out: &mut String, s: &str| {
        out.push_str(s);
        out.push('\n');
    };
    push(
        &mut out,
        &format!(
            "# A dataset of field {code}, started from the {code} field standard v{major} by \
             `assay new`\n# ({path}).\n# Fill in every value marked {TODO}, point the resource \
             paths at your Parquet files,\n# then run `assay lint` and `assay validate`. \
             Columns and checks you drop or loosen are\n# reported by `assay lint` as \
             deviations from the standard.",
            code = standard.code,
            path = standard.path,
        ),
    );
    let mut skipping_header = true;
    for line in standard.text.lines() {
        if skipping_header && line.starts_with('#') {
            continue;
        }
        skipping_header = false;
        let key = line.split(':').next().unwrap_or("");
        match key {
            "name" => push(
                &mut out,
                &format!("name: {name}  # {TODO}: your dataset's name"),
            ),
            "title" => push(
                &mut out,
                &format!("title: \"TODO: the title of your dataset\"  # {TODO}"),
            ),
            "titleZh" => push(
                &mut out,
                &format!("titleZh: \"TODO: 数据集中文标题\"  # {TODO}"),
            ),
            "version" => push(&mut out, "version: 0.1.0"),
            "fieldStandard" => push(
                &mut out,
                &format!(
                    "conformsTo: {{standard: {}, version: {major}}}",
                    standard.code
                ),
            ),
            "description" | "descriptionZh" => {
                push(
                    &mut out,
                    &format!(
                        "# {TODO}: describe your data; the standard's text below is a starting point."
                    ),
                );
                push(&mut out, line);
            }
            "licenses" => push(
                &mut out,
                &format!("licenses: [{{name: LicenseRef-TODO}}]  # {TODO}: an SPDX identifier"),
            ),
            "owner" => push(
                &mut out,
                &format!(
                    "owner: {{organization: \"TODO: your organisation\", email: todo@example.com}}  # {TODO}"
                ),
            ),
            "steward" => push(
                &mut out,
                &format!(
                    "steward: {{role: \"TODO: data steward\", email: todo@example.com}}  # {TODO}"
                ),
            ),
            "sensitivity" => push(
                &mut out,
                &format!(
                    "sensitivity: internal  # {TODO}: `public` only if the data may be published"
                ),
            ),
            "temporal" => push(
                &mut out,
                &format!(
                    "# temporal: {{start: YYYY-MM-DD, end: YYYY-MM-DD}}  # {TODO}: the period your data covers"
                ),
            ),
            // The standard's splits cut its sample's period; a dataset's own period differs.
            _ if ["train:", "validation:", "test:"]
                .iter()
                .any(|k| line.trim_start().starts_with(k))
                && line.contains("filter:") =>
            {
                push(
                    &mut out,
                    &format!("{line}  # {TODO}: the boundaries of your data's period"),
                )
            }
            _ if line.trim_start().starts_with("path:") => push(
                &mut out,
                &format!("{line}  # {TODO}: your files, relative to this manifest (globs allowed)"),
            ),
            _ => push(&mut out, line),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
