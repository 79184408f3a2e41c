//! Reading a file's bytes: each row group's byte range is read once, in file order, hashed, and
//! served to the Parquet reader from memory; reader hints that decode dictionary-encoded string
//! columns as dictionaries; and the words for a file that cannot be read.

use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use sha2::{Digest, Sha256};

/// The bytes of one row group (or of the whole file, as a fallback), served to the Parquet
/// reader as if they were the file: reads outside them are errors, never panics.
#[derive(Clone)]
pub(crate) struct Chunk {
    pub base: u64,
    pub data: Bytes,
    pub file_len: u64,
}

impl parquet::file::reader::Length for Chunk {
    fn len(&self) -> u64 {
        self.file_len
    }
}

impl parquet::file::reader::ChunkReader for Chunk {
    type T = bytes::buf::Reader<Bytes>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        use bytes::Buf;
        // Everything from `start` to the end of the bytes held; `get_bytes` refuses a start
        // outside them.
        let data_end = self.base + self.data.len() as u64;
        let len = data_end.saturating_sub(start) as usize;
        Ok(self.get_bytes(start, len)?.reader())
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let end = start.checked_add(length as u64);
        let data_end = self.base + self.data.len() as u64;
        match end {
            Some(end) if start >= self.base && end <= data_end => {
                let s = (start - self.base) as usize;
                Ok(self.data.slice(s..s + length))
            }
            _ => Err(parquet::errors::ParquetError::General(format!(
                "read of {length} bytes at offset {start} falls outside the row group's bytes [{}, {data_end})",
                self.base
            ))),
        }
    }
}

/// Byte ranges of the row groups, when they lie in file order without overlap (as every
/// mainstream writer lays them out); `None` otherwise.
pub(crate) fn row_group_ranges(
    meta: &parquet::file::metadata::ParquetMetaData,
    file_len: u64,
) -> Option<Vec<(u64, u64)>> {
    let mut out = Vec::new();
    let mut prev_end = 0u64;
    for rg in meta.row_groups() {
        let mut lo = u64::MAX;
        let mut hi = 0u64;
        for c in rg.columns() {
            let (start, len) = c.byte_range();
            lo = lo.min(start);
            hi = hi.max(start.checked_add(len)?);
        }
        if rg.columns().is_empty() {
            lo = prev_end;
            hi = prev_end;
        }
        if lo < prev_end || hi > file_len || lo > hi {
            return None;
        }
        out.push((lo, hi));
        prev_end = hi;
    }
    Some(out)
}

/// Reader metadata for one row group that decodes the string `columns` whose pages in this
/// row group are all dictionary-encoded as Arrow dictionaries.
pub(crate) fn dictionary_hints_for(
    base: &ArrowReaderMetadata,
    rgm: &parquet::file::metadata::RowGroupMetaData,
    columns: &[&str],
) -> ArrowReaderMetadata {
    use parquet::basic::Encoding;
    let schema = base.schema();
    let parquet_schema = base.metadata().file_metadata().schema_descr();
    let mut hinted = Vec::new();
    for column in columns {
        let Ok(ai) = schema.index_of(column) else {
            continue;
        };
        if !matches!(
            schema.field(ai).data_type(),
            DataType::Utf8 | DataType::LargeUtf8
        ) {
            continue;
        }
        let Some((leaf, _)) = parquet::arrow::parquet_column(parquet_schema, schema, column) else {
            continue;
        };
        let c = rgm.column(leaf);
        let all_dictionary = c.dictionary_page_offset().is_some()
            && c.page_encoding_stats_mask().is_some_and(|m| {
                m.is_only(Encoding::PLAIN_DICTIONARY) || m.is_only(Encoding::RLE_DICTIONARY)
            });
        if all_dictionary && !hinted.contains(&ai) {
            hinted.push(ai);
        }
    }
    if hinted.is_empty() {
        return base.clone();
    }
    let fields: Vec<arrow::datatypes::Field> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if hinted.contains(&i) {
                arrow::datatypes::Field::new(
                    f.name(),
                    DataType::Dictionary(
                        Box::new(DataType::Int32),
                        Box::new(f.data_type().clone()),
                    ),
                    f.is_nullable(),
                )
            } else {
                f.as_ref().clone()
            }
        })
        .collect();
    let hint = Arc::new(Schema::new(fields).with_metadata(schema.metadata().clone()));
    ArrowReaderMetadata::try_new(
        base.metadata().clone(),
        ArrowReaderOptions::new().with_schema(hint),
    )
    .unwrap_or_else(|_| base.clone())
}

/// Adapts a hasher to `std::io::Write`.
pub(crate) struct HashWriter<'a>(pub &'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The words for a Parquet error that stops a file.
pub(crate) fn describe_parquet_error(e: &str) -> String {
    let lower = e.to_lowercase();
    if let Some(at) = e.find(super::schedule::LIMIT_PREFIX) {
        e[at + super::schedule::LIMIT_PREFIX.len()..].to_string()
    } else if lower.contains("encrypt") {
        format!("the file is encrypted (Parquet modular encryption) and no key was given: {e}")
    } else if lower.contains("invalid parquet file")
        || lower.contains("file size")
        || lower.contains("footer")
        || lower.contains("eof")
    {
        format!("not a readable Parquet file (truncated, empty or not Parquet): {e}")
    } else {
        format!("corrupt Parquet data: {e}")
    }
}

/// Reads a file's bytes once, in file order, hashing them: row group by row group when the row
/// groups lie in file order (as every mainstream writer lays them out), or the whole file at
/// once otherwise.
pub(crate) struct ByteReader<'a> {
    file: std::fs::File,
    hasher: Sha256,
    pos: u64,
    file_len: u64,
    ranges: Option<Vec<(u64, u64)>>,
    /// The fallback for unusual layouts: the whole file in memory, shared by all row groups.
    whole: Option<Chunk>,
    progress: Option<&'a Arc<dyn crate::Progress>>,
}

impl<'a> ByteReader<'a> {
    /// Starts at the first byte; reads the whole file now when its row groups are out of
    /// order. An error is the reason the file cannot be read.
    pub fn new(
        mut file: std::fs::File,
        metadata: &parquet::file::metadata::ParquetMetaData,
        file_len: u64,
        progress: Option<&'a Arc<dyn crate::Progress>>,
    ) -> Result<ByteReader<'a>, String> {
        use sha2::Digest;
        use std::io::{Read, Seek};
        let ranges = row_group_ranges(metadata, file_len);
        let mut hasher = Sha256::new();
        let mut pos = 0;
        let mut whole = None;
        file.seek(std::io::SeekFrom::Start(0))
            .map_err(|e| format!("cannot read: {e}"))?;
        if ranges.is_none() {
            let mut data = Vec::with_capacity(file_len as usize);
            file.read_to_end(&mut data)
                .map_err(|e| format!("cannot read: {e}"))?;
            hasher.update(&data);
            pos = data.len() as u64;
            if let Some(p) = progress {
                p.advance(pos);
            }
            whole = Some(Chunk {
                base: 0,
                data: Bytes::from(data),
                file_len,
            });
        }
        Ok(ByteReader {
            file,
            hasher,
            pos,
            file_len,
            ranges,
            whole,
            progress,
        })
    }

    /// The bytes of row group `rg`, read (and hashed) now unless the whole file is in memory.
    pub fn row_group(&mut self, rg: usize) -> Result<Chunk, String> {
        use sha2::Digest;
        use std::io::Read;
        if let Some(w) = &self.whole {
            return Ok(w.clone());
        }
        let end = self.ranges.as_ref().map_or(self.pos, |r| r[rg].1);
        let mut data = vec![0u8; (end - self.pos) as usize];
        self.file
            .read_exact(&mut data)
            .map_err(|e| format!("cannot read: {e}"))?;
        self.hasher.update(&data);
        if let Some(p) = self.progress {
            p.advance(data.len() as u64);
        }
        let chunk = Chunk {
            base: self.pos,
            data: Bytes::from(data),
            file_len: self.file_len,
        };
        self.pos = end;
        Ok(chunk)
    }

    /// Reads the bytes after the last row group (indexes, footer): the bytes read and their
    /// sha256.
    pub fn finish(mut self) -> Result<(u64, String), String> {
        use sha2::Digest;
        use std::io::Read;
        if self.whole.is_none() {
            let mut rest = Vec::new();
            self.file
                .read_to_end(&mut rest)
                .map_err(|e| format!("cannot read: {e}"))?;
            self.hasher.update(&rest);
            self.pos += rest.len() as u64;
            if let Some(p) = self.progress {
                p.advance(rest.len() as u64);
            }
        }
        Ok((self.pos, assay_model::hex(&self.hasher.finalize())))
    }
}
