//! `assay profile`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use assay_validate::profile::{ProfileOptions, profile};

use crate::cli::{ListFormat, ProfileArgs};
use crate::exit::Status;

/// The Parquet files named or found under folders, sorted, each once.
fn files(paths: &[PathBuf]) -> Result<Vec<(String, PathBuf)>, String> {
    let mut out = std::collections::BTreeMap::new();
    for p in paths {
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p)
                .follow_links(false)
                .sort_by_file_name()
            {
                let e = e.map_err(|e| e.to_string())?;
                if e.file_type().is_file() && e.file_name().to_string_lossy().ends_with(".parquet")
                {
                    out.insert(e.path().display().to_string(), e.into_path());
                }
            }
        } else if p.exists() {
            out.insert(p.display().to_string(), p.clone());
        } else {
            return Err(format!("{}: no such file or folder", p.display()));
        }
    }
    Ok(out.into_iter().collect())
}

pub fn run(args: ProfileArgs) -> Result<Status> {
    let files = match files(&args.paths) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!("error: no .parquet files found");
            return Ok(Status::Invalid);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    let mut options = ProfileOptions {
        exact_limit: args.exact_limit.max(1),
        ..Default::default()
    };
    if let Some(j) = args.jobs {
        options.jobs = j.max(1);
    }
    let p = match profile(&files, &options) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(if e.contains("schema differs") {
                Status::Invalid
            } else {
                Status::Unreadable
            });
        }
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            let mut doc = serde_json::to_value(&p)?;
            if let Some(o) = doc.as_object_mut() {
                o.insert("schema_version".into(), 1.into());
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        ListFormat::Text => {
            writeln!(out, "{} file(s), {} rows", p.files.len(), p.rows)?;
            let rows: Vec<[String; 7]> = p
                .columns
                .iter()
                .map(|c| {
                    let distinct = c
                        .distinct
                        .map(|d| format!("{}{}", if d.estimated { "~" } else { "" }, d.count))
                        .unwrap_or_default();
                    let range = match (&c.min, &c.max) {
                        (Some(a), Some(b)) => format!("{a} .. {b}"),
                        _ => String::new(),
                    };
                    let stats = match (c.mean, c.stddev) {
                        (Some(m), Some(s)) => format!("mean {m:.4} sd {s:.4}"),
                        (Some(m), None) => format!("mean {m:.4}"),
                        _ => c
                            .length
                            .map(|(a, b)| format!("length {a}..{b}"))
                            .unwrap_or_default(),
                    };
                    let notes = c
                        .patterns
                        .iter()
                        .map(|p| format!("{} {:.1}%", p.kind, p.fraction * 100.0))
                        .chain(c.monotonic.clone())
                        .chain(
                            c.top_values
                                .first()
                                .map(|t| format!("top {} ({})", t.value, t.count)),
                        )
                        .collect::<Vec<_>>()
                        .join("; ");
                    [
                        c.name.clone(),
                        c.data_type.clone(),
                        c.null_count
                            .map_or_else(|| "?".to_string(), |n| n.to_string()),
                        distinct,
                        range,
                        stats,
                        notes,
                    ]
                })
                .collect();
            let header = [
                "COLUMN",
                "TYPE",
                "NULLS",
                "DISTINCT",
                "MIN .. MAX",
                "STATS",
                "NOTES",
            ];
            let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
            for r in &rows {
                for (w, cell) in widths.iter_mut().zip(r.iter()) {
                    *w = (*w).max(cell.chars().count().min(48));
                }
            }
            let line = |cells: Vec<&str>| -> String {
                let mut s = String::from(" ");
                for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
                    let cell: String = cell.chars().take(48).collect();
                    if i + 1 == cells.len() {
                        s.push_str(&format!(" {cell}"));
                    } else {
                        s.push_str(&format!(" {cell:<w$}", w = *w));
                    }
                }
                s.trim_end().to_string()
            };
            writeln!(out, "{}", line(header.to_vec()))?;
            for r in &rows {
                writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
            }
            if !p.candidate_keys.is_empty() {
                writeln!(
                    out,
                    "candidate keys: {}",
                    p.candidate_keys
                        .iter()
                        .map(|k| k.join(" + "))
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
            }
            writeln!(
                out,
                "~ marks an estimated distinct count (HyperLogLog); quantiles in --format json are approximate"
            )?;
        }
    }
    Ok(Status::Success)
}
