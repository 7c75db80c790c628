//! Median durations (time to market, ticket resolution time) with censoring: units whose end
//! has not happened yet are censored at the as-of date, and the median is then Kaplan-Meier's;
//! without censoring it is the sample median with an order-statistic interval. Units whose
//! duration cannot be read bound the median: all at zero, or all at the longest duration seen.

use super::stats::{Bounds, kaplan_meier, median};

#[derive(Debug, Default)]
pub struct Durations {
    /// (duration, observed); observed = false is censored.
    pub known: Vec<(f64, bool)>,
    /// In scope, duration unreadable.
    pub unknown: usize,
}

pub struct MedianEstimate {
    pub value: f64,
    pub ci: Option<Bounds>,
    pub method: String,
    pub dq: Bounds,
    pub censored: usize,
}

fn point(units: &[(f64, bool)]) -> f64 {
    if units.iter().all(|u| u.1) {
        let mut sorted: Vec<f64> = units.iter().map(|u| u.0).collect();
        sorted.sort_by(f64::total_cmp);
        median::median_sorted(&sorted).unwrap_or(f64::NAN)
    } else {
        kaplan_meier::km_median(units, 0.95).0
    }
}

impl Durations {
    /// Adds a unit; a duration that is not a number counts as unreadable.
    pub fn push(&mut self, duration: f64, observed: bool) {
        if duration.is_finite() {
            self.known.push((duration, observed));
        } else {
            self.unknown += 1;
        }
    }

    pub fn median(&self, level: f64, intervals: bool) -> Result<MedianEstimate, String> {
        if self.known.is_empty() {
            return Err("no duration can be read".into());
        }
        let censored = self.known.iter().filter(|u| !u.1).count();
        let value = point(&self.known);
        if !value.is_finite() {
            return Err(format!(
                "fewer than half of the {} units have ended ({} still open), so the median is not reached yet",
                self.known.len(),
                censored
            ));
        }
        let (ci, method) = if censored > 0 {
            let ci = intervals.then(|| kaplan_meier::km_median(&self.known, level).1);
            (ci, format!("Kaplan-Meier, {censored} censored"))
        } else {
            let mut sorted: Vec<f64> = self.known.iter().map(|u| u.0).collect();
            sorted.sort_by(f64::total_cmp);
            let ci = if intervals {
                median::median_interval(&sorted, level).map(|(b, _)| b)
            } else {
                None
            };
            let coverage = median::median_interval(&sorted, level)
                .map(|x| x.1)
                .unwrap_or(level);
            (
                ci,
                if coverage + 1e-9 < level {
                    format!(
                        "order statistics (sample range, {:.1}% coverage)",
                        coverage * 100.0
                    )
                } else {
                    "order statistics".to_string()
                },
            )
        };
        let dq = if self.unknown == 0 {
            Bounds::point(value)
        } else {
            let longest = self.known.iter().map(|u| u.0).fold(0.0f64, f64::max);
            let with = |d: f64| {
                let mut units = self.known.clone();
                units.extend(std::iter::repeat_n((d, true), self.unknown));
                point(&units)
            };
            Bounds::new(with(0.0), with(longest))
        };
        Ok(MedianEstimate {
            value,
            ci,
            method,
            dq,
            censored,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// By hand: durations 1..=9 observed, median 5; two unreadable units at 0 give
    /// 0,0,1..9 (11 values) -> 4; at the longest (9) give 1..9,9,9 -> 6.
    #[test]
    fn unreadable_durations_bound_the_median() {
        let d = Durations {
            known: (1..=9).map(|x| (x as f64, true)).collect(),
            unknown: 2,
        };
        let m = d.median(0.95, true).unwrap();
        assert_eq!(m.value, 5.0);
        assert_eq!(m.dq, Bounds::new(4.0, 6.0));
        assert_eq!(m.censored, 0);
    }

    #[test]
    fn mostly_open_units_have_no_median_yet() {
        let d = Durations {
            known: vec![(1.0, true), (5.0, false), (6.0, false)],
            unknown: 0,
        };
        assert!(d.median(0.95, true).is_err());
    }
}
