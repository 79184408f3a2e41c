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
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::arrow_reader::statistics::StatisticsConverter;
use sha2::{Digest, Sha256};

use crate::conformance;

/// Run settings.
#[derive(Debug, Clone)]
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
    for r in resources {
        let planned = plan(r);
        check_set.push(serde_json::json!({
            "resource": r.name,
            "checks": planned.iter().map(|(o, c)| serde_json::json!({"origin": o, "check": c})).collect::<Vec<_>>(),
        }));
        reports.push(validate_resource(loaded, r, planned, options));
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
    Ok(Report {
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
    })
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

/// Running state of one check.
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
}

#[derive(Default)]
enum SlotState {
    #[default]
    None,
    Regex(regex::Regex),
    Seen(HashMap<Box<[u8]>, String>, Option<RowConverter>),
    Allowed(HashSet<Box<[u8]>>, Option<RowConverter>),
    Monotonic(Option<Box<[u8]>>, Option<RowConverter>),
    Max(Option<i64>),
    Agg(Agg),
    Fk(Option<Arc<KeySet>>),
    Expr(
        Option<(
            Vec<String>,
            Arc<dyn datafusion::physical_plan::PhysicalExpr>,
        )>,
    ),
}

/// Encoded key rows of a foreign key's target, and the target columns' types.
type KeySet = (HashSet<Box<[u8]>>, Vec<DataType>);

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

fn validate_resource(
    loaded: &LoadedManifest,
    r: &Resource,
    planned: Vec<(CheckOrigin, Check)>,
    options: &Options,
) -> ResourceReport {
    let (files, problems) = paths::resolve(&loaded.dir, &r.path.patterns());
    let mut slots: Vec<Slot> = planned
        .into_iter()
        .map(|(origin, check)| Slot {
            origin,
            check,
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
        })
        .collect();
    for s in &mut slots {
        init_state(s, loaded, options);
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
    for f in &files {
        let fr = validate_file(f, r, &pk, &mut slots, &mut schema_slot, options);
        total_rows += fr.rows.unwrap_or(0);
        file_reports.push(fr);
    }
    let mut checks = vec![schema_slot.result(options.samples, files.len() as u64)];
    for s in slots {
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
            match regex::Regex::new(&format!("^(?:{pattern})$")) {
                Ok(re) => SlotState::Regex(re),
                Err(e) => {
                    s.fail_error(format!("pattern does not compile: {e}"));
                    SlotState::None
                }
            }
        }
        CheckKind::Unique { .. } | CheckKind::UniqueKey { .. } => {
            SlotState::Seen(HashMap::new(), None)
        }
        CheckKind::InSet { .. } | CheckKind::NotInSet { .. } => {
            SlotState::Allowed(HashSet::new(), None)
        }
        CheckKind::Monotonic { .. } => SlotState::Monotonic(None, None),
        CheckKind::Freshness { .. } => SlotState::Max(None),
        CheckKind::Aggregate { .. } => SlotState::Agg(Agg::default()),
        CheckKind::ForeignKey { reference, .. } => {
            match target_keys(loaded, &reference.resource, &reference.columns, options) {
                Ok(set) => SlotState::Fk(Some(Arc::new(set))),
                Err(e) => {
                    s.fail_error(e);
                    SlotState::Fk(None)
                }
            }
        }
        CheckKind::Expression { .. } => SlotState::Expr(None),
        _ => SlotState::None,
    };
}

/// The key set of a foreign key's target resource (a read of its key columns).
fn target_keys(
    loaded: &LoadedManifest,
    resource: &str,
    columns: &[String],
    options: &Options,
) -> Result<KeySet, String> {
    let r = loaded
        .manifest
        .resources
        .iter()
        .find(|r| r.name == resource)
        .ok_or_else(|| format!("foreign key target `{resource}` is not a resource"))?;
    let (files, _) = paths::resolve(&loaded.dir, &r.path.patterns());
    let mut set = HashSet::new();
    let mut types: Option<Vec<DataType>> = None;
    let mut converter: Option<RowConverter> = None;
    for f in files {
        let bytes = Bytes::from(std::fs::read(&f.path).map_err(|e| format!("{}: {e}", f.rel))?);
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes)
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
                if cols.iter().all(|c| c.is_valid(i)) {
                    set.insert(Box::from(rows.row(i).as_ref()));
                }
            }
        }
    }
    Ok((set, types.unwrap_or_default()))
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

fn validate_file(
    f: &ResolvedFile,
    r: &Resource,
    pk: &[String],
    slots: &mut [Slot],
    schema_slot: &mut SchemaSlot,
    options: &Options,
) -> FileReport {
    let mut report = FileReport {
        path: f.rel.clone(),
        bytes: 0,
        sha256: None,
        rows: None,
        row_groups: None,
        error: None,
    };
    // One read: the bytes are hashed and then parsed from memory.
    let data = match std::fs::read(&f.path) {
        Ok(d) => d,
        Err(e) => {
            let msg = format!("cannot read: {e}");
            schema_slot.unreadable.push(format!("{}: {msg}", f.rel));
            report.error = Some(msg);
            return report;
        }
    };
    report.bytes = data.len() as u64;
    report.sha256 = Some(hex(&Sha256::digest(&data)));
    let bytes = Bytes::from(data);
    let builder = match ParquetRecordBatchReaderBuilder::try_new(bytes.clone()) {
        Ok(b) => b,
        Err(e) => {
            let msg = describe_parquet_error(&e.to_string());
            schema_slot.unreadable.push(format!("{}: {msg}", f.rel));
            report.error = Some(msg);
            return report;
        }
    };
    let metadata = builder.metadata().clone();
    // Plaintext-footer encryption: the footer parses, the column chunks do not.
    let encrypted = metadata
        .row_groups()
        .iter()
        .flat_map(|rg| rg.columns())
        .filter(|c| c.crypto_metadata().is_some())
        .count();
    if encrypted > 0 {
        let msg = format!(
            "the file is encrypted (Parquet modular encryption, plaintext footer: {encrypted} column chunk(s) encrypted) and no key was given"
        );
        schema_slot.unreadable.push(format!("{}: {msg}", f.rel));
        report.error = Some(msg);
        return report;
    }
    let schema = builder.schema().clone();
    report.rows = Some(metadata.file_metadata().num_rows().max(0) as u64);
    report.row_groups = Some(metadata.num_row_groups() as u64);
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
    // Monotonic order is per file.
    for s in slots.iter_mut() {
        if let SlotState::Monotonic(last, _) = &mut s.state {
            *last = None;
        }
    }
    let parquet_schema = metadata.file_metadata().schema_descr_ptr();
    let rg_meta = metadata.row_groups();
    let mut first_row = 0u64;
    for (rg, rgm) in rg_meta.iter().enumerate() {
        let rg_rows = rgm.num_rows().max(0) as u64;
        let mut need: Vec<usize> = Vec::new(); // slot indices needing data
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
        if !need.is_empty() {
            let mut cols: Vec<String> = Vec::new();
            for &i in &need {
                for c in slot_columns(&slots[i]) {
                    if !cols.contains(&c) {
                        cols.push(c);
                    }
                }
            }
            for c in pk {
                if !cols.contains(c) {
                    cols.push(c.clone());
                }
            }
            let mut idx = Vec::new();
            for c in &cols {
                match schema.index_of(c) {
                    Ok(i) => idx.push(i),
                    Err(_) => {
                        for &i in &need {
                            if slot_columns(&slots[i]).contains(c) {
                                slots[i]
                                    .fail_error(format!("column `{c}` is missing from {}", f.rel));
                            }
                        }
                    }
                }
            }
            idx.sort_unstable();
            let result = (|| -> Result<(), String> {
                let builder = ParquetRecordBatchReaderBuilder::try_new(bytes.clone())
                    .map_err(|e| e.to_string())?;
                let mask = ProjectionMask::roots(builder.parquet_schema(), idx.clone());
                let reader = builder
                    .with_row_groups(vec![rg])
                    .with_projection(mask)
                    .with_batch_size(options.batch_size)
                    .build()
                    .map_err(|e| e.to_string())?;
                let mut offset = first_row;
                for batch in reader {
                    let batch = batch.map_err(|e| describe_parquet_error(&e.to_string()))?;
                    let ctx = FileCtx {
                        rel: &f.rel,
                        row_group: rg as u64,
                        first_row: offset,
                    };
                    let keys: Vec<ArrayRef> = pk
                        .iter()
                        .filter_map(|c| batch.column_by_name(c).cloned())
                        .collect();
                    for &i in &need {
                        if slots[i].error.is_some() {
                            continue;
                        }
                        if let Err(e) = eval(&mut slots[i], &batch, &keys, &ctx, options) {
                            slots[i].fail_error(format!("{}: {e}", f.rel));
                        }
                    }
                    offset += batch.num_rows() as u64;
                }
                Ok(())
            })();
            if let Err(e) = result {
                let msg = format!("row group {rg}: {e}");
                schema_slot.unreadable.push(format!("{}: {msg}", f.rel));
                report.error = Some(msg);
                return report;
            }
            for &i in &need {
                slots[i].by_data += 1;
            }
        }
        first_row += rg_rows;
    }
    // Row counts come from the footer.
    for s in slots.iter_mut() {
        if let CheckKind::RowCount { .. } = s.check.kind {
            s.evaluated += first_row;
        }
    }
    report
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

fn slot_columns(s: &Slot) -> Vec<String> {
    match (&s.check.kind, &s.state) {
        (CheckKind::Expression { .. }, SlotState::Expr(Some((cols, _)))) => cols.clone(),
        (CheckKind::Expression { sql }, _) => expression_columns(sql),
        (k, _) => k.columns().iter().map(|c| c.to_string()).collect(),
    }
}

/// Column names an SQL expression mentions (identifiers that are not keywords or functions).
fn expression_columns(sql: &str) -> Vec<String> {
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;
    let mut out = Vec::new();
    if let Ok(expr) = Parser::new(&GenericDialect {})
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
    {
        collect_idents(&format!("{expr:?}"), &mut out);
    }
    out
}

fn collect_idents(debug: &str, out: &mut Vec<String>) {
    // `Identifier(Ident { value: "x", ...` occurs for every column reference.
    let mut rest = debug;
    while let Some(i) = rest.find("Identifier(Ident { value: \"") {
        rest = &rest[i + 27..];
        if let Some(end) = rest.find('"') {
            let name = rest[..end].to_string();
            if !out.contains(&name) {
                out.push(name);
            }
            rest = &rest[end..];
        }
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
    s: &mut Slot,
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
    s: &mut Slot,
    batch: &RecordBatch,
    keys: &[ArrayRef],
    ctx: &FileCtx,
    options: &Options,
) -> Result<(), String> {
    let kind = s.check.kind.clone();
    match &kind {
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
            let mut target = if numeric {
                cast(a, &DataType::Float64)
            } else {
                cast(a, &vt)
            }
            .map_err(|e| e.to_string())?;
            if numeric {
                // NaN is left to `finite`: not evaluated here.
                let f = target.as_primitive::<arrow::datatypes::Float64Type>();
                if f.values().iter().any(|v| v.is_nan()) {
                    let cleaned: Float64Array =
                        f.iter().map(|v| v.filter(|x| !x.is_nan())).collect();
                    target = Arc::new(cleaned);
                }
            }
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
            if let Some(mask) = mask {
                record(s, &mask, &[a], keys, ctx, options, |_| None);
            }
        }
        CheckKind::InSet { column: c, values } | CheckKind::NotInSet { column: c, values } => {
            let negate = matches!(kind, CheckKind::NotInSet { .. });
            let a = column(batch, c)?.clone();
            let vt = conformance::value_type(a.data_type()).clone();
            let SlotState::Allowed(set, conv) = &mut s.state else {
                return Err("internal: state".into());
            };
            if conv.is_none() {
                let converter = RowConverter::new(vec![SortField::new(vt.clone())])
                    .map_err(|e| e.to_string())?;
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
                *conv = Some(converter);
            }
            let converter = conv.as_ref().expect("set above");
            let set = &*set;
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
            let SlotState::Regex(re) = &s.state else {
                return Err("internal: state".into());
            };
            let re = re.clone();
            let mask = per_value(&a, &|vals: &ArrayRef| {
                let strings = cast(vals, &DataType::Utf8).map_err(|e| e.to_string())?;
                let strings = strings.as_string::<i32>();
                Ok(strings.iter().map(|v| v.map(|v| !re.is_match(v))).collect())
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
        CheckKind::Monotonic {
            column: c,
            direction,
            strict,
        } => {
            let a = plain(column(batch, c)?)?;
            let SlotState::Monotonic(last, conv) = &mut s.state else {
                return Err("internal: state".into());
            };
            if conv.is_none() {
                *conv = Some(
                    RowConverter::new(vec![SortField::new(a.data_type().clone())])
                        .map_err(|e| e.to_string())?,
                );
            }
            let rows = conv
                .as_ref()
                .expect("set")
                .convert_columns(std::slice::from_ref(&a))
                .map_err(|e| e.to_string())?;
            let mut out = Vec::with_capacity(a.len());
            for i in 0..a.len() {
                if a.is_null(i) {
                    out.push(None);
                    continue;
                }
                let cur = rows.row(i);
                let bad = match last.as_deref() {
                    None => false,
                    Some(prev) => {
                        let ord = cur.as_ref().cmp(prev);
                        match (direction, strict) {
                            (Direction::Increasing, false) => ord.is_lt(),
                            (Direction::Increasing, true) => !ord.is_gt(),
                            (Direction::Decreasing, false) => ord.is_gt(),
                            (Direction::Decreasing, true) => !ord.is_lt(),
                        }
                    }
                };
                out.push(Some(bad));
                *last = Some(Box::from(cur.as_ref()));
            }
            let mask = BooleanArray::from(out);
            record(s, &mask, &[&a], keys, ctx, options, |_| None);
        }
        CheckKind::Unique { column: c } => {
            unique(s, batch, std::slice::from_ref(c), keys, ctx, options)?
        }
        CheckKind::UniqueKey { columns } => unique(s, batch, columns, keys, ctx, options)?,
        CheckKind::ForeignKey { columns, reference } => {
            let SlotState::Fk(Some(target)) = &s.state else {
                return Err("foreign key target unavailable".into());
            };
            let target = target.clone();
            let (set, types) = (&target.0, &target.1);
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
            let SlotState::Expr(compiled) = &mut s.state else {
                return Err("internal: state".into());
            };
            let names = expression_columns(sql);
            let mut fields = Vec::new();
            let mut arrays = Vec::new();
            for n in &names {
                if let Some((_, f)) = batch.schema().column_with_name(n) {
                    let a = plain(column(batch, n)?)?;
                    fields.push(arrow::datatypes::Field::new(
                        n,
                        a.data_type().clone(),
                        f.is_nullable(),
                    ));
                    arrays.push(a);
                }
            }
            let sub_schema = Arc::new(Schema::new(fields));
            let sub = RecordBatch::try_new_with_options(
                sub_schema.clone(),
                arrays.clone(),
                &arrow::record_batch::RecordBatchOptions::new()
                    .with_row_count(Some(batch.num_rows())),
            )
            .map_err(|e| e.to_string())?;
            if compiled.is_none() {
                let ctx_df = datafusion::prelude::SessionContext::new();
                let df_schema = datafusion::common::DFSchema::try_from(sub_schema.as_ref().clone())
                    .map_err(|e| e.to_string())?;
                let expr = ctx_df
                    .parse_sql_expr(sql, &df_schema)
                    .map_err(|e| format!("expression `{sql}`: {e}"))?;
                let phys = ctx_df
                    .create_physical_expr(expr, &df_schema)
                    .map_err(|e| format!("expression `{sql}`: {e}"))?;
                *compiled = Some((names.clone(), phys));
            }
            let (_, phys) = compiled.as_ref().expect("set above");
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
            if let SlotState::Max(m) = &mut s.state
                && let Some(v) = v
            {
                *m = Some(m.map_or(v, |x| x.max(v)));
            }
            s.evaluated += batch.num_rows() as u64;
        }
        CheckKind::Aggregate {
            column: c, stat, ..
        } => {
            let a = column(batch, c)?;
            let SlotState::Agg(agg) = &mut s.state else {
                return Err("internal: state".into());
            };
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
    }
    Ok(())
}

fn unique(
    s: &mut Slot,
    batch: &RecordBatch,
    cols: &[String],
    keys: &[ArrayRef],
    ctx: &FileCtx,
    options: &Options,
) -> Result<(), String> {
    let arrays: Vec<ArrayRef> = cols
        .iter()
        .map(|c| column(batch, c).and_then(plain))
        .collect::<Result<_, _>>()?;
    let SlotState::Seen(seen, conv) = &mut s.state else {
        return Err("internal: state".into());
    };
    if conv.is_none() {
        *conv = Some(
            RowConverter::new(
                arrays
                    .iter()
                    .map(|a| SortField::new(a.data_type().clone()))
                    .collect(),
            )
            .map_err(|e| e.to_string())?,
        );
    }
    let rows = conv
        .as_ref()
        .expect("set")
        .convert_columns(&arrays)
        .map_err(|e| e.to_string())?;
    let mut mask = Vec::with_capacity(batch.num_rows());
    let mut firsts: HashMap<usize, String> = HashMap::new();
    for i in 0..batch.num_rows() {
        if arrays.iter().any(|a| a.is_null(i)) {
            mask.push(None);
            continue;
        }
        let key = rows.row(i);
        let here = format!("{} row {}", ctx.rel, ctx.first_row + i as u64);
        match seen.get(key.as_ref()) {
            Some(first) => {
                firsts.insert(i, first.clone());
                mask.push(Some(true));
            }
            None => {
                seen.insert(Box::from(key.as_ref()), here);
                mask.push(Some(false));
            }
        }
    }
    let mask = BooleanArray::from(mask);
    let refs: Vec<&ArrayRef> = arrays.iter().collect();
    record(s, &mask, &refs, keys, ctx, options, |i| {
        firsts.get(&i).map(|f| format!("first seen at {f}"))
    });
    Ok(())
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
                        let bad = min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m);
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
