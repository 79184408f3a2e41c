//! `assay diff`: what changed between two versions of a dataset's manifest, each change
//! classified for the people who use the data.
//!
//! - **breaking**: a user of the old version can be hurt: a resource or column removed or
//!   renamed, a type narrowed or changed, a unit changed, a column made required, a key changed,
//!   a check added or tightened (a narrower range, a code removed from a set, `mostly` raised, a
//!   warning made an error), the licence changed, the sensitivity raised;
//! - **compatible**: the opposite moves: something added that nobody relied on, a type
//!   widened, a check removed or loosened;
//! - **informational**: titles, descriptions, keywords, owner, paths, the version itself.
//!
//! Every change names the rule that decided it (`column-removed`, `check-tightened`, …);
//! `docs/diff.md` lists them, and `fixtures/diff/<rule>/` holds one case per rule.
//!
//! The version verdict follows semantic versioning: a breaking change needs a new major
//! version (a new minor one below 1.0.0, as Cargo reads 0.x), a compatible one a new minor.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::manifest::{Manifest, Resource};

mod rules;

use rules::{dataset, resource};

/// How a change affects the users of the old version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Can break a user of the old version.
    Breaking,
    /// Adds or relaxes; users of the old version are unaffected.
    Compatible,
    /// Describes; changes nothing a program reads.
    Informational,
}

impl Class {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Compatible => "compatible",
            Class::Informational => "informational",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Breaking, compatible or informational.
    pub class: Class,
    /// The rule that decided it, e.g. `column-removed`.
    pub rule: &'static str,
    /// Where: `resource`, `resource.column`, `resource.check`, or a dataset key.
    pub at: String,
    /// What changed, old → new.
    pub message: String,
}

/// The bump a set of changes needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Informational changes only.
    Patch,
    /// Compatible changes.
    Minor,
    /// Breaking changes.
    Major,
}

/// The diff of two manifests.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Dataset name, old and new.
    pub old_name: String,
    pub new_name: String,
    /// Versions, old and new.
    pub old_version: String,
    pub new_version: String,
    /// Every change, breaking first, then by place.
    pub changes: Vec<Change>,
    /// The bump the changes need.
    pub required_bump: Bump,
    /// The bump the versions show.
    pub actual_bump: Bump,
    /// `actual_bump` is at least `required_bump` (semantic versioning).
    pub version_ok: bool,
}

impl Diff {
    /// Changes of one class.
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }
}

pub(crate) struct Differ {
    changes: Vec<Change>,
}

impl Differ {
    pub(crate) fn push(&mut self, class: Class, rule: &'static str, at: &str, message: String) {
        self.changes.push(Change {
            class,
            rule,
            at: at.to_string(),
            message,
        });
    }
}

/// Compact JSON of a value, for messages.
pub(crate) fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

pub(crate) fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// `a < b` for bounds: numbers numerically, text (dates, times) as text.
pub(crate) fn less(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => Some(num(a)? < num(b)?),
        (Value::String(x), Value::String(y)) => Some(x < y),
        _ => None,
    }
}

/// Diffs two manifests: `old` the version users have, `new` the proposed one.
pub fn diff(old: &Manifest, new: &Manifest) -> Diff {
    let mut d = Differ {
        changes: Vec::new(),
    };
    dataset(&mut d, old, new);
    let old_r: BTreeMap<&str, &Resource> =
        old.resources.iter().map(|r| (r.name.as_str(), r)).collect();
    let new_r: BTreeMap<&str, &Resource> =
        new.resources.iter().map(|r| (r.name.as_str(), r)).collect();
    for (name, r) in &old_r {
        match new_r.get(name) {
            None => d.push(
                Class::Breaking,
                "resource-removed",
                name,
                format!("resource `{name}` removed"),
            ),
            Some(n) => resource(&mut d, r, n),
        }
    }
    for name in new_r.keys().filter(|n| !old_r.contains_key(*n)) {
        d.push(
            Class::Compatible,
            "resource-added",
            name,
            format!("resource `{name}` added"),
        );
    }
    let mut changes = d.changes;
    changes.sort_by(|a, b| (a.class, &a.at, a.rule).cmp(&(b.class, &b.at, b.rule)));
    let required_bump = if changes.iter().any(|c| c.class == Class::Breaking) {
        Bump::Major
    } else if changes.iter().any(|c| c.class == Class::Compatible) {
        Bump::Minor
    } else if changes.is_empty() {
        Bump::None
    } else {
        Bump::Patch
    };
    let (actual_bump, version_ok) = versions(&old.version, &new.version, required_bump);
    Diff {
        old_name: old.name.clone(),
        new_name: new.name.clone(),
        old_version: old.version.clone(),
        new_version: new.version.clone(),
        changes,
        required_bump,
        actual_bump,
        version_ok,
    }
}

/// The folder, inside a dataset's folder, that keeps its earlier versions (`assay accept`).
pub const VERSIONS_DIR: &str = ".versions";

/// A dataset's history: the diff between each pair of consecutive versions, newest first,
/// from the versions kept under `<dir>/.versions/<version>/` and `current`. Versions whose
/// manifest does not load, or whose version is not semantic, are left out.
pub fn version_history(dir: &std::path::Path, current: &Manifest) -> Vec<Diff> {
    let mut versions: Vec<(semver::Version, Manifest)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join(VERSIONS_DIR)) {
        for e in entries.flatten() {
            let manifest = crate::MANIFEST_FILE_NAMES
                .iter()
                .map(|n| e.path().join(n))
                .find(|p| p.is_file());
            if let Some(m) = manifest.and_then(|p| crate::lint::load(&p).ok())
                && let Ok(v) = semver::Version::parse(&m.manifest.version)
            {
                versions.push((v, m.manifest));
            }
        }
    }
    if versions.is_empty() {
        return Vec::new();
    }
    versions.sort_by(|a, b| a.0.cmp(&b.0));
    let mut chain: Vec<&Manifest> = versions.iter().map(|(_, m)| m).collect();
    chain.push(current);
    let mut out: Vec<Diff> = chain.windows(2).map(|w| diff(w[0], w[1])).collect();
    out.reverse();
    out
}

/// The bump from `old` to `new`, and whether it is enough for `required`. Below 1.0.0 the
/// places shift, as Cargo reads them: a new minor version may break, a new patch may add.
fn versions(old: &str, new: &str, required: Bump) -> (Bump, bool) {
    let (Ok(a), Ok(b)) = (semver::Version::parse(old), semver::Version::parse(new)) else {
        return (Bump::None, required <= Bump::None);
    };
    let actual = if b <= a {
        Bump::None
    } else if b.major > a.major {
        Bump::Major
    } else if b.minor > a.minor {
        Bump::Minor
    } else {
        Bump::Patch
    };
    let effective = if a.major == 0 && b.major == 0 {
        match actual {
            Bump::Minor => Bump::Major,
            Bump::Patch => Bump::Minor,
            other => other,
        }
    } else {
        actual
    };
    // Informational changes need no new version at all.
    let needed = if required == Bump::Patch {
        Bump::None
    } else {
        required
    };
    (actual, effective >= needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_semver() {
        assert_eq!(versions("1.2.3", "2.0.0", Bump::Major), (Bump::Major, true));
        assert_eq!(
            versions("1.2.3", "1.3.0", Bump::Major),
            (Bump::Minor, false)
        );
        assert_eq!(versions("1.2.3", "1.3.0", Bump::Minor), (Bump::Minor, true));
        assert_eq!(
            versions("1.2.3", "1.2.4", Bump::Minor),
            (Bump::Patch, false)
        );
        assert_eq!(versions("1.2.3", "1.2.3", Bump::Patch), (Bump::None, true));
        // Below 1.0.0 a new minor version may break.
        assert_eq!(versions("0.3.1", "0.4.0", Bump::Major), (Bump::Minor, true));
        assert_eq!(
            versions("0.3.1", "0.3.2", Bump::Major),
            (Bump::Patch, false)
        );
    }
}
