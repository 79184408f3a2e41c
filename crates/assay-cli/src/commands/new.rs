//! `assay new`: a field's standard as the starting manifest of a new dataset.

use anyhow::Result;
use assay_model::FieldRegistry;
use assay_model::standards::{self, Standard};

use crate::cli::NewArgs;
use crate::exit::Status;

pub fn run(registry: &FieldRegistry, args: NewArgs) -> Result<Status> {
    let Some(field) = registry.get(&args.field) else {
        let similar = registry.suggest(&args.field);
        eprintln!(
            "error: `{}` is not a field code of the registry\n  hint: {}",
            args.field,
            if similar.is_empty() {
                "`assay fields` lists them; `assay fields <word>` searches".to_string()
            } else {
                format!("similar codes: {}", similar.join(", "))
            }
        );
        return Ok(Status::Invalid);
    };
    let Some(standard) = standards::get(&field.code) else {
        eprintln!("error: field {} has no standard yet", field.code);
        return Ok(Status::Invalid);
    };
    if let Some(existing) = assay_model::MANIFEST_FILE_NAMES
        .iter()
        .map(|n| args.dir.join(n))
        .find(|p| p.exists())
    {
        eprintln!(
            "error: {} exists; nothing was written\n  hint: `assay new` starts a dataset; pick a new folder",
            existing.display()
        );
        return Ok(Status::Invalid);
    }
    if args.dir.exists() && !args.dir.is_dir() {
        eprintln!("error: {} is not a folder", args.dir.display());
        return Ok(Status::Invalid);
    }
    let from_path = args
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase());
    let name_arg = args
        .name
        .clone()
        .or(if args.dir.exists() { None } else { from_path });
    let name = match super::dataset_name(&args.dir, name_arg.as_deref()) {
        Ok(n) => n,
        Err(s) => return Ok(s),
    };
    let reference = match standard.manifest() {
        Ok(m) => m,
        Err(e) => {
            eprintln!(
                "error: the built-in standard of {} does not parse: {e}",
                field.code
            );
            return Ok(Status::Invalid);
        }
    };
    let text = match standards::new_manifest(standard, &name) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(Status::Invalid);
        }
    };
    std::fs::create_dir_all(&args.dir)?;
    let target = args.dir.join("dataset.yaml");
    let text = format!("{}{text}", assay_model::schema::modeline(&args.dir));
    assay_integrity::lock::write_atomic(&target, text.as_bytes())?;
    let columns: usize = reference
        .resources
        .iter()
        .map(|r| r.schema.fields.len())
        .sum();
    let checks: usize = reference.resources.iter().map(|r| r.checks.len()).sum();
    let todos = text.matches(standards::TODO).count();
    println!(
        "wrote {} from the {} standard v{} ({}): {} resource(s), {columns} columns, {checks} checks",
        target.display(),
        field.code,
        Standard::major(&reference),
        reference.name,
        reference.resources.len(),
    );
    println!("next:");
    println!("  1. fill in the {todos} places marked {}", standards::TODO);
    for (i, r) in reference.resources.iter().enumerate() {
        println!(
            "  {}. put the Parquet files of `{}` at {} (or change its `path`)",
            i + 2,
            r.name,
            r.path.patterns().join(", ")
        );
    }
    println!(
        "  {}. assay lint {d}  then  assay validate {d}",
        reference.resources.len() + 2,
        d = args.dir.display()
    );
    Ok(Status::Success)
}
