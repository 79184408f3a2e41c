//! Per-column accumulators: distinct values (exact, then HyperLogLog), moments, samples,
//! order, fed batch by batch and merged across threads.

use super::*;

/// Most values a thread keeps for histograms.
pub(crate) const HIST_SAMPLE: usize = 10_000;

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
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

pub(crate) fn kind_of(dt: &DataType) -> Kind {
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
pub(crate) const HASH: foldhash::quality::FixedState =
    foldhash::quality::FixedState::with_seed(0x5EED_A55A_1234_9876);

pub(crate) type Map<K> = HashMap<K, u64, foldhash::quality::FixedState>;

/// HyperLogLog with 2^14 one-byte registers (Flajolet et al. 2007, with the small-range
/// correction), over a 64-bit hash.
pub(crate) struct HyperLogLog<T: ?Sized> {
    pub(crate) registers: Box<[u8; 1 << 14]>,
    pub(crate) _t: std::marker::PhantomData<fn(&T)>,
}

impl<T: Hash + ?Sized> HyperLogLog<T> {
    const P: u32 = 14;

    pub(crate) fn new() -> Self {
        HyperLogLog {
            registers: Box::new([0; 1 << 14]),
            _t: std::marker::PhantomData,
        }
    }

    pub(crate) fn add(&mut self, v: &T) {
        let h = HASH.hash_one(v);
        let idx = (h >> (64 - Self::P)) as usize;
        let rest = (h << Self::P) | (1 << (Self::P - 1));
        let rank = rest.leading_zeros() as u8 + 1;
        if rank > self.registers[idx] {
            self.registers[idx] = rank;
        }
    }

    pub(crate) fn merge(&mut self, other: &HyperLogLog<T>) {
        for (a, b) in self.registers.iter_mut().zip(other.registers.iter()) {
            *a = (*a).max(*b);
        }
    }

    pub(crate) fn count(&self) -> usize {
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
pub(crate) enum Distinct_<T: std::hash::Hash + Eq + ?Sized + ToOwned>
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
    pub(crate) fn new() -> Self {
        Distinct_::Exact(Map::with_hasher(HASH))
    }

    pub(crate) fn add(&mut self, v: &T, n: u64, limit: usize) {
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

    pub(crate) fn merge(&mut self, other: Distinct_<T>, limit: usize) {
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

    pub(crate) fn result(&self) -> Distinct {
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
pub(crate) struct Moments {
    pub(crate) n: f64,
    pub(crate) mean: f64,
    pub(crate) m2: f64,
}

impl Moments {
    pub(crate) fn merge(&mut self, o: Moments) {
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
pub(crate) enum Key {
    I(i64),
    F(f64),
}

/// A row group's order facts for one column.
#[derive(Clone, Copy)]
pub(crate) struct Order {
    pub(crate) first: Key,
    pub(crate) last: Key,
    pub(crate) inc: bool,
    pub(crate) dec: bool,
    pub(crate) strict_inc: bool,
    pub(crate) strict_dec: bool,
}

pub(crate) struct Acc {
    pub(crate) kind: Kind,
    pub(crate) nulls: u64,
    pub(crate) nans: u64,
    pub(crate) ints: Distinct_<i64>,
    pub(crate) strs: Distinct_<str>,
    pub(crate) bools: [u64; 2],
    pub(crate) min_i: Option<i64>,
    pub(crate) max_i: Option<i64>,
    pub(crate) min_f: Option<f64>,
    pub(crate) max_f: Option<f64>,
    /// Set from the per-row-group moments, merged in file order, after the pass.
    pub(crate) moments: Moments,
    /// Sampled values with their global row number, so the sketch is built in row order
    /// whatever thread read them: same data, same quantiles.
    pub(crate) sample: Vec<(u64, f64)>,
}

impl Acc {
    pub(crate) fn new(kind: Kind) -> Acc {
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

    pub(crate) fn merge(&mut self, mut o: Acc, limit: usize) {
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

pub(crate) fn opt<T: Copy>(a: Option<T>, b: Option<T>, f: fn(T, T) -> T) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(f(x, y)),
        (x, y) => x.or(y),
    }
}

/// Feeds one column of one batch into `acc`; returns the batch's order facts for numeric and
/// temporal columns.
pub(crate) fn feed(
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

pub(crate) fn welford(m: &mut Moments, v: f64) {
    m.n += 1.0;
    let d = v - m.mean;
    m.mean += d / m.n;
    m.m2 += d * (v - m.mean);
}

/// Keeps the value of every `stride`-th row (by global row number) for the quantile sketch
/// and the histogram.
pub(crate) fn sample(acc: &mut Acc, v: f64, stride: u64, row: u64) {
    if row.is_multiple_of(stride) {
        acc.sample.push((row, v));
    }
}

pub(crate) fn step(order: &mut Option<Order>, v: Key) {
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

pub(crate) fn join(a: Option<Order>, b: Option<Order>) -> Option<Order> {
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

pub(crate) fn to_i64(array: &ArrayRef) -> Option<arrow::array::Int64Array> {
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
