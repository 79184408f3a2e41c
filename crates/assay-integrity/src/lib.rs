//! Assay's integrity tools: exactly which bytes a dataset is, and where it comes from.
//!
//! - [`hash`]: one streaming read of a Parquet file gives its sha256 and its footer facts.
//! - [`lock`]: `assay lock` — resolve, hash (files in parallel) and write `dataset.lock`
//!   atomically.
//! - [`verify`]: `assay verify` — recompute and name every difference from the lock.
//! - [`bag`]: `assay pack` — BagIt 1.0 (RFC 8493) submission bags, and their verification.
//! - [`openlineage`]: OpenLineage 2-0-2 run events for validation runs and declared lineage.

pub mod bag;
pub mod hash;
pub mod lock;
pub mod openlineage;
pub mod verify;
