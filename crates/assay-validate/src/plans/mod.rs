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
use datafusion::functions_aggregate::expr_fn::{count, max};
use datafusion::logical_expr::{Expr, ExprFunctionExt, cast as cast_expr, col, lit, when};
use datafusion::prelude::SessionContext;

mod across;
mod table;

use across::{aggregates, foreign_key, unique};
pub use table::{StoresRegistry, runtime_with_stores};
use table::{Table, blocking, table};

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
