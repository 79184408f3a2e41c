//! Redaction of row-level values in everything that leaves the machine (`docs/security.md`).
//!
//! A value is *hidden* when its column is `personal`, when its column's `classification` (or,
//! without one, the dataset's `sensitivity`) is not `public`, and for every column of a dataset
//! that is not `public`. A hidden value is replaced by a token, `[redacted 0123456789abcdef]`:
//! the first 64 bits of HMAC-SHA256 of the value under the catalog's key. The same bad value gives
//! the same token across rows, runs and reports of one catalog, so it can still be recognised,
//! but the token does not reveal it to anyone without the key. The key is kept in
//! `<catalog>/.assay/redaction.key` (created on first use, never published) or given as 64 hex
//! digits in `ASSAY_REDACTION_KEY`.
//!
//! Files, row groups, row numbers and the values of key columns that are not themselves
//! personal (or confidential / restricted) stay: they are what an engineer needs to find the row.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::manifest::{Manifest, Sensitivity};
use crate::profile::Profile;
use crate::report::Report;

/// How a dataset's hidden values are redacted in what leaves the machine: its policy, and the
/// catalog's key when anything is hidden.
pub struct Redaction {
    policy: Policy,
    redactor: Option<Redactor>,
}

impl Redaction {
    /// The redaction of a dataset: nothing when every value is public; otherwise the catalog's
    /// key (made on first use). A key that cannot be read or made is an error (with its hint):
    /// nothing is to be written unredacted instead.
    pub fn of(loaded: &crate::LoadedManifest) -> Result<Redaction, String> {
        let policy = Policy::of(&loaded.manifest);
        if policy.is_empty() {
            return Ok(Redaction {
                policy,
                redactor: None,
            });
        }
        let root = key_root(&loaded.dir);
        match Redactor::for_root(&root) {
            Ok(r) => Ok(Redaction {
                policy,
                redactor: Some(r),
            }),
            Err(e) => Err(format!(
                "{e}\n  hint: values of data that is not public are redacted with the catalog's key; set {KEY_ENV} (64 hex digits) or make {} writable; nothing was written",
                key_path(&root).display()
            )),
        }
    }

    /// The report with every hidden value replaced by its token.
    pub fn report(&self, loaded: &crate::LoadedManifest, report: &Report) -> Report {
        let mut out = report.clone();
        if let Some(r) = &self.redactor {
            self::report(&mut out, &loaded.manifest, &self.policy, r);
        }
        out
    }

    /// Column profiles with the values of hidden columns replaced by their tokens.
    pub fn profiles(&self, profiles: &mut [(String, Result<Profile, String>)]) {
        if let Some(r) = &self.redactor {
            for (resource, p) in profiles.iter_mut() {
                if let Ok(p) = p {
                    self::profile(p, resource, &self.policy, r);
                }
            }
        }
    }
}

/// The environment variable that gives the key as 64 hex digits (for CI, where `.assay/` does
/// not persist between runs).
pub const KEY_ENV: &str = "ASSAY_REDACTION_KEY";

/// Where a redaction token starts.
pub const TOKEN_PREFIX: &str = "[redacted ";

/// Turns values into tokens under one key.
#[derive(Clone)]
pub struct Redactor {
    key: Vec<u8>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor { key: <hidden> }")
    }
}

impl Redactor {
    /// A redactor with this key.
    pub fn new(key: &[u8]) -> Redactor {
        Redactor { key: key.to_vec() }
    }

    /// `[redacted <16 hex>]` for `value`.
    pub fn token(&self, value: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!("{TOKEN_PREFIX}{}]", &crate::hex(&digest)[..16])
    }

    /// The catalog's redactor: the key from `ASSAY_REDACTION_KEY`, or from
    /// `<root>/.assay/redaction.key`, which is created (random, owner-only) when missing.
    pub fn for_root(root: &Path) -> Result<Redactor, String> {
        if let Ok(hex) = std::env::var(KEY_ENV) {
            return parse_key(hex.trim())
                .map(|k| Redactor::new(&k))
                .ok_or_else(|| format!("{KEY_ENV} is not 64 hex digits"));
        }
        let path = key_path(root);
        match std::fs::read_to_string(&path) {
            Ok(text) => parse_key(text.trim())
                .map(|k| Redactor::new(&k))
                .ok_or_else(|| {
                    format!(
                        "{} is not a redaction key (64 hex digits); delete it to make a new one",
                        path.display()
                    )
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(|e| format!("no random key: {e}"))?;
                write_key(&path, &key)?;
                Ok(Redactor::new(&key))
            }
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }
}

/// `<root>/.assay/redaction.key`.
pub fn key_path(root: &Path) -> PathBuf {
    root.join(".assay").join("redaction.key")
}

/// The folder whose key redacts a dataset's values: the catalog the dataset is in (the nearest
/// ancestor holding `fields.csv`), else the dataset folder itself.
pub fn key_root(dataset_dir: &Path) -> PathBuf {
    let abs = std::path::absolute(dataset_dir).unwrap_or_else(|_| dataset_dir.to_path_buf());
    abs.ancestors()
        .skip(1)
        .find(|a| a.join("fields.csv").is_file())
        .map(Path::to_path_buf)
        .unwrap_or(abs)
}

fn parse_key(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect()
}

fn write_key(path: &Path, key: &[u8]) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let tmp = dir.join(format!(".redaction.key.{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = options.open(&tmp)?;
        f.write_all(format!("{}\n", crate::hex(key)).as_bytes())?;
        f.sync_all()?;
        // Another process may have made the key meanwhile: keep theirs.
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        }
    };
    let result = write();
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| format!("{}: {e}", path.display()))
}

/// Which values of a dataset are hidden.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// The dataset is not public: every value is hidden.
    all: bool,
    /// (resource, column) whose values are hidden.
    hidden: BTreeSet<(String, String)>,
    /// (resource, column) whose values are hidden even as keys.
    hidden_keys: BTreeSet<(String, String)>,
    /// (resource, column) whose statistics (smallest, largest, most frequent values) are hidden:
    /// personal, or confidential / restricted by the column's or the dataset's classification.
    hidden_stats: BTreeSet<(String, String)>,
}

impl Policy {
    /// The policy of a manifest.
    pub fn of(m: &Manifest) -> Policy {
        let mut p = Policy {
            all: m.sensitivity != Sensitivity::Public,
            ..Policy::default()
        };
        for r in &m.resources {
            for f in &r.schema.fields {
                let class = f.classification.unwrap_or(m.sensitivity);
                let id = (r.name.clone(), f.name.clone());
                if f.personal || class != Sensitivity::Public {
                    p.hidden.insert(id.clone());
                }
                if f.personal
                    || matches!(class, Sensitivity::Confidential | Sensitivity::Restricted)
                {
                    p.hidden_stats.insert(id.clone());
                }
                if f.personal
                    || matches!(
                        f.classification,
                        Some(Sensitivity::Confidential | Sensitivity::Restricted)
                    )
                {
                    p.hidden_keys.insert(id);
                }
            }
        }
        p
    }

    /// Nothing is hidden.
    pub fn is_empty(&self) -> bool {
        !self.all && self.hidden.is_empty()
    }

    /// Values of `column` in `resource` are hidden.
    pub fn hides(&self, resource: &str, column: &str) -> bool {
        self.all
            || self
                .hidden
                .contains(&(resource.to_string(), column.to_string()))
    }

    /// Values of `column` are hidden even where they identify a row (key columns).
    pub fn hides_key(&self, resource: &str, column: &str) -> bool {
        self.hidden_keys
            .contains(&(resource.to_string(), column.to_string()))
    }

    /// The personal columns, as (resource, column).
    pub fn personal(m: &Manifest) -> Vec<(String, String)> {
        m.resources
            .iter()
            .flat_map(|r| {
                r.schema
                    .fields
                    .iter()
                    .filter(|f| f.personal)
                    .map(|f| (r.name.clone(), f.name.clone()))
            })
            .collect()
    }
}

/// Why a column looks like personal information: by its name, or by the patterns its profile
/// found (`email`, `cn_id`, `cn_mobile`). `assay init` marks such a column `personal: true`;
/// `assay profile` suggests it.
pub fn personal_reason(profile: &crate::profile::ColumnProfile) -> Option<String> {
    let by_pattern = profile.patterns.iter().find_map(|p| match p.kind.as_str() {
        "email" => Some("e-mail addresses"),
        "cn_id" => Some("resident ID numbers (GB 11643, check digits valid)"),
        "cn_mobile" => Some("mobile phone numbers"),
        _ => None,
    });
    match (by_pattern, crate::lint::looks_personal(&profile.name)) {
        (Some(p), _) => Some(format!("its values are {p}")),
        (None, Some(n)) => Some(format!("its name says {n}")),
        (None, None) => None,
    }
}

/// Replaces every hidden value in the report's samples (values, key values, and any note or
/// message that repeats one) by its token. Observed statistics of a hidden column are dropped.
pub fn report(report: &mut Report, m: &Manifest, policy: &Policy, r: &Redactor) {
    if policy.is_empty() {
        return;
    }
    for res in &mut report.resources {
        let key_columns: Vec<String> = m
            .resources
            .iter()
            .find(|x| x.name == res.name)
            .and_then(|x| x.schema.primary_key.as_ref())
            .map(|k| k.columns().iter().map(|c| c.to_string()).collect())
            .unwrap_or_default();
        for check in &mut res.checks {
            // A key column's values stay unless the key itself is hidden: they are what names the
            // row, and the sample's key shows them anyway.
            let hidden: Vec<bool> = check
                .columns
                .iter()
                .map(|c| {
                    let shown_as_key = key_columns.contains(c) && !policy.hides_key(&res.name, c);
                    policy.hides(&res.name, c) && !shown_as_key
                })
                .collect();
            // Values not tied to one column (schema items, table-level facts) are hidden when the
            // dataset is not public or any of the check's columns is hidden.
            let any = hidden.iter().any(|h| *h) || (policy.all && check.columns.is_empty());
            let mut originals: Vec<String> = Vec::new();
            for s in &mut check.samples {
                hide_values(s, &hidden, any, r, &mut originals);
                // A key shorter than the declared one (a file or table lacking a key column)
                // cannot be matched to its columns by position: every value of it is hidden
                // when any key column is.
                let unmatched = s.key.len() != key_columns.len()
                    && key_columns.iter().any(|c| policy.hides_key(&res.name, c));
                for (i, v) in s.key.iter_mut().enumerate() {
                    if unmatched
                        || key_columns
                            .get(i)
                            .is_some_and(|c| policy.hides_key(&res.name, c))
                    {
                        hide(v, r, &mut originals);
                    }
                }
                if let Some(note) = &mut s.note {
                    *note = replace_all(note, &originals, r);
                }
            }
            if let Some(msg) = &mut check.message {
                *msg = replace_all(msg, &originals, r);
            }
            if check.columns.iter().any(|c| policy.hides_key(&res.name, c)) {
                check.observed = None;
            }
        }
    }
    training(report, m, policy, r);
}

/// The training section's values, by the same rules: a sample value of a hidden column (of any
/// split's resource) by its token, and the label's values (its distribution, the balance
/// check's message and observed class) when the label is hidden.
fn training(report: &mut Report, m: &Manifest, policy: &Policy, r: &Redactor) {
    let (Some(t), Some(ml)) = (&mut report.training, &m.ml) else {
        return;
    };
    let resources: Vec<String> = ml
        .splits
        .declared()
        .iter()
        .map(|(_, s)| s.resource().to_string())
        .collect();
    let hides = |c: &str| resources.iter().any(|res| policy.hides(res, c));
    let mut labels: Vec<String> = Vec::new();
    if ml.label.as_ref().is_some_and(|l| hides(&l.column)) {
        for s in &mut t.splits {
            for l in &mut s.labels {
                hide(&mut l.label, r, &mut labels);
            }
        }
    }
    for check in &mut t.checks {
        let hidden: Vec<bool> = check.columns.iter().map(|c| hides(c)).collect();
        let any = hidden.iter().any(|h| *h) || policy.all;
        let mut originals: Vec<String> = labels.clone();
        // A value the check observed (the latest train time) is a value too.
        if any
            && let Some(serde_json::Value::Object(o)) = &check.observed
            && o.values().any(|v| v.is_string())
        {
            originals.extend(o.values().filter_map(|v| v.as_str().map(str::to_string)));
            check.observed = None;
        }
        for s in &mut check.samples {
            hide_values(s, &hidden, any, r, &mut originals);
        }
        for s in &mut check.samples {
            if let Some(note) = &mut s.note {
                *note = replace_all(note, &originals, r);
            }
        }
        if let Some(msg) = &mut check.message {
            *msg = replace_all(msg, &originals, r);
        }
        if !labels.is_empty() && check.kind == "label_balance" {
            check.observed = None;
        }
    }
}

/// Replaces a shown value by its token, and keeps the original, to find it again in notes and
/// messages.
fn hide(v: &mut String, r: &Redactor, originals: &mut Vec<String>) {
    if v != "null" && !v.starts_with(TOKEN_PREFIX) {
        originals.push(v.clone());
        *v = r.token(v);
    }
}

/// Hides a sample's values: by column where the sample has one value per column (`hidden`),
/// else every value when `any`.
fn hide_values(
    s: &mut crate::report::Sample,
    hidden: &[bool],
    any: bool,
    r: &Redactor,
    originals: &mut Vec<String>,
) {
    let per_column = s.values.len() == hidden.len();
    for (i, v) in s.values.iter_mut().enumerate() {
        if if per_column { hidden[i] } else { any } {
            hide(v, r, originals);
        }
    }
}

/// `text` with every occurrence of each original (longest first) replaced by its token.
fn replace_all(text: &str, originals: &[String], r: &Redactor) -> String {
    let mut sorted: Vec<&String> = originals.iter().filter(|o| !o.is_empty()).collect();
    sorted.sort_by_key(|o| std::cmp::Reverse(o.len()));
    sorted.dedup();
    let mut out = text.to_string();
    for o in sorted {
        if out.contains(o.as_str()) {
            out = out.replace(o.as_str(), &r.token(o));
        }
    }
    out
}

/// Replaces the values a column profile shows (smallest, largest, most frequent) of a personal,
/// confidential or restricted column by their tokens; counts, lengths, histograms of numbers and
/// pattern shapes stay. (The statistics of an `internal` dataset are not row-level values.)
pub fn profile(profile: &mut Profile, resource: &str, policy: &Policy, r: &Redactor) {
    for c in &mut profile.columns {
        if !policy
            .hidden_stats
            .contains(&(resource.to_string(), c.name.clone()))
        {
            continue;
        }
        for v in [&mut c.min, &mut c.max].into_iter().flatten() {
            *v = r.token(v);
        }
        for t in &mut c.top_values {
            t.value = r.token(&t.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_keyed_stable_and_reveal_nothing() {
        let a = Redactor::new(&[1; 32]);
        let b = Redactor::new(&[2; 32]);
        let t = a.token("li.wei@example.com");
        assert_eq!(t, a.token("li.wei@example.com"), "same value, same token");
        assert_ne!(t, a.token("li.wei@example.org"));
        assert_ne!(
            t,
            b.token("li.wei@example.com"),
            "another key, another token"
        );
        assert!(
            t.starts_with(TOKEN_PREFIX) && t.ends_with(']') && t.len() == 27,
            "{t}"
        );
        assert!(!t.contains("li.wei"));
        // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?").
        assert_eq!(
            Redactor::new(b"Jefe").token("what do ya want for nothing?"),
            "[redacted 5bdcc146bf60754e]"
        );
    }

    #[test]
    fn keys_are_made_once_kept_private_and_checked() {
        let dir = std::env::temp_dir().join(format!("assay-redact-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // SAFETY of the test: no other test in this crate reads the variable.
        let first = Redactor::for_root(&dir).unwrap();
        let second = Redactor::for_root(&dir).unwrap();
        assert_eq!(first.token("x"), second.token("x"), "the key persists");
        let path = key_path(&dir);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "owner only: {mode:o}");
        }
        std::fs::write(&path, "not a key").unwrap();
        let e = Redactor::for_root(&dir).unwrap_err();
        assert!(e.contains("not a redaction key"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
