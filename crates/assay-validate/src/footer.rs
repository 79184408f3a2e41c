//! Reading a Parquet footer from a file that may be hostile: every path that decodes data
//! opens the footer here (`docs/security.md`).

use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};

/// The footer of `file` (`len` bytes), checked: a footer the Parquet or Arrow reader cannot
/// decode, one whose column chunks lie outside the file, or one whose embedded Arrow schema makes
/// the reader panic (found by fuzzing: arrow-ipc 59 panics on some malformed schemas) is an
/// error naming why, never a panic.
pub fn load<R: parquet::file::reader::ChunkReader>(
    file: &R,
    len: u64,
) -> Result<ArrowReaderMetadata, String> {
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ArrowReaderMetadata::load(file, ArrowReaderOptions::new())
    }))
    .map_err(|payload| {
        format!(
            "corrupt footer: its embedded Arrow schema cannot be decoded ({})",
            assay_model::panic_message(&*payload)
        )
    })?;
    let meta = loaded.map_err(|e| e.to_string())?;
    if let Some(why) = assay_integrity::hash::footer_problem(meta.metadata(), len) {
        return Err(why);
    }
    Ok(meta)
}
