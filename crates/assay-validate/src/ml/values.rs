//! The numeric values `split_drift` compares, per column and split, bounded by memory: kept in
//! memory, and past the budget sorted and written to disk as a run (8 bytes a value), the
//! memory freed. Past [`MAX_RUNS`] runs they are merged into one, so the open files stay few. The metrics walk them in order, as often as they need ([`Sorted`]): the
//! in-memory values sorted, merged with the runs.

use std::cell::RefCell;
use std::io::{BufReader, Read, Seek, Write};

use super::drift::Sorted;

/// Runs kept before they are merged into one.
const MAX_RUNS: usize = 8;

#[derive(Default)]
pub(crate) struct Values {
    buffer: Vec<f64>,
    runs: Vec<std::fs::File>,
    len: usize,
    /// A run that could not be read back, found during a walk.
    error: RefCell<Option<String>>,
}

impl Values {
    /// Adds values; returns the bytes newly allocated.
    pub fn extend(&mut self, values: impl Iterator<Item = f64>) -> u64 {
        let (before, n) = (self.buffer.capacity(), self.buffer.len());
        self.buffer.extend(values);
        self.len += self.buffer.len() - n;
        8 * (self.buffer.capacity() - before) as u64
    }

    /// Sorts the values in memory and writes them to disk as one run; frees the memory.
    pub fn spill(&mut self) -> std::io::Result<u64> {
        if self.buffer.is_empty() {
            return Ok(0);
        }
        self.buffer.sort_unstable_by(f64::total_cmp);
        let mut file = tempfile::tempfile()?;
        {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut file);
            for v in &self.buffer {
                w.write_all(&v.to_le_bytes())?;
            }
            w.flush()?;
        }
        self.runs.push(file);
        let written = 8 * self.buffer.len() as u64;
        self.buffer = Vec::new();
        if self.runs.len() >= MAX_RUNS {
            self.compact()?;
        }
        Ok(written)
    }

    /// Merges every run into one.
    fn compact(&mut self) -> std::io::Result<()> {
        let mut file = tempfile::tempfile()?;
        {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut file);
            for v in self.values() {
                w.write_all(&v.to_le_bytes())?;
            }
            w.flush()?;
        }
        if let Some(e) = self.error() {
            return Err(std::io::Error::other(e));
        }
        self.runs = vec![file];
        Ok(())
    }

    /// Sorts what is in memory, before the walks.
    pub fn sort(&mut self) {
        self.buffer.sort_unstable_by(f64::total_cmp);
    }

    /// Why a walk ended early, if one did.
    pub fn error(&self) -> Option<String> {
        self.error.borrow().clone()
    }

    /// One run, from its start.
    fn run(&self, f: &std::fs::File) -> std::io::Result<RunReader<'_>> {
        let mut f = f.try_clone()?;
        f.seek(std::io::SeekFrom::Start(0))?;
        Ok(RunReader {
            r: BufReader::with_capacity(1 << 16, f),
            error: &self.error,
        })
    }
}

/// A run's values in order; a read error ends it and is kept for [`Values::error`].
struct RunReader<'a> {
    r: BufReader<std::fs::File>,
    error: &'a RefCell<Option<String>>,
}

impl Iterator for RunReader<'_> {
    type Item = f64;
    fn next(&mut self) -> Option<f64> {
        let mut b = [0u8; 8];
        match self.r.read_exact(&mut b) {
            Ok(()) => Some(f64::from_le_bytes(b)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => None,
            Err(e) => {
                *self.error.borrow_mut() = Some(format!("reading drift values back: {e}"));
                None
            }
        }
    }
}

/// `f64` in `total_cmp` order, for the merge.
#[derive(PartialEq)]
struct Key(f64);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Sorted for Values {
    fn count(&self) -> usize {
        self.len
    }

    fn values(&self) -> Box<dyn Iterator<Item = f64> + '_> {
        if self.runs.is_empty() {
            return Box::new(self.buffer.iter().copied());
        }
        let mut sources: Vec<Box<dyn Iterator<Item = Key> + '_>> =
            vec![Box::new(self.buffer.iter().map(|&v| Key(v)))];
        for f in &self.runs {
            match self.run(f) {
                Ok(r) => sources.push(Box::new(r.map(Key))),
                Err(e) => {
                    *self.error.borrow_mut() = Some(format!("reading drift values back: {e}"));
                    return Box::new(std::iter::empty());
                }
            }
        }
        Box::new(crate::spill::merge_sorted(sources).map(|Key(v)| v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::drift;

    #[test]
    fn spilled_values_give_the_metrics_of_values_in_memory() {
        let mut draw = crate::ml::splitmix(11);
        let mut next = move || (draw() % 1000) as f64 / 8.0;
        let p: Vec<f64> = (0..5000).map(|_| next()).collect();
        let q: Vec<f64> = (0..3000).map(|_| next() + 3.0).collect();
        let (mut ps, mut qs) = (p.clone(), q.clone());
        ps.sort_unstable_by(f64::total_cmp);
        qs.sort_unstable_by(f64::total_cmp);
        // In runs of `n` values, and a rest in memory; runs of 90 are merged as they pass
        // MAX_RUNS.
        for n in [700, 90] {
            let spilled = |v: &[f64]| {
                let mut out = Values::default();
                for chunk in v.chunks(n) {
                    out.extend(chunk.iter().copied());
                    if chunk.len() == n {
                        assert_eq!(out.spill().unwrap(), 8 * n as u64);
                        assert!(out.runs.len() < MAX_RUNS);
                    }
                }
                out.sort();
                out
            };
            let (pv, qv) = (spilled(&p), spilled(&q));
            assert_eq!(pv.values().collect::<Vec<_>>(), ps);
            assert_eq!(drift::ks(&pv, &qv), drift::ks(&ps[..], &qs[..]));
            assert_eq!(
                drift::wasserstein(&pv, &qv),
                drift::wasserstein(&ps[..], &qs[..])
            );
            assert_eq!(drift::std(&pv), drift::std(&ps[..]));
            let edges = drift::quantile_edges(&pv, 10);
            assert_eq!(edges, drift::quantile_edges(&ps[..], 10));
            assert_eq!(
                drift::histogram(qv.values(), &edges),
                drift::histogram(qs.iter().copied(), &edges)
            );
            assert!(pv.error().is_none() && qv.error().is_none());
        }
    }
}
