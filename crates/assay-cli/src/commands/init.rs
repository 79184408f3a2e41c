//! `assay init`.

use anyhow::Result;
use assay_model::FieldRegistry;
use assay_validate::draft::{DraftOptions, draft};
use assay_validate::profile::ProfileOptions;

use crate::cli::InitArgs;
use crate::exit::Status;

pub fn run(registry: &FieldRegistry, args: InitArgs) -> Result<Status> {
    if !args.dir.is_dir() {
        eprintln!("error: {} is not a folder", args.dir.display());
        return Ok(Status::Invalid);
    }
    if registry.get(&args.field).is_none() {
        eprintln!(
            "error: `{}` is not a field code of the registry\n  hint: `assay fields` lists them; `assay fields <word>` searches",
            args.field
        );
        return Ok(Status::Invalid);
    }
    let target = args.dir.join("dataset.yaml");
    if let Some(existing) = assay_model::MANIFEST_FILE_NAMES
        .iter()
        .map(|n| args.dir.join(n))
        .find(|p| p.exists())
        && !args.force
    {
        eprintln!(
            "error: {} exists; nothing was written\n  hint: pass --force to replace it",
            existing.display()
        );
        return Ok(Status::Invalid);
    }
    let name = match super::dataset_name(&args.dir, args.name.as_deref()) {
        Ok(n) => n,
        Err(s) => return Ok(s),
    };
    let (now_us, _) = match super::validate::reference_time(args.now.as_deref()) {
        Ok(t) => t,
        Err(s) => return Ok(s),
    };
    let mut profile = ProfileOptions::default();
    if let Some(j) = args.jobs {
        profile.jobs = j.max(1);
    }
    let drafted = match draft(
        &args.dir,
        &DraftOptions {
            name,
            field: args.field.clone(),
            now_us,
            profile,
        },
    ) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            // No Parquet files at all is a usage problem; anything else is unreadable data.
            return Ok(if e.starts_with("no .parquet files") {
                Status::Invalid
            } else {
                Status::Unreadable
            });
        }
    };
    let text = format!(
        "{}{}",
        assay_model::schema::modeline(&args.dir),
        drafted.text
    );
    assay_integrity::lock::write_atomic(&target, text.as_bytes())?;
    // `.assay/` holds the run history and the redaction key: never committed.
    let ignore = args.dir.join(".gitignore");
    let existing = std::fs::read_to_string(&ignore).unwrap_or_default();
    if !existing
        .lines()
        .any(|l| matches!(l.trim(), ".assay" | ".assay/" | "/.assay/"))
    {
        let mut text = existing;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("# assay: run history and the redaction key stay on this machine\n.assay/\n");
        assay_integrity::lock::write_atomic(&ignore, text.as_bytes())?;
    }
    let checks = text
        .lines()
        .filter(|l| l.trim_start().starts_with("- {check:"))
        .count();
    println!(
        "wrote {} with {checks} suggested check(s); review it, then `assay lint` and `assay validate`",
        target.display()
    );
    if !drafted.flags.is_empty() {
        println!("flagged {} thing(s) in the data:", drafted.flags.len());
        for f in &drafted.flags {
            println!("  {f}");
        }
    }
    Ok(Status::Success)
}
