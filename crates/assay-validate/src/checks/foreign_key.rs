//! `foreign_key`: the target resource's keys are read once (their key columns only) into a set;
//! referencing rows are looked up per batch. A target past a quarter of `--memory-limit` goes
//! to disk in sorted runs, and the check becomes a sort-merge join at the end.

use std::collections::HashSet;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use arrow::row::{RowConverter, SortField};
use assay_model::check::ForeignKey;
use assay_model::report::Sample;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{Batch, FileCx, FinishCx, Kernel, MergeCx, Part, ResourceCx};
use crate::checks::CheckError;
use crate::engine::tally::Tally;
use crate::engine::values::{plain, render_encoded_key};
use crate::spill::{ByteSpill, key_cost, merge_byte_runs, pack_loc, unpack_loc};

/// Encoded key rows of a foreign key's target, and the target columns' types.
/// The set is `None` when it outgrew its share of the memory limit: its keys are then in sorted
/// runs on disk and the check becomes a sort-merge join at the end.
type KeySet = (Option<HashSet<Box<[u8]>>>, Vec<DataType>);

pub(crate) struct ForeignKeyCheck {
    check: ForeignKey,
    target: Option<Arc<KeySet>>,
    /// Sorted runs of the target's keys, when they did not fit in memory.
    target_runs: Vec<std::fs::File>,
    /// Types of the key columns (as the target's), for rendering spilled keys.
    types: Option<Vec<DataType>>,
    /// Referencing keys, kept for the join when the target is on disk.
    referencing: Option<ByteSpill>,
}

impl ForeignKeyCheck {
    pub fn new(check: ForeignKey) -> Self {
        ForeignKeyCheck {
            check,
            target: None,
            target_runs: Vec::new(),
            types: None,
            referencing: None,
        }
    }
}

/// What the workers of one file share.
pub(crate) struct FkFile {
    columns: Vec<String>,
    target_name: String,
    target: Arc<KeySet>,
}

/// Referencing keys of one row group, when the target is on disk.
#[derive(Default)]
pub(crate) struct Referencing {
    keys: Vec<(Box<[u8]>, u64)>,
    types: Option<Vec<DataType>>,
}

impl Kernel for ForeignKeyCheck {
    type File = FkFile;
    type State = Referencing;

    fn begin_resource(&mut self, t: &mut Tally, cx: &ResourceCx) {
        let r = &self.check.reference;
        let keys = match cx.memory {
            Some(groups) if r.resource == cx.resource.name => {
                memory_target_keys(groups, &r.columns, cx.options.memory_limit)
            }
            _ => target_keys(cx, &r.resource, &r.columns),
        };
        match keys {
            Ok((set, runs)) => {
                self.target = Some(Arc::new(set));
                self.target_runs = runs;
            }
            Err(e) => t.fail_error(e.to_string()),
        }
    }

    fn begin_file(&mut self, _: &FileCx) -> Result<FkFile, CheckError> {
        match &self.target {
            Some(target) => Ok(FkFile {
                columns: self.check.columns.clone(),
                target_name: self.check.reference.resource.clone(),
                target: target.clone(),
            }),
            None => Err("foreign key target unavailable".into()),
        }
    }

    fn columns(&self, f: &FkFile) -> Vec<String> {
        f.columns.clone()
    }

    fn update(
        f: &FkFile,
        part: &mut Part,
        s: &mut Referencing,
        batch: &Batch,
    ) -> Result<(), CheckError> {
        let types = &f.target.1;
        let mut cols = Vec::new();
        for (c, t) in f.columns.iter().zip(types) {
            cols.push(cast(batch.column(c)?, t)?);
        }
        if cols.is_empty() {
            return Ok(());
        }
        let converter =
            RowConverter::new(types.iter().map(|t| SortField::new(t.clone())).collect())?;
        let rows = converter.convert_columns(&cols)?;
        let rows_in_batch = batch.batch.num_rows();
        let Some(set) = &f.target.0 else {
            // The target did not fit in memory: collect the keys; they are joined against
            // the target's sorted runs at the end.
            s.types.get_or_insert_with(|| types.clone());
            for i in 0..rows_in_batch {
                if cols.iter().all(|c| c.is_valid(i)) {
                    s.keys
                        .push((Box::from(rows.row(i).as_ref()), batch.first_row + i as u64));
                }
            }
            return Ok(());
        };
        let mask: BooleanArray = (0..rows_in_batch)
            .map(|i| {
                cols.iter()
                    .all(|c| c.is_valid(i))
                    .then(|| !set.contains(rows.row(i).as_ref()))
            })
            .collect();
        let refs: Vec<&ArrayRef> = cols.iter().collect();
        let note = format!("not found in `{}`", f.target_name);
        part.record(&mask, &refs, batch, Some(&note));
        Ok(())
    }

    fn merge(&mut self, t: &mut Tally, part: Part, s: Referencing, cx: &MergeCx) {
        if s.keys.is_empty() {
            t.absorb(part);
            return;
        }
        // The target is on disk: keep the referencing keys for the join at the end.
        if self.types.is_none() {
            self.types = s.types.clone();
        }
        t.evaluated += s.keys.len() as u64;
        let keys = s
            .keys
            .into_iter()
            .map(|(k, row)| (k, pack_loc(cx.file_index, row)));
        let added = self
            .referencing
            .get_or_insert_with(ByteSpill::default)
            .add(keys, cx.options.memory_limit / 4);
        if let Err(e) = added {
            t.fail_error(format!("cannot spill foreign keys to disk: {e}"));
        }
    }

    /// A target that did not fit in memory: a sort-merge join of the referencing keys (in
    /// (key, location) order) with the target's sorted keys. Referencing keys not found fail.
    fn finish(&mut self, t: &mut Tally, cx: &FinishCx) {
        if self.target_runs.is_empty() {
            return;
        }
        let target_runs = std::mem::take(&mut self.target_runs);
        let referencing = match self.referencing.take().unwrap_or_default().into_runs() {
            Ok(runs) => runs,
            Err(e) => {
                t.error = Some(format!("cannot spill foreign keys to disk: {e}"));
                return;
            }
        };
        let samples = t.cap();
        let mut target = merge_byte_runs(target_runs).peekable();
        let mut heap: std::collections::BinaryHeap<(u64, Box<[u8]>)> = Default::default();
        let mut failing = 0u64;
        for (key, loc) in merge_byte_runs(referencing) {
            while target.peek().is_some_and(|(t, _)| *t < key) {
                target.next();
            }
            if target.peek().is_some_and(|(t, _)| *t == key) {
                continue;
            }
            failing += 1;
            heap.push((loc, key));
            if heap.len() > samples {
                heap.pop();
            }
        }
        t.failing += failing;
        let converter = self.types.as_ref().and_then(|t| {
            RowConverter::new(t.iter().map(|d| SortField::new(d.clone())).collect()).ok()
        });
        let target_name = &self.check.reference.resource;
        for (loc, key) in heap.into_sorted_vec() {
            let (fi, row) = unpack_loc(loc);
            t.samples.push(Sample {
                file: cx.files.get(fi).map(|f| f.rel.clone()).unwrap_or_default(),
                row_group: None,
                row: Some(row),
                values: render_encoded_key(converter.as_ref(), &key),
                key: vec![],
                note: Some(format!("not found in `{target_name}`")),
            });
        }
    }
}

/// The key set of a foreign key's target resource (a read of its key columns).
fn target_keys(
    cx: &ResourceCx,
    resource: &str,
    columns: &[String],
) -> Result<(KeySet, Vec<std::fs::File>), CheckError> {
    let files = target_files(cx.loaded, resource)?;
    let mut keys = TargetKeys::new(cx.options.memory_limit / 4);
    for f in files {
        let file = crate::source::Source::open(&cx.loaded.dir, &f)?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| format!("{}: {e}", f.rel))?;
        let schema = builder.schema().clone();
        let mut idx = Vec::new();
        for c in columns {
            idx.push(
                schema
                    .index_of(c)
                    .map_err(|_| format!("column `{c}` missing from {}", f.rel))?,
            );
        }
        if keys.schema_types.is_none() {
            keys.schema_types = Some(
                idx.iter()
                    .map(|&i| match schema.field(i).data_type() {
                        DataType::Dictionary(_, v) => v.as_ref().clone(),
                        t => t.clone(),
                    })
                    .collect(),
            );
        }
        let mask = ProjectionMask::roots(builder.parquet_schema(), idx.clone());
        let reader = builder
            .with_projection(mask)
            .with_batch_size(cx.options.batch_size)
            .build()
            .map_err(|e| format!("{}: {e}", f.rel))?;
        for batch in reader {
            let batch = batch.map_err(|e| format!("{}: {e}", f.rel))?;
            keys.add(&batch, columns, &f.rel)?;
        }
    }
    keys.finish()
}

/// The files of a foreign key's target resource, all of them: an empty or unreadable parent
/// would let every key "pass", so then the check is not evaluated. Blocking (a store's listing).
pub(crate) fn target_files(
    loaded: &assay_model::LoadedManifest,
    resource: &str,
) -> Result<Vec<assay_model::paths::ResolvedFile>, String> {
    let r = loaded
        .manifest
        .resources
        .iter()
        .find(|r| r.name == resource)
        .ok_or_else(|| format!("foreign key target `{resource}` is not a resource"))?;
    let (files, problems) = assay_storage::resolve(&loaded.dir, &r.path.patterns())
        .map_err(|e| format!("foreign key target `{resource}`: {e}"))?;
    if files.is_empty() {
        let why = problems
            .first()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        return Err(format!(
            "foreign key target `{resource}` has no files{why}; the references were not checked"
        ));
    }
    if let Some(p) = problems.first() {
        return Err(format!(
            "foreign key target `{resource}` cannot be read whole ({p}); the references were not checked"
        ));
    }
    Ok(files)
}

/// [`target_keys`] when the target is the table in memory itself (a key that refers to its own
/// resource): its rows, not the resource's files.
fn memory_target_keys(
    groups: &[(u64, Vec<arrow::record_batch::RecordBatch>)],
    columns: &[String],
    memory_limit: u64,
) -> Result<(KeySet, Vec<std::fs::File>), CheckError> {
    let mut keys = TargetKeys::new(memory_limit / 4);
    for batch in groups.iter().flat_map(|(_, slices)| slices.iter()) {
        keys.add(batch, columns, crate::engine::memory::MEMORY_FILE)?;
    }
    keys.finish()
}

/// The target's keys as they are read: a set in memory, spilled to sorted runs past `budget`.
struct TargetKeys {
    /// The key columns' types as the first file declares them (for a target with no rows).
    schema_types: Option<Vec<DataType>>,
    set: HashSet<Box<[u8]>>,
    set_bytes: u64,
    spilled: Option<ByteSpill>,
    types: Option<Vec<DataType>>,
    converter: Option<RowConverter>,
    budget: u64,
}

impl TargetKeys {
    fn new(budget: u64) -> Self {
        TargetKeys {
            schema_types: None,
            set: HashSet::new(),
            set_bytes: 0,
            spilled: None,
            types: None,
            converter: None,
            budget,
        }
    }

    /// Adds the keys (rows with no null key column) of `batch`, from `rel`.
    fn add(
        &mut self,
        batch: &arrow::record_batch::RecordBatch,
        columns: &[String],
        rel: &str,
    ) -> Result<(), CheckError> {
        let spill_err = |e: std::io::Error| format!("cannot spill foreign key target keys: {e}");
        let mut cols: Vec<ArrayRef> = Vec::new();
        for c in columns {
            let a = batch
                .column_by_name(c)
                .ok_or_else(|| format!("column `{c}` missing from {rel}"))?;
            cols.push(plain(a)?);
        }
        let t: Vec<DataType> = cols.iter().map(|c| c.data_type().clone()).collect();
        let conv = match &self.converter {
            Some(c) => c,
            None => {
                self.types = Some(t.clone());
                self.converter.insert(RowConverter::new(
                    t.iter().map(|d| SortField::new(d.clone())).collect(),
                )?)
            }
        };
        let rows = conv.convert_columns(&cols)?;
        for i in 0..batch.num_rows() {
            if !cols.iter().all(|c| c.is_valid(i)) {
                continue;
            }
            let key: Box<[u8]> = Box::from(rows.row(i).as_ref());
            match &mut self.spilled {
                Some(sp) => sp.add([(key, 0)], self.budget).map_err(spill_err)?,
                None => {
                    self.set_bytes += key_cost(&key);
                    self.set.insert(key);
                }
            }
        }
        if self.spilled.is_none() && self.set_bytes > self.budget {
            let all = self.set.drain().map(|k| (k, 0)).collect();
            self.spilled = Some(ByteSpill::starting_with(all).map_err(spill_err)?);
        }
        Ok(())
    }

    fn finish(self) -> Result<(KeySet, Vec<std::fs::File>), CheckError> {
        let spill_err = |e: std::io::Error| format!("cannot spill foreign key target keys: {e}");
        // A parent with files but no rows: an empty key set of the right types, so every
        // referencing key fails.
        let types = self.types.or(self.schema_types).unwrap_or_default();
        match self.spilled {
            None => Ok(((Some(self.set), types), Vec::new())),
            Some(sp) => Ok(((None, types), sp.into_runs().map_err(spill_err)?)),
        }
    }
}
