//! `assay import` and `assay export --to frictionless`.

use anyhow::Result;
use assay_interop::frictionless::{ImportOptions, import as from_package, to_yaml};
use assay_model::FieldRegistry;

use super::load_dataset;
use crate::cli::{ExportArgs, ExportTarget, ImportArgs};
use crate::exit::Status;

pub fn import(registry: &FieldRegistry, args: ImportArgs) -> Result<Status> {
    if registry.get(&args.field).is_none() {
        eprintln!(
            "error: `{}` is not a field code of the registry\n  hint: `assay fields` lists them",
            args.field
        );
        return Ok(Status::Invalid);
    }
    let text = match std::fs::read_to_string(&args.package) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}: {e}", args.package.display());
            return Ok(Status::Invalid);
        }
    };
    let package: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {}: not JSON: {e}", args.package.display());
            return Ok(Status::Invalid);
        }
    };
    let mut options = ImportOptions::new(args.field.clone());
    options.name = args.name.clone();
    let imported = match from_package(&package, &options) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {}: {e}", args.package.display());
            return Ok(Status::Invalid);
        }
    };
    let out = args.out.clone().unwrap_or_else(|| {
        args.package
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."))
            .join("dataset.yaml")
    });
    if out.exists() && !args.force {
        eprintln!(
            "error: {} exists; nothing was written\n  hint: pass --force to replace it",
            out.display()
        );
        return Ok(Status::Invalid);
    }
    let yaml = to_yaml(&imported.manifest, &imported.notes);
    assay_integrity::lock::write_atomic(&out, yaml.as_bytes())?;
    for n in &imported.notes {
        eprintln!("note: {}: {n}", args.package.display());
    }
    println!(
        "wrote {} ({} resource(s)); {} note(s) on what did not map exactly, also kept as comments in the file",
        out.display(),
        imported.manifest.resources.len(),
        imported.notes.len()
    );
    Ok(Status::Success)
}

pub fn export(registry: &FieldRegistry, args: ExportArgs) -> Result<Status> {
    let loaded = match load_dataset(&args.dataset, registry) {
        Ok(l) => l,
        Err(s) => return Ok(s),
    };
    let ExportTarget::Frictionless = args.to;
    // The files each resource's paths match, listed in the package (other tools do not
    // expand globs).
    let files: std::collections::BTreeMap<String, Vec<String>> = loaded
        .manifest
        .resources
        .iter()
        .map(|r| {
            let (found, _) = assay_model::paths::resolve(&loaded.dir, &r.path.patterns());
            (r.name.clone(), found.into_iter().map(|f| f.rel).collect())
        })
        .collect();
    let (package, notes) = assay_interop::frictionless::export_with_files(&loaded.manifest, &files);
    let text = super::pretty_json(&package)?;
    super::write_output(args.out.as_deref(), &text)?;
    if !args.quiet {
        for n in &notes {
            eprintln!("note: {n}");
        }
    }
    Ok(Status::Success)
}
