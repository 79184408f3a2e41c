//! `assay import` (a Frictionless package or an ODCS contract) and `assay export --to
//! frictionless|odcs`.

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
    // An ODCS contract (YAML or JSON, `kind: DataContract`), or a Frictionless package (JSON).
    let contract = assay_model::source::parse(text.as_bytes())
        .ok()
        .map(|d| d.value)
        .filter(|v| v.get("kind").and_then(|k| k.as_str()) == Some("DataContract"));
    if let Some(contract) = contract {
        return import_odcs(&args, &contract);
    }
    let package: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "error: {}: not a Frictionless package (JSON) nor an ODCS contract (`kind: DataContract`): {e}",
                args.package.display()
            );
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
    let Some(out) = import_target(&args) else {
        return Ok(Status::Invalid);
    };
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

/// Where an import writes: `--out`, or `dataset.yaml` beside the input. `None` (after saying
/// so) when that file exists and `--force` was not given.
fn import_target(args: &ImportArgs) -> Option<std::path::PathBuf> {
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
        return None;
    }
    Some(out)
}

fn import_odcs(args: &ImportArgs, contract: &serde_json::Value) -> Result<Status> {
    let mut imported = match assay_interop::odcs::import(contract, &args.field) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {}: {e}", args.package.display());
            return Ok(Status::Invalid);
        }
    };
    if let Some(name) = &args.name
        && let Some(o) = imported.document.as_object_mut()
    {
        o.insert("name".into(), name.clone().into());
    }
    let resources = imported.document["resources"]
        .as_array()
        .map_or(0, |r| r.len());
    if resources == 0 {
        eprintln!(
            "error: {}: the contract describes no table (a schema object with properties); nothing was written",
            args.package.display()
        );
        return Ok(Status::Invalid);
    }
    let Some(out) = import_target(args) else {
        return Ok(Status::Invalid);
    };
    let yaml = assay_interop::frictionless::document_to_yaml(&imported.document, &imported.notes);
    assay_integrity::lock::write_atomic(&out, yaml.as_bytes())?;
    for n in &imported.notes {
        eprintln!("note: {}: {n}", args.package.display());
    }
    println!(
        "wrote {} ({resources} resource(s)) from an ODCS contract; {} note(s) on what did not map (kept under `x-odcs`, also as comments in the file)",
        out.display(),
        imported.notes.len()
    );
    Ok(Status::Success)
}

pub fn export(registry: &FieldRegistry, args: ExportArgs) -> Result<Status> {
    let loaded = match load_dataset(&args.dataset, registry) {
        Ok(l) => l,
        Err(s) => return Ok(s),
    };
    if args.to == ExportTarget::Odcs {
        let extras = loaded.source.value.get("x-odcs");
        let (contract, notes) = assay_interop::odcs::export(&loaded.manifest, extras);
        let yaml = assay_interop::frictionless::document_to_yaml(&contract, &[]);
        super::write_output(args.out.as_deref(), &yaml)?;
        if !args.quiet {
            for n in &notes {
                eprintln!("note: {n}");
            }
        }
        return Ok(Status::Success);
    }
    // The files each resource's paths match, listed in the package (other tools do not
    // expand globs).
    let files: std::collections::BTreeMap<String, Vec<String>> = loaded
        .manifest
        .resources
        .iter()
        .map(|r| {
            let (found, _) =
                assay_storage::resolve(&loaded.dir, &r.path.patterns()).unwrap_or_default();
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
