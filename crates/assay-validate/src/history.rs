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
use assay_model::check::{Check, CheckKind, HistoryMetric, NotNull, RowCount};
use assay_model::report::Report;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

pub use assay_model::history::{
    Entry, HISTORY_DIR, baseline, entries_for, resource_digest, series,
};

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

/// Null rates per (resource, column) from the footers' statistics of the files a report read;
/// columns without null counts in every row group are left out.
pub fn null_rates(dataset_dir: &Path, report: &Report) -> Vec<(String, String, f64)> {
    let mut out = Vec::new();
    for r in &report.resources {
        let mut nulls: std::collections::BTreeMap<String, Option<u64>> = Default::default();
        let mut rows = 0u64;
        for f in r.files.iter().filter(|f| f.error.is_none()) {
            // A local file, or an object this run resolved (its footer is cached).
            let Ok(file) = crate::source::Source::open_path(&dataset_dir.join(&f.path)) else {
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
/// bounds, or `not_null` on the column, which counts its nulls). `None` for other kinds.
pub(crate) fn base_check(check: &Check) -> Option<Check> {
    let (metric, column) = match &check.kind {
        CheckKind::Change(c) => (c.metric, c.column.clone()),
        CheckKind::Anomaly(a) => (a.metric, a.column.clone()),
        _ => return None,
    };
    let mut base = check.clone();
    base.mostly = None;
    base.kind = match (metric, column) {
        (HistoryMetric::NullRate, Some(column)) => CheckKind::NotNull(NotNull { column }),
        _ => CheckKind::RowCount(RowCount {
            min: None,
            max: None,
        }),
    };
    Some(base)
}

/// What the base kind measured in this run: rows (or items) evaluated and failing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Measured {
    pub evaluated: u64,
    pub failing: u64,
}

/// The verdict of a `change` or `anomaly` check against the history.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Judgement {
    /// Judged: failing or not, the numbers compared, and a message when it fails (or when
    /// there was nothing to compare with yet).
    Verdict {
        fail: bool,
        observed: serde_json::Value,
        message: Option<String>,
    },
    /// The history could not be read.
    Unavailable(String),
}

/// Judges a `change` or `anomaly` check: its base kind measured the current value (rows, or
/// nulls of rows); the history gives the earlier ones.
pub(crate) fn judge(
    original: &Check,
    resource: &str,
    current_digest: Option<&str>,
    history: &Result<Vec<Entry>, String>,
    measured: Measured,
) -> Judgement {
    enum Rule<'a> {
        Change(&'a assay_model::check::Change),
        Anomaly(&'a assay_model::check::Anomaly),
    }
    let (metric, column, rule) = match &original.kind {
        CheckKind::Change(c) => (c.metric, c.column.as_deref(), Rule::Change(c)),
        CheckKind::Anomaly(a) => (a.metric, a.column.as_deref(), Rule::Anomaly(a)),
        other => {
            return Judgement::Unavailable(format!(
                "`{}` is not judged against the history",
                other.name()
            ));
        }
    };
    let column = column.unwrap_or_default();
    let current = match metric {
        HistoryMetric::NullRate if measured.evaluated == 0 => 0.0,
        HistoryMetric::NullRate => measured.failing as f64 / measured.evaluated as f64,
        HistoryMetric::RowCount => measured.evaluated as f64,
    };
    let entries = match history {
        Ok(e) => e,
        Err(e) => return Judgement::Unavailable(format!("the history cannot be read: {e}")),
    };
    let key = match metric {
        HistoryMetric::RowCount => "rows",
        HistoryMetric::NullRate => "null_rate",
    };
    let past: Vec<f64> = baseline(entries, resource, key, column, current_digest);
    match rule {
        Rule::Change(c) => judge_change(c, metric, current, &past),
        Rule::Anomaly(a) => judge_anomaly(a, metric, current, &past),
    }
}

/// `change`: the current value against the previous snapshot's.
fn judge_change(
    c: &assay_model::check::Change,
    metric: HistoryMetric,
    current: f64,
    past: &[f64],
) -> Judgement {
    let shown = |v: f64| shown(metric, v);
    let Some(&previous) = past.last() else {
        return Judgement::Verdict {
            fail: false,
            observed: serde_json::json!({"current": current}),
            message: Some(format!(
                "no earlier run in {HISTORY_DIR}; nothing to compare with yet"
            )),
        };
    };
    let (moved, limit, unit) = match metric {
        HistoryMetric::RowCount => (
            if previous == 0.0 {
                if current == 0.0 { 0.0 } else { f64::INFINITY }
            } else {
                (current - previous).abs() / previous * 100.0
            },
            c.max_change_pct.unwrap_or(0.0),
            "%",
        ),
        HistoryMetric::NullRate => (
            (current - previous) * 100.0,
            c.max_rise_points.unwrap_or(0.0),
            " points",
        ),
    };
    let fail = moved > limit + 1e-12;
    Judgement::Verdict {
        fail,
        observed: serde_json::json!({"current": current, "previous": previous, "change": moved}),
        message: fail.then(|| {
            format!(
                "{} went from {} to {} ({moved:.2}{unit}); at most {limit}{unit} allowed",
                metric.as_str(),
                shown(previous),
                shown(current)
            )
        }),
    }
}

/// `anomaly`: the current value's z-score against the last snapshots.
fn judge_anomaly(
    a: &assay_model::check::Anomaly,
    metric: HistoryMetric,
    current: f64,
    past: &[f64],
) -> Judgement {
    let shown = |v: f64| shown(metric, v);
    let n = a.last_runs.unwrap_or(10).max(3) as usize;
    let window: Vec<f64> = past.iter().rev().take(n).copied().collect();
    if window.len() < 3 {
        return Judgement::Verdict {
            fail: false,
            observed: serde_json::json!({"current": current, "runs": window.len()}),
            message: Some(format!(
                "{} earlier run(s) in {HISTORY_DIR}; at least 3 are needed",
                window.len()
            )),
        };
    }
    let mean = window.iter().sum::<f64>() / window.len() as f64;
    let var = window.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (window.len() - 1) as f64;
    // A history without spread still tolerates a change of 1e-9 of the mean.
    let sd = var.sqrt().max(mean.abs() * 1e-9);
    let z = if sd > 0.0 {
        (current - mean).abs() / sd
    } else if (current - mean).abs() < 1e-12 {
        0.0
    } else {
        f64::INFINITY
    };
    let limit = a.max_z.unwrap_or(3.0);
    let fail = z > limit;
    Judgement::Verdict {
            fail,
            observed: serde_json::json!({
                "current": current, "mean": mean, "stddev": sd,
                "z": if z.is_finite() { serde_json::json!(z) } else { serde_json::Value::Null },
                "runs": window.len(),
            }),
            message: fail.then(|| {
                format!(
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
                )
            }),
        }
}

/// A metric's value as shown in messages.
fn shown(metric: HistoryMetric, v: f64) -> String {
    match metric {
        HistoryMetric::RowCount => format!("{v}"),
        HistoryMetric::NullRate => format!("{:.4}%", v * 100.0),
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
