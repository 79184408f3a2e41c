//! Exact duplicates among the integer-like keys of a whole resource (`unique` and `unique_key`
//! on one integer, date or timestamp column), by radix-partitioned hashing.
//!
//! - On the workers, each row group's keys are grouped by partition (a counting sort on the top
//!   [`BITS`] bits of a hash of the value), so the reading thread only appends slices.
//! - The reading thread appends them, with their packed (file, row) locations, to [`PARTS`]
//!   partitions, in row-group order: within a partition, locations ascend.
//! - Past the memory budget (counted by allocated capacity), every partition is appended to its
//!   own file on disk and emptied.
//! - At the end, the partitions are deduplicated on every core, each with an open-addressing
//!   table of (value, first location) sized to the partition (a few hundred KB for 20 million
//!   keys), so the work stays in cache.
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

/// A location no key has (the table's empty slot).
const EMPTY: u64 = u64::MAX;

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

/// Every partition of a resource's keys: in memory, and on disk past the budget.
pub(crate) struct Partitions {
    mem: Vec<Vec<(u64, u64)>>,
    files: Vec<Option<BufWriter<std::fs::File>>>,
}

impl Default for Partitions {
    fn default() -> Self {
        Partitions {
            mem: vec![Vec::new(); PARTS],
            files: (0..PARTS).map(|_| None).collect(),
        }
    }
}

impl Partitions {
    /// Appends one row group's grouped keys, located in file `file` (`pack` makes the location).
    pub fn add(&mut self, keys: &[(u64, u64)], starts: &[u32], pack: impl Fn(u64) -> u64) {
        for p in 0..PARTS {
            let (a, b) = (starts[p] as usize, starts[p + 1] as usize);
            if a < b {
                self.mem[p].extend(keys[a..b].iter().map(|&(v, row)| (v, pack(row))));
            }
        }
    }

    /// Bytes allocated in memory.
    pub fn bytes(&self) -> u64 {
        self.mem.iter().map(|v| v.capacity() as u64 * 16).sum()
    }

    /// True when nothing was added.
    pub fn is_empty(&self) -> bool {
        self.mem.iter().all(Vec::is_empty) && self.files.iter().all(Option::is_none)
    }

    /// Appends every partition to its file on disk and frees the memory.
    pub fn spill(&mut self) -> std::io::Result<()> {
        for (p, v) in self.mem.iter_mut().enumerate() {
            if v.is_empty() {
                continue;
            }
            let w = match &mut self.files[p] {
                Some(w) => w,
                slot => slot.insert(BufWriter::with_capacity(1 << 16, tempfile::tempfile()?)),
            };
            for (k, loc) in v.iter() {
                w.write_all(&k.to_le_bytes())?;
                w.write_all(&loc.to_le_bytes())?;
            }
            *v = Vec::new();
        }
        Ok(())
    }

    /// Duplicates: their count, and the `samples` lowest (location, first location, value),
    /// by location. Partitions are deduplicated on `jobs` threads.
    pub fn duplicates(self, jobs: usize, samples: usize) -> std::io::Result<Found> {
        let Partitions { mem, files } = self;
        let work = std::sync::Mutex::new(mem.into_iter().zip(files));
        let results = std::sync::Mutex::new(Vec::new());
        let failed = std::sync::Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..jobs.max(1) {
                scope.spawn(|| {
                    let mut table = Vec::new();
                    loop {
                        let next = work.lock().unwrap_or_else(|p| p.into_inner()).next();
                        let Some((mem, file)) = next else { break };
                        let keys = match file {
                            None => mem,
                            Some(w) => match read_back(w, mem) {
                                Ok(k) => k,
                                Err(e) => {
                                    *failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                                    break;
                                }
                            },
                        };
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

/// A spilled partition's keys, then the ones still in memory (which came later).
fn read_back(
    w: BufWriter<std::fs::File>,
    rest: Vec<(u64, u64)>,
) -> std::io::Result<Vec<(u64, u64)>> {
    use std::io::Seek;
    let mut file = w.into_inner().map_err(|e| e.into_error())?;
    file.seek(std::io::SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let mut out = Vec::with_capacity(bytes.len() / 16 + rest.len());
    for c in bytes.chunks_exact(16) {
        let (k, loc) = c.split_at(8);
        out.push((
            u64::from_le_bytes(k.try_into().unwrap_or_default()),
            u64::from_le_bytes(loc.try_into().unwrap_or_default()),
        ));
    }
    out.extend(rest);
    Ok(out)
}

/// Duplicates within one partition, whose locations ascend.
fn dedupe(keys: &[(u64, u64)], table: &mut Vec<(u64, u64)>, samples: usize) -> Found {
    if keys.is_empty() {
        return (0, Vec::new());
    }
    let cap = (keys.len() * 2).next_power_of_two().max(16);
    let shift = 64 - cap.trailing_zeros();
    let mask = cap - 1;
    table.clear();
    table.resize(cap, (0, EMPTY));
    let mut failing = 0u64;
    // The lowest `samples` duplicates: locations ascend, so the first ones found are they.
    let mut dups = Vec::new();
    for &(v, loc) in keys {
        // The bits below the partition's.
        let mut i = ((mix(v) << BITS) >> shift) as usize;
        loop {
            let (tv, first) = table[i];
            if first == EMPTY {
                table[i] = (v, loc);
                break;
            }
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
            parts.add(&grouped, &starts, pack);
            spilled.add(&grouped, &starts, pack);
            if rg % 3 == 0 {
                spilled.spill().unwrap();
            }
        }
        let expected = by_sorting(&all, 25);
        assert!(expected.0 > 1000, "{}", expected.0);
        for jobs in [1, 2, 3] {
            let p = std::mem::take(&mut parts);
            let mut again = Partitions::default();
            // Keep a copy for the next round.
            for (i, v) in p.mem.iter().enumerate() {
                again.mem[i] = v.clone();
            }
            assert_eq!(p.duplicates(jobs, 25).unwrap(), expected, "jobs {jobs}");
            parts = again;
        }
        assert_eq!(spilled.duplicates(2, 25).unwrap(), expected);
    }
}
