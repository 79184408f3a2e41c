//! Check kinds as types: one file per kind, each implementing [`Kernel`] (or the simpler
//! [`RowCheck`] for kinds that only produce a failing mask), registered in [`compile`].
//!
//! The shape follows DataFusion's aggregate functions (`Accumulator`: update a batch, merge
//! partial states, evaluate). A kernel lives on the thread that reads the file and sees the
//! phases of a validation in order:
//!
//! 1. [`Kernel::begin_resource`] once, with every file of the resource resolved;
//! 2. per file, [`Kernel::begin_file`] prepares what the row-group workers share (a compiled
//!    pattern, a value set in the column's type, a planned expression) as [`Kernel::File`];
//! 3. per row group, [`Kernel::decide`] may settle the row group from its statistics, and
//!    where the file has a page index, [`Kernel::decide_pages`] may settle some of its data
//!    pages, so only the others are decoded for the check;
//! 4. the row groups that need data are decoded on worker threads, which call
//!    [`Kernel::update`] per batch and [`Kernel::end_row_group`] with a fresh [`Part`] and
//!    [`Kernel::State`] each;
//! 5. the reading thread folds the row groups' results in row-group order with
//!    [`Kernel::merge`], so results never depend on thread timing;
//! 6. [`Kernel::end_file`] after each fully read file, and [`Kernel::finish`] at the end.
//!
//! The counters, samples and verdict every kind shares live in [`Tally`], owned by the driver.

use std::any::Any;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanArray};
use arrow::datatypes::Schema;
use arrow::record_batch::RecordBatch;
use assay_model::check::{Check, CheckKind};
use assay_model::paths::ResolvedFile;
use assay_model::report::{FileReport, Sample};
use assay_model::{LoadedManifest, Resource};
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;

pub(crate) use aggregate::verdict as aggregate_verdict;
pub(crate) use error::CheckError;
pub(crate) use expression::parse as parse_expression;
pub(crate) use foreign_key::target_files as foreign_key_files;
pub(crate) use freshness::verdict as freshness_verdict;
pub(crate) use in_set::listed as listed_values;
pub(crate) use row_count::verdict as row_count_verdict;

use crate::engine::Options;
use crate::engine::codec::{Dec, Enc};
use crate::engine::tally::Tally;

mod aggregate;
mod error;
pub(crate) mod expression;
mod finite;
mod foreign_key;
mod freshness;
mod history;
mod in_set;
mod length;
mod monotonic;
mod not_null;
mod pattern;
mod range;
mod rate_of_change;
mod row_count;
mod unique;

/// Compiles a planned check into its kernel: the one registration point of the engine. The
/// match is exhaustive, so a kind added to the model does not build until it is registered.
pub(crate) fn compile(check: &Check) -> Box<dyn DynKernel> {
    match &check.kind {
        CheckKind::NotNull(k) => erase(Rows(not_null::NotNullCheck(k.clone()))),
        CheckKind::Unique(k) => erase(unique::UniqueCheck::new(vec![k.column.clone()])),
        CheckKind::Range(k) => erase(Rows(range::RangeCheck(k.clone()))),
        CheckKind::InSet(k) => erase(Rows(in_set::SetCheck::new(&k.column, &k.values, false))),
        CheckKind::NotInSet(k) => erase(Rows(in_set::SetCheck::new(&k.column, &k.values, true))),
        CheckKind::Pattern(k) => erase(Rows(pattern::PatternCheck(k.clone()))),
        CheckKind::Length(k) => erase(Rows(length::LengthCheck(k.clone()))),
        CheckKind::Finite(k) => erase(Rows(finite::FiniteCheck(k.clone()))),
        CheckKind::Monotonic(k) => erase(monotonic::MonotonicCheck::new(k.clone())),
        CheckKind::RowCount(k) => erase(row_count::RowCountCheck(k.clone())),
        CheckKind::UniqueKey(k) => erase(unique::UniqueCheck::new(k.columns.clone())),
        CheckKind::Freshness(k) => erase(freshness::FreshnessCheck::new(k.clone())),
        CheckKind::Expression(k) => erase(Rows(expression::ExpressionCheck(k.clone()))),
        CheckKind::Aggregate(k) => erase(aggregate::AggregateCheck::new(k.clone())),
        CheckKind::Change(_) | CheckKind::Anomaly(_) => history::compile(check),
        CheckKind::ForeignKey(k) => erase(foreign_key::ForeignKeyCheck::new(k.clone())),
        CheckKind::RateOfChange(k) => erase(rate_of_change::RateOfChangeCheck::new(k.clone())),
    }
}

/// What a check sees of its resource when the validation starts.
pub(crate) struct ResourceCx<'a> {
    pub loaded: &'a LoadedManifest,
    pub resource: &'a Resource,
    pub files: &'a [ResolvedFile],
    pub options: &'a Options,
    /// For a table in memory (`validate_batches`): its row groups (first row, slices), read
    /// where a file's footer would be.
    pub memory: Option<&'a [(u64, Vec<arrow::record_batch::RecordBatch>)]>,
}

/// One file, once its footer is read.
pub(crate) struct FileCx<'a> {
    /// Index of the file in the resource's resolved files.
    pub index: u32,
    /// The file's Arrow schema.
    pub schema: &'a Schema,
    /// Rows in the file (footer).
    pub rows: u64,
    pub options: &'a Options,
}

/// One row group's footer statistics.
pub(crate) struct RowGroupStats<'a> {
    pub schema: &'a Schema,
    pub parquet_schema: &'a parquet::schema::types::SchemaDescriptor,
    pub row_group: &'a parquet::file::metadata::RowGroupMetaData,
    /// Rows of the row group.
    pub rows: u64,
}

impl RowGroupStats<'_> {
    /// A statistics converter for one column.
    pub fn converter(&self, column: &str) -> Result<StatisticsConverter<'_>, CheckError> {
        Ok(StatisticsConverter::try_new(
            column,
            self.schema,
            self.parquet_schema,
        )?)
    }

    /// The row group itself, as the converter takes it.
    pub fn one(&self) -> std::iter::Once<&parquet::file::metadata::RowGroupMetaData> {
        std::iter::once(self.row_group)
    }
}

/// The data pages of one column in one row group, from the file's page index (column index
/// and offset index): per page, its rows and its statistics. A statistic the index lacks is
/// null.
pub(crate) struct Pages {
    /// The column's Arrow type in the file.
    pub data_type: arrow::datatypes::DataType,
    pub rows: Vec<u64>,
    pub mins: ArrayRef,
    pub maxes: ArrayRef,
    pub nulls: arrow::array::UInt64Array,
}

impl Pages {
    /// Non-null rows of page `i`, when its null count is known.
    pub fn values(&self, i: usize) -> Option<u64> {
        self.nulls
            .is_valid(i)
            .then(|| self.rows[i].saturating_sub(self.nulls.value(i)))
    }

    /// True when page `i` holds only nulls.
    pub fn all_null(&self, i: usize) -> bool {
        self.values(i) == Some(0)
    }
}

/// A decoded batch of one row group, with what samples need to name the rows.
pub(crate) struct Batch<'a> {
    pub batch: &'a RecordBatch,
    /// Primary key columns of the batch, for samples.
    pub keys: &'a [ArrayRef],
    pub rel: &'a str,
    pub row_group: u64,
    /// Row number (in the file) of the batch's first row.
    pub first_row: u64,
    /// Samples kept per check.
    pub samples: usize,
}

impl Batch<'_> {
    /// A column of the batch, or an error naming it.
    pub fn column(&self, name: &str) -> Result<&ArrayRef, CheckError> {
        crate::engine::values::column(self.batch, name)
    }

    /// A located sample of row `i` of the batch.
    pub fn sample(&self, i: usize, values: &[&ArrayRef], note: Option<String>) -> Sample {
        use crate::engine::values::render;
        Sample {
            file: self.rel.to_string(),
            row_group: Some(self.row_group),
            row: Some(self.first_row + i as u64),
            values: values.iter().map(|v| render(v.as_ref(), i)).collect(),
            key: self.keys.iter().map(|k| render(k.as_ref(), i)).collect(),
            note,
        }
    }
}

/// What a row group knows when its last batch is done.
pub(crate) struct RowGroupEnd<'a> {
    pub rel: &'a str,
    pub row_group: usize,
    pub samples: usize,
}

/// Where a merge happens: the file, the resource's files, the run settings.
pub(crate) struct MergeCx<'a> {
    pub file_index: u32,
    pub files: &'a [ResolvedFile],
    pub options: &'a Options,
}

impl MergeCx<'_> {
    /// The file's path relative to the dataset folder.
    pub fn rel(&self) -> &str {
        self.files[self.file_index as usize].rel.as_str()
    }
}

/// What a check knows when every file has been read.
pub(crate) struct FinishCx<'a> {
    pub resource: &'a str,
    pub files: &'a [ResolvedFile],
    pub file_reports: &'a [FileReport],
    pub total_rows: u64,
    pub options: &'a Options,
    pub history: &'a Result<Vec<crate::history::Entry>, String>,
}

/// One row group's contribution to a check, built on a worker thread.
#[derive(Default)]
pub(crate) struct Part {
    pub evaluated: u64,
    pub failing: u64,
    pub samples: Vec<Sample>,
    /// Why the row group could not be evaluated.
    pub error: Option<String>,
}

impl Part {
    /// Records a failing mask (`true` = fails, null = not evaluated) with located samples of
    /// `values`.
    pub fn record(
        &mut self,
        mask: &BooleanArray,
        values: &[&ArrayRef],
        batch: &Batch,
        note: Option<&str>,
    ) {
        self.evaluated += (mask.len() - mask.null_count()) as u64;
        let failing = mask.true_count() as u64;
        self.failing += failing;
        if failing == 0 || self.samples.len() >= batch.samples {
            return;
        }
        for i in 0..mask.len() {
            if self.samples.len() >= batch.samples {
                break;
            }
            if mask.is_valid(i) && mask.value(i) {
                self.samples
                    .push(batch.sample(i, values, note.map(str::to_string)));
            }
        }
    }
}

/// A check kind's evaluator. See the module documentation for the phases.
pub(crate) trait Kernel: Send + 'static {
    /// What [`Kernel::begin_file`] prepares for the workers of one file.
    type File: Send + Sync + 'static;
    /// Kind-specific results of one row group, beyond the counters of [`Part`].
    type State: Default + Send + 'static;

    /// Once per resource, before any file.
    fn begin_resource(&mut self, t: &mut Tally, cx: &ResourceCx) {
        let _ = (t, cx);
    }

    /// Prepares the check for one file's schema. An error names why the check cannot run on
    /// this file.
    fn begin_file(&mut self, cx: &FileCx) -> Result<Self::File, CheckError>;

    /// The columns a row group must decode for this check.
    fn columns(&self, file: &Self::File) -> Vec<String>;

    /// A string column worth decoding as a dictionary, so the check runs once per value.
    fn dictionary_column(&self) -> Option<&str> {
        None
    }

    /// Decides a row group from its statistics: `Ok(true)` when no data need be read.
    fn decide(&mut self, t: &mut Tally, rg: &RowGroupStats) -> Result<bool, CheckError> {
        let _ = (t, rg);
        Ok(false)
    }

    /// The column whose data pages [`Kernel::decide_pages`] decides; `None` (the default)
    /// when the kind does not decide pages.
    fn page_column(&self) -> Option<&str> {
        None
    }

    /// Decides the data pages of a row group the row-group statistics left open, from the
    /// page index: per page, true when its rows need not be decoded for this check (the
    /// kind counts them itself, as in [`Kernel::decide`]).
    fn decide_pages(
        &mut self,
        t: &mut Tally,
        file: &Self::File,
        pages: &Pages,
    ) -> Result<Vec<bool>, CheckError> {
        let _ = (t, file);
        Ok(vec![false; pages.rows.len()])
    }

    /// Evaluates one decoded batch (on a worker thread).
    fn update(
        file: &Self::File,
        part: &mut Part,
        state: &mut Self::State,
        batch: &Batch,
    ) -> Result<(), CheckError>;

    /// After a row group's last batch (on the worker thread).
    fn end_row_group(
        file: &Self::File,
        part: &mut Part,
        state: &mut Self::State,
        end: &RowGroupEnd,
    ) {
        let _ = (file, part, state, end);
    }

    /// Folds one row group's results into the check, in row-group order.
    fn merge(&mut self, t: &mut Tally, part: Part, state: Self::State, cx: &MergeCx) {
        let _ = (state, cx);
        t.absorb(part);
    }

    /// After a file was read to its end.
    fn end_file(&mut self, t: &mut Tally, rows: u64) {
        let _ = (t, rows);
    }

    /// After every file: table-level verdicts, joins and sorts that need all the data.
    fn finish(&mut self, t: &mut Tally, cx: &FinishCx) {
        let _ = (t, cx);
    }

    /// For the cache of partial results (`engine::cache`): what this check's row-group
    /// results in one file depend on beyond the check, the run's settings and the file's
    /// bytes. `None` (the default) when they depend on other data, or the kind's state cannot
    /// be encoded: the check then always reads the file.
    fn cache_key(&self, file: &Self::File) -> Option<String> {
        let _ = file;
        None
    }

    /// Encodes a row group's state for the cache (called only when `cache_key` is `Some`).
    fn encode_state(state: &Self::State, e: &mut Enc) {
        let _ = (state, e);
    }

    /// Decodes what [`Kernel::encode_state`] wrote; `None` refuses the entry.
    fn decode_state(d: &mut Dec) -> Option<Self::State> {
        let _ = d;
        None
    }
}

/// A kind that only says, per row, whether the row fails.
pub(crate) trait RowCheck: Send + 'static {
    /// What is prepared per file and shared by the workers.
    type File: Send + Sync + 'static;

    /// Once per resource (a pattern that does not compile, say).
    fn begin_resource(&self, t: &mut Tally) {
        let _ = t;
    }

    /// Prepares the check for one file.
    fn prepare(&self, cx: &FileCx) -> Result<Self::File, CheckError>;

    /// The columns a row group must decode.
    fn columns(&self, file: &Self::File) -> Vec<String>;

    /// A string column worth decoding as a dictionary.
    fn dictionary_column(&self) -> Option<&str> {
        None
    }

    /// `Some(rows evaluated)` when the row group's statistics prove every row passes.
    fn decide(&self, rg: &RowGroupStats) -> Result<Option<u64>, CheckError> {
        let _ = rg;
        Ok(None)
    }

    /// The column whose data pages [`RowCheck::decide_pages`] decides.
    fn page_column(&self) -> Option<&str> {
        None
    }

    /// Per data page, `Some(rows evaluated)` when the page's statistics prove every row
    /// passes.
    fn decide_pages(&self, file: &Self::File, pages: &Pages) -> Vec<Option<u64>> {
        let _ = file;
        vec![None; pages.rows.len()]
    }

    /// The failing mask of one batch.
    fn fails(file: &Self::File, batch: &Batch) -> Result<Failing, CheckError>;
}

/// A batch's failing rows: `true` fails, null was not evaluated; the values shown in samples.
pub(crate) struct Failing {
    pub mask: BooleanArray,
    pub values: Vec<ArrayRef>,
    pub note: Option<String>,
}

/// Adapts a [`RowCheck`] to a [`Kernel`].
pub(crate) struct Rows<C>(pub C);

impl<C: RowCheck> Kernel for Rows<C> {
    type File = C::File;
    type State = ();

    fn begin_resource(&mut self, t: &mut Tally, _: &ResourceCx) {
        self.0.begin_resource(t);
    }

    fn begin_file(&mut self, cx: &FileCx) -> Result<C::File, CheckError> {
        self.0.prepare(cx)
    }

    fn columns(&self, file: &C::File) -> Vec<String> {
        self.0.columns(file)
    }

    fn dictionary_column(&self) -> Option<&str> {
        self.0.dictionary_column()
    }

    fn decide(&mut self, t: &mut Tally, rg: &RowGroupStats) -> Result<bool, CheckError> {
        Ok(match self.0.decide(rg)? {
            Some(evaluated) => {
                t.evaluated += evaluated;
                true
            }
            None => false,
        })
    }

    fn page_column(&self) -> Option<&str> {
        self.0.page_column()
    }

    fn decide_pages(
        &mut self,
        t: &mut Tally,
        file: &C::File,
        pages: &Pages,
    ) -> Result<Vec<bool>, CheckError> {
        Ok(self
            .0
            .decide_pages(file, pages)
            .into_iter()
            .map(|d| {
                if let Some(evaluated) = d {
                    t.evaluated += evaluated;
                }
                d.is_some()
            })
            .collect())
    }

    fn update(
        file: &C::File,
        part: &mut Part,
        _: &mut (),
        batch: &Batch,
    ) -> Result<(), CheckError> {
        let f = C::fails(file, batch)?;
        let values: Vec<&ArrayRef> = f.values.iter().collect();
        part.record(&f.mask, &values, batch, f.note.as_deref());
        Ok(())
    }

    /// A failing mask depends on the row and what was prepared from the check and the file's
    /// schema only.
    fn cache_key(&self, _: &C::File) -> Option<String> {
        Some(String::new())
    }

    fn decode_state(_: &mut Dec) -> Option<()> {
        Some(())
    }
}

/// A kernel with its `File` and `State` types erased, as the driver holds it.
pub(crate) trait DynKernel: Send {
    fn begin_resource(&mut self, t: &mut Tally, cx: &ResourceCx);
    fn begin_file(&mut self, cx: &FileCx) -> Result<Arc<dyn DynFile>, CheckError>;
    fn dictionary_column(&self) -> Option<&str>;
    fn decide(&mut self, t: &mut Tally, rg: &RowGroupStats) -> Result<bool, CheckError>;
    fn page_column(&self) -> Option<&str>;
    fn decide_pages(
        &mut self,
        t: &mut Tally,
        file: &dyn DynFile,
        pages: &Pages,
    ) -> Result<Vec<bool>, CheckError>;
    fn merge(&mut self, t: &mut Tally, part: Part, state: Box<dyn Any + Send>, cx: &MergeCx);
    fn end_file(&mut self, t: &mut Tally, rows: u64);
    fn finish(&mut self, t: &mut Tally, cx: &FinishCx);
    /// Encodes a row-group state this kernel created; false when it is not this kernel's.
    fn encode_state(&self, state: &(dyn Any + Send), e: &mut Enc) -> bool;
    fn decode_state(&self, d: &mut Dec) -> Option<Box<dyn Any + Send>>;
}

/// A prepared file of one check, shared by the row-group workers.
pub(crate) trait DynFile: Send + Sync {
    fn columns(&self) -> &[String];
    /// See [`Kernel::cache_key`].
    fn cache_key(&self) -> Option<&str>;
    fn new_state(&self) -> Box<dyn Any + Send>;
    fn update(
        &self,
        part: &mut Part,
        state: &mut (dyn Any + Send),
        batch: &Batch,
    ) -> Result<(), CheckError>;
    fn end_row_group(&self, part: &mut Part, state: &mut (dyn Any + Send), end: &RowGroupEnd);
    fn as_any(&self) -> &dyn Any;
}

fn erase<K: Kernel>(k: K) -> Box<dyn DynKernel> {
    Box::new(Erased(k))
}

struct Erased<K>(K);

struct ErasedFile<K: Kernel> {
    file: K::File,
    columns: Vec<String>,
    cache_key: Option<String>,
}

/// The driver hands each kernel back only the states it created; a mismatch is a bug.
fn own<S: 'static>(state: &mut (dyn Any + Send)) -> &mut S {
    state
        .downcast_mut::<S>()
        .expect("a kernel only receives the row-group states it created")
}

impl<K: Kernel> DynKernel for Erased<K> {
    fn begin_resource(&mut self, t: &mut Tally, cx: &ResourceCx) {
        self.0.begin_resource(t, cx)
    }

    fn begin_file(&mut self, cx: &FileCx) -> Result<Arc<dyn DynFile>, CheckError> {
        let file = self.0.begin_file(cx)?;
        let columns = self.0.columns(&file);
        let cache_key = self.0.cache_key(&file);
        Ok(Arc::new(ErasedFile::<K> {
            file,
            columns,
            cache_key,
        }))
    }

    fn dictionary_column(&self) -> Option<&str> {
        self.0.dictionary_column()
    }

    fn decide(&mut self, t: &mut Tally, rg: &RowGroupStats) -> Result<bool, CheckError> {
        self.0.decide(t, rg)
    }

    fn page_column(&self) -> Option<&str> {
        self.0.page_column()
    }

    fn decide_pages(
        &mut self,
        t: &mut Tally,
        file: &dyn DynFile,
        pages: &Pages,
    ) -> Result<Vec<bool>, CheckError> {
        let file = file
            .as_any()
            .downcast_ref::<ErasedFile<K>>()
            .expect("a kernel only receives the files it prepared");
        self.0.decide_pages(t, &file.file, pages)
    }

    fn merge(&mut self, t: &mut Tally, part: Part, mut state: Box<dyn Any + Send>, cx: &MergeCx) {
        let state = std::mem::take(own::<K::State>(state.as_mut()));
        self.0.merge(t, part, state, cx)
    }

    fn end_file(&mut self, t: &mut Tally, rows: u64) {
        self.0.end_file(t, rows)
    }

    fn finish(&mut self, t: &mut Tally, cx: &FinishCx) {
        self.0.finish(t, cx)
    }

    fn encode_state(&self, state: &(dyn Any + Send), e: &mut Enc) -> bool {
        match state.downcast_ref::<K::State>() {
            Some(s) => {
                K::encode_state(s, e);
                true
            }
            None => false,
        }
    }

    fn decode_state(&self, d: &mut Dec) -> Option<Box<dyn Any + Send>> {
        K::decode_state(d).map(|s| Box::new(s) as Box<dyn Any + Send>)
    }
}

impl<K: Kernel> DynFile for ErasedFile<K> {
    fn columns(&self) -> &[String] {
        &self.columns
    }

    fn cache_key(&self) -> Option<&str> {
        self.cache_key.as_deref()
    }

    fn new_state(&self) -> Box<dyn Any + Send> {
        Box::new(K::State::default())
    }

    fn update(
        &self,
        part: &mut Part,
        state: &mut (dyn Any + Send),
        batch: &Batch,
    ) -> Result<(), CheckError> {
        K::update(&self.file, part, own::<K::State>(state), batch)
    }

    fn end_row_group(&self, part: &mut Part, state: &mut (dyn Any + Send), end: &RowGroupEnd) {
        K::end_row_group(&self.file, part, own::<K::State>(state), end)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
