//! Incremental re-validation: each file's partial check results, kept on disk, so a dataset
//! validated again after one of its files changed reads that one file (`docs/storage.md`,
//! "Caching").
//!
//! What is kept is what the engine's workers hand back for each row group that needed data:
//! every check's counters and samples ([`Part`]) and its kind's mergeable state (a row group's
//! unique keys with their rows, an aggregate's moments, a monotonic column's ends). A file
//! taken from the cache still has its footer read (for an object in a store, from the footer
//! cache, so without a request), its schema checked and every check's statistics-first
//! decisions made as in a cold run; only the decoding is replaced, by merging the kept results
//! in the same row-group order. The report is therefore the one a cold run gives, byte for
//! byte, except for the `storage` counters of what this run fetched.
//!
//! An entry's key is the sha256 of everything its contents depend on: the format, the build of
//! `assay` that wrote it, the resource's planned checks and primary key, the settings that
//! shape results (samples, batch size, memory limit), the file's path and place in the
//! resource, each check's state at the start of the file (a check that already failed to run
//! is skipped, so entries differ) and what the check prepared from other files (the row groups
//! `unique` resolves on their own), and the file's content:
//!
//! - an object in a store: its URL, size and ETag (reads are conditional on that ETag);
//! - a local file: the sha256 of its bytes. Knowing it means reading the file, so a run looks up
//!   the sha256 last seen for the file's path, size, modification time and inode, takes the
//!   entry for that sha256, and uses it only when hashing the file gives that sha256; hashing
//!   is several times cheaper than decoding and checking. With `--quick`, the path, size,
//!   modification time and inode are trusted as an ETag is, and nothing is read.
//!
//! A check whose results depend on other data (`foreign_key`, which looks its keys up in the
//! target resource) is never kept: a file taken from the cache is still read and decoded for
//! it (a local file is then read twice: once to confirm its hash, once for those checks).

use std::any::Any;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use assay_model::paths::ResolvedFile;
use assay_model::report::FileReport;
use assay_storage::cache::{DiskCache, Key, key};

use super::Options;
use super::codec::{Dec, Enc};
use super::resource::Slot;
use crate::checks::{DynKernel, Part};

/// Bumped whenever what an entry holds changes shape.
const FORMAT: &str = "assay-results-2";

/// The run's cache settings.
#[derive(Debug, Clone)]
pub struct CacheOptions {
    /// Where entries live.
    pub disk: DiskCache,
    /// Trust a local file's path, size, modification time and inode as its identity, without
    /// hashing it (`validate --quick`).
    pub trust_file_stat: bool,
}

/// What the cache did in this process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheUsage {
    /// Files whose results came from the cache.
    pub reused: u64,
    /// Files read and kept.
    pub stored: u64,
}

static REUSED: AtomicU64 = AtomicU64::new(0);
static STORED: AtomicU64 = AtomicU64::new(0);

/// Totals since the process started.
pub fn cache_usage() -> CacheUsage {
    CacheUsage {
        reused: REUSED.load(Ordering::Relaxed),
        stored: STORED.load(Ordering::Relaxed),
    }
}

/// How a file's content is recognised.
enum Identity {
    /// Trusted as is: an object's URL, size and ETag; with `--quick`, a local file's state.
    Trusted(String),
    /// By the sha256 of its bytes; `hint` is the file's state when it was last hashed.
    Hashed { hint: String },
}

fn identity(f: &ResolvedFile, options: &Options, cache: &CacheOptions) -> Option<Identity> {
    if let Some(info) = &f.remote {
        let etag = info.etag.as_ref()?;
        let id = format!("object\n{}\n{}\n{etag}", info.url, info.size);
        return Some(if options.hash_remote {
            Identity::Hashed { hint: id }
        } else {
            Identity::Trusted(id)
        });
    }
    let m = std::fs::metadata(&f.path).ok()?;
    let path = std::fs::canonicalize(&f.path).ok()?;
    let mtime = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    #[cfg(unix)]
    let extra = {
        use std::os::unix::fs::MetadataExt;
        format!("{} {} {} {}", m.dev(), m.ino(), m.ctime(), m.ctime_nsec())
    };
    #[cfg(not(unix))]
    let extra = String::new();
    let state = format!("file\n{}\n{}\n{mtime}\n{extra}", path.display(), m.len());
    Some(if cache.trust_file_stat {
        Identity::Trusted(state)
    } else {
        Identity::Hashed { hint: state }
    })
}

/// The size and modification time of the running executable: entries written by another build
/// are not read.
fn build_stamp() -> &'static str {
    static STAMP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    STAMP.get_or_init(|| {
        std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| {
                let t = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                format!("{} {t}", m.len())
            })
            .unwrap_or_default()
    })
}

/// What a file's entry depends on, apart from its content.
pub(crate) struct Ask<'a> {
    pub options: &'a Options,
    pub file: &'a ResolvedFile,
    pub index: u32,
    /// The resource's planned checks and key, serialised.
    pub resource_key: &'a str,
    /// The file's sha256 hashed ahead ([`prehash`]).
    pub prehashed: Option<&'a Prehashed>,
}

/// How one file of a run uses the cache.
pub(crate) enum CacheUse {
    Off,
    /// Read the file; keep what its row groups give.
    Record(Recorder),
    /// The checks' results for the file, from an entry.
    Replay(Replayed),
}

/// A check's state at the start of a file, as the key holds it.
fn status(s: &Slot) -> String {
    match (&s.file, &s.tally.error) {
        (Some(f), None) => match f.cache_key() {
            Some(k) => format!("kept {k}"),
            None => "read".into(),
        },
        _ => "off".into(),
    }
}

/// True when a check of the file must read it whatever the cache holds.
pub(crate) fn reads_anyway(slots: &[Slot]) -> bool {
    slots.iter().any(|s| {
        s.tally.error.is_none() && s.file.as_ref().is_some_and(|f| f.cache_key().is_none())
    })
}

/// Looks the file up. `hash` reads the file and gives the sha256 of its bytes; it is called only
/// to confirm an entry found for a local file.
pub(crate) fn prepare(
    ask: &Ask,
    slots: &[Slot],
    hash: impl FnOnce() -> Option<String>,
) -> CacheUse {
    let Some(cache) = &ask.options.cache else {
        return CacheUse::Off;
    };
    let Some(identity) = identity(ask.file, ask.options, cache) else {
        return CacheUse::Off;
    };
    let o = ask.options;
    let base = vec![
        FORMAT.to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
        build_stamp().to_string(),
        ask.resource_key.to_string(),
        ask.file.rel.clone(),
        ask.index.to_string(),
        format!("{} {} {}", o.samples, o.batch_size, o.memory_limit),
        slots.iter().map(status).collect::<Vec<_>>().join("\n"),
    ];
    let disk = &cache.disk;
    let found = |content: &str| {
        let k = results_key(&base, content);
        disk.get(KIND, &k).and_then(|p| decode(&p, slots))
    };
    let recorder = |content: Option<String>, hint: Option<String>| {
        CacheUse::Record(Recorder {
            disk: disk.clone(),
            base: base.clone(),
            content,
            hint,
            groups: Vec::new(),
            bytes: 0,
            limit: o.memory_limit / 4,
            full: false,
        })
    };
    match identity {
        Identity::Trusted(id) => match found(&id) {
            Some(r) => CacheUse::Replay(r),
            None => recorder(Some(id), None),
        },
        Identity::Hashed { hint } => {
            // Hashed ahead, when the file is in the state it was then; else looked up and hashed
            // now.
            let (last, now) = match ask.prehashed {
                Some(p) if p.hint == hint => (Some(p.last.clone()), Some(p.sha256.clone())),
                _ => (last_sha256(disk, &hint), None),
            };
            let now = || now.or_else(hash);
            if let Some(sha) = last
                && let Some(r) = found(&format!("sha256 {sha}"))
                && now().as_deref() == Some(sha.as_str())
            {
                return CacheUse::Replay(r);
            }
            recorder(None, Some(hint))
        }
    }
}

/// The sha256 of each local file the cache may hold results for (one whose state when last
/// hashed is known), hashed on `--jobs` threads before the files are read in order
/// (`assay_integrity::lock::hash_all`); `None` for the others, which are hashed as they are read.
pub(crate) fn prehash(
    dir: &std::path::Path,
    files: &[ResolvedFile],
    options: &Options,
) -> Vec<Option<Prehashed>> {
    let mut out = vec![None; files.len()];
    let Some(cache) = &options.cache else {
        return out;
    };
    let mut known: HashMap<&str, (usize, String, String)> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.remote.is_none()
            && let Some(Identity::Hashed { hint }) = identity(f, options, cache)
            && let Some(last) = last_sha256(&cache.disk, &hint)
        {
            known.insert(f.rel.as_str(), (i, hint, last));
        }
    }
    let todo: Vec<&ResolvedFile> = files
        .iter()
        .filter(|f| known.contains_key(f.rel.as_str()))
        .collect();
    for (rel, facts) in assay_integrity::lock::hash_all(dir, &todo, options.jobs) {
        if let (Ok(facts), Some((i, hint, last))) = (facts, known.remove(rel.as_str())) {
            out[i] = Some(Prehashed {
                hint,
                last,
                sha256: facts.sha256,
            });
        }
    }
    out
}

/// A file hashed ahead: its state when it was hashed, the sha256 last seen for that state, and
/// the sha256 now.
#[derive(Clone)]
pub(crate) struct Prehashed {
    hint: String,
    last: String,
    sha256: String,
}

/// The sha256 a file had when it was last hashed in the state `hint`.
fn last_sha256(disk: &DiskCache, hint: &str) -> Option<String> {
    disk.get(HINTS, &hint_key(hint))
        .and_then(|p| String::from_utf8(p).ok())
}

const KIND: &str = "results";
const HINTS: &str = "sha256";

fn results_key(base: &[String], content: &str) -> Key {
    key(base.iter().map(String::as_str).chain([content]))
}

fn hint_key(hint: &str) -> Key {
    key(["sha256 of", hint])
}

/// A row group's kept results: its index, and per check, the check's index and its encoded
/// part and state.
type RecordedGroup = (usize, Vec<(usize, Vec<u8>)>);

/// Keeps what a file's row groups give, to store once the file was read to its end.
pub(crate) struct Recorder {
    disk: DiskCache,
    base: Vec<String>,
    /// The content's identity when known before reading (`None`: the sha256 the read gives).
    content: Option<String>,
    hint: Option<String>,
    /// Per row group, in order: (check index, encoded part and state).
    groups: Vec<RecordedGroup>,
    bytes: u64,
    /// Past this many bytes the file is not kept (a quarter of the memory limit).
    limit: u64,
    full: bool,
}

impl Recorder {
    /// Keeps one check's results for row group `rg`, before they are merged.
    pub fn record(
        &mut self,
        rg: usize,
        slot: usize,
        kernel: &dyn DynKernel,
        part: &Part,
        state: &(dyn Any + Send),
    ) {
        if self.full {
            return;
        }
        let mut buf = Vec::new();
        let mut e = Enc(&mut buf);
        e.part(part);
        let mut s = Vec::new();
        if !kernel.encode_state(state, &mut Enc(&mut s)) {
            self.give_up();
            return;
        }
        e.bytes(&s);
        self.bytes += buf.len() as u64;
        if self.bytes > self.limit {
            self.give_up();
            return;
        }
        match self.groups.last_mut() {
            Some((g, v)) if *g == rg => v.push((slot, buf)),
            _ => self.groups.push((rg, vec![(slot, buf)])),
        }
    }

    fn give_up(&mut self) {
        self.full = true;
        self.groups = Vec::new();
    }

    /// Stores the entry of a file read to its end without error.
    pub fn store(self, report: &FileReport) {
        if self.full || report.error.is_some() {
            return;
        }
        let content = match (&self.content, &report.sha256) {
            (Some(id), _) => id.clone(),
            (None, Some(sha)) => format!("sha256 {sha}"),
            (None, None) => return,
        };
        let mut payload = Vec::with_capacity(self.bytes as usize + 1024);
        let mut e = Enc(&mut payload);
        e.bytes(&serde_json::to_vec(report).unwrap_or_default());
        e.u64(self.groups.len() as u64);
        for (rg, parts) in &self.groups {
            e.u64(*rg as u64);
            e.u64(parts.len() as u64);
            for (slot, buf) in parts {
                e.u64(*slot as u64);
                e.0.extend_from_slice(buf);
            }
        }
        self.disk
            .put(KIND, &results_key(&self.base, &content), &payload);
        if let (Some(hint), Some(sha)) = (&self.hint, &report.sha256) {
            self.disk.put(HINTS, &hint_key(hint), sha.as_bytes());
        }
        STORED.fetch_add(1, Ordering::Relaxed);
    }
}

/// A file's results, from its entry.
pub(crate) struct Replayed {
    /// The file's report as the run that kept it wrote it.
    pub report: FileReport,
    parts: HashMap<(usize, usize), (Part, Box<dyn Any + Send>)>,
}

impl Replayed {
    /// The kept results of row group `rg` for the checks in `need`.
    pub fn take(&mut self, rg: usize, need: &[usize]) -> Vec<(usize, Part, Box<dyn Any + Send>)> {
        need.iter()
            .filter_map(|&i| self.parts.remove(&(rg, i)).map(|(p, s)| (i, p, s)))
            .collect()
    }

    /// Counts the file as taken from the cache.
    pub fn used(&self) {
        REUSED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Decodes an entry against the checks it was kept for; `None` when anything does not fit.
fn decode(payload: &[u8], slots: &[Slot]) -> Option<Replayed> {
    let mut d = Dec(payload);
    let report: FileReport = serde_json::from_slice(d.bytes()?).ok()?;
    let mut parts = HashMap::new();
    for _ in 0..d.u64()? {
        let rg = usize::try_from(d.u64()?).ok()?;
        for _ in 0..d.u64()? {
            let slot = usize::try_from(d.u64()?).ok()?;
            let s = slots.get(slot)?;
            s.file.as_ref()?.cache_key()?;
            let part = d.part()?;
            let mut sd = Dec(d.bytes()?);
            let state = s.kernel.decode_state(&mut sd)?;
            if !sd.done() {
                return None;
            }
            parts.insert((rg, slot), (part, state));
        }
    }
    d.done().then_some(Replayed { report, parts })
}
