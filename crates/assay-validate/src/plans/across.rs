//! Checks across rows: `unique` / `unique_key` (grouped by key), `foreign_key` (an
//! anti-join) and the `aggregate` statistics that do not depend on row order.

use std::collections::HashMap;
use std::ops::Not;

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Int64Type};
use assay_model::LoadedManifest;
use assay_model::report::Sample;
use datafusion::dataframe::DataFrame;
use datafusion::functions_aggregate::expr_fn::{count, max, sum};
use datafusion::logical_expr::{Expr, ExprFunctionExt, cast as cast_expr, col, lit, try_cast};
use datafusion::prelude::{ParquetReadOptions, SessionContext};

use super::table::{Table, blocking, table};
use super::{
    Compiled, absorb_in_order, absorb_rows, col_of, first_files, lowest_per_file, per_file, pinned,
    value,
};
use crate::engine::tally::Tally;
use crate::engine::values::render;

/// `unique` / `unique_key`: rows whose key (all columns non-null) repeats one seen at a lower
/// location; each sample names where its value was first seen.
pub(super) async fn unique(
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
pub(super) async fn foreign_key(
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
pub(super) async fn aggregates(
    t: &Table,
    compiled: &[Compiled],
    tallies: &mut [Tally],
) -> Result<(), String> {
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
