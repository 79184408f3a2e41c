//! A local cache on disk: entries keyed by a 32-byte digest, each checked before it is used.
//!
//! An entry is one file, `DIR/v1/<kind>/<2 hex>/<64 hex>`:
//!
//! ```text
//! "ASSAY-CACHE-1\n" | key (32 bytes) | payload length (u64 LE) | sha256(payload) | payload
//! ```
//!
//! A read checks the magic, that the key written in the entry is the key asked for (a file
//! copied or renamed into place is foreign), the length and the payload's sha256; an entry that
//! fails any of them is deleted and reads as a miss, never trusted. Writes go to a temporary file
//! in the same folder, then are renamed into place, so a run killed mid-write leaves no torn
//! entry. The cache is best-effort: an entry that cannot be written is skipped, silently.
//!
//! Two users: [`crate::RemoteObject::footer`] keeps the footers of objects in stores (keyed by
//! URL, size and ETag), and the validation engine keeps each file's per-check partial results
//! (`docs/storage.md`, "Caching").

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

const MAGIC: &[u8] = b"ASSAY-CACHE-1\n";
const HEADER: usize = MAGIC.len() + 32 + 8 + 32;

/// A cache folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskCache {
    dir: PathBuf,
}

/// A key: the sha256 of everything the entry depends on.
pub type Key = [u8; 32];

/// Digests key material: parts separated so that `("ab", "c")` and `("a", "bc")` differ.
pub fn key<I, P>(parts: I) -> Key
where
    I: IntoIterator<Item = P>,
    P: AsRef<[u8]>,
{
    let mut h = Sha256::new();
    for p in parts {
        let p = p.as_ref();
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

impl DiskCache {
    /// A cache in `dir` (created when the first entry is written).
    pub fn new(dir: impl Into<PathBuf>) -> DiskCache {
        DiskCache { dir: dir.into() }
    }

    /// The default folder: `$ASSAY_CACHE_DIR`, else `$XDG_CACHE_HOME/assay`, else
    /// `$HOME/.cache/assay`; `None` when none is set.
    pub fn default_dir() -> Option<PathBuf> {
        let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
        if let Some(d) = var("ASSAY_CACHE_DIR") {
            return Some(PathBuf::from(d));
        }
        if let Some(d) = var("XDG_CACHE_HOME") {
            return Some(PathBuf::from(d).join("assay"));
        }
        var("HOME").map(|h| PathBuf::from(h).join(".cache").join("assay"))
    }

    /// Its folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, kind: &str, key: &Key) -> PathBuf {
        let hex = assay_model::hex(key);
        self.dir.join("v1").join(kind).join(&hex[..2]).join(hex)
    }

    /// The payload stored under `key`, when an entry is there and intact.
    pub fn get(&self, kind: &str, key: &Key) -> Option<Vec<u8>> {
        let path = self.path(kind, key);
        let bytes = std::fs::read(&path).ok()?;
        match check(&bytes, key) {
            Some(range) => Some(bytes[range].to_vec()),
            None => {
                // Corrupt, torn or foreign: removed, and rebuilt by this run.
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores `payload` under `key`, replacing any entry; failures are ignored.
    pub fn put(&self, kind: &str, key: &Key, payload: &[u8]) {
        let path = self.path(kind, key);
        let Some(folder) = path.parent() else { return };
        if std::fs::create_dir_all(folder).is_err() {
            return;
        }
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(key);
        header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        header.extend_from_slice(&Sha256::digest(payload));
        let tmp = folder.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            TMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(&header)?;
            f.write_all(payload)?;
            f.sync_data()
        });
        if written.is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Removes every entry; the number of files removed.
    pub fn clean(&self) -> std::io::Result<u64> {
        let (n, _) = self.size()?;
        let root = self.dir.join("v1");
        if root.exists() {
            std::fs::remove_dir_all(&root)?;
        }
        Ok(n)
    }

    /// Entries and their bytes.
    pub fn size(&self) -> std::io::Result<(u64, u64)> {
        let root = self.dir.join("v1");
        if !root.exists() {
            return Ok((0, 0));
        }
        let (mut n, mut bytes) = (0, 0);
        for e in walkdir::WalkDir::new(&root) {
            let e = e?;
            if e.file_type().is_file() {
                n += 1;
                bytes += e.metadata()?.len();
            }
        }
        Ok((n, bytes))
    }
}

static TMP: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Where the payload of an intact entry for `key` is.
fn check(bytes: &[u8], key: &Key) -> Option<std::ops::Range<usize>> {
    if bytes.len() < HEADER || !bytes.starts_with(MAGIC) {
        return None;
    }
    let mut at = MAGIC.len();
    if &bytes[at..at + 32] != key {
        return None;
    }
    at += 32;
    let len = u64::from_le_bytes(bytes[at..at + 8].try_into().ok()?) as usize;
    at += 8;
    let digest = &bytes[at..at + 32];
    let payload = HEADER..HEADER.checked_add(len)?;
    if payload.end != bytes.len() || Sha256::digest(&bytes[payload.clone()]).as_slice() != digest {
        return None;
    }
    Some(payload)
}

/// The cache this process uses, when one is set ([`set`]).
pub fn current() -> Option<DiskCache> {
    CURRENT.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Sets (or, with `None`, turns off) the cache this process uses.
pub fn set(cache: Option<DiskCache>) {
    *CURRENT.lock().unwrap_or_else(|p| p.into_inner()) = cache;
}

static CURRENT: Mutex<Option<DiskCache>> = Mutex::new(None);

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "assay-cache-test-{}-{}",
            std::process::id(),
            TMP.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn an_entry_reads_back_and_a_damaged_one_is_removed() {
        let dir = tmp();
        let c = DiskCache::new(&dir);
        let k = key(["a", "b"]);
        assert_eq!(c.get("t", &k), None);
        c.put("t", &k, b"payload");
        assert_eq!(c.get("t", &k).as_deref(), Some(&b"payload"[..]));
        // One byte of the payload flipped: a miss, and the entry is gone.
        let path = c.path("t", &k);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(c.get("t", &k), None);
        assert!(!path.exists());
        // An intact entry of another key, put in this key's place: foreign, ignored.
        let other = key(["a", "c"]);
        c.put("t", &other, b"payload");
        std::fs::copy(c.path("t", &other), &path).unwrap();
        assert_eq!(c.get("t", &k), None);
        // Truncated.
        c.put("t", &k, b"payload");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 2]).unwrap();
        assert_eq!(c.get("t", &k), None);
        assert_eq!(c.size().unwrap().0, 1);
        assert_eq!(c.clean().unwrap(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn key_parts_are_delimited() {
        assert_ne!(key(["ab", "c"]), key(["a", "bc"]));
        assert_eq!(key(["ab", "c"]), key(["ab", "c"]));
    }
}
