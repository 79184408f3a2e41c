//! One module per subcommand; each returns the exit status.

use anyhow::{Context, Result};
use assay_model::FieldRegistry;

use crate::cli::{Cli, Command};
use crate::exit::Status;

mod fields;
mod lint;
mod validate;

pub fn run(cli: Cli) -> Result<Status> {
    let registry = match &cli.registry {
        Some(path) => FieldRegistry::from_path(path)
            .with_context(|| format!("loading the field registry {}", path.display()))?,
        None => FieldRegistry::embedded(),
    };
    match cli.command {
        Command::Fields {
            query,
            sector,
            format,
        } => fields::run(&registry, query.as_deref(), sector.as_deref(), format),
        Command::Lint {
            paths,
            strict,
            format,
        } => lint::run(&registry, &paths, strict, format),
        Command::Validate(args) => validate::run(&registry, args),
    }
}
