//! Exact (Garwood) interval for a Poisson count, from chi-square quantiles:
//! low = chi2(alpha/2; 2k) / 2, high = chi2(1 - alpha/2; 2k + 2) / 2. Used for rates per
//! exposure (churn per customer-month, incidents per period) and for counts of units.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::Bounds;

/// Interval for the mean of a Poisson variable observed as `count`.
pub fn poisson_exact(count: u64, level: f64) -> Bounds {
    let alpha = 1.0 - level;
    let k = count as f64;
    let low = if count == 0 {
        0.0
    } else {
        ChiSquared::new(2.0 * k)
            .expect("positive degrees of freedom")
            .inverse_cdf(alpha / 2.0)
            / 2.0
    };
    let high = ChiSquared::new(2.0 * k + 2.0)
        .expect("positive degrees of freedom")
        .inverse_cdf(1.0 - alpha / 2.0)
        / 2.0;
    Bounds::new(low, high)
}

/// Interval for a rate `count / exposure`.
pub fn rate_exact(count: u64, exposure: f64, level: f64) -> Bounds {
    let b = poisson_exact(count, level);
    Bounds::new(b.low / exposure, b.high / exposure)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: scipy.stats.chi2.ppf(0.025, 2k)/2 and chi2.ppf(0.975, 2k+2)/2 (scipy 1.x).
    #[test]
    fn matches_scipy_chi_square_quantiles() {
        let cases = [
            (0, 0.0, 3.688879),
            (1, 0.025318, 5.571643),
            (5, 1.623486, 11.668332),
            (23, 14.580027, 34.511293),
            (100, 81.363991, 121.626794),
        ];
        for (k, low, high) in cases {
            let b = poisson_exact(k, 0.95);
            assert!((b.low - low).abs() < 1e-4, "{k}: low {} vs {low}", b.low);
            assert!(
                (b.high - high).abs() < 1e-4,
                "{k}: high {} vs {high}",
                b.high
            );
        }
    }

    #[test]
    fn rates_divide_by_exposure() {
        let b = rate_exact(5, 100.0, 0.95);
        assert!((b.low - 0.01623486).abs() < 1e-6);
        assert!((b.high - 0.11668332).abs() < 1e-6);
    }
}
