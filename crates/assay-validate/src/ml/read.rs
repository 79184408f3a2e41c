//! Reading the splits: every file of every split, indexed in split order ([`Sources`]); each
//! resource read once for all the splits it holds ([`read_resource`]); the values of sampled
//! rows read back by location ([`Sources::values`]).

use std::sync::Arc;

use arrow::array::{Array, BooleanArray, RecordBatch};
use arrow::compute::{cast, filter_record_batch};
use arrow::datatypes::{DataType, Schema};
use assay_model::LoadedManifest;
use parquet::arrow::ProjectionMask;

use super::{Loc, SplitInfo, render, rows};

/// Every file of every split, indexed in split order (train's files in path order, then
/// validation's, then test's): a packed location ([`rows::pack`]) names one of them, so
/// locations order as the splits are declared, whatever order the rows are read in.
pub(crate) struct Sources<'a> {
    loaded: &'a LoadedManifest,
    /// Each file's split, path and resolution.
    files: Vec<(usize, Arc<str>, assay_model::paths::ResolvedFile)>,
    /// Each split's files (indexes into `files`), in path order.
    of_split: Vec<Vec<usize>>,
}

impl Sources<'_> {
    /// A packed location as a sample's location.
    pub fn loc(&self, loc: u64) -> Loc {
        Loc {
            file: self.files[rows::file_of(loc)].1.clone(),
            row: rows::row_of(loc),
        }
    }

    /// Each file index's split.
    pub fn splits(&self) -> Vec<usize> {
        self.files.iter().map(|(s, _, _)| *s).collect()
    }

    /// The split a packed location is in.
    pub fn split(&self, loc: u64) -> usize {
        self.files[rows::file_of(loc)].0
    }

    /// The `columns` of the rows at `locs`, as text: each file they are in is opened again and
    /// only those rows are read (a row selection skips the other pages).
    pub fn values(
        &self,
        locs: impl IntoIterator<Item = u64>,
        columns: &[String],
    ) -> Result<std::collections::HashMap<u64, Vec<String>>, String> {
        use parquet::arrow::arrow_reader::{RowSelection, RowSelector};
        let mut by_file: std::collections::BTreeMap<usize, std::collections::BTreeSet<u64>> =
            Default::default();
        for loc in locs {
            by_file
                .entry(rows::file_of(loc))
                .or_default()
                .insert(rows::row_of(loc));
        }
        let mut out = std::collections::HashMap::new();
        for (fi, wanted) in by_file {
            let (_, rel, f) = &self.files[fi];
            let builder = crate::source::Source::reader(&self.loaded.dir, f)?;
            let schema = builder.schema().clone();
            let roots = crate::source::roots(&schema, columns, rel)?;
            let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
            let mut selectors = Vec::new();
            let mut at = 0u64;
            for &row in &wanted {
                if row > at {
                    selectors.push(RowSelector::skip((row - at) as usize));
                }
                selectors.push(RowSelector::select(1));
                at = row + 1;
            }
            let reader = builder
                .with_projection(mask)
                .with_row_selection(RowSelection::from(selectors))
                .build()
                .map_err(|e| format!("{rel}: {e}"))?;
            let mut rows_of = wanted.iter();
            for batch in reader {
                let batch = batch.map_err(|e| format!("{rel}: {e}"))?;
                let batch = plain(&batch).map_err(|e| format!("{rel}: {e}"))?;
                for i in 0..batch.num_rows() {
                    let Some(&row) = rows_of.next() else { break };
                    let values = columns
                        .iter()
                        .map(|c| {
                            batch
                                .column_by_name(c)
                                .map_or_else(String::new, |a| render(a.as_ref(), i))
                        })
                        .collect();
                    out.insert(rows::pack(fi, row), values);
                }
            }
        }
        Ok(out)
    }
}

/// What [`read_resource`] calls with each batch of a split: the split, the file's index in
/// [`Sources`], the rows, the file's path, each row's number in it.
type EachBatch<'a> = dyn FnMut(usize, usize, &RecordBatch, &Arc<str>, &[u64]) + 'a;

impl<'a> Sources<'a> {
    /// Every file of every split: each resource listed once, so the splits it holds see the
    /// same files in the same order.
    pub(super) fn of(
        loaded: &'a LoadedManifest,
        splits: &[SplitInfo],
    ) -> Result<Sources<'a>, String> {
        let mut listed: Vec<(&str, Vec<assay_model::paths::ResolvedFile>)> = Vec::new();
        let mut files = Vec::new();
        let mut of_split = Vec::new();
        for (si, split) in splits.iter().enumerate() {
            if !listed.iter().any(|(r, _)| *r == split.resource) {
                let r = loaded
                    .manifest
                    .resources
                    .iter()
                    .find(|r| r.name == split.resource)
                    .ok_or_else(|| {
                        format!("resource `{}` is not in the manifest", split.resource)
                    })?;
                listed.push((split.resource.as_str(), whole_files(loaded, r)?));
            }
            let (_, list) = listed
                .iter()
                .find(|(r, _)| *r == split.resource)
                .ok_or("a resource listed above")?;
            let mut mine = Vec::new();
            for f in list {
                mine.push(files.len());
                files.push((si, Arc::from(f.rel.as_str()), f.clone()));
            }
            of_split.push(mine);
        }
        Ok(Sources {
            loaded,
            files,
            of_split,
        })
    }
}

/// Reads the resource of the splits `holds` once: each file in path order, the `columns` (and
/// those the filters read), and for each batch the rows of each split (its filter's, or all),
/// made plain. With `jobs` over 1 a second thread decodes and filters the next batches while
/// this one runs the checks.
pub(super) fn read_resource(
    sources: &Sources,
    splits: &[SplitInfo],
    holds: &[usize],
    columns: &[String],
    jobs: usize,
    each: &mut EachBatch,
) -> Result<(), String> {
    // Every split of the resource has the same files, in the same order (listed once).
    for (k, &fi) in sources.of_split[holds[0]].iter().enumerate() {
        let (_, rel, f) = &sources.files[fi];
        // This file's index for each split that holds it.
        let indexes: Vec<usize> = holds.iter().map(|&s| sources.of_split[s][k]).collect();
        let builder = crate::source::Source::reader(&sources.loaded.dir, f)?;
        let schema = builder.schema().clone();
        let mut predicates = Vec::new();
        for &s in holds {
            predicates.push(match &splits[s].filter {
                Some(sql) => Some(
                    crate::checks::expression::plan(sql, &schema)
                        .map_err(|e| format!("{rel}: {e}"))?,
                ),
                None => None,
            });
        }
        let mut wanted: Vec<&str> = columns.iter().map(String::as_str).collect();
        for (names, _) in predicates.iter().flatten() {
            wanted.extend(names.iter().map(String::as_str));
        }
        let roots = crate::source::roots(&schema, &wanted, rel)?;
        let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
        let reader = builder
            .with_projection(mask)
            .with_batch_size(65_536)
            .build()
            .map_err(|e| format!("{rel}: {e}"))?;
        // A batch's rows in each split, made plain (dictionaries as values, after the
        // filter), with their numbers in the file: (position in `holds`, batch, numbers).
        let prepare = |batch: RecordBatch, first: u64| -> Result<Vec<Prepared>, String> {
            let at = |e: &dyn std::fmt::Display| format!("{rel}: {e}");
            let n = batch.num_rows();
            let mut out = Vec::new();
            for (h, predicate) in predicates.iter().enumerate() {
                let numbers = first..first + n as u64;
                let Some((names, expr)) = predicate else {
                    out.push((h, plain(&batch).map_err(|e| at(&e))?, numbers.collect()));
                    continue;
                };
                let sub = project(&batch, names).map_err(|e| at(&e))?;
                let sub = plain(&sub).map_err(|e| at(&e))?;
                let keep = expr
                    .evaluate(&sub)
                    .and_then(|v| v.into_array(n))
                    .map_err(|e| format!("{rel}: filter: {e}"))?;
                let Some(keep) = keep.as_any().downcast_ref::<BooleanArray>() else {
                    return Err(format!(
                        "the filter of the {} split is {}, not a boolean",
                        splits[holds[h]].name.as_str(),
                        keep.data_type()
                    ));
                };
                // False and null are both "not in the split".
                let keep = if keep.null_count() > 0 {
                    arrow::compute::prep_null_mask_filter(keep)
                } else {
                    keep.clone()
                };
                if keep.true_count() == 0 {
                    continue;
                }
                let kept: Vec<u64> = numbers
                    .zip(keep.values().iter())
                    .filter(|(_, k)| *k)
                    .map(|(r, _)| r)
                    .collect();
                let batch = filter_record_batch(&batch, &keep).map_err(|e| at(&e))?;
                out.push((h, plain(&batch).map_err(|e| at(&e))?, kept));
            }
            Ok(out)
        };
        let mut deliver = |parts: Vec<Prepared>| {
            for (h, batch, numbers) in parts {
                each(holds[h], indexes[h], &batch, rel, &numbers);
            }
        };
        if jobs < 2 {
            let mut next_row = 0u64;
            for batch in reader {
                let batch = batch.map_err(|e| format!("{rel}: {e}"))?;
                let n = batch.num_rows() as u64;
                deliver(prepare(batch, next_row)?);
                next_row += n;
            }
            continue;
        }
        // On two cores: one thread decodes and filters the next batches while this one runs
        // the checks on the last (two batches in flight at most).
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Prepared>, String>>(2);
        std::thread::scope(|s| -> Result<(), String> {
            s.spawn(move || {
                let mut next_row = 0u64;
                for batch in reader {
                    let out = batch.map_err(|e| format!("{rel}: {e}")).and_then(|b| {
                        let n = b.num_rows() as u64;
                        let out = prepare(b, next_row);
                        next_row += n;
                        out
                    });
                    let stop = out.is_err();
                    // The reading side stopped (an error there): nothing more is wanted.
                    if tx.send(out).is_err() || stop {
                        return;
                    }
                }
            });
            for parts in rx {
                deliver(parts?);
            }
            Ok(())
        })?;
    }
    Ok(())
}

/// One split's rows of a batch: the split's position among those of the resource, the rows
/// made plain, each row's number in its file.
type Prepared = (usize, RecordBatch, Vec<u64>);

/// Every file of a resource; an error when one cannot be listed or there is none (a split or
/// a split's source must be read whole).
pub(crate) fn whole_files(
    loaded: &LoadedManifest,
    r: &assay_model::Resource,
) -> Result<Vec<assay_model::paths::ResolvedFile>, String> {
    let (files, problems) =
        assay_storage::resolve(&loaded.dir, &r.path.patterns()).map_err(|e| e.to_string())?;
    if let Some(p) = problems.first() {
        return Err(format!("resource `{}` cannot be read whole ({p})", r.name));
    }
    if files.is_empty() {
        return Err(format!("resource `{}` has no files", r.name));
    }
    Ok(files)
}

/// The batch with dictionary columns as their values.
fn plain(batch: &RecordBatch) -> Result<RecordBatch, arrow::error::ArrowError> {
    let schema = batch.schema();
    let mut fields = Vec::new();
    let mut columns = Vec::new();
    for (f, c) in schema.fields().iter().zip(batch.columns()) {
        match c.data_type() {
            DataType::Dictionary(_, v) => {
                columns.push(cast(c, v)?);
                fields.push(f.as_ref().clone().with_data_type(v.as_ref().clone()));
            }
            _ => {
                columns.push(c.clone());
                fields.push(f.as_ref().clone());
            }
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
}

/// The columns `names` of `batch`, with value types, as the filter was planned.
fn project(batch: &RecordBatch, names: &[String]) -> Result<RecordBatch, String> {
    let mut fields = Vec::new();
    let mut columns = Vec::new();
    for n in names {
        let c = batch
            .column_by_name(n)
            .ok_or_else(|| format!("column `{n}` is missing"))?;
        fields.push(arrow::datatypes::Field::new(n, c.data_type().clone(), true));
        columns.push(c.clone());
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).map_err(|e| e.to_string())
}
