//! `assay split`.

use anyhow::Result;
use assay_model::FieldRegistry;
use assay_validate::split::{SplitOptions, split};

use crate::cli::SplitArgs;
use crate::exit::Status;

pub fn run(registry: &FieldRegistry, args: SplitArgs) -> Result<Status> {
    let loaded = match super::load_dataset(&args.dataset, registry) {
        Ok(l) => l,
        Err(status) => return Ok(status),
    };
    let ratios: [f64; 3] = match args.ratios.as_slice() {
        [a, b, c] => [*a, *b, *c],
        other => {
            eprintln!(
                "error: --ratios takes three shares (train, validation, test), not {}",
                other.len()
            );
            return Ok(Status::Invalid);
        }
    };
    if args.out.is_absolute()
        || args
            .out
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        eprintln!(
            "error: --out {} must be a folder inside the dataset (a relative path without `..`)",
            args.out.display()
        );
        return Ok(Status::Invalid);
    }
    let options = SplitOptions {
        resource: args.resource,
        by: args.by,
        time: args.time,
        label: args.label,
        ratios,
        seed: args.seed,
        out: args.out,
        memory_limit: args.memory_limit,
    };
    match split(&loaded, &options) {
        Ok(w) => {
            for (name, path, rows) in &w.files {
                eprintln!("wrote {path}: {rows} rows ({})", name.as_str());
            }
            if w.dropped > 0 {
                eprintln!(
                    "left out {} validation and test row(s) that repeat an earlier split's features",
                    w.dropped
                );
            }
            eprintln!("add to {}:", loaded.path.display());
            print!("{}", w.yaml);
            Ok(Status::Success)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(if e.contains("cannot read") || e.contains("corrupt") {
                Status::Unreadable
            } else {
                Status::Invalid
            })
        }
    }
}
