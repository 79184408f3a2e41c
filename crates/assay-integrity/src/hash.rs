//! Streaming a file once: its sha256, and the Parquet footer from the bytes already read.
//!
//! Files are read with one fixed buffer ([`BUFFER_BYTES`]), never whole. The last
//! [`TAIL_BYTES`] of the file are kept as they stream past, so the footer (row count, row groups,
//! schema) is decoded from memory without a second read; only a footer larger than that is read
//! again, from its own offset.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use parquet::file::metadata::{FooterTail, ParquetMetaData, ParquetMetaDataReader};
use parquet::schema::types::Type;
use sha2::{Digest, Sha256};

use assay_model::hex;

/// Read buffer: large enough that system calls are negligible next to hashing.
pub const BUFFER_BYTES: usize = 1 << 20;
/// Bytes kept from the end of the file for the footer.
pub const TAIL_BYTES: usize = 256 << 10;

/// What one read of a Parquet file establishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFacts {
    /// Bytes read.
    pub bytes: u64,
    /// sha256, lowercase hex.
    pub sha256: String,
    /// The footer's facts, or why the bytes are not a readable Parquet file.
    pub footer: Result<FooterFacts, FileError>,
    /// The store's ETag, for an object in a store.
    pub etag: Option<String>,
}

/// What the footer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FooterFacts {
    /// Rows.
    pub rows: u64,
    /// Row groups.
    pub row_groups: u64,
    /// `sha256:<hex>` of the canonical schema form ([`canonical_schema`]).
    pub schema: String,
}

/// Why a file could not be read or understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Opening or reading failed.
    #[error("cannot read: {0}")]
    Io(String),
    /// The bytes are not a readable Parquet file.
    #[error("not a readable Parquet file: {0}")]
    NotParquet(String),
    /// The size changed while it was read.
    #[error("the file changed while it was read ({expected} bytes at open, {actual} read)")]
    Changed {
        /// Size when opened.
        expected: u64,
        /// Bytes actually read.
        actual: u64,
    },
}

/// Hashes `path` and decodes its footer, in one sequential read. The error is for a file that
/// cannot be read at all; a file that reads but is not Parquet has its hash and a footer error.
pub fn hash_parquet(path: &Path) -> Result<FileFacts, FileError> {
    let mut file = File::open(path).map_err(|e| FileError::Io(e.to_string()))?;
    let len = file
        .metadata()
        .map_err(|e| FileError::Io(e.to_string()))?
        .len();
    let keep_from = len.saturating_sub(TAIL_BYTES as u64);
    let mut tail = Vec::with_capacity((len - keep_from) as usize);
    let mut buf = vec![0u8; BUFFER_BYTES];
    let mut hasher = Sha256::new();
    let mut offset = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(FileError::Io(e.to_string())),
        };
        hasher.update(&buf[..n]);
        let end = offset + n as u64;
        if end > keep_from && offset < len {
            let from = keep_from.saturating_sub(offset) as usize;
            let to = (len.min(end) - offset) as usize;
            tail.extend_from_slice(&buf[from..to]);
        }
        offset = end;
    }
    if offset != len {
        return Err(FileError::Changed {
            expected: len,
            actual: offset,
        });
    }
    let footer = footer_from_tail(&mut file, len, &tail).map(|m| footer_facts(&m));
    Ok(FileFacts {
        bytes: len,
        sha256: hex(&hasher.finalize()),
        footer,
        etag: None,
    })
}

/// Hashes a file of the dataset in `dir`, local or in a store: for an object, its bytes as
/// they stream (one `GET`, conditional on the listing's ETag), then its footer (one ranged
/// `GET` of the last 64 KiB).
pub fn hash_file(dir: &Path, f: &assay_model::paths::ResolvedFile) -> Result<FileFacts, FileError> {
    let Some(info) = &f.remote else {
        return hash_parquet(&f.path);
    };
    let object = remote_object(dir, info)?;
    let (bytes, sha256) = object.sha256().map_err(|e| FileError::Io(e.message))?;
    let footer = remote_footer(&object);
    Ok(FileFacts {
        bytes,
        sha256,
        footer,
        etag: info.etag.clone(),
    })
}

/// The size and footer of a file of the dataset in `dir` (for `verify --quick`): for an
/// object in a store, its listed size and one ranged read of its last 64 KiB.
pub fn footer_of(
    dir: &Path,
    f: &assay_model::paths::ResolvedFile,
) -> Result<(u64, FooterFacts), FileError> {
    let Some(info) = &f.remote else {
        return read_footer(&f.path);
    };
    let object = remote_object(dir, info)?;
    Ok((info.size, remote_footer(&object)?))
}

fn remote_object(
    dir: &Path,
    info: &assay_model::paths::RemoteObjectInfo,
) -> Result<assay_storage::RemoteObject, FileError> {
    let stores = assay_storage::Stores::for_dir(dir).map_err(|e| FileError::Io(e.message))?;
    assay_storage::RemoteObject::open(&stores, info).map_err(|e| FileError::Io(e.message))
}

fn remote_footer(object: &assay_storage::RemoteObject) -> Result<FooterFacts, FileError> {
    let (_, tail) = object
        .footer(MAX_FOOTER_BYTES)
        .map_err(|e| FileError::NotParquet(e.message))?;
    let n = tail.len();
    let meta_len =
        u32::from_le_bytes([tail[n - 8], tail[n - 7], tail[n - 6], tail[n - 5]]) as usize;
    let meta = &tail[n - 8 - meta_len..n - 8];
    ParquetMetaDataReader::decode_metadata(meta)
        .map(|m| footer_facts(&m))
        .map_err(|e| FileError::NotParquet(format!("the footer does not decode: {e}")))
}

/// The most footer bytes a file may declare (as the engine's limit, `docs/security.md`).
const MAX_FOOTER_BYTES: u64 = 64 * 1024 * 1024;

/// Reads only the footer of `path` (for `verify --quick`): size and footer facts.
pub fn read_footer(path: &Path) -> Result<(u64, FooterFacts), FileError> {
    let mut file = File::open(path).map_err(|e| FileError::Io(e.to_string()))?;
    let len = file
        .metadata()
        .map_err(|e| FileError::Io(e.to_string()))?
        .len();
    let take = len.min(64 << 10);
    let mut tail = vec![0u8; take as usize];
    file.seek(SeekFrom::Start(len - take))
        .and_then(|_| file.read_exact(&mut tail))
        .map_err(|e| FileError::Io(e.to_string()))?;
    let metadata = footer_from_tail(&mut file, len, &tail)?;
    Ok((len, footer_facts(&metadata)))
}

/// Decodes the footer from the file's last bytes `tail`, reading it from `file` when it is
/// longer than `tail`.
fn footer_from_tail(file: &mut File, len: u64, tail: &[u8]) -> Result<ParquetMetaData, FileError> {
    if len < 12 || tail.len() < 8 {
        return Err(FileError::NotParquet(format!(
            "{len} bytes is too short for a Parquet file (at least 12: magic, footer length, magic)"
        )));
    }
    let last8: [u8; 8] = tail[tail.len() - 8..]
        .try_into()
        .expect("the tail holds at least 8 bytes");
    let footer = FooterTail::try_new(&last8).map_err(|_| {
        FileError::NotParquet("the file does not end with the Parquet magic `PAR1`".into())
    })?;
    if footer.is_encrypted_footer() {
        return Err(FileError::NotParquet(
            "the footer is encrypted (Parquet modular encryption); the schema and row counts cannot be read without the key".into(),
        ));
    }
    let meta_len = footer.metadata_length() as u64;
    if meta_len + 8 > len - 4 {
        return Err(FileError::NotParquet(format!(
            "the footer claims {meta_len} bytes of metadata but the file has only {len} bytes"
        )));
    }
    let metadata_bytes;
    let meta: &[u8] = if meta_len + 8 <= tail.len() as u64 {
        &tail[tail.len() - 8 - meta_len as usize..tail.len() - 8]
    } else {
        let mut v = vec![0u8; meta_len as usize];
        file.seek(SeekFrom::Start(len - 8 - meta_len))
            .and_then(|_| file.read_exact(&mut v))
            .map_err(|e| FileError::Io(e.to_string()))?;
        metadata_bytes = v;
        &metadata_bytes
    };
    ParquetMetaDataReader::decode_metadata(meta)
        .map_err(|e| FileError::NotParquet(format!("the footer does not decode: {e}")))
}

fn footer_facts(metadata: &ParquetMetaData) -> FooterFacts {
    let schema = canonical_schema(metadata.file_metadata().schema());
    FooterFacts {
        rows: metadata.file_metadata().num_rows().max(0) as u64,
        row_groups: metadata.num_row_groups() as u64,
        schema: format!("sha256:{}", hex(&Sha256::digest(schema.as_bytes()))),
    }
}

/// The canonical text of a Parquet schema: one line per node, depth-first, with repetition,
/// physical type (and length), name, field id, logical and converted type, precision and scale.
/// Two files have the same fingerprint exactly when these agree; key-value metadata (such as an
/// embedded Arrow schema) and statistics are not part of it.
pub fn canonical_schema(root: &Type) -> String {
    let mut out = String::new();
    node(root, 0, &mut out);
    out
}

fn node(t: &Type, depth: usize, out: &mut String) {
    let info = t.get_basic_info();
    for _ in 0..depth {
        out.push_str("  ");
    }
    if info.has_repetition() {
        let _ = write!(out, "{} ", info.repetition());
    }
    match t {
        Type::PrimitiveType {
            physical_type,
            type_length,
            scale,
            precision,
            ..
        } => {
            let _ = write!(out, "{physical_type}");
            if *type_length >= 0 {
                let _ = write!(out, "({type_length})");
            }
            let _ = write!(out, " {}", info.name());
            if *precision > 0 {
                let _ = write!(out, " precision={precision} scale={scale}");
            }
        }
        Type::GroupType { .. } => {
            let _ = write!(out, "group {}", info.name());
        }
    }
    if info.has_id() {
        let _ = write!(out, " id={}", info.id());
    }
    if let Some(l) = info.logical_type_ref() {
        let _ = write!(out, " logical={l:?}");
    }
    let converted = info.converted_type();
    if converted != parquet::basic::ConvertedType::NONE {
        let _ = write!(out, " converted={converted}");
    }
    out.push('\n');
    if let Type::GroupType { fields, .. } = t {
        for f in fields {
            node(f, depth + 1, out);
        }
    }
}

/// Why a footer cannot be trusted to read column chunks from: a chunk whose start or length is
/// negative or that ends past the file (the Parquet reader would panic or read garbage on it).
/// Every path that decodes data checks this first (found by the `parquet` fuzz target).
pub fn footer_problem(
    meta: &parquet::file::metadata::ParquetMetaData,
    file_len: u64,
) -> Option<String> {
    for (g, rg) in meta.row_groups().iter().enumerate() {
        if rg.num_rows() < 0 {
            return Some(format!(
                "corrupt footer: row group {g} declares {} rows",
                rg.num_rows()
            ));
        }
        for c in rg.columns() {
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            let len = c.compressed_size();
            let end = (start as i128) + (len as i128);
            if start < 0 || len < 0 || end > file_len as i128 || c.data_page_offset() < 0 {
                return Some(format!(
                    "corrupt footer: column `{}` of row group {g} lies at bytes {start}..{end} of a {file_len}-byte file",
                    c.column_path().string()
                ));
            }
        }
    }
    None
}
