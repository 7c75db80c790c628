//! Statistical intervals fitted to each kind of KPI. Pure functions of the counts or values they
//! are given (and of a seed, for the bootstrap), each checked against a reference implementation
//! in its tests.

pub mod bootstrap;
pub mod delta;
pub mod kaplan_meier;
pub mod median;
pub mod nps;
pub mod poisson;
pub mod t_interval;
pub mod wilson;

use statrs::distribution::{ContinuousCDF, Normal};

/// A two-sided interval. `high` may be infinite where the data cannot bound it (a median that
/// censored durations never reach).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub low: f64,
    pub high: f64,
}

impl Bounds {
    pub fn new(low: f64, high: f64) -> Bounds {
        Bounds { low, high }
    }

    pub fn point(value: f64) -> Bounds {
        Bounds {
            low: value,
            high: value,
        }
    }

    pub fn width(&self) -> f64 {
        self.high - self.low
    }

    /// The smallest interval holding both.
    pub fn union(self, other: Bounds) -> Bounds {
        Bounds {
            low: self.low.min(other.low),
            high: self.high.max(other.high),
        }
    }

    pub fn scale(self, factor: f64) -> Bounds {
        let (a, b) = (self.low * factor, self.high * factor);
        Bounds {
            low: a.min(b),
            high: a.max(b),
        }
    }
}

/// The two-sided standard normal quantile for a confidence level: 1.959964 for 0.95.
pub fn z_for(level: f64) -> f64 {
    let normal = Normal::standard();
    normal.inverse_cdf(0.5 + level / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn z_matches_the_normal_table() {
        // scipy.stats.norm.ppf(0.975) = 1.959963984540054; norm.ppf(0.95) = 1.6448536269514722
        assert!((z_for(0.95) - 1.959963984540054).abs() < 1e-9);
        assert!((z_for(0.90) - 1.6448536269514722).abs() < 1e-9);
    }
}
