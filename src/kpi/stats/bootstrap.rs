//! Seeded percentile bootstrap over units (accounts, not rows): each replicate draws as many
//! units as there are, with replacement, sums their components and evaluates the statistic on
//! the sums. Replicate `i` uses ChaCha8 stream `i` of the seed, so the interval is the same
//! whatever the thread count, and the same seed gives the same interval.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::Bounds;

/// Percentile interval of `stat(sums, n)` over `samples` replicates; `None` when fewer than
/// half the replicates give a value (a denominator that is zero in most resamples).
pub fn bootstrap<const K: usize>(
    units: &[[f64; K]],
    samples: usize,
    seed: u64,
    level: f64,
    stat: impl Fn(&[f64; K], usize) -> Option<f64> + Sync,
) -> Option<Bounds> {
    let n = units.len();
    if n == 0 || samples == 0 {
        return None;
    }
    let mut values: Vec<f64> = (0..samples)
        .into_par_iter()
        .with_min_len(8)
        .filter_map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(i as u64);
            let mut sums = [0.0; K];
            for _ in 0..n {
                let unit = &units[rng.random_range(0..n)];
                for k in 0..K {
                    sums[k] += unit[k];
                }
            }
            stat(&sums, n).filter(|v| v.is_finite())
        })
        .collect();
    if values.len() * 2 < samples {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let alpha = 1.0 - level;
    Some(Bounds::new(
        quantile(&values, alpha / 2.0),
        quantile(&values, 1.0 - alpha / 2.0),
    ))
}

/// Linear interpolation between order statistics (numpy's default `quantile`).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_units() -> Vec<[f64; 1]> {
        (0..200).map(|i| [(i % 10) as f64]).collect()
    }

    #[test]
    fn same_seed_same_interval_and_another_seed_moves_it() {
        let stat = |s: &[f64; 1], n: usize| Some(s[0] / n as f64);
        let a = bootstrap(&mean_units(), 500, 7, 0.95, stat).unwrap();
        let b = bootstrap(&mean_units(), 500, 7, 0.95, stat).unwrap();
        let c = bootstrap(&mean_units(), 500, 8, 0.95, stat).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    /// The mean of 0..9 repeated 20 times is 4.5 with sd 2.8794 (n - 1); the normal-theory
    /// interval is 4.5 +- 1.96 x 2.8794 / sqrt(200) = 4.10 .. 4.90. A 2,000-replicate percentile
    /// bootstrap must land within a few hundredths of it.
    #[test]
    fn agrees_with_normal_theory_for_a_mean() {
        let stat = |s: &[f64; 1], n: usize| Some(s[0] / n as f64);
        let b = bootstrap(&mean_units(), 2000, 42, 0.95, stat).unwrap();
        assert!((b.low - 4.10).abs() < 0.05, "{}", b.low);
        assert!((b.high - 4.90).abs() < 0.05, "{}", b.high);
    }

    #[test]
    fn thread_count_does_not_change_the_interval() {
        let stat = |s: &[f64; 1], n: usize| Some(s[0] / n as f64);
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| bootstrap(&mean_units(), 300, 3, 0.95, stat));
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(|| bootstrap(&mean_units(), 300, 3, 0.95, stat));
        assert_eq!(one, two);
    }

    #[test]
    fn quantile_interpolates_like_numpy() {
        // numpy.quantile([1, 2, 3, 4], 0.25) = 1.75
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75);
    }
}
