//! Checks as DataFusion plans: a resource's checks compiled into logical plans built only from
//! DataFusion's built-in functions, so that any DataFusion engine (a `SessionContext` here, a
//! Ballista cluster's stock executors) can run them, and the answers mapped into the same
//! [`CheckResult`]s as the local engine's.
//!
//! - **Row-level kinds** (`not_null`, `range`, `in_set`, `not_in_set`, `pattern`, `length`,
//!   `finite`, `expression`) each become one expression that is true where a row fails, false
//!   where it passes and null where it is not evaluated. All of a resource's go into one
//!   aggregate over one scan: `count(fail)` rows evaluated, `count(*) FILTER (WHERE fail)`
//!   failing.
//! - **`row_count`** is `count(*)` and **`freshness`** `max` of the column, in the same scan.
//! - **`unique` / `unique_key`** are `GROUP BY key` with `count(*) - 1` summed where it is
//!   above 0 (`HAVING count(*) > 1`); their samples a window over the key in file and row
//!   order, and only when something repeats.
//! - **Samples** are a second, targeted scan per failing check: `WHERE fail`, the lowest row
//!   numbers of each file first (`row_number() OVER (PARTITION BY input_file_name() ORDER BY
//!   file_row_index())`), at most `samples` per file, ordered over files as the resource's files
//!   are resolved. A row's row group comes from the file's footer.
//!
//! What is not compiled says why ([`Planned::Local`]): kinds that follow rows in file order
//! (`monotonic`, `rate_of_change`), that compare with the dataset's history (`change`,
//! `anomaly`), and those not compiled yet.

use std::collections::HashMap;
use std::ops::Not;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type, Schema, TimeUnit};
use assay_model::check::{Check, CheckKind};
use assay_model::paths::ResolvedFile;
use assay_model::report::{CheckOrigin, CheckResult, Sample};
use assay_model::{LoadedManifest, Resource, Scalar};
use datafusion::common::ScalarValue;
use datafusion::dataframe::DataFrame;
use datafusion::functions::core::expr_fn::{file_row_index, input_file_name};
use datafusion::functions_aggregate::expr_fn::{count, max, sum};
use datafusion::logical_expr::{Expr, ExprFunctionExt, cast as cast_expr, col, lit, when};
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
        why: &'static str,
    },
}

/// A resource's planned checks, in the local engine's order (the `schema` check, which is read
/// from the footers, is not among them).
#[derive(Debug)]
pub struct PlannedResource {
    /// The resource.
    pub name: String,
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
    Local(&'static str),
}

/// Evaluates every resource check of `loaded` (or of `options.resource`) as DataFusion plans on
/// `ctx`. Files are read where `ctx` reads them (local paths here).
pub async fn evaluate(
    ctx: &SessionContext,
    loaded: &LoadedManifest,
    options: &Options,
) -> Result<Vec<PlannedResource>, crate::Error> {
    let mut out = Vec::new();
    for r in &loaded.manifest.resources {
        if options.resource.as_ref().is_some_and(|n| n != &r.name) {
            continue;
        }
        let (files, _) = assay_storage::resolve(&loaded.dir, &r.path.patterns())
            .map_err(crate::Error::Storage)?;
        out.push(PlannedResource {
            name: r.name.clone(),
            checks: evaluate_resource(ctx, r, &files, options).await,
        });
    }
    Ok(out)
}

/// One resource's checks.
async fn evaluate_resource(
    ctx: &SessionContext,
    r: &Resource,
    files: &[ResolvedFile],
    options: &Options,
) -> Vec<Planned> {
    let planned = plan::plan(r);
    let table = table(ctx, files).await;
    let pk = crate::engine::resource::key_columns(r);
    let empty = Schema::empty();
    let schema = table.as_ref().map_or(&empty, |t| t.df.schema().as_arrow());
    let compiled: Vec<Compiled> = planned
        .iter()
        .map(|(_, check)| compile(check, schema))
        .collect();
    let mut tallies: Vec<Tally> = planned
        .iter()
        .map(|_| Tally::new(options.samples))
        .collect();
    // A table that cannot be read, or a fused scan that fails, is every compiled check's error
    // (`fail_error` keeps a check's own first reason).
    let failed = match &table {
        Err(e) => Some(e.clone()),
        Ok(t) => run_scan(t, &compiled, &pk, &mut tallies, options)
            .await
            .err(),
    };
    if let Some(e) = failed {
        for (t, c) in tallies.iter_mut().zip(&compiled) {
            if !matches!(c, Compiled::Local(_)) {
                t.fail_error(e.clone());
            }
        }
    }
    if let Ok(t) = &table {
        for (i, c) in compiled.iter().enumerate() {
            if let Compiled::Unique(columns) = c
                && let Err(e) = unique(t, columns, columns == &pk, &mut tallies[i]).await
            {
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
                why,
            }),
            _ => out.push(Planned::Result(Box::new(result(t, origin, &check)))),
        }
    }
    out
}

/// A tally as a result, decided by data: the plans settle nothing from statistics.
fn result(mut t: Tally, origin: CheckOrigin, check: &Check) -> CheckResult {
    t.by_data = 1;
    t.into_result(origin, check)
}

/// The resource's files as one table, with what maps a row back to its file and row group.
struct Table {
    df: DataFrame,
    /// The same files for the scans that locate rows, read by a context without common
    /// subexpression elimination: the projection it adds for an expression used twice (the
    /// value of a `range`) would sit between the scan and `input_file_name()` /
    /// `file_row_index()`, which only the scan can answer.
    locating: DataFrame,
    /// `input_file_name()` of each file → its index among the resolved files.
    by_name: HashMap<String, usize>,
    files: Vec<String>,
    /// Per file, the first row of each row group.
    row_groups: Vec<Vec<u64>>,
}

async fn table(ctx: &SessionContext, files: &[ResolvedFile]) -> Result<Table, String> {
    if files.is_empty() {
        return Err("not evaluated: the resource's path matches no file".into());
    }
    let mut paths = Vec::new();
    let mut by_name = HashMap::new();
    let mut row_groups = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if f.remote.is_some() {
            return Err(format!(
                "{}: files in object storage are read by a cluster's executors, not here",
                f.rel
            ));
        }
        let abs = std::fs::canonicalize(&f.path).map_err(|e| format!("{}: {e}", f.rel))?;
        let file = std::fs::File::open(&abs).map_err(|e| format!("{}: {e}", f.rel))?;
        let len = file
            .metadata()
            .map_err(|e| format!("{}: {e}", f.rel))?
            .len();
        let meta = crate::footer::load(&file, len).map_err(|e| format!("{}: {e}", f.rel))?;
        let mut first = 0u64;
        let mut starts = Vec::new();
        for rg in meta.metadata().row_groups() {
            starts.push(first);
            first += rg.num_rows().max(0) as u64;
        }
        row_groups.push(starts);
        let text = abs.to_string_lossy().to_string();
        // `input_file_name()` is the object-store path: no scheme, no leading slash.
        by_name.insert(text.trim_start_matches('/').to_string(), i);
        paths.push(text);
    }
    let df = ctx
        .read_parquet(paths, ParquetReadOptions::default())
        .await
        .map_err(|e| format!("the files cannot be read as one table: {e}"))?;
    // The same plan (and table, its schema already read) in a copy of the context.
    let locating = SessionContext::new_with_state(ctx.state());
    locating.remove_optimizer_rule("common_sub_expression_eliminate");
    let locating = DataFrame::new(locating.state(), df.logical_plan().clone());
    Ok(Table {
        df,
        locating,
        by_name,
        files: files.iter().map(|f| f.rel.clone()).collect(),
        row_groups,
    })
}

impl Table {
    /// The row group holding `row` of file `file`.
    fn row_group(&self, file: usize, row: u64) -> u64 {
        let starts = &self.row_groups[file];
        starts.partition_point(|s| *s <= row).saturating_sub(1) as u64
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
        CheckKind::Aggregate(_) => Compiled::Local("not compiled yet"),
        CheckKind::ForeignKey(_) => Compiled::Local("not compiled yet"),
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
    let batches =
        t.df.clone()
            .aggregate(vec![], aggs)
            .map_err(|e| e.to_string())?
            .collect()
            .await
            .map_err(|e| e.to_string())?;
    let int = |name: &str| value(&batches, name);
    let rows = int("__rows").unwrap_or(0) as u64;
    for (i, c) in compiled.iter().enumerate() {
        match c {
            Compiled::Rows { fail, values } => {
                let tally = &mut tallies[i];
                tally.evaluated = int(&format!("__e{i}")).unwrap_or(0) as u64;
                tally.failing = int(&format!("__f{i}")).unwrap_or(0) as u64;
                if tally.failing > 0
                    && tally.cap() > 0
                    && let Err(e) = samples(t, fail, values, pk, tally).await
                {
                    tally.fail_error(format!("cannot locate the failing rows: {e}"));
                }
            }
            Compiled::RowCount(k) => crate::checks::row_count_verdict(&mut tallies[i], k, rows),
            Compiled::Freshness(k) => {
                let newest = int(&format!("__m{i}"));
                crate::checks::freshness_verdict(&mut tallies[i], k, newest, options.now_us);
            }
            _ => {}
        }
    }
    Ok(())
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
    // Filtered right above the located scan, then projected: a projection of the failing
    // expression would be merged into the one that locates the rows.
    let failing = located(t)
        .and_then(|df| df.filter(pinned(fail.clone())))
        .and_then(|df| df.select(select));
    let batches = lowest_per_file(failing, cap).await?;
    let mut found = Vec::new();
    for b in &batches {
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
                    file: t.files[file].clone(),
                    row_group: Some(t.row_group(file, row)),
                    row: Some(row),
                    values: render_all("__v", values.len()),
                    key: render_all("__k", pk.len()),
                    note: None,
                },
            ));
        }
    }
    absorb_in_order(tally, found);
    Ok(())
}

/// The table with each row's file (`__file`) and row in it (`__row`). The two functions are
/// source dependent: they are answered by the scan, so they are projected right above it,
/// beside plain columns only.
fn located(t: &Table) -> datafusion::error::Result<DataFrame> {
    let mut select = vec![
        input_file_name().alias("__file"),
        file_row_index().alias("__row"),
    ];
    select.extend(
        t.locating
            .schema()
            .fields()
            .iter()
            .map(|f| col_of(f.name())),
    );
    t.locating.clone().select(select)
}

/// A filter over [`located`] rows kept above the projection that locates them: a filter on
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
    let name = name.as_string::<i32>().value(i);
    let index = *t
        .by_name
        .get(name.trim_start_matches('/'))
        .ok_or_else(|| format!("a row of an unknown file {name}"))?;
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
    use datafusion::functions_window::expr_fn::{first_value, row_number};
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
    let key_cols: Vec<Expr> = (0..columns.len()).map(|j| col(format!("__v{j}"))).collect();
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
    // The samples: per key in file and row order, every row after the first, with where the
    // first was.
    let mut select = vec![col("__file"), col("__row")];
    select.extend(keys);
    let located = located(t)
        .and_then(|df| df.filter(pinned(non_null)))
        .and_then(|df| df.select(select))
        .map_err(|e| e.to_string())?;
    let order = vec![
        col("__file").sort(true, true),
        col("__row").sort(true, true),
    ];
    let w = |e: Expr| {
        e.partition_by(key_cols.clone())
            .order_by(order.clone())
            .build()
            .map_err(|e| e.to_string())
    };
    let ranked = located
        .window(vec![
            w(row_number())?.alias("__seen"),
            w(first_value(col("__file")))?.alias("__first_file"),
            w(first_value(col("__row")))?.alias("__first_row"),
        ])
        .and_then(|df| df.filter(col("__seen").gt(lit(1u64))))
        .and_then(|df| df.drop_columns(&["__seen"]))
        .map_err(|e| e.to_string())?;
    let batches = lowest_per_file(Ok(ranked), cap).await?;
    let mut found = Vec::new();
    for b in &batches {
        for i in 0..b.num_rows() {
            let (file, row) = locate(t, b, i, ROW)?;
            let (first_index, first_row) = locate(t, b, i, ["__first_file", "__first_row"])?;
            let values: Vec<String> = (0..columns.len())
                .filter_map(|j| b.column_by_name(&format!("__v{j}")))
                .map(|a| render(a.as_ref(), i))
                .collect();
            found.push((
                file,
                row,
                Sample {
                    file: t.files[file].clone(),
                    row_group: None,
                    row: Some(row),
                    key: if is_pk { values.clone() } else { vec![] },
                    values,
                    note: Some(format!(
                        "first seen at {} row {first_row}",
                        t.files[first_index]
                    )),
                },
            ));
        }
    }
    absorb_in_order(tally, found);
    Ok(())
}
