//! Lint rules about field standards: a manifest that declares `conformsTo` is compared with the
//! standard (every deviation a warning), and placeholders `assay new` left are named.

use super::semantics::Semantics;
use crate::standards::{self, Standard};

impl Semantics<'_> {
    /// Each deviation from the standard named in `conformsTo`, as a warning at what deviates.
    pub(super) fn conformance(&mut self) {
        let m = &self.loaded.manifest;
        let Some(c) = &m.conforms_to else { return };
        if self.registry.get(&c.standard).is_none() {
            return; // named as unknown-field already
        }
        let Some(standard) = standards::get(&c.standard) else {
            self.warn(
                "/conformsTo/standard",
                "conformance",
                format!("field `{}` has no standard to conform to", c.standard),
                None,
            );
            return;
        };
        let reference = match standard.manifest() {
            Ok(s) => s,
            Err(e) => {
                self.warn("/conformsTo", "conformance", e, None);
                return;
            }
        };
        let major = Standard::major(&reference);
        if c.version != major {
            self.warn(
                "/conformsTo/version",
                "conformance",
                format!(
                    "the {} standard is at version {major}; this manifest names version {}",
                    c.standard, c.version
                ),
                Some(format!(
                    "compare with `assay fields {}` and set `version: {major}`",
                    c.standard
                )),
            );
        }
        if c.standard != m.field {
            self.warn(
                "/conformsTo/standard",
                "conformance",
                format!(
                    "the dataset is in field `{}` but conforms to the standard of `{}`",
                    m.field, c.standard
                ),
                None,
            );
        }
        for d in standards::compare(m, &reference) {
            self.warn(
                &d.pointer,
                "conformance",
                format!("deviates from the {} standard: {}", c.standard, d.message),
                Some(format!(
                    "keep the standard's shape (`assay fields {}`), or drop `conformsTo`",
                    c.standard
                )),
            );
        }
    }

    /// Values still holding the `TODO` placeholders of `assay new`.
    pub(super) fn placeholders(&mut self) {
        let mut found = Vec::new();
        walk(&self.loaded.source.value, String::new(), &mut found);
        for pointer in found {
            let key = pointer.rsplit('/').next().unwrap_or_default().to_string();
            self.warn(
                &pointer,
                "placeholder",
                format!("`{key}` is still the placeholder `assay new` wrote"),
                Some("fill in the real value".into()),
            );
        }
    }
}

/// Pointers of string values that are `assay new` placeholders.
fn walk(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s)
            if s.starts_with("TODO") || s == "LicenseRef-TODO" || s == "todo@example.com" =>
        {
            out.push(at);
        }
        serde_json::Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                walk(x, format!("{at}/{i}"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                walk(
                    x,
                    format!("{at}/{}", crate::source::escape_pointer_token(k)),
                    out,
                );
            }
        }
        _ => {}
    }
}
