//! Reading a file's bytes: each row group's byte range is read once, in file order, hashed, and
//! served to the Parquet reader from memory; reader hints that decode dictionary-encoded string
//! columns as dictionaries; and the words for a file that cannot be read.

use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
use sha2::{Digest, Sha256};

/// The bytes of one row group (or of the whole file, as a fallback, or of the column chunks
/// fetched from a store), served to the Parquet reader as if they were the file: reads outside
/// them are errors, never panics.
#[derive(Clone)]
pub(crate) struct Chunk {
    /// Pieces of the file as (offset, bytes), sorted by offset, not overlapping.
    pub pieces: Arc<Vec<(u64, Bytes)>>,
    pub file_len: u64,
}

impl Chunk {
    /// One contiguous piece.
    pub fn one(base: u64, data: Bytes, file_len: u64) -> Chunk {
        Chunk {
            pieces: Arc::new(vec![(base, data)]),
            file_len,
        }
    }

    /// The piece holding offset `start`: its offset and bytes.
    fn piece(&self, start: u64) -> Option<&(u64, Bytes)> {
        let i = self.pieces.partition_point(|(base, _)| *base <= start);
        let p = self.pieces.get(i.checked_sub(1)?)?;
        (start <= p.0 + p.1.len() as u64).then_some(p)
    }

    fn outside(&self, start: u64, length: usize) -> parquet::errors::ParquetError {
        let held: Vec<String> = self
            .pieces
            .iter()
            .map(|(b, d)| format!("[{b}, {})", b + d.len() as u64))
            .collect();
        parquet::errors::ParquetError::General(format!(
            "read of {length} bytes at offset {start} falls outside the bytes read {}",
            held.join(", ")
        ))
    }
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
        // Everything from `start` to the end of the piece that holds it.
        match self.piece(start) {
            Some((base, data)) => Ok(data.slice((start - base) as usize..).reader()),
            None => Err(self.outside(start, 0)),
        }
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match self.piece(start) {
            Some((base, data)) if (start - base) as usize + length <= data.len() => {
                let s = (start - base) as usize;
                Ok(data.slice(s..s + length))
            }
            _ => Err(self.outside(start, length)),
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
pub(crate) struct LocalBytes<'a> {
    file: Box<dyn std::io::Read + 'a>,
    hasher: Sha256,
    pos: u64,
    file_len: u64,
    ranges: Option<Vec<(u64, u64)>>,
    /// The fallback for unusual layouts: the whole file in memory, shared by all row groups.
    whole: Option<Chunk>,
    progress: Option<&'a Arc<dyn crate::Progress>>,
}

impl<'a> LocalBytes<'a> {
    /// Starts at the first byte; reads the whole file now when its row groups are out of
    /// order. An error is the reason the file cannot be read.
    pub fn new(
        mut file: Box<dyn std::io::Read + 'a>,
        metadata: &parquet::file::metadata::ParquetMetaData,
        file_len: u64,
        progress: Option<&'a Arc<dyn crate::Progress>>,
    ) -> Result<LocalBytes<'a>, String> {
        use sha2::Digest;
        let ranges = row_group_ranges(metadata, file_len);
        let mut hasher = Sha256::new();
        let mut pos = 0;
        let mut whole = None;
        if ranges.is_none() {
            let mut data = Vec::with_capacity(file_len as usize);
            file.read_to_end(&mut data)
                .map_err(|e| format!("cannot read: {e}"))?;
            hasher.update(&data);
            pos = data.len() as u64;
            if let Some(p) = progress {
                p.advance(pos);
            }
            whole = Some(Chunk::one(0, Bytes::from(data), file_len));
        }
        Ok(LocalBytes {
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
        let chunk = Chunk::one(self.pos, Bytes::from(data), self.file_len);
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

/// Where the engine's main pass gets each row group's bytes.
pub(crate) enum ByteReader<'a> {
    /// A local file: every byte once, in order, hashed.
    Local(LocalBytes<'a>),
    /// An object in a store: only the column chunks the checks need, nothing when the
    /// statistics decided every check; not hashed (`assay lock` and `verify` hash objects).
    Remote {
        object: assay_storage::RemoteObject,
        /// The bytes the footer read fetched (the last 64 KiB, or all of a small file): column
        /// chunks inside them are not fetched again.
        tail: (u64, Bytes),
        progress: Option<&'a Arc<dyn crate::Progress>>,
    },
    /// A file whose checks' results all come from the cache (`engine::cache`): nothing is read.
    Cached {
        /// Its length.
        len: u64,
    },
}

impl ByteReader<'_> {
    /// The bytes of row group `rg` the decoder needs for the `projection` (root column indexes;
    /// `None` when no check needs the data): `None` when nothing was read for it.
    pub fn row_group(
        &mut self,
        rg: usize,
        meta: &parquet::file::metadata::ParquetMetaData,
        projection: Option<&[usize]>,
    ) -> Result<Option<Chunk>, String> {
        match self {
            ByteReader::Local(l) => l.row_group(rg).map(Some),
            ByteReader::Cached { .. } => match projection {
                None => Ok(None),
                // Each check's parts for each row group are in the entry, or the entry was not
                // used: a row group still needing data means the entry did not match.
                Some(_) => Err(format!(
                    "row group {rg}: the cache entry for this file lacks results its checks need; run again with --no-cache, and report this as a bug"
                )),
            },
            ByteReader::Remote {
                object,
                tail,
                progress,
            } => {
                let Some(projection) = projection else {
                    return Ok(None);
                };
                let descr = meta.file_metadata().schema_descr();
                let mut ranges: Vec<std::ops::Range<u64>> = meta
                    .row_group(rg)
                    .columns()
                    .iter()
                    .enumerate()
                    .filter(|(leaf, _)| projection.contains(&descr.get_column_root_idx(*leaf)))
                    .map(|(_, c)| {
                        let (start, len) = c.byte_range();
                        start..start.saturating_add(len)
                    })
                    .collect();
                ranges.sort_by_key(|r| (r.start, r.end));
                ranges.dedup();
                let (base, held) = (tail.0, &tail.1);
                let in_tail =
                    |r: &std::ops::Range<u64>| r.start >= base && r.end <= base + held.len() as u64;
                let fetch: Vec<std::ops::Range<u64>> =
                    ranges.iter().filter(|r| !in_tail(r)).cloned().collect();
                let mut data = object
                    .get_ranges(&fetch)
                    .map_err(|e| e.message.clone())?
                    .into_iter();
                let fetched: u64 = fetch.iter().map(|r| r.end - r.start).sum();
                if let Some(p) = progress {
                    p.advance(fetched);
                }
                let mut pieces = Vec::with_capacity(ranges.len());
                for r in &ranges {
                    let bytes = if in_tail(r) {
                        held.slice((r.start - base) as usize..(r.end - base) as usize)
                    } else {
                        data.next().unwrap_or_default()
                    };
                    pieces.push((r.start, bytes));
                }
                Ok(Some(Chunk {
                    pieces: Arc::new(pieces),
                    file_len: object.size(),
                }))
            }
        }
    }

    /// Ends the file: the bytes it holds and, for a local file, their sha256.
    pub fn finish(self) -> Result<(u64, Option<String>), String> {
        match self {
            ByteReader::Local(l) => l.finish().map(|(n, h)| (n, Some(h))),
            ByteReader::Remote { object, .. } => Ok((object.size(), None)),
            ByteReader::Cached { len } => Ok((len, None)),
        }
    }
}
