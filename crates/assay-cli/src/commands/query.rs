//! `assay query`.

use std::io::Write;

use anyhow::Result;

use crate::cli::{ListFormat, QueryArgs};
use crate::exit::Status;

pub fn run(args: QueryArgs) -> Result<Status> {
    let path = args.site.join("index.parquet");
    if !path.is_file() {
        eprintln!(
            "error: {} is missing\n  hint: publish the catalog first: assay publish catalog --out {}",
            path.display(),
            args.site.display()
        );
        return Ok(Status::Invalid);
    }
    let (names, rows) = match assay_validate::catalog_table::query(&path, &args.sql) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            let doc: Vec<serde_json::Map<String, serde_json::Value>> = rows
                .iter()
                .map(|r| {
                    names
                        .iter()
                        .zip(r)
                        .map(|(n, v)| {
                            (
                                n.clone(),
                                v.clone().map_or(serde_json::Value::Null, Into::into),
                            )
                        })
                        .collect()
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        ListFormat::Text => {
            let mut widths: Vec<usize> = names.iter().map(|n| n.chars().count()).collect();
            for r in &rows {
                for (w, v) in widths.iter_mut().zip(r) {
                    *w = (*w).max(v.as_deref().unwrap_or("").chars().count());
                }
            }
            let line = |cells: Vec<&str>| {
                cells
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}", w = *w))
                    .collect::<Vec<_>>()
                    .join("  ")
                    .trim_end()
                    .to_string()
            };
            writeln!(out, "{}", line(names.iter().map(String::as_str).collect()))?;
            for r in &rows {
                writeln!(
                    out,
                    "{}",
                    line(r.iter().map(|v| v.as_deref().unwrap_or("")).collect())
                )?;
            }
            writeln!(out, "({} row(s))", rows.len())?;
        }
    }
    Ok(Status::Success)
}
