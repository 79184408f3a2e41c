//! `assay init`: a manifest drafted from the data, in the manner of Deequ's constraint
//! suggestion. Every suggested check carries a comment with its evidence; checks that only
//! restate what this sample of data happened to hold are `warn`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use arrow::datatypes::DataType;
use assay_model::manifest::Field;

use crate::profile::{ColumnProfile, Profile, ProfileOptions, profile};

mod robust;

use robust::{is_event_time, robust_bounds, suspected_typos};

/// What the draft needs besides the data.
#[derive(Debug, Clone)]
pub struct DraftOptions {
    /// Dataset name.
    pub name: String,
    /// Industrial field code.
    pub field: String,
    /// Reference time (microseconds since the epoch) for freshness suggestions.
    pub now_us: i64,
    /// Profiling settings.
    pub profile: ProfileOptions,
}

/// One resource of the draft: files of one schema.
struct Group {
    name: String,
    path: String,
    files: Vec<(String, PathBuf)>,
}

fn resource_name(stem: &str) -> String {
    let lower = stem.to_ascii_lowercase();
    let trimmed = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    let base = if trimmed.is_empty() { &lower } else { trimmed };
    let name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        name
    } else {
        format!("r{name}")
    }
}

/// Groups the Parquet files under `dir` by Arrow schema and picks each group's path pattern.
fn groups(dir: &Path) -> Result<Vec<Group>, String> {
    let mut files = Vec::new();
    for entry in walkdir(dir)? {
        files.push(entry);
    }
    if files.is_empty() {
        return Err(format!("no .parquet files under {}", dir.display()));
    }
    let mut by_schema: Vec<(arrow::datatypes::SchemaRef, Vec<(String, PathBuf)>)> = Vec::new();
    for (rel, path) in files {
        let f = crate::source::Source::open_path(&path).map_err(|e| format!("{rel}: {e}"))?;
        let len = f.len();
        let meta = crate::footer::load(&f, len)
            .map_err(|e| format!("{rel}: not a readable Parquet file: {e}"))?;
        match by_schema
            .iter_mut()
            .find(|(s, _)| s.fields() == meta.schema().fields())
        {
            Some((_, v)) => v.push((rel, path)),
            None => by_schema.push((meta.schema().clone(), vec![(rel, path)])),
        }
    }
    let all: Vec<String> = by_schema
        .iter()
        .flat_map(|(_, v)| v.iter().map(|(r, _)| r.clone()))
        .collect();
    let mut out: Vec<Group> = Vec::new();
    for (_, files) in by_schema {
        let first = &files[0].0;
        let (folder, stem) = match first.rsplit_once('/') {
            Some((d, f)) => (format!("{d}/"), f.trim_end_matches(".parquet").to_string()),
            None => (
                String::new(),
                first.trim_end_matches(".parquet").to_string(),
            ),
        };
        let mut name = resource_name(&stem);
        while out.iter().any(|g| g.name == name) {
            name.push_str("-2");
        }
        let path = if files.len() == 1 {
            literal(first)
        } else {
            // The longest common prefix of the names in one folder, then `*.parquet`, if that
            // glob matches exactly this group's files.
            let names: Vec<&str> = files.iter().map(|(r, _)| r.as_str()).collect();
            let mut prefix = names[0].to_string();
            for n in &names[1..] {
                while !n.starts_with(&prefix) {
                    prefix.pop();
                }
            }
            // Cut back to a stable stem (`readings-2025-0` → `readings-`) so the glob also
            // takes the next month's file.
            let stem = prefix
                .strip_prefix(&folder)
                .unwrap_or(&prefix)
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
            let stem = match prefix
                .strip_prefix(&folder)
                .unwrap_or(&prefix)
                .get(..stem.len() + 1)
            {
                Some(with_sep) if with_sep.ends_with(['-', '_']) => with_sep,
                _ => stem,
            };
            let glob = format!("{}*.parquet", literal(&format!("{folder}{stem}")));
            let matcher = globset::GlobBuilder::new(&glob)
                .literal_separator(true)
                .build()
                .map(|g| g.compile_matcher());
            match matcher {
                Ok(m)
                    if all.iter().filter(|r| m.is_match(r)).count() == files.len()
                        && names.iter().all(|n| m.is_match(n)) =>
                {
                    glob
                }
                _ => String::new(),
            }
        };
        out.push(Group { name, path, files });
    }
    Ok(out)
}

fn walkdir(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    // A dataset folder under a storage.yaml root: its data is the objects under
    // ROOT/<folder>/ (docs/storage.md), named by their relative paths as on disk.
    if assay_model::paths::data_in_store(dir) {
        let (files, _) =
            assay_storage::resolve(dir, &["**/*.parquet"]).map_err(|e| e.to_string())?;
        return Ok(files.into_iter().map(|f| (f.rel, f.path)).collect());
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for e in entries {
            let e = e.map_err(|e| e.to_string())?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let ft = e.file_type().map_err(|e| e.to_string())?;
            if ft.is_dir() {
                stack.push(e.path());
            } else if ft.is_file() && name.ends_with(".parquet") {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or(name);
                out.push((rel, e.path()));
            }
        }
    }
    out.sort();
    Ok(out)
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A YAML double-quoted scalar: JSON's escaping, plus DEL and the C1 controls, which YAML
/// forbids raw.
fn json(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut out = String::with_capacity(quoted.len());
    for ch in quoted.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&ch) {
            out.push_str(&format!("\\u{:04x}", ch as u32));
        } else {
            out.push(ch);
        }
    }
    out
}

/// Text for a `#` comment: control characters (a stray `\r`, a newline in a value) are written
/// as escapes so they cannot end the comment and inject YAML.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A literal file path as a resource path: glob characters are put in classes (`[[]`), so
/// `run[1].parquet` names that file and nothing else.
fn literal(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '*' | '?' | '[' | ']' | '{' | '}' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

/// A field as one YAML flow mapping.
fn field_yaml(f: &Field) -> String {
    let mut v = serde_json::to_value(f).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !x.is_null() && x != &serde_json::json!({}));
    }
    serde_json::to_string(&v).unwrap_or_default()
}

/// Rounds a bound outward to two significant digits of the margin.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    let span = hi - lo;
    let margin = if span > 0.0 {
        span * 0.1
    } else {
        (lo.abs() * 0.1).max(1.0)
    };
    let step = 10f64.powf(margin.log10().floor() - 1.0);
    // The epsilon keeps 0.7 / 0.01 = 69.99999999999999 from flooring to 69.
    let lo2 = clean(((lo - margin) / step + 1e-9).floor() * step);
    let hi2 = clean(((hi + margin) / step - 1e-9).ceil() * step);
    if lo.fract() == 0.0 && hi.fract() == 0.0 {
        (lo2.floor(), hi2.ceil())
    } else {
        (lo2, hi2)
    }
}

fn clean(v: f64) -> f64 {
    // Drop binary noise such as 0.30000000000000004, keeping 12 significant digits (so tiny
    // magnitudes such as 3e-11 survive).
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// Four significant digits, for evidence in comments.
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return num(v);
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    num(format!("{v:.digits$}").parse().unwrap_or(v))
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else if v != 0.0 && (v.abs() >= 1e15 || v.abs() < 1e-4) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The checks suggested for one column, each with its comment.
fn suggest(
    c: &ColumnProfile,
    dt: &DataType,
    rows: u64,
    now_us: i64,
    flags: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let col = json(&c.name);
    let value_type = match dt {
        DataType::Dictionary(_, v) => v.as_ref(),
        other => other,
    };
    let nested = matches!(
        value_type,
        DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) | DataType::Map(_, _)
    );
    if rows > 0 && c.null_count == Some(0) && !nested {
        out.push((
            format!("0 nulls in {} rows", thousands(rows)),
            format!("{{check: not_null, column: {col}}}"),
        ));
    }
    let Some(d) = c.distinct else { return out };
    let Some(nulls) = c.null_count else {
        return out;
    };
    let non_null = rows - nulls.min(rows);
    if !d.estimated && d.count == non_null && non_null > 1 {
        out.push((
            format!(
                "{} distinct values in {} non-null rows",
                thousands(d.count),
                thousands(non_null)
            ),
            format!("{{check: unique, column: {col}}}"),
        ));
    }
    let is_string = matches!(
        value_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    );
    if is_string && !d.estimated && d.count >= 1 && d.count <= 20 && d.count * 10 <= non_null {
        let typos = suspected_typos(c, non_null);
        for (rare, n, near, m) in &typos {
            flags.push(format!(
                "{}: `{rare}` ({} row(s)) looks like a typo of `{near}` ({} rows); left out of the code list",
                c.name,
                thousands(*n),
                thousands(*m)
            ));
        }
        let mut values: Vec<&str> = c
            .top_values
            .iter()
            .map(|t| t.value.as_str())
            .filter(|v| !typos.iter().any(|(rare, ..)| rare == v))
            .collect();
        if c.top_values.len() as u64 == d.count {
            values.sort();
            let evidence: Vec<String> = c
                .top_values
                .iter()
                .map(|t| format!("{} ({})", t.value, thousands(t.count)))
                .collect();
            let mut why = format!("{} distinct values: {}", d.count, evidence.join(", "));
            for (rare, _, near, _) in &typos {
                let _ = write!(
                    why,
                    "; suspected typo `{rare}` (rare, close to `{near}`) left out"
                );
            }
            // Suspected typos fail: a code list that allowed them would hide them.
            let severity = if typos.is_empty() {
                ", severity: warn"
            } else {
                ""
            };
            out.push((
                why,
                format!(
                    "{{check: in_set, column: {col}, values: [{}]{severity}}}",
                    values
                        .iter()
                        .map(|v| json(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    if is_string
        && let Some(p) = c
            .patterns
            .iter()
            .find(|p| p.kind != "shape")
            .or_else(|| c.patterns.first())
    {
        let mostly = (p.fraction * 1000.0).floor() / 1000.0;
        let mostly_text = if p.fraction < 1.0 {
            format!(", mostly: {mostly}")
        } else {
            String::new()
        };
        out.push((
            format!(
                "{:.2}% of non-null rows match ({})",
                p.fraction * 100.0,
                p.kind.replace('_', " ")
            ),
            format!(
                "{{check: pattern, column: {col}, pattern: {}{mostly_text}, severity: warn}}",
                json(&p.regex)
            ),
        ));
    }
    let integer = crate::profile::fits_i64(value_type);
    let numeric = integer
        || matches!(
            value_type,
            DataType::UInt64 | DataType::Float32 | DataType::Float64
        );
    let robust = if numeric && d.count >= 2 {
        robust_bounds(c, integer)
    } else {
        None
    };
    if let Some(r) = &robust {
        let (lo, hi) = (num(r.lo), num(r.hi));
        let mut why = format!(
            "1st to 99th percentile {} to {}, widened by that width each side (never inside Tukey's far-out fences, quartiles {} and {} \u{b1} 3 IQR)",
            sig(r.p01),
            sig(r.p99),
            sig(r.q1),
            sig(r.q3)
        );
        if let Some(reason) = &r.non_negative {
            let _ = write!(why, "; floored at 0: {reason}");
        }
        let observed = (c.min.as_deref(), c.max.as_deref());
        if let (Some(min), Some(max)) = observed {
            let _ = write!(why, "; observed {min} to {max}");
        }
        let outside = |v: Option<&str>, below: bool| {
            v.and_then(|v| v.parse::<f64>().ok())
                .is_some_and(|v| if below { v < r.lo } else { v > r.hi })
        };
        let flagged = outside(observed.0, true) || outside(observed.1, false);
        if flagged {
            let _ = write!(
                why,
                "; the values outside are suspected defects, so this check is an error"
            );
            flags.push(format!(
                "{}: observed {} to {}, drafted range {lo} to {hi}; the values outside are suspected outliers and fail",
                c.name,
                observed.0.unwrap_or("?"),
                observed.1.unwrap_or("?"),
            ));
        }
        let severity = if flagged { "" } else { ", severity: warn" };
        out.push((
            why,
            format!("{{check: range, column: {col}, min: {lo}, max: {hi}{severity}}}"),
        ));
    }
    let bounds = if !numeric || d.count < 2 || robust.is_some() {
        None
    } else if integer {
        // Exact integer arithmetic: an f64 would round values beyond 2^53.
        let lo: Option<i128> = c.min.as_deref().and_then(|v| v.parse().ok());
        let hi: Option<i128> = c.max.as_deref().and_then(|v| v.parse().ok());
        lo.zip(hi).map(|(lo, hi)| {
            let margin = ((hi - lo) / 10).max(1);
            let clamp = |v: i128| v.clamp(i64::MIN as i128, i64::MAX as i128);
            (
                lo.to_string(),
                hi.to_string(),
                clamp(lo - margin).to_string(),
                clamp(hi + margin).to_string(),
            )
        })
    } else {
        let lo = c
            .min
            .as_deref()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite());
        let hi = c
            .max
            .as_deref()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite());
        lo.zip(hi).and_then(|(lo, hi)| {
            let (a, b) = widen(lo, hi);
            // The bounds must hold the data they came from, whatever the rounding did.
            let (a, b) = (a.min(lo), b.max(hi));
            (a.is_finite() && b.is_finite()).then(|| (num(lo), num(hi), num(a), num(b)))
        })
    };
    if let Some((lo, hi, a, b)) = bounds {
        out.push((
            format!("observed {lo} to {hi}; bounds widened by 10% of the range"),
            format!("{{check: range, column: {col}, min: {a}, max: {b}, severity: warn}}"),
        ));
    }
    if let Some(m) = &c.monotonic
        && d.count > 1
        && (m == "increasing" || m == "strictly_increasing")
        && !nested
    {
        out.push((
            format!("{} in file order", m.replace('_', " ")),
            format!(
                "{{check: monotonic, column: {col}{}, severity: warn}}",
                if m == "strictly_increasing" {
                    ", strict: true"
                } else {
                    ""
                }
            ),
        ));
    }
    let temporal = matches!(
        value_type,
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64
    );
    if temporal && c.max_micros.is_some() && !is_event_time(&c.name) {
        flags.push(format!(
            "{}: no freshness check; the name does not read as the time of an event (an old manufacture or install date is not stale data)",
            c.name
        ));
    }
    if temporal
        && is_event_time(&c.name)
        && let Some(newest) = c.max_micros
    {
        let age_days = ((now_us - newest).max(0) as f64 / 86_400e6).ceil() as u64;
        let max_age = (age_days * 2).max(1);
        out.push((
            format!(
                "newest value {}, {} day(s) before the reference time; twice that allowed",
                c.max.as_deref().unwrap_or("?"),
                age_days
            ),
            format!("{{check: freshness, column: {col}, maxAge: P{max_age}D, severity: warn}}"),
        ));
    }
    out
}

/// A drafted manifest and what drafting flagged in the data.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The manifest text.
    pub text: String,
    /// Suspected defects and choices the user should review, `resource.column: …`, in manifest
    /// order.
    pub flags: Vec<String>,
}

/// The draft manifest for the dataset folder `dir`.
pub fn draft(dir: &Path, options: &DraftOptions) -> Result<Draft, String> {
    let groups = groups(dir)?;
    let mut y = String::new();
    let mut flags = Vec::new();
    let file_count: usize = groups.iter().map(|g| g.files.len()).sum();
    let _ = writeln!(
        y,
        "# Drafted by `assay init` from {file_count} Parquet file(s). Review every line: each check says"
    );
    let _ = writeln!(
        y,
        "# what it was suggested from; those that restate this sample of data are `warn`."
    );
    let _ = writeln!(y, "assay: 1");
    let _ = writeln!(y, "name: {}", json(&options.name));
    let _ = writeln!(y, "version: 0.1.0");
    let _ = writeln!(y, "field: {}", json(&options.field));
    let _ = writeln!(y, "sensitivity: internal");
    let _ = writeln!(y, "resources:");
    for g in &groups {
        let p: Profile = profile(&g.files, &options.profile)?;
        let meta = {
            let f = crate::source::Source::open_path(&g.files[0].1)?;
            let len = f.len();
            crate::footer::load(&f, len)?
        };
        let fields = crate::infer::infer_fields(meta.schema().fields().iter());
        let _ = writeln!(y, "  - name: {}", json(&g.name));
        if g.path.is_empty() {
            let _ = writeln!(y, "    path:");
            for (rel, _) in &g.files {
                let _ = writeln!(y, "      - {}", json(&literal(rel)));
            }
        } else {
            let _ = writeln!(y, "    path: {}", json(&g.path));
        }
        let _ = writeln!(y, "    schema:");
        let _ = writeln!(y, "      fieldsMatch: exact");
        let _ = writeln!(y, "      fields:");
        for f in &fields {
            let mut f = f.clone();
            if let Some(why) = p
                .columns
                .iter()
                .find(|c| c.name == f.name)
                .and_then(assay_model::redact::personal_reason)
            {
                let _ = writeln!(
                    y,
                    "        # personal: {why} (redacted outside your terminal)"
                );
                f.personal = true;
            }
            let _ = writeln!(y, "        - {}", field_yaml(&f));
        }
        let _ = writeln!(y, "    checks:");
        let _ = writeln!(
            y,
            "      # {} rows in {} file(s); the band allows half to twice as many",
            thousands(p.rows),
            g.files.len()
        );
        let _ = writeln!(
            y,
            "      - {{check: row_count, min: {}, max: {}, severity: warn}}",
            p.rows / 2,
            p.rows.saturating_mul(2).max(1)
        );
        let types: BTreeMap<&str, &DataType> = meta
            .schema()
            .fields()
            .iter()
            .map(|f| (f.name().as_str(), f.data_type()))
            .collect();
        for c in &p.columns {
            let Some(dt) = types.get(c.name.as_str()) else {
                continue;
            };
            // A personal column's values stay out of the manifest (it is published): no code
            // list or bound quoting them.
            let personal = assay_model::redact::personal_reason(c).is_some();
            let quoted: Vec<&str> = c
                .top_values
                .iter()
                .map(|t| t.value.as_str())
                .chain(c.min.as_deref())
                .chain(c.max.as_deref())
                .filter(|v| v.chars().count() >= 4)
                .collect();
            let mut column_flags = Vec::new();
            let suggested = suggest(c, dt, p.rows, options.now_us, &mut column_flags);
            flags.extend(column_flags.into_iter().map(|f| format!("{}.{f}", g.name)));
            for (text, check) in suggested {
                if personal && quoted.iter().any(|v| text.contains(v) || check.contains(v)) {
                    continue;
                }
                let _ = writeln!(y, "      # {}", comment(&format!("{}: {text}", c.name)));
                let _ = writeln!(y, "      - {check}");
            }
        }
        for key in p.candidate_keys.iter().filter(|k| k.len() > 1) {
            let _ = writeln!(
                y,
                "      # {}",
                comment(&format!(
                    "no two of the {} rows share ({}), and neither column is unique alone",
                    thousands(p.rows),
                    key.join(", ")
                ))
            );
            let _ = writeln!(
                y,
                "      - {{check: unique_key, columns: [{}]}}",
                key.iter().map(|c| json(c)).collect::<Vec<_>>().join(", ")
            );
        }
    }
    Ok(Draft { text: y, flags })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_bounds() {
        assert_eq!(resource_name("readings-2025-06"), "readings");
        assert_eq!(resource_name("AOI Results"), "aoi-results");
        assert_eq!(resource_name("2025"), "2025");
        assert_eq!(widen(1.0, 4.0), (0.0, 5.0));
        assert_eq!(widen(0.5, 2.0), (0.35, 2.15));
        assert_eq!(widen(-113.0, 129.5), (-138.0, 154.0));
        assert_eq!(widen(5.0, 5.0), (4.0, 6.0));
        assert_eq!(thousands(20_000_000), "20,000,000");
        // Tiny magnitudes keep their digits; the bounds hold the data.
        let (a, b) = widen(3e-11, 5e-11);
        assert!(a < 3e-11 && a > 0.0 && b > 5e-11, "{a} {b}");
        assert_eq!(num(2.8e-11), "2.8e-11");
        assert_eq!(
            literal("data/run[1]*.parquet"),
            "data/run[[]1[]][*].parquet"
        );
        let m = globset::GlobBuilder::new(&literal("data/run[1]*{a}.parquet"))
            .literal_separator(true)
            .build()
            .unwrap()
            .compile_matcher();
        assert!(m.is_match("data/run[1]*{a}.parquet"));
        assert!(!m.is_match("data/run1x{a}.parquet"));
        assert_eq!(comment("PASS\r\nx: 1"), "PASS\\r\\nx: 1");
        assert_eq!(json("a\u{85}b"), "\"a\\u0085b\"");
    }
    #[test]
    fn event_times_and_robust_bounds() {
        for event in [
            "ts",
            "inspected_at",
            "event_time",
            "reading_date",
            "interval_start_ts",
        ] {
            assert!(is_event_time(event), "{event}");
        }
        for fixed in ["manufacture_date", "install_date", "mfg_date", "serial"] {
            assert!(!is_event_time(fixed), "{fixed}");
        }
        let mut c = ColumnProfile {
            name: "load_kn".into(),
            ..Default::default()
        };
        for (k, v) in [
            ("0.01", 6.0),
            ("0.25", 10.0),
            ("0.75", 14.0),
            ("0.99", 18.0),
        ] {
            c.quantiles.insert(k.into(), v);
        }
        c.min = Some("-15".into());
        c.max = Some("500".into());
        let r = robust_bounds(&c, false).unwrap();
        // Not min and max; floored at 0 because 99% of the data is 0 or more.
        assert_eq!((r.lo, r.hi), (0.0, 30.0));
        assert!(r.non_negative.is_some());
        c.name = "vibration_rms".into();
        assert!(
            robust_bounds(&c, false)
                .unwrap()
                .non_negative
                .unwrap()
                .contains("rms")
        );
    }
}
