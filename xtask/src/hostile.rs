//! `cargo xtask hostile DIR`: Parquet files that try to exhaust memory, for
//! `bench/hostile.sh` (not committed: they are generated, and large once decoded).
//!
//! - `big-strings.parquet`: 12 rows whose one string column holds 100 MB values each, zstd
//!   compressed to a few hundred KB on disk, plain-encoded (1.2 GB decoded).
//! - `dict-bomb.parquet`: the same values dictionary-encoded: one dictionary page that
//!   decompresses to 1.2 GB.

use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use arrow::array::{RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

pub fn generate(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let value_bytes = 100 * 1000 * 1000;
    let values: Vec<String> = (0..12u8)
        .map(|i| {
            let mut s = "x".repeat(value_bytes);
            s.replace_range(0..1, &((b'a' + i) as char).to_string());
            s
        })
        .collect();
    let schema = Arc::new(Schema::new(vec![Field::new("s", DataType::Utf8, false)]));
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(StringArray::from(values))])?;
    for (name, dictionary) in [("big-strings.parquet", false), ("dict-bomb.parquet", true)] {
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
            .set_dictionary_enabled(dictionary)
            .set_dictionary_page_size_limit(usize::MAX)
            .set_data_page_size_limit(usize::MAX)
            .build();
        let path = dir.join(name);
        let mut w =
            ArrowWriter::try_new(std::fs::File::create(&path)?, schema.clone(), Some(props))?;
        w.write(&batch)?;
        w.close()?;
        println!(
            "wrote {} ({} bytes)",
            path.display(),
            std::fs::metadata(&path)?.len()
        );
    }
    Ok(())
}
