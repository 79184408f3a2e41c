//! The Parquet reading path on mutated real files: the footer facts locks and `verify --quick`
//! read and the hashing, which must never panic; then the checks the engine makes before it
//! decodes, and a full decode of every column. The engine contains a panic of the Parquet or
//! Arrow reader during footer loading and decoding (`catch_unwind`, found by this target:
//! `fixtures/fuzz/`), so this target does the same there and fails only on what escapes.
#![no_main]

use std::cell::Cell;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
    static PATH: std::path::PathBuf = std::env::temp_dir()
        .join(format!("assay-fuzz-parquet-{}.parquet", std::process::id()));
}

/// Runs `f` as the engine runs a decode: a panic inside is the file's error, not a crash.
fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(Cell::get) {
                fuzzer_hook(info);
            }
        }));
    });
    CONTAINED.with(|c| c.set(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    CONTAINED.with(|c| c.set(false));
    out
}

fuzz_target!(|data: &[u8]| {
    PATH.with(|path| {
        std::fs::write(path, data).unwrap();
        let _ = assay_integrity::hash::read_footer(path);
        let _ = assay_integrity::hash::hash_parquet(path);
    });
    let bytes = bytes::Bytes::copy_from_slice(data);
    let Some(Ok(builder)) = contained(|| {
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes)
    }) else {
        return;
    };
    // What the engine checks before it decodes: the footer's byte ranges, and (its memory
    // limit) no more than 64 MiB declared per column chunk here.
    let meta = builder.metadata().clone();
    if assay_integrity::hash::footer_problem(&meta, data.len() as u64).is_some()
        || meta
            .row_groups()
            .iter()
            .flat_map(|g| g.columns())
            .any(|c| c.uncompressed_size() > 64 << 20)
    {
        return;
    }
    contained(|| {
        if let Ok(reader) = builder.with_batch_size(1024).build() {
            for batch in reader {
                if batch.is_err() {
                    break;
                }
            }
        }
    });
});
