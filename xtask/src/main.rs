//! Repository chores. `cargo xtask <task>`:
//!
//! - `schemas`: regenerate `schemas/*.schema.json` from the Rust types;
//! - `fixtures`: regenerate the example catalog's Parquet files and the test fixtures'
//!   Parquet files, deterministically (same bytes on every run);
//! - `bench-data [DIR] [ROWS]`: the validation benchmark's sensor table (see `bench/`); with
//!   `KEYS=random`, `FILES=N` or `SORTED=1` in the environment, issue 18's variants;
//! - `decode-floor FILE COL...`: time a plain arrow-rs decode of those columns;
//! - `sha-floor [FILE...]`: the sha2 crate's single-core speed, in memory and over files;
//! - `gen-catalog DIR N`: a synthetic catalog of N tiny datasets across the 100 fields;
//! - `bench-search SITE`: in-process search latency over 1,000 varied queries.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

mod bearing;
mod bench;
mod cases;
mod fixtures;
mod hostile;
mod ml_cases;
mod scale;
mod standards;

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask lives in the workspace")?
        .to_path_buf();
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "schemas" => schemas(&root),
        "fixtures" => fixtures::generate(&root),
        "standards" => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            if args.iter().any(|a| a == "--list") {
                standards::write_list(&root)
            } else {
                standards::generate(&root, &args)
            }
        }
        "bench-data" => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            let dir = args
                .first()
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join("bench/data"));
            let rows = match args.get(1) {
                Some(n) => n.parse().context("ROWS must be a number")?,
                None => 20_000_000,
            };
            bench::bench_data(&dir, rows, bench::variant_from_env())
        }
        "bearing" => {
            let dir = std::env::args()
                .nth(2)
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join("target/bearing"));
            bearing::write(&dir).map_err(anyhow::Error::msg)?;
            println!("wrote {}", dir.join("vibration.parquet").display());
            Ok(())
        }
        "hostile" => {
            let dir = std::env::args()
                .nth(2)
                .map(PathBuf::from)
                .unwrap_or_else(|| root.join("bench/data/hostile"));
            hostile::generate(&dir)
        }
        "decode-floor" => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            let Some((file, cols)) = args.split_first() else {
                bail!("usage: cargo xtask decode-floor FILE COLUMN...");
            };
            bench::decode_floor(Path::new(file), cols)
        }
        "gen-catalog" => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            let (Some(dir), Some(n)) = (args.first(), args.get(1)) else {
                bail!("usage: cargo xtask gen-catalog DIR N");
            };
            scale::gen_catalog(Path::new(dir), n.parse().context("N must be a number")?)
        }
        "bench-search" => {
            let Some(site) = std::env::args().nth(2) else {
                bail!("usage: cargo xtask bench-search SITE");
            };
            scale::bench_search(Path::new(&site))
        }
        "sha-floor" => {
            let args: Vec<String> = std::env::args().skip(2).collect();
            bench::sha_floor(&args)
        }
        _ => bail!(
            "usage: cargo xtask <schemas|fixtures|bearing [DIR]|bench-data [DIR] [ROWS]|decode-floor FILE COL...|sha-floor [FILE...]>"
        ),
    }
}

fn schemas(root: &Path) -> Result<()> {
    let mut all = assay_model::schema::all_schemas();
    all.push((
        "search-index.schema.json",
        assay_model::schema::to_pretty(&assay_catalog::search_index_schema()),
    ));
    for (name, text) in all {
        let path: PathBuf = root.join("schemas").join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
