//! `assay profile`.

use std::io::Write;

use anyhow::Result;
use assay_validate::profile::{ProfileOptions, profile};

use crate::cli::{ListFormat, ProfileArgs};
use crate::exit::Status;

pub fn run(args: ProfileArgs) -> Result<Status> {
    let files = match assay_validate::profile::find_files(&args.paths) {
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
