//! A column's accumulator as its profile: statistics, histogram, top values, patterns.

use super::acc::*;
use super::*;

pub(crate) fn render_temporal(dt: &DataType, v: i64) -> String {
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

pub(crate) fn micros(dt: &DataType, v: i64) -> Option<i64> {
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

pub(crate) fn finish(
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

/// Ten equal bins over the values' bulk: from the 1st to the 99th percentile widened by half
/// that span on each side, or the whole range when it is narrower. Values beyond are counted as
/// outliers (`below`, `above`), not binned, so one spike does not squeeze everything else into
/// the first bin.
pub(crate) fn histogram(values: &[f64]) -> Option<Histogram> {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    finite.sort_by(f64::total_cmp);
    let at = |q: f64| finite[((finite.len() - 1) as f64 * q).round() as usize];
    let (min, max) = (finite[0], finite[finite.len() - 1]);
    let (p01, p99) = (at(0.01), at(0.99));
    let half = (p99 - p01) / 2.0;
    let (lo, hi) = if half > 0.0 {
        (min.max(p01 - half), max.min(p99 + half))
    } else {
        (min, max)
    };
    // The bins span the values inside the fences, not the fences themselves.
    let below = finite.iter().filter(|v| **v < lo).count() as u64;
    let above = finite.iter().filter(|v| **v > hi).count() as u64;
    let inside = &finite[below as usize..finite.len() - above as usize];
    let (lo, hi) = (inside[0], inside[inside.len() - 1]);
    let mut counts = vec![0u64; 10];
    for v in inside {
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
        below,
        above,
    })
}

pub(crate) fn top(values: impl Iterator<Item = (String, u64)>, n: usize) -> Vec<TopValue> {
    let mut v: Vec<(String, u64)> = values.collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v.into_iter()
        .map(|(value, count)| TopValue { value, count })
        .collect()
}

/// The character-class shape of a value: runs of upper, lower, digits; other characters literal.
pub(crate) fn shape(s: &str) -> Vec<(char, usize)> {
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

pub(crate) fn patterns(values: &Map<String>) -> Vec<DetectedPattern> {
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
    // Personal numbers of mainland China: resident ID numbers (GB 11643, with their check
    // digit) and mobile numbers.
    for (kind, re, test) in [
        ("cn_id", r"^[0-9]{17}[0-9X]$", is_cn_id as fn(&str) -> bool),
        ("cn_mobile", r"^(\+?86)?1[3-9][0-9]{9}$", is_cn_mobile),
    ] {
        let matching: u64 = values
            .iter()
            .filter(|(v, _)| test(v))
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

/// A mainland resident ID number: 17 digits and a check digit (GB 11643-1999, ISO 7064 MOD 11-2).
pub(crate) fn is_cn_id(v: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = v.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    b[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

/// A mainland mobile number, with or without the country code.
pub(crate) fn is_cn_mobile(v: &str) -> bool {
    let d = v
        .strip_prefix("+86")
        .or_else(|| v.strip_prefix("86"))
        .unwrap_or(v);
    let b = d.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::histogram;

    /// One spike among a thousand values does not crush them into the first bin: it is counted
    /// as an outlier above the bins, and the values spread over the bins.
    #[test]
    fn a_spike_is_an_outlier_not_a_bin() {
        let mut values: Vec<f64> = (0..1000).map(|i| 2.0 + (i % 100) as f64 * 0.05).collect();
        values.push(487.0);
        let h = histogram(&values).unwrap();
        assert_eq!(h.above, 1);
        assert_eq!(h.below, 0);
        assert!(h.max < 487.0);
        assert_eq!(h.counts.iter().sum::<u64>(), 1000);
        assert!(
            h.counts.iter().filter(|n| **n > 0).count() >= 8,
            "{:?}",
            h.counts
        );
        // Without outliers the bins span the whole range.
        let h = histogram(&values[..1000]).unwrap();
        assert_eq!((h.below, h.above), (0, 0));
        assert_eq!((h.min, h.max), (2.0, 2.0 + 99.0 * 0.05));
    }
}
