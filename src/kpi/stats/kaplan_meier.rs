//! Kaplan-Meier estimate of a duration's survival curve when some durations are censored (open
//! tickets, unreleased work): a censored unit counts as at risk until it leaves. The median is
//! the first time the curve reaches 1/2 or less; its interval is where the pointwise
//! log(-log) Greenwood band reaches 1/2 (as lifelines' `median_survival_times` on
//! `confidence_interval_`).

use super::{Bounds, z_for};

/// One step of the curve: the survival and its pointwise band just after `time`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub time: f64,
    pub survival: f64,
    pub low: f64,
    pub high: f64,
}

/// The curve from (duration, observed) pairs; `observed = false` is censored at `duration`.
pub fn kaplan_meier(units: &[(f64, bool)], level: f64) -> Vec<Step> {
    let mut sorted: Vec<(f64, bool)> = units.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let z = z_for(level);
    let mut at_risk = sorted.len() as f64;
    let mut survival = 1.0;
    let mut greenwood = 0.0;
    let mut steps = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let time = sorted[i].0;
        let (mut events, mut leaving) = (0.0, 0.0);
        // total_cmp, so that a NaN (never equal to itself) cannot stall the loop.
        while i < sorted.len() && sorted[i].0.total_cmp(&time).is_eq() {
            leaving += 1.0;
            if sorted[i].1 {
                events += 1.0;
            }
            i += 1;
        }
        if events > 0.0 {
            survival *= 1.0 - events / at_risk;
            if at_risk > events {
                greenwood += events / (at_risk * (at_risk - events));
            }
            let (low, high) = if survival > 0.0 && survival < 1.0 {
                let ln = survival.ln();
                let c = z * (greenwood / (ln * ln)).sqrt();
                (survival.powf(c.exp()), survival.powf((-c).exp()))
            } else {
                (survival, survival)
            };
            steps.push(Step {
                time,
                survival,
                low,
                high,
            });
        }
        at_risk -= leaving;
    }
    steps
}

/// First time a curve is at or below 1/2; infinite when it never gets there.
fn crossing(steps: &[Step], value: impl Fn(&Step) -> f64) -> f64 {
    steps
        .iter()
        .find(|s| value(s) <= 0.5)
        .map_or(f64::INFINITY, |s| s.time)
}

/// Median duration and its interval; the median is infinite when fewer than half the units
/// have had the event.
pub fn km_median(units: &[(f64, bool)], level: f64) -> (f64, Bounds) {
    let steps = kaplan_meier(units, level);
    (
        crossing(&steps, |s| s.survival),
        Bounds::new(crossing(&steps, |s| s.low), crossing(&steps, |s| s.high)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: [f64; 15] = [
        5.0, 6.0, 6.0, 2.5, 4.0, 4.0, 8.0, 9.0, 12.0, 3.0, 7.0, 10.0, 11.0, 1.5, 14.0,
    ];
    const E: [u8; 15] = [1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0];

    fn units() -> Vec<(f64, bool)> {
        T.iter().zip(E).map(|(&t, e)| (t, e == 1)).collect()
    }

    /// Reference: lifelines.KaplanMeierFitter().fit(T, E): survival_function_ at 1.5, 5, 7, 11
    /// = 0.933333, 0.66, 0.502857, 0.223492; median_survival_time_ = 8.0;
    /// median_survival_times(kmf.confidence_interval_) = [3.0, 11.0].
    #[test]
    fn matches_lifelines() {
        let steps = kaplan_meier(&units(), 0.95);
        let at = |t: f64| steps.iter().find(|s| s.time == t).unwrap().survival;
        assert!((at(1.5) - 0.933333).abs() < 1e-5);
        assert!((at(5.0) - 0.66).abs() < 1e-9);
        assert!((at(7.0) - 0.502857).abs() < 1e-5);
        assert!((at(11.0) - 0.223492).abs() < 1e-5);
        let (median, ci) = km_median(&units(), 0.95);
        assert_eq!(median, 8.0);
        assert_eq!(ci, Bounds::new(3.0, 11.0));
    }

    #[test]
    fn a_curve_that_never_halves_has_no_median() {
        let units = [(1.0, true), (2.0, false), (3.0, false), (4.0, false)];
        let (median, ci) = km_median(&units, 0.95);
        assert!(median.is_infinite());
        assert!(ci.high.is_infinite());
    }
}
