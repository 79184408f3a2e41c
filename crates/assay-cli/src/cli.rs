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
    /// spill to disk past a share of it (half for integer keys, a quarter for others).
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = parse_size)]
    pub memory_limit: u64,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write the run as OpenLineage events (JSON Lines: START, then COMPLETE or FAIL).
    #[arg(long, value_name = "FILE")]
    pub openlineage: Option<PathBuf>,
    /// OpenLineage: derive the run id from the inputs and use the reference time (`--now`) as
    /// the event time, so the same inputs give the same events.
    #[arg(long, requires = "openlineage")]
    pub deterministic: bool,
    /// OpenLineage namespace of the job and the dataset.
    #[arg(long, default_value = "assay", value_name = "NAME")]
    pub namespace: String,
    /// Do not append this run's metrics to the dataset's history (`.assay/history/`).
    #[arg(long)]
    pub no_history: bool,
    /// Read and hash every byte of objects in a store, as for local files, so the report has
    /// their sha256 (by default only the footers and the column chunks the checks need are
    /// fetched; docs/storage.md).
    #[arg(long)]
    pub hash: bool,
    /// Read and check every file, without the cache of per-file results kept by earlier runs
    /// (docs/storage.md, "Caching").
    #[arg(long)]
    pub no_cache: bool,
    /// The cache's folder (default: $ASSAY_CACHE_DIR, else $XDG_CACHE_HOME/assay, else
    /// ~/.cache/assay).
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    /// Recognise an unchanged local file by its path, size, modification time and inode, as an
    /// object in a store is by its ETag, instead of hashing it (a change that keeps all four
    /// is not seen).
    #[arg(long, conflicts_with = "no_cache")]
    pub quick: bool,
    /// Show values of personal and non-public columns in JSON, JUnit, SARIF, GitHub and
    /// OpenLineage output (redacted by default: they leave the machine).
    #[arg(long, conflicts_with = "redact")]
    pub reveal: bool,
    /// Redact values of personal and non-public columns in the text output too.
    #[arg(long)]
    pub redact: bool,
    /// Run the checks on an Apache DataFusion Ballista cluster: `df://HOST:PORT`, its
    /// scheduler. Its executors read the files from the object store (docs/scale.md).
    #[arg(long, value_name = "URL")]
    pub cluster: Option<String>,
}

/// Arguments of `assay lock`.
#[derive(Debug, Args)]
pub struct LockArgs {
    /// Manifests, dataset folders, or catalog folders (every dataset under them).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Files hashed at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Arguments of `assay verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Manifests, dataset folders, catalog folders, or BagIt bags written by `assay pack`.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Compare sizes and footers only, without hashing (a change inside the data can pass).
    #[arg(long)]
    pub quick: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    /// Files hashed at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Lineage output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LineageFormat {
    /// An indented tree.
    Text,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// The graph and its problems as JSON.
    Json,
    /// OpenLineage JobEvents (JSON Lines), one per derived dataset.
    Openlineage,
}

/// Arguments of `assay lineage`.
#[derive(Debug, Args)]
pub struct LineageArgs {
    /// Catalog folders (or manifests) to build the graph from.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: LineageFormat,
    /// Show only this dataset and everything it derives from.
    #[arg(long, value_name = "NAME", conflicts_with = "downstream")]
    pub upstream: Option<String>,
    /// Show only this dataset and everything derived from it: what a change to it affects.
    #[arg(long, value_name = "NAME")]
    pub downstream: Option<String>,
    /// OpenLineage namespace.
    #[arg(long, default_value = "assay", value_name = "NAME")]
    pub namespace: String,
}

/// Arguments of `assay profile`.
#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// Parquet files, or folders searched for them; all must share one schema.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
    /// Row groups decoded at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Distinct values counted exactly per column; past it, a HyperLogLog estimate.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub exact_limit: usize,
}

/// Arguments of `assay split`.
#[derive(Debug, Args)]
pub struct SplitArgs {
    /// The dataset (its folder or manifest).
    pub dataset: PathBuf,
    /// The resource to split (default: the manifest's only one).
    #[arg(long)]
    pub resource: Option<String>,
    /// Group columns, comma-separated: each value goes whole to one split.
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub by: Vec<String>,
    /// The time column: validation after train, test after validation.
    #[arg(long, value_name = "COLUMN")]
    pub time: Option<String>,
    /// The label column (default: the scenario's, when it is in this resource); not a feature.
    #[arg(long, value_name = "COLUMN")]
    pub label: Option<String>,
    /// Shares of train, validation and test.
    #[arg(
        long,
        value_delimiter = ',',
        num_args = 1,
        default_value = "0.8,0.1,0.1"
    )]
    pub ratios: Vec<f64>,
    /// Seed of the hash that orders groups (or rows).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Folder for train.parquet, validation.parquet and test.parquet, inside the dataset.
    #[arg(long, default_value = "data/splits")]
    pub out: PathBuf,
    /// Memory budget for the decoded resource.
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = parse_size)]
    pub memory_limit: u64,
}

/// Arguments of `assay init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The dataset folder holding the Parquet files; dataset.yaml is written there.
    pub dir: PathBuf,
    /// Industrial field code (`IF-C341`; see `assay fields`).
    #[arg(long, value_name = "CODE")]
    pub field: String,
    /// Dataset name (default: the folder's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Replace an existing manifest.
    #[arg(long)]
    pub force: bool,
    /// Reference time for freshness suggestions (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Row groups decoded at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Arguments of `assay new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The field whose standard to start from (`IF-C345`; see `assay fields`).
    #[arg(value_name = "FIELD")]
    pub field: String,
    /// The new dataset's folder (created if missing); dataset.yaml is written there.
    pub dir: PathBuf,
    /// Dataset name (default: the folder's name).
    #[arg(long)]
    pub name: Option<String>,
}

/// Arguments of `assay import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A Frictionless Data Package descriptor (`datapackage.json`, v1 or v2), or an ODCS v3.1
    /// contract (YAML or JSON, `kind: DataContract`).
    pub package: PathBuf,
    /// Industrial field code (`IF-C341`); Frictionless has none.
    #[arg(long, value_name = "CODE")]
    pub field: String,
    /// Dataset name (default: the package's `name`).
    #[arg(long)]
    pub name: Option<String>,
    /// Where to write the manifest (default: dataset.yaml beside the descriptor).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace an existing manifest.
    #[arg(long)]
    pub force: bool,
}

/// Export targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportTarget {
    /// A Frictionless Data Package v2 descriptor (`datapackage.json`).
    Frictionless,
    /// An Open Data Contract Standard v3.1 contract (YAML).
    Odcs,
}

/// Arguments of `assay export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The manifest or the dataset folder holding it.
    pub dataset: PathBuf,
    /// What to export to.
    #[arg(long, value_enum)]
    pub to: ExportTarget,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Do not print the notes on what the target format cannot hold.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `assay diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The version users have: a manifest, or the dataset folder holding it.
    pub old: PathBuf,
    /// The proposed version.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
    /// Exit 1 when a change of this class (or a stronger one) is found: for CI.
    #[arg(long, value_enum, value_name = "CLASS")]
    pub fail_on: Option<FailOn>,
    /// Exit 1 when the version bump is smaller than the changes need (semantic versioning).
    #[arg(long)]
    pub check_version: bool,
}

/// Formats of `assay diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A line per change.
    Text,
    /// The diff as JSON.
    Json,
    /// A Markdown table, for a pull-request comment.
    Md,
}

/// What `assay diff --fail-on` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Breaking changes.
    Breaking,
    /// Breaking or compatible changes (anything but descriptions).
    Compatible,
}

/// Formats of `assay report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportDocFormat {
    /// One self-contained, printable HTML file.
    Html,
    /// Markdown, for pull-request comments.
    Md,
    /// The JSON validation report.
    Json,
}

/// Languages of a published site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SiteLang {
    /// English only.
    En,
    /// Chinese only.
    Zh,
    /// English at `index.html`, Chinese at `index.zh.html`.
    Both,
}

impl SiteLang {
    /// The languages, the first at `index.html`.
    pub fn langs(self) -> Vec<assay_report::Lang> {
        match self {
            SiteLang::En => vec![assay_report::Lang::En],
            SiteLang::Zh => vec![assay_report::Lang::Zh],
            SiteLang::Both => vec![assay_report::Lang::En, assay_report::Lang::Zh],
        }
    }
}

/// Languages of `assay report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Chinese (simplified).
    Zh,
}

impl From<Lang> for assay_report::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::En => assay_report::Lang::En,
            Lang::Zh => assay_report::Lang::Zh,
        }
    }
}

/// Arguments of `assay report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The manifest or the dataset folder holding it.
    pub dataset: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportDocFormat,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Label language.
    #[arg(long, value_enum, default_value = "en")]
    pub lang: Lang,
    /// Reference time for freshness checks (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Show values of personal and non-public columns (redacted by default: a report is
    /// shared).
    #[arg(long)]
    pub reveal: bool,
}

/// Arguments of `assay publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The catalog folder.
    pub catalog: PathBuf,
    /// The site: a symlink `assay publish` points at each complete build.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Any dataset left out fails the publish and leaves the previous site as it was.
    #[arg(long)]
    pub strict: bool,
    /// The site's languages: `both` writes every page in English (`index.html`) and Chinese
    /// (`index.zh.html`) with a switch between them.
    #[arg(long, value_enum, default_value = "both")]
    pub lang: SiteLang,
    /// Exit 0 even when a dataset of the previous build is not in the new one (left out or
    /// removed). Without it the site is still published, but the exit code is 1, so a
    /// scheduled publish notices.
    #[arg(long)]
    pub allow_drop: bool,
    /// Reference time of the validations (RFC 3339); default: now. Reports are reused only
    /// for the same reference time.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Run the datasets' checks on an Apache DataFusion Ballista cluster: `df://HOST:PORT`,
    /// its scheduler (docs/scale.md). A cluster that fails publishes nothing (exit 3).
    #[arg(long, value_name = "URL")]
    pub cluster: Option<String>,
}

/// Arguments of `assay search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: English or Chinese words; the last word also matches as a prefix.
    pub query: String,
    /// A site written by `assay publish`.
    #[arg(long, value_name = "DIR", default_value = "site")]
    pub site: PathBuf,
    /// Only this field code (repeat for several).
    #[arg(long)]
    pub field: Vec<String>,
    /// Only this sector.
    #[arg(long)]
    pub sector: Vec<String>,
    /// Only this owner.
    #[arg(long)]
    pub owner: Vec<String>,
    /// Only this license.
    #[arg(long)]
    pub license: Vec<String>,
    /// Only this sensitivity.
    #[arg(long)]
    pub sensitivity: Vec<String>,
    /// Only this grade (A, B, C, D).
    #[arg(long)]
    pub grade: Vec<String>,
    /// Only this validation status (pass, warn, fail, error).
    #[arg(long)]
    pub status: Vec<String>,
    /// Only datasets last validated on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub validated_since: Option<String>,
    /// Only datasets last validated on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub validated_until: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

/// Arguments of `assay serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A site written by `assay publish`.
    pub site: PathBuf,
    /// Port (0 picks a free one and prints it).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
}

/// Arguments of `assay query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// SQL over the table `datasets` (one row per published dataset).
    pub sql: String,
    /// A site written by `assay publish`.
    #[arg(long, value_name = "DIR", default_value = "site")]
    pub site: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ListFormat,
}

/// Arguments of `assay pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// The manifest or the dataset folder holding it; it must be locked (`assay lock`).
    pub dataset: PathBuf,
    /// Folder to write the bag to; must not exist.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Reference time for the enclosed validation report (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Bagging-Date (YYYY-MM-DD); default: today, or the date of SOURCE_DATE_EPOCH.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Put values of personal and non-public columns into the bag's report (redacted by
    /// default: a bag is sent to someone else).
    #[arg(long)]
    pub reveal: bool,
    /// Refuse to pack data that does not pass: a failed check, a warning, or a check that could
    /// not be evaluated (exit 1, or 3 for unreadable data; nothing written).
    #[arg(long)]
    pub strict: bool,
}

/// Arguments of `assay submit`.
#[derive(Debug, Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    pub pack: PackArgs,
    /// The catalog the bag is for: the diff is against its current version of the dataset.
    #[arg(long, value_name = "DIR")]
    pub catalog: PathBuf,
}

/// Arguments of `assay accept`.
#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// The submission bag (`assay submit`).
    pub bag: PathBuf,
    /// The catalog to take it into.
    #[arg(long, value_name = "DIR")]
    pub catalog: PathBuf,
    /// Reference time of the validation (RFC 3339); default: now.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
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
    /// SARIF 2.1.0: each check that did not pass, at the manifest line declaring it.
    Sarif,
    /// GitHub Actions workflow annotations (`::error file=…,line=…::…`).
    Github,
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
    /// Pin a dataset's files: write dataset.lock (sizes, sha256, rows, schema fingerprints,
    /// digests) beside each manifest.
    Lock(LockArgs),
    /// Check datasets (or bags) against their locks and name every difference.
    Verify(VerifyArgs),
    /// The catalog's lineage graph: trees, DOT, Mermaid, JSON, OpenLineage; and its problems.
    Lineage(LineageArgs),
    /// Write a BagIt submission bag: the locked files, checksums, manifest, lock and a report.
    Pack(PackArgs),
    /// Profile Parquet files: types, nulls, distinct counts, ranges, moments, quantiles, top
    /// values, patterns, order and candidate keys.
    Profile(ProfileArgs),
    /// Split a resource into train, validation and test Parquet files, group-aware and
    /// optionally time-aware, seeded and byte-for-byte repeatable; prints the `ml:` block.
    Split(SplitArgs),
    /// Draft dataset.yaml from the Parquet files in a folder, with suggested checks.
    Init(InitArgs),
    /// Start a dataset from a field's standard: its manifest, with placeholders to fill in.
    New(NewArgs),
    /// Write dataset.yaml from a Frictionless Data Package or an ODCS v3.1 data contract; what
    /// cannot be mapped is listed (and, for ODCS, kept under `x-odcs`).
    Import(ImportArgs),
    /// Export a dataset's manifest to another format (Frictionless Data Package v2, ODCS v3.1).
    Export(ExportArgs),
    /// A submission bag for a catalog: `pack`, with the diff against the catalog's current
    /// version inside.
    Submit(SubmitArgs),
    /// Take a submission bag into the catalog: verify it, validate it again, check the version
    /// against the current one, and move it in atomically (the old version kept).
    Accept(AcceptArgs),
    /// What changed between two versions of a manifest: each change breaking, compatible or
    /// informational, with the rule that decided it, and whether the version bump is enough.
    Diff(DiffArgs),
    /// A dataset's quality report: grade, six dimension scores, failures with samples, column
    /// profile, identity and lineage; HTML, Markdown or JSON.
    Report(ReportArgs),
    /// Publish a catalog as a static, reproducible site with index.json and per-dataset pages.
    Publish(PublishArgs),
    /// Search a published site: BM25 over English and Chinese text, with facets.
    Search(SearchArgs),
    /// Serve a published site on loopback, with a read-only JSON API for search and datasets.
    Serve(ServeArgs),
    /// SQL (DataFusion) over a published site's index.parquet, as the table `datasets`.
    Query(QueryArgs),
    /// The cache of per-file results that makes validating again after a change fast: where
    /// it is, how big, or empty it.
    Cache {
        #[command(subcommand)]
        action: CacheAction,
        /// The cache's folder (default: $ASSAY_CACHE_DIR, else $XDG_CACHE_HOME/assay, else
        /// ~/.cache/assay).
        #[arg(long, value_name = "DIR", global = true)]
        cache_dir: Option<PathBuf>,
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

/// What `assay cache` does.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum CacheAction {
    /// Print the cache's folder.
    Dir,
    /// Entries and bytes in the cache.
    Size,
    /// Remove every entry.
    Clean,
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
