//! Drafted bounds and code lists that the defects they are meant to find cannot widen:
//! robust range bounds, suspected typos, event-time columns.

use crate::profile::ColumnProfile;

use super::clean;

/// Bounds for a `range` check that the defects it is meant to find cannot widen.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Robust {
    pub(super) q1: f64,
    pub(super) q3: f64,
    pub(super) p01: f64,
    pub(super) p99: f64,
    pub(super) lo: f64,
    pub(super) hi: f64,
    /// Why the lower bound is 0, when it is.
    pub(super) non_negative: Option<String>,
}

/// Words in a column name that mean the quantity cannot be negative.
const NON_NEGATIVE_WORDS: &[&str] = &[
    "rms",
    "count",
    "qty",
    "quantity",
    "weight",
    "mass",
    "length",
    "width",
    "height",
    "diameter",
    "thickness",
    "area",
    "volume",
    "duration",
    "age",
    "size",
    "concentration",
    "ppm",
    "amplitude",
    "distance",
    "frequency",
    "rpm",
];

/// Bounds from the 1st to 99th percentiles widened by their own distance on each side, and
/// never inside the quartiles' far-out fences (Tukey: Q1 − 3·IQR, Q3 + 3·IQR); floored at 0 for
/// a quantity that cannot be negative; rounded outward. Percentiles, not min and max: a single
/// spike or 1% of rows logged in another unit would otherwise widen the bounds until they pass.
/// The width keeps the long right tail of a skewed quantity (a vibration RMS) inside. Min and max are not used: a single spike or a batch logged in another unit would
/// otherwise widen the bounds until it passes.
pub(super) fn robust_bounds(c: &ColumnProfile, integer: bool) -> Option<Robust> {
    let q = |k: &str| c.quantiles.get(k).copied().filter(|v| v.is_finite());
    let (q1, q3, p01, p99) = (q("0.25")?, q("0.75")?, q("0.01")?, q("0.99")?);
    let iqr = q3 - q1;
    let width = p99 - p01;
    let mut lo = (q1 - 3.0 * iqr).min(p01 - width);
    let mut hi = (q3 + 3.0 * iqr).max(p99 + width);
    if hi <= lo {
        // A (nearly) constant column: a band around the value.
        let m = (lo.abs() * 0.1).max(1.0);
        lo -= m;
        hi += m;
    }
    let name = c.name.to_ascii_lowercase();
    let by_name = name
        .split(|ch: char| !ch.is_ascii_alphanumeric())
        .find(|w| NON_NEGATIVE_WORDS.contains(w));
    let non_negative = if let Some(w) = by_name {
        Some(format!("`{w}` in the name is never negative"))
    } else if p01 >= 0.0 && lo < 0.0 {
        Some("at least 99% of the values are 0 or more".to_string())
    } else {
        None
    };
    if non_negative.is_some() {
        lo = lo.max(0.0);
    }
    let (mut lo, mut hi) = round_out(lo, hi);
    if non_negative.is_some() {
        lo = lo.max(0.0);
    }
    if integer {
        (lo, hi) = (lo.floor(), hi.ceil());
    }
    Some(Robust {
        q1,
        q3,
        p01,
        p99,
        lo,
        hi,
        non_negative,
    })
}

/// Rounds both bounds outward to two significant digits of the span.
pub(super) fn round_out(lo: f64, hi: f64) -> (f64, f64) {
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 || !span.is_finite() {
        return (lo, hi);
    }
    let step = 10f64.powf(span.log10().floor() - 1.0);
    (
        clean((lo / step + 1e-9).floor() * step),
        clean((hi / step - 1e-9).ceil() * step),
    )
}

/// Values under 0.1% of the rows within edit distance 2 of a value at least 100 times as
/// frequent: (value, count, the frequent value, its count).
pub(super) fn suspected_typos(c: &ColumnProfile, non_null: u64) -> Vec<(String, u64, String, u64)> {
    let mut out = Vec::new();
    for t in &c.top_values {
        if t.count.saturating_mul(1000) > non_null {
            continue;
        }
        let near = c
            .top_values
            .iter()
            .filter(|f| f.count >= t.count.saturating_mul(100) && f.value != t.value)
            .map(|f| (strsim::damerau_levenshtein(&t.value, &f.value), f))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, f)| (*d, std::cmp::Reverse(f.count)));
        if let Some((_, f)) = near {
            out.push((t.value.clone(), t.count, f.value.clone(), f.count));
        }
    }
    out
}

/// Whether a date or time column reads as the time of an event (a reading, a record), whose
/// newest value says how fresh the data is; a manufacture, install or birth date does not.
pub(super) fn is_event_time(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    const STATIC: &[&str] = &[
        "manufactur",
        "install",
        "commission",
        "birth",
        "expir",
        "built",
        "purchase",
        "warrant",
        "calibrat",
        "mfg",
        "valid",
        "release",
    ];
    if STATIC.iter().any(|w| n.contains(w)) {
        return false;
    }
    const EVENT: &[&str] = &[
        "ts",
        "time",
        "timestamp",
        "datetime",
        "date",
        "day",
        "hour",
        "event",
        "recorded",
        "measured",
        "observed",
        "sampled",
        "logged",
        "captured",
        "reading",
        "at",
        "updated",
        "inspected",
        "received",
        "period",
    ];
    n.split(|ch: char| !ch.is_ascii_alphanumeric())
        .any(|w| EVENT.contains(&w) || w.ends_with("time") || w.starts_with("ts"))
}
