//! Distribution-free interval for a median from order statistics: the ranks l and n - l + 1
//! such that P(l <= B <= n - l) >= level for B ~ Binomial(n, 1/2), the largest such l.

use statrs::distribution::{Binomial, DiscreteCDF};

use super::Bounds;

/// The sample median (mean of the two middle values for an even count) of sorted values.
pub fn median_sorted(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    Some(if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    })
}

/// 1-based ranks (l, u) of the interval and its achieved coverage; `None` when even the sample
/// range does not reach the level (n < 6 at 95%).
pub fn median_ranks(n: usize, level: f64) -> Option<(usize, usize, f64)> {
    if n == 0 {
        return None;
    }
    let binomial = Binomial::new(0.5, n as u64).ok()?;
    let alpha = 1.0 - level;
    let fits = |l: usize| l >= 1 && binomial.cdf(l as u64 - 1) <= alpha / 2.0;
    // Start from the normal approximation and walk to the exact rank, so that a million
    // tickets cost a few cdf evaluations, not half a million.
    let z = super::z_for(level);
    let guess = (n as f64 / 2.0 - z * (n as f64).sqrt() / 2.0)
        .floor()
        .max(1.0) as usize;
    let mut l = guess.min(n.div_ceil(2));
    while l > 1 && !fits(l) {
        l -= 1;
    }
    if !fits(l) {
        return None;
    }
    while l < n.div_ceil(2) && fits(l + 1) {
        l += 1;
    }
    Some((l, n - l + 1, 1.0 - 2.0 * binomial.cdf(l as u64 - 1)))
}

/// Interval for the median of sorted values and the coverage it achieves. Too few values for
/// the level give the sample range and its own (lower) coverage.
pub fn median_interval(sorted: &[f64], level: f64) -> Option<(Bounds, f64)> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    match median_ranks(n, level) {
        Some((l, u, coverage)) => Some((Bounds::new(sorted[l - 1], sorted[u - 1]), coverage)),
        None => {
            let coverage = 1.0 - 2.0 * 0.5f64.powi(n as i32);
            Some((Bounds::new(sorted[0], sorted[n - 1]), coverage))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: the largest l with scipy.stats.binom.cdf(l - 1, n, 0.5) <= 0.025, coverage
    /// 1 - 2 * binom.cdf(l - 1, n, 0.5): n=16 -> (4, 13, 0.978729), n=100 -> (40, 61, 0.964800),
    /// n=250 -> (110, 141, 0.950293), n=5 -> none.
    #[test]
    fn ranks_match_the_binomial_reference() {
        for (n, l, u, coverage) in [
            (16, 4, 13, 0.978729),
            (100, 40, 61, 0.964800),
            (250, 110, 141, 0.950293),
        ] {
            let (gl, gu, gc) = median_ranks(n, 0.95).unwrap();
            assert_eq!((gl, gu), (l, u), "n = {n}");
            assert!((gc - coverage).abs() < 1e-5, "n = {n}: {gc}");
        }
        assert!(median_ranks(5, 0.95).is_none());
        // A million: scipy.stats.binom.cdf(499019, 1e6, 0.5) = 0.024939 <= 0.025 and
        // binom.cdf(499020, 1e6, 0.5) = 0.025056 > 0.025, so l = 499,020, u = n - l + 1.
        let (l, u, c) = median_ranks(1_000_000, 0.95).unwrap();
        assert_eq!((l, u), (499_020, 500_981));
        assert!((c - (1.0 - 2.0 * 0.024939)).abs() < 1e-5, "{c}");
    }

    #[test]
    fn interval_reads_the_ranked_values() {
        let sorted: Vec<f64> = (1..=16).map(f64::from).collect();
        let (b, _) = median_interval(&sorted, 0.95).unwrap();
        assert_eq!(b, Bounds::new(4.0, 13.0));
        assert_eq!(median_sorted(&sorted), Some(8.5));
        assert_eq!(median_sorted(&[1.0, 9.0, 10.0]), Some(9.0));
        let (small, coverage) = median_interval(&[1.0, 2.0, 3.0], 0.95).unwrap();
        assert_eq!(small, Bounds::new(1.0, 3.0));
        assert!((coverage - 0.75).abs() < 1e-12);
    }
}
