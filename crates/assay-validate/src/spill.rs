//! External sorting for the checks that compare keys across a whole resource (`unique`,
//! `unique_key`, `foreign_key`, `rate_of_change`): keys are kept in memory up to a share of
//! `--memory-limit`; past it they go to disk as sorted runs in anonymous temporary files, merged
//! at the end in one pass per run.

/// Byte keys with their locations, in (key, location) order.
pub(crate) type KeyStream = Box<dyn Iterator<Item = (Box<[u8]>, u64)>>;

/// Encoded keys past the memory budget: sorted runs on disk, and a buffer.
#[derive(Default)]
pub(crate) struct ByteSpill {
    runs: Vec<std::fs::File>,
    buffer: Vec<(Box<[u8]>, u64)>,
    buffered_bytes: u64,
}

impl ByteSpill {
    /// A spill that starts from `entries` (written as the first run).
    pub(crate) fn starting_with(mut entries: Vec<(Box<[u8]>, u64)>) -> std::io::Result<ByteSpill> {
        let run = spill_bytes(&mut entries)?;
        Ok(ByteSpill {
            runs: vec![run],
            ..ByteSpill::default()
        })
    }

    /// Buffers keys; writes the buffer as a sorted run once it holds more than `budget` bytes.
    pub(crate) fn add(
        &mut self,
        keys: impl IntoIterator<Item = (Box<[u8]>, u64)>,
        budget: u64,
    ) -> std::io::Result<()> {
        for (key, loc) in keys {
            self.buffered_bytes += key_cost(&key);
            self.buffer.push((key, loc));
        }
        if self.buffered_bytes > budget {
            self.runs.push(spill_bytes(&mut self.buffer)?);
            self.buffered_bytes = 0;
        }
        Ok(())
    }

    /// Every key, sorted by (key, location): sorted in memory when nothing was spilled,
    /// otherwise a merge of the runs.
    pub(crate) fn into_sorted(mut self) -> std::io::Result<KeyStream> {
        if self.runs.is_empty() {
            self.buffer.sort_unstable();
            return Ok(Box::new(self.buffer.into_iter()));
        }
        Ok(Box::new(merge_byte_runs(self.into_runs()?)))
    }

    /// Writes what is still buffered and returns every run.
    pub(crate) fn into_runs(mut self) -> std::io::Result<Vec<std::fs::File>> {
        if !self.buffer.is_empty() {
            self.runs.push(spill_bytes(&mut self.buffer)?);
        }
        Ok(self.runs)
    }
}

/// Packs a file index and a row number into one sortable location (16 + 48 bits).
pub(crate) fn pack_loc(file: u32, row: u64) -> u64 {
    ((file as u64) << 48) | row
}

/// The file index and row number of a packed location.
pub(crate) fn unpack_loc(loc: u64) -> (usize, u64) {
    ((loc >> 48) as usize, loc & ((1u64 << 48) - 1))
}

/// Approximate heap cost of one encoded key kept in memory.
pub(crate) fn key_cost(key: &[u8]) -> u64 {
    key.len() as u64 + 48
}

/// Writes `(key, location)` records, sorted, to an anonymous temporary file.
pub(crate) fn spill_bytes(entries: &mut Vec<(Box<[u8]>, u64)>) -> std::io::Result<std::fs::File> {
    use std::io::{Seek, Write};
    entries.sort_unstable();
    let mut file = tempfile::tempfile()?;
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 20, &mut file);
        for (k, loc) in entries.iter() {
            w.write_all(&(k.len() as u32).to_le_bytes())?;
            w.write_all(k)?;
            w.write_all(&loc.to_le_bytes())?;
        }
        w.flush()?;
    }
    file.seek(std::io::SeekFrom::Start(0))?;
    entries.clear();
    Ok(file)
}

/// A k-way merge of sorted streams, in order (ties: the earlier stream first). Every spill of
/// the crate merges through it: byte keys here, the training checks' rows and drift values.
pub(crate) fn merge_sorted<'a, T: Ord + 'a>(
    mut sources: Vec<Box<dyn Iterator<Item = T> + 'a>>,
) -> impl Iterator<Item = T> + 'a {
    use std::cmp::Reverse;
    let mut heap = std::collections::BinaryHeap::new();
    for (i, s) in sources.iter_mut().enumerate() {
        if let Some(e) = s.next() {
            heap.push(Reverse((e, i)));
        }
    }
    std::iter::from_fn(move || {
        let Reverse((e, i)) = heap.pop()?;
        if let Some(next) = sources[i].next() {
            heap.push(Reverse((next, i)));
        }
        Some(e)
    })
}

/// A k-way merge, in (key, location) order, of sorted byte-key runs.
pub(crate) fn merge_byte_runs(runs: Vec<std::fs::File>) -> impl Iterator<Item = (Box<[u8]>, u64)> {
    use std::io::Read;
    fn next_of(r: &mut std::io::BufReader<std::fs::File>) -> Option<(Box<[u8]>, u64)> {
        let mut len = [0u8; 4];
        r.read_exact(&mut len).ok()?;
        let mut key = vec![0u8; u32::from_le_bytes(len) as usize];
        r.read_exact(&mut key).ok()?;
        let mut loc = [0u8; 8];
        r.read_exact(&mut loc).ok()?;
        Some((key.into_boxed_slice(), u64::from_le_bytes(loc)))
    }
    merge_sorted(
        runs.into_iter()
            .map(|f| {
                let mut r = std::io::BufReader::with_capacity(1 << 16, f);
                Box::new(std::iter::from_fn(move || next_of(&mut r)))
                    as Box<dyn Iterator<Item = (Box<[u8]>, u64)>>
            })
            .collect(),
    )
}

/// Duplicates in a sequence sorted by (value, location): every entry that repeats the value
/// before it is one. Returns their count and the `samples` lowest (location, first location,
/// value) triples, sorted by location.
pub(crate) fn scan_duplicates<K: Ord + Clone>(
    sorted: impl Iterator<Item = (K, u64)>,
    samples: usize,
) -> (u64, Vec<(u64, u64, K)>) {
    let mut heap: std::collections::BinaryHeap<(u64, u64, K)> = Default::default();
    let mut failing = 0u64;
    let mut current: Option<(K, u64)> = None;
    for (value, loc) in sorted {
        match &current {
            Some((v, first)) if *v == value => {
                failing += 1;
                let first = *first;
                heap.push((loc, first, value));
                if heap.len() > samples {
                    heap.pop();
                }
            }
            _ => current = Some((value, loc)),
        }
    }
    (failing, heap.into_sorted_vec())
}
