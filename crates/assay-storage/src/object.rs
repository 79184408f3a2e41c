//! One object in a store, read by ranges: the footer first, then the byte ranges the checks
//! need, coalesced and several in flight, each read conditional on the object's ETag.

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use futures::future::{BoxFuture, FutureExt};
use object_store::{GetOptions, GetRange, ObjectStore};
use parquet::arrow::arrow_reader::ArrowReaderOptions;
use parquet::arrow::async_reader::AsyncFileReader;
use parquet::file::metadata::{ParquetMetaData, ParquetMetaDataReader};
use sha2::{Digest, Sha256};

use crate::{StorageError, runtime};

static REQUESTS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

/// What this process has asked of stores so far: requests made (a listing page, a `HEAD`, a
/// ranged `GET`; retries inside one request are not counted) and bytes fetched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Requests made.
    pub requests: u64,
    /// Bytes of object data received.
    pub bytes: u64,
}

/// The totals so far; a run reports the difference between its end and its start.
pub fn usage() -> Usage {
    Usage {
        requests: REQUESTS.load(Ordering::Relaxed),
        bytes: BYTES.load(Ordering::Relaxed),
    }
}

pub(crate) fn count_request() {
    REQUESTS.fetch_add(1, Ordering::Relaxed);
}

/// How many bytes the first read from the end of an object takes: the footer of most files
/// fits, so one request reads it.
const FOOTER_PREFETCH: u64 = 64 * 1024;

/// Footers kept per process (at most 64 KiB each, unless a file's footer is larger).
const FOOTER_CACHE_ENTRIES: usize = 256;

type FooterCache =
    std::sync::Mutex<std::collections::HashMap<(String, Option<String>, u64), (u64, Bytes)>>;

fn footer_cache() -> &'static FooterCache {
    static CACHE: std::sync::OnceLock<FooterCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Ranges closer than this are fetched as one request.
const COALESCE: u64 = 1024 * 1024;

/// One object, as the listing described it.
#[derive(Clone)]
pub struct RemoteObject {
    store: Arc<dyn ObjectStore>,
    path: object_store::path::Path,
    url: String,
    size: u64,
    etag: Option<String>,
}

impl std::fmt::Debug for RemoteObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteObject")
            .field("url", &self.url)
            .field("size", &self.size)
            .field("etag", &self.etag)
            .finish()
    }
}

impl RemoteObject {
    /// The object a listing described.
    pub fn open(
        stores: &crate::Stores,
        info: &assay_model::paths::RemoteObjectInfo,
    ) -> Result<RemoteObject, StorageError> {
        let (store, path) = stores.store(&info.url)?;
        Ok(RemoteObject {
            store,
            path,
            url: info.url.clone(),
            size: info.size,
            etag: info.etag.clone(),
        })
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Its ETag, when the store gives one.
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    fn options(&self, range: Option<Range<u64>>) -> GetOptions {
        GetOptions {
            if_match: self.etag.clone(),
            range: range.map(GetRange::Bounded),
            ..Default::default()
        }
    }

    async fn get(&self, range: Range<u64>) -> Result<Bytes, StorageError> {
        count_request();
        let want = range.end - range.start;
        let got = self
            .store
            .get_opts(&self.path, self.options(Some(range.clone())))
            .await
            .map_err(|e| StorageError::from_store(&self.url, &e))?
            .bytes()
            .await
            .map_err(|e| StorageError::from_store(&self.url, &e))?;
        BYTES.fetch_add(got.len() as u64, Ordering::Relaxed);
        if got.len() as u64 != want {
            return Err(StorageError::data(
                &self.url,
                format!(
                    "the store returned {} bytes for the range {}..{}, not {want}: the object is truncated or changed",
                    got.len(),
                    range.start,
                    range.end
                ),
            ));
        }
        Ok(got)
    }

    async fn get_ranges_async(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>, StorageError> {
        for r in ranges {
            if r.start > r.end || r.end > self.size {
                return Err(StorageError::data(
                    &self.url,
                    format!(
                        "the footer points at bytes {}..{}, outside the object's {} bytes",
                        r.start, r.end, self.size
                    ),
                ));
            }
        }
        object_store::coalesce_ranges(ranges, |r| self.get(r), COALESCE).await
    }

    /// The byte ranges asked for, in order: ranges near each other are fetched as one request,
    /// up to ten requests in flight.
    pub fn get_ranges(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>, StorageError> {
        runtime().block_on(self.get_ranges_async(ranges))
    }

    /// The footer's bytes, with the offset in the object where they start: one request for the
    /// last 64 KiB, a second only when the footer is larger. A footer declaring more than
    /// `max_footer` bytes is refused before it is fetched.
    pub fn footer(&self, max_footer: u64) -> Result<(u64, Bytes), StorageError> {
        // Several readers of one run open the same object (the main pass, then a key check's
        // look at the row groups' statistics): the footer is fetched once per object version.
        let key = (self.url.clone(), self.etag.clone(), self.size);
        if let Some(hit) = footer_cache()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return Ok(hit.clone());
        }
        // Across runs: the disk cache, for an object whose ETag names its version.
        let disk = self.etag.as_ref().and_then(|etag| {
            crate::cache::current().map(|c| {
                let k = crate::cache::key([
                    "footer".as_bytes(),
                    self.url.as_bytes(),
                    etag.as_bytes(),
                    &self.size.to_le_bytes(),
                ]);
                (c, k)
            })
        });
        let stored = disk.as_ref().and_then(|(c, k)| {
            let p = c.get("footer", k)?;
            let base = u64::from_le_bytes(p.get(..8)?.try_into().ok()?);
            let tail = Bytes::copy_from_slice(&p[8..]);
            (base.checked_add(tail.len() as u64) == Some(self.size)).then_some((base, tail))
        });
        let fetched = match stored {
            Some(hit) => hit,
            None => {
                let fetched = self.fetch_footer(max_footer)?;
                if let Some((c, k)) = &disk {
                    let mut p = Vec::with_capacity(8 + fetched.1.len());
                    p.extend_from_slice(&fetched.0.to_le_bytes());
                    p.extend_from_slice(&fetched.1);
                    c.put("footer", k, &p);
                }
                fetched
            }
        };
        let mut cache = footer_cache().lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= FOOTER_CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(key, fetched.clone());
        Ok(fetched)
    }

    fn fetch_footer(&self, max_footer: u64) -> Result<(u64, Bytes), StorageError> {
        runtime().block_on(async {
            if self.size < 12 {
                return Err(StorageError::data(
                    &self.url,
                    format!(
                        "not a readable Parquet file (truncated, empty or not Parquet): {} bytes",
                        self.size
                    ),
                ));
            }
            let start = self.size.saturating_sub(FOOTER_PREFETCH);
            let tail = self.get(start..self.size).await?;
            let n = tail.len();
            if &tail[n - 4..] != b"PAR1" {
                return Err(StorageError::data(
                    &self.url,
                    "not a readable Parquet file (truncated, empty or not Parquet): it does not end in PAR1",
                ));
            }
            let declared =
                u32::from_le_bytes([tail[n - 8], tail[n - 7], tail[n - 6], tail[n - 5]]) as u64;
            if declared > max_footer {
                return Err(StorageError::data(
                    &self.url,
                    format!(
                        "the footer declares {declared} bytes of metadata; the limit is {max_footer} (docs/security.md)"
                    ),
                ));
            }
            let need = declared + 8;
            if need > self.size {
                return Err(StorageError::data(
                    &self.url,
                    format!(
                        "not a readable Parquet file (truncated, empty or not Parquet): the footer declares {declared} bytes, more than the object holds"
                    ),
                ));
            }
            if need <= n as u64 {
                return Ok((start, tail));
            }
            let head_start = self.size - need;
            let more = self.get(head_start..start).await?;
            let mut all = Vec::with_capacity(need as usize);
            all.extend_from_slice(&more);
            all.extend_from_slice(&tail);
            Ok((head_start, Bytes::from(all)))
        })
    }

    /// Reads every byte once, in order, hashing as it streams ([`RemoteObject::reader`]): the
    /// bytes read and their sha256.
    pub fn sha256(&self) -> Result<(u64, String), StorageError> {
        use std::io::Read;
        let mut reader = self.reader()?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut read = 0u64;
        loop {
            let n = reader
                .read(&mut buf)
                .map_err(|e| StorageError::data(&self.url, e.to_string()))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            read += n as u64;
        }
        if read != self.size {
            return Err(StorageError::data(
                &self.url,
                format!(
                    "the store sent {read} bytes, but the listing said {}: the object is truncated or changed",
                    self.size
                ),
            ));
        }
        Ok((read, assay_model::hex(&hasher.finalize())))
    }
}

/// An object's bytes as a blocking [`std::io::Read`], from one streaming `GET` conditional on
/// its ETag: what a reader that wants every byte in order (hashing, say) takes.
pub struct ObjectReader {
    stream: futures::stream::BoxStream<'static, object_store::Result<Bytes>>,
    current: Bytes,
    url: String,
}

impl RemoteObject {
    /// Starts one streaming read of the whole object.
    pub fn reader(&self) -> Result<ObjectReader, StorageError> {
        count_request();
        let result = runtime()
            .block_on(self.store.get_opts(&self.path, self.options(None)))
            .map_err(|e| StorageError::from_store(&self.url, &e))?;
        Ok(ObjectReader {
            stream: result.into_stream(),
            current: Bytes::new(),
            url: self.url.clone(),
        })
    }
}

impl std::io::Read for ObjectReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use futures::StreamExt;
        while self.current.is_empty() {
            match runtime().block_on(self.stream.next()) {
                None => return Ok(0),
                Some(Ok(piece)) => {
                    BYTES.fetch_add(piece.len() as u64, Ordering::Relaxed);
                    self.current = piece;
                }
                Some(Err(e)) => {
                    return Err(std::io::Error::other(
                        StorageError::from_store(&self.url, &e).message,
                    ));
                }
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

fn parquet_error(e: StorageError) -> parquet::errors::ParquetError {
    parquet::errors::ParquetError::External(Box::new(e))
}

/// Parquet's async reader over the object: ranged reads, coalesced, conditional on the ETag.
impl AsyncFileReader for RemoteObject {
    fn get_bytes(&mut self, range: Range<u64>) -> BoxFuture<'_, parquet::errors::Result<Bytes>> {
        async move {
            self.get_ranges_async(std::slice::from_ref(&range))
                .await
                .map(|mut v| v.remove(0))
                .map_err(parquet_error)
        }
        .boxed()
    }

    fn get_byte_ranges(
        &mut self,
        ranges: Vec<Range<u64>>,
    ) -> BoxFuture<'_, parquet::errors::Result<Vec<Bytes>>> {
        async move { self.get_ranges_async(&ranges).await.map_err(parquet_error) }.boxed()
    }

    fn get_metadata<'a>(
        &'a mut self,
        _options: Option<&'a ArrowReaderOptions>,
    ) -> BoxFuture<'a, parquet::errors::Result<Arc<ParquetMetaData>>> {
        async move {
            let size = self.size;
            let meta = ParquetMetaDataReader::new()
                .with_prefetch_hint(Some(FOOTER_PREFETCH as usize))
                .load_and_finish(self, size)
                .await?;
            Ok(Arc::new(meta))
        }
        .boxed()
    }
}
