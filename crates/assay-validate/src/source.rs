//! Where a data file's bytes come from: the disk, or an object store read by column chunks.
//!
//! The engine's main pass asks a store for exactly the column chunks its checks need
//! (`engine::chunk::ByteReader`); every other reader (foreign keys, samples, profiles,
//! drafts) opens a [`Source`], which for a remote object fetches the footer once and then each
//! column chunk the Parquet reader touches, once, whole.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use assay_model::paths::ResolvedFile;
use assay_storage::{RemoteObject, StorageError, Stores};
use bytes::Bytes;

/// A data file opened for reading.
pub enum Source {
    /// A file in the dataset folder.
    Local(std::fs::File),
    /// An object in a store.
    Remote(Arc<RemoteReader>),
}

/// The most footer bytes a file may declare (`docs/security.md`).
const MAX_FOOTER: u64 = crate::engine::file::limits::MAX_FOOTER_BYTES;

impl Source {
    /// Opens `f` of the dataset in `dir`. Errors name the file and say why.
    pub fn open(dir: &std::path::Path, f: &ResolvedFile) -> Result<Source, String> {
        match &f.remote {
            None => std::fs::File::open(&f.path)
                .map(Source::Local)
                .map_err(|e| format!("{}: cannot read: {e}", f.rel)),
            Some(info) => RemoteReader::open(dir, info)
                .map(|r| Source::Remote(Arc::new(r)))
                .map_err(|e| e.to_string()),
        }
    }

    /// Opens the file at `path`: an object this process resolved (named by the dataset folder
    /// joined with its report path, or by its URL), else a local file.
    pub fn open_path(path: &std::path::Path) -> Result<Source, String> {
        match assay_storage::object_at(path) {
            Some(object) => object
                .and_then(RemoteReader::of)
                .map(|r| Source::Remote(Arc::new(r)))
                .map_err(|e| e.to_string()),
            None => std::fs::File::open(path)
                .map(Source::Local)
                .map_err(|e| format!("{}: cannot read: {e}", path.display())),
        }
    }

    /// Opens `f` and reads its footer through the checked path (`footer::load`): a reader
    /// builder over the whole file. Errors name the file.
    pub fn reader(
        dir: &std::path::Path,
        f: &ResolvedFile,
    ) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder<Source>, String> {
        let source = Source::open(dir, f)?;
        let meta =
            crate::footer::load(&source, source.len()).map_err(|e| format!("{}: {e}", f.rel))?;
        Ok(
            parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::new_with_metadata(
                source, meta,
            ),
        )
    }

    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        parquet::file::reader::Length::len(self)
    }

    /// True when it holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A remote object as a Parquet [`ChunkReader`](parquet::file::reader::ChunkReader): the
/// footer fetched when opened, each column chunk fetched whole the first time a read touches
/// it, and reads of anything else refused.
pub struct RemoteReader {
    object: RemoteObject,
    footer: (u64, Bytes),
    /// Column chunk byte ranges from the footer, by start.
    chunks: BTreeMap<u64, u64>,
    fetched: Mutex<BTreeMap<u64, Bytes>>,
}

impl RemoteReader {
    /// Fetches the footer of the object and learns where its column chunks are.
    pub fn open(
        dir: &std::path::Path,
        info: &assay_model::paths::RemoteObjectInfo,
    ) -> Result<RemoteReader, StorageError> {
        let stores = Stores::for_dir(dir)?;
        RemoteReader::of(RemoteObject::open(&stores, info)?)
    }

    /// Fetches the footer of `object` and learns where its column chunks are.
    pub fn of(object: RemoteObject) -> Result<RemoteReader, StorageError> {
        let footer = object.footer(MAX_FOOTER)?;
        let tail = crate::engine::chunk::Chunk::one(footer.0, footer.1.clone(), object.size());
        let mut chunks = BTreeMap::new();
        if let Ok(meta) =
            parquet::file::metadata::ParquetMetaDataReader::new().parse_and_finish(&tail)
        {
            for rg in meta.row_groups() {
                for c in rg.columns() {
                    let (start, len) = c.byte_range();
                    chunks.insert(start, start.saturating_add(len));
                }
            }
        }
        Ok(RemoteReader {
            object,
            footer,
            chunks,
            fetched: Mutex::new(BTreeMap::new()),
        })
    }

    /// The object.
    pub fn object(&self) -> &RemoteObject {
        &self.object
    }

    /// The bytes `start..start+len`, from the footer, a column chunk already fetched, or the
    /// column chunk that holds them, fetched now.
    fn bytes(&self, start: u64, len: Option<usize>) -> parquet::errors::Result<Bytes> {
        let serve = |base: u64, data: &Bytes| -> Option<Bytes> {
            let end_of = base + data.len() as u64;
            // A read from the very end of a piece is the start of the next one.
            if start < base || start >= end_of {
                return None;
            }
            let s = (start - base) as usize;
            match len {
                Some(l) if s + l <= data.len() => Some(data.slice(s..s + l)),
                Some(_) => None,
                None => Some(data.slice(s..)),
            }
        };
        if let Some(b) = serve(self.footer.0, &self.footer.1) {
            return Ok(b);
        }
        {
            let fetched = self.fetched.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((base, data)) = fetched.range(..=start).next_back()
                && let Some(b) = serve(*base, data)
            {
                return Ok(b);
            }
        }
        let Some((&cs, &ce)) = self
            .chunks
            .range(..=start)
            .next_back()
            .filter(|(_, e)| start < **e)
        else {
            return Err(parquet::errors::ParquetError::General(format!(
                "read at offset {start} is outside every column chunk of {}",
                self.object.url()
            )));
        };
        let range: Range<u64> = cs..ce;
        let data = self
            .object
            .get_ranges(std::slice::from_ref(&range))
            .map_err(|e| parquet::errors::ParquetError::External(Box::new(e)))?
            .remove(0);
        let out = serve(cs, &data).ok_or_else(|| {
            parquet::errors::ParquetError::General(format!(
                "read of {len:?} bytes at offset {start} runs past its column chunk in {}",
                self.object.url()
            ))
        });
        self.fetched
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(cs, data);
        out
    }
}

impl parquet::file::reader::Length for Source {
    fn len(&self) -> u64 {
        match self {
            Source::Local(f) => f.metadata().map(|m| m.len()).unwrap_or(0),
            Source::Remote(r) => r.object.size(),
        }
    }
}

impl parquet::file::reader::ChunkReader for Source {
    type T = Box<dyn std::io::Read + Send>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        use bytes::Buf;
        match self {
            Source::Local(f) => Ok(Box::new(f.get_read(start)?)),
            Source::Remote(r) => Ok(Box::new(r.bytes(start, None)?.reader())),
        }
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match self {
            Source::Local(f) => f.get_bytes(start, length),
            Source::Remote(r) => r.bytes(start, Some(length)),
        }
    }
}

/// The indexes of `columns` in `schema` (a file's, named `rel`), ascending and each once: the
/// roots of a projection. A column the file lacks is an error naming it.
pub(crate) fn roots<S: AsRef<str>>(
    schema: &arrow::datatypes::Schema,
    columns: &[S],
    rel: &str,
) -> Result<Vec<usize>, String> {
    let mut roots = columns
        .iter()
        .map(|c| {
            let c = c.as_ref();
            schema
                .index_of(c)
                .map_err(|_| format!("column `{c}` is missing from {rel}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    roots.sort_unstable();
    roots.dedup();
    Ok(roots)
}
