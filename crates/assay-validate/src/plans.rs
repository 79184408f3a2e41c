//! Checks as DataFusion plans: a resource's checks compiled into logical plans built only from
//! DataFusion's built-in functions, so that any DataFusion engine (a `SessionContext` here, a
//! Ballista cluster's stock executors) can run them, and the answers mapped into the same
//! [`CheckResult`]s as the local engine's.
//!
//! - **Row-level kinds** (`not_null`, `range`, `in_set`, `not_in_set`, `pattern`, `length`,
//!   `finite`, `expression`) each become one expression that is true where a row fails, false
//!   where it passes and null where it is not evaluated. All of a resource's go into one
//!   aggregate over one scan, grouped by file (`input_file_name()`): `count(fail)` rows
//!   evaluated, `count(*) FILTER (WHERE fail)` failing, per file.
//! - **`row_count`** is `count(*)` and **`freshness`** `max` of the column, in the same scan.
//! - **`unique` / `unique_key`** are `GROUP BY key` with `count(*) - 1` summed where it is
//!   above 0 (`HAVING count(*) > 1`); when something repeats, a join with the repeated keys
//!   counts the rows holding them per file.
//! - **Samples** are a second, targeted scan per failing check, in this process: over only the
//!   first files (in resolution order) whose failing rows reach the cap, `WHERE fail`, the
//!   lowest row numbers of each file first (`row_number() OVER (PARTITION BY
//!   input_file_name() ORDER BY file_row_index())`). `file_row_index()` names a row only in the
//!   process whose scan answers it: DataFusion 55.2's plan serialisation drops the virtual
//!   column, so a cluster's executors cannot. `unique` samples are a window over the key in
//!   file and row order. A row's row group comes from the file's footer.
//!
//! Counts run on the caller's context: a `SessionContext` here, a Ballista cluster's in
//! cluster mode (`assay-cluster`), whose stock executors know every function used.
//!
//! What is not compiled says why ([`Planned::Local`]): kinds that follow rows in file order
//! (`monotonic`, `rate_of_change`), that compare with the dataset's history (`change`,
//! `anomaly`), and those not compiled yet.

use std::collections::HashMap;
use std::ops::Not;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type, Schema, TimeUnit};
use assay_model::check::{Check, CheckKind, Stat};
use assay_model::paths::ResolvedFile;
use assay_model::report::{CheckOrigin, CheckResult, Sample};
use assay_model::{LoadedManifest, Resource, Scalar};
use datafusion::common::ScalarValue;
use datafusion::dataframe::DataFrame;
use datafusion::functions::core::expr_fn::{file_row_index, input_file_name};
use datafusion::functions_aggregate::expr_fn::{count, max, sum};
use datafusion::logical_expr::{
    Expr, ExprFunctionExt, cast as cast_expr, col, lit, try_cast, when,
};
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use crate::conformance;
use crate::engine::tally::Tally;
use crate::engine::values::{bound_array, render};
use crate::engine::{Options, plan};

/// One check of a resource, as the plans answered it or why they did not.
#[derive(Debug)]
pub enum Planned {
    /// Evaluated by plans: the same result the local engine gives.
    Result(Box<CheckResult>),
    /// Not compiled into plans: the check's name, kind and the reason.
    Local {
        /// The check's name.
        name: String,
        /// Its kind.
        kind: String,
        /// Why it is not compiled.
        why: String,
    },
}

/// A resource's planned checks, in the local engine's order (the `schema` check, which is read
/// from the footers, is not among them).
#[derive(Debug)]
pub struct PlannedResource {
    /// The resource.
    pub name: String,
    /// Its files, as resolved (report paths, in order).
    pub files: Vec<String>,
    /// Its checks.
    pub checks: Vec<Planned>,
}

/// What a check compiles to.
enum Compiled {
    /// True where a row fails, false where it passes, null where it is not evaluated; and the
    /// columns a sample shows.
    Rows {
        fail: Expr,
        values: Vec<String>,
    },
    RowCount(assay_model::check::RowCount),
    /// The newest value of the column.
    Freshness(assay_model::check::Freshness),
    Unique(Vec<String>),
    ForeignKey(assay_model::check::ForeignKey),
    Aggregate(assay_model::check::Aggregate),
    Local(&'static str),
}

/// Evaluates every resource check of `loaded` (or of `options.resource`) as DataFusion plans on
/// `ctx`. Files are read where `ctx` reads them (local paths here).
pub async fn evaluate(
    ctx: &SessionContext,
    loaded: &LoadedManifest,
    options: &Options,
) -> Result<Vec<PlannedResource>, crate::Error> {
    evaluate_all(ctx, loaded, options, false)
        .await
        .map_err(|e| match e {
            Stop::Storage(e) => e,
            Stop::Query(m) => crate::Error::Unfinished(m),
        })
}

/// Why [`evaluate_or_stop`] stopped.
#[derive(Debug)]
pub enum Stop {
    /// A resource's files could not be listed.
    Storage(crate::Error),
    /// A query failed: the table could not be read, or the engine running it failed.
    Query(String),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Storage(e) => e.fmt(f),
            Stop::Query(m) => f.write_str(m),
        }
    }
}

/// As [`evaluate`], but the first query that fails ends the run instead of being its checks'
/// error: for an engine (a cluster) whose failure says nothing of the data.
pub async fn evaluate_or_stop(
    ctx: &SessionContext,
    loaded: &LoadedManifest,
    options: &Options,
) -> Result<Vec<PlannedResource>, Stop> {
    evaluate_all(ctx, loaded, options, true).await
}

async fn evaluate_all(
    ctx: &SessionContext,
    loaded: &LoadedManifest,
    options: &Options,
    stop: bool,
) -> Result<Vec<PlannedResource>, Stop> {
    let mut out = Vec::new();
    for r in &loaded.manifest.resources {
        if options.resource.as_ref().is_some_and(|n| n != &r.name) {
            continue;
        }
        let dir = loaded.dir.clone();
        let patterns: Vec<String> = r.path.patterns().into_iter().map(String::from).collect();
        let (files, _) = blocking(move || {
            let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
            assay_storage::resolve(&dir, &patterns)
        })
        .await
        .map_err(Stop::Query)?
        .map_err(|e| Stop::Storage(crate::Error::Storage(e)))?;
        out.push(PlannedResource {
            name: r.name.clone(),
            files: files.iter().map(|f| f.rel.clone()).collect(),
            checks: evaluate_resource(ctx, loaded, r, &files, options, stop)
                .await
                .map_err(|e| Stop::Query(format!("resource `{}`: {e}", r.name)))?,
        });
    }
    Ok(out)
}

/// One resource's checks.
async fn evaluate_resource(
    ctx: &SessionContext,
    loaded: &LoadedManifest,
    r: &Resource,
    files: &[ResolvedFile],
    options: &Options,
    stop: bool,
) -> Result<Vec<Planned>, String> {
    let planned = plan::plan(r);
    let table = table(ctx, &loaded.dir, files).await;
    let pk = crate::engine::resource::key_columns(r);
    let empty = Schema::empty();
    let schema = table.as_ref().map_or(&empty, |t| t.df.schema().as_arrow());
    let mut compiled: Vec<Compiled> = planned
        .iter()
        .map(|(_, check)| compile(check, schema))
        .collect();
    // What the plans cannot answer as the local engine does is left to it: a check reading a
    // column the files do not have (its error is the kernel's), and, on an engine whose
    // failure ends the run, a resource whose files cannot be read as one table (the local
    // engine reports each file).
    let mut unplanned: Option<String> = None;
    match &table {
        Ok(_) => {
            for ((_, check), c) in planned.iter().zip(compiled.iter_mut()) {
                let absent = |col: &&str| schema.column_with_name(col).is_none();
                if check.kind.columns().iter().any(absent) {
                    *c = Compiled::Local("a column it reads is not in the files");
                }
            }
        }
        Err(e) if stop && !files.is_empty() => {
            unplanned = Some(format!("the files cannot be read as one table ({e})"));
            compiled.fill_with(|| Compiled::Local(""));
        }
        Err(_) => {}
    }
    let mut tallies: Vec<Tally> = planned
        .iter()
        .map(|_| Tally::new(options.samples))
        .collect();
    // A table that cannot be read, or a fused scan that fails, is every compiled check's error
    // (`fail_error` keeps a check's own first reason).
    let failed = match &table {
        Err(e) => Some(e.clone()),
        Ok(t) => run_scan(t, &compiled, &pk, &mut tallies, options, stop)
            .await
            .err(),
    };
    if let (Some(e), true, Ok(_)) = (&failed, stop, &table) {
        return Err(e.clone());
    }
    if let Some(e) = failed {
        for (t, c) in tallies.iter_mut().zip(&compiled) {
            if !matches!(c, Compiled::Local(_)) {
                t.fail_error(e.clone());
            }
        }
    }
    if let Ok(t) = &table {
        if let Err(e) = aggregates(t, &compiled, &mut tallies).await {
            if stop {
                return Err(e);
            }
            for (t, c) in tallies.iter_mut().zip(&compiled) {
                if matches!(c, Compiled::Aggregate(_)) {
                    t.fail_error(e.clone());
                }
            }
        }
        for (i, c) in compiled.iter().enumerate() {
            if let Compiled::Unique(columns) = c
                && let Err(e) = unique(t, columns, columns == &pk, &mut tallies[i]).await
            {
                if stop {
                    return Err(e);
                }
                tallies[i].fail_error(e);
            }
            if let Compiled::ForeignKey(fk) = c
                && let Err(e) = foreign_key(ctx, t, loaded, fk, &pk, &mut tallies[i]).await
            {
                if stop {
                    return Err(e);
                }
                tallies[i].fail_error(e);
            }
        }
    }
    let mut out = Vec::new();
    for (((origin, check), c), t) in planned.into_iter().zip(compiled).zip(tallies) {
        match c {
            Compiled::Local(why) => out.push(Planned::Local {
                name: check.display_name(),
                kind: check.kind.name().to_string(),
                why: unplanned.clone().unwrap_or_else(|| why.to_string()),
            }),
            _ => out.push(Planned::Result(Box::new(result(t, origin, &check)))),
        }
    }
    Ok(out)
}

/// A tally as a result, decided by data: the plans settle nothing from statistics.
fn result(mut t: Tally, origin: CheckOrigin, check: &Check) -> CheckResult {
    t.by_data = 1;
    t.into_result(origin, check)
}

/// The resource's files as one table, with what maps a row back to its file and row group.
struct Table {
    /// The files as one table on the caller's context (a cluster's, or in-process): every
    /// count is answered there.
    df: DataFrame,
    /// A context of this process for the scans that locate failing rows, over only the files
    /// that hold them (`file_row_index()` does not survive a plan's serialisation to a
    /// cluster's executors in DataFusion 55.2). It runs without common subexpression
    /// elimination: the projection it adds for an expression used twice (the value of a
    /// `range`) would sit between the scan and `input_file_name()` / `file_row_index()`, which
    /// only the scan can answer.
    here: SessionContext,
    /// The path or URL of each file, as read.
    paths: Vec<String>,
    /// `input_file_name()` of each file → its index among the resolved files.
    by_name: HashMap<String, usize>,
    files: Vec<ResolvedFile>,
    dir: std::path::PathBuf,
    /// Per file, the first row of each row group, read when a sample needs it.
    row_groups: std::sync::Mutex<HashMap<usize, Vec<u64>>>,
}

async fn table(
    ctx: &SessionContext,
    dir: &std::path::Path,
    files: &[ResolvedFile],
) -> Result<Table, String> {
    if files.is_empty() {
        return Err("not evaluated: the resource's path matches no file".into());
    }
    let mut paths = Vec::new();
    let mut by_name = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        let (text, name) = match &f.remote {
            // `input_file_name()` is the object's path in its store: no scheme, no bucket.
            Some(info) => {
                let (_, key) = assay_storage::split_url(&info.url).map_err(|e| e.to_string())?;
                (info.url.clone(), key)
            }
            // A local file's is its absolute path without the leading slash.
            None => {
                let abs = std::fs::canonicalize(&f.path).map_err(|e| format!("{}: {e}", f.rel))?;
                let text = abs.to_string_lossy().to_string();
                let name = text.trim_start_matches('/').to_string();
                (text, name)
            }
        };
        if by_name.insert(name.clone(), i).is_some() {
            return Err(format!(
                "two files have the same path `{name}` in different stores; DataFusion names a row's file by that path alone"
            ));
        }
        paths.push(text);
    }
    let df = ctx
        .read_parquet(paths.clone(), ParquetReadOptions::default())
        .await
        .map_err(|e| format!("the files cannot be read as one table: {e}"))?;
    // One partition: a file is read in order, so a limit stops its scan early.
    let here = SessionContext::new_with_config_rt(
        datafusion::prelude::SessionConfig::new().with_target_partitions(1),
        runtime_with_stores(dir)?,
    );
    here.remove_optimizer_rule("common_sub_expression_eliminate");
    Ok(Table {
        df,
        here,
        paths,
        by_name,
        files: files.to_vec(),
        dir: dir.to_path_buf(),
        row_groups: Default::default(),
    })
}

/// Runs `f`, which may block (the storage crate's reads), off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| format!("a blocking read failed: {e}"))
}

impl Table {
    /// The row group holding `row` of file `file`, from its footer.
    async fn row_group(&self, file: usize, row: u64) -> Result<u64, String> {
        let known = self
            .row_groups
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&file)
            .cloned();
        let starts = match known {
            Some(s) => s,
            None => {
                let (dir, f) = (self.dir.clone(), self.files[file].clone());
                let starts = blocking(move || -> Result<Vec<u64>, String> {
                    let source = crate::source::Source::open(&dir, &f)?;
                    let meta = crate::footer::load(&source, source.len())
                        .map_err(|e| format!("{}: {e}", f.rel))?;
                    let mut first = 0u64;
                    let mut starts = Vec::new();
                    for rg in meta.metadata().row_groups() {
                        starts.push(first);
                        first += rg.num_rows().max(0) as u64;
                    }
                    Ok(starts)
                })
                .await??;
                self.row_groups
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(file, starts.clone());
                starts
            }
        };
        Ok(starts.partition_point(|s| *s <= row).saturating_sub(1) as u64)
    }

    /// The table with each row's file (`__file`), over every file: what the counts group by.
    fn by_file(&self) -> datafusion::error::Result<DataFrame> {
        let mut select = vec![input_file_name().alias("__file")];
        select.extend(self.df.schema().fields().iter().map(|f| col_of(f.name())));
        self.df.clone().select(select)
    }

    /// The files `chosen` (indexes, in order) read in this process with the whole table's
    /// schema, each row with its file (`__file`) and row in it (`__row`). The two functions
    /// are source dependent: they are answered by the scan, so they are projected right above
    /// it, beside plain columns only.
    async fn located(&self, chosen: &[usize]) -> datafusion::error::Result<DataFrame> {
        let schema = self.df.schema().as_arrow().clone();
        let paths: Vec<String> = chosen.iter().map(|&i| self.paths[i].clone()).collect();
        let df = self
            .here
            .read_parquet(paths, ParquetReadOptions::default().schema(&schema))
            .await?;
        let mut select = vec![
            input_file_name().alias("__file"),
            file_row_index().alias("__row"),
        ];
        select.extend(schema.fields().iter().map(|f| col_of(f.name())));
        df.select(select)
    }

    /// The index of a file by its `input_file_name()`.
    fn index_of(&self, name: &str) -> Result<usize, String> {
        self.by_name
            .get(name.trim_start_matches('/'))
            .copied()
            .ok_or_else(|| format!("a row of an unknown file {name}"))
    }
}

/// A runtime whose object stores are assay's (`assay_storage::Stores` for the folder `dir`):
/// what reads a dataset's objects in this process, and in the cluster's scheduler and
/// executors (`assay-ballista`).
pub fn runtime_with_stores(
    dir: &std::path::Path,
) -> Result<std::sync::Arc<datafusion::execution::runtime_env::RuntimeEnv>, String> {
    datafusion::execution::runtime_env::RuntimeEnvBuilder::new()
        .with_object_store_registry(std::sync::Arc::new(StoresRegistry::for_dir(dir)))
        .build_arc()
        .map_err(|e| e.to_string())
}

/// Local paths from the file system; every other URL from [`assay_storage::Stores`] for the
/// working folder (each cloud's standard variables and its `storage.yaml`), built on first
/// use. Stores come from the environment of the process, never from a query.
#[derive(Debug)]
pub struct StoresRegistry {
    local: std::sync::Arc<object_store::local::LocalFileSystem>,
    dir: std::path::PathBuf,
}

impl StoresRegistry {
    /// The stores of the dataset folder `dir` (its `storage.yaml`, if any, found from there).
    pub fn for_dir(dir: &std::path::Path) -> StoresRegistry {
        StoresRegistry {
            local: std::sync::Arc::new(object_store::local::LocalFileSystem::new()),
            dir: dir.to_path_buf(),
        }
    }
}

impl datafusion::execution::object_store::ObjectStoreRegistry for StoresRegistry {
    fn register_store(
        &self,
        _url: &url::Url,
        _store: std::sync::Arc<dyn object_store::ObjectStore>,
    ) -> Option<std::sync::Arc<dyn object_store::ObjectStore>> {
        None
    }

    fn get_store(
        &self,
        url: &url::Url,
    ) -> datafusion::error::Result<std::sync::Arc<dyn object_store::ObjectStore>> {
        use datafusion::error::DataFusionError;
        if url.scheme() == "file" || url.scheme().is_empty() {
            return Ok(self.local.clone());
        }
        let stores = assay_storage::Stores::for_dir(&self.dir)
            .map_err(|e| DataFusionError::External(e.to_string().into()))?;
        let (store, _) = stores
            .store(url.as_str())
            .map_err(|e| DataFusionError::External(e.to_string().into()))?;
        Ok(store)
    }
}

/// A check compiled against the table's schema.
fn compile(check: &Check, schema: &Schema) -> Compiled {
    let need = |c: &str| {
        schema
            .column_with_name(c)
            .map(|(_, f)| f.data_type().clone())
    };
    let one = |c: &str, fail: Result<Expr, String>| match fail {
        Ok(fail) => Compiled::Rows {
            fail,
            values: vec![c.to_string()],
        },
        Err(_) => Compiled::Local("the column's type has no plan"),
    };
    match &check.kind {
        CheckKind::NotNull(k) => one(&k.column, Ok(col_of(&k.column).is_null())),
        CheckKind::Range(k) => one(&k.column, range(k, need(&k.column))),
        CheckKind::InSet(k) => one(
            &k.column,
            in_set(&k.column, &k.values, false, need(&k.column)),
        ),
        CheckKind::NotInSet(k) => one(
            &k.column,
            in_set(&k.column, &k.values, true, need(&k.column)),
        ),
        CheckKind::Pattern(k) => one(
            &k.column,
            Ok(datafusion::functions::expr_fn::regexp_like(
                cast_expr(col_of(&k.column), DataType::Utf8),
                lit(format!("^(?:{})$", k.pattern)),
                None,
            )
            .not()),
        ),
        CheckKind::Length(k) => one(&k.column, length(k, need(&k.column))),
        CheckKind::Finite(k) => {
            let x = cast_expr(col_of(&k.column), DataType::Float64);
            one(
                &k.column,
                Ok(datafusion::functions::expr_fn::isnan(x.clone())
                    .or(datafusion::functions::expr_fn::abs(x).eq(lit(f64::INFINITY)))),
            )
        }
        CheckKind::Expression(k) => match expression(&k.sql, schema) {
            Ok((fail, values)) => Compiled::Rows { fail, values },
            Err(_) => Compiled::Local("the expression does not plan"),
        },
        CheckKind::RowCount(k) => Compiled::RowCount(k.clone()),
        CheckKind::Freshness(k) => Compiled::Freshness(k.clone()),
        CheckKind::Unique(k) => Compiled::Unique(vec![k.column.clone()]),
        CheckKind::UniqueKey(k) => Compiled::Unique(k.columns.clone()),
        CheckKind::Monotonic(_) | CheckKind::RateOfChange(_) => {
            Compiled::Local("follows rows in file order, which a distributed scan does not keep")
        }
        CheckKind::Change(_) | CheckKind::Anomaly(_) => {
            Compiled::Local("compares with the dataset's history, on the client")
        }
        CheckKind::Aggregate(k) => match k.stat {
            Stat::Min | Stat::Max | Stat::NullFraction | Stat::DistinctCount => {
                Compiled::Aggregate(k.clone())
            }
            // The last bits of a floating-point sum depend on the order it adds in, which a
            // distributed scan does not keep; a quantile needs every value in one place.
            Stat::Sum | Stat::Mean | Stat::Stddev => Compiled::Local(
                "a float sum's last bits depend on the order of addition, which a distributed scan does not keep",
            ),
            Stat::Quantile => Compiled::Local("an exact quantile needs every value in one place"),
        },
        CheckKind::ForeignKey(k) => Compiled::ForeignKey(k.clone()),
    }
}

/// A column by its exact name (no SQL identifier folding).
fn col_of(name: &str) -> Expr {
    Expr::Column(datafusion::common::Column::new_unqualified(name))
}

/// A one-value array as a literal.
fn literal(a: &ArrayRef) -> Result<Expr, String> {
    ScalarValue::try_from_array(a, 0)
        .map(|v| Expr::Literal(v, None))
        .map_err(|e| e.to_string())
}

/// `range`: numbers compared as float64 with -0.0 made 0.0 (as the kernel does) and NaN never
/// failing; other types compared in the column's value type.
fn range(k: &assay_model::check::Range, dt: Option<DataType>) -> Result<Expr, String> {
    let dt = dt.ok_or("no column")?;
    let vt = conformance::value_type(&dt).clone();
    let numeric = vt.is_numeric();
    let x = if numeric {
        cast_expr(col_of(&k.column), DataType::Float64) + lit(0.0f64)
    } else {
        cast_expr(col_of(&k.column), vt.clone())
    };
    let bound = |b: &Scalar| -> Result<Expr, String> {
        let a = bound_array(b, &vt).map_err(|e| e.to_string())?;
        let e = literal(&a)?;
        Ok(if numeric { e + lit(0.0f64) } else { e })
    };
    let mut fail: Option<Expr> = None;
    if let Some(b) = &k.min {
        let b = bound(b)?;
        fail = Some(if k.min_exclusive {
            x.clone().lt_eq(b)
        } else {
            x.clone().lt(b)
        });
    }
    if let Some(b) = &k.max {
        let b = bound(b)?;
        let m = if k.max_exclusive {
            x.clone().gt_eq(b)
        } else {
            x.clone().gt(b)
        };
        fail = Some(match fail {
            Some(f) => f.or(m),
            None => m,
        });
    }
    let fail = fail.ok_or("no bounds")?;
    Ok(if numeric {
        // NaN is evaluated but never fails (`finite` reports it).
        when(datafusion::functions::expr_fn::isnan(x), lit(false))
            .otherwise(fail)
            .map_err(|e| e.to_string())?
    } else {
        fail
    })
}

/// `in_set` / `not_in_set`: the list cast to the column's value type (values that do not cast
/// are left out, as the kernel leaves them out).
fn in_set(
    column: &str,
    values: &[Scalar],
    negate: bool,
    dt: Option<DataType>,
) -> Result<Expr, String> {
    let dt = dt.ok_or("no column")?;
    let vt = conformance::value_type(&dt).clone();
    let list = crate::checks::listed_values(values, &vt)
        .map_err(|e| e.to_string())?
        .iter()
        .map(literal)
        .collect::<Result<Vec<_>, _>>()?;
    let x = cast_expr(col_of(column), vt);
    // In the set fails `not_in_set`; out of it fails `in_set`.
    Ok(x.in_list(list, !negate))
}

/// `length`: characters of strings, bytes of binary values.
fn length(k: &assay_model::check::Length, dt: Option<DataType>) -> Result<Expr, String> {
    let dt = dt.ok_or("no column")?;
    let vt = conformance::value_type(&dt).clone();
    let n = match vt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            datafusion::functions::expr_fn::character_length(col_of(&k.column))
        }
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
            datafusion::functions::expr_fn::octet_length(col_of(&k.column))
        }
        _ => return Err("lists have no plan".into()),
    };
    let n = cast_expr(n, DataType::UInt64);
    let lo = lit(k.min.unwrap_or(0));
    let hi = lit(k.max.unwrap_or(u64::MAX));
    Ok(n.clone().lt(lo).or(n.gt(hi)))
}

/// `expression`: the SQL parsed against the table's columns; it fails where it is false.
fn expression(sql: &str, schema: &Schema) -> Result<(Expr, Vec<String>), String> {
    let (expr, names) = crate::checks::parse_expression(&SessionContext::new(), sql, schema)
        .map_err(|e| e.to_string())?;
    Ok((expr.not(), names))
}

/// The fused scan: every row-level kind's counts, the row count and the newest values in one
/// aggregate; then the samples of each failing row-level check.
async fn run_scan(
    t: &Table,
    compiled: &[Compiled],
    pk: &[String],
    tallies: &mut [Tally],
    options: &Options,
    stop: bool,
) -> Result<(), String> {
    let mut aggs = vec![count(lit(1)).alias("__rows")];
    for (i, c) in compiled.iter().enumerate() {
        match c {
            Compiled::Rows { fail, .. } => {
                aggs.push(count(fail.clone()).alias(format!("__e{i}")));
                aggs.push(
                    count(lit(1))
                        .filter(fail.clone())
                        .build()
                        .map_err(|e| e.to_string())?
                        .alias(format!("__f{i}")),
                );
            }
            Compiled::Freshness(k) => {
                let us = cast_expr(
                    cast_expr(
                        col_of(&k.column),
                        DataType::Timestamp(TimeUnit::Microsecond, None),
                    ),
                    DataType::Int64,
                );
                aggs.push(max(us).alias(format!("__m{i}")));
            }
            _ => {}
        }
    }
    // One row per file: the counts of the files that hold a check's failing rows are what
    // its samples are looked for in.
    let batches = t
        .by_file()
        .and_then(|df| df.aggregate(vec![col("__file")], aggs))
        .map_err(|e| e.to_string())?
        .collect()
        .await
        .map_err(|e| e.to_string())?;
    let per_file = |name: &str| per_file(t, &batches, name);
    let total = |name: &str| -> Result<u64, String> {
        Ok(per_file(name)?.iter().map(|(_, n)| *n as u64).sum())
    };
    let rows = total("__rows")?;
    for (i, c) in compiled.iter().enumerate() {
        match c {
            Compiled::Rows { fail, values } => {
                let tally = &mut tallies[i];
                tally.evaluated = total(&format!("__e{i}"))?;
                let failing = per_file(&format!("__f{i}"))?;
                tally.failing = failing.iter().map(|(_, n)| *n as u64).sum();
                if tally.failing > 0
                    && tally.cap() > 0
                    && let Err(e) = samples(t, fail, values, pk, &failing, tally).await
                {
                    let e = format!("cannot locate the failing rows: {e}");
                    if stop {
                        return Err(e);
                    }
                    tally.fail_error(e);
                }
            }
            Compiled::RowCount(k) => crate::checks::row_count_verdict(&mut tallies[i], k, rows),
            Compiled::Freshness(k) => {
                let newest = per_file(&format!("__m{i}"))?
                    .into_iter()
                    .map(|(_, n)| n)
                    .max();
                crate::checks::freshness_verdict(&mut tallies[i], k, newest, options.now_us);
            }
            _ => {}
        }
    }
    Ok(())
}

/// The non-null values of column `name` of an aggregate grouped by `__file`, with each row's
/// file, in the files' order.
fn per_file(t: &Table, batches: &[RecordBatch], name: &str) -> Result<Vec<(usize, i64)>, String> {
    let mut out = Vec::new();
    for b in batches {
        let Some(a) = b.column_by_name(name) else {
            continue;
        };
        let a = cast(a, &DataType::Int64).map_err(|e| e.to_string())?;
        let a = a.as_primitive::<Int64Type>();
        let files = b.column_by_name("__file").ok_or("no __file")?;
        let files = cast(files, &DataType::Utf8).map_err(|e| e.to_string())?;
        let files = files.as_string::<i32>();
        for i in 0..b.num_rows() {
            if a.is_valid(i) {
                out.push((t.index_of(files.value(i))?, a.value(i)));
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// The value of column `name` in the one row of an aggregate without groups; `None` when it
/// is null.
fn value(batches: &[RecordBatch], name: &str) -> Option<i64> {
    batches
        .iter()
        .filter(|b| b.num_rows() > 0)
        .find_map(|b| b.column_by_name(name))
        .and_then(|a| cast(a, &DataType::Int64).ok())
        .and_then(|a| {
            let a = a.as_primitive::<Int64Type>();
            a.is_valid(0).then(|| a.value(0))
        })
}

/// The first files (in order) of those holding failing rows, `counts` per file, that hold at
/// least `cap` of them together.
fn first_files(counts: &[(usize, i64)], cap: usize) -> Vec<usize> {
    let mut chosen = Vec::new();
    let mut held = 0i64;
    for (file, n) in counts {
        if *n <= 0 {
            continue;
        }
        chosen.push(*file);
        held += n;
        if held >= cap as i64 {
            break;
        }
    }
    chosen
}

/// Samples found per file, kept lowest first over files in resolution order, then rows.
fn absorb_in_order(tally: &mut Tally, mut found: Vec<(usize, u64, Sample)>) {
    found.sort_by_key(|(f, r, _)| (*f, *r));
    tally.absorb_samples(found.into_iter().map(|(_, _, s)| s).collect());
}

/// The first failing rows of a check: per file, the lowest row numbers, at most the cap; then
/// over files in resolution order.
async fn samples(
    t: &Table,
    fail: &Expr,
    values: &[String],
    pk: &[String],
    failing: &[(usize, i64)],
    tally: &mut Tally,
) -> Result<(), String> {
    let cap = tally.cap();
    let mut select = vec![col("__file"), col("__row")];
    for (i, v) in values.iter().enumerate() {
        select.push(col_of(v).alias(format!("__v{i}")));
    }
    for (i, k) in pk.iter().enumerate() {
        select.push(col_of(k).alias(format!("__k{i}")));
    }
    // File by file, each read in order on one partition: the first failing rows are the
    // lowest, and the scan stops once it has them.
    let mut batches = Vec::new();
    let mut found = 0;
    for file in first_files(failing, cap) {
        // Filtered right above the located scan, then projected: a projection of the failing
        // expression would be merged into the one that locates the rows.
        let rows = t
            .located(&[file])
            .await
            .and_then(|df| df.filter(pinned(fail.clone())))
            .and_then(|df| df.select(select.clone()))
            .and_then(|df| df.limit(0, Some(cap - found)))
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        found += rows.iter().map(RecordBatch::num_rows).sum::<usize>();
        batches.extend(rows);
        if found >= cap {
            break;
        }
    }
    absorb_rows(t, &batches, values.len(), pk.len(), None, tally).await
}

/// Failing rows found (`__file`, `__row`, the shown values `__v0…`, the key `__k0…`) as the
/// check's samples, with `note`, in file and row order.
async fn absorb_rows(
    t: &Table,
    batches: &[RecordBatch],
    values: usize,
    keys: usize,
    note: Option<&str>,
    tally: &mut Tally,
) -> Result<(), String> {
    let mut found = Vec::new();
    for b in batches {
        for i in 0..b.num_rows() {
            let (file, row) = locate(t, b, i, ROW)?;
            let render_all = |prefix: &str, n: usize| -> Vec<String> {
                (0..n)
                    .filter_map(|j| b.column_by_name(&format!("{prefix}{j}")))
                    .map(|a| render(a.as_ref(), i))
                    .collect()
            };
            found.push((
                file,
                row,
                Sample {
                    file: t.files[file].rel.clone(),
                    row_group: Some(t.row_group(file, row).await?),
                    row: Some(row),
                    values: render_all("__v", values),
                    key: render_all("__k", keys),
                    note: note.map(str::to_string),
                },
            ));
        }
    }
    absorb_in_order(tally, found);
    Ok(())
}

/// A filter over [`Table::located`] rows kept above the projection that locates them: a filter on
/// plain columns alone would be pushed below it, and the two functions would then no longer
/// sit on the scan that answers them. Reading `__row` holds it in place.
fn pinned(keep: Expr) -> Expr {
    when(col("__row").is_not_null(), keep)
        .otherwise(lit(false))
        .unwrap_or_else(|_| lit(false))
}

/// Rows of `selected`: per file (`__file`), the `cap` lowest `__row`s.
async fn lowest_per_file(
    selected: datafusion::error::Result<DataFrame>,
    cap: usize,
) -> Result<Vec<RecordBatch>, String> {
    use datafusion::functions_window::expr_fn::row_number;
    let n = row_number()
        .partition_by(vec![col("__file")])
        .order_by(vec![col("__row").sort(true, true)])
        .build()
        .map_err(|e| e.to_string())?
        .alias("__n");
    selected
        .and_then(|df| df.window(vec![n]))
        .and_then(|df| df.filter(col("__n").lt_eq(lit(cap as u64))))
        .map_err(|e| e.to_string())?
        .collect()
        .await
        .map_err(|e| e.to_string())
}

/// The file index and row of row `i` of a batch, from its columns `[file, row]` (`__file`
/// and `__row` for the row itself).
fn locate(
    t: &Table,
    b: &RecordBatch,
    i: usize,
    [file, row]: [&str; 2],
) -> Result<(usize, u64), String> {
    let name = b.column_by_name(file).ok_or_else(|| format!("no {file}"))?;
    let name = cast(name, &DataType::Utf8).map_err(|e| e.to_string())?;
    let index = t.index_of(name.as_string::<i32>().value(i))?;
    let row = b.column_by_name(row).ok_or_else(|| format!("no {row}"))?;
    let row = cast(row, &DataType::Int64).map_err(|e| e.to_string())?;
    Ok((index, row.as_primitive::<Int64Type>().value(i) as u64))
}

/// A row's own location.
const ROW: [&str; 2] = ["__file", "__row"];

/// `unique` / `unique_key`: rows whose key (all columns non-null) repeats one seen at a lower
/// location; each sample names where its value was first seen.
async fn unique(
    t: &Table,
    columns: &[String],
    is_pk: bool,
    tally: &mut Tally,
) -> Result<(), String> {
    let cap = tally.cap();
    let non_null = columns
        .iter()
        .map(|c| col_of(c).is_not_null())
        .reduce(Expr::and)
        .ok_or("no key column")?;
    let keys: Vec<Expr> = columns
        .iter()
        .enumerate()
        .map(|(j, c)| col_of(c).alias(format!("__v{j}")))
        .collect();
    // Counted by grouping (`GROUP BY key`, keys with every column set): the rows of all groups
    // are evaluated; a key seen n > 1 times fails n - 1 rows, every row after its first.
    let n = col("__n");
    let counts =
        t.df.clone()
            .filter(non_null.clone())
            .and_then(|df| {
                df.aggregate(
                    columns.iter().map(|c| col_of(c)).collect(),
                    vec![count(lit(1)).alias("__n")],
                )
            })
            .and_then(|df| {
                let repeats = sum(n.clone() - lit(1i64))
                    .filter(n.clone().gt(lit(1i64)))
                    .build()?;
                df.aggregate(
                    vec![],
                    vec![sum(n).alias("__evaluated"), repeats.alias("__failing")],
                )
            })
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
    tally.evaluated = value(&counts, "__evaluated").unwrap_or(0) as u64;
    tally.failing = value(&counts, "__failing").unwrap_or(0) as u64;
    if tally.failing == 0 || cap == 0 {
        return Ok(());
    }
    // The files that hold rows of repeated keys, and how many each, counted where the table is
    // (a join with the repeated keys, which shuffles every key once more): only worth it when
    // there are files to leave out.
    let holding = if t.files.len() == 1 {
        vec![(0, 1)]
    } else {
        let repeated: Vec<Expr> = columns
            .iter()
            .enumerate()
            .map(|(j, c)| col_of(c).alias(format!("__d{j}")))
            .collect();
        let dups =
            t.df.clone()
                .filter(non_null.clone())
                .and_then(|df| {
                    df.aggregate(
                        columns.iter().map(|c| col_of(c)).collect(),
                        vec![count(lit(1)).alias("__n")],
                    )
                })
                .and_then(|df| df.filter(col("__n").gt(lit(1i64))))
                .and_then(|df| df.select(repeated))
                .map_err(|e| e.to_string())?;
        let on: Vec<Expr> = columns
            .iter()
            .enumerate()
            .map(|(j, c)| col_of(c).eq(col(format!("__d{j}"))))
            .collect();
        let per_file_batches = t
            .by_file()
            .and_then(|df| df.filter(non_null.clone()))
            .and_then(|df| df.join_on(dups, datafusion::common::JoinType::Inner, on))
            .and_then(|df| df.aggregate(vec![col("__file")], vec![count(lit(1)).alias("__c")]))
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
        per_file(t, &per_file_batches, "__c")?
    };
    // The samples: the files holding repeated keys read in order, each on one partition, as
    // the kernel reads them: a row whose key was seen before is a repeat, named with where it
    // was first seen; the read stops at the `cap`-th. A repeated key's first sighting is in one
    // of these files, so nothing else needs reading.
    let found = unique_samples(t, &holding, columns, &non_null, &keys, cap).await?;
    let found = found
        .into_iter()
        .map(|(file, row, first_index, first_row, values)| {
            (
                file,
                row,
                Sample {
                    file: t.files[file].rel.clone(),
                    row_group: None,
                    row: Some(row),
                    key: if is_pk { values.clone() } else { vec![] },
                    values,
                    note: Some(format!(
                        "first seen at {} row {first_row}",
                        t.files[first_index].rel
                    )),
                },
            )
        })
        .collect();
    absorb_in_order(tally, found);
    Ok(())
}

/// A repeat of a key: its file and row, where the key was first seen (file and row), and the
/// key's values.
type Repeat = (usize, u64, usize, u64, Vec<String>);

/// The first `cap` repeats of a key, reading the files `holding` (with rows of repeated keys)
/// in order.
async fn unique_samples(
    t: &Table,
    holding: &[(usize, i64)],
    columns: &[String],
    non_null: &Expr,
    keys: &[Expr],
    cap: usize,
) -> Result<Vec<Repeat>, String> {
    use arrow::row::{RowConverter, SortField};
    use futures::StreamExt;
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let mut first: HashMap<Box<[u8]>, (usize, u64)> = HashMap::new();
    let mut converter: Option<RowConverter> = None;
    let mut found = Vec::new();
    for &(file, _) in holding.iter().filter(|(_, n)| *n > 0) {
        let mut select = vec![col("__row")];
        select.extend(keys.iter().cloned());
        let mut stream = t
            .located(&[file])
            .await
            .and_then(|df| df.filter(pinned(non_null.clone())))
            .and_then(|df| df.select(select))
            .map_err(|e| err(&e))?
            .execute_stream()
            .await
            .map_err(|e| err(&e))?;
        while let Some(b) = stream.next().await {
            let b = b.map_err(|e| err(&e))?;
            let values: Vec<ArrayRef> = (0..columns.len())
                .map(|j| b.column_by_name(&format!("__v{j}")).cloned())
                .collect::<Option<_>>()
                .ok_or("no key column")?;
            if converter.is_none() {
                let fields = values
                    .iter()
                    .map(|a| SortField::new(a.data_type().clone()))
                    .collect();
                converter = Some(RowConverter::new(fields).map_err(|e| err(&e))?);
            }
            let Some(conv) = converter.as_ref() else {
                continue;
            };
            let rows = conv.convert_columns(&values).map_err(|e| err(&e))?;
            let at = b.column_by_name("__row").ok_or("no __row")?;
            let at = cast(at, &DataType::Int64).map_err(|e| err(&e))?;
            let at = at.as_primitive::<Int64Type>();
            for i in 0..b.num_rows() {
                let row = at.value(i) as u64;
                match first.entry(Box::from(rows.row(i).as_ref())) {
                    std::collections::hash_map::Entry::Occupied(seen) => {
                        let (first_file, first_row) = *seen.get();
                        let shown = values.iter().map(|a| render(a.as_ref(), i)).collect();
                        found.push((file, row, first_file, first_row, shown));
                        if found.len() >= cap {
                            return Ok(found);
                        }
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert((file, row));
                    }
                }
            }
        }
    }
    Ok(found)
}

/// `foreign_key`: the referencing columns, cast to the target's key types (a value that does
/// not cast is not evaluated, as a null), are looked up among the target's keys (rows whose
/// key columns are all set): an anti-join, counted per file where the table is. The samples'
/// anti-join reads the target's keys in this process, and only when something fails.
async fn foreign_key(
    ctx: &SessionContext,
    t: &Table,
    loaded: &LoadedManifest,
    fk: &assay_model::check::ForeignKey,
    pk: &[String],
    tally: &mut Tally,
) -> Result<(), String> {
    match foreign_key_target(ctx, loaded, fk).await {
        Ok((parent, types)) => foreign_key_rows(t, fk, pk, tally, parent, types).await,
        // The target's faults are the check's, as in the kernel, not the run's.
        Err(e) => {
            tally.fail_error(e);
            Ok(())
        }
    }
}

/// The target of a foreign key as a table, and its key columns' types (a dictionary's values
/// as themselves).
async fn foreign_key_target(
    ctx: &SessionContext,
    loaded: &LoadedManifest,
    fk: &assay_model::check::ForeignKey,
) -> Result<(Table, Vec<DataType>), String> {
    let name = &fk.reference.resource;
    let (owned, target) = (loaded.clone(), name.clone());
    let files = blocking(move || crate::checks::foreign_key_files(&owned, &target)).await??;
    let parent = table(ctx, &loaded.dir, &files)
        .await
        .map_err(|e| format!("foreign key target `{name}`: {e}"))?;
    let mut types = Vec::new();
    for c in &fk.reference.columns {
        let (_, f) = parent
            .df
            .schema()
            .as_arrow()
            .column_with_name(c)
            .ok_or_else(|| format!("column `{c}` missing from the foreign key target `{name}`"))?;
        types.push(match f.data_type() {
            DataType::Dictionary(_, v) => v.as_ref().clone(),
            t => t.clone(),
        });
    }
    Ok((parent, types))
}

/// The referencing rows of a foreign key against its target's keys.
async fn foreign_key_rows(
    t: &Table,
    fk: &assay_model::check::ForeignKey,
    pk: &[String],
    tally: &mut Tally,
    parent: Table,
    types: Vec<DataType>,
) -> Result<(), String> {
    let name = &fk.reference.resource;
    let keys = |df: DataFrame| -> datafusion::error::Result<DataFrame> {
        let select: Vec<Expr> = fk
            .reference
            .columns
            .iter()
            .zip(&types)
            .enumerate()
            .map(|(j, (c, ty))| cast_expr(col_of(c), ty.clone()).alias(format!("__t{j}")))
            .collect();
        let set = (0..types.len())
            .map(|j| col(format!("__t{j}")).is_not_null())
            .reduce(Expr::and)
            .unwrap_or(lit(true));
        df.select(select)?.filter(set)?.distinct()
    };
    let referencing: Vec<Expr> = fk
        .columns
        .iter()
        .zip(&types)
        .enumerate()
        .map(|(j, (c, ty))| try_cast(col_of(c), ty.clone()).alias(format!("__v{j}")))
        .collect();
    let set = (0..types.len())
        .map(|j| col(format!("__v{j}")).is_not_null())
        .reduce(Expr::and)
        .ok_or("no key column")?;
    let cast_set = fk
        .columns
        .iter()
        .zip(&types)
        .map(|(c, ty)| try_cast(col_of(c), ty.clone()).is_not_null())
        .reduce(Expr::and)
        .ok_or("no key column")?;
    let on = |n: usize| -> Vec<Expr> {
        (0..n)
            .map(|j| col(format!("__v{j}")).eq(col(format!("__t{j}"))))
            .collect()
    };
    let missing = |df: DataFrame, parent: DataFrame| -> datafusion::error::Result<DataFrame> {
        df.join_on(
            keys(parent)?,
            datafusion::common::JoinType::LeftAnti,
            on(types.len()),
        )
    };
    let mut select = vec![col("__file")];
    select.extend(referencing.iter().cloned());
    let evaluated_rows = t
        .by_file()
        .and_then(|df| df.select(select))
        .and_then(|df| df.filter(set.clone()))
        .map_err(|e| e.to_string())?;
    let count_per_file = |df: DataFrame| async move {
        df.aggregate(vec![col("__file")], vec![count(lit(1)).alias("__c")])
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())
    };
    let evaluated = count_per_file(evaluated_rows.clone()).await?;
    tally.evaluated = per_file(t, &evaluated, "__c")?
        .iter()
        .map(|(_, n)| *n as u64)
        .sum();
    let failing_batches =
        count_per_file(missing(evaluated_rows, parent.df.clone()).map_err(|e| e.to_string())?)
            .await?;
    let failing = per_file(t, &failing_batches, "__c")?;
    tally.failing = failing.iter().map(|(_, n)| *n as u64).sum();
    let cap = tally.cap();
    if tally.failing == 0 || cap == 0 {
        return Ok(());
    }
    // The samples: the first files' failing rows, against the target's keys read here.
    let mut select = vec![col("__file"), col("__row")];
    select.extend(referencing);
    for (i, k) in pk.iter().enumerate() {
        select.push(col_of(k).alias(format!("__k{i}")));
    }
    let here_parent = parent
        .here
        .read_parquet(
            parent.paths.clone(),
            ParquetReadOptions::default().schema(parent.df.schema().as_arrow()),
        )
        .await
        .map_err(|e| e.to_string())?;
    let located = t
        .located(&first_files(&failing, cap))
        .await
        // Every cast key set, filtered where the rows are located (see `pinned`).
        .and_then(|df| df.filter(pinned(cast_set)))
        .and_then(|df| df.select(select))
        .and_then(|df| missing(df, here_parent));
    let batches = lowest_per_file(located, cap).await?;
    let note = format!("not found in `{name}`");
    absorb_rows(t, &batches, types.len(), pk.len(), Some(&note), tally).await
}

/// The `aggregate` checks whose statistic does not depend on the order rows are read in, in
/// one aggregate over the table: `min`, `max` (of the values as float64, NaN left out unless
/// there is nothing else), `null_fraction` and `distinct_count`.
async fn aggregates(t: &Table, compiled: &[Compiled], tallies: &mut [Tally]) -> Result<(), String> {
    use datafusion::functions_aggregate::expr_fn::{count_distinct, min};
    let mut aggs = vec![count(lit(1)).alias("__rows")];
    let mut any = false;
    for (i, c) in compiled.iter().enumerate() {
        let Compiled::Aggregate(k) = c else {
            continue;
        };
        any = true;
        let x = try_cast(col_of(&k.column), DataType::Float64);
        let not_nan = datafusion::functions::expr_fn::isnan(x.clone()).not();
        let filtered = |e: Expr| -> Result<Expr, String> {
            e.filter(not_nan.clone()).build().map_err(|e| e.to_string())
        };
        match k.stat {
            assay_model::check::Stat::Min => {
                aggs.push(filtered(min(x.clone()))?.alias(format!("__a{i}")));
                aggs.push(count(x).alias(format!("__n{i}")));
            }
            assay_model::check::Stat::Max => {
                aggs.push(filtered(max(x.clone()))?.alias(format!("__a{i}")));
                aggs.push(count(x).alias(format!("__n{i}")));
            }
            assay_model::check::Stat::NullFraction => aggs.push(
                count(lit(1))
                    .filter(col_of(&k.column).is_null())
                    .build()
                    .map_err(|e| e.to_string())?
                    .alias(format!("__a{i}")),
            ),
            assay_model::check::Stat::DistinctCount => {
                aggs.push(count_distinct(col_of(&k.column)).alias(format!("__a{i}")))
            }
            _ => {}
        }
    }
    if !any {
        return Ok(());
    }
    let batches =
        t.df.clone()
            .aggregate(vec![], aggs)
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
    let float = |name: &str| -> Option<f64> {
        batches
            .iter()
            .filter(|b| b.num_rows() > 0)
            .find_map(|b| b.column_by_name(name))
            .and_then(|a| cast(a, &DataType::Float64).ok())
            .and_then(|a| {
                let a = a.as_primitive::<arrow::datatypes::Float64Type>();
                a.is_valid(0).then(|| a.value(0))
            })
    };
    let rows = value(&batches, "__rows").unwrap_or(0);
    for (i, c) in compiled.iter().enumerate() {
        let Compiled::Aggregate(k) = c else {
            continue;
        };
        let v = match k.stat {
            assay_model::check::Stat::Min | assay_model::check::Stat::Max => {
                match (
                    float(&format!("__a{i}")),
                    value(&batches, &format!("__n{i}")),
                ) {
                    (Some(v), _) => Some(v),
                    // Only NaN: the kernel's answer.
                    (None, Some(n)) if n > 0 => Some(f64::NAN),
                    _ => None,
                }
            }
            assay_model::check::Stat::NullFraction => (rows > 0)
                .then(|| value(&batches, &format!("__a{i}")).unwrap_or(0) as f64 / rows as f64),
            _ => Some(value(&batches, &format!("__a{i}")).unwrap_or(0) as f64),
        };
        crate::checks::aggregate_verdict(&mut tallies[i], k, v);
    }
    Ok(())
}
