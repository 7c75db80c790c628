//! Wilson score interval for a proportion: keeps its coverage near the nominal level for small
//! samples and proportions near 0 or 1, where the textbook Wald interval does not.

use super::{Bounds, z_for};

/// Interval for the proportion `successes / n` (as a share 0-1). `n = 0` gives the whole range.
pub fn wilson(successes: usize, n: usize, level: f64) -> Bounds {
    if n == 0 {
        return Bounds::new(0.0, 1.0);
    }
    let z = z_for(level);
    let n = n as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Bounds::new((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: statsmodels.stats.proportion.proportion_confint(s, n, alpha=1-level,
    /// method="wilson") (statsmodels 0.14), printed to 6 decimals.
    #[test]
    fn matches_statsmodels_to_four_decimals() {
        let cases = [
            (1869, 7043, 0.95, 0.255188, 0.275807),
            (12, 15, 0.95, 0.548146, 0.929525),
            (0, 10, 0.95, 0.000000, 0.277533),
            (10, 10, 0.95, 0.722467, 1.000000),
            (33, 100, 0.90, 0.258029, 0.410927),
            (1, 3, 0.99, 0.040427, 0.855784),
        ];
        for (s, n, level, low, high) in cases {
            let b = wilson(s, n, level);
            assert!(
                (b.low - low).abs() < 5e-5,
                "{s}/{n}: low {} vs {low}",
                b.low
            );
            assert!(
                (b.high - high).abs() < 5e-5,
                "{s}/{n}: high {} vs {high}",
                b.high
            );
        }
    }

    #[test]
    fn no_units_means_no_information() {
        assert_eq!(wilson(0, 0, 0.95), Bounds::new(0.0, 1.0));
    }
}
