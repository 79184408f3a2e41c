//! Assay's validation engine.
//!
//! For each resource of a manifest: resolve its files; read each file once (the bytes are hashed
//! with sha256 in the same read); check the footer's schema against the declared fields; decide
//! what row-group statistics can decide (`not_null` from null counts, `range` from min/max,
//! `row_count` from the footer, `freshness` from max); decode only the columns the remaining
//! checks need; evaluate every check with Arrow kernels batch by batch (dictionary columns once
//! per dictionary value); and collect exact failing counts with the first failing rows as samples.
//!
//! [`profile`] profiles files with no manifest: the ground `assay init` drafts one from.
//!
//! A failed check is data, not an error: [`validate`] returns a [`Report`]. `Err` means the run
//! could not start (an unknown `--resource`, say). Unreadable files become `error` results and
//! file entries naming the reason; the other resources are still validated.

pub mod catalog_table;
mod checks;
mod conformance;
pub mod dataset;
mod dense;
pub mod draft;
mod engine;
pub mod footer;
pub mod history;
mod infer;
pub mod lint_sql;
mod ml;
mod partition;
pub mod plans;
pub mod profile;
pub mod source;
mod spill;
pub mod split;
pub mod values;

pub use engine::cache::{CacheOptions, CacheUsage, cache_usage};
pub use engine::memory::validate_batches;
pub use engine::{Decided, DecidedResource, Options, Progress, micros_to_rfc3339, validate};
pub use infer::{infer_fields, infer_fields_from_file};

/// Why a validation could not start. A failed check is not an error: it is a result in the
/// [`Report`](assay_model::report::Report).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `--resource` names no resource of the manifest (the user's mistake).
    #[error("resource `{resource}` is not in the manifest (resources: {known})")]
    UnknownResource {
        /// The name asked for.
        resource: String,
        /// The resources the manifest has, comma-separated.
        known: String,
    },
    /// A store holding the data refused, could not be reached, or is misconfigured.
    #[error("{0}")]
    Storage(assay_storage::StorageError),
    /// The manifest has several resources and the caller named none (in-memory validation,
    /// where the table is one of them).
    #[error("the manifest has {count} resources ({known}); name the one the table is")]
    ResourceNeeded {
        /// How many.
        count: usize,
        /// The resources the manifest has, comma-separated.
        known: String,
    },
    /// The run was interrupted ([`Options::cancel`]): no report, since part of it is missing.
    #[error("interrupted: the validation was cancelled before it finished; nothing was reported")]
    Interrupted,
    /// The files changed between what decided some checks elsewhere ([`Options::decided`])
    /// and this run, or the engine deciding them failed: nothing is reported.
    #[error("{0}")]
    Unfinished(String),
}

impl Error {
    /// The exit code: 2 for the user's mistake or configuration, 3 for data that could not
    /// be read.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::UnknownResource { .. } | Error::ResourceNeeded { .. } => 2,
            // As a shell reports a process ended by SIGINT.
            Error::Interrupted => 130,
            Error::Unfinished(_) => 3,
            Error::Storage(e) => e.exit_code(),
        }
    }
}

/// Validates a dataset as every command but `validate` itself does: at the reference time, with
/// the catalog's `quality.json`. Errors are messages (a bad `quality.json`, say).
pub fn validate_at(
    loaded: &assay_model::LoadedManifest,
    now_us: i64,
    now_text: &str,
) -> Result<assay_model::report::Report, String> {
    crate::validate(loaded, &options_at(loaded, now_us, now_text)?).map_err(|e| e.to_string())
}

/// The settings [`validate_at`] validates with.
pub fn options_at(
    loaded: &assay_model::LoadedManifest,
    now_us: i64,
    now_text: &str,
) -> Result<crate::Options, String> {
    Ok(crate::Options {
        now_us,
        now_text: now_text.to_string(),
        quality: quality_config(&loaded.dir)?,
        // Every command but `validate` hashes every file, local or in a store, so what it
        // publishes or packs is the same wherever the bytes live.
        hash_remote: true,
        ..Default::default()
    })
}

/// The catalog's `quality.json`: the nearest one in the dataset's folder or above it, else the
/// documented defaults.
pub fn quality_config(
    dir: &std::path::Path,
) -> Result<assay_model::quality::QualityConfig, String> {
    let start = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    for d in start.ancestors() {
        let p = d.join("quality.json");
        if p.is_file() {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            return assay_model::quality::load_config(&text)
                .map_err(|e| format!("{}: {e}", p.display()));
        }
    }
    Ok(Default::default())
}
