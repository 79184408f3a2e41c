//! The validation history's vocabulary: one metric of one run, and the series and baselines
//! read from it. The Parquet files themselves are written and read by `assay-validate`.

use crate::report::Report;

/// The history folder, relative to the dataset folder.
pub const HISTORY_DIR: &str = ".assay/history";

/// One metric of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Run id.
    pub run: String,
    /// The run's reference time, µs since the epoch.
    pub now_us: i64,
    /// When the run was written, µs since the epoch: the order of runs.
    pub written_us: i64,
    /// The dataset digest the run read, when every file was read.
    pub digest: Option<String>,
    /// Resource name; empty for dataset-wide metrics.
    pub resource: String,
    /// `rows`, `null_rate`, `failing_fraction`, `dimension` or `score`.
    pub metric: String,
    /// Column, check or dimension name; empty when the metric has none.
    pub name: String,
    /// The value.
    pub value: f64,
}

/// The digest of a resource's files as read (`sha256:<hex>`, as in `dataset.lock`), when every
/// file was read.
pub fn resource_digest(files: &[crate::report::FileReport]) -> Option<String> {
    crate::report::files_digest(files)
}

/// The values a `change` or `anomaly` compares with: one per distinct data snapshot (the latest
/// run of each digest), oldest first, without the snapshot being validated now. Validating the
/// same data again, or a report re-validating it, neither repeats a value nor compares the data
/// with itself.
pub fn baseline(
    entries: &[Entry],
    resource: &str,
    metric: &str,
    name: &str,
    current_digest: Option<&str>,
) -> Vec<f64> {
    let mut out: Vec<(Option<&str>, f64)> = Vec::new();
    for e in entries
        .iter()
        .filter(|e| e.resource == resource && e.metric == metric && e.name == name)
    {
        let d = e.digest.as_deref();
        if d.is_some() && d == current_digest {
            continue;
        }
        if let Some(i) = d.and_then(|d| out.iter().position(|(x, _)| *x == Some(d))) {
            out.remove(i);
        }
        out.push((d, e.value));
    }
    out.into_iter().map(|(_, v)| v).collect()
}

/// The values of one metric, one per run, oldest first.
pub fn series(entries: &[Entry], resource: &str, metric: &str, name: &str) -> Vec<(i64, f64)> {
    entries
        .iter()
        .filter(|e| e.resource == resource && e.metric == metric && e.name == name)
        .map(|e| (e.now_us, e.value))
        .collect()
}

/// The entries recording a validation report, with the null rates measured for it. Resource
/// metrics carry the resource's digest, dataset-wide ones the dataset's. A `partial` run (one
/// `--resource`) records no dataset-wide score.
pub fn entries_for(
    report: &Report,
    null_rates: &[(String, String, f64)],
    run: &str,
    now_us: i64,
    written_us: i64,
    digest: Option<String>,
    partial: bool,
) -> Vec<Entry> {
    let mk = |resource: &str, metric: &str, name: &str, value: f64, digest: Option<String>| Entry {
        run: run.to_string(),
        now_us,
        written_us,
        digest,
        resource: resource.to_string(),
        metric: metric.to_string(),
        name: name.to_string(),
        value,
    };
    let mut out = Vec::new();
    for r in &report.resources {
        let rd = resource_digest(&r.files);
        out.push(mk(&r.name, "rows", "", r.rows as f64, rd.clone()));
        for c in &r.checks {
            if !c.failing_fraction.is_finite() {
                continue;
            }
            out.push(mk(
                &r.name,
                "failing_fraction",
                &c.name,
                c.failing_fraction,
                rd.clone(),
            ));
        }
        let mut rates: std::collections::BTreeMap<&str, f64> = null_rates
            .iter()
            .filter(|(res, _, v)| res == &r.name && v.is_finite())
            .map(|(_, col, v)| (col.as_str(), *v))
            .collect();
        // Columns without null counts in the footers: the rate a null_rate check measured.
        for c in &r.checks {
            if matches!(c.kind.as_str(), "change" | "anomaly")
                && let (Some(col), Some(v)) = (
                    c.columns.first(),
                    c.observed.as_ref().and_then(|o| o["current"].as_f64()),
                )
            {
                rates.entry(col.as_str()).or_insert(v);
            }
        }
        for (col, v) in rates {
            out.push(mk(&r.name, "null_rate", col, v, rd.clone()));
        }
    }
    let digest_all = digest;
    let mk = |resource: &str, metric: &str, name: &str, value: f64| {
        mk(resource, metric, name, value, digest_all.clone())
    };
    if partial {
        return out;
    }
    if let Some(q) = &report.quality {
        out.push(mk("", "score", "", q.score));
        for d in &q.dimensions {
            if let Some(s) = d.score {
                let name = serde_json::to_value(d.dimension)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                out.push(mk("", "dimension", &name, s));
            }
        }
    }
    out
}
