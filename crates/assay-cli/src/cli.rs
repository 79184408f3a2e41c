//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Catalog and validator for high-quality industrial datasets.
#[derive(Debug, Parser)]
#[command(name = "assay", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Field registry CSV to use instead of the one built in (same columns as catalog/fields.csv).
    #[arg(long, global = true, value_name = "FILE", env = "ASSAY_REGISTRY")]
    pub registry: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// Output formats for listings and diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Human-readable text.
    Text,
    /// JSON on stdout.
    Json,
}

/// Arguments of `assay validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The manifest (dataset.yaml / dataset.json) or the dataset folder holding it.
    pub dataset: PathBuf,
    /// Validate only this resource.
    #[arg(long)]
    pub resource: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ReportFormat,
    /// Write the report to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Failing rows kept per check.
    #[arg(long, default_value_t = 10)]
    pub samples: usize,
    /// Warning-level failures fail the run too (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// Reference time for freshness checks (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Record the run time in the report (off by default: same inputs, same bytes).
    #[arg(long)]
    pub timestamps: bool,
    /// Row groups decoded at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Memory budget (`1GiB`, `512MiB`, `200MB`, bytes). Unique and foreign-key checks
    /// spill sorted runs to disk past a quarter of it.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = parse_size)]
    pub memory_limit: u64,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A summary table for people.
    Text,
    /// The JSON report (schemas/report.schema.json).
    Json,
    /// JUnit XML: one test case per check, for CI systems.
    Junit,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the 100 industrial fields, show one, or filter by English or Chinese name.
    Fields {
        /// A field code (`IF-C341`) to show one field, or text to filter names (`bearing`, `机器人`).
        query: Option<String>,
        /// Only fields of this sector (e.g. `equipment_manufacturing`).
        #[arg(long)]
        sector: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Validate a dataset's Parquet files against its manifest: schema, constraints and checks.
    Validate(ValidateArgs),
    /// Check manifests for every problem: syntax, schema and semantic rules.
    Lint {
        /// Manifest files, or folders searched for dataset.yaml / dataset.json.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Resource globs that match no file are errors, not warnings.
        #[arg(long)]
        strict: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
}

/// Parses a byte size: a number with an optional unit (B, KB, MB, GB, KiB, MiB, GiB; case-insensitive).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` is not a size like 512MiB or 2GB"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use B, KB, MB, GB, KiB, MiB, GiB)"
            ));
        }
    };
    let bytes = n * mult;
    if !(1.0..1e18).contains(&bytes) {
        return Err(format!("`{text}` is out of range"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("200MB"), Ok(200_000_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5XB").is_err());
        assert!(parse_size("0").is_err());
    }
}
