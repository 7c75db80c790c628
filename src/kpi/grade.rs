//! The confidence grade, from four readings of a KPI:
//!
//! | reading | high needs | low below |
//! | --- | --- | --- |
//! | n, the units the value rests on | >= 100 | < 30 |
//! | statistical interval width | <= 10 points of percent (<= 20% of the value for amounts, times, counts) | > 25 points (> 50%) |
//! | data-quality bound width | <= 5 points (<= 10%) | > 15 points (> 30%) |
//! | input quality (usable records in scope) | >= 95% | < 80% |
//!
//! **high** when every reading meets its "high" column; **low** when any reading falls in its
//! "low" column; **medium** otherwise. NPS widths count half (its scale spans 200 points).
//! Each reading that keeps the grade from high is named in the annotations.

use super::stats::Bounds;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        }
    }
}

pub const N_HIGH: usize = 100;
pub const N_LOW: usize = 30;
pub const CI_HIGH: f64 = 10.0;
pub const CI_LOW: f64 = 25.0;
pub const DQ_HIGH: f64 = 5.0;
pub const DQ_LOW: f64 = 15.0;
pub const RELATIVE_FACTOR: f64 = 2.0;
pub const QUALITY_HIGH: f64 = 0.95;
pub const QUALITY_LOW: f64 = 0.80;

/// An interval's width on the grade's scale: percentage points for percent, half the points
/// for NPS, percent of the value for everything else.
pub fn spread(b: Bounds, unit: &str, value: f64) -> f64 {
    let width = b.width();
    if !width.is_finite() {
        return f64::INFINITY;
    }
    match unit {
        "percent" => width,
        "points" => width / 2.0,
        _ if value == 0.0 => {
            if width == 0.0 {
                0.0
            } else {
                f64::INFINITY
            }
        }
        _ => 100.0 * width / value.abs(),
    }
}

pub struct Reading<'a> {
    pub n: usize,
    pub n_of: &'a str,
    pub unit: &'a str,
    pub value: f64,
    pub ci: Option<Bounds>,
    pub dq: Bounds,
    pub input_quality: f64,
}

fn width_words(spread: f64, unit: &str) -> String {
    match unit {
        "percent" => format!("{spread:.1} percentage points wide"),
        "points" => format!("{:.1} points wide", spread * 2.0),
        _ => format!("{spread:.0}% of the value wide"),
    }
}

/// The grade and the sentence saying what keeps it from high (empty when high).
pub fn grade(r: &Reading) -> (Confidence, Vec<String>) {
    let relative = !matches!(r.unit, "percent" | "points");
    let factor = if relative { RELATIVE_FACTOR } else { 1.0 };
    let mut low = Vec::new();
    let mut medium = Vec::new();
    let mut place = |is_low: bool, is_medium: bool, text: String| {
        if is_low {
            low.push(text);
        } else if is_medium {
            medium.push(text);
        }
    };
    place(
        r.n < N_LOW,
        r.n < N_HIGH,
        format!(
            "{} (fewer than {})",
            crate::wording::counted(r.n, r.n_of),
            if r.n < N_LOW { N_LOW } else { N_HIGH }
        ),
    );
    match r.ci {
        Some(ci) => {
            let s = spread(ci, r.unit, r.value);
            place(
                s > CI_LOW * factor,
                s > CI_HIGH * factor,
                format!("the statistical interval is {}", width_words(s, r.unit)),
            );
        }
        None => place(true, true, "no statistical interval could be fitted".into()),
    }
    let s = spread(r.dq, r.unit, r.value);
    place(
        s > DQ_LOW * factor,
        s > DQ_HIGH * factor,
        format!("the data-quality bounds are {}", width_words(s, r.unit)),
    );
    place(
        r.input_quality < QUALITY_LOW,
        r.input_quality < QUALITY_HIGH,
        format!(
            "{:.0}% of the records in scope have every input usable",
            r.input_quality * 100.0
        ),
    );
    let confidence = if !low.is_empty() {
        Confidence::Low
    } else if !medium.is_empty() {
        Confidence::Medium
    } else {
        Confidence::High
    };
    let mut reasons = low;
    reasons.extend(medium);
    (confidence, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(n: usize, ci: (f64, f64), dq: (f64, f64), quality: f64) -> Reading<'static> {
        Reading {
            n,
            n_of: "deals",
            unit: "percent",
            value: 50.0,
            ci: Some(Bounds::new(ci.0, ci.1)),
            dq: Bounds::new(dq.0, dq.1),
            input_quality: quality,
        }
    }

    #[test]
    fn every_reading_must_be_good_for_high() {
        assert_eq!(
            grade(&reading(500, (46.0, 54.0), (49.0, 52.0), 0.99)).0,
            Confidence::High
        );
        // One medium reading (a 12-point interval) makes it medium, and says why.
        let (c, why) = grade(&reading(500, (44.0, 56.0), (49.0, 52.0), 0.99));
        assert_eq!(c, Confidence::Medium);
        assert_eq!(
            why,
            ["the statistical interval is 12.0 percentage points wide"]
        );
        // Any low reading makes it low.
        let (c, why) = grade(&reading(15, (46.0, 54.0), (49.0, 52.0), 0.99));
        assert_eq!(c, Confidence::Low);
        assert_eq!(why, ["15 deals (fewer than 30)"]);
        assert_eq!(
            grade(&reading(500, (46.0, 54.0), (30.0, 52.0), 0.99)).0,
            Confidence::Low
        );
        assert_eq!(
            grade(&reading(500, (46.0, 54.0), (49.0, 52.0), 0.7)).0,
            Confidence::Low
        );
    }

    #[test]
    fn amounts_are_judged_relative_to_the_value() {
        // 1,000 +- 80: 16% of the value wide, under the 20% for high.
        let r = Reading {
            n: 200,
            n_of: "accounts",
            unit: "currency",
            value: 1000.0,
            ci: Some(Bounds::new(920.0, 1080.0)),
            dq: Bounds::new(990.0, 1050.0),
            input_quality: 1.0,
        };
        assert_eq!(grade(&r).0, Confidence::High);
        assert_eq!(spread(Bounds::new(0.0, 10.0), "points", 5.0), 5.0);
    }
}
