//! Delta-method interval for a ratio of sums over units, R = sum(y) / sum(x) (revenue churn:
//! MRR lost / MRR at start; win rate by value: won amount / closed amount). Linearising R gives
//! var(R) ~ sum((y_i - R x_i)^2) / ((n - 1) n mean(x)^2).

use super::{Bounds, z_for};

/// The ratio and its interval; `None` without units or with a zero denominator.
pub fn ratio_interval(units: &[(f64, f64)], level: f64) -> Option<(f64, Bounds)> {
    let n = units.len();
    let sum_x: f64 = units.iter().map(|u| u.1).sum();
    if n < 2 || sum_x == 0.0 {
        return None;
    }
    let sum_y: f64 = units.iter().map(|u| u.0).sum();
    let ratio = sum_y / sum_x;
    let mean_x = sum_x / n as f64;
    let ss: f64 = units
        .iter()
        .map(|(y, x)| (y - ratio * x) * (y - ratio * x))
        .sum();
    let se = (ss / ((n - 1) as f64 * n as f64 * mean_x * mean_x)).sqrt();
    let z = z_for(level);
    Some((ratio, Bounds::new(ratio - z * se, ratio + z * se)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: units (y, x) = (1,2), (0,3), (2,4), (1,1): R = 4/10 = 0.4; residuals y - 0.4x
    /// = 0.2, -1.2, 0.4, 0.6; squares sum 0.04 + 1.44 + 0.16 + 0.36 = 2.0; mean x = 2.5;
    /// var = 2.0 / (3 x 4 x 6.25) = 0.0266667, se = 0.163299; 1.959964 x se = 0.320060.
    #[test]
    fn matches_the_hand_computation() {
        let (r, b) =
            ratio_interval(&[(1.0, 2.0), (0.0, 3.0), (2.0, 4.0), (1.0, 1.0)], 0.95).unwrap();
        assert!((r - 0.4).abs() < 1e-12);
        assert!((b.low - (0.4 - 0.320060)).abs() < 1e-5, "{}", b.low);
        assert!((b.high - (0.4 + 0.320060)).abs() < 1e-5, "{}", b.high);
    }

    #[test]
    fn a_zero_denominator_has_no_ratio() {
        assert!(ratio_interval(&[(1.0, 0.0), (1.0, 0.0)], 0.95).is_none());
    }
}
