//! Interval for the Net Promoter Score from the variance of a difference of two multinomial
//! shares: var(NPS) = (p + d - (p - d)^2) / n, with p and d the promoter and detractor shares.
//!
//! Small samples (n < 30) use the adjusted Wald of Rocks (2016): three pseudo-responses are
//! added (3/4 promoter, 3/4 detractor, 3/2 passive) before the formula is applied, which keeps
//! the coverage near nominal where the plain formula is too narrow.

use super::{Bounds, z_for};

/// Below this many responses the adjusted Wald is used.
pub const SMALL_SAMPLE: usize = 30;

/// Interval for NPS in points (-100..100).
pub fn nps_interval(promoters: usize, passives: usize, detractors: usize, level: f64) -> Bounds {
    let n = promoters + passives + detractors;
    if n == 0 {
        return Bounds::new(-100.0, 100.0);
    }
    let (p, d, n) = if n < SMALL_SAMPLE {
        let n_adj = n as f64 + 3.0;
        (
            (promoters as f64 + 0.75) / n_adj,
            (detractors as f64 + 0.75) / n_adj,
            n_adj,
        )
    } else {
        let n = n as f64;
        (promoters as f64 / n, detractors as f64 / n, n)
    };
    let score = p - d;
    let se = ((p + d - score * score) / n).max(0.0).sqrt();
    let z = z_for(level);
    Bounds::new(
        ((score - z * se) * 100.0).max(-100.0),
        ((score + z * se) * 100.0).min(100.0),
    )
}

/// The method's name as reports print it.
pub fn method(n: usize) -> &'static str {
    if n < SMALL_SAMPLE {
        "nps-variance, adjusted Wald (n < 30)"
    } else {
        "nps-variance"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: p = .5, d = .2, NPS = .3; var = (.5 + .2 - .09) / 100 = .0061, se = .078102;
    /// 1.959964 x .078102 = .153076, so 30 +- 15.31 = 14.69 .. 45.31 (the 14.7-45.3).
    #[test]
    fn fifty_thirty_twenty_gives_thirty_between_14_7_and_45_3() {
        let b = nps_interval(50, 30, 20, 0.95);
        assert!((b.low - 14.6924).abs() < 1e-3, "{}", b.low);
        assert!((b.high - 45.3076).abs() < 1e-3, "{}", b.high);
    }

    /// By hand, adjusted Wald for 6 promoters, 2 passives, 2 detractors (n = 10 < 30):
    /// n' = 13, p' = 6.75/13 = .519231, d' = 2.75/13 = .211538, score' = .307692;
    /// var = (.730769 - .094675)/13 = .048930, se = .221201 -> .307692 +- .433548
    /// = -12.59 .. 74.12 points.
    #[test]
    fn small_samples_use_the_adjusted_wald() {
        let b = nps_interval(6, 2, 2, 0.95);
        assert!((b.low - -12.586).abs() < 0.01, "{}", b.low);
        assert!((b.high - 74.124).abs() < 0.01, "{}", b.high);
        assert!(method(10).contains("adjusted"));
        assert_eq!(method(100), "nps-variance");
    }

    #[test]
    fn all_promoters_stays_inside_the_scale() {
        let b = nps_interval(40, 0, 0, 0.95);
        assert_eq!(b.high, 100.0);
        assert!(b.low <= 100.0);
    }
}
