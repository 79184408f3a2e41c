//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    Validate {
        /// The manifest (dataset.yaml / dataset.json) or the dataset folder holding it.
        dataset: PathBuf,
        /// Validate only this resource.
        #[arg(long)]
        resource: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// Write the report to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Failing rows kept per check.
        #[arg(long, default_value_t = 10)]
        samples: usize,
        /// Warning-level failures fail the run too (exit 1).
        #[arg(long)]
        strict: bool,
        /// Reference time for freshness checks (RFC 3339); default: now.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// Record the run time in the report (off by default: same inputs, same bytes).
        #[arg(long)]
        timestamps: bool,
        /// Row groups decoded at once (default: the number of cores).
        #[arg(long, value_name = "N")]
        jobs: Option<usize>,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
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
