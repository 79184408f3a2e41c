//! `assay profile`: what a pile of Parquet files holds, column by column, in one parallel pass.
//!
//! Every file's footer is read first (types, rows); then each row group is decoded once, on
//! `jobs` threads, and every column feeds its accumulator:
//!
//! - nulls, and NaN for floats;
//! - distinct values: exact up to `exact_limit` per column, then a HyperLogLog estimate
//!   (16 384 registers, about 0.8% standard error; DataFusion's own is not public), marked as
//!   estimated;
//! - min and max; for numbers also mean and standard deviation (Welford, merged exactly across
//!   threads) and quantiles (t-digest over a systematic sample of at most ~100 000 values per
//!   column, marked approximate) and a 10-bin histogram (from at most ~10 000 of those values);
//! - top values with counts, string length range and detected patterns, computed from the
//!   exact distinct values (so once per distinct value, not per row);
//! - monotonicity in file order, from each row group's first, last and inner order, merged in
//!   row-group order;
//! - candidate keys: columns whose exact distinct count equals the row count with no nulls, and
//!   on data of at most [`PAIR_ROWS`] rows, pairs of columns none of which is a key alone,
//!   found from per-row hashes (distinct hashes prove distinct pairs, so a pair found is exact).
//!
//! Deterministic: sampling goes by global row number, moments are merged per row group in file
//! order and the sketch is built in row order, so the profile is the same bytes whatever thread
//! read what. Memory is bounded: per column at most `exact_limit` distinct values per thread, then a fixed
//! 16 KiB sketch. String columns whose pages are all dictionary-encoded are decoded as Arrow
//! dictionaries and counted once per dictionary value.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{DataType, Float64Type, Int64Type};
use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash};

use datafusion_functions_aggregate_common::tdigest::TDigest;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};

pub use assay_model::profile::{
    ColumnProfile, DetectedPattern, Distinct, Histogram, PAIR_COLUMNS, PAIR_ROWS, Profile,
    ProfiledFile, TopValue,
};

/// How to profile.
#[derive(Debug, Clone)]
pub struct ProfileOptions {
    /// Row groups decoded at once.
    pub jobs: usize,
    /// Distinct values kept exactly per column before switching to an estimate.
    pub exact_limit: usize,
    /// Top values reported per column.
    pub top: usize,
}

impl Default for ProfileOptions {
    fn default() -> Self {
        ProfileOptions {
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            exact_limit: 100_000,
            top: 10,
        }
    }
}

/// Most values a thread keeps for histograms.
const HIST_SAMPLE: usize = 10_000;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Integers (exact, as i64).
    Int,
    /// Dates, times, timestamps, durations (as i64 in their unit).
    Temporal,
    /// Floats and decimals (as f64).
    Float,
    /// Strings.
    Str,
    /// Booleans.
    Bool,
    /// Nested and other types: nulls only.
    Other,
}

/// Integer types whose every value an i64 holds exactly.
pub fn fits_i64(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
    )
}

fn kind_of(dt: &DataType) -> Kind {
    match dt {
        dt if fits_i64(dt) => Kind::Int,
        DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _)
        | DataType::Time32(_)
        | DataType::Time64(_)
        | DataType::Duration(_) => Kind::Temporal,
        DataType::UInt64
        | DataType::Float16
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal32(_, _)
        | DataType::Decimal64(_, _)
        | DataType::Decimal128(_, _)
        | DataType::Decimal256(_, _) => Kind::Float,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Kind::Str,
        DataType::Dictionary(_, v) => kind_of(v),
        DataType::Boolean => Kind::Bool,
        _ => Kind::Other,
    }
}

/// A fixed, seeded hash: the same data gives the same estimates on every run.
const HASH: foldhash::quality::FixedState =
    foldhash::quality::FixedState::with_seed(0x5EED_A55A_1234_9876);

type Map<K> = HashMap<K, u64, foldhash::quality::FixedState>;

/// HyperLogLog with 2^14 one-byte registers (Flajolet et al. 2007, with the small-range
/// correction), over a 64-bit hash.
struct HyperLogLog<T: ?Sized> {
    registers: Box<[u8; 1 << 14]>,
    _t: std::marker::PhantomData<fn(&T)>,
}

impl<T: Hash + ?Sized> HyperLogLog<T> {
    const P: u32 = 14;

    fn new() -> Self {
        HyperLogLog {
            registers: Box::new([0; 1 << 14]),
            _t: std::marker::PhantomData,
        }
    }

    fn add(&mut self, v: &T) {
        let h = HASH.hash_one(v);
        let idx = (h >> (64 - Self::P)) as usize;
        let rest = (h << Self::P) | (1 << (Self::P - 1));
        let rank = rest.leading_zeros() as u8 + 1;
        if rank > self.registers[idx] {
            self.registers[idx] = rank;
        }
    }

    fn merge(&mut self, other: &HyperLogLog<T>) {
        for (a, b) in self.registers.iter_mut().zip(other.registers.iter()) {
            *a = (*a).max(*b);
        }
    }

    fn count(&self) -> usize {
        let m = (1u64 << Self::P) as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self
            .registers
            .iter()
            .map(|r| 2f64.powi(-i32::from(*r)))
            .sum();
        let estimate = alpha * m * m / sum;
        let zeros = self.registers.iter().filter(|r| **r == 0).count();
        if estimate <= 2.5 * m && zeros > 0 {
            (m * (m / zeros as f64).ln()).round() as usize
        } else {
            estimate.round() as usize
        }
    }
}

/// Exact distinct values with counts until the limit, then an estimate.
enum Distinct_<T: std::hash::Hash + Eq + ?Sized + ToOwned>
where
    T::Owned: std::hash::Hash + Eq,
{
    Exact(Map<T::Owned>),
    Approx(Box<HyperLogLog<T>>),
}

impl<T> Distinct_<T>
where
    T: std::hash::Hash + Eq + ?Sized + ToOwned,
    T::Owned: std::hash::Hash + Eq + std::borrow::Borrow<T>,
{
    fn new() -> Self {
        Distinct_::Exact(Map::with_hasher(HASH))
    }

    fn add(&mut self, v: &T, n: u64, limit: usize) {
        match self {
            Distinct_::Exact(map) => {
                if let Some(c) = map.get_mut(v) {
                    *c += n;
                    return;
                }
                map.insert(v.to_owned(), n);
                if map.len() > limit {
                    let mut h = HyperLogLog::new();
                    for k in map.keys() {
                        h.add(k.borrow());
                    }
                    *self = Distinct_::Approx(Box::new(h));
                }
            }
            Distinct_::Approx(h) => h.add(v),
        }
    }

    fn merge(&mut self, other: Distinct_<T>, limit: usize) {
        match other {
            Distinct_::Exact(map) => {
                for (k, n) in map {
                    self.add(k.borrow(), n, limit);
                }
            }
            Distinct_::Approx(h) => {
                let mut mine = match std::mem::replace(self, Distinct_::new()) {
                    Distinct_::Approx(m) => m,
                    Distinct_::Exact(map) => {
                        let mut m = Box::new(HyperLogLog::new());
                        for k in map.keys() {
                            m.add(k.borrow());
                        }
                        m
                    }
                };
                mine.merge(&h);
                *self = Distinct_::Approx(mine);
            }
        }
    }

    fn result(&self) -> Distinct {
        match self {
            Distinct_::Exact(m) => Distinct {
                count: m.len() as u64,
                estimated: false,
            },
            Distinct_::Approx(h) => Distinct {
                count: h.count() as u64,
                estimated: true,
            },
        }
    }
}

/// Count, mean and sum of squared deviations (Welford), mergeable.
#[derive(Clone, Copy, Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn merge(&mut self, o: Moments) {
        if o.n == 0.0 {
            return;
        }
        if self.n == 0.0 {
            *self = o;
            return;
        }
        let n = self.n + o.n;
        let delta = o.mean - self.mean;
        self.mean += delta * o.n / n;
        self.m2 += o.m2 + delta * delta * self.n * o.n / n;
        self.n = n;
    }
}

/// A value compared exactly: integers and temporal values as i64 (an f64 would merge
/// neighbouring nanosecond timestamps), floats as f64. A column only ever holds one variant.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Key {
    I(i64),
    F(f64),
}

/// A row group's order facts for one column.
#[derive(Clone, Copy)]
struct Order {
    first: Key,
    last: Key,
    inc: bool,
    dec: bool,
    strict_inc: bool,
    strict_dec: bool,
}

struct Acc {
    kind: Kind,
    nulls: u64,
    nans: u64,
    ints: Distinct_<i64>,
    strs: Distinct_<str>,
    bools: [u64; 2],
    min_i: Option<i64>,
    max_i: Option<i64>,
    min_f: Option<f64>,
    max_f: Option<f64>,
    /// Set from the per-row-group moments, merged in file order, after the pass.
    moments: Moments,
    /// Sampled values with their global row number, so the sketch is built in row order
    /// whatever thread read them: same data, same quantiles.
    sample: Vec<(u64, f64)>,
}

impl Acc {
    fn new(kind: Kind) -> Acc {
        Acc {
            kind,
            nulls: 0,
            nans: 0,
            ints: Distinct_::new(),
            strs: Distinct_::new(),
            bools: [0, 0],
            min_i: None,
            max_i: None,
            min_f: None,
            max_f: None,
            moments: Moments::default(),
            sample: Vec::new(),
        }
    }

    fn merge(&mut self, mut o: Acc, limit: usize) {
        self.sample.append(&mut o.sample);
        self.nulls += o.nulls;
        self.nans += o.nans;
        self.ints.merge(o.ints, limit);
        self.strs.merge(o.strs, limit);
        self.bools[0] += o.bools[0];
        self.bools[1] += o.bools[1];
        self.min_i = opt(self.min_i, o.min_i, i64::min);
        self.max_i = opt(self.max_i, o.max_i, i64::max);
        self.min_f = opt(self.min_f, o.min_f, f64::min);
        self.max_f = opt(self.max_f, o.max_f, f64::max);
    }
}

fn opt<T: Copy>(a: Option<T>, b: Option<T>, f: fn(T, T) -> T) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        (x, y) => x.or(y),
    }
}

/// Feeds one column of one batch into `acc`; returns the batch's order facts for numeric and
/// temporal columns.
fn feed(
    acc: &mut Acc,
    array: &ArrayRef,
    limit: usize,
    stride: u64,
    base: u64,
    mom: &mut Moments,
) -> Option<Order> {
    acc.nulls += array.null_count() as u64;
    match acc.kind {
        Kind::Int | Kind::Temporal => {
            let a = to_i64(array)?;
            let mut order: Option<Order> = None;
            for (i, v) in a.iter().enumerate() {
                let Some(v) = v else { continue };
                acc.ints.add(&v, 1, limit);
                acc.min_i = Some(acc.min_i.map_or(v, |m| m.min(v)));
                acc.max_i = Some(acc.max_i.map_or(v, |m| m.max(v)));
                step(&mut order, Key::I(v));
                if acc.kind == Kind::Int {
                    welford(mom, v as f64);
                    sample(acc, v as f64, stride, base + i as u64);
                }
            }
            order
        }
        Kind::Float => {
            let f = arrow::compute::cast(array, &DataType::Float64).ok()?;
            let a = f.as_primitive::<Float64Type>();
            let mut order: Option<Order> = None;
            for (i, v) in a.iter().enumerate() {
                let Some(v) = v else { continue };
                if v.is_nan() {
                    acc.nans += 1;
                    continue;
                }
                acc.ints.add(&(v.to_bits() as i64), 1, limit);
                acc.min_f = Some(acc.min_f.map_or(v, |m| m.min(v)));
                acc.max_f = Some(acc.max_f.map_or(v, |m| m.max(v)));
                step(&mut order, Key::F(v));
                welford(mom, v);
                sample(acc, v, stride, base + i as u64);
            }
            order
        }
        Kind::Str => {
            if let DataType::Dictionary(_, _) = array.data_type() {
                let dict = array.as_any_dictionary();
                let keys = arrow::compute::cast(dict.keys(), &DataType::Int64).ok()?;
                let keys = keys.as_primitive::<Int64Type>();
                let values = dict.values();
                let mut counts = vec![0u64; values.len()];
                for k in keys.iter().flatten() {
                    if let Some(c) = counts.get_mut(k as usize) {
                        *c += 1;
                    }
                }
                let values = arrow::compute::cast(values, &DataType::Utf8).ok()?;
                let values = values.as_string::<i32>();
                for (i, n) in counts.into_iter().enumerate() {
                    if n > 0 && values.is_valid(i) {
                        acc.strs.add(values.value(i), n, limit);
                    }
                }
            } else {
                let s = arrow::compute::cast(array, &DataType::Utf8).ok()?;
                for v in s.as_string::<i32>().iter().flatten() {
                    acc.strs.add(v, 1, limit);
                }
            }
            None
        }
        Kind::Bool => {
            let b = array.as_boolean_opt()?;
            let t = b.true_count() as u64;
            acc.bools[1] += t;
            acc.bools[0] += (b.len() - b.null_count()) as u64 - t;
            None
        }
        Kind::Other => None,
    }
}

fn welford(m: &mut Moments, v: f64) {
    m.n += 1.0;
    let d = v - m.mean;
    m.mean += d / m.n;
    m.m2 += d * (v - m.mean);
}

/// Keeps the value of every `stride`-th row (by global row number) for the quantile sketch
/// and the histogram.
fn sample(acc: &mut Acc, v: f64, stride: u64, row: u64) {
    if row.is_multiple_of(stride) {
        acc.sample.push((row, v));
    }
}

fn step(order: &mut Option<Order>, v: Key) {
    match order {
        None => {
            *order = Some(Order {
                first: v,
                last: v,
                inc: true,
                dec: true,
                strict_inc: true,
                strict_dec: true,
            })
        }
        Some(o) => {
            o.inc &= v >= o.last;
            o.dec &= v <= o.last;
            o.strict_inc &= v > o.last;
            o.strict_dec &= v < o.last;
            o.last = v;
        }
    }
}

fn join(a: Option<Order>, b: Option<Order>) -> Option<Order> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Order {
            first: a.first,
            last: b.last,
            inc: a.inc && b.inc && b.first >= a.last,
            dec: a.dec && b.dec && b.first <= a.last,
            strict_inc: a.strict_inc && b.strict_inc && b.first > a.last,
            strict_dec: a.strict_dec && b.strict_dec && b.first < a.last,
        }),
        (x, y) => x.or(y),
    }
}

fn to_i64(array: &ArrayRef) -> Option<arrow::array::Int64Array> {
    let physical = match array.data_type() {
        DataType::Date32 | DataType::Time32(_) => Some(DataType::Int32),
        DataType::Dictionary(_, v) => {
            let plain = arrow::compute::cast(array, v).ok()?;
            return to_i64(&plain);
        }
        _ => None,
    };
    let a = match physical {
        Some(p) => arrow::compute::cast(&arrow::compute::cast(array, &p).ok()?, &DataType::Int64),
        None => arrow::compute::cast(array, &DataType::Int64),
    }
    .ok()?;
    Some(a.as_primitive::<Int64Type>().clone())
}

/// Profiles `files` (each `(display path, path on disk)`); they must share one Arrow schema.
pub fn profile(files: &[(String, PathBuf)], options: &ProfileOptions) -> Result<Profile, String> {
    if files.is_empty() {
        return Err("no Parquet files to profile".into());
    }
    let mut metas: Vec<(String, ArrowReaderMetadata)> = Vec::new();
    for (name, path) in files {
        let file = std::fs::File::open(path).map_err(|e| format!("{name}: {e}"))?;
        let meta = ArrowReaderMetadata::load(&file, Default::default())
            .map_err(|e| format!("{name}: not a readable Parquet file: {e}"))?;
        if let Some((first_name, first)) = metas.first()
            && first.schema().fields() != meta.schema().fields()
        {
            return Err(format!(
                "{name}: its schema differs from {first_name}'s; profile files of one schema together"
            ));
        }
        metas.push((name.clone(), meta));
    }
    let schema = metas[0].1.schema().clone();
    let kinds: Vec<Kind> = schema
        .fields()
        .iter()
        .map(|f| kind_of(f.data_type()))
        .collect();
    let rows: u64 = metas
        .iter()
        .map(|(_, m)| m.metadata().file_metadata().num_rows().max(0) as u64)
        .sum();
    // Numbers are sampled every `stride`-th value for the quantile sketch.
    let stride = (rows / 100_000).max(1);
    let items: Vec<(usize, usize)> = metas
        .iter()
        .enumerate()
        .flat_map(|(f, (_, m))| (0..m.metadata().num_row_groups()).map(move |rg| (f, rg)))
        .collect();
    let decoded: Vec<usize> = (0..kinds.len())
        .filter(|i| kinds[*i] != Kind::Other)
        .collect();
    // Column pairs are searched for keys on data of at most PAIR_ROWS rows: every row of up to
    // PAIR_COLUMNS key-like columns is hashed (8 bytes a row and column).
    let tracked: Vec<usize> = if rows <= PAIR_ROWS {
        decoded
            .iter()
            .copied()
            .filter(|&i| {
                matches!(
                    kinds[i],
                    Kind::Int | Kind::Temporal | Kind::Str | Kind::Bool
                )
            })
            .take(PAIR_COLUMNS)
            .collect()
    } else {
        Vec::new()
    };
    let row_hashes: Mutex<Vec<Vec<Vec<u64>>>> = Mutex::new(vec![Vec::new(); items.len()]);
    // Each row group's moments, merged in file order afterwards: floating-point sums come out
    // the same whatever thread read what.
    let item_moments: Mutex<Vec<Vec<Moments>>> = Mutex::new(vec![Vec::new(); items.len()]);
    // The global row number of each row group's first row, for deterministic sampling.
    let offsets: Vec<u64> = {
        let mut at = 0u64;
        items
            .iter()
            .map(|&(f, rg)| {
                let start = at;
                at += metas[f].1.metadata().row_group(rg).num_rows().max(0) as u64;
                start
            })
            .collect()
    };
    let next = AtomicUsize::new(0);
    let orders: Mutex<Vec<Vec<Option<Order>>>> = Mutex::new(vec![Vec::new(); items.len()]);
    let error: Mutex<Option<String>> = Mutex::new(None);
    let jobs = options.jobs.max(1).min(items.len().max(1));
    let accs: Vec<Vec<Acc>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..jobs)
            .map(|_| {
                s.spawn(|| {
                    let mut accs: Vec<Acc> = kinds.iter().map(|k| Acc::new(*k)).collect();
                    let metas: &Vec<(String, ArrowReaderMetadata)> = &metas;
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(f, rg)) = items.get(i) else { break };
                        match read_row_group(
                            &files[f],
                            &metas[f].1,
                            rg,
                            &decoded,
                            &tracked,
                            &mut accs,
                            offsets[i],
                            options.exact_limit,
                            stride,
                        ) {
                            Ok((order, moments, hashes)) => {
                                orders.lock().unwrap_or_else(|e| e.into_inner())[i] = order;
                                item_moments.lock().unwrap_or_else(|e| e.into_inner())[i] = moments;
                                row_hashes.lock().unwrap_or_else(|e| e.into_inner())[i] = hashes;
                            }
                            Err(e) => {
                                error
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .get_or_insert(e);
                                break;
                            }
                        }
                    }
                    accs
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    error
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert_with(|| {
                            "a profiling thread failed; no profile was made".into()
                        });
                    Vec::new()
                })
            })
            .collect()
    });
    if let Some(e) = error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let mut merged: Vec<Acc> = kinds.iter().map(|k| Acc::new(*k)).collect();
    for thread in accs {
        for (i, a) in thread.into_iter().enumerate() {
            merged[i].merge(a, options.exact_limit);
        }
    }
    // Columns that are not decoded get their null counts from the footers' statistics, where
    // those are exact: a top-level primitive column with statistics in every row group.
    let mut undecoded_nulls: BTreeMap<usize, u64> = BTreeMap::new();
    for (i, k) in kinds.iter().enumerate() {
        if *k == Kind::Other
            && let Some(n) = leaf_nulls(&metas, schema.field(i).name())
        {
            undecoded_nulls.insert(i, n);
        }
    }
    let orders = orders.into_inner().unwrap_or_else(|e| e.into_inner());
    for per_item in item_moments.into_inner().unwrap_or_else(|e| e.into_inner()) {
        for (i, m) in per_item.into_iter().enumerate() {
            merged[i].moments.merge(m);
        }
    }
    let mut columns = Vec::new();
    for (i, field) in schema.fields().iter().enumerate() {
        let mut acc = std::mem::replace(&mut merged[i], Acc::new(kinds[i]));
        acc.sample.sort_by_key(|(row, _)| *row);
        let order = orders
            .iter()
            .map(|o| o.get(i).copied().flatten())
            .fold(None, join);
        let mut c = finish(field.name(), field.data_type(), acc, order, rows, options);
        if kinds[i] == Kind::Other {
            c.null_count = undecoded_nulls.get(&i).copied();
        }
        columns.push(c);
    }
    let singles: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.null_count == Some(0)
                && c.distinct
                    .is_some_and(|d| !d.estimated && d.count == rows && rows > 0)
        })
        .map(|(i, _)| i)
        .collect();
    let row_hashes = row_hashes.into_inner().unwrap_or_else(|e| e.into_inner());
    let pairs = if tracked.is_empty() || rows == 0 {
        Vec::new()
    } else {
        unique_pairs(&columns, &tracked, &row_hashes, rows, &singles)
    };
    drop(row_hashes);
    let candidate_keys = singles
        .iter()
        .map(|&i| vec![columns[i].name.clone()])
        .chain(
            pairs
                .iter()
                .map(|&(a, b)| vec![columns[a].name.clone(), columns[b].name.clone()]),
        )
        .collect();
    Ok(Profile {
        files: metas
            .iter()
            .map(|(n, m)| ProfiledFile {
                path: n.clone(),
                rows: m.metadata().file_metadata().num_rows().max(0) as u64,
                row_groups: m.metadata().num_row_groups() as u64,
            })
            .collect(),
        rows,
        columns,
        candidate_keys,
    })
}

/// The null count of the top-level primitive column `name` from the footers, when every row
/// group records it; `None` for nested columns, whose leaf counts include null items.
fn leaf_nulls(metas: &[(String, ArrowReaderMetadata)], name: &str) -> Option<u64> {
    let mut total = 0;
    for (_, m) in metas {
        let descr = m.metadata().file_metadata().schema_descr();
        let leaf = (0..descr.num_columns())
            .find(|&c| descr.column(c).path().parts() == [name.to_string()])?;
        for rg in m.metadata().row_groups() {
            total += rg.column(leaf).statistics()?.null_count_opt()?;
        }
    }
    Some(total)
}

/// One row group's order facts per column, and per tracked column the hash of every row.
type RowGroupOut = (Vec<Option<Order>>, Vec<Moments>, Vec<Vec<u64>>);

#[allow(clippy::too_many_arguments)]
fn read_row_group(
    file: &(String, PathBuf),
    meta: &ArrowReaderMetadata,
    rg: usize,
    decoded: &[usize],
    tracked: &[usize],
    accs: &mut [Acc],
    first_row: u64,
    limit: usize,
    stride: u64,
) -> Result<RowGroupOut, String> {
    let (name, path) = file;
    let err = |e: &dyn std::fmt::Display| format!("{name}: row group {rg}: {e}");
    let f = std::fs::File::open(path).map_err(|e| err(&e))?;
    let columns: Vec<&str> = decoded
        .iter()
        .filter(|&&i| kind_of(meta.schema().field(i).data_type()) == Kind::Str)
        .map(|&i| meta.schema().field(i).name().as_str())
        .collect();
    let hinted = crate::engine::dictionary_hints_for(meta, meta.metadata().row_group(rg), &columns);
    let mask = ProjectionMask::roots(hinted.parquet_schema(), decoded.iter().copied());
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, hinted)
        .with_row_groups(vec![rg])
        .with_projection(mask)
        .with_batch_size(65_536)
        .build()
        .map_err(|e| err(&e))?;
    let mut order: Vec<Option<Order>> = vec![None; accs.len()];
    let mut hashes: Vec<Vec<u64>> = vec![Vec::new(); tracked.len()];
    let mut moments = vec![Moments::default(); accs.len()];
    let mut base = first_row;
    for batch in reader {
        let batch = batch.map_err(|e| err(&e))?;
        for (pos, &i) in decoded.iter().enumerate() {
            let mut m = Moments::default();
            let o = feed(&mut accs[i], batch.column(pos), limit, stride, base, &mut m);
            moments[i].merge(m);
            order[i] = join(order[i], o);
            if let Some(t) = tracked.iter().position(|&c| c == i) {
                let mut buf = vec![0u64; batch.num_rows()];
                datafusion::common::hash_utils::create_hashes_with_hasher(
                    [batch.column(pos).as_ref()],
                    &HASH,
                    &mut buf,
                )
                .map_err(|e| err(&e))?;
                hashes[t].extend_from_slice(&buf);
            }
        }
        base += batch.num_rows() as u64;
    }
    Ok((order, moments, hashes))
}

/// Pairs of columns whose combined values are unique over all rows, from per-row hashes:
/// distinct hashes imply distinct values, so a pair reported is exactly unique (a hash collision
/// could only hide a key, never invent one).
fn unique_pairs(
    columns: &[ColumnProfile],
    tracked: &[usize],
    hashes: &[Vec<Vec<u64>>],
    rows: u64,
    singles: &[usize],
) -> Vec<(usize, usize)> {
    let mut candidates: Vec<usize> = (0..tracked.len())
        .filter(|&t| {
            let c = &columns[tracked[t]];
            c.null_count == Some(0)
                && !singles.contains(&tracked[t])
                && c.distinct.is_some_and(|d| d.count > 1)
        })
        .collect();
    candidates
        .sort_by_key(|&t| std::cmp::Reverse(columns[tracked[t]].distinct.map_or(0, |d| d.count)));
    candidates.truncate(8);
    let mut out = Vec::new();
    let mut seen: std::collections::HashSet<u64, foldhash::quality::FixedState> =
        std::collections::HashSet::with_capacity_and_hasher(rows as usize, HASH);
    for (x, &a) in candidates.iter().enumerate() {
        for &b in &candidates[x + 1..] {
            let da = columns[tracked[a]].distinct.map_or(0, |d| d.count);
            let db = columns[tracked[b]].distinct.map_or(0, |d| d.count);
            if da.saturating_mul(db) < rows {
                continue;
            }
            seen.clear();
            let unique = hashes.iter().all(|rg| {
                rg[a]
                    .iter()
                    .zip(&rg[b])
                    .all(|(ha, hb)| seen.insert(HASH.hash_one((ha, hb))))
            });
            if unique {
                let (p, q) = (tracked[a].min(tracked[b]), tracked[a].max(tracked[b]));
                out.push((p, q));
            }
        }
    }
    out.sort();
    out
}

fn render_temporal(dt: &DataType, v: i64) -> String {
    let a: ArrayRef = std::sync::Arc::new(arrow::array::Int64Array::from(vec![v]));
    let cast = match dt {
        DataType::Date32 | DataType::Time32(_) => {
            arrow::compute::cast(&a, &DataType::Int32).and_then(|a| arrow::compute::cast(&a, dt))
        }
        _ => arrow::compute::cast(&a, dt),
    };
    match cast {
        Ok(c) => {
            arrow::util::display::array_value_to_string(&c, 0).unwrap_or_else(|_| v.to_string())
        }
        Err(_) => v.to_string(),
    }
}

fn micros(dt: &DataType, v: i64) -> Option<i64> {
    use arrow::datatypes::TimeUnit::*;
    match dt {
        DataType::Timestamp(Second, _) => v.checked_mul(1_000_000),
        DataType::Timestamp(Millisecond, _) | DataType::Date64 => v.checked_mul(1_000),
        DataType::Timestamp(Microsecond, _) => Some(v),
        DataType::Timestamp(Nanosecond, _) => Some(v.div_euclid(1_000)),
        DataType::Date32 => v.checked_mul(86_400_000_000),
        _ => None,
    }
}

fn finish(
    name: &str,
    dt: &DataType,
    acc: Acc,
    order: Option<Order>,
    rows: u64,
    options: &ProfileOptions,
) -> ColumnProfile {
    let value_type = match dt {
        DataType::Dictionary(_, v) => v.as_ref(),
        other => other,
    };
    let mut c = ColumnProfile {
        name: name.to_string(),
        data_type: crate::conformance::describe(value_type),
        null_count: (acc.kind != Kind::Other).then_some(acc.nulls),
        ..Default::default()
    };
    match acc.kind {
        Kind::Int | Kind::Temporal | Kind::Float => {
            c.distinct = Some(acc.ints.result());
            if acc.kind == Kind::Float {
                c.nan_count = Some(acc.nans);
                c.min = acc.min_f.map(|v| v.to_string());
                c.max = acc.max_f.map(|v| v.to_string());
            } else if acc.kind == Kind::Temporal {
                c.min = acc.min_i.map(|v| render_temporal(value_type, v));
                c.max = acc.max_i.map(|v| render_temporal(value_type, v));
                c.max_micros = acc.max_i.and_then(|v| micros(value_type, v));
            } else {
                c.min = acc.min_i.map(|v| v.to_string());
                c.max = acc.max_i.map(|v| v.to_string());
            }
            if acc.kind != Kind::Temporal && acc.moments.n > 0.0 {
                c.mean = Some(acc.moments.mean);
                if acc.moments.n > 1.0 {
                    c.stddev = Some((acc.moments.m2 / (acc.moments.n - 1.0)).sqrt());
                }
                let values: Vec<f64> = acc.sample.iter().map(|(_, v)| *v).collect();
                if !values.is_empty() {
                    let d = TDigest::new(100).merge_unsorted_f64(values.clone());
                    for q in [0.01, 0.25, 0.5, 0.75, 0.99] {
                        c.quantiles.insert(q.to_string(), d.estimate_quantile(q));
                    }
                }
                // At most about HIST_SAMPLE of the sampled values, evenly spread over the rows.
                let every = values.len().div_ceil(HIST_SAMPLE).max(1);
                let hist: Vec<f64> = values.iter().step_by(every).copied().collect();
                c.histogram = histogram(&hist);
            }
            if acc.kind == Kind::Int
                && let Distinct_::Exact(map) = &acc.ints
            {
                c.top_values = top(map.iter().map(|(k, n)| (k.to_string(), *n)), options.top);
            }
            c.monotonic = order.and_then(|o| {
                Some(
                    match (o.strict_inc, o.inc, o.strict_dec, o.dec) {
                        _ if o.inc && o.dec => "constant",
                        (true, _, _, _) => "strictly_increasing",
                        (_, true, _, _) => "increasing",
                        (_, _, true, _) => "strictly_decreasing",
                        (_, _, _, true) => "decreasing",
                        _ => return None,
                    }
                    .to_string(),
                )
            });
        }
        Kind::Str => {
            c.distinct = Some(acc.strs.result());
            if let Distinct_::Exact(map) = &acc.strs {
                let mut lens: Option<(u64, u64)> = None;
                for k in map.keys() {
                    let l = k.chars().count() as u64;
                    lens = Some(lens.map_or((l, l), |(a, b)| (a.min(l), b.max(l))));
                }
                c.length = lens;
                c.min = map.keys().min().cloned();
                c.max = map.keys().max().cloned();
                c.top_values = top(map.iter().map(|(k, n)| (k.clone(), *n)), options.top);
                c.patterns = patterns(map);
            }
        }
        Kind::Bool => {
            let [f, t] = acc.bools;
            c.distinct = Some(Distinct {
                count: u64::from(f > 0) + u64::from(t > 0),
                estimated: false,
            });
            c.top_values = top(
                [("false".to_string(), f), ("true".to_string(), t)]
                    .into_iter()
                    .filter(|(_, n)| *n > 0),
                options.top,
            );
        }
        Kind::Other => {}
    }
    let _ = rows;
    c
}

fn histogram(values: &[f64]) -> Option<Histogram> {
    let (lo, hi) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<(f64, f64)>, v| {
            Some(acc.map_or((*v, *v), |(a, b)| (a.min(*v), b.max(*v))))
        })?;
    let mut counts = vec![0u64; 10];
    for v in values.iter().filter(|v| v.is_finite()) {
        let i = if hi > lo {
            (((v - lo) / (hi - lo)) * 10.0).floor() as usize
        } else {
            0
        };
        counts[i.min(9)] += 1;
    }
    Some(Histogram {
        min: lo,
        max: hi,
        counts,
        sampled: values.len() as u64,
    })
}

fn top(values: impl Iterator<Item = (String, u64)>, n: usize) -> Vec<TopValue> {
    let mut v: Vec<(String, u64)> = values.collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v.into_iter()
        .map(|(value, count)| TopValue { value, count })
        .collect()
}

/// The character-class shape of a value: runs of upper, lower, digits; other characters literal.
fn shape(s: &str) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::new();
    for ch in s.chars() {
        let class = if ch.is_ascii_uppercase() {
            'A'
        } else if ch.is_ascii_lowercase() {
            'a'
        } else if ch.is_ascii_digit() {
            '9'
        } else {
            ch
        };
        match out.last_mut() {
            Some((c, n)) if *c == class && matches!(class, 'A' | 'a' | '9') => *n += 1,
            _ => out.push((class, 1)),
        }
    }
    out
}

fn patterns(values: &Map<String>) -> Vec<DetectedPattern> {
    let total: u64 = values.values().sum();
    if total == 0 {
        return Vec::new();
    }
    let known = [
        ("email", r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
        (
            "uuid",
            r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
        ),
        ("iso_date", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        (
            "iso_datetime",
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?$",
        ),
    ];
    let mut out = Vec::new();
    // The dominant shape, with run lengths widened to the range seen among values of that shape.
    // Per shape (its classes): rows, and each run's shortest and longest length.
    type Runs = Vec<(usize, usize)>;
    let mut shapes: HashMap<Vec<char>, (u64, Runs)> = HashMap::new();
    for (v, n) in values {
        let s = shape(v);
        let classes: Vec<char> = s.iter().map(|(c, _)| *c).collect();
        let e = shapes
            .entry(classes)
            .or_insert_with(|| (0, s.iter().map(|(_, l)| (*l, *l)).collect()));
        e.0 += n;
        for (r, (_, l)) in e.1.iter_mut().zip(&s) {
            r.0 = r.0.min(*l);
            r.1 = r.1.max(*l);
        }
    }
    if let Some((classes, (n, lens))) = shapes
        .iter()
        .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| b.0.cmp(a.0)))
        && !classes.is_empty()
    {
        let fraction = *n as f64 / total as f64;
        let has_class = classes.iter().any(|c| matches!(c, 'A' | 'a' | '9'));
        if fraction >= 0.95 && has_class && values.len() > 1 {
            let mut re = String::from("^");
            for (c, (lo, hi)) in classes.iter().zip(lens) {
                let class = match c {
                    'A' => "[A-Z]".to_string(),
                    'a' => "[a-z]".to_string(),
                    '9' => "[0-9]".to_string(),
                    other => regex::escape(&other.to_string()),
                };
                re.push_str(&class);
                if matches!(c, 'A' | 'a' | '9') {
                    if lo == hi {
                        if *lo > 1 {
                            re.push_str(&format!("{{{lo}}}"));
                        }
                    } else {
                        re.push_str(&format!("{{{lo},{hi}}}"));
                    }
                }
            }
            re.push('$');
            out.push(DetectedPattern {
                kind: "shape".into(),
                regex: re,
                fraction,
            });
        }
    }
    for (kind, re) in known {
        let Ok(r) = regex::Regex::new(re) else {
            continue;
        };
        let matching: u64 = values
            .iter()
            .filter(|(v, _)| r.is_match(v))
            .map(|(_, n)| *n)
            .sum();
        let fraction = matching as f64 / total as f64;
        if fraction >= 0.95 {
            out.push(DetectedPattern {
                kind: kind.into(),
                regex: re.into(),
                fraction,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_known_patterns() {
        let mut values: Map<String> = Map::with_hasher(HASH);
        values.extend(
            [("M-000123", 3), ("M-004567", 5), ("M-9", 1)].map(|(k, n)| (k.to_string(), n)),
        );
        let p = patterns(&values);
        assert_eq!(p[0].regex, "^[A-Z]\\-[0-9]{1,6}$");
        assert_eq!(p[0].fraction, 1.0);
        let mut emails: Map<String> = Map::with_hasher(HASH);
        emails.extend([("a@b.com", 99), ("broken", 1)].map(|(k, n)| (k.to_string(), n)));
        let p = patterns(&emails);
        let email = p.iter().find(|p| p.kind == "email").unwrap();
        assert_eq!(email.fraction, 0.99);
    }

    #[test]
    fn moments_merge_exactly() {
        let values = [1.0, 2.0, 4.0, 8.0, 16.0, 3.5];
        let mut whole = Moments::default();
        values.iter().for_each(|v| welford(&mut whole, *v));
        let (mut a, mut b) = (Moments::default(), Moments::default());
        values[..2].iter().for_each(|v| welford(&mut a, *v));
        values[2..].iter().for_each(|v| welford(&mut b, *v));
        a.merge(b);
        assert!((a.mean - whole.mean).abs() < 1e-12);
        assert!((a.m2 - whole.m2).abs() < 1e-9);
    }

    #[test]
    fn order_joins_across_row_groups() {
        let mut a = None;
        [1, 2, 2].iter().for_each(|v| step(&mut a, Key::I(*v)));
        let mut b = None;
        [3, 5].iter().for_each(|v| step(&mut b, Key::I(*v)));
        let j = join(a, b).unwrap();
        assert!(j.inc && !j.strict_inc && !j.dec);
        let mut c = None;
        [0].iter().for_each(|v| step(&mut c, Key::I(*v)));
        assert!(!join(join(a, b), c).unwrap().inc);
    }

    #[test]
    fn exact_distinct_turns_into_an_estimate_past_the_limit() {
        let mut d: Distinct_<i64> = Distinct_::new();
        for v in 0..50 {
            d.add(&v, 1, 100);
        }
        assert_eq!(
            d.result(),
            Distinct {
                count: 50,
                estimated: false
            }
        );
        for v in 0..10_000 {
            d.add(&v, 1, 100);
        }
        let r = d.result();
        assert!(r.estimated);
        assert!((9_500..10_500).contains(&r.count), "{r:?}");
    }
}
