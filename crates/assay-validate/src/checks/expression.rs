//! `expression`: a SQL boolean planned once per file by DataFusion against the file's column
//! types, and evaluated per batch on just the columns it names.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray};
use arrow::compute::not;
use arrow::datatypes::{Field, Schema};
use arrow::record_batch::{RecordBatch, RecordBatchOptions};
use assay_model::check::Expression;
use datafusion::physical_plan::PhysicalExpr;

use super::{Batch, Failing, FileCx, RowCheck};
use crate::checks::CheckError;
use crate::conformance;
use crate::engine::values::plain;

pub(crate) struct ExpressionCheck(pub Expression);

/// The expression planned for one file: the columns it reads and the physical expression.
pub(crate) struct Planned {
    sql: String,
    names: Vec<String>,
    expr: Arc<dyn PhysicalExpr>,
}

impl RowCheck for ExpressionCheck {
    type File = Planned;

    fn prepare(&self, cx: &FileCx) -> Result<Planned, CheckError> {
        let (names, expr) = plan(&self.0.sql, cx.schema)?;
        Ok(Planned {
            sql: self.0.sql.clone(),
            names,
            expr,
        })
    }

    fn columns(&self, p: &Planned) -> Vec<String> {
        p.names.clone()
    }

    fn fails(p: &Planned, batch: &Batch) -> Result<Failing, CheckError> {
        let sql = &p.sql;
        let mut fields = Vec::new();
        let mut arrays = Vec::new();
        for n in &p.names {
            let a = plain(batch.column(n)?)?;
            fields.push(Field::new(n, a.data_type().clone(), true));
            arrays.push(a);
        }
        let rows = batch.batch.num_rows();
        let sub = RecordBatch::try_new_with_options(
            Arc::new(Schema::new(fields)),
            arrays.clone(),
            &RecordBatchOptions::new().with_row_count(Some(rows)),
        )?;
        let out: ArrayRef = p
            .expr
            .evaluate(&sub)
            .and_then(|v| v.into_array(sub.num_rows()))
            .map_err(|e| format!("expression `{sql}`: {e}"))?;
        let Some(b) = out.as_boolean_opt() else {
            return Err(format!("expression `{sql}` is {}, not a boolean", out.data_type()).into());
        };
        let mask = not(b)?;
        Ok(Failing {
            mask,
            values: arrays,
            note: None,
        })
    }
}

/// `sql` parsed against `schema`, and the columns it refers to (sorted, each once); for the
/// kernel here and for the plans (`crate::plans`).
pub(crate) fn parse(
    ctx: &datafusion::prelude::SessionContext,
    sql: &str,
    schema: &Schema,
) -> Result<(datafusion::logical_expr::Expr, Vec<String>), CheckError> {
    let full = datafusion::common::DFSchema::try_from(schema.clone())?;
    let expr = ctx
        .parse_sql_expr(sql, &full)
        .map_err(|e| format!("expression `{sql}`: {e}"))?;
    let mut names: Vec<String> = expr.column_refs().iter().map(|c| c.name.clone()).collect();
    names.sort();
    names.dedup();
    Ok((expr, names))
}

/// Plans `sql` against a file's columns: the columns it refers to and the physical expression.
///
/// The SQL is parsed against every column of the file (value types), so functions, literals
/// and quoted names resolve as DataFusion resolves them; then planned against just the columns
/// the expression refers to, which is all a row group decodes.
pub(crate) fn plan(
    sql: &str,
    schema: &Schema,
) -> Result<(Vec<String>, Arc<dyn PhysicalExpr>), CheckError> {
    let plain_schema = Schema::new(
        schema
            .fields()
            .iter()
            .map(|f| {
                Field::new(
                    f.name(),
                    conformance::value_type(f.data_type()).clone(),
                    true,
                )
            })
            .collect::<Vec<_>>(),
    );
    let ctx = datafusion::prelude::SessionContext::new();
    let (expr, names) = parse(&ctx, sql, &plain_schema)?;
    let fields: Vec<Field> = names
        .iter()
        .filter_map(|n| plain_schema.field_with_name(n).ok().cloned())
        .collect();
    let sub = datafusion::common::DFSchema::try_from(Schema::new(fields))?;
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
    Ok((names, phys))
}
