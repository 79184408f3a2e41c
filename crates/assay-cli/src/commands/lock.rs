//! `assay lock`.

use anyhow::Result;
use assay_integrity::lock::{LockError, compute, lock_path, write_atomic};
use assay_model::FieldRegistry;

use super::{human_bytes, load_dataset, manifests_under};
use crate::cli::LockArgs;
use crate::exit::Status;

pub fn run(registry: &FieldRegistry, args: LockArgs) -> Result<Status> {
    let manifests = match manifests_under(&args.paths) {
        Ok(m) => m,
        Err(s) => return Ok(s),
    };
    let jobs = args.jobs.unwrap_or_else(default_jobs).max(1);
    let mut status = Status::Success;
    for manifest in &manifests {
        let loaded = match load_dataset(manifest, registry) {
            Ok(l) => l,
            Err(s) => {
                status = status.max(s);
                continue;
            }
        };
        let name = &loaded.manifest.name;
        let lock = match compute(&loaded, jobs) {
            Ok(l) => l,
            Err(e) => {
                let s = match e {
                    LockError::Unreadable(_) => Status::Unreadable,
                    _ => Status::Invalid,
                };
                for line in e.to_string().lines() {
                    eprintln!("error: {name}: {line}");
                }
                eprintln!("  nothing was written; the previous lock, if any, is unchanged");
                status = status.max(s);
                continue;
            }
        };
        let path = lock_path(&loaded);
        let text = lock.to_json();
        let files: Vec<_> = {
            let mut v: Vec<_> = lock
                .resources
                .iter()
                .flat_map(|r| r.files.iter().map(|f| (f.path.as_str(), f.bytes)))
                .collect();
            v.sort();
            v.dedup();
            v
        };
        let bytes: u64 = files.iter().map(|f| f.1).sum();
        let unchanged = std::fs::read(&path).is_ok_and(|old| old == text.as_bytes());
        if !unchanged && let Err(e) = write_atomic(&path, text.as_bytes()) {
            eprintln!("error: {name}: {e}");
            status = status.max(Status::Unreadable);
            continue;
        }
        println!(
            "{} {name}: {} file(s), {}, {} -> {}",
            if unchanged { "unchanged" } else { "locked" },
            files.len(),
            human_bytes(bytes),
            lock.digest,
            path.display()
        );
    }
    Ok(status)
}

pub(crate) fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}
