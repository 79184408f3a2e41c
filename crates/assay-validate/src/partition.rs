//! Exact duplicates among the integer-like keys of a whole resource (`unique` and `unique_key`
//! on one integer, date or timestamp column), by radix-partitioned hashing.
//!
//! - On the workers, each row group's keys are grouped by partition (a counting sort on the top
//!   [`BITS`] bits of a hash of the value), so the reading thread only appends slices.
//! - The reading thread keeps each row group's grouped keys as they are, in row-group order,
//!   with the file they came from: within a partition, locations ascend.
//! - Past the memory budget (counted by allocated capacity), every partition's keys are
//!   appended to its own file on disk, and the memory is freed.
//! - At the end, the [`PARTS`] partitions are deduplicated on every core: each is gathered
//!   into one buffer and run through an open-addressing table of 4-byte indexes (about 0.5 MB
//!   for 20 million keys), so the work stays in the core's cache.
//!
//! The result is the one a sort of every (value, location) pair gives: the count of entries
//! whose value appeared at a lower location, and the `samples` lowest of them with the location
//! of that first one. The sort this replaces is kept in `crate::spill` for byte keys.

use std::io::{BufWriter, Read, Write};

/// Partitions: 2^BITS.
pub(crate) const BITS: u32 = 8;
pub(crate) const PARTS: usize = 1 << BITS;

/// Duplicates found: their count, and the lowest (location, first location, value) triples.
pub(crate) type Found = (u64, Vec<(u64, u64, u64)>);

#[inline]
fn mix(v: u64) -> u64 {
    let v = (v ^ (v >> 32)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (v ^ (v >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The partition of a value.
#[inline]
pub(crate) fn partition_of(v: u64) -> usize {
    (mix(v) >> (64 - BITS)) as usize
}

/// Groups (value, row) pairs by partition, keeping row order within each: the pairs, and where
/// each partition's run starts (`PARTS + 1` offsets).
pub(crate) fn group(keys: &[(u64, u64)]) -> (Vec<(u64, u64)>, Vec<u32>) {
    let mut counts = vec![0u32; PARTS + 1];
    let parts: Vec<u8> = keys.iter().map(|(v, _)| partition_of(*v) as u8).collect();
    for &p in &parts {
        counts[p as usize + 1] += 1;
    }
    for i in 1..=PARTS {
        counts[i] += counts[i - 1];
    }
    let starts = counts.clone();
    let mut out = vec![(0u64, 0u64); keys.len()];
    for (k, &p) in keys.iter().zip(&parts) {
        let at = &mut counts[p as usize];
        out[*at as usize] = *k;
        *at += 1;
    }
    (out, starts)
}

/// One row group's keys, grouped by partition, with the file they are in.
struct Chunk {
    file: u32,
    keys: Vec<(u64, u64)>,
    starts: Vec<u32>,
}

impl Chunk {
    /// Partition `p`'s keys of this row group, with their packed locations.
    fn part(&self, p: usize) -> impl Iterator<Item = (u64, u64)> + '_ {
        let (a, b) = (self.starts[p] as usize, self.starts[p + 1] as usize);
        let file = self.file;
        self.keys[a..b]
            .iter()
            .map(move |&(v, row)| (v, crate::spill::pack_loc(file, row)))
    }
}

/// Every partition of a resource's keys: row groups' grouped keys kept as they came (nothing is
/// copied on the reading thread), and each partition's file on disk past the budget.
pub(crate) struct Partitions {
    chunks: Vec<Chunk>,
    bytes: u64,
    files: Vec<Option<BufWriter<std::fs::File>>>,
}

impl Default for Partitions {
    fn default() -> Self {
        Partitions {
            chunks: Vec::new(),
            bytes: 0,
            files: (0..PARTS).map(|_| None).collect(),
        }
    }
}

impl Partitions {
    /// Keeps one row group's keys of file `file`, grouped by [`group`].
    pub fn add(&mut self, file: u32, keys: Vec<(u64, u64)>, starts: Vec<u32>) {
        self.bytes += keys.capacity() as u64 * 16 + starts.capacity() as u64 * 4;
        self.chunks.push(Chunk { file, keys, starts });
    }

    /// Bytes held in memory.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty() && self.files.iter().all(Option::is_none)
    }

    /// Appends every partition's keys to its file on disk and frees the memory.
    pub fn spill(&mut self) -> std::io::Result<()> {
        for p in 0..PARTS {
            if self.chunks.iter().all(|c| c.starts[p] == c.starts[p + 1]) {
                continue;
            }
            let w = match &mut self.files[p] {
                Some(w) => w,
                slot => slot.insert(BufWriter::with_capacity(1 << 16, tempfile::tempfile()?)),
            };
            for c in &self.chunks {
                for (k, loc) in c.part(p) {
                    w.write_all(&k.to_le_bytes())?;
                    w.write_all(&loc.to_le_bytes())?;
                }
            }
        }
        self.chunks = Vec::new();
        self.bytes = 0;
        Ok(())
    }

    /// Duplicates: their count, and the `samples` lowest (location, first location, value),
    /// by location. Partitions are deduplicated on `jobs` threads.
    pub fn duplicates(self, jobs: usize, samples: usize) -> std::io::Result<Found> {
        let Partitions { chunks, files, .. } = self;
        let work = std::sync::Mutex::new(files.into_iter().enumerate());
        let results = std::sync::Mutex::new(Vec::new());
        let failed = std::sync::Mutex::new(None);
        let chunks = &chunks;
        std::thread::scope(|scope| {
            for _ in 0..jobs.max(1) {
                scope.spawn(|| {
                    let (mut keys, mut table) = (Vec::new(), Vec::new());
                    loop {
                        let next = work.lock().unwrap_or_else(|p| p.into_inner()).next();
                        let Some((p, file)) = next else { break };
                        keys.clear();
                        // Spilled keys first: they came before those still in memory.
                        if let Some(w) = file
                            && let Err(e) = read_back(w, &mut keys)
                        {
                            *failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                            break;
                        }
                        for c in chunks {
                            keys.extend(c.part(p));
                        }
                        let found = dedupe(&keys, &mut table, samples);
                        results
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(found);
                    }
                });
            }
        });
        if let Some(e) = failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
        let mut failing = 0;
        let mut dups = Vec::new();
        for (f, d) in results.into_inner().unwrap_or_else(|p| p.into_inner()) {
            failing += f;
            dups.extend(d);
        }
        dups.sort_unstable();
        dups.truncate(samples);
        Ok((failing, dups))
    }
}

/// A spilled partition's keys, appended to `out`.
fn read_back(w: BufWriter<std::fs::File>, out: &mut Vec<(u64, u64)>) -> std::io::Result<()> {
    use std::io::Seek;
    let mut file = w.into_inner().map_err(|e| e.into_error())?;
    file.seek(std::io::SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    out.reserve(bytes.len() / 16);
    for c in bytes.chunks_exact(16) {
        let (k, loc) = c.split_at(8);
        out.push((
            u64::from_le_bytes(k.try_into().unwrap_or_default()),
            u64::from_le_bytes(loc.try_into().unwrap_or_default()),
        ));
    }
    Ok(())
}

/// Duplicates within one partition, whose locations ascend. The table holds indexes into
/// `keys` (4 bytes a slot), so it and the keys stay in a core's cache for partitions of up to
/// about 100,000 keys.
fn dedupe(keys: &[(u64, u64)], table: &mut Vec<u32>, samples: usize) -> Found {
    if keys.is_empty() {
        return (0, Vec::new());
    }
    let cap = (keys.len() + keys.len() / 2).next_power_of_two().max(16);
    let shift = 64 - cap.trailing_zeros();
    let mask = cap - 1;
    table.clear();
    table.resize(cap, u32::MAX);
    let mut failing = 0u64;
    // The lowest `samples` duplicates: locations ascend, so the first ones found are they.
    let mut dups = Vec::new();
    for (n, &(v, loc)) in keys.iter().enumerate() {
        // The bits below the partition's.
        let mut i = ((mix(v) << BITS) >> shift) as usize;
        loop {
            let at = table[i];
            if at == u32::MAX {
                table[i] = n as u32;
                break;
            }
            let (tv, first) = keys[at as usize];
            if tv == v {
                failing += 1;
                if dups.len() < samples {
                    dups.push((loc, first, v));
                }
                break;
            }
            i = (i + 1) & mask;
        }
    }
    (failing, dups)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sort-based answer: every entry after the first of its value (by location).
    fn by_sorting(keys: &[(u64, u64)], samples: usize) -> Found {
        let mut sorted = keys.to_vec();
        sorted.sort_unstable();
        crate::spill::scan_duplicates(sorted.into_iter(), samples)
    }

    #[test]
    fn partitioned_hashing_gives_what_sorting_gives_in_memory_and_spilled() {
        let mut rng = 0x1234_5678u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        // 200,000 keys in 20 "row groups" of 2 files, values from a small range (many
        // duplicates) and a few extremes.
        let mut all = Vec::new();
        let mut parts = Partitions::default();
        let mut spilled = Partitions::default();
        for rg in 0..20u64 {
            let file = (rg / 10) as u32;
            let keys: Vec<(u64, u64)> = (0..10_000u64)
                .map(|i| {
                    let v = match next() % 100 {
                        0 => u64::MAX,
                        1 => 0,
                        _ => next() % 150_000,
                    };
                    (v, (rg % 10) * 10_000 + i)
                })
                .collect();
            let pack = |row: u64| crate::spill::pack_loc(file, row);
            all.extend(keys.iter().map(|&(v, r)| (v, pack(r))));
            let (grouped, starts) = group(&keys);
            parts.add(file, grouped.clone(), starts.clone());
            spilled.add(file, grouped, starts);
            if rg % 3 == 0 {
                spilled.spill().unwrap();
            }
        }
        let expected = by_sorting(&all, 25);
        assert!(expected.0 > 1000, "{}", expected.0);
        for jobs in [1, 2, 3] {
            let p = std::mem::take(&mut parts);
            // Keep a copy for the next round.
            let mut again = Partitions::default();
            for c in &p.chunks {
                again.add(c.file, c.keys.clone(), c.starts.clone());
            }
            assert_eq!(p.duplicates(jobs, 25).unwrap(), expected, "jobs {jobs}");
            parts = again;
        }
        assert_eq!(spilled.duplicates(2, 25).unwrap(), expected);
    }
}
