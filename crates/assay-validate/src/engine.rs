//! The check engine: plan, one read per file, statistics first, Arrow kernels per batch.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float64Array, StringArray};
use arrow::compute::kernels::cmp;
use arrow::compute::{cast, is_null, not, or, take};
use arrow::datatypes::{DataType, Schema, TimeUnit as ArrowUnit};
use arrow::record_batch::RecordBatch;
use arrow::row::{RowConverter, SortField};
use arrow::util::display::{ArrayFormatter, FormatOptions};
use assay_model::check::{Check, CheckKind, Direction, IsoDuration, Severity, Stat};
use assay_model::lint::{LoadedManifest, hex};
use assay_model::manifest::{Resource, Scalar};
use assay_model::paths::{self, ResolvedFile};
use assay_model::report::{
    CheckOrigin, CheckResult, CheckStatus, DatasetIdentity, DecidedBy, FileReport, Report,
    ResourceReport, RunStatus, Sample, Summary, Tool,
};
use bytes::Bytes;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use sha2::{Digest, Sha256};

use crate::conformance;

/// Receives progress: total bytes to read as files are found, bytes read as they are read.
pub trait Progress: Send + Sync {
    /// More bytes to read (a resource's files were resolved).
    fn add_total(&self, bytes: u64);
    /// Bytes read and checked.
    fn advance(&self, bytes: u64);
}

/// Run settings.
#[derive(Clone)]
pub struct Options {
    /// Failing rows kept per check.
    pub samples: usize,
    /// Reference time for freshness, microseconds since the Unix epoch (UTC).
    pub now_us: i64,
    /// The same, as RFC 3339 text for the report.
    pub now_text: String,
    /// Validate only this resource.
    pub resource: Option<String>,
    /// `generated_at` for the report, when timestamps are wanted.
    pub generated_at: Option<String>,
    /// Rows per decoded batch.
    pub batch_size: usize,
    /// Row groups decoded at once, each on its own thread (default: the number of cores).
    pub jobs: usize,
    /// Where progress goes; the library itself never prints.
    pub progress: Option<Arc<dyn Progress>>,
    /// Memory budget in bytes. Today it bounds the keys kept by `unique` on integer-like
    /// columns (a quarter of it; the rest spills to disk in sorted runs).
    pub memory_limit: u64,
    /// Grade thresholds, weights and caps (a catalog's `quality.json`).
    pub quality: assay_model::quality::QualityConfig,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("samples", &self.samples)
            .field("now_text", &self.now_text)
            .field("resource", &self.resource)
            .field("batch_size", &self.batch_size)
            .field("jobs", &self.jobs)
            .finish_non_exhaustive()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            samples: 10,
            now_us: 0,
            now_text: "1970-01-01T00:00:00Z".into(),
            resource: None,
            generated_at: None,
            batch_size: 65_536,
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            progress: None,
            memory_limit: 1 << 30,
            quality: Default::default(),
        }
    }
}

/// Validates every resource of a loaded (lint-clean) manifest.
pub fn validate(loaded: &LoadedManifest, options: &Options) -> Result<Report, crate::Error> {
    let m = &loaded.manifest;
    let resources: Vec<&Resource> = match &options.resource {
        Some(name) => match m.resources.iter().find(|r| &r.name == name) {
            Some(r) => vec![r],
            None => {
                return Err(crate::Error::UnknownResource(
                    name.clone(),
                    m.resources
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
        },
        None => m.resources.iter().collect(),
    };
    let mut check_set = Vec::new();
    let mut reports = Vec::new();
    // The history is read only when a check compares with it.
    let needs_history = resources.iter().any(|r| {
        r.checks
            .iter()
            .any(|c| matches!(c.kind, CheckKind::Change { .. } | CheckKind::Anomaly { .. }))
    });
    let history = if needs_history {
        crate::history::load(&loaded.dir)
    } else {
        Ok(Vec::new())
    };
    for r in resources {
        let planned = plan(r);
        check_set.push(serde_json::json!({
            "resource": r.name,
            "checks": planned.iter().map(|(o, c)| serde_json::json!({"origin": o, "check": c})).collect::<Vec<_>>(),
        }));
        reports.push(validate_resource(loaded, r, planned, options, &history));
    }
    let check_set_sha256 = hex(&Sha256::digest(
        serde_json::to_vec(&check_set).unwrap_or_default(),
    ));
    let mut summary = Summary::default();
    let mut unreadable = false;
    for r in &reports {
        summary.rows += r.rows;
        for f in &r.files {
            summary.bytes += f.bytes;
            unreadable |= f.error.is_some();
        }
        for c in &r.checks {
            summary.checks += 1;
            match c.status {
                CheckStatus::Pass => summary.passed += 1,
                CheckStatus::Fail => summary.failed += 1,
                CheckStatus::Warn => summary.warned += 1,
                CheckStatus::Error => summary.errors += 1,
            }
        }
    }
    let status = if unreadable || summary.errors > 0 {
        RunStatus::Error
    } else if summary.failed > 0 {
        RunStatus::Fail
    } else if summary.warned > 0 {
        RunStatus::Warn
    } else {
        RunStatus::Pass
    };
    let mut report = Report {
        schema_version: assay_model::report::REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "assay".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        dataset: DatasetIdentity {
            name: m.name.clone(),
            version: m.version.clone(),
            field: m.field.clone(),
            manifest_sha256: loaded.sha256.clone(),
            check_set_sha256,
        },
        status,
        summary,
        resources: reports,
        generated_at: options.generated_at.clone(),
        now: options.now_text.clone(),
        quality: None,
    };
    let access = access_facts(loaded, &report);
    report.quality = Some(assay_model::quality::score(
        &report,
        &access,
        &options.quality,
    ));
    Ok(report)
}

/// The accessibility facts of a validation: files read, files matching `dataset.lock` (read
/// beside the manifest; its hashes are compared with those of this same read), license and
/// descriptive metadata.
fn access_facts(loaded: &LoadedManifest, report: &Report) -> assay_model::quality::AccessFacts {
    let files: Vec<&assay_model::report::FileReport> = report
        .resources
        .iter()
        .flat_map(|r| r.files.iter())
        .collect();
    let lock = std::fs::read_to_string(loaded.dir.join(assay_model::lock::LOCK_FILE_NAME))
        .ok()
        .and_then(|t| assay_model::lock::Lock::parse(&t).ok())
        .filter(|l| l.dataset == loaded.manifest.name);
    let locked_match = lock.map(|l| {
        let locked: std::collections::BTreeMap<&str, (&str, u64)> = l
            .resources
            .iter()
            .flat_map(|r| r.files.iter())
            .map(|f| (f.path.as_str(), (f.sha256.as_str(), f.bytes)))
            .collect();
        files
            .iter()
            .filter(|f| {
                f.sha256
                    .as_deref()
                    .is_some_and(|h| locked.get(f.path.as_str()) == Some(&(h, f.bytes)))
            })
            .count() as u64
    });
    let m = &loaded.manifest;
    let filled = [
        m.title.is_some(),
        m.description.is_some(),
        m.owner.is_some(),
        m.steward.is_some(),
        !m.keywords.is_empty(),
    ];
    assay_model::quality::AccessFacts {
        files: files.len() as u64,
        readable: files.iter().filter(|f| f.error.is_none()).count() as u64,
        locked_match,
        license: !m.licenses.is_empty(),
        metadata_filled: filled.iter().filter(|b| **b).count() as u8,
    }
}

/// Every check a resource runs: constraints and keys first, then its `checks`, in manifest
/// order. Constraints become checks of the matching kind.
fn plan(r: &Resource) -> Vec<(CheckOrigin, Check)> {
    let mk = |name: String, kind: CheckKind| Check {
        name: Some(name),
        description: None,
        severity: Severity::Error,
        mostly: None,
        dimension: None,
        kind,
    };
    let mut out = Vec::new();
    let pk: Vec<&str> = r
        .schema
        .primary_key
        .as_ref()
        .map(|k| k.columns())
        .unwrap_or_default();
    for f in &r.schema.fields {
        let c = &f.constraints;
        let col = f.name.clone();
        if c.required == Some(true) || pk.contains(&f.name.as_str()) {
            out.push((
                CheckOrigin::Constraint,
                mk(
                    format!("{col}: required"),
                    CheckKind::NotNull {
                        column: col.clone(),
                    },
                ),
            ));
        }
        if c.unique == Some(true) {
            out.push((
                CheckOrigin::Constraint,
                mk(
                    format!("{col}: unique"),
                    CheckKind::Unique {
                        column: col.clone(),
                    },
                ),
            ));
        }
        let (min, min_exclusive) = match (&c.minimum, &c.exclusive_minimum) {
            (_, Some(x)) => (Some(x.clone()), true),
            (Some(x), None) => (Some(x.clone()), false),
            _ => (None, false),
        };
        let (max, max_exclusive) = match (&c.maximum, &c.exclusive_maximum) {
            (_, Some(x)) => (Some(x.clone()), true),
            (Some(x), None) => (Some(x.clone()), false),
            _ => (None, false),
        };
        if min.is_some() || max.is_some() {
            out.push((
                CheckOrigin::Constraint,
                mk(
                    format!("{col}: range"),
                    CheckKind::Range {
                        column: col.clone(),
                        min,
                        max,
                        min_exclusive,
                        max_exclusive,
                    },
                ),
            ));
        }
        if c.min_length.is_some() || c.max_length.is_some() {
            out.push((
                CheckOrigin::Constraint,
                mk(
                    format!("{col}: length"),
                    CheckKind::Length {
                        column: col.clone(),
                        min: c.min_length,
                        max: c.max_length,
                    },
                ),
            ));
        }
        if let Some(p) = &c.pattern {
            out.push((
                CheckOrigin::Constraint,
                mk(
                    format!("{col}: pattern"),
                    CheckKind::Pattern {
                        column: col.clone(),
                        pattern: p.clone(),
                    },
                ),
            ));
        }
        if let Some(values) = &c.enum_values {
            out.push((
                CheckOrigin::Constraint,
                mk(
                    format!("{col}: enum"),
                    CheckKind::InSet {
                        column: col.clone(),
                        values: values.clone(),
                    },
                ),
            ));
        }
    }
    if !pk.is_empty() {
        out.push((
            CheckOrigin::Key,
            mk(
                format!("primaryKey({})", pk.join(", ")),
                CheckKind::UniqueKey {
                    columns: pk.iter().map(|s| s.to_string()).collect(),
                },
            ),
        ));
    }
    for k in &r.schema.unique_keys {
        let cols = k.columns();
        out.push((
            CheckOrigin::Key,
            mk(
                format!("uniqueKey({})", cols.join(", ")),
                CheckKind::UniqueKey {
                    columns: cols.iter().map(|s| s.to_string()).collect(),
                },
            ),
        ));
    }
    for fk in &r.schema.foreign_keys {
        let target = fk
            .reference
            .resource
            .clone()
            .unwrap_or_else(|| r.name.clone());
        let cols: Vec<String> = fk.fields.columns().iter().map(|s| s.to_string()).collect();
        let tcols: Vec<String> = fk
            .reference
            .fields
            .columns()
            .iter()
            .map(|s| s.to_string())
            .collect();
        out.push((
            CheckOrigin::ForeignKey,
            mk(
                format!(
                    "foreignKey({}) -> {target}({})",
                    cols.join(", "),
                    tcols.join(", ")
                ),
                CheckKind::ForeignKey {
                    columns: cols,
                    reference: assay_model::check::CheckReference {
                        resource: target,
                        columns: tcols,
                    },
                },
            ),
        ));
    }
    for c in &r.checks {
        out.push((CheckOrigin::Check, c.clone()));
    }
    out
}

/// Running state of one check, updated by the main thread in row-group order.
struct Slot {
    origin: CheckOrigin,
    check: Check,
    evaluated: u64,
    failing: u64,
    samples: Vec<Sample>,
    by_stats: u64,
    by_data: u64,
    error: Option<String>,
    observed: Option<serde_json::Value>,
    /// Table-level verdict (row_count, freshness, aggregate): Some(true) = fails.
    table_fail: Option<bool>,
    message: Option<String>,
    state: SlotState,
    /// The key set of a foreign key's target, read once per resource.
    fk: Option<Arc<KeySet>>,
    /// Sorted runs of the foreign key's target keys, when they did not fit in memory.
    fk_runs: Vec<std::fs::File>,
    /// Types of the foreign key's columns (as the target's), for rendering spilled keys.
    fk_types: Option<Vec<DataType>>,
    /// unique on other keys, once the in-memory map outgrew its share of the memory limit.
    byte_spill: Option<ByteSpill>,
    /// Approximate bytes held by the unique map (see [`key_cost`]).
    seen_bytes: u64,
    /// unique on one integer-like column: (file, row group) pairs whose [min, max] overlaps no
    /// other row group's, so their duplicates are found locally, in parallel, in no shared state.
    isolated: HashSet<(u32, usize)>,
    /// A `change` or `anomaly` check, evaluated as its base kind (`row_count` or `not_null`)
    /// and judged against the history at the end.
    history: Option<Check>,
}

/// What must be merged across row groups in order.
#[derive(Default)]
enum SlotState {
    #[default]
    None,
    /// Unique keys seen so far → (file index, row), with the key types.
    Seen(
        HashMap<Box<[u8]>, (u32, u64)>,
        Option<Vec<DataType>>,
        Vec<(u64, u64)>,
        Vec<std::fs::File>,
    ),
    /// Last non-null value of the current file (monotonic).
    Monotonic(Option<Box<[u8]>>),
    /// Newest timestamp (freshness).
    Max(Option<i64>),
    /// Running aggregate.
    Agg(Agg),
}

/// Finished row groups waiting to be merged in order: the checks that ran and their partials.
type Pending = std::collections::BTreeMap<usize, (Vec<usize>, RgResult)>;

/// One row group's partial results, by check index.
type RgResult = Result<Vec<(usize, Partial)>, String>;

/// Encoded keys of `unique` past the memory budget: sorted runs on disk, and a buffer.
#[derive(Default)]
struct ByteSpill {
    runs: Vec<std::fs::File>,
    buffer: Vec<(Box<[u8]>, u64)>,
    buffered_bytes: u64,
}

impl ByteSpill {
    /// A spill that starts from `entries` (written as the first run).
    fn starting_with(mut entries: Vec<(Box<[u8]>, u64)>) -> std::io::Result<ByteSpill> {
        let run = spill_bytes(&mut entries)?;
        Ok(ByteSpill {
            runs: vec![run],
            ..ByteSpill::default()
        })
    }

    /// Buffers keys; writes the buffer as a sorted run once it holds more than `budget` bytes.
    fn add(
        &mut self,
        keys: impl IntoIterator<Item = (Box<[u8]>, u64)>,
        budget: u64,
    ) -> std::io::Result<()> {
        for (key, loc) in keys {
            self.buffered_bytes += key_cost(&key);
            self.buffer.push((key, loc));
        }
        if self.buffered_bytes > budget {
            self.runs.push(spill_bytes(&mut self.buffer)?);
            self.buffered_bytes = 0;
        }
        Ok(())
    }

    /// Writes what is still buffered and returns every run.
    fn into_runs(mut self) -> std::io::Result<Vec<std::fs::File>> {
        if !self.buffer.is_empty() {
            self.runs.push(spill_bytes(&mut self.buffer)?);
        }
        Ok(self.runs)
    }
}

/// Packs a file index and a row number into one sortable location (16 + 48 bits).
fn pack_loc(file: u32, row: u64) -> u64 {
    ((file as u64) << 48) | row
}

/// The file index and row number of a packed location.
fn unpack_loc(loc: u64) -> (usize, u64) {
    ((loc >> 48) as usize, loc & ((1u64 << 48) - 1))
}

/// Approximate heap cost of one encoded key kept in memory.
fn key_cost(key: &[u8]) -> u64 {
    key.len() as u64 + 48
}

/// Writes `(key, location)` records, sorted, to an anonymous temporary file.
fn spill_bytes(entries: &mut Vec<(Box<[u8]>, u64)>) -> std::io::Result<std::fs::File> {
    use std::io::{Seek, Write};
    entries.sort_unstable();
    let mut file = tempfile::tempfile()?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut file);
        for (k, loc) in entries.iter() {
            w.write_all(&(k.len() as u32).to_le_bytes())?;
            w.write_all(k)?;
            w.write_all(&loc.to_le_bytes())?;
        }
        w.flush()?;
    }
    file.seek(std::io::SeekFrom::Start(0))?;
    entries.clear();
    Ok(file)
}

/// A k-way merge, in (key, location) order, of sorted byte-key runs.
fn merge_byte_runs(runs: Vec<std::fs::File>) -> impl Iterator<Item = (Box<[u8]>, u64)> {
    use std::cmp::Reverse;
    use std::io::Read;
    fn next_of(r: &mut std::io::BufReader<std::fs::File>) -> Option<(Box<[u8]>, u64)> {
        let mut len = [0u8; 4];
        r.read_exact(&mut len).ok()?;
        let mut key = vec![0u8; u32::from_le_bytes(len) as usize];
        r.read_exact(&mut key).ok()?;
        let mut loc = [0u8; 8];
        r.read_exact(&mut loc).ok()?;
        Some((key.into_boxed_slice(), u64::from_le_bytes(loc)))
    }
    let mut readers: Vec<std::io::BufReader<std::fs::File>> = runs
        .into_iter()
        .map(|f| std::io::BufReader::with_capacity(1 << 16, f))
        .collect();
    let mut heap = std::collections::BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(e) = next_of(r) {
            heap.push(Reverse((e, i)));
        }
    }
    std::iter::from_fn(move || {
        let Reverse((entry, source)) = heap.pop()?;
        if let Some(e) = next_of(&mut readers[source]) {
            heap.push(Reverse((e, source)));
        }
        Some(entry)
    })
}

/// Read-only per-file preparation of a check, shared by the row-group workers.
enum Prep {
    None,
    Regex(Matcher),
    Allowed(HashSet<Box<[u8]>>, RowConverter),
    /// unique: the row groups of this file that can be checked on their own.
    Unique(HashSet<usize>),
    /// `in_set` on a string column: the set as text (no row encoding per value).
    AllowedText(HashSet<String>),
    Fk(Arc<KeySet>),
    Expr(
        Vec<String>,
        Arc<dyn datafusion::physical_plan::PhysicalExpr>,
    ),
    Failed(String),
}

/// A full-match pattern. Small patterns compile to a dense DFA (a table walk per byte, no
/// search setup per value); the rest use the `regex` crate.
enum Matcher {
    Dfa(Box<regex_automata::dfa::dense::DFA<Vec<u32>>>),
    Regex(regex::Regex),
}

impl Matcher {
    fn new(pattern: &str) -> Result<Matcher, String> {
        use regex_automata::dfa::{StartKind, dense};
        let anchored = format!("^(?:{pattern})$");
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    .dfa_size_limit(Some(4 << 20))
                    .determinize_size_limit(Some(4 << 20)),
            )
            .build(&anchored);
        match dfa {
            Ok(d) => Ok(Matcher::Dfa(Box::new(d))),
            Err(_) => regex::Regex::new(&anchored)
                .map(Matcher::Regex)
                .map_err(|e| e.to_string()),
        }
    }

    fn is_match(&self, s: &str) -> bool {
        use regex_automata::dfa::Automaton;
        match self {
            Matcher::Dfa(d) => d
                .try_search_fwd(
                    &regex_automata::Input::new(s).anchored(regex_automata::Anchored::Yes),
                )
                .is_ok_and(|m| m.is_some()),
            Matcher::Regex(r) => r.is_match(s),
        }
    }
}

/// What one row group contributes to one check.
#[derive(Default)]
struct Partial {
    evaluated: u64,
    failing: u64,
    samples: Vec<Sample>,
    error: Option<String>,
    /// unique: non-null keys with their row numbers, in row order.
    keys: Vec<(Box<[u8]>, u64)>,
    /// unique on one integer-like column: (value as u64, row). 16 bytes a row, no hashing:
    /// duplicates are found by sorting once at the end.
    fixed: Vec<(u64, u64)>,
    key_types: Option<Vec<DataType>>,
    /// monotonic: the first non-null value (with its sample) and the last one.
    first: Option<(Box<[u8]>, Sample)>,
    last: Option<Box<[u8]>>,
    max_us: Option<i64>,
    agg: Option<Agg>,
}

/// Encoded key rows of a foreign key's target, and the target columns' types.
/// The set is `None` when it outgrew its share of the memory limit: its keys are then in sorted
/// runs on disk (`Slot::fk_runs`) and the check becomes a sort-merge join at the end.
type KeySet = (Option<HashSet<Box<[u8]>>>, Vec<DataType>);

#[derive(Default)]
struct Agg {
    count: u64,
    nulls: u64,
    mean: f64,
    m2: f64,
    sum: f64,
    min: Option<f64>,
    max: Option<f64>,
    distinct: HashSet<Box<[u8]>>,
    values: Vec<f64>,
}

impl Agg {
    /// Combines two partial aggregates (Chan et al.'s parallel variance).
    fn merge(&mut self, o: Agg) {
        let n = self.count + o.count;
        if n > 0 {
            let delta = o.mean - self.mean;
            self.m2 += o.m2 + delta * delta * (self.count as f64) * (o.count as f64) / n as f64;
            self.mean += delta * o.count as f64 / n as f64;
        }
        self.count = n;
        self.nulls += o.nulls;
        self.sum += o.sum;
        self.min = match (self.min, o.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, o.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.distinct.extend(o.distinct);
        self.values.extend(o.values);
    }
}

impl Slot {
    fn fail_error(&mut self, msg: String) {
        if self.error.is_none() {
            self.error = Some(msg);
        }
    }
}

/// Per-file context for samples.
struct FileCtx<'a> {
    rel: &'a str,
    row_group: u64,
    first_row: u64,
}

/// The parts of a slot that judging against the history sets.
pub(crate) struct JudgeSlot<'a> {
    pub evaluated: &'a mut u64,
    pub failing: &'a mut u64,
    pub observed: &'a mut Option<serde_json::Value>,
    pub message: &'a mut Option<String>,
    pub error: &'a mut Option<String>,
    pub table_fail: &'a mut Option<bool>,
    pub samples: &'a mut Vec<Sample>,
}

fn validate_resource(
    loaded: &LoadedManifest,
    r: &Resource,
    planned: Vec<(CheckOrigin, Check)>,
    options: &Options,
    history: &Result<Vec<crate::history::Entry>, String>,
) -> ResourceReport {
    let (files, problems) = paths::resolve(&loaded.dir, &r.path.patterns());
    if let Some(p) = &options.progress {
        p.add_total(
            files
                .iter()
                .filter_map(|f| std::fs::metadata(&f.path).ok())
                .map(|m| m.len())
                .sum(),
        );
    }
    let mut slots: Vec<Slot> = planned
        .into_iter()
        .map(|(origin, check)| {
            let (check, history) = crate::history::base_check(check);
            (origin, check, history)
        })
        .map(|(origin, check, history)| Slot {
            origin,
            check,
            history,
            evaluated: 0,
            failing: 0,
            samples: Vec::new(),
            by_stats: 0,
            by_data: 0,
            error: None,
            observed: None,
            table_fail: None,
            message: None,
            state: SlotState::None,
            fk: None,
            fk_runs: Vec::new(),
            fk_types: None,
            byte_spill: None,
            seen_bytes: 0,
            isolated: HashSet::new(),
        })
        .collect();
    for s in &mut slots {
        init_state(s, loaded, options);
        if let CheckKind::Unique { column } = &s.check.kind {
            s.isolated = isolated_row_groups(&files, column);
        }
        if let CheckKind::UniqueKey { columns } = &s.check.kind
            && let [column] = columns.as_slice()
        {
            s.isolated = isolated_row_groups(&files, column);
        }
    }
    let pk: Vec<String> = r
        .schema
        .primary_key
        .as_ref()
        .map(|k| k.columns().iter().map(|s| s.to_string()).collect())
        .unwrap_or_default();
    let mut schema_slot = SchemaSlot::default();
    for p in &problems {
        schema_slot.problems.push(Sample {
            file: p.pattern().to_string(),
            row_group: None,
            row: None,
            values: vec![],
            key: vec![],
            note: Some(p.to_string()),
        });
    }
    let mut file_reports = Vec::new();
    let mut total_rows = 0u64;
    for i in 0..files.len() {
        let fr = validate_file(
            i as u32,
            &files,
            r,
            &pk,
            &mut slots,
            &mut schema_slot,
            options,
        );
        total_rows += fr.rows.unwrap_or(0);
        file_reports.push(fr);
    }
    let mut checks = vec![schema_slot.result(options.samples, files.len() as u64)];
    for mut s in slots {
        finish_fixed_unique(&mut s, &files, &pk, options.samples);
        if matches!(s.check.kind, CheckKind::ForeignKey { .. }) {
            finish_fk_join(&mut s, &files, options.samples);
        } else {
            finish_spilled_unique(&mut s, &files, &pk, options.samples);
        }
        if matches!(
            s.check.kind,
            CheckKind::Unique { .. } | CheckKind::UniqueKey { .. }
        ) {
            // Row groups resolved on their own and the shared remainder both add samples:
            // restore lowest-first order over files (in resolution order) and rows.
            let position = |rel: &str| {
                files
                    .iter()
                    .position(|f| f.rel == rel)
                    .unwrap_or(usize::MAX)
            };
            s.samples.sort_by_key(|x| (position(&x.file), x.row));
            s.samples.truncate(options.samples);
        }
        let mut s = s;
        if let Some(original) = s.history.take() {
            let digest = crate::history::resource_digest(&file_reports);
            crate::history::judge(
                &mut s.check,
                original,
                &r.name,
                digest.as_deref(),
                history,
                &mut JudgeSlot {
                    evaluated: &mut s.evaluated,
                    failing: &mut s.failing,
                    observed: &mut s.observed,
                    message: &mut s.message,
                    error: &mut s.error,
                    table_fail: &mut s.table_fail,
                    samples: &mut s.samples,
                },
            );
        }
        checks.push(finish(s, total_rows, options.now_us));
    }
    ResourceReport {
        name: r.name.clone(),
        files: file_reports,
        rows: total_rows,
        checks,
    }
}

#[derive(Default)]
struct SchemaSlot {
    problems: Vec<Sample>,
    first_schema: Option<(String, Arc<Schema>)>,
    unreadable: Vec<String>,
}

impl SchemaSlot {
    fn result(self, samples: usize, files: u64) -> CheckResult {
        let failing = self.problems.len() as u64;
        let status = if !self.unreadable.is_empty() {
            CheckStatus::Error
        } else if failing > 0 {
            CheckStatus::Fail
        } else {
            CheckStatus::Pass
        };
        let message = if !self.unreadable.is_empty() {
            Some(format!("unreadable: {}", self.unreadable.join("; ")))
        } else if failing > 0 {
            self.problems.first().and_then(|p| p.note.clone())
        } else {
            None
        };
        CheckResult {
            name: "schema".into(),
            kind: "schema".into(),
            origin: CheckOrigin::Schema,
            columns: vec![],
            severity: Severity::Error,
            dimension: assay_model::check::Dimension::Normativeness,
            status,
            evaluated: files,
            failing,
            failing_fraction: if files == 0 {
                0.0
            } else {
                failing as f64 / files.max(failing) as f64
            },
            threshold: 0.0,
            observed: None,
            decided_by: DecidedBy::Statistics,
            message,
            samples: self.problems.into_iter().take(samples).collect(),
        }
    }
}

fn init_state(s: &mut Slot, loaded: &LoadedManifest, options: &Options) {
    s.state = match &s.check.kind {
        CheckKind::Pattern { pattern, .. } => {
            if let Err(e) = regex::Regex::new(&format!("^(?:{pattern})$")) {
                s.fail_error(format!("pattern does not compile: {e}"));
            }
            SlotState::None
        }
        CheckKind::Unique { .. } | CheckKind::UniqueKey { .. } => {
            SlotState::Seen(HashMap::new(), None, Vec::new(), Vec::new())
        }
        CheckKind::Monotonic { .. } => SlotState::Monotonic(None),
        CheckKind::Freshness { .. } => SlotState::Max(None),
        CheckKind::Aggregate { .. } => SlotState::Agg(Agg::default()),
        CheckKind::ForeignKey { reference, .. } => {
            match target_keys(loaded, &reference.resource, &reference.columns, options) {
                Ok((set, runs)) => {
                    s.fk = Some(Arc::new(set));
                    s.fk_runs = runs;
                }
                Err(e) => s.fail_error(e),
            }
            SlotState::None
        }
        _ => SlotState::None,
    };
}

/// Prepares a check for one file's schema: compiled patterns, value sets in the column's type,
/// expressions planned against the file's column types.
fn prepare(s: &Slot, schema: &Schema, file_index: u32) -> Prep {
    let value_type = |c: &str| {
        schema
            .column_with_name(c)
            .map(|(_, f)| conformance::value_type(f.data_type()).clone())
    };
    let result = (|| -> Result<Prep, String> {
        Ok(match &s.check.kind {
            CheckKind::Pattern { pattern, .. } => Prep::Regex(Matcher::new(pattern)?),
            CheckKind::Unique { .. } | CheckKind::UniqueKey { .. } => Prep::Unique(
                s.isolated
                    .iter()
                    .filter(|(f, _)| *f == file_index)
                    .map(|(_, rg)| *rg)
                    .collect(),
            ),
            CheckKind::InSet { column, values } | CheckKind::NotInSet { column, values } => {
                let Some(vt) = value_type(column) else {
                    return Ok(Prep::None);
                };
                if matches!(
                    vt,
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                ) && values.iter().all(|v| matches!(v, Scalar::Text(_)))
                {
                    return Ok(Prep::AllowedText(
                        values
                            .iter()
                            .filter_map(|v| match v {
                                Scalar::Text(t) => Some(t.clone()),
                                _ => None,
                            })
                            .collect(),
                    ));
                }
                let converter = RowConverter::new(vec![SortField::new(vt.clone())])
                    .map_err(|e| e.to_string())?;
                let mut set = HashSet::new();
                for v in values {
                    let arr: ArrayRef = match v {
                        Scalar::Text(t) => Arc::new(StringArray::from(vec![t.clone()])),
                        Scalar::Number(n) => {
                            Arc::new(Float64Array::from(vec![n.as_f64().unwrap_or(f64::NAN)]))
                        }
                        Scalar::Bool(b) => Arc::new(BooleanArray::from(vec![*b])),
                    };
                    let arr = cast(&arr, &vt).map_err(|e| format!("value {v}: {e}"))?;
                    if arr.is_null(0) {
                        continue;
                    }
                    let rows = converter
                        .convert_columns(&[arr])
                        .map_err(|e| e.to_string())?;
                    set.insert(Box::from(rows.row(0).as_ref()));
                }
                Prep::Allowed(set, converter)
            }
            CheckKind::ForeignKey { .. } => match &s.fk {
                Some(fk) => Prep::Fk(fk.clone()),
                None => Prep::Failed("foreign key target unavailable".into()),
            },
            CheckKind::Expression { sql } => {
                // Parse against every column of the file (value types), so functions, literals
                // and quoted names resolve as DataFusion resolves them; then plan against just
                // the columns the expression refers to, which is all a row group decodes.
                let plain_schema = Schema::new(
                    schema
                        .fields()
                        .iter()
                        .map(|f| {
                            arrow::datatypes::Field::new(
                                f.name(),
                                conformance::value_type(f.data_type()).clone(),
                                true,
                            )
                        })
                        .collect::<Vec<_>>(),
                );
                let ctx = datafusion::prelude::SessionContext::new();
                let full = datafusion::common::DFSchema::try_from(plain_schema.clone())
                    .map_err(|e| e.to_string())?;
                let expr = ctx
                    .parse_sql_expr(sql, &full)
                    .map_err(|e| format!("expression `{sql}`: {e}"))?;
                let mut names: Vec<String> =
                    expr.column_refs().iter().map(|c| c.name.clone()).collect();
                names.sort();
                names.dedup();
                let fields: Vec<arrow::datatypes::Field> = names
                    .iter()
                    .filter_map(|n| plain_schema.field_with_name(n).ok().cloned())
                    .collect();
                let sub = datafusion::common::DFSchema::try_from(Schema::new(fields))
                    .map_err(|e| e.to_string())?;
                // Functions like `coalesce` are rewritten by the simplifier before planning.
                let simplifier = datafusion::optimizer::simplify_expressions::ExprSimplifier::new(
                    datafusion::logical_expr::simplify::SimplifyContext::builder()
                        .with_schema(Arc::new(sub.clone()))
                        .build(),
                );
                let expr = simplifier
                    .simplify(expr)
                    .map_err(|e| format!("expression `{sql}`: {e}"))?;
                let phys = ctx
                    .create_physical_expr(expr, &sub)
                    .map_err(|e| format!("expression `{sql}`: {e}"))?;
                Prep::Expr(names, phys)
            }
            _ => Prep::None,
        })
    })();
    result.unwrap_or_else(Prep::Failed)
}

/// The key set of a foreign key's target resource (a read of its key columns).
fn target_keys(
    loaded: &LoadedManifest,
    resource: &str,
    columns: &[String],
    options: &Options,
) -> Result<(KeySet, Vec<std::fs::File>), String> {
    let r = loaded
        .manifest
        .resources
        .iter()
        .find(|r| r.name == resource)
        .ok_or_else(|| format!("foreign key target `{resource}` is not a resource"))?;
    let (files, _) = paths::resolve(&loaded.dir, &r.path.patterns());
    let mut set = HashSet::new();
    let mut set_bytes = 0u64;
    let mut spilled: Option<ByteSpill> = None;
    let mut types: Option<Vec<DataType>> = None;
    let mut converter: Option<RowConverter> = None;
    let spill_err = |e: std::io::Error| format!("cannot spill foreign key target keys: {e}");
    let budget = options.memory_limit / 4;
    for f in files {
        let file = std::fs::File::open(&f.path).map_err(|e| format!("{}: {e}", f.rel))?;
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
        let mask = ProjectionMask::roots(builder.parquet_schema(), idx.clone());
        let reader = builder
            .with_projection(mask)
            .with_batch_size(options.batch_size)
            .build()
            .map_err(|e| format!("{}: {e}", f.rel))?;
        for batch in reader {
            let batch = batch.map_err(|e| format!("{}: {e}", f.rel))?;
            let cols: Vec<ArrayRef> = columns
                .iter()
                .map(|c| plain(batch.column_by_name(c).expect("projected")))
                .collect::<Result<_, _>>()?;
            let t: Vec<DataType> = cols.iter().map(|c| c.data_type().clone()).collect();
            if types.is_none() {
                types = Some(t.clone());
                converter = Some(
                    RowConverter::new(t.iter().map(|d| SortField::new(d.clone())).collect())
                        .map_err(|e| e.to_string())?,
                );
            }
            let rows = converter
                .as_ref()
                .expect("set above")
                .convert_columns(&cols)
                .map_err(|e| e.to_string())?;
            for i in 0..batch.num_rows() {
                if !cols.iter().all(|c| c.is_valid(i)) {
                    continue;
                }
                let key: Box<[u8]> = Box::from(rows.row(i).as_ref());
                match &mut spilled {
                    Some(sp) => sp.add([(key, 0)], budget).map_err(spill_err)?,
                    None => {
                        set_bytes += key_cost(&key);
                        set.insert(key);
                    }
                }
            }
            if spilled.is_none() && set_bytes > budget {
                let all = set.drain().map(|k| (k, 0)).collect();
                spilled = Some(ByteSpill::starting_with(all).map_err(spill_err)?);
            }
        }
    }
    let types = types.unwrap_or_default();
    match spilled {
        None => Ok(((Some(set), types), Vec::new())),
        Some(sp) => Ok(((None, types), sp.into_runs().map_err(spill_err)?)),
    }
}

/// Dictionary columns unpacked to their value type; other columns as they are.
fn plain(a: &ArrayRef) -> Result<ArrayRef, String> {
    match a.data_type() {
        DataType::Dictionary(_, v) => cast(a, v).map_err(|e| e.to_string()),
        _ => Ok(a.clone()),
    }
}

fn is_numeric(dt: &DataType) -> bool {
    dt.is_numeric()
}

fn render(a: &dyn Array, i: usize) -> String {
    if a.is_null(i) {
        return "null".into();
    }
    match ArrayFormatter::try_new(a, &FormatOptions::default()) {
        Ok(f) => f.value(i).to_string(),
        Err(_) => "?".into(),
    }
}

/// The bytes of one row group (or of the whole file, as a fallback), served to the Parquet
/// reader as if they were the file: reads outside them are errors, never panics.
#[derive(Clone)]
struct Chunk {
    base: u64,
    data: Bytes,
    file_len: u64,
}

impl parquet::file::reader::Length for Chunk {
    fn len(&self) -> u64 {
        self.file_len
    }
}

impl parquet::file::reader::ChunkReader for Chunk {
    type T = bytes::buf::Reader<Bytes>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        use bytes::Buf;
        // Everything from `start` to the end of the bytes held; `get_bytes` refuses a start
        // outside them.
        let data_end = self.base + self.data.len() as u64;
        let len = data_end.saturating_sub(start) as usize;
        Ok(self.get_bytes(start, len)?.reader())
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let end = start.checked_add(length as u64);
        let data_end = self.base + self.data.len() as u64;
        match end {
            Some(end) if start >= self.base && end <= data_end => {
                let s = (start - self.base) as usize;
                Ok(self.data.slice(s..s + length))
            }
            _ => Err(parquet::errors::ParquetError::General(format!(
                "read of {length} bytes at offset {start} falls outside the row group's bytes [{}, {data_end})",
                self.base
            ))),
        }
    }
}

/// Byte ranges of the row groups, when they lie in file order without overlap (as every
/// mainstream writer lays them out); `None` otherwise.
fn row_group_ranges(
    meta: &parquet::file::metadata::ParquetMetaData,
    file_len: u64,
) -> Option<Vec<(u64, u64)>> {
    let mut out = Vec::new();
    let mut prev_end = 0u64;
    for rg in meta.row_groups() {
        let mut lo = u64::MAX;
        let mut hi = 0u64;
        for c in rg.columns() {
            let (start, len) = c.byte_range();
            lo = lo.min(start);
            hi = hi.max(start.checked_add(len)?);
        }
        if rg.columns().is_empty() {
            lo = prev_end;
            hi = prev_end;
        }
        if lo < prev_end || hi > file_len || lo > hi {
            return None;
        }
        out.push((lo, hi));
        prev_end = hi;
    }
    Some(out)
}

fn validate_file(
    file_index: u32,
    files: &[ResolvedFile],
    r: &Resource,
    pk: &[String],
    slots: &mut [Slot],
    schema_slot: &mut SchemaSlot,
    options: &Options,
) -> FileReport {
    use std::io::{Read, Seek};
    let f = &files[file_index as usize];
    let mut report = FileReport {
        path: f.rel.clone(),
        bytes: 0,
        sha256: None,
        rows: None,
        row_groups: None,
        error: None,
    };
    let fail = |report: &mut FileReport, schema_slot: &mut SchemaSlot, msg: String| {
        schema_slot.unreadable.push(format!("{}: {msg}", f.rel));
        report.error = Some(msg);
    };
    let mut file = match std::fs::File::open(&f.path) {
        Ok(file) => file,
        Err(e) => {
            fail(&mut report, schema_slot, format!("cannot read: {e}"));
            return report;
        }
    };
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    report.bytes = file_len;
    // The footer first (a few kilobytes at the end), then every byte once, in order.
    let arrow_meta = match ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()) {
        Ok(m) => m,
        Err(e) => {
            // Still hash the bytes, so the report says exactly what was refused.
            let mut hasher = Sha256::new();
            let _ = (&file)
                .seek(std::io::SeekFrom::Start(0))
                .and_then(|_| std::io::copy(&mut (&file), &mut HashWriter(&mut hasher)));
            report.sha256 = Some(hex(&hasher.finalize()));
            fail(
                &mut report,
                schema_slot,
                describe_parquet_error(&e.to_string()),
            );
            return report;
        }
    };
    let metadata = arrow_meta.metadata().clone();
    let schema = arrow_meta.schema().clone();
    report.rows = Some(metadata.file_metadata().num_rows().max(0) as u64);
    report.row_groups = Some(metadata.num_row_groups() as u64);
    // Plaintext-footer encryption: the footer parses, the column chunks do not.
    let encrypted = metadata
        .row_groups()
        .iter()
        .flat_map(|rg| rg.columns())
        .filter(|c| c.crypto_metadata().is_some())
        .count();
    if encrypted > 0 {
        fail(
            &mut report,
            schema_slot,
            format!(
                "the file is encrypted (Parquet modular encryption, plaintext footer: {encrypted} column chunk(s) encrypted) and no key was given"
            ),
        );
        return report;
    }
    for p in conformance::check(&schema, &r.schema.fields, r.schema.fields_match) {
        schema_slot.problems.push(Sample {
            file: f.rel.clone(),
            row_group: None,
            row: None,
            values: if p.column.is_empty() {
                vec![]
            } else {
                vec![p.column]
            },
            key: vec![],
            note: Some(p.message),
        });
    }
    match &schema_slot.first_schema {
        None => schema_slot.first_schema = Some((f.rel.clone(), schema.clone())),
        Some((first, s0)) => {
            let fp = |s: &Schema| {
                s.fields()
                    .iter()
                    .map(|f| format!("{}:{}", f.name(), conformance::describe(f.data_type())))
                    .collect::<Vec<_>>()
            };
            if fp(s0) != fp(&schema) {
                schema_slot.problems.push(Sample {
                    file: f.rel.clone(),
                    row_group: None,
                    row: None,
                    values: vec![],
                    key: vec![],
                    note: Some(format!(
                        "schema drift: differs from `{first}`: [{}] vs [{}]",
                        fp(&schema).join(", "),
                        fp(s0).join(", ")
                    )),
                });
            }
        }
    }
    let file_rows = metadata.file_metadata().num_rows().max(0) as usize;
    for s in slots.iter_mut() {
        match &mut s.state {
            SlotState::Monotonic(last) => *last = None, // order is per file
            // Grow once to the file's row count rather than by doubling (which can transiently
            // need twice the memory).
            SlotState::Seen(_, _, fixed, _) => {
                fixed.reserve_exact(file_rows.min(options.memory_limit as usize / 4 / 16))
            }
            _ => {}
        }
    }
    let preps: Vec<Prep> = slots
        .iter()
        .map(|s| prepare(s, &schema, file_index))
        .collect();
    for (s, p) in slots.iter_mut().zip(&preps) {
        if let Prep::Failed(e) = p {
            s.fail_error(format!("{}: {e}", f.rel));
        }
    }
    let ranges = row_group_ranges(&metadata, file_len);
    let parquet_schema = metadata.file_metadata().schema_descr_ptr();
    let mut hasher = Sha256::new();
    let mut pos = 0u64;
    // The fallback for unusual layouts: the whole file in memory, shared by all row groups.
    let mut whole: Option<Chunk> = None;
    if ranges.is_none() {
        let mut data = Vec::with_capacity(file_len as usize);
        if let Err(e) = file
            .seek(std::io::SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut data))
        {
            fail(&mut report, schema_slot, format!("cannot read: {e}"));
            return report;
        }
        hasher.update(&data);
        pos = data.len() as u64;
        if let Some(p) = &options.progress {
            p.advance(pos);
        }
        whole = Some(Chunk {
            base: 0,
            data: Bytes::from(data),
            file_len,
        });
    } else if let Err(e) = file.seek(std::io::SeekFrom::Start(0)) {
        fail(&mut report, schema_slot, format!("cannot read: {e}"));
        return report;
    }
    let jobs = options.jobs.max(1);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Vec<(usize, Partial)>, String>)>();
    let mut pending: Pending = std::collections::BTreeMap::new();
    let mut needs: Vec<Option<Vec<usize>>> = vec![None; metadata.num_row_groups()];
    let mut first_rows = Vec::with_capacity(metadata.num_row_groups());
    let mut next_merge = 0usize;
    let mut in_flight = 0usize;
    let mut failure: Option<String> = None;
    // The workers read the checks while this thread updates the slots' state.
    let checks: Vec<Check> = slots.iter().map(|s| s.check.clone()).collect();
    let mut first_row = 0u64;
    for rgm in metadata.row_groups() {
        first_rows.push(first_row);
        first_row += rgm.num_rows().max(0) as u64;
    }
    let total_rows = first_row;
    let merge_ready = |slots: &mut [Slot],
                       pending: &mut Pending,
                       next_merge: &mut usize,
                       failure: &mut Option<String>| {
        while let Some((need, result)) = pending.remove(next_merge) {
            match result {
                Ok(parts) => {
                    for (i, part) in parts {
                        merge(&mut slots[i], part, file_index, files, pk, options);
                    }
                    for i in need {
                        slots[i].by_data += 1;
                    }
                }
                Err(e) => {
                    if failure.is_none() {
                        *failure = Some(format!("row group {next_merge}: {e}"));
                    }
                }
            }
            *next_merge += 1;
        }
    };
    std::thread::scope(|scope| {
        for (rg, rgm) in metadata.row_groups().iter().enumerate() {
            if failure.is_some() {
                break;
            }
            let rg_rows = rgm.num_rows().max(0) as u64;
            // Statistics first.
            let mut need: Vec<usize> = Vec::new();
            for (i, s) in slots.iter_mut().enumerate() {
                if s.error.is_some() {
                    continue;
                }
                match decide_by_stats(s, &schema, &parquet_schema, rgm, rg_rows) {
                    Ok(true) => s.by_stats += 1,
                    Ok(false) => need.push(i),
                    Err(e) => s.fail_error(format!("{}: {e}", f.rel)),
                }
            }
            // Read this row group's bytes in file order (hashing them), unless in memory already.
            let chunk = match (&whole, &ranges) {
                (Some(w), _) => w.clone(),
                (None, Some(ranges)) => {
                    let (_, end) = ranges[rg];
                    let mut data = vec![0u8; (end - pos) as usize];
                    if let Err(e) = file.read_exact(&mut data) {
                        failure = Some(format!("row group {rg}: cannot read: {e}"));
                        break;
                    }
                    hasher.update(&data);
                    if let Some(p) = &options.progress {
                        p.advance(data.len() as u64);
                    }
                    let chunk = Chunk {
                        base: pos,
                        data: Bytes::from(data),
                        file_len,
                    };
                    pos = end;
                    chunk
                }
                (None, None) => unreachable!("one of the two layouts is chosen above"),
            };
            // Columns the remaining checks need, plus the key for samples.
            let mut cols: Vec<String> = Vec::new();
            for &i in &need {
                for c in slot_columns(&slots[i], &preps[i]) {
                    if !cols.contains(&c) {
                        cols.push(c);
                    }
                }
            }
            let mut missing = Vec::new();
            for c in &cols {
                if schema.index_of(c).is_err() {
                    missing.push(c.clone());
                }
            }
            for c in &missing {
                for &i in &need {
                    if slot_columns(&slots[i], &preps[i]).contains(c) {
                        slots[i].fail_error(format!("column `{c}` is missing from {}", f.rel));
                    }
                }
            }
            need.retain(|&i| slots[i].error.is_none());
            if need.is_empty() {
                pending.insert(rg, (vec![], Ok(vec![])));
                merge_ready(slots, &mut pending, &mut next_merge, &mut failure);
                continue;
            }
            for c in pk {
                if !cols.contains(c) && schema.index_of(c).is_ok() {
                    cols.push(c.clone());
                }
            }
            let mut idx: Vec<usize> = cols
                .iter()
                .filter_map(|c| schema.index_of(c).ok())
                .collect();
            idx.sort_unstable();
            needs[rg] = Some(need.clone());
            let rg_meta = dictionary_hints(&arrow_meta, rgm, &need, slots);
            // Bound the row groups in memory: wait for one to finish before reading more.
            while in_flight > jobs {
                if let Ok((done, result)) = rx.recv() {
                    in_flight -= 1;
                    let need = needs[done].take().unwrap_or_default();
                    pending.insert(done, (need, result));
                    merge_ready(slots, &mut pending, &mut next_merge, &mut failure);
                }
            }
            in_flight += 1;
            let tx = tx.clone();
            let arrow_meta = rg_meta;
            let checks = &checks;
            let preps = &preps;
            let ctx_first_row = first_rows[rg];
            let rel = f.rel.clone();
            let pk = pk.to_vec();
            scope.spawn(move || {
                let result = eval_row_group(
                    chunk,
                    arrow_meta,
                    rg,
                    idx,
                    &need,
                    checks,
                    preps,
                    &pk,
                    &rel,
                    ctx_first_row,
                    options,
                );
                let _ = tx.send((rg, result));
            });
        }
        while in_flight > 0 {
            match rx.recv() {
                Ok((done, result)) => {
                    in_flight -= 1;
                    let need = needs[done].take().unwrap_or_default();
                    pending.insert(done, (need, result));
                    merge_ready(slots, &mut pending, &mut next_merge, &mut failure);
                }
                Err(_) => break,
            }
        }
    });
    if let Some(e) = failure {
        fail(&mut report, schema_slot, describe_parquet_error(&e));
        return report;
    }
    // The bytes after the last row group (indexes, footer) complete the hash.
    if whole.is_none() {
        let mut rest = Vec::new();
        if let Err(e) = file.read_to_end(&mut rest) {
            fail(&mut report, schema_slot, format!("cannot read: {e}"));
            return report;
        }
        hasher.update(&rest);
        pos += rest.len() as u64;
        if let Some(p) = &options.progress {
            p.advance(rest.len() as u64);
        }
    }
    report.bytes = pos;
    report.sha256 = Some(hex(&hasher.finalize()));
    // Row counts come from the footer.
    for s in slots.iter_mut() {
        if let CheckKind::RowCount { .. } = s.check.kind {
            s.evaluated += total_rows;
        }
    }
    report
}

/// Reader metadata for one row group: string columns that `in_set`, `not_in_set`, `pattern` or
/// `length` read, and whose pages in this row group are all dictionary-encoded, are decoded as
/// Arrow dictionaries, so those checks run once per dictionary value instead of once per row.
fn dictionary_hints(
    base: &ArrowReaderMetadata,
    rgm: &parquet::file::metadata::RowGroupMetaData,
    need: &[usize],
    slots: &[Slot],
) -> ArrowReaderMetadata {
    let columns: Vec<&str> = need
        .iter()
        .filter_map(|&i| match &slots[i].check.kind {
            CheckKind::InSet { column, .. }
            | CheckKind::NotInSet { column, .. }
            | CheckKind::Pattern { column, .. }
            | CheckKind::Length { column, .. } => Some(column.as_str()),
            _ => None,
        })
        .collect();
    dictionary_hints_for(base, rgm, &columns)
}

/// Reader metadata for one row group that decodes the string `columns` whose pages in this
/// row group are all dictionary-encoded as Arrow dictionaries.
pub(crate) fn dictionary_hints_for(
    base: &ArrowReaderMetadata,
    rgm: &parquet::file::metadata::RowGroupMetaData,
    columns: &[&str],
) -> ArrowReaderMetadata {
    use parquet::basic::Encoding;
    let schema = base.schema();
    let parquet_schema = base.metadata().file_metadata().schema_descr();
    let mut hinted = Vec::new();
    for column in columns {
        let Ok(ai) = schema.index_of(column) else {
            continue;
        };
        if !matches!(
            schema.field(ai).data_type(),
            DataType::Utf8 | DataType::LargeUtf8
        ) {
            continue;
        }
        let Some((leaf, _)) = parquet::arrow::parquet_column(parquet_schema, schema, column) else {
            continue;
        };
        let c = rgm.column(leaf);
        let all_dictionary = c.dictionary_page_offset().is_some()
            && c.page_encoding_stats_mask().is_some_and(|m| {
                m.is_only(Encoding::PLAIN_DICTIONARY) || m.is_only(Encoding::RLE_DICTIONARY)
            });
        if all_dictionary && !hinted.contains(&ai) {
            hinted.push(ai);
        }
    }
    if hinted.is_empty() {
        return base.clone();
    }
    let fields: Vec<arrow::datatypes::Field> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if hinted.contains(&i) {
                arrow::datatypes::Field::new(
                    f.name(),
                    DataType::Dictionary(
                        Box::new(DataType::Int32),
                        Box::new(f.data_type().clone()),
                    ),
                    f.is_nullable(),
                )
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    let hint = Arc::new(Schema::new(fields).with_metadata(schema.metadata().clone()));
    ArrowReaderMetadata::try_new(
        base.metadata().clone(),
        ArrowReaderOptions::new().with_schema(hint),
    )
    .unwrap_or_else(|_| base.clone())
}

/// Adapts a hasher to `std::io::Write`.
struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Decodes one row group's needed columns and evaluates the checks that need data.
#[allow(clippy::too_many_arguments)]
fn eval_row_group(
    chunk: Chunk,
    arrow_meta: ArrowReaderMetadata,
    rg: usize,
    idx: Vec<usize>,
    need: &[usize],
    checks: &[Check],
    preps: &[Prep],
    pk: &[String],
    rel: &str,
    first_row: u64,
    options: &Options,
) -> Result<Vec<(usize, Partial)>, String> {
    let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(chunk, arrow_meta);
    let mask = ProjectionMask::roots(builder.parquet_schema(), idx);
    let reader = builder
        .with_row_groups(vec![rg])
        .with_projection(mask)
        .with_batch_size(options.batch_size)
        .build()
        .map_err(|e| e.to_string())?;
    let mut parts: Vec<(usize, Partial)> = need.iter().map(|&i| (i, Partial::default())).collect();
    let mut offset = first_row;
    for batch in reader {
        let batch = batch.map_err(|e| e.to_string())?;
        let ctx = FileCtx {
            rel,
            row_group: rg as u64,
            first_row: offset,
        };
        let keys: Vec<ArrayRef> = pk
            .iter()
            .filter_map(|c| batch.column_by_name(c).cloned())
            .collect();
        for (i, part) in parts.iter_mut() {
            if part.error.is_some() {
                continue;
            }
            if let Err(e) = eval(&checks[*i], &preps[*i], part, &batch, &keys, &ctx, options) {
                part.error = Some(format!("{rel}: {e}"));
            }
        }
        offset += batch.num_rows() as u64;
    }
    for (i, part) in parts.iter_mut() {
        if let Prep::Unique(isolated) = &preps[*i]
            && isolated.contains(&rg)
            && !part.fixed.is_empty()
        {
            let is_pk =
                checks[*i].kind.columns() == pk.iter().map(String::as_str).collect::<Vec<_>>();
            let mut fixed = std::mem::take(&mut part.fixed);
            fixed.sort_unstable();
            let (failing, dups) = scan_duplicates(fixed.iter().copied(), options.samples);
            part.evaluated += fixed.len() as u64;
            part.failing += failing;
            let key_type = part.key_types.as_ref().and_then(|t| t.first().cloned());
            for (row, first, value) in dups {
                let rendered = render_key(key_type.as_ref(), value);
                part.samples.push(Sample {
                    file: rel.to_string(),
                    row_group: Some(rg as u64),
                    row: Some(row),
                    values: vec![rendered.clone()],
                    key: if is_pk { vec![rendered] } else { vec![] },
                    note: Some(format!("first seen at {rel} row {first}")),
                });
            }
        }
    }
    Ok(parts)
}

/// Folds one row group's partial result into a check's state, in row-group order.
fn merge(
    s: &mut Slot,
    p: Partial,
    file_index: u32,
    files: &[ResolvedFile],
    pk: &[String],
    options: &Options,
) {
    let rel = files[file_index as usize].rel.as_str();
    if let Some(e) = p.error {
        s.fail_error(e);
        return;
    }
    if let CheckKind::ForeignKey { .. } = s.check.kind
        && !p.keys.is_empty()
    {
        // The target is on disk: keep the referencing keys for the join at the end.
        if s.fk_types.is_none() {
            s.fk_types = p.key_types.clone();
        }
        s.evaluated += p.keys.len() as u64;
        let keys = p
            .keys
            .into_iter()
            .map(|(k, row)| (k, pack_loc(file_index, row)));
        let added = s
            .byte_spill
            .get_or_insert_with(ByteSpill::default)
            .add(keys, options.memory_limit / 4);
        if let Err(e) = added {
            s.fail_error(format!("cannot spill foreign keys to disk: {e}"));
        }
        return;
    }
    s.evaluated += p.evaluated;
    s.failing += p.failing;
    // Monotonic: the boundary with the previous row group comes before this one's samples.
    if let SlotState::Monotonic(last) = &mut s.state {
        if let (Some(prev), Some((first, sample))) = (last.as_deref(), &p.first)
            && violates(&s.check.kind, prev, first)
        {
            s.failing += 1;
            if s.samples.len() < options.samples {
                s.samples.push(sample.clone());
            }
        }
        if p.last.is_some() {
            *last = p.last;
        }
    }
    for sample in p.samples {
        if s.samples.len() >= options.samples {
            break;
        }
        s.samples.push(sample);
    }
    match &mut s.state {
        SlotState::Seen(seen, types, fixed, runs) => {
            if types.is_none() {
                *types = p.key_types.clone();
            }
            s.evaluated += p.fixed.len() as u64;
            fixed.extend(
                p.fixed
                    .into_iter()
                    .map(|(k, row)| (k, pack_loc(file_index, row))),
            );
            // A quarter of the memory limit for these keys; past it, a sorted run goes to disk.
            if (fixed.len() * 16) as u64 > options.memory_limit / 4 {
                match spill(fixed) {
                    Ok(run) => runs.push(run),
                    Err(e) => {
                        s.error = Some(format!("cannot spill unique keys to disk: {e}"));
                        return;
                    }
                }
            }
            let converter = types.as_ref().and_then(|t| {
                RowConverter::new(t.iter().map(|d| SortField::new(d.clone())).collect()).ok()
            });
            s.evaluated += p.keys.len() as u64;
            let keys = p
                .keys
                .into_iter()
                .map(|(k, row)| (k, pack_loc(file_index, row)));
            if let Some(spill) = &mut s.byte_spill {
                // Past the budget: buffer, and write sorted runs; duplicates are found at the end.
                if let Err(e) = spill.add(keys, options.memory_limit / 4) {
                    s.error = Some(format!("cannot spill unique keys to disk: {e}"));
                }
                return;
            }
            let keys: Vec<(Box<[u8]>, u64)> = keys.collect();
            let map_bytes = s.seen_bytes + keys.iter().map(|(k, _)| key_cost(k)).sum::<u64>();
            if map_bytes > options.memory_limit / 4 {
                // The first occurrences seen so far become the first sorted run (their
                // duplicates are already counted); everything after goes through runs.
                let firsts = seen
                    .drain()
                    .map(|(k, (f, row))| (k, pack_loc(f, row)))
                    .collect();
                let spill = ByteSpill::starting_with(firsts)
                    .and_then(|mut sp| sp.add(keys, options.memory_limit / 4).map(|_| sp));
                match spill {
                    Ok(sp) => s.byte_spill = Some(sp),
                    Err(e) => s.error = Some(format!("cannot spill unique keys to disk: {e}")),
                }
                return;
            }
            for (key, loc) in keys {
                let row = unpack_loc(loc).1;
                match seen.get(&key) {
                    Some(&(first_file, first_row)) => {
                        s.failing += 1;
                        if s.samples.len() < options.samples {
                            let values = render_encoded_key(converter.as_ref(), &key);
                            let first_rel = files
                                .get(first_file as usize)
                                .map(|f| f.rel.as_str())
                                .unwrap_or("?");
                            let is_pk = s.check.kind.columns()
                                == pk.iter().map(String::as_str).collect::<Vec<_>>();
                            s.samples.push(Sample {
                                file: rel.to_string(),
                                row_group: None,
                                row: Some(row),
                                key: if is_pk { values.clone() } else { vec![] },
                                values,
                                note: Some(format!("first seen at {first_rel} row {first_row}")),
                            });
                        }
                    }
                    None => {
                        s.seen_bytes += key_cost(&key);
                        seen.insert(key, (file_index, row));
                    }
                }
            }
        }
        SlotState::Max(m) => {
            if let Some(v) = p.max_us {
                *m = Some(m.map_or(v, |x| x.max(v)));
            }
        }
        SlotState::Agg(agg) => {
            if let Some(a) = p.agg {
                agg.merge(a);
            }
        }
        SlotState::Monotonic(_) | SlotState::None => {}
    }
}

fn violates(kind: &CheckKind, prev: &[u8], cur: &[u8]) -> bool {
    let CheckKind::Monotonic {
        direction, strict, ..
    } = kind
    else {
        return false;
    };
    let ord = cur.cmp(prev);
    match (direction, strict) {
        (Direction::Increasing, false) => ord.is_lt(),
        (Direction::Increasing, true) => !ord.is_gt(),
        (Direction::Decreasing, false) => ord.is_gt(),
        (Direction::Decreasing, true) => !ord.is_lt(),
    }
}

fn describe_parquet_error(e: &str) -> String {
    let lower = e.to_lowercase();
    if lower.contains("encrypt") {
        format!("the file is encrypted (Parquet modular encryption) and no key was given: {e}")
    } else if lower.contains("invalid parquet file")
        || lower.contains("file size")
        || lower.contains("footer")
        || lower.contains("eof")
    {
        format!("not a readable Parquet file (truncated, empty or not Parquet): {e}")
    } else {
        format!("corrupt Parquet data: {e}")
    }
}

fn slot_columns(s: &Slot, prep: &Prep) -> Vec<String> {
    match (&s.check.kind, prep) {
        (CheckKind::Expression { .. }, Prep::Expr(names, _)) => names.clone(),
        (CheckKind::Expression { .. }, _) => Vec::new(),
        (k, _) => k.columns().iter().map(|c| c.to_string()).collect(),
    }
}

fn decide_by_stats(
    s: &mut Slot,
    schema: &Schema,
    pschema: &parquet::schema::types::SchemaDescriptor,
    rgm: &parquet::file::metadata::RowGroupMetaData,
    rg_rows: u64,
) -> Result<bool, String> {
    let conv =
        |col: &str| StatisticsConverter::try_new(col, schema, pschema).map_err(|e| e.to_string());
    match &s.check.kind {
        CheckKind::RowCount { .. } => Ok(true),
        CheckKind::NotNull { column } => {
            if schema.index_of(column).is_err() {
                return Err(format!("column `{column}` is missing"));
            }
            let nulls = conv(column)?
                .row_group_null_counts(std::iter::once(rgm))
                .map_err(|e| e.to_string())?;
            if nulls.is_valid(0) && nulls.value(0) == 0 {
                s.evaluated += rg_rows;
                Ok(true)
            } else {
                Ok(false)
            }
        }
        CheckKind::Range {
            column,
            min,
            max,
            min_exclusive,
            max_exclusive,
        } => {
            let Ok((_, field)) = schema.column_with_name(column).ok_or(()) else {
                return Err(format!("column `{column}` is missing"));
            };
            if !is_numeric(conformance::value_type(field.data_type())) {
                return Ok(false);
            }
            let c = conv(column)?;
            let it = || std::iter::once(rgm);
            let mins = c.row_group_mins(it()).map_err(|e| e.to_string())?;
            let maxs = c.row_group_maxes(it()).map_err(|e| e.to_string())?;
            let exact_min = c
                .row_group_is_min_value_exact(it())
                .map(|a| a.is_valid(0) && a.value(0))
                .unwrap_or(false);
            let exact_max = c
                .row_group_is_max_value_exact(it())
                .map(|a| a.is_valid(0) && a.value(0))
                .unwrap_or(false);
            let nulls = c.row_group_null_counts(it()).map_err(|e| e.to_string())?;
            let to_f = |a: &ArrayRef| -> Option<f64> {
                let f = cast(a, &DataType::Float64).ok()?;
                let f = f.as_primitive::<arrow::datatypes::Float64Type>();
                f.is_valid(0).then(|| f.value(0))
            };
            let (Some(lo), Some(hi)) = (to_f(&mins), to_f(&maxs)) else {
                return Ok(false);
            };
            if !(exact_min && exact_max && nulls.is_valid(0)) || lo.is_nan() || hi.is_nan() {
                return Ok(false);
            }
            let above = |v: f64| match min.as_ref().and_then(Scalar::as_f64) {
                None => true,
                Some(b) => {
                    if *min_exclusive {
                        v > b
                    } else {
                        v >= b
                    }
                }
            };
            let below = |v: f64| match max.as_ref().and_then(Scalar::as_f64) {
                None => true,
                Some(b) => {
                    if *max_exclusive {
                        v < b
                    } else {
                        v <= b
                    }
                }
            };
            // Floats: NaN is not in min/max statistics, and `range` leaves NaN to `finite`, so
            // a row group whose [min, max] lies inside the bounds passes exactly.
            if above(lo) && below(hi) {
                s.evaluated += rg_rows - nulls.value(0);
                Ok(true)
            } else {
                Ok(false)
            }
        }
        CheckKind::Freshness { column, .. } => {
            let c = conv(column)?;
            let maxs = c
                .row_group_maxes(std::iter::once(rgm))
                .map_err(|e| e.to_string())?;
            match to_micros(&maxs)? {
                Some(v) if maxs.is_valid(0) => {
                    if let SlotState::Max(m) = &mut s.state {
                        *m = Some(m.map_or(v, |x| x.max(v)));
                    }
                    s.evaluated += rg_rows;
                    Ok(true)
                }
                _ => Ok(false),
            }
        }
        _ => Ok(false),
    }
}

/// Largest value of a date or timestamp array, in microseconds since the epoch (UTC).
fn to_micros(a: &ArrayRef) -> Result<Option<i64>, String> {
    let a = plain(a)?;
    let ts = match a.data_type() {
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => {
            cast(&a, &DataType::Timestamp(ArrowUnit::Microsecond, None))
                .map_err(|e| e.to_string())?
        }
        other => {
            return Err(format!(
                "freshness needs a date or timestamp column, found {other}"
            ));
        }
    };
    let ints = cast(&ts, &DataType::Int64).map_err(|e| e.to_string())?;
    Ok(arrow::compute::max(
        ints.as_primitive::<arrow::datatypes::Int64Type>(),
    ))
}

/// Records a failing mask (`true` = fails, null = not evaluated) with samples.
fn record(
    s: &mut Partial,
    mask: &BooleanArray,
    values: &[&ArrayRef],
    keys: &[ArrayRef],
    ctx: &FileCtx,
    options: &Options,
    note: impl Fn(usize) -> Option<String>,
) {
    s.evaluated += (mask.len() - mask.null_count()) as u64;
    let failing = mask.true_count() as u64;
    s.failing += failing;
    if failing == 0 || s.samples.len() >= options.samples {
        return;
    }
    for i in 0..mask.len() {
        if s.samples.len() >= options.samples {
            break;
        }
        if mask.is_valid(i) && mask.value(i) {
            s.samples.push(Sample {
                file: ctx.rel.to_string(),
                row_group: Some(ctx.row_group),
                row: Some(ctx.first_row + i as u64),
                values: values.iter().map(|v| render(v.as_ref(), i)).collect(),
                key: keys.iter().map(|k| render(k.as_ref(), i)).collect(),
                note: note(i),
            });
        }
    }
}

/// Applies a per-value test, once per dictionary value for dictionary columns.
fn per_value(
    a: &ArrayRef,
    test: &dyn Fn(&ArrayRef) -> Result<BooleanArray, String>,
) -> Result<BooleanArray, String> {
    if let Some(dict) = a.as_any_dictionary_opt() {
        let on_values = test(dict.values())?;
        let keys = cast(dict.keys(), &DataType::UInt64).map_err(|e| e.to_string())?;
        let keys = keys.as_primitive::<arrow::datatypes::UInt64Type>();
        let mapped = take(&on_values, keys, None).map_err(|e| e.to_string())?;
        return Ok(mapped.as_boolean().clone());
    }
    test(a)
}

fn column<'b>(batch: &'b RecordBatch, name: &str) -> Result<&'b ArrayRef, String> {
    batch
        .column_by_name(name)
        .ok_or_else(|| format!("column `{name}` is missing"))
}

fn bound_array(b: &Scalar, value_type: &DataType) -> Result<(ArrayRef, DataType), String> {
    if is_numeric(value_type) {
        let v = b
            .as_f64()
            .ok_or_else(|| format!("bound {b} is not a number"))?;
        return Ok((Arc::new(Float64Array::from(vec![v])), DataType::Float64));
    }
    let text: ArrayRef = match b {
        Scalar::Text(s) => Arc::new(StringArray::from(vec![s.clone()])),
        other => Arc::new(StringArray::from(vec![other.to_string()])),
    };
    let a = cast(&text, value_type).map_err(|e| format!("bound {b}: {e}"))?;
    if a.is_null(0) {
        return Err(format!("bound {b} cannot be read as {value_type}"));
    }
    Ok((a, value_type.clone()))
}

fn eval(
    check: &Check,
    prep: &Prep,
    s: &mut Partial,
    batch: &RecordBatch,
    keys: &[ArrayRef],
    ctx: &FileCtx,
    options: &Options,
) -> Result<(), String> {
    let kind = &check.kind;
    match kind {
        CheckKind::NotNull { column: c } => {
            let a = column(batch, c)?;
            let mask = is_null(a).map_err(|e| e.to_string())?;
            record(s, &mask, &[a], keys, ctx, options, |_| None);
        }
        CheckKind::Range {
            column: c,
            min,
            max,
            min_exclusive,
            max_exclusive,
        } => {
            let a = column(batch, c)?;
            let vt = conformance::value_type(a.data_type()).clone();
            let numeric = is_numeric(&vt);
            let target = if numeric {
                cast(a, &DataType::Float64)
            } else {
                cast(a, &vt)
            }
            .map_err(|e| e.to_string())?;
            // NaN is left to `finite`: evaluated here (as statistics-decided row groups count
            // it too) but never failing. Arrow orders NaN above every number, so clear it.
            let nan: Option<arrow::buffer::BooleanBuffer> = numeric
                .then(|| target.as_primitive::<arrow::datatypes::Float64Type>())
                .filter(|f| f.values().iter().any(|v| v.is_nan()))
                .map(|f| f.values().iter().map(|v| !v.is_nan()).collect());
            let mut mask: Option<BooleanArray> = None;
            if let Some(b) = min {
                let (ba, _) = bound_array(b, &vt)?;
                let d = arrow::array::Scalar::new(ba);
                let m = if *min_exclusive {
                    cmp::lt_eq(&target, &d)
                } else {
                    cmp::lt(&target, &d)
                }
                .map_err(|e| e.to_string())?;
                mask = Some(m);
            }
            if let Some(b) = max {
                let (ba, _) = bound_array(b, &vt)?;
                let d = arrow::array::Scalar::new(ba);
                let m = if *max_exclusive {
                    cmp::gt_eq(&target, &d)
                } else {
                    cmp::gt(&target, &d)
                }
                .map_err(|e| e.to_string())?;
                mask = Some(match mask {
                    Some(x) => or(&x, &m).map_err(|e| e.to_string())?,
                    None => m,
                });
            }
            if let Some(mut mask) = mask {
                if let Some(not_nan) = &nan {
                    let values = mask.values() & not_nan;
                    mask = BooleanArray::new(values, mask.nulls().cloned());
                }
                record(s, &mask, &[a], keys, ctx, options, |_| None);
            }
        }
        CheckKind::InSet { column: c, .. } | CheckKind::NotInSet { column: c, .. } => {
            let negate = matches!(kind, CheckKind::NotInSet { .. });
            let a = column(batch, c)?.clone();
            if let Prep::AllowedText(set) = prep {
                let mask = per_value(&a, &|vals: &ArrayRef| {
                    let strings = cast(vals, &DataType::Utf8).map_err(|e| e.to_string())?;
                    Ok(strings
                        .as_string::<i32>()
                        .iter()
                        .map(|v| v.map(|v| set.contains(v) == negate))
                        .collect())
                })?;
                record(s, &mask, &[&a], keys, ctx, options, |_| None);
                return Ok(());
            }
            let Prep::Allowed(set, converter) = prep else {
                return Err("value set unavailable".into());
            };
            let mask = per_value(&a, &|vals: &ArrayRef| {
                let rows = converter
                    .convert_columns(std::slice::from_ref(vals))
                    .map_err(|e| e.to_string())?;
                Ok((0..vals.len())
                    .map(|i| {
                        vals.is_valid(i)
                            .then(|| set.contains(rows.row(i).as_ref()) == negate)
                    })
                    .collect())
            })?;
            record(s, &mask, &[&a], keys, ctx, options, |_| None);
        }
        CheckKind::Pattern { column: c, .. } => {
            let a = column(batch, c)?.clone();
            let Prep::Regex(re) = prep else {
                return Err("pattern unavailable".into());
            };
            let mask = per_value(&a, &|vals: &ArrayRef| {
                let strings = cast(vals, &DataType::Utf8).map_err(|e| e.to_string())?;
                let strings = strings.as_string::<i32>();
                // Test every slot (null slots hold empty strings) and keep the input's nulls:
                // a bitmap built in one pass, no per-row Option.
                let fails = arrow::buffer::BooleanBuffer::collect_bool(strings.len(), |i| {
                    !re.is_match(strings.value(i))
                });
                Ok(BooleanArray::new(fails, strings.nulls().cloned()))
            })?;
            record(s, &mask, &[&a], keys, ctx, options, |_| None);
        }
        CheckKind::Length {
            column: c,
            min,
            max,
        } => {
            let a = column(batch, c)?.clone();
            let (lo, hi) = (min.unwrap_or(0), max.unwrap_or(u64::MAX));
            let mask = per_value(&a, &|vals: &ArrayRef| {
                let lens: Vec<Option<u64>> = match vals.data_type() {
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                        let s = cast(vals, &DataType::Utf8).map_err(|e| e.to_string())?;
                        s.as_string::<i32>()
                            .iter()
                            .map(|v| v.map(|v| v.chars().count() as u64))
                            .collect()
                    }
                    _ => {
                        let l = arrow::compute::kernels::length::length(vals)
                            .map_err(|e| e.to_string())?;
                        let l = cast(&l, &DataType::UInt64).map_err(|e| e.to_string())?;
                        l.as_primitive::<arrow::datatypes::UInt64Type>()
                            .iter()
                            .collect()
                    }
                };
                Ok(lens
                    .into_iter()
                    .map(|l| l.map(|l| l < lo || l > hi))
                    .collect())
            })?;
            record(s, &mask, &[&a], keys, ctx, options, |_| None);
        }
        CheckKind::Finite { column: c } => {
            let a = column(batch, c)?;
            let f = cast(a, &DataType::Float64).map_err(|e| e.to_string())?;
            let mask: BooleanArray = f
                .as_primitive::<arrow::datatypes::Float64Type>()
                .iter()
                .map(|v| v.map(|x| !x.is_finite()))
                .collect();
            record(s, &mask, &[a], keys, ctx, options, |_| None);
        }
        CheckKind::Monotonic { column: c, .. } => {
            let a = plain(column(batch, c)?)?;
            let converter = RowConverter::new(vec![SortField::new(a.data_type().clone())])
                .map_err(|e| e.to_string())?;
            let rows = converter
                .convert_columns(std::slice::from_ref(&a))
                .map_err(|e| e.to_string())?;
            let mut out = Vec::with_capacity(a.len());
            for i in 0..a.len() {
                if a.is_null(i) {
                    out.push(None);
                    continue;
                }
                let cur = rows.row(i);
                let bad = match s.last.as_deref() {
                    None => {
                        // The first value of the row group: its order against the previous row
                        // group is decided when the two are merged.
                        s.first = Some((
                            Box::from(cur.as_ref()),
                            Sample {
                                file: ctx.rel.to_string(),
                                row_group: Some(ctx.row_group),
                                row: Some(ctx.first_row + i as u64),
                                values: vec![render(a.as_ref(), i)],
                                key: keys.iter().map(|k| render(k.as_ref(), i)).collect(),
                                note: None,
                            },
                        ));
                        false
                    }
                    Some(prev) => violates(kind, prev, cur.as_ref()),
                };
                out.push(Some(bad));
                s.last = Some(Box::from(cur.as_ref()));
            }
            let mask = BooleanArray::from(out);
            record(s, &mask, &[&a], keys, ctx, options, |_| None);
        }
        CheckKind::Unique { column: c } => unique(s, batch, std::slice::from_ref(c), ctx)?,
        CheckKind::UniqueKey { columns } => unique(s, batch, columns, ctx)?,
        CheckKind::ForeignKey { columns, reference } => {
            let Prep::Fk(target) = prep else {
                return Err("foreign key target unavailable".into());
            };
            let target = target.clone();
            let types = &target.1;
            let mut cols = Vec::new();
            for (c, t) in columns.iter().zip(types) {
                cols.push(cast(column(batch, c)?, t).map_err(|e| e.to_string())?);
            }
            if cols.is_empty() {
                return Ok(());
            }
            let converter =
                RowConverter::new(types.iter().map(|t| SortField::new(t.clone())).collect())
                    .map_err(|e| e.to_string())?;
            let rows = converter
                .convert_columns(&cols)
                .map_err(|e| e.to_string())?;
            let Some(set) = &target.0 else {
                // The target did not fit in memory: collect the keys; they are joined against
                // the target's sorted runs at the end.
                s.key_types.get_or_insert_with(|| types.clone());
                for i in 0..batch.num_rows() {
                    if cols.iter().all(|c| c.is_valid(i)) {
                        s.keys
                            .push((Box::from(rows.row(i).as_ref()), ctx.first_row + i as u64));
                    }
                }
                return Ok(());
            };
            let mask: BooleanArray = (0..batch.num_rows())
                .map(|i| {
                    cols.iter()
                        .all(|c| c.is_valid(i))
                        .then(|| !set.contains(rows.row(i).as_ref()))
                })
                .collect();
            let refs: Vec<&ArrayRef> = cols.iter().collect();
            let target_name = reference.resource.clone();
            record(s, &mask, &refs, keys, ctx, options, |_| {
                Some(format!("not found in `{target_name}`"))
            });
        }
        CheckKind::Expression { sql } => {
            let Prep::Expr(names, phys) = prep else {
                return Err(format!("expression `{sql}` could not be planned"));
            };
            let mut fields = Vec::new();
            let mut arrays = Vec::new();
            for n in names {
                let a = plain(column(batch, n)?)?;
                fields.push(arrow::datatypes::Field::new(n, a.data_type().clone(), true));
                arrays.push(a);
            }
            let sub = RecordBatch::try_new_with_options(
                Arc::new(Schema::new(fields)),
                arrays.clone(),
                &arrow::record_batch::RecordBatchOptions::new()
                    .with_row_count(Some(batch.num_rows())),
            )
            .map_err(|e| e.to_string())?;
            let out = phys
                .evaluate(&sub)
                .and_then(|v| v.into_array(sub.num_rows()))
                .map_err(|e| format!("expression `{sql}`: {e}"))?;
            let Some(b) = out.as_boolean_opt() else {
                return Err(format!(
                    "expression `{sql}` is {}, not a boolean",
                    out.data_type()
                ));
            };
            let mask = not(b).map_err(|e| e.to_string())?;
            let refs: Vec<&ArrayRef> = arrays.iter().collect();
            record(s, &mask, &refs, keys, ctx, options, |_| None);
        }
        CheckKind::Freshness { column: c, .. } => {
            let a = column(batch, c)?;
            let v = to_micros(a)?;
            if let Some(v) = v {
                s.max_us = Some(s.max_us.map_or(v, |x| x.max(v)));
            }
            s.evaluated += batch.num_rows() as u64;
        }
        CheckKind::Aggregate {
            column: c, stat, ..
        } => {
            let a = column(batch, c)?;
            let agg = s.agg.get_or_insert_with(Agg::default);
            agg.nulls += a.null_count() as u64;
            if matches!(stat, Stat::DistinctCount) {
                let p = plain(a)?;
                let converter = RowConverter::new(vec![SortField::new(p.data_type().clone())])
                    .map_err(|e| e.to_string())?;
                let rows = converter
                    .convert_columns(std::slice::from_ref(&p))
                    .map_err(|e| e.to_string())?;
                for i in 0..p.len() {
                    if p.is_valid(i) {
                        agg.distinct.insert(Box::from(rows.row(i).as_ref()));
                    }
                }
                agg.count += (p.len() - p.null_count()) as u64;
            } else if !matches!(stat, Stat::NullFraction) {
                let f = cast(a, &DataType::Float64).map_err(|e| e.to_string())?;
                for v in f
                    .as_primitive::<arrow::datatypes::Float64Type>()
                    .iter()
                    .flatten()
                {
                    agg.count += 1;
                    agg.sum += v;
                    let delta = v - agg.mean;
                    agg.mean += delta / agg.count as f64;
                    agg.m2 += delta * (v - agg.mean);
                    agg.min = Some(agg.min.map_or(v, |m| m.min(v)));
                    agg.max = Some(agg.max.map_or(v, |m| m.max(v)));
                    if matches!(stat, Stat::Quantile) {
                        agg.values.push(v);
                    }
                }
            }
            s.evaluated += batch.num_rows() as u64;
        }
        CheckKind::RowCount { .. } => {}
        // Evaluated as their base kind (`history::base_check`); never reached.
        CheckKind::Change { .. } | CheckKind::Anomaly { .. } => {}
    }
    Ok(())
}

fn unique(
    s: &mut Partial,
    batch: &RecordBatch,
    cols: &[String],
    ctx: &FileCtx,
) -> Result<(), String> {
    let arrays: Vec<ArrayRef> = cols
        .iter()
        .map(|c| column(batch, c).and_then(plain))
        .collect::<Result<_, _>>()?;
    let types: Vec<DataType> = arrays.iter().map(|a| a.data_type().clone()).collect();
    if let [a] = arrays.as_slice()
        && fixed_width_key(a.data_type())
    {
        let ints = cast(a, &DataType::Int64).map_err(|e| e.to_string())?;
        let ints = ints.as_primitive::<arrow::datatypes::Int64Type>();
        s.key_types.get_or_insert(types);
        s.fixed.reserve(ints.len() - ints.null_count());
        for (i, v) in ints.iter().enumerate() {
            if let Some(v) = v {
                s.fixed.push((v as u64, ctx.first_row + i as u64));
            }
        }
        return Ok(());
    }
    let converter = RowConverter::new(types.iter().map(|t| SortField::new(t.clone())).collect())
        .map_err(|e| e.to_string())?;
    let rows = converter
        .convert_columns(&arrays)
        .map_err(|e| e.to_string())?;
    s.key_types.get_or_insert(types);
    for i in 0..batch.num_rows() {
        if arrays.iter().any(|a| a.is_null(i)) {
            continue;
        }
        s.keys
            .push((Box::from(rows.row(i).as_ref()), ctx.first_row + i as u64));
    }
    Ok(())
}

/// Duplicates in a sequence sorted by (value, location): every entry that repeats the value
/// before it is one. Returns their count and the `samples` lowest (location, first location,
/// value) triples, sorted by location.
fn scan_duplicates<K: Ord + Clone>(
    sorted: impl Iterator<Item = (K, u64)>,
    samples: usize,
) -> (u64, Vec<(u64, u64, K)>) {
    let mut heap: std::collections::BinaryHeap<(u64, u64, K)> = Default::default();
    let mut failing = 0u64;
    let mut current: Option<(K, u64)> = None;
    for (value, loc) in sorted {
        match &current {
            Some((v, first)) if *v == value => {
                failing += 1;
                let first = *first;
                heap.push((loc, first, value));
                if heap.len() > samples {
                    heap.pop();
                }
            }
            _ => current = Some((value, loc)),
        }
    }
    (failing, heap.into_sorted_vec())
}

/// Sorts `fixed` and writes it to an anonymous temporary file (16-byte little-endian records),
/// leaving `fixed` empty.
fn spill(fixed: &mut Vec<(u64, u64)>) -> std::io::Result<std::fs::File> {
    use std::io::{Seek, Write};
    fixed.sort_unstable();
    let mut file = tempfile::tempfile()?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut file);
        for (k, loc) in fixed.iter() {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&loc.to_le_bytes())?;
        }
        w.flush()?;
    }
    file.seek(std::io::SeekFrom::Start(0))?;
    fixed.clear();
    Ok(file)
}

/// A k-way merge, in (value, location) order, of sorted spill runs and a sorted remainder.
fn merge_runs(
    runs: Vec<std::fs::File>,
    rest: Vec<(u64, u64)>,
) -> std::io::Result<impl Iterator<Item = (u64, u64)>> {
    use std::cmp::Reverse;
    use std::io::Read;
    let mut readers: Vec<std::io::BufReader<std::fs::File>> = runs
        .into_iter()
        .map(|f| std::io::BufReader::with_capacity(1 << 16, f))
        .collect();
    fn next_of(r: &mut std::io::BufReader<std::fs::File>) -> Option<(u64, u64)> {
        let mut buf = [0u8; 16];
        r.read_exact(&mut buf).ok()?;
        let k = u64::from_le_bytes(buf[..8].try_into().ok()?);
        let v = u64::from_le_bytes(buf[8..].try_into().ok()?);
        Some((k, v))
    }
    let mut heap = std::collections::BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some(e) = next_of(r) {
            heap.push(Reverse((e, i)));
        }
    }
    let rest_index = readers.len();
    let mut rest = rest.into_iter();
    if let Some(e) = rest.next() {
        heap.push(Reverse((e, rest_index)));
    }
    Ok(std::iter::from_fn(move || {
        let Reverse((entry, source)) = heap.pop()?;
        let next = if source == rest_index {
            rest.next()
        } else {
            next_of(&mut readers[source])
        };
        if let Some(e) = next {
            heap.push(Reverse((e, source)));
        }
        Some(entry)
    }))
}

/// Renders a key encoded by a [`RowConverter`] back as text, one string per key column.
fn render_encoded_key(converter: Option<&RowConverter>, key: &[u8]) -> Vec<String> {
    converter
        .and_then(|c| {
            let parser = c.parser();
            let columns = c.convert_rows([parser.parse(key)]).ok()?;
            Some(columns.iter().map(|a| render(a.as_ref(), 0)).collect())
        })
        .unwrap_or_default()
}

/// Renders an integer-like key in its column's type.
fn render_key(key_type: Option<&DataType>, value: u64) -> String {
    key_type
        .and_then(|t| {
            let a: ArrayRef = Arc::new(arrow::array::Int64Array::from(vec![value as i64]));
            cast(&a, t).ok().map(|a| render(a.as_ref(), 0))
        })
        .unwrap_or_else(|| (value as i64).to_string())
}

/// Row groups whose exact [min, max] of `column` overlaps no other row group's, over all files
/// of a resource. Empty when any row group lacks exact statistics, or the column is not
/// integer-like.
fn isolated_row_groups(files: &[ResolvedFile], column: &str) -> HashSet<(u32, usize)> {
    let mut intervals: Vec<(i64, i64, u32, usize)> = Vec::new();
    for (fi, f) in files.iter().enumerate() {
        let Ok(file) = std::fs::File::open(&f.path) else {
            return HashSet::new();
        };
        let Ok(meta) = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new()) else {
            return HashSet::new();
        };
        let schema = meta.schema();
        let Some((_, field)) = schema.column_with_name(column) else {
            return HashSet::new();
        };
        if !fixed_width_key(conformance::value_type(field.data_type())) {
            return HashSet::new();
        }
        let md = meta.metadata();
        let Ok(conv) =
            StatisticsConverter::try_new(column, schema, md.file_metadata().schema_descr())
        else {
            return HashSet::new();
        };
        let rgs = || md.row_groups().iter();
        let (Ok(mins), Ok(maxs), Ok(exact_min), Ok(exact_max)) = (
            conv.row_group_mins(rgs()),
            conv.row_group_maxes(rgs()),
            conv.row_group_is_min_value_exact(rgs()),
            conv.row_group_is_max_value_exact(rgs()),
        ) else {
            return HashSet::new();
        };
        let (Ok(mins), Ok(maxs)) = (cast(&mins, &DataType::Int64), cast(&maxs, &DataType::Int64))
        else {
            return HashSet::new();
        };
        let (mins, maxs) = (
            mins.as_primitive::<arrow::datatypes::Int64Type>(),
            maxs.as_primitive::<arrow::datatypes::Int64Type>(),
        );
        for rg in 0..md.num_row_groups() {
            if md.row_group(rg).num_rows() == 0 {
                continue;
            }
            let exact = exact_min.is_valid(rg)
                && exact_min.value(rg)
                && exact_max.is_valid(rg)
                && exact_max.value(rg);
            if !exact || mins.is_null(rg) || maxs.is_null(rg) {
                return HashSet::new();
            }
            intervals.push((mins.value(rg), maxs.value(rg), fi as u32, rg));
        }
    }
    intervals.sort_unstable();
    let mut out = HashSet::new();
    let mut reach = i64::MIN; // largest max among earlier intervals
    for (k, &(lo, hi, fi, rg)) in intervals.iter().enumerate() {
        let clear_before = k == 0 || lo > reach;
        let clear_after = intervals.get(k + 1).is_none_or(|n| n.0 > hi);
        if clear_before && clear_after {
            out.insert((fi, rg));
        }
        reach = reach.max(hi);
    }
    out
}

/// Single-column keys that fit an i64 exactly.
fn fixed_width_key(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::Timestamp(_, _)
            | DataType::Date32
            | DataType::Date64
            | DataType::Duration(_)
    )
}

/// Duplicates among fixed-width keys: sort (value, file and row) once; every entry after the
/// first of its value is a duplicate. Samples are the lowest duplicate rows.
/// A foreign key whose target did not fit in memory: a sort-merge join of the referencing keys
/// (in (key, location) order) with the target's sorted keys. Referencing keys not found fail.
fn finish_fk_join(s: &mut Slot, files: &[ResolvedFile], samples: usize) {
    if s.fk_runs.is_empty() {
        return;
    }
    let target_runs = std::mem::take(&mut s.fk_runs);
    let referencing = match s.byte_spill.take().unwrap_or_default().into_runs() {
        Ok(runs) => runs,
        Err(e) => {
            s.error = Some(format!("cannot spill foreign keys to disk: {e}"));
            return;
        }
    };
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
    s.failing += failing;
    let converter = s.fk_types.as_ref().and_then(|t| {
        RowConverter::new(t.iter().map(|d| SortField::new(d.clone())).collect()).ok()
    });
    let target_name = match &s.check.kind {
        CheckKind::ForeignKey { reference, .. } => reference.resource.clone(),
        _ => String::new(),
    };
    for (loc, key) in heap.into_sorted_vec() {
        let (fi, row) = unpack_loc(loc);
        s.samples.push(Sample {
            file: files.get(fi).map(|f| f.rel.clone()).unwrap_or_default(),
            row_group: None,
            row: Some(row),
            values: render_encoded_key(converter.as_ref(), &key),
            key: vec![],
            note: Some(format!("not found in `{target_name}`")),
        });
    }
}

/// Duplicates among spilled byte keys: merge the runs, count repeats, render the lowest.
fn finish_spilled_unique(s: &mut Slot, files: &[ResolvedFile], pk: &[String], samples: usize) {
    let Some(spill) = s.byte_spill.take() else {
        return;
    };
    let runs = match spill.into_runs() {
        Ok(runs) => runs,
        Err(e) => {
            s.error = Some(format!("cannot spill unique keys to disk: {e}"));
            return;
        }
    };
    let converter = match &s.state {
        SlotState::Seen(_, Some(types), _, _) => {
            RowConverter::new(types.iter().map(|d| SortField::new(d.clone())).collect()).ok()
        }
        _ => None,
    };
    let (failing, dups) = scan_duplicates(merge_byte_runs(runs), samples);
    s.failing += failing;
    let is_pk = s.check.kind.columns() == pk.iter().map(String::as_str).collect::<Vec<_>>();
    let rel = |i: usize| files.get(i).map(|f| f.rel.clone()).unwrap_or_default();
    for (loc, first, key) in dups {
        let (fi, row) = unpack_loc(loc);
        let (ffi, frow) = unpack_loc(first);
        let values = render_encoded_key(converter.as_ref(), &key);
        s.samples.push(Sample {
            file: rel(fi),
            row_group: None,
            row: Some(row),
            key: if is_pk { values.clone() } else { vec![] },
            values,
            note: Some(format!("first seen at {} row {frow}", rel(ffi))),
        });
    }
}

fn finish_fixed_unique(s: &mut Slot, files: &[ResolvedFile], pk: &[String], samples: usize) {
    let SlotState::Seen(_, types, fixed, runs) = &mut s.state else {
        return;
    };
    if fixed.is_empty() && runs.is_empty() {
        return;
    }
    if !runs.is_empty() {
        // Spilled: merge the sorted runs and the sorted remainder, reading each run once.
        fixed.sort_unstable();
        let key_type = types.as_ref().and_then(|t| t.first().cloned());
        let merged = match merge_runs(std::mem::take(runs), std::mem::take(fixed)) {
            Ok(m) => m,
            Err(e) => {
                s.error = Some(format!("cannot read spilled unique keys: {e}"));
                return;
            }
        };
        let (failing, dups) = scan_duplicates(merged, samples);
        finish_duplicates(s, failing, dups, key_type, files, pk, samples);
        return;
    }
    // Sort the two halves on two threads, then walk them merged: every entry that repeats the
    // value before it (in (value, location) order) is a duplicate of the first one.
    let half = fixed.len() / 2;
    let (left, right) = fixed.split_at_mut(half);
    std::thread::scope(|scope| {
        scope.spawn(|| left.sort_unstable());
        right.sort_unstable();
    });
    let (left, right) = fixed.split_at(half);
    let (mut i, mut j) = (0, 0);
    let merged = std::iter::from_fn(|| {
        if j >= right.len() || (i < left.len() && left[i] <= right[j]) {
            i += 1;
            left.get(i - 1).copied()
        } else {
            j += 1;
            right.get(j - 1).copied()
        }
    });
    let (failing, dups) = scan_duplicates(merged, samples);
    let key_type = types.as_ref().and_then(|t| t.first().cloned());
    *fixed = Vec::new();
    finish_duplicates(s, failing, dups, key_type, files, pk, samples);
}

/// Records duplicates found among fixed-width keys: count and located samples.
fn finish_duplicates(
    s: &mut Slot,
    failing: u64,
    dups: Vec<(u64, u64, u64)>,
    key_type: Option<DataType>,
    files: &[ResolvedFile],
    pk: &[String],
    samples: usize,
) {
    s.failing += failing;
    let is_pk = s.check.kind.columns() == pk.iter().map(String::as_str).collect::<Vec<_>>();
    for (loc, first, value) in dups
        .into_iter()
        .take(samples.saturating_sub(s.samples.len()))
    {
        let (fi, row) = unpack_loc(loc);
        let (ffi, frow) = unpack_loc(first);
        let rendered = render_key(key_type.as_ref(), value);
        let rel = |i: usize| files.get(i).map(|f| f.rel.clone()).unwrap_or_default();
        s.samples.push(Sample {
            file: rel(fi),
            row_group: None,
            row: Some(row),
            values: vec![rendered.clone()],
            key: if is_pk { vec![rendered] } else { vec![] },
            note: Some(format!("first seen at {} row {frow}", rel(ffi))),
        });
    }
}

fn finish(mut s: Slot, total_rows: u64, now_us: i64) -> CheckResult {
    let check = s.check.clone();
    let kind = check.kind.clone();
    // Table-level verdicts.
    match &kind {
        CheckKind::RowCount { min, max } => {
            let n = s.evaluated;
            s.observed = Some(n.into());
            let bad = min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m);
            s.table_fail = Some(bad);
            if bad {
                s.message = Some(format!(
                    "{n} rows; expected {}",
                    bounds_text(min.map(|v| v as f64), max.map(|v| v as f64))
                ));
            }
            s.evaluated = 1;
        }
        CheckKind::Freshness { max_age, .. } => {
            let newest = match &s.state {
                SlotState::Max(m) => *m,
                _ => None,
            };
            let age = IsoDuration::parse(max_age).map(|d| d.seconds as i64 * 1_000_000);
            match (newest, age) {
                (Some(v), Ok(age)) => {
                    s.observed = Some(serde_json::Value::String(micros_to_rfc3339(v)));
                    s.evaluated = 1;
                    s.table_fail = Some(v < now_us.saturating_sub(age));
                    if s.table_fail == Some(true) {
                        s.message = Some(format!(
                            "newest value {} is older than {max_age} before the reference time",
                            micros_to_rfc3339(v)
                        ));
                    }
                }
                (None, _) => {
                    if s.error.is_none() {
                        s.table_fail = Some(true);
                        s.evaluated = 1;
                        s.message = Some("no non-null value to measure freshness".into());
                    }
                }
                (_, Err(e)) => s.fail_error(e),
            }
        }
        CheckKind::Aggregate {
            stat, q, min, max, ..
        } => {
            if let SlotState::Agg(agg) = &mut s.state {
                let value = match stat {
                    Stat::Mean => (agg.count > 0).then_some(agg.mean),
                    Stat::Sum => Some(agg.sum),
                    Stat::Min => agg.min,
                    Stat::Max => agg.max,
                    Stat::Stddev => {
                        (agg.count > 1).then(|| (agg.m2 / (agg.count - 1) as f64).sqrt())
                    }
                    Stat::NullFraction => {
                        (total_rows > 0).then(|| agg.nulls as f64 / total_rows as f64)
                    }
                    Stat::DistinctCount => Some(agg.distinct.len() as f64),
                    Stat::Quantile => {
                        let q = q.unwrap_or(0.5);
                        agg.values.sort_by(f64::total_cmp);
                        if agg.values.is_empty() {
                            None
                        } else {
                            let rank = ((q * agg.values.len() as f64).ceil() as usize)
                                .clamp(1, agg.values.len());
                            Some(agg.values[rank - 1])
                        }
                    }
                };
                s.evaluated = 1;
                match value {
                    Some(v) => {
                        s.observed = serde_json::Number::from_f64(v).map(serde_json::Value::Number);
                        // NaN is outside any bounds.
                        let bad =
                            v.is_nan() || min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m);
                        s.table_fail = Some(bad);
                        if bad {
                            s.message = Some(format!(
                                "{} is {v}; expected {}",
                                stat.as_str(),
                                bounds_text(*min, *max)
                            ));
                        }
                    }
                    None => {
                        s.table_fail = Some(true);
                        s.message = Some(format!("{} is undefined: no values", stat.as_str()));
                    }
                }
            }
        }
        _ => {}
    }
    let threshold = if kind.is_row_level() {
        1.0 - check.mostly.unwrap_or(1.0)
    } else {
        0.0
    };
    let (failing, evaluated) = match s.table_fail {
        Some(bad) => (bad as u64, s.evaluated.max(1)),
        None => (s.failing, s.evaluated),
    };
    let fraction = if evaluated == 0 {
        0.0
    } else {
        failing as f64 / evaluated as f64
    };
    let failed = match s.table_fail {
        Some(bad) => bad,
        None => fraction > threshold + 1e-12,
    };
    let status = if s.error.is_some() {
        CheckStatus::Error
    } else if failed {
        match check.severity {
            Severity::Error => CheckStatus::Fail,
            Severity::Warn => CheckStatus::Warn,
        }
    } else {
        CheckStatus::Pass
    };
    let decided_by = match (s.by_stats, s.by_data) {
        (_, 0) => DecidedBy::Statistics,
        (0, _) => DecidedBy::Data,
        _ => DecidedBy::Mixed,
    };
    let message = s.error.clone().or(s.message.clone()).or_else(|| {
        (failing > 0 && s.table_fail.is_none()).then(|| {
            format!(
                "{failing} of {evaluated} rows fail ({:.4}%)",
                fraction * 100.0
            )
        })
    });
    CheckResult {
        name: check.display_name(),
        kind: kind.name().to_string(),
        origin: s.origin,
        columns: kind.columns().iter().map(|c| c.to_string()).collect(),
        severity: check.severity,
        dimension: check.dimension(),
        status,
        evaluated,
        failing,
        failing_fraction: fraction,
        threshold,
        observed: s.observed,
        decided_by: if matches!(kind, CheckKind::RowCount { .. }) {
            DecidedBy::Statistics
        } else {
            decided_by
        },
        message,
        samples: s.samples,
    }
}

fn bounds_text(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!("at least {a}"),
        (None, Some(b)) => format!("at most {b}"),
        (None, None) => "any".into(),
    }
}

/// RFC 3339 UTC text for microseconds since the epoch.
pub fn micros_to_rfc3339(us: i64) -> String {
    let a: ArrayRef =
        Arc::new(arrow::array::TimestampMicrosecondArray::from(vec![us]).with_timezone("UTC"));
    let s = render(a.as_ref(), 0);
    s.replace("+00:00", "Z")
}
