//! Training-set checks (`ml:` in the manifest): splits, labels, leakage and drift
//! (`docs/ml.md`).
//!
//! After the resources are validated, each resource a split names is read once for all the
//! splits it holds, its files in path order, only the columns the checks and filters need; each
//! batch's rows go to their splits (a split's filter, or all). Every check kind is one file and
//! implements [`MlKernel`]: it sees every split's batches, train's first when train is its own
//! resource, mixed when it shares one. Locations ([`MlBatch::loc`]) order as the splits are
//! declared, so what a check keeps does not depend on the order of arrival, and
//! [`MlKernel::finish`] turns it into a result; samples' values are read back by location
//! ([`Sources::values`]).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, TimeUnit};
use assay_model::LoadedManifest;
use assay_model::check::Severity;
use assay_model::manifest::Task;
use assay_model::ml::{Ml, MlCheck, SplitName};
use assay_model::report::{
    CheckOrigin, CheckResult, CheckStatus, DecidedBy, DriftRow, LabelCount, Sample, SplitReport,
    Training,
};

use crate::engine::Options;

mod conflicting_labels;
mod drift;
mod group_leakage;
mod label_balance;
mod read;
mod rows;
mod split_drift;
mod split_leakage;
mod split_sizes;
mod temporal_leakage;
mod values;

use read::read_resource;
pub(crate) use read::{Sources, whole_files};

/// One split as the checks see it.
pub(crate) struct SplitInfo {
    pub name: SplitName,
    pub resource: String,
    pub filter: Option<String>,
}

/// What every kernel knows of the declaration.
pub(crate) struct MlCx<'a> {
    pub ml: &'a Ml,
    pub splits: &'a [SplitInfo],
    /// The feature columns, resolved (declared, or every other column of train's first file).
    pub features: &'a [String],
    pub options: &'a Options,
    /// Bytes the kernels keep in memory, together ([`MlCx::keep`]).
    pub kept: std::cell::Cell<u64>,
}

impl MlCx<'_> {
    /// Counts `bytes` more kept by a kernel: an error once the kernels together keep more than
    /// a quarter of `--memory-limit`. (The compared rows of leakage and conflicts have another
    /// quarter, drift's numeric values an eighth; both spill to disk past it. The rest is for
    /// reading.)
    pub fn keep(&self, bytes: u64) -> Result<(), String> {
        let kept = self.kept.get() + bytes;
        self.kept.set(kept);
        if kept > self.options.memory_limit / 4 {
            return Err(over_limit(self));
        }
        Ok(())
    }
}

/// Rows of one split: a batch of the needed columns, the file they come from and each row's
/// number in that file.
pub(crate) struct MlBatch<'a> {
    /// Index of the split in [`MlCx::splits`].
    pub split: usize,
    pub batch: &'a RecordBatch,
    pub file: &'a Arc<str>,
    /// The file's index in [`Sources`] (for this split).
    pub file_index: usize,
    pub rows: &'a [u64],
    /// The feature hashes, computed once for every check that compares rows.
    pub feature_hashes: std::cell::OnceCell<Result<Vec<u128>, String>>,
}

impl MlBatch<'_> {
    /// The columns `names`, in order, or an error naming the first missing one.
    pub fn columns(&self, names: &[String]) -> Result<Vec<ArrayRef>, String> {
        names.iter().map(|c| self.column(c).cloned()).collect()
    }

    /// 128-bit hashes of each row's features ([`row_hashes`]), computed on first use.
    pub fn feature_hashes(&self, cx: &MlCx) -> Result<&[u128], String> {
        self.feature_hashes
            .get_or_init(|| self.columns(cx.features).and_then(|c| row_hashes(&c)))
            .as_deref()
            .map_err(Clone::clone)
    }

    /// A column, or an error naming it.
    pub fn column(&self, name: &str) -> Result<&ArrayRef, String> {
        self.batch
            .column_by_name(name)
            .ok_or_else(|| format!("column `{name}` is missing from {}", self.file))
    }

    /// Where row `i` is, packed ([`rows::pack`]): locations order as the splits, then their
    /// files, then the rows.
    pub fn loc(&self, i: usize) -> u64 {
        rows::pack(self.file_index, self.rows[i])
    }
}

/// A row's location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Loc {
    /// Shared by every row of a file: a kept location costs no allocation.
    pub file: Arc<str>,
    pub row: u64,
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} row {}", self.file, self.row)
    }
}

/// What the driver counted over every split, for the kernels' verdicts.
pub(crate) struct Seen<'a> {
    /// Rows of each split.
    pub rows: &'a [u64],
    /// Rows per label value of each split (a classification label).
    pub labels: &'a [std::collections::BTreeMap<String, u64>],
    /// Why the labels were not counted (too many classes for the memory limit).
    pub labels_error: Option<&'a str>,
    /// The rows compared for leakage and conflicts, when a kernel asked for them
    /// ([`MlKernel::compares_rows`]).
    pub compared: Option<&'a Result<Compared, String>>,
    /// The files the locations name.
    pub sources: &'a Sources<'a>,
}

impl Seen<'_> {
    /// The compared rows, or why there are none.
    pub fn compared(&self) -> Result<&Compared, String> {
        match self.compared {
            Some(Ok(c)) => Ok(c),
            Some(Err(e)) => Err(e.clone()),
            None => Err("the rows to compare were not kept".into()),
        }
    }
}

/// What the walk over the compared rows found ([`rows`]), with the values of the rows its
/// samples name.
pub(crate) struct Compared {
    pub found: rows::Found,
    /// Rows compared (every feature non-null), per split.
    pub compared: Vec<u64>,
    /// Compared rows with a label.
    pub labelled: u64,
    /// The features, then the label, of each sampled row, as text.
    values: std::collections::HashMap<u64, Vec<String>>,
}

impl Compared {
    /// The features, then the label, of a sampled row, as text.
    pub fn values(&self, loc: u64) -> &[String] {
        self.values.get(&loc).map_or(&[], Vec::as_slice)
    }
}

/// What a kernel found.
#[derive(Default)]
pub(crate) struct Outcome {
    pub evaluated: u64,
    pub failing: u64,
    /// The failing fraction tolerated (row-level kinds), or the verdict's threshold.
    pub threshold: f64,
    /// A verdict other than `failing / evaluated > threshold`.
    pub fails: Option<bool>,
    pub observed: Option<serde_json::Value>,
    pub message: Option<String>,
    pub samples: Vec<Sample>,
    pub error: Option<String>,
    /// Drift rows for the report (`split_drift`).
    pub drift: Vec<DriftRow>,
}

impl Outcome {
    /// A check that could not be evaluated, and why: an error, never a pass.
    pub fn error(why: impl Into<String>) -> Outcome {
        Outcome {
            error: Some(why.into()),
            ..Default::default()
        }
    }
}

/// A training-set check kind.
pub(crate) trait MlKernel {
    /// The columns its batches must hold.
    fn columns(&self, cx: &MlCx) -> Vec<String>;
    /// One batch of one split; splits arrive in order: train, validation, test.
    fn update(&mut self, cx: &MlCx, b: &MlBatch) -> Result<(), String>;
    /// True when it reads [`Seen::compared`]: the driver then keeps the compared rows.
    fn compares_rows(&self) -> bool {
        false
    }
    /// After every split: the result.
    fn finish(&mut self, cx: &MlCx, seen: &Seen) -> Outcome;
}

/// A kernel that stopped with an error: what it kept is dropped.
struct Stopped;

impl MlKernel for Stopped {
    fn columns(&self, _: &MlCx) -> Vec<String> {
        Vec::new()
    }
    fn update(&mut self, _: &MlCx, _: &MlBatch) -> Result<(), String> {
        Ok(())
    }
    fn finish(&mut self, _: &MlCx, _: &Seen) -> Outcome {
        Outcome::default()
    }
}

fn compile(check: &MlCheck) -> Box<dyn MlKernel> {
    match check {
        MlCheck::SplitSizes {
            train,
            validation,
            test,
            ..
        } => Box::new(split_sizes::SplitSizes::new([*train, *validation, *test])),
        MlCheck::SplitLeakage { max_share, .. } => {
            Box::new(split_leakage::SplitLeakage::new(*max_share))
        }
        MlCheck::GroupLeakage { .. } => Box::new(group_leakage::GroupLeakage::default()),
        MlCheck::TemporalLeakage { per_group, .. } => {
            Box::new(temporal_leakage::TemporalLeakage::new(*per_group))
        }
        MlCheck::LabelBalance {
            min_share,
            min_count,
            ..
        } => Box::new(label_balance::LabelBalance::new(*min_share, *min_count)),
        MlCheck::ConflictingLabels { .. } => Box::new(conflicting_labels::ConflictingLabels),
        MlCheck::SplitDrift {
            metric,
            categorical_metric,
            threshold,
            drift_share,
            bins,
            columns,
            categorical,
            ..
        } => Box::new(split_drift::SplitDrift::new(split_drift::Settings {
            metric: *metric,
            categorical_metric: *categorical_metric,
            threshold: *threshold,
            drift_share: drift_share.unwrap_or(0.5),
            bins: bins.unwrap_or(10).max(1) as usize,
            columns: columns.clone(),
            categorical: categorical.clone(),
        })),
    }
}

/// The training readiness of a dataset that declares `ml:`.
pub(crate) fn evaluate(loaded: &LoadedManifest, ml: &Ml, options: &Options) -> Training {
    let splits: Vec<SplitInfo> = ml
        .splits
        .declared()
        .into_iter()
        .map(|(name, s)| SplitInfo {
            name,
            resource: s.resource().to_string(),
            filter: s.filter().map(str::to_string),
        })
        .collect();
    let checks = ml.checks();
    let features = match resolve_features(loaded, ml) {
        Ok(f) => f,
        Err(e) => return failed(ml, &splits, &checks, e),
    };
    let cx = MlCx {
        ml,
        splits: &splits,
        features: &features,
        options,
        kept: Default::default(),
    };
    let mut kernels: Vec<Box<dyn MlKernel>> = checks.iter().map(compile).collect();
    let mut errors: Vec<Option<String>> = vec![None; kernels.len()];
    // Bytes each kernel counted against the shared budget (given back when it stops).
    let mut kept_by = vec![0u64; kernels.len()];
    let kernel_columns: Vec<Vec<String>> = kernels.iter().map(|k| k.columns(&cx)).collect();
    let mut columns: Vec<String> = kernel_columns.iter().flatten().cloned().collect();
    if let Some(l) = &ml.label
        && !columns.contains(&l.column)
    {
        columns.push(l.column.clone());
    }
    columns.sort();
    columns.dedup();
    let mut rows = vec![0u64; splits.len()];
    let mut labels: Vec<std::collections::BTreeMap<String, u64>> =
        vec![Default::default(); splits.len()];
    let classification = ml.label.as_ref().filter(|l| l.kind == Task::Classification);
    // The compared rows have a quarter of the memory limit, and spill to disk past it.
    let mut store = kernels
        .iter()
        .any(|k| k.compares_rows())
        .then(|| rows::Rows::new(splits.len(), options.memory_limit / 4));
    let mut store_error: Option<String> = None;
    let mut labels_error: Option<String> = None;
    let label_bytes = |labels: &[std::collections::BTreeMap<String, u64>]| {
        48 * labels.iter().map(|l| l.len() as u64).sum::<u64>()
    };
    let sources = match Sources::of(loaded, &splits) {
        Ok(s) => s,
        Err(e) => return failed(ml, &splits, &checks, e),
    };
    // Each resource is read once for every split it holds, file by file.
    let mut resources: Vec<(&str, Vec<usize>)> = Vec::new();
    for (si, split) in splits.iter().enumerate() {
        match resources.iter_mut().find(|(r, _)| *r == split.resource) {
            Some((_, v)) => v.push(si),
            None => resources.push((split.resource.as_str(), vec![si])),
        }
    }
    for (_, holds) in &resources {
        let read = read_resource(
            &sources,
            &splits,
            holds,
            &columns,
            options.jobs,
            &mut |si, file_index, batch, file, row_numbers| {
                rows[si] += batch.num_rows() as u64;
                if let Some(l) = classification
                    && labels_error.is_none()
                    && let Some(a) = batch.column_by_name(&l.column)
                {
                    // A label with no text form has no classes; `label_balance` then finds none.
                    let before = labels[si].len();
                    let _ = count_values(a, &mut labels[si]);
                    // Each class kept counts against the shared budget: a label with a value
                    // per row (an identifier) stops the counting, not the run.
                    if let Err(why) = cx.keep(48 * (labels[si].len() - before) as u64) {
                        labels_error = Some(why);
                        cx.kept.set(cx.kept.get() - label_bytes(&labels));
                        labels
                            .iter_mut()
                            .for_each(std::collections::BTreeMap::clear);
                    }
                }
                let b = MlBatch {
                    split: si,
                    batch,
                    file,
                    file_index,
                    rows: row_numbers,
                    feature_hashes: Default::default(),
                };
                if let Some(st) = &mut store
                    && store_error.is_none()
                    && let Err(why) = keep_rows(st, &cx, &b)
                {
                    store_error = Some(why);
                }
                for ((k, e), kept) in kernels.iter_mut().zip(errors.iter_mut()).zip(&mut kept_by) {
                    if e.is_some() {
                        continue;
                    }
                    let before = cx.kept.get();
                    let r = k.update(&cx, &b);
                    *kept += cx.kept.get() - before;
                    if let Err(why) = r {
                        // A kernel that stops frees what it kept, for the others.
                        *e = Some(why);
                        *k = Box::new(Stopped);
                        cx.kept.set(cx.kept.get() - *kept);
                    }
                }
            },
        );
        if let Err(e) = read {
            let names: Vec<&str> = holds.iter().map(|&s| splits[s].name.as_str()).collect();
            return failed(
                ml,
                &splits,
                &checks,
                format!(
                    "{} split{}: {e}",
                    names.join(" and "),
                    if names.len() > 1 { "s" } else { "" }
                ),
            );
        }
    }
    let total: u64 = rows.iter().sum();
    let compared = store.map(|mut st| match store_error {
        Some(e) => Err(e),
        None => compare(&cx, &sources, &mut st),
    });
    let seen = Seen {
        rows: &rows,
        labels: &labels,
        labels_error: labels_error.as_deref(),
        compared: compared.as_ref(),
        sources: &sources,
    };
    let mut drift = Vec::new();
    let results = checks
        .iter()
        .zip(kernels.iter_mut())
        .zip(errors)
        .zip(kernel_columns)
        .map(|(((check, k), error), columns)| {
            let mut o = k.finish(&cx, &seen);
            if let Some(e) = error {
                o.error = Some(e);
            }
            drift.append(&mut o.drift);
            let mut r = result(check, o);
            // The columns its samples show, in order, so a hidden column's values are redacted.
            r.columns = columns;
            r
        })
        .collect();
    Training {
        splits: splits
            .iter()
            .enumerate()
            .map(|(i, s)| SplitReport {
                name: s.name.as_str().to_string(),
                resource: s.resource.clone(),
                filter: s.filter.clone(),
                rows: rows[i],
                share: if total == 0 {
                    0.0
                } else {
                    rows[i] as f64 / total as f64
                },
                labels: {
                    let mut v: Vec<LabelCount> = labels[i]
                        .iter()
                        .map(|(label, rows)| LabelCount {
                            label: label.clone(),
                            rows: *rows,
                        })
                        .collect();
                    v.sort_by(|a, b| b.rows.cmp(&a.rows).then_with(|| a.label.cmp(&b.label)));
                    v
                },
            })
            .collect(),
        label: ml.label.as_ref().map(|l| l.column.clone()),
        drift,
        checks: results,
    }
}

/// Adds a batch's compared rows to the store: the feature hashes, the features' nulls, and
/// the label with its hashes.
fn keep_rows(st: &mut rows::Rows, cx: &MlCx, b: &MlBatch) -> Result<(), String> {
    let hashes = b.feature_hashes(cx)?;
    let features = b.columns(cx.features)?;
    let label = match &cx.ml.label {
        Some(l) => {
            let a = b.column(&l.column)?.clone();
            let h = row_hashes(std::slice::from_ref(&a))?;
            Some((a, h))
        }
        None => None,
    };
    st.add(
        b.split,
        b.file_index,
        b.rows,
        hashes,
        &features,
        label.as_ref().map(|(a, h)| (a, h.as_slice())),
    )
}

/// Walks the compared rows, then reads the values of the rows the samples name (a targeted
/// read of those rows only).
fn compare(cx: &MlCx, sources: &Sources, st: &mut rows::Rows) -> Result<Compared, String> {
    let split_of = sources.splits();
    let found = st
        .finish(&split_of, cx.options.jobs.max(1), cx.options.samples)
        .map_err(|e| format!("comparing rows: {e}"))?;
    let mut columns = cx.features.to_vec();
    columns.extend(cx.ml.label.iter().map(|l| l.column.clone()));
    let wanted = found
        .shared_samples
        .iter()
        .chain(&found.conflict_samples)
        .flat_map(|&(a, b)| [a, b]);
    let values = sources.values(wanted, &columns)?;
    Ok(Compared {
        found,
        compared: std::mem::take(&mut st.compared),
        labelled: st.labelled,
        values,
    })
}

/// Every check in error, for a declaration whose splits cannot be read: nothing evaluated is
/// never passed.
fn failed(ml: &Ml, splits: &[SplitInfo], checks: &[MlCheck], why: String) -> Training {
    Training {
        splits: splits
            .iter()
            .map(|s| SplitReport {
                name: s.name.as_str().to_string(),
                resource: s.resource.clone(),
                filter: s.filter.clone(),
                rows: 0,
                share: 0.0,
                labels: Vec::new(),
            })
            .collect(),
        label: ml.label.as_ref().map(|l| l.column.clone()),
        drift: Vec::new(),
        checks: checks
            .iter()
            .map(|c| result(c, Outcome::error(why.clone())))
            .collect(),
    }
}

/// The result of one check from its outcome.
fn result(check: &MlCheck, mut o: Outcome) -> CheckResult {
    // Nothing evaluated is never passed.
    if o.evaluated == 0 && o.error.is_none() {
        o.error = Some(format!(
            "nothing to evaluate: the splits have no rows `{}` can compare",
            check.name()
        ));
    }
    let fraction = if o.evaluated == 0 {
        0.0
    } else {
        o.failing as f64 / o.evaluated as f64
    };
    let failed = o
        .fails
        .unwrap_or(fraction > o.threshold + 1e-12 && o.failing > 0);
    let status = if o.error.is_some() {
        CheckStatus::Error
    } else if failed {
        match check.severity() {
            Severity::Error => CheckStatus::Fail,
            Severity::Warn => CheckStatus::Warn,
        }
    } else {
        CheckStatus::Pass
    };
    CheckResult {
        name: check.name().to_string(),
        kind: check.name().to_string(),
        origin: CheckOrigin::Ml,
        columns: Vec::new(),
        severity: check.severity(),
        dimension: check.dimension(),
        status,
        evaluated: o.evaluated,
        failing: o.failing,
        failing_fraction: fraction,
        threshold: o.threshold,
        observed: o.observed,
        decided_by: DecidedBy::Data,
        pages: None,
        message: o.error.or(o.message),
        coverage: None,
        samples: o.samples,
    }
}

/// The features: as declared, or every column of the train split's resource but the label,
/// the group columns, the time column and the columns the splits' filters read (a `fold` that
/// defines the splits is not a feature).
fn resolve_features(loaded: &LoadedManifest, ml: &Ml) -> Result<Vec<String>, String> {
    if !ml.features.is_empty() {
        return Ok(ml.features.clone());
    }
    let train = ml.splits.train.resource();
    let r = loaded
        .manifest
        .resources
        .iter()
        .find(|r| r.name == train)
        .ok_or_else(|| format!("split resource `{train}` is not in the manifest"))?;
    let mut filtered: Vec<String> = Vec::new();
    if let Some(schema) = crate::lint_sql::declared_schema(r) {
        for (_, split) in ml.splits.declared() {
            if let Some(sql) = split.filter()
                && split.resource() == train
                && let Ok((names, _)) = crate::checks::expression::plan(sql, &schema)
            {
                filtered.extend(names);
            }
        }
    }
    let skip: Vec<&str> = ml
        .label
        .iter()
        .map(|l| l.column.as_str())
        .chain(ml.group_by.iter().map(String::as_str))
        .chain(ml.time.as_deref())
        .chain(filtered.iter().map(String::as_str))
        .collect();
    Ok(r.schema
        .fields
        .iter()
        .map(|f| f.name.clone())
        .filter(|n| !skip.contains(&n.as_str()))
        .collect())
}

/// Adds each non-null value of `a`, as text, to `counts`; an error when it has no text form.
pub(crate) fn count_values(
    a: &ArrayRef,
    counts: &mut std::collections::BTreeMap<String, u64>,
) -> Result<(), String> {
    let text = cast(a, &DataType::Utf8).map_err(|e| e.to_string())?;
    let text = text
        .as_any()
        .downcast_ref::<arrow::array::StringArray>()
        .expect("cast to Utf8 gives a StringArray");
    // Counted in a hash table of borrowed text first: one ordered insert per distinct value.
    let mut batch: std::collections::HashMap<&str, u64, foldhash::fast::FixedState> =
        Default::default();
    for v in text.iter().flatten() {
        *batch.entry(v).or_insert(0) += 1;
    }
    for (v, n) in batch {
        match counts.get_mut(v) {
            Some(c) => *c += n,
            None => {
                counts.insert(v.to_string(), n);
            }
        }
    }
    Ok(())
}

/// The columns in a type that compares equal across files and splits: integers as Int64,
/// floats as Float64, text as Utf8, times as microsecond timestamps.
pub(crate) fn canonical(a: &ArrayRef) -> Result<ArrayRef, String> {
    let to = match a.data_type() {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32 => DataType::Int64,
        DataType::Float16 | DataType::Float32 | DataType::Float64 => DataType::Float64,
        DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::Timestamp(_, tz) => DataType::Timestamp(TimeUnit::Microsecond, tz.clone()),
        DataType::Date64 => DataType::Date32,
        t => t.clone(),
    };
    if &to == a.data_type() {
        return Ok(a.clone());
    }
    cast(a, &to).map_err(|e| e.to_string())
}

/// 128-bit hashes of each row of `columns` (in the canonical types), or `None` for a row with
/// a null in them: equal rows, equal hashes, whatever file or split they come from.
pub(crate) fn row_hashes(columns: &[ArrayRef]) -> Result<Vec<u128>, String> {
    seeded_row_hashes(columns, 0)
}

/// [`row_hashes`] with a seed (`assay split` orders groups by them).
pub(crate) fn seeded_row_hashes(columns: &[ArrayRef], seed: u64) -> Result<Vec<u128>, String> {
    use arrow::row::{RowConverter, SortField};
    let canon: Vec<ArrayRef> = columns.iter().map(canonical).collect::<Result<_, _>>()?;
    let converter = RowConverter::new(
        canon
            .iter()
            .map(|c| SortField::new(c.data_type().clone()))
            .collect(),
    )
    .map_err(|e| e.to_string())?;
    let rows = converter
        .convert_columns(&canon)
        .map_err(|e| e.to_string())?;
    Ok((0..rows.num_rows())
        .map(|i| twox_hash::XxHash3_128::oneshot_with_seed(seed, rows.row(i).as_ref()))
        .collect())
}

/// Values of a time column as microseconds (dates, timestamps) or numbers, for ordering.
pub(crate) fn times(a: &ArrayRef) -> Result<Vec<Option<f64>>, String> {
    let numeric = match a.data_type() {
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => {
            let t = cast(a, &DataType::Timestamp(TimeUnit::Microsecond, None))
                .map_err(|e| e.to_string())?;
            cast(&t, &DataType::Int64).map_err(|e| e.to_string())?
        }
        _ => a.clone(),
    };
    let f = cast(&numeric, &DataType::Float64).map_err(|e| e.to_string())?;
    let f = f
        .as_any()
        .downcast_ref::<arrow::array::Float64Array>()
        .expect("cast to Float64 gives a Float64Array");
    Ok(f.iter().collect())
}

/// A time value as the report shows it: RFC 3339 for times, else the number.
pub(crate) fn show_time(t: &DataType, v: f64) -> String {
    match t {
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => {
            crate::engine::micros_to_rfc3339(v as i64)
        }
        _ => format!("{v}"),
    }
}

/// Row `i` of `a` as text.
pub(crate) fn render(a: &dyn Array, i: usize) -> String {
    crate::engine::values::render(a, i)
}

/// Why a check stopped: what the checks keep passed a quarter of `--memory-limit`.
pub(crate) fn over_limit(cx: &MlCx) -> String {
    format!(
        "over a limit: what the training checks keep in memory (groups, times, categories) passes a quarter of --memory-limit ({} bytes); raise it (docs/ml.md)",
        cx.options.memory_limit
    )
}

/// A hash map keyed by 128-bit row hashes: foldhash, fixed seed (the keys are hashes already).
pub(crate) type RowMap<V> = std::collections::HashMap<u128, V, foldhash::fast::FixedState>;

/// A located sample.
pub(crate) fn sample(at: &Loc, values: Vec<String>, note: String) -> Sample {
    Sample {
        file: at.file.to_string(),
        row_group: None,
        row: Some(at.row),
        values,
        key: Vec::new(),
        note: Some(note),
    }
}

/// SplitMix64 from `seed`: the training checks' tests draw their data from it.
#[cfg(test)]
pub(crate) fn splitmix(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
