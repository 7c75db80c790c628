//! Seeded percentile bootstrap over units (accounts, not rows): each replicate draws as many
//! units as there are, with replacement, sums their components (each unit times the number of
//! times it was drawn) and evaluates the statistic on the sums. Replicate `i` uses ChaCha8 stream `i` of the seed, so the interval is the same
//! whatever the thread count, and the same seed gives the same interval. The units are drawn in
//! the order of their values, not of their rows, so the same records exported in another order
//! give the same interval too.

use rand::{Rng, SeedableRng};
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
    let bound = u32::try_from(n).ok()?;
    // Draw `i` picks the unit at a position: the position must not depend on the file's order.
    let mut sorted = units.to_vec();
    sorted.sort_unstable_by(|a, b| {
        a.iter()
            .zip(b)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let units = &sorted[..];
    let mut values: Vec<f64> = (0..samples)
        .into_par_iter()
        .with_min_len(8)
        // One counts buffer per worker, reset for each replicate (no allocation per replicate).
        .map_init(
            || vec![0u32; n],
            |counts, i| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                rng.set_stream(i as u64);
                // Count how often each unit is drawn (random writes into a small array that stays
                // in cache), then sum the units weighted by their counts in one sequential pass.
                // Reading the units in order instead of at random is what makes 2,000 replicates
                // over 100,000 units fast; the sums are the same as adding drawn units one by one.
                counts.fill(0);
                // Two 32-bit draws per 64-bit output of the generator.
                for _ in 0..n / 2 {
                    let pair = rng.next_u64();
                    counts[below(&mut rng, bound, pair as u32) as usize] += 1;
                    counts[below(&mut rng, bound, (pair >> 32) as u32) as usize] += 1;
                }
                if !n.is_multiple_of(2) {
                    let x = rng.next_u32();
                    counts[below(&mut rng, bound, x) as usize] += 1;
                }
                let sums = weighted_sums(units, counts);
                stat(&sums, n).filter(|v| v.is_finite())
            },
        )
        .flatten()
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

/// Sum of `count x unit` over the units, in four interleaved accumulators (one chain of
/// dependent additions would leave the CPU waiting on each), folded in a fixed order so that the
/// result depends on nothing but the inputs.
fn weighted_sums<const K: usize>(units: &[[f64; K]], counts: &[u32]) -> [f64; K] {
    let mut acc = [[0.0; K]; 4];
    let chunks = units.len() / 4;
    for c in 0..chunks {
        for (lane, acc) in acc.iter_mut().enumerate() {
            let i = c * 4 + lane;
            let w = counts[i] as f64;
            for k in 0..K {
                acc[k] += w * units[i][k];
            }
        }
    }
    for i in chunks * 4..units.len() {
        let w = counts[i] as f64;
        for k in 0..K {
            acc[0][k] += w * units[i][k];
        }
    }
    let mut sums = [0.0; K];
    for k in 0..K {
        sums[k] = (acc[0][k] + acc[1][k]) + (acc[2][k] + acc[3][k]);
    }
    sums
}

/// A uniform index below `bound`: Lemire's multiply-shift with rejection (unbiased), on 32-bit
/// draws, which is all a bootstrap over up to 4 billion units needs.
/// `x` is the first 32-bit draw; rejected draws are replaced from `rng`.
fn below(rng: &mut ChaCha8Rng, bound: u32, x: u32) -> u32 {
    let mut m = x as u64 * bound as u64;
    if (m as u32) < bound {
        let threshold = bound.wrapping_neg() % bound;
        while (m as u32) < threshold {
            m = rng.next_u32() as u64 * bound as u64;
        }
    }
    (m >> 32) as u32
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
    fn the_order_of_the_units_does_not_move_the_interval() {
        let stat = |s: &[f64; 2], _: usize| (s[1] > 0.0).then(|| s[0] / s[1]);
        let units: Vec<[f64; 2]> = (0..300)
            .map(|i| [f64::from(i % 17) * 3.5, f64::from(1 + i % 5)])
            .collect();
        let mut reversed = units.clone();
        reversed.reverse();
        let a = bootstrap(&units, 400, 9, 0.95, stat).unwrap();
        let b = bootstrap(&reversed, 400, 9, 0.95, stat).unwrap();
        assert_eq!((a.low, a.high), (b.low, b.high));
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
    fn indices_are_uniform_and_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            let x = rng.next_u32();
            counts[below(&mut rng, 7, x) as usize] += 1;
        }
        // Each of 7 values about 10,000 times (sd ~93): within 5 sd.
        assert!(
            counts.iter().all(|&c| (9_535..=10_465).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn quantile_interpolates_like_numpy() {
        // numpy.quantile([1, 2, 3, 4], 0.25) = 1.75
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.25), 1.75);
    }
}
