//! The rows `split_leakage` and `conflicting_labels` compare, kept once for both.
//!
//! - Each row whose features are all non-null becomes one 32-byte entry: the 128-bit hash of
//!   its features, a 64-bit hash of its label (0: no label) and its location (the file's index
//!   in split order, then the row's number in the file).
//! - Entries are radix-partitioned by the top [`BITS`] bits of the hash. Past the budget (counted
//!   by allocated capacity), every partition is sorted and appended to its own file on disk as a
//!   run, and the memory freed. Past [`MAX_RUNS`] runs a partition's runs are merged into one.
//! - At the end each partition's runs and what is left in memory are merged by (hash,
//!   location), on `jobs` threads, and walked once as a stream, keeping only the run of equal
//!   hashes at hand (a few counters), so many equal rows in one partition cost no memory:
//!   rows with equal features are neighbours, in split order (train, validation, test; each
//!   split's files in path order; rows in order), so the first of a run is where the features
//!   first appeared, in whatever order the rows were read.
//!
//! The answer is the one the in-memory hash tables it replaces gave: a row is shared when an
//! earlier split has its features (named at the first such row), and a run of equal features
//! conflicts when a labelled row's label differs from the first labelled row's.

use std::io::{BufWriter, Write};

use arrow::array::{Array, ArrayRef};
use arrow::buffer::NullBuffer;

/// Partitions: 2^BITS.
const BITS: u32 = 8;
const PARTS: usize = 1 << BITS;
/// Bytes of one entry, in memory and on disk.
const ENTRY: usize = 32;
/// Sorted runs a partition keeps on disk before they are merged into one.
const MAX_RUNS: usize = 16;
/// Bits of a location that hold the row number (the rest hold the file's index).
const ROW_BITS: u32 = 40;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    hash: u128,
    loc: u64,
    label: u64,
}

impl Entry {
    fn encode(&self) -> [u8; ENTRY] {
        let mut b = [0u8; ENTRY];
        b[..16].copy_from_slice(&self.hash.to_le_bytes());
        b[16..24].copy_from_slice(&self.loc.to_le_bytes());
        b[24..].copy_from_slice(&self.label.to_le_bytes());
        b
    }

    fn decode(b: &[u8]) -> Entry {
        let mut h = [0u8; 16];
        h.copy_from_slice(&b[..16]);
        let mut l = [0u8; 8];
        l.copy_from_slice(&b[16..24]);
        let mut t = [0u8; 8];
        t.copy_from_slice(&b[24..32]);
        Entry {
            hash: u128::from_le_bytes(h),
            loc: u64::from_le_bytes(l),
            label: u64::from_le_bytes(t),
        }
    }
}

/// A location: the file's index (in [`Rows::sources`]) and the row's number in it.
pub(crate) fn pack(file: usize, row: u64) -> u64 {
    ((file as u64) << ROW_BITS) | row
}

/// The index of a location's file.
pub(crate) fn file_of(loc: u64) -> usize {
    (loc >> ROW_BITS) as usize
}

/// A location's row number in its file.
pub(crate) fn row_of(loc: u64) -> u64 {
    loc & ((1u64 << ROW_BITS) - 1)
}

/// The compared rows of every split.
pub(crate) struct Rows {
    parts: Vec<Vec<Entry>>,
    files: Vec<Option<OnDisk>>,
    /// Bytes allocated in `parts`.
    bytes: u64,
    budget: u64,
    /// Bytes written to disk.
    pub spilled: u64,
    /// Rows compared (every feature non-null), per split.
    pub compared: Vec<u64>,
    /// Compared rows with a label.
    pub labelled: u64,
}

/// A partition's sorted runs on disk, one after another in one file.
struct OnDisk {
    file: BufWriter<std::fs::File>,
    /// Entries in each run.
    runs: Vec<u64>,
}

impl OnDisk {
    /// The file, written through.
    fn into_file(self) -> std::io::Result<(std::fs::File, Vec<u64>)> {
        Ok((
            self.file.into_inner().map_err(|e| e.into_error())?,
            self.runs,
        ))
    }
}

/// A reader of each run of `file` (`runs` entries each), by positional reads, so the runs of
/// one file are read side by side.
fn run_readers<'a>(
    file: &'a std::fs::File,
    runs: &[u64],
    error: &'a std::cell::RefCell<Option<std::io::Error>>,
) -> Vec<RunReader<'a>> {
    let mut at = 0u64;
    runs.iter()
        .map(|&n| {
            let r = RunReader {
                file,
                pos: at * ENTRY as u64,
                end: (at + n) * ENTRY as u64,
                buf: Vec::new(),
                used: 0,
                error,
            };
            at += n;
            r
        })
        .collect()
}

/// A run's entries in order; a read error ends it and is kept in `error`.
struct RunReader<'a> {
    file: &'a std::fs::File,
    /// The next byte to read from the file, and where the run ends.
    pos: u64,
    end: u64,
    buf: Vec<u8>,
    used: usize,
    error: &'a std::cell::RefCell<Option<std::io::Error>>,
}

/// Fills `buf` from `file` at `offset`.
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            match std::os::windows::fs::FileExt::seek_read(
                file,
                &mut buf[done..],
                offset + done as u64,
            )? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
}

impl Iterator for RunReader<'_> {
    type Item = Entry;
    fn next(&mut self) -> Option<Entry> {
        if self.used == self.buf.len() {
            let n = (self.end - self.pos).min(1 << 15) as usize;
            if n == 0 {
                return None;
            }
            self.buf.resize(n, 0);
            if let Err(e) = read_exact_at(self.file, &mut self.buf, self.pos) {
                *self.error.borrow_mut() = Some(e);
                return None;
            }
            self.pos += n as u64;
            self.used = 0;
        }
        let e = Entry::decode(&self.buf[self.used..self.used + ENTRY]);
        self.used += ENTRY;
        Some(e)
    }
}

/// What the walk found.
#[derive(Default)]
pub(crate) struct Found {
    /// Rows of each split whose features an earlier split has.
    pub shared: Vec<u64>,
    /// The lowest shared rows: (location, location of the first row with its features).
    pub shared_samples: Vec<(u64, u64)>,
    /// Runs of equal features with more than one label, and their labelled rows.
    pub conflict_groups: u64,
    pub conflict_rows: u64,
    /// The lowest first conflicting rows of each run: (location, first labelled location).
    pub conflict_samples: Vec<(u64, u64)>,
}

impl Rows {
    pub fn new(splits: usize, budget: u64) -> Rows {
        Rows {
            parts: (0..PARTS).map(|_| Vec::new()).collect(),
            files: (0..PARTS).map(|_| None).collect(),
            bytes: 0,
            budget,
            spilled: 0,
            compared: vec![0; splits],
            labelled: 0,
        }
    }

    /// One batch of split `split` from the file of index `fi`: row numbers, feature hashes,
    /// the feature columns (a row with a null in them is not compared) and the label with its
    /// hashes.
    pub fn add(
        &mut self,
        split: usize,
        fi: usize,
        rows: &[u64],
        hashes: &[u128],
        features: &[ArrayRef],
        label: Option<(&ArrayRef, &[u128])>,
    ) -> Result<(), String> {
        if fi as u64 >= 1u64 << (64 - ROW_BITS) {
            return Err(format!(
                "over a limit: more than {} files in the splits",
                1u64 << (64 - ROW_BITS)
            ));
        }
        let valid = features.iter().fold(None::<NullBuffer>, |acc, c| {
            NullBuffer::union(acc.as_ref(), c.logical_nulls().as_ref())
        });
        for (i, h) in hashes.iter().enumerate() {
            if valid.as_ref().is_some_and(|v| v.is_null(i)) {
                continue;
            }
            if rows[i] >= 1u64 << ROW_BITS {
                return Err(format!(
                    "over a limit: a file has more than {} rows",
                    1u64 << ROW_BITS
                ));
            }
            self.compared[split] += 1;
            let label = match label {
                Some((a, l)) if a.is_valid(i) => {
                    self.labelled += 1;
                    (l[i] as u64).max(1)
                }
                _ => 0,
            };
            let part = &mut self.parts[(h >> (128 - BITS)) as usize];
            let before = part.capacity();
            part.push(Entry {
                hash: *h,
                loc: pack(fi, rows[i]),
                label,
            });
            self.bytes += ((part.capacity() - before) * ENTRY) as u64;
        }
        if self.bytes > self.budget {
            self.spill()
                .map_err(|e| format!("spilling compared rows to disk: {e}"))?;
        }
        Ok(())
    }

    /// Sorts every partition and appends it to its file on disk as a run; frees the memory.
    fn spill(&mut self) -> std::io::Result<()> {
        for (part, file) in self.parts.iter_mut().zip(self.files.iter_mut()) {
            if part.is_empty() {
                continue;
            }
            part.sort_unstable();
            let d = match file {
                Some(d) => d,
                None => file.insert(OnDisk {
                    file: BufWriter::with_capacity(1 << 13, tempfile::tempfile()?),
                    runs: Vec::new(),
                }),
            };
            for e in part.iter() {
                d.file.write_all(&e.encode())?;
            }
            d.runs.push(part.len() as u64);
            self.spilled += (part.len() * ENTRY) as u64;
            *part = Vec::new();
            if d.runs.len() >= MAX_RUNS
                && let Some(d) = file.take()
            {
                *file = Some(compact(d)?);
            }
        }
        self.bytes = 0;
        Ok(())
    }

    /// Sorts and walks every partition on `jobs` threads; keeps the `samples` lowest of each
    /// kind of sample. `split_of` gives each file index's split.
    pub fn finish(
        &mut self,
        split_of: &[usize],
        jobs: usize,
        samples: usize,
    ) -> std::io::Result<Found> {
        let splits = self.compared.len();
        let work: Vec<(Vec<Entry>, Option<OnDisk>)> = std::mem::take(&mut self.parts)
            .into_iter()
            .zip(std::mem::take(&mut self.files))
            .collect();
        let queue = std::sync::Mutex::new(work.into_iter());
        let next = || queue.lock().ok().and_then(|mut q| q.next());
        let results: Vec<std::io::Result<Found>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..jobs.max(1))
                .map(|_| {
                    s.spawn(|| -> std::io::Result<Found> {
                        let mut found = Found {
                            shared: vec![0; splits],
                            ..Found::default()
                        };
                        while let Some((mut part, on_disk)) = next() {
                            part.sort_unstable();
                            let Some(d) = on_disk else {
                                walk(part.iter().copied(), split_of, samples, &mut found);
                                continue;
                            };
                            let error = std::cell::RefCell::new(None);
                            let (file, runs) = d.into_file()?;
                            let readers = run_readers(&file, &runs, &error);
                            let mut sources: Vec<Box<dyn Iterator<Item = Entry>>> =
                                vec![Box::new(part.iter().copied())];
                            sources.extend(
                                readers
                                    .into_iter()
                                    .map(|r| Box::new(r) as Box<dyn Iterator<Item = Entry>>),
                            );
                            walk(
                                crate::spill::merge_sorted(sources),
                                split_of,
                                samples,
                                &mut found,
                            );
                            if let Some(e) = error.into_inner() {
                                return Err(e);
                            }
                        }
                        Ok(found)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join().unwrap_or_else(|_| {
                        Err(std::io::Error::other("a worker comparing rows stopped"))
                    })
                })
                .collect()
        });
        let mut all = Found {
            shared: vec![0; splits],
            ..Found::default()
        };
        for f in results {
            let f = f?;
            for (a, b) in all.shared.iter_mut().zip(&f.shared) {
                *a += b;
            }
            all.shared_samples.extend(f.shared_samples);
            all.conflict_groups += f.conflict_groups;
            all.conflict_rows += f.conflict_rows;
            all.conflict_samples.extend(f.conflict_samples);
        }
        for v in [&mut all.shared_samples, &mut all.conflict_samples] {
            v.sort_unstable();
            v.truncate(samples);
        }
        Ok(all)
    }
}

/// A partition's runs merged into one, in a new file.
fn compact(d: OnDisk) -> std::io::Result<OnDisk> {
    let error = std::cell::RefCell::new(None);
    let mut out = BufWriter::with_capacity(1 << 13, tempfile::tempfile()?);
    let mut n = 0u64;
    {
        let (file, runs) = d.into_file()?;
        let readers = run_readers(&file, &runs, &error);
        let sources = readers
            .into_iter()
            .map(|r| Box::new(r) as Box<dyn Iterator<Item = Entry>>)
            .collect();
        for e in crate::spill::merge_sorted(sources) {
            out.write_all(&e.encode())?;
            n += 1;
        }
    }
    if let Some(e) = error.into_inner() {
        return Err(e);
    }
    Ok(OnDisk {
        file: out,
        runs: vec![n],
    })
}

/// Keeps `item` among the `n` lowest in the max-heap `heap`.
fn keep_lowest(heap: &mut std::collections::BinaryHeap<(u64, u64)>, item: (u64, u64), n: usize) {
    if heap.len() < n {
        heap.push(item);
    } else if heap.peek().is_some_and(|top| item < *top) {
        heap.pop();
        heap.push(item);
    }
}

/// The run of equal hashes at hand in the walk: what it needs of its entries, not them.
struct Run {
    hash: u128,
    first: u64,
    earliest: usize,
    /// The first labelled entry's label and location.
    first_label: Option<(u64, u64)>,
    /// The first labelled entry with another label.
    conflict: Option<u64>,
    labelled: u64,
}

/// One partition in (hash, location) order: each run of equal hashes, in location order.
fn walk(
    entries: impl Iterator<Item = Entry>,
    split_of: &[usize],
    samples: usize,
    found: &mut Found,
) {
    let mut shared = std::collections::BinaryHeap::new();
    let mut conflicts = std::collections::BinaryHeap::new();
    let mut close = |r: Run, found: &mut Found| {
        if let (Some(at), Some((_, first))) = (r.conflict, r.first_label) {
            found.conflict_groups += 1;
            found.conflict_rows += r.labelled;
            keep_lowest(&mut conflicts, (at, first), samples);
        }
    };
    let mut run: Option<Run> = None;
    for e in entries {
        match &mut run {
            Some(r) if r.hash == e.hash => {
                let s = split_of[file_of(e.loc)];
                if s > r.earliest {
                    found.shared[s] += 1;
                    keep_lowest(&mut shared, (e.loc, r.first), samples);
                }
                if e.label != 0 {
                    r.labelled += 1;
                    match r.first_label {
                        None => r.first_label = Some((e.label, e.loc)),
                        Some((l, _)) if l != e.label && r.conflict.is_none() => {
                            r.conflict = Some(e.loc)
                        }
                        Some(_) => {}
                    }
                }
            }
            _ => {
                if let Some(r) = run.take() {
                    close(r, found);
                }
                run = Some(Run {
                    hash: e.hash,
                    first: e.loc,
                    earliest: split_of[file_of(e.loc)],
                    first_label: (e.label != 0).then_some((e.label, e.loc)),
                    conflict: None,
                    labelled: u64::from(e.label != 0),
                });
            }
        }
    }
    if let Some(r) = run.take() {
        close(r, found);
    }
    found.shared_samples.extend(shared.into_vec());
    found.conflict_samples.extend(conflicts.into_vec());
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use arrow::array::Int64Array;

    /// The hash-table answer the walk replaces, over (split, file, row, features, label).
    #[allow(clippy::type_complexity)]
    fn by_tables(
        rows: &[(usize, u64, u128, u64)],
        samples: usize,
    ) -> (Vec<u64>, Vec<(u64, u64)>, u64, u64, Vec<(u64, u64)>) {
        let mut seen: std::collections::HashMap<u128, (usize, u64)> = Default::default();
        let mut shared = vec![0u64; 3];
        let mut shared_samples = Vec::new();
        let mut first_label: std::collections::HashMap<u128, (u64, u64, u64, bool)> =
            Default::default();
        let mut conflict_samples = Vec::new();
        for &(split, loc, h, label) in rows {
            match seen.get(&h) {
                Some(&(s, at)) if s < split => {
                    shared[split] += 1;
                    shared_samples.push((loc, at));
                }
                Some(_) => {}
                None => {
                    seen.insert(h, (split, loc));
                }
            }
            if label != 0 {
                let e = first_label.entry(h).or_insert((label, loc, 0, false));
                e.2 += 1;
                if e.0 != label {
                    if !e.3 {
                        conflict_samples.push((loc, e.1));
                    }
                    e.3 = true;
                }
            }
        }
        shared_samples.sort_unstable();
        shared_samples.truncate(samples);
        let groups = first_label.values().filter(|e| e.3).count() as u64;
        let rows = first_label.values().filter(|e| e.3).map(|e| e.2).sum();
        conflict_samples.sort_unstable();
        conflict_samples.truncate(samples);
        (shared, shared_samples, groups, rows, conflict_samples)
    }

    #[test]
    fn the_walk_gives_what_hash_tables_give_in_memory_and_spilled() {
        let mut next = crate::ml::splitmix(7);
        // Three splits of two files each; few distinct feature rows, so many repeat.
        let mut batches = Vec::new();
        for split in 0..3 {
            for f in 0..2 {
                let file: Arc<str> = Arc::from(format!("s{split}f{f}").as_str());
                let n = 500;
                let values: Vec<Option<i64>> = (0..n)
                    .map(|_| (!next().is_multiple_of(20)).then(|| (next() % 300) as i64))
                    .collect();
                let labels: Vec<Option<i64>> = (0..n)
                    .map(|_| (!next().is_multiple_of(10)).then(|| (next() % 3) as i64))
                    .collect();
                batches.push((split, file, values, labels));
            }
        }
        let mut expected_rows = Vec::new();
        // Each file's rows added in chunks of `chunk`: with a budget of 0, one run a chunk, so
        // 60 runs a partition, merged as they pass MAX_RUNS.
        let run = |budget: u64, jobs: usize, chunk: usize| {
            let mut rows = Rows::new(3, budget);
            for (fi, (split, _, values, labels)) in batches.iter().enumerate() {
                for start in (0..values.len()).step_by(chunk) {
                    let end = (start + chunk).min(values.len());
                    let features: ArrayRef =
                        Arc::new(Int64Array::from(values[start..end].to_vec()));
                    let label: ArrayRef = Arc::new(Int64Array::from(labels[start..end].to_vec()));
                    let hashes = crate::ml::row_hashes(std::slice::from_ref(&features)).unwrap();
                    let lh = crate::ml::row_hashes(std::slice::from_ref(&label)).unwrap();
                    let numbers: Vec<u64> = (start as u64..end as u64).collect();
                    rows.add(
                        *split,
                        fi,
                        &numbers,
                        &hashes,
                        &[features],
                        Some((&label, &lh)),
                    )
                    .unwrap();
                }
            }
            let spilled = rows.spilled;
            let split_of: Vec<usize> = batches.iter().map(|b| b.0).collect();
            (
                rows.finish(&split_of, jobs, 7).unwrap(),
                spilled,
                rows.compared.clone(),
            )
        };
        for (fi, (split, _, values, labels)) in batches.iter().enumerate() {
            for (i, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    let h =
                        crate::ml::row_hashes(&[Arc::new(Int64Array::from(vec![*v])) as ArrayRef])
                            .unwrap()[0];
                    let label = labels[i].map_or(0, |l| {
                        (crate::ml::row_hashes(&[Arc::new(Int64Array::from(vec![l])) as ArrayRef])
                            .unwrap()[0] as u64)
                            .max(1)
                    });
                    expected_rows.push((*split, pack(fi, i as u64), h, label));
                }
            }
        }
        let (shared, shared_samples, groups, conflict_rows, conflict_samples) =
            by_tables(&expected_rows, 7);
        assert!(shared[1] > 0 && shared[2] > 0 && groups > 0);
        for (budget, jobs, chunk) in [
            (u64::MAX, 1, 500),
            (u64::MAX, 2, 500),
            (4096, 2, 500),
            (0, 3, 500),
            (0, 2, 50),
        ] {
            let (found, spilled, compared) = run(budget, jobs, chunk);
            assert_eq!(spilled > 0, budget < u64::MAX, "budget {budget}");
            assert_eq!(found.shared, shared, "budget {budget}");
            assert_eq!(found.shared_samples, shared_samples, "budget {budget}");
            assert_eq!(found.conflict_groups, groups);
            assert_eq!(found.conflict_rows, conflict_rows);
            assert_eq!(found.conflict_samples, conflict_samples);
            assert_eq!(compared.iter().sum::<u64>(), expected_rows.len() as u64);
        }
    }
}
