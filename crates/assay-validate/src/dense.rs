//! Duplicates among the integer-like keys of a whole resource whose values the footers'
//! exact statistics bound to a dense range (`unique`, `unique_key` on one column): one bit a
//! value, counted on the workers, located by a second read of the key column.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use arrow::array::{ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use assay_model::paths::ResolvedFile;

use crate::engine::values::plain;
use crate::spill::pack_loc;

/// Integer-like keys in a range [lo, lo + 64 × words) that the footers' exact statistics give:
/// one bit a value. Each row group in flight takes a pair of bitmaps from a pool (one per
/// worker at most, so no atomic operation is needed) and sets a value's bit in `seen`, or, when
/// it was set already, in `twice`, counting it. At the end the bitmaps are combined: the
/// duplicates are those counted within each bitmap plus, for each value, the bitmaps beyond
/// the first that saw it. 2.5 MB a bitmap for 20 million values. Which occurrences are the
/// duplicates, and where each value was first seen, is decided at the end by reading the key
/// column again in order, only when there are duplicates, until the samples are found.
pub(crate) struct Dense {
    lo: i64,
    words: usize,
    pool: Mutex<Vec<Bits>>,
    /// Values outside the range (statistics that do not hold): seen, seen twice, and the
    /// repeats.
    outliers: Mutex<(HashSet<u64>, HashSet<u64>, u64)>,
    /// After [`Dense::combine`]: every value seen more than once.
    twice: std::sync::OnceLock<Vec<u64>>,
}

/// One worker's bitmaps.
#[derive(Default)]
pub(crate) struct Bits {
    seen: Vec<u64>,
    twice: Vec<u64>,
    failing: u64,
}

impl Dense {
    /// A range of `hi - lo + 1` values worth one bit each: at most 16 bits a row and within
    /// `budget` bytes for the bitmaps of `jobs + 1` row groups in flight.
    pub(crate) fn new(lo: i64, hi: i64, rows: u64, budget: u64, jobs: usize) -> Option<Dense> {
        let span = (hi as i128 - lo as i128 + 1).max(0) as u128;
        let words = span.div_ceil(64);
        let bytes = words * 16 * (jobs as u128 + 2);
        (span > 0 && span <= (rows as u128 * 16).max(1 << 20) && bytes <= budget as u128).then(
            || Dense {
                lo,
                words: words as usize,
                pool: Mutex::new(Vec::new()),
                outliers: Mutex::new(Default::default()),
                twice: std::sync::OnceLock::new(),
            },
        )
    }

    /// A pair of bitmaps for a row group.
    pub(crate) fn take(&self) -> Bits {
        self.pool
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop()
            .unwrap_or_else(|| Bits {
                seen: vec![0; self.words],
                twice: vec![0; self.words],
                failing: 0,
            })
    }

    pub(crate) fn give_back(&self, bits: Bits) {
        self.pool
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(bits);
    }

    fn slot(&self, v: u64) -> Option<(usize, u64)> {
        let i = (v as i64 as i128) - self.lo as i128;
        (i >= 0 && (i as u128) < self.words as u128 * 64)
            .then(|| ((i as usize) / 64, 1u64 << ((i as usize) % 64)))
    }

    /// Counts the occurrences of `values` into `bits`.
    pub(crate) fn see(&self, bits: &mut Bits, values: impl Iterator<Item = u64>) {
        for v in values {
            match self.slot(v) {
                Some((w, bit)) => {
                    if bits.seen[w] & bit != 0 {
                        bits.failing += 1;
                        bits.twice[w] |= bit;
                    }
                    bits.seen[w] |= bit;
                }
                None => {
                    let mut o = self.outliers.lock().unwrap_or_else(|p| p.into_inner());
                    if !o.0.insert(v) {
                        o.1.insert(v);
                        o.2 += 1;
                    }
                }
            }
        }
    }

    /// Combines the bitmaps once every row group is in: the count of duplicates.
    pub(crate) fn combine(&self) -> u64 {
        let pool = std::mem::take(&mut *self.pool.lock().unwrap_or_else(|p| p.into_inner()));
        let mut failing = self.outliers.lock().unwrap_or_else(|p| p.into_inner()).2;
        let (mut once, mut twice) = (vec![0u64; self.words], vec![0u64; self.words]);
        for b in &pool {
            failing += b.failing;
            for w in 0..self.words {
                // A value in this bitmap and an earlier one: one more repeat.
                let both = once[w] & b.seen[w];
                failing += both.count_ones() as u64;
                twice[w] |= both | b.twice[w];
                once[w] |= b.seen[w];
            }
        }
        let _ = self.twice.set(twice);
        failing
    }

    /// True when `v` occurs more than once (after [`Dense::combine`]).
    pub(crate) fn repeated(&self, v: u64) -> bool {
        match self.slot(v) {
            Some((w, bit)) => self.twice.get().is_some_and(|t| t[w] & bit != 0),
            None => self
                .outliers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .1
                .contains(&v),
        }
    }
}

/// The `samples` lowest repeated occurrences of values the bitmap found twice, each as
/// (location, first location, value), as `crate::spill::scan_duplicates` gives them: the key
/// column read again in file and row order, stopping once they are found.
pub(crate) fn first_duplicates(
    dir: &std::path::Path,
    files: &[ResolvedFile],
    column: &str,
    dense: &Dense,
    samples: usize,
) -> Result<Vec<(u64, u64, u64)>, String> {
    use parquet::arrow::ProjectionMask;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let mut scan = FirstDuplicates::new(dense, samples);
    for (fi, f) in files.iter().enumerate() {
        let source = crate::source::Source::open(dir, f)?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(source)
            .map_err(|e| format!("{}: {e}", f.rel))?;
        let Ok(idx) = builder.schema().index_of(column) else {
            continue;
        };
        let mask = ProjectionMask::roots(builder.parquet_schema(), [idx]);
        let reader = builder
            .with_projection(mask)
            .build()
            .map_err(|e| format!("{}: {e}", f.rel))?;
        let mut row = 0u64;
        for batch in reader {
            let batch = batch.map_err(|e| format!("{}: {e}", f.rel))?;
            if scan.feed(fi as u32, row, batch.column(0))? {
                return Ok(scan.out);
            }
            row += batch.num_rows() as u64;
        }
    }
    Ok(scan.out)
}

/// [`first_duplicates`] of a table in memory: its key column, slice by slice, in row order.
pub(crate) fn first_duplicates_in(
    columns: &[ArrayRef],
    dense: &Dense,
    samples: usize,
) -> Result<Vec<(u64, u64, u64)>, String> {
    let mut scan = FirstDuplicates::new(dense, samples);
    let mut row = 0u64;
    for c in columns {
        if scan.feed(0, row, c)? {
            break;
        }
        row += c.len() as u64;
    }
    Ok(scan.out)
}

/// The walk of [`first_duplicates`]: the first location of each repeated value, and every
/// later one, until `samples` are found.
struct FirstDuplicates<'a> {
    dense: &'a Dense,
    samples: usize,
    first: HashMap<u64, u64>,
    out: Vec<(u64, u64, u64)>,
}

impl<'a> FirstDuplicates<'a> {
    fn new(dense: &'a Dense, samples: usize) -> Self {
        FirstDuplicates {
            dense,
            samples,
            first: HashMap::new(),
            out: Vec::new(),
        }
    }

    /// Feeds keys whose first is row `row` of file `fi`; true once `samples` are found.
    fn feed(&mut self, fi: u32, row: u64, keys: &ArrayRef) -> Result<bool, String> {
        let ints = plain(keys)
            .map_err(|e| e.to_string())
            .and_then(|a| cast(&a, &DataType::Int64).map_err(|e| e.to_string()))?;
        let ints = ints.as_primitive::<arrow::datatypes::Int64Type>();
        for (i, v) in ints.iter().enumerate() {
            let Some(v) = v.map(|v| v as u64) else {
                continue;
            };
            if !self.dense.repeated(v) {
                continue;
            }
            let loc = pack_loc(fi, row + i as u64);
            match self.first.get(&v) {
                Some(&at) => {
                    self.out.push((loc, at, v));
                    if self.out.len() >= self.samples {
                        return Ok(true);
                    }
                }
                None => {
                    self.first.insert(v, loc);
                }
            }
        }
        Ok(false)
    }
}
