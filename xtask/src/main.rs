//! Repository chores. `cargo xtask <task>`:
//!
//! - `schemas`: regenerate `schemas/*.schema.json` from the Rust types;
//! - `fixtures`: regenerate the example catalog's Parquet files and the test fixtures'
//!   Parquet files, deterministically (same bytes on every run).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

mod cases;
mod fixtures;

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask lives in the workspace")?
        .to_path_buf();
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "schemas" => schemas(&root),
        "fixtures" => fixtures::generate(&root),
        _ => bail!("usage: cargo xtask <schemas|fixtures>"),
    }
}

fn schemas(root: &Path) -> Result<()> {
    for (name, text) in assay_model::schema::all_schemas() {
        let path: PathBuf = root.join("schemas").join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
