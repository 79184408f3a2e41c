//! The catalog index as a table: `index.parquet` of a published site, and SQL over it with
//! DataFusion (`assay query`).

use std::sync::Arc;

use arrow::array::Array;
use arrow::array::{ArrayRef, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow::datatypes::{Field, Schema};
use assay_model::index::CatalogIndex;
use datafusion::datasource::MemTable;
use datafusion::prelude::SessionContext;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// One row per dataset: the identity, field, ownership and quality columns of `index.json`.
/// Lists (licenses, keywords, upstream datasets) are joined with `, `.
pub fn index_batch(index: &CatalogIndex) -> Result<RecordBatch, String> {
    let d = &index.datasets;
    let text = |f: &dyn Fn(&assay_model::index::IndexEntry) -> String| -> ArrayRef {
        Arc::new(StringArray::from_iter_values(d.iter().map(f)))
    };
    let num = |f: &dyn Fn(&assay_model::index::IndexEntry) -> u64| -> ArrayRef {
        Arc::new(UInt64Array::from_iter_values(d.iter().map(f)))
    };
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("name", text(&|e| e.name.clone())),
        ("title", text(&|e| e.title.clone().unwrap_or_default())),
        ("version", text(&|e| e.version.clone())),
        ("field", text(&|e| e.field.clone())),
        ("field_name_en", text(&|e| e.field_name_en.clone())),
        ("field_name_zh", text(&|e| e.field_name_zh.clone())),
        ("sector", text(&|e| e.sector.clone())),
        ("owner", text(&|e| e.owner.clone().unwrap_or_default())),
        ("licenses", text(&|e| e.licenses.join(", "))),
        ("sensitivity", text(&|e| e.sensitivity.clone())),
        ("keywords", text(&|e| e.keywords.join(", "))),
        ("digest", text(&|e| e.digest.clone())),
        (
            "status",
            text(&|e| {
                serde_json::to_value(e.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            }),
        ),
        (
            "score",
            Arc::new(Float64Array::from_iter_values(d.iter().map(|e| e.score))),
        ),
        ("grade", text(&|e| format!("{:?}", e.grade))),
        ("last_validated", text(&|e| e.last_validated.clone())),
        ("files", num(&|e| e.resources.iter().map(|r| r.files).sum())),
        ("rows", num(&|e| e.resources.iter().map(|r| r.rows).sum())),
        ("bytes", num(&|e| e.resources.iter().map(|r| r.bytes).sum())),
        ("checks", num(&|e| e.checks.total)),
        ("checks_failed", num(&|e| e.checks.failed)),
        ("checks_warned", num(&|e| e.checks.warned)),
        ("checks_errors", num(&|e| e.checks.errors)),
        ("derived_from", text(&|e| e.derived_from.join(", "))),
        ("path", text(&|e| e.path.clone())),
    ];
    let schema = Arc::new(Schema::new(
        columns
            .iter()
            .map(|(n, a)| Field::new(*n, a.data_type().clone(), false))
            .collect::<Vec<_>>(),
    ));
    RecordBatch::try_new(schema, columns.into_iter().map(|(_, a)| a).collect())
        .map_err(|e| e.to_string())
}

/// `index.parquet`'s bytes.
pub fn index_parquet(index: &CatalogIndex) -> Result<Vec<u8>, String> {
    let batch = index_batch(index)?;
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), None).map_err(|e| e.to_string())?;
    w.write(&batch).map_err(|e| e.to_string())?;
    w.close().map_err(|e| e.to_string())?;
    Ok(out)
}

/// A query's result: column names, and each row's values as text (`None` for null).
pub type Rows = (Vec<String>, Vec<Vec<Option<String>>>);

/// Runs `sql` over a site's `index.parquet`, registered as the table `datasets`.
pub fn query(index_parquet: &std::path::Path, sql: &str) -> Result<Rows, String> {
    let file = std::fs::File::open(index_parquet)
        .map_err(|e| format!("{}: {e}", index_parquet.display()))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| e.to_string())?
        .build()
        .map_err(|e| e.to_string())?;
    let batches: Vec<RecordBatch> = reader
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => Arc::new(Schema::new(Vec::<Field>::new())),
    };
    let table = MemTable::try_new(schema, vec![batches]).map_err(|e| e.to_string())?;
    let ctx = SessionContext::new();
    ctx.register_table("datasets", Arc::new(table))
        .map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    let results = runtime.block_on(async {
        let df = ctx.sql(sql).await?;
        df.collect().await
    });
    let results = results.map_err(|e| e.to_string())?;
    let names: Vec<String> = results
        .first()
        .map(|b| {
            b.schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect()
        })
        .unwrap_or_default();
    let mut rows = Vec::new();
    for b in &results {
        for r in 0..b.num_rows() {
            rows.push(
                b.columns()
                    .iter()
                    .map(|c| {
                        (!c.is_null(r)).then(|| {
                            arrow::util::display::array_value_to_string(c, r).unwrap_or_default()
                        })
                    })
                    .collect(),
            );
        }
    }
    Ok((names, rows))
}
