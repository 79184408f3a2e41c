//! The validation history: every validation's metrics, append-only, as Parquet files under
//! `<dataset folder>/.assay/history/`.
//!
//! Each run writes one new file, `<written µs>-<run id>.parquet`, through a temporary file and a
//! rename, so two validations at once each add their own file and nothing is lost or torn. A
//! file is one run in long form: `run`, `now` (the reference time), `written` (the wall clock
//! when it was written; it orders runs), `digest`, `resource`, `metric`, `name`, `value`.
//! Metrics: `rows` per resource; `null_rate` per column (from the footers' statistics, where
//! every row group records nulls); `failing_fraction` per check; `dimension` scores and the
//! overall `score`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, RecordBatch, StringArray, TimestampMicrosecondArray,
};
use arrow::datatypes::{DataType, Field, Schema, TimeUnit, TimestampMicrosecondType};
use assay_model::check::{Check, CheckKind, HistoryMetric};
use assay_model::report::Report;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

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

fn schema() -> Arc<Schema> {
    let ts = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    Arc::new(Schema::new(vec![
        Field::new("run", DataType::Utf8, false),
        Field::new("now", ts.clone(), false),
        Field::new("written", ts, false),
        Field::new("digest", DataType::Utf8, true),
        Field::new("resource", DataType::Utf8, false),
        Field::new("metric", DataType::Utf8, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("value", DataType::Float64, false),
    ]))
}

/// Appends one run's entries as a new file. Returns its path.
pub fn append(dataset_dir: &Path, entries: &[Entry]) -> Result<PathBuf, String> {
    let Some(first) = entries.first() else {
        return Err("nothing to record".into());
    };
    let dir = dataset_dir.join(HISTORY_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let utc = |v: Vec<i64>| TimestampMicrosecondArray::from(v).with_timezone("UTC");
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            entries.iter().map(|e| e.run.as_str()),
        )),
        Arc::new(utc(entries.iter().map(|e| e.now_us).collect())),
        Arc::new(utc(entries.iter().map(|e| e.written_us).collect())),
        Arc::new(StringArray::from(
            entries
                .iter()
                .map(|e| e.digest.as_deref())
                .collect::<Vec<_>>(),
        )),
        Arc::new(StringArray::from_iter_values(
            entries.iter().map(|e| e.resource.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            entries.iter().map(|e| e.metric.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            entries.iter().map(|e| e.name.as_str()),
        )),
        Arc::new(Float64Array::from_iter_values(
            entries.iter().map(|e| e.value),
        )),
    ];
    let batch = RecordBatch::try_new(schema(), columns).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{:020}-{}.parquet", first.written_us, first.run));
    let mut tmp = tempfile::Builder::new()
        .prefix(".run-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    {
        let mut w =
            ArrowWriter::try_new(tmp.as_file_mut(), schema(), None).map_err(|e| e.to_string())?;
        w.write(&batch).map_err(|e| e.to_string())?;
        w.close().map_err(|e| e.to_string())?;
    }
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    tmp.persist(&path)
        .map_err(|e| format!("{}: {}", path.display(), e.error))?;
    Ok(path)
}

/// Every entry of the history, ordered by when runs were written (then run id). Files that are
/// not readable history files (another tool's, an older format) are skipped, so one bad file
/// never blocks the checks; see [`load_strict`] for the error.
pub fn load(dataset_dir: &Path) -> Result<Vec<Entry>, String> {
    let dir = dataset_dir.join(HISTORY_DIR);
    let Ok(list) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for path in history_files(list) {
        if let Ok(mut e) = load_file(&path) {
            out.append(&mut e);
        }
    }
    out.sort_by(|a, b| (a.written_us, &a.run).cmp(&(b.written_us, &b.run)));
    Ok(out)
}

fn history_files(list: std::fs::ReadDir) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = list
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "parquet")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

/// Like [`load`], but a file that cannot be read is an error naming it.
pub fn load_strict(dataset_dir: &Path) -> Result<Vec<Entry>, String> {
    let dir = dataset_dir.join(HISTORY_DIR);
    let Ok(list) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for path in history_files(list) {
        out.append(&mut load_file(&path)?);
    }
    out.sort_by(|a, b| (a.written_us, &a.run).cmp(&(b.written_us, &b.run)));
    Ok(out)
}

fn load_file(path: &Path) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    {
        let bad = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
        let file = std::fs::File::open(path).map_err(|e| bad(&e))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| bad(&e))?
            .build()
            .map_err(|e| bad(&e))?;
        for batch in reader {
            let b = batch.map_err(|e| bad(&e))?;
            let col = |name: &str| b.column_by_name(name).cloned();
            let (
                Some(run),
                Some(now),
                Some(written),
                Some(digest),
                Some(resource),
                Some(metric),
                Some(name),
                Some(value),
            ) = (
                col("run"),
                col("now"),
                col("written"),
                col("digest"),
                col("resource"),
                col("metric"),
                col("name"),
                col("value"),
            )
            else {
                return Err(bad(&"not a history file (columns missing)"));
            };
            let s = |a: &ArrayRef| a.as_string_opt::<i32>().cloned();
            let t = |a: &ArrayRef| a.as_primitive_opt::<TimestampMicrosecondType>().cloned();
            let (
                Some(run),
                Some(now),
                Some(written),
                Some(digest),
                Some(resource),
                Some(metric),
                Some(name),
                Some(value),
            ) = (
                s(&run),
                t(&now),
                t(&written),
                s(&digest),
                s(&resource),
                s(&metric),
                s(&name),
                value
                    .as_primitive_opt::<arrow::datatypes::Float64Type>()
                    .cloned(),
            )
            else {
                return Err(bad(&"not a history file (column types)"));
            };
            for i in 0..b.num_rows() {
                out.push(Entry {
                    run: run.value(i).to_string(),
                    now_us: now.value(i),
                    written_us: written.value(i),
                    digest: digest.is_valid(i).then(|| digest.value(i).to_string()),
                    resource: resource.value(i).to_string(),
                    metric: metric.value(i).to_string(),
                    name: name.value(i).to_string(),
                    value: value.value(i),
                });
            }
        }
    }
    Ok(out)
}

/// The digest of a resource's files as read (`sha256:<hex>`, as in `dataset.lock`), when every
/// file was read.
pub fn resource_digest(files: &[assay_model::report::FileReport]) -> Option<String> {
    assay_model::report::files_digest(files)
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

/// Null rates per (resource, column) from the footers' statistics of the files a report read;
/// columns without null counts in every row group are left out.
pub fn null_rates(dataset_dir: &Path, report: &Report) -> Vec<(String, String, f64)> {
    let mut out = Vec::new();
    for r in &report.resources {
        let mut nulls: std::collections::BTreeMap<String, Option<u64>> = Default::default();
        let mut rows = 0u64;
        for f in r.files.iter().filter(|f| f.error.is_none()) {
            let Ok(file) = std::fs::File::open(dataset_dir.join(&f.path)) else {
                continue;
            };
            let Ok(meta) =
                parquet::file::metadata::ParquetMetaDataReader::new().parse_and_finish(&file)
            else {
                continue;
            };
            rows += meta.file_metadata().num_rows().max(0) as u64;
            let descr = meta.file_metadata().schema_descr();
            for rg in meta.row_groups() {
                for (i, c) in rg.columns().iter().enumerate() {
                    let path = descr.column(i).path().parts().to_vec();
                    if path.len() != 1 {
                        continue;
                    }
                    let entry = nulls.entry(path[0].clone()).or_insert(Some(0));
                    *entry = match (*entry, c.statistics().and_then(|s| s.null_count_opt())) {
                        (Some(t), Some(n)) => Some(t + n),
                        _ => None,
                    };
                }
            }
        }
        for (column, n) in nulls {
            if let Some(n) = n
                && rows > 0
            {
                out.push((r.name.clone(), column, n as f64 / rows as f64));
            }
        }
    }
    out
}

/// For a `change` or `anomaly` check: the check to evaluate instead (`row_count` without
/// bounds, or `not_null` on the column, which counts its nulls) and the original. Other checks
/// pass through.
pub(crate) fn base_check(check: Check) -> (Check, Option<Check>) {
    let (metric, column) = match &check.kind {
        CheckKind::Change { metric, column, .. } | CheckKind::Anomaly { metric, column, .. } => {
            (*metric, column.clone())
        }
        _ => return (check, None),
    };
    let mut base = check.clone();
    base.mostly = None;
    base.kind = match (metric, column) {
        (HistoryMetric::NullRate, Some(column)) => CheckKind::NotNull { column },
        _ => CheckKind::RowCount {
            min: None,
            max: None,
        },
    };
    (base, Some(check))
}

/// Judges a `change` or `anomaly` check: its base kind measured the current value (rows, or
/// nulls of rows); the history gives the earlier ones. Puts the original check back in `check`
/// and sets the verdict as a table-level result.
pub(crate) fn judge(
    check: &mut Check,
    original: Check,
    resource: &str,
    current_digest: Option<&str>,
    history: &Result<Vec<Entry>, String>,
    s: &mut crate::engine::JudgeSlot<'_>,
) {
    let rows = *s.evaluated;
    let current = match &original.kind {
        CheckKind::Change {
            metric: HistoryMetric::NullRate,
            ..
        }
        | CheckKind::Anomaly {
            metric: HistoryMetric::NullRate,
            ..
        } => {
            if rows == 0 {
                0.0
            } else {
                *s.failing as f64 / rows as f64
            }
        }
        _ => rows as f64,
    };
    *check = original.clone();
    s.samples.clear();
    *s.failing = 0;
    *s.evaluated = 1;
    if s.error.is_some() {
        return;
    }
    let entries = match history {
        Ok(e) => e,
        Err(e) => {
            *s.error = Some(format!("the history cannot be read: {e}"));
            return;
        }
    };
    let (metric, column) = match &original.kind {
        CheckKind::Change { metric, column, .. } | CheckKind::Anomaly { metric, column, .. } => {
            (*metric, column.clone().unwrap_or_default())
        }
        _ => return,
    };
    let key = match metric {
        HistoryMetric::RowCount => "rows",
        HistoryMetric::NullRate => "null_rate",
    };
    let past: Vec<f64> = baseline(entries, resource, key, &column, current_digest);
    let shown = |v: f64| match metric {
        HistoryMetric::RowCount => format!("{v}"),
        HistoryMetric::NullRate => format!("{:.4}%", v * 100.0),
    };
    match &original.kind {
        CheckKind::Change {
            max_change_pct,
            max_rise_points,
            ..
        } => {
            let Some(&previous) = past.last() else {
                *s.observed = Some(serde_json::json!({"current": current}));
                *s.table_fail = Some(false);
                *s.message = Some(format!(
                    "no earlier run in {HISTORY_DIR}; nothing to compare with yet"
                ));
                return;
            };
            let (moved, limit, unit) = match metric {
                HistoryMetric::RowCount => (
                    if previous == 0.0 {
                        if current == 0.0 { 0.0 } else { f64::INFINITY }
                    } else {
                        (current - previous).abs() / previous * 100.0
                    },
                    max_change_pct.unwrap_or(0.0),
                    "%",
                ),
                HistoryMetric::NullRate => (
                    (current - previous) * 100.0,
                    max_rise_points.unwrap_or(0.0),
                    " points",
                ),
            };
            let fail = moved > limit + 1e-12;
            *s.observed = Some(
                serde_json::json!({"current": current, "previous": previous, "change": moved}),
            );
            *s.table_fail = Some(fail);
            if fail {
                *s.message = Some(format!(
                    "{} went from {} to {} ({moved:.2}{unit}); at most {limit}{unit} allowed",
                    metric.as_str(),
                    shown(previous),
                    shown(current)
                ));
            }
        }
        CheckKind::Anomaly {
            last_runs, max_z, ..
        } => {
            let n = last_runs.unwrap_or(10).max(3) as usize;
            let window: Vec<f64> = past.iter().rev().take(n).copied().collect();
            if window.len() < 3 {
                *s.observed = Some(serde_json::json!({"current": current, "runs": window.len()}));
                *s.table_fail = Some(false);
                *s.message = Some(format!(
                    "{} earlier run(s) in {HISTORY_DIR}; at least 3 are needed",
                    window.len()
                ));
                return;
            }
            let mean = window.iter().sum::<f64>() / window.len() as f64;
            let var =
                window.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (window.len() - 1) as f64;
            // A history without spread still tolerates a change of 1e-9 of the mean.
            let sd = var.sqrt().max(mean.abs() * 1e-9);
            let z = if sd > 0.0 {
                (current - mean).abs() / sd
            } else if (current - mean).abs() < 1e-12 {
                0.0
            } else {
                f64::INFINITY
            };
            let limit = max_z.unwrap_or(3.0);
            let fail = z > limit;
            *s.observed = Some(serde_json::json!({
                "current": current, "mean": mean, "stddev": sd,
                "z": if z.is_finite() { serde_json::json!(z) } else { serde_json::Value::Null },
                "runs": window.len(),
            }));
            *s.table_fail = Some(fail);
            if fail {
                *s.message = Some(format!(
                    "{} is {} against a mean of {} over the last {} runs (z = {}); at most {limit} allowed",
                    metric.as_str(),
                    shown(current),
                    shown(mean),
                    window.len(),
                    if z.is_finite() {
                        format!("{z:.2}")
                    } else {
                        "∞".into()
                    }
                ));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_and_load_round_trip_in_write_order() {
        let dir = tempfile::tempdir().unwrap();
        let e = |run: &str, written: i64, v: f64| Entry {
            run: run.into(),
            now_us: 5,
            written_us: written,
            digest: None,
            resource: "r".into(),
            metric: "rows".into(),
            name: String::new(),
            value: v,
        };
        append(dir.path(), &[e("b", 20, 2.0)]).unwrap();
        append(dir.path(), &[e("a", 10, 1.0)]).unwrap();
        let all = load(dir.path()).unwrap();
        assert_eq!(all, vec![e("a", 10, 1.0), e("b", 20, 2.0)]);
        assert_eq!(series(&all, "r", "rows", ""), vec![(5, 1.0), (5, 2.0)]);
        // A stray file that is not a history file is named.
        std::fs::write(dir.path().join(HISTORY_DIR).join("x.parquet"), b"junk").unwrap();
        assert_eq!(load(dir.path()).unwrap().len(), 2, "a junk file is skipped");
        assert!(load_strict(dir.path()).unwrap_err().contains("x.parquet"));
    }
}
