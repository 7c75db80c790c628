//! Numbers in sentences: `2,000 tickets`, `66.3%`, `$1,204`, `14.7 points`, `3.2 days`.

pub use crate::wording::{count, plural};

fn grouped(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let int = int.parse::<usize>().map(count).unwrap_or(int);
    let sign = if x < 0.0 && text.chars().any(|c| c != '0' && c != '.') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{int}.{f}"),
        None => format!("{sign}{int}"),
    }
}

/// A value in its unit, for sentences and the text summary.
pub fn value(x: f64, unit: &str) -> String {
    if x.is_infinite() {
        return if x > 0.0 {
            "unbounded".into()
        } else {
            "-unbounded".into()
        };
    }
    if x.is_nan() {
        return "n/a".into();
    }
    match unit {
        "percent" => format!("{}%", grouped(x, 1)),
        "points" => grouped(x, 1),
        "currency" => grouped(x, if x.abs() >= 100.0 { 0 } else { 2 }),
        "days" | "hours" => grouped(x, 1),
        "count" => grouped(x, 0),
        _ => grouped(x, 3),
    }
}

/// "66.3%", "14.7 points", "3.2 days": the value with its unit spelled where it is a word.
pub fn with_unit(x: f64, unit: &str) -> String {
    match unit {
        "points" => format!("{} points", value(x, unit)),
        "days" => format!("{} days", value(x, unit)),
        "hours" => format!("{} hours", value(x, unit)),
        _ => value(x, unit),
    }
}

pub fn range(low: f64, high: f64, unit: &str) -> String {
    format!("{} to {}", value(low, unit), with_unit(high, unit))
}

/// "39.0% and 80.2%", for "between ... and ...".
pub fn between(low: f64, high: f64, unit: &str) -> String {
    format!("{} and {}", value(low, unit), with_unit(high, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(value(66.2978, "percent"), "66.3%");
        assert_eq!(value(12345.678, "currency"), "12,346");
        assert_eq!(value(-0.04, "points"), "0.0");
        assert_eq!(value(-14.7, "points"), "-14.7");
        assert_eq!(with_unit(3.25, "days"), "3.2 days");
        assert_eq!(range(39.0, 80.2, "percent"), "39.0% to 80.2%");
        assert_eq!(between(14.7, 45.3, "points"), "14.7 and 45.3 points");
    }
}
