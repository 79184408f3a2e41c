//! Drift metrics between a train sample and another split's, computed as scipy computes them
//! (the tests compare with scipy to 1e-9): the two-sample Kolmogorov–Smirnov statistic, the
//! Wasserstein distance, the Jensen–Shannon distance; and the population stability index and
//! the L-infinity distance over bins or categories.

/// A sorted sample the metrics walk, as often as they need: a slice, or values partly on disk
/// (`super::values::Values`).
pub(crate) trait Sorted {
    /// The number of values.
    fn count(&self) -> usize;
    /// The values in ascending order.
    fn values(&self) -> Box<dyn Iterator<Item = f64> + '_>;
}

impl Sorted for [f64] {
    fn count(&self) -> usize {
        self.len()
    }
    fn values(&self) -> Box<dyn Iterator<Item = f64> + '_> {
        Box::new(self.iter().copied())
    }
}

/// Walks the distinct values `x` of two sorted samples in order, calling `each(x, F_a(x),
/// F_b(x))` with both empirical distribution functions at `x` (as `searchsorted(…, "right")`
/// gives them in scipy).
fn steps<A: Sorted + ?Sized, B: Sorted + ?Sized>(
    a: &A,
    b: &B,
    mut each: impl FnMut(f64, f64, f64),
) {
    let (n, m) = (a.count() as f64, b.count() as f64);
    let (mut a, mut b) = (a.values().peekable(), b.values().peekable());
    let (mut i, mut j) = (0usize, 0usize);
    loop {
        let x = match (a.peek(), b.peek()) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) => x,
            (None, Some(&y)) => y,
            (None, None) => break,
        };
        while a.next_if(|v| *v <= x).is_some() {
            i += 1;
        }
        while b.next_if(|v| *v <= x).is_some() {
            j += 1;
        }
        each(x, i as f64 / n, j as f64 / m);
    }
}

/// The Kolmogorov–Smirnov statistic of two sorted samples: the largest gap between their
/// empirical distribution functions (`scipy.stats.ks_2samp(a, b).statistic`).
pub(crate) fn ks<A: Sorted + ?Sized, B: Sorted + ?Sized>(a: &A, b: &B) -> f64 {
    let mut d = 0.0f64;
    steps(a, b, |_, fa, fb| d = d.max((fa - fb).abs()));
    d
}

/// The first Wasserstein distance of two sorted samples: the area between their empirical
/// distribution functions (`scipy.stats.wasserstein_distance(a, b)`).
pub(crate) fn wasserstein<A: Sorted + ?Sized, B: Sorted + ?Sized>(a: &A, b: &B) -> f64 {
    let mut sum = 0.0f64;
    let mut prev: Option<(f64, f64, f64)> = None;
    steps(a, b, |x, fa, fb| {
        if let Some((p, pa, pb)) = prev {
            sum += (pa - pb).abs() * (x - p);
        }
        prev = Some((x, fa, fb));
    });
    sum
}

/// The population standard deviation (`numpy.std`).
pub(crate) fn std<A: Sorted + ?Sized>(a: &A) -> f64 {
    if a.count() == 0 {
        return 0.0;
    }
    let n = a.count() as f64;
    let mean = a.values().sum::<f64>() / n;
    (a.values().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt()
}

/// Bin edges at the quantiles `0, 1/k, …, 1` of a sorted sample, interpolated linearly as
/// `numpy.quantile` does, repeated edges dropped.
pub(crate) fn quantile_edges<A: Sorted + ?Sized>(sorted: &A, k: usize) -> Vec<f64> {
    let mut edges: Vec<f64> = Vec::with_capacity(k + 1);
    let n = sorted.count();
    if n == 0 {
        return edges;
    }
    let last = (n - 1) as f64;
    let at: Vec<(usize, usize, f64)> = (0..=k)
        .map(|q| {
            let pos = last * q as f64 / k as f64;
            let lo = pos.floor() as usize;
            (lo, (lo + 1).min(n - 1), pos - lo as f64)
        })
        .collect();
    // The order statistics they need, in one walk.
    let mut wanted: Vec<usize> = at.iter().flat_map(|&(lo, hi, _)| [lo, hi]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut found = std::collections::HashMap::new();
    let mut next = wanted.iter().peekable();
    for (i, v) in sorted.values().enumerate() {
        while next.next_if(|&&w| w == i).is_some() {
            found.insert(i, v);
        }
        if next.peek().is_none() {
            break;
        }
    }
    for (lo, hi, frac) in at {
        let (Some(&a), Some(&b)) = (found.get(&lo), found.get(&hi)) else {
            return Vec::new();
        };
        let v = a + (b - a) * frac;
        if edges.last() != Some(&v) {
            edges.push(v);
        }
    }
    edges
}

/// Counts of a sample in the bins between `edges`: `[e0, e1), [e1, e2), …, [e(k-1), ek]`, the
/// first bin open below and the last open above, so every value is counted.
pub(crate) fn histogram(values: impl IntoIterator<Item = f64>, edges: &[f64]) -> Vec<u64> {
    let bins = edges.len().saturating_sub(1).max(1);
    let mut counts = vec![0u64; bins];
    // The inner edges (none for one or no edge: one bin).
    let inner = edges.get(1..edges.len().saturating_sub(1)).unwrap_or(&[]);
    for v in values {
        // The number of inner edges at or below v.
        let b = inner.partition_point(|&e| e <= v);
        counts[b.min(bins - 1)] += 1;
    }
    counts
}

/// Shares of counts.
fn shares(c: &[u64]) -> Vec<f64> {
    let total: u64 = c.iter().sum();
    c.iter()
        .map(|&x| {
            if total == 0 {
                0.0
            } else {
                x as f64 / total as f64
            }
        })
        .collect()
}

/// `x ln(x / y)`, as `scipy.special.rel_entr`.
fn rel_entr(x: f64, y: f64) -> f64 {
    if x == 0.0 && y >= 0.0 {
        0.0
    } else if x > 0.0 && y > 0.0 {
        x * (x / y).ln()
    } else {
        f64::INFINITY
    }
}

/// The Jensen–Shannon distance of two count vectors over the same bins or categories, natural
/// logarithm (`scipy.spatial.distance.jensenshannon(p, q)`).
pub(crate) fn jensenshannon(p: &[u64], q: &[u64]) -> f64 {
    let (p, q) = (shares(p), shares(q));
    let (mut left, mut right) = (0.0f64, 0.0f64);
    for (a, b) in p.iter().zip(&q) {
        let m = (a + b) / 2.0;
        left += rel_entr(*a, m);
        right += rel_entr(*b, m);
    }
    ((left + right) / 2.0).sqrt()
}

/// The population stability index of `q` against `p`: Σ (q − p) ln(q / p) over the bins, a
/// share of 0 counted as 0.0001 (as Evidently does).
pub(crate) fn psi(p: &[u64], q: &[u64]) -> f64 {
    let floor = |x: f64| if x == 0.0 { 0.0001 } else { x };
    shares(p)
        .into_iter()
        .zip(shares(q))
        .map(|(a, b)| {
            let (a, b) = (floor(a), floor(b));
            (b - a) * (b / a).ln()
        })
        .sum()
}

/// The largest difference between the shares of any bin or category (TFDV's L-infinity).
pub(crate) fn linf(p: &[u64], q: &[u64]) -> f64 {
    shares(p)
        .into_iter()
        .zip(shares(q))
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ks_and_wasserstein_on_small_samples() {
        // Worked by hand: F_a and F_b differ by 1/2 on [1, 2) and [3, 4).
        let a = [0.0, 1.0, 2.0, 3.0];
        let b = [1.0, 1.0, 3.0, 3.0];
        assert!((ks(&a[..], &b[..]) - 0.25).abs() < 1e-15);
        assert!((wasserstein(&a[..], &b[..]) - 0.5).abs() < 1e-15);
        assert_eq!(ks(&a[..], &a[..]), 0.0);
        assert_eq!(wasserstein(&a[..], &a[..]), 0.0);
    }

    #[test]
    fn bins_follow_numpy_quantiles_and_count_every_value() {
        let s: Vec<f64> = (0..11).map(f64::from).collect();
        assert_eq!(quantile_edges(&s[..], 4), vec![0.0, 2.5, 5.0, 7.5, 10.0]);
        assert_eq!(
            histogram(
                [-5.0, 0.0, 2.5, 9.9, 10.0, 99.0],
                &[0.0, 2.5, 5.0, 7.5, 10.0]
            ),
            vec![2, 1, 0, 3]
        );
        assert_eq!(quantile_edges(&[1.0, 1.0, 1.0][..], 4), vec![1.0]);
        assert_eq!(histogram([1.0, 2.0], &[1.0]), vec![2]);
    }

    #[test]
    fn psi_of_the_worked_example() {
        // docs/ml.md: train 50/30/20, test 40/30/30.
        let v = psi(&[50, 30, 20], &[40, 30, 30]);
        let expected = (0.4 - 0.5) * (0.4f64 / 0.5).ln() + 0.0 + (0.3 - 0.2) * (0.3f64 / 0.2).ln();
        assert!((v - expected).abs() < 1e-15);
        assert!((v - 0.062_860_8).abs() < 1e-6, "{v}");
        assert!((linf(&[50, 30, 20], &[40, 30, 30]) - 0.1).abs() < 1e-15);
    }
}
