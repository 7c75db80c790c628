//! Student t interval for a mean score (CSAT as a mean of 1-5, resolution time as a mean).

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::Bounds;

/// Mean and sample standard deviation (n - 1 denominator).
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, f64::NAN);
    }
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

/// Interval for the mean of `values`; `None` below two values (no spread to measure).
pub fn t_interval(values: &[f64], level: f64) -> Option<Bounds> {
    if values.len() < 2 {
        return None;
    }
    let (mean, sd) = mean_sd(values);
    let n = values.len() as f64;
    let t = StudentsT::new(0.0, 1.0, n - 1.0)
        .ok()?
        .inverse_cdf(0.5 + level / 2.0);
    let half = t * sd / n.sqrt();
    Some(Bounds::new(mean - half, mean + half))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: x = [4,5,3,5,2,4,4,5,1,3,5,4]; scipy.stats.t.interval(0.95, 11, loc=x.mean(),
    /// scale=scipy.stats.sem(x)) = (2.931608, 4.568392), mean 3.75.
    #[test]
    fn matches_scipy() {
        let x = [4.0, 5.0, 3.0, 5.0, 2.0, 4.0, 4.0, 5.0, 1.0, 3.0, 5.0, 4.0];
        let b = t_interval(&x, 0.95).unwrap();
        assert!((b.low - 2.931608).abs() < 1e-5, "{}", b.low);
        assert!((b.high - 4.568392).abs() < 1e-5, "{}", b.high);
        assert_eq!(mean_sd(&x).0, 3.75);
    }

    #[test]
    fn one_value_has_no_interval() {
        assert!(t_interval(&[3.0], 0.95).is_none());
    }
}
