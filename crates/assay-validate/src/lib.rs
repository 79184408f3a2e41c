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
pub mod draft;
mod engine;
pub mod history;
mod infer;
pub mod profile;
mod spill;

pub use engine::{Options, Progress, micros_to_rfc3339, validate};
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
}
