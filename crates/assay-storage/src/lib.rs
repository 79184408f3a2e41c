//! Data where it lives: resources in S3-compatible stores, Google Cloud Storage, Azure Blob
//! Storage and plain HTTP(S), read through the [`object_store`] crate (`docs/storage.md`).
//!
//! - [`resolve`] turns a resource's paths, local or remote, into files: a remote glob lists the
//!   store under the pattern's literal prefix and matches keys with the same rules as local
//!   paths (`*` does not cross `/`, `**` does).
//! - [`RemoteObject`] reads one object: the footer first (one ranged request for the last
//!   64 KiB, a second only for a larger footer), then only the byte ranges asked for, coalesced
//!   and several in flight. Every read is conditional on the ETag the listing gave, so an
//!   object replaced during the run is an error, never a mix of two versions.
//! - Credentials come from each cloud's standard variables (as `object_store`'s builders read
//!   them) and from the variables a `storage.yaml` names ([`config`]); no message ever shows
//!   one ([`secrets`]).
//!
//! The API is blocking: each call runs on one shared Tokio runtime, so the engine's worker
//! threads call it as they would read a file.

pub mod cache;
pub mod config;
mod error;
mod object;
mod resolve;
pub mod secrets;
mod stores;

pub use error::{Kind, StorageError};
pub use object::{ObjectReader, RemoteObject, Usage, usage};
pub use resolve::{object_at, resolve};
pub use stores::{Stores, split_url};

use std::sync::OnceLock;

/// The runtime every store call runs on: two workers, as many as the machine's cores are
/// expected to be busy decoding anyway.
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("assay-storage")
            .enable_all()
            .build()
            .unwrap_or_else(|e| {
                // Without a runtime nothing remote can run; this happens only when the OS
                // refuses threads, and then nothing else would work either.
                eprintln!("error: cannot start the storage runtime: {e}");
                std::process::exit(70)
            })
    })
}
