//! `assay profile`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use assay_validate::profile::{ProfileOptions, profile};

use crate::cli::{ListFormat, ProfileArgs};
use crate::exit::Status;

/// The Parquet files named or found under folders, sorted, each once.
fn files(paths: &[PathBuf]) -> Result<Vec<(String, PathBuf)>, String> {
    let mut out = std::collections::BTreeMap::new();
    for p in paths {
        let text = p.to_string_lossy();
        if assay_model::paths::is_remote(&text) {
            // Objects in a store: a URL, a glob, or a prefix ending in `/` (every Parquet
            // object under it), with the credentials of docs/storage.md.
            let pattern = if text.ends_with('/') {
                format!("{text}**/*.parquet")
            } else {
                text.to_string()
            };
            let (found, problems) =
                assay_storage::resolve(Path::new("."), &[&pattern]).map_err(|e| e.to_string())?;
            if let Some(problem) = problems.first() {
                return Err(problem.to_string());
            }
            for f in found {
                out.insert(f.rel.clone(), f.path);
            }
        } else if p.is_dir() {
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
    let tables = match assay_validate::profile::tables(&files) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Unreadable);
        }
    };
    let mut profiles = Vec::with_capacity(tables.len());
    for files in &tables {
        match profile(files, &options) {
            Ok(p) => profiles.push(p),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(Status::Unreadable);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            // One table: the profile itself. Several: `tables`, one profile each.
            let mut doc = if let [p] = profiles.as_slice() {
                serde_json::to_value(p)?
            } else {
                serde_json::json!({ "tables": profiles })
            };
            if let Some(o) = doc.as_object_mut() {
                o.insert("schema_version".into(), 1.into());
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        }
        ListFormat::Text => {
            for (i, p) in profiles.iter().enumerate() {
                if profiles.len() > 1 {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    writeln!(
                        out,
                        "table {} of {} (files of one schema):",
                        i + 1,
                        profiles.len()
                    )?;
                }
                write!(out, "{}", assay_report::profile::render_text(p))?;
            }
        }
    }
    Ok(Status::Success)
}
