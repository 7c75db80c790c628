//! Reporting periods: `2024` (a year), `2024-Q3`, `2024-07`, `last-90d` (the 90 days ending on
//! the as-of date, inclusive) and `all` (everything up to the as-of date). Calendar periods that
//! run past the as-of date stop there, and say so.

use jiff::ToSpan;
use jiff::civil::Date;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodSpec {
    All,
    Year(i16),
    Quarter(i16, i8),
    Month(i16, i8),
    LastDays(u32),
}

/// A resolved period: first and last day, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub spec: PeriodSpec,
    pub label: String,
    pub start: Date,
    pub end: Date,
    /// True when the calendar period runs past the as-of date and was cut there.
    pub partial: bool,
}

pub const EXPECTED: &str = "expected `all`, a year (`2024`), a quarter (`2024-Q3`), a month (`2024-07`) or a trailing window (`last-90d`)";

impl PeriodSpec {
    pub fn parse(text: &str) -> Result<PeriodSpec, String> {
        let t = text.trim();
        let bad = || format!("`{text}` is not a period: {EXPECTED}");
        if t.eq_ignore_ascii_case("all") {
            return Ok(PeriodSpec::All);
        }
        if let Some(days) = t.strip_prefix("last-").and_then(|d| d.strip_suffix('d')) {
            let days: u32 = days.parse().map_err(|_| bad())?;
            if days == 0 || days > 36_600 {
                return Err(format!("`{text}`: the window must be 1 to 36600 days"));
            }
            return Ok(PeriodSpec::LastDays(days));
        }
        let year = |y: &str| -> Result<i16, String> {
            if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            y.parse::<i16>().map_err(|_| bad())
        };
        match t.split_once('-') {
            None => Ok(PeriodSpec::Year(year(t)?)),
            Some((y, rest)) => {
                let y = year(y)?;
                if let Some(q) = rest.strip_prefix(['Q', 'q']) {
                    match q {
                        "1" | "2" | "3" | "4" => Ok(PeriodSpec::Quarter(y, q.parse().unwrap())),
                        _ => Err(bad()),
                    }
                } else if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
                    let m: i8 = rest.parse().map_err(|_| bad())?;
                    if (1..=12).contains(&m) {
                        Ok(PeriodSpec::Month(y, m))
                    } else {
                        Err(bad())
                    }
                } else {
                    Err(bad())
                }
            }
        }
    }

    /// The spec as written back (`2024-Q3`).
    pub fn label(&self) -> String {
        match self {
            PeriodSpec::All => "all".into(),
            PeriodSpec::Year(y) => format!("{y}"),
            PeriodSpec::Quarter(y, q) => format!("{y}-Q{q}"),
            PeriodSpec::Month(y, m) => format!("{y}-{m:02}"),
            PeriodSpec::LastDays(d) => format!("last-{d}d"),
        }
    }

    /// First and last day before cutting at the as-of date.
    fn range(&self, as_of: Date) -> (Date, Date) {
        let date = |y: i16, m: i8, d: i8| Date::new(y, m, d).expect("valid calendar date");
        match *self {
            PeriodSpec::All => (Date::MIN, as_of),
            PeriodSpec::Year(y) => (date(y, 1, 1), date(y, 12, 31)),
            PeriodSpec::Quarter(y, q) => {
                let start = date(y, (q - 1) * 3 + 1, 1);
                (start, last_day_of_month(date(y, q * 3, 1)))
            }
            PeriodSpec::Month(y, m) => {
                let start = date(y, m, 1);
                (start, last_day_of_month(start))
            }
            PeriodSpec::LastDays(days) => (
                as_of
                    .checked_sub((days as i64 - 1).days())
                    .unwrap_or(Date::MIN),
                as_of,
            ),
        }
    }

    /// The first day of the period, when it is after `as_of` (the period has not begun).
    pub fn starts_after(&self, as_of: Date) -> Option<Date> {
        let (start, _) = self.range(as_of);
        (start > as_of).then_some(start)
    }

    pub fn resolve(&self, as_of: Date) -> Period {
        let (start, end) = self.range(as_of);
        let partial = end > as_of;
        Period {
            spec: self.clone(),
            label: self.label(),
            start,
            end: end.min(as_of),
            partial,
        }
    }
}

fn last_day_of_month(first: Date) -> Date {
    first.last_of_month()
}

impl Period {
    pub fn contains(&self, date: Date) -> bool {
        date >= self.start && date <= self.end
    }

    pub fn is_all(&self) -> bool {
        self.spec == PeriodSpec::All
    }

    /// Days in the period (inclusive); `None` for `all`.
    pub fn days(&self) -> Option<i64> {
        if self.is_all() {
            return None;
        }
        Some(self.start.duration_until(self.end).as_secs() / 86_400 + 1)
    }

    /// The period just before, of the same kind: the previous year, quarter, month, or the
    /// same number of days. `None` for `all`.
    pub fn previous(&self, as_of: Date) -> Option<Period> {
        let spec = match self.spec {
            PeriodSpec::All => return None,
            PeriodSpec::Year(y) => PeriodSpec::Year(y - 1),
            PeriodSpec::Quarter(y, 1) => PeriodSpec::Quarter(y - 1, 4),
            PeriodSpec::Quarter(y, q) => PeriodSpec::Quarter(y, q - 1),
            PeriodSpec::Month(y, 1) => PeriodSpec::Month(y - 1, 12),
            PeriodSpec::Month(y, m) => PeriodSpec::Month(y, m - 1),
            PeriodSpec::LastDays(days) => {
                let end = self.start.yesterday().ok()?;
                let start = end.checked_sub((days as i64 - 1).days()).ok()?;
                return Some(Period {
                    spec: self.spec.clone(),
                    label: format!("the {days} days before"),
                    start,
                    end,
                    partial: false,
                });
            }
        };
        let mut previous = spec.resolve(as_of);
        // A partial period compares with the same stretch of the previous one: 2024 up to the
        // as-of date of 14 June is compared with 2023 up to 14 June.
        if self.partial {
            let shift = match self.spec {
                PeriodSpec::Year(_) => 1.year(),
                PeriodSpec::Quarter(..) => 3.months(),
                _ => 1.month(),
            };
            if let Ok(end) = self.end.checked_sub(shift) {
                previous.end = end.min(previous.end);
                previous.partial = true;
            }
        }
        Some(previous)
    }

    /// "2024-Q3 (2024-07-01 to 2024-09-30)", or "all records up to 2024-12-31".
    pub fn describe(&self) -> String {
        if self.is_all() {
            format!("all records up to {}", self.end)
        } else if self.partial {
            format!(
                "{} ({} to {}, cut at the as-of date)",
                self.label, self.start, self.end
            )
        } else {
            format!("{} ({} to {})", self.label, self.start, self.end)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn parses_every_form_and_resolves_relative_to_as_of() {
        let as_of = d("2024-12-31");
        let q3 = PeriodSpec::parse("2024-Q3").unwrap().resolve(as_of);
        assert_eq!((q3.start, q3.end), (d("2024-07-01"), d("2024-09-30")));
        let feb = PeriodSpec::parse("2024-02").unwrap().resolve(as_of);
        assert_eq!((feb.start, feb.end), (d("2024-02-01"), d("2024-02-29")));
        let year = PeriodSpec::parse("2023").unwrap().resolve(as_of);
        assert_eq!((year.start, year.end), (d("2023-01-01"), d("2023-12-31")));
        // 90 days ending on the as-of date, inclusive: 2024-10-03 .. 2024-12-31.
        let last = PeriodSpec::parse("last-90d").unwrap().resolve(as_of);
        assert_eq!((last.start, last.end), (d("2024-10-03"), d("2024-12-31")));
        assert_eq!(last.days(), Some(90));
        let all = PeriodSpec::parse("all").unwrap().resolve(as_of);
        assert!(all.contains(d("1990-01-01")) && !all.contains(d("2025-01-01")));
    }

    #[test]
    fn a_period_past_the_as_of_date_is_cut_there() {
        let p = PeriodSpec::parse("2024").unwrap().resolve(d("2024-06-14"));
        assert_eq!(p.end, d("2024-06-14"));
        assert!(p.partial);
        let prev = p.previous(d("2024-06-14")).unwrap();
        assert_eq!((prev.start, prev.end), (d("2023-01-01"), d("2023-06-14")));
    }

    #[test]
    fn previous_periods() {
        let as_of = d("2024-12-31");
        let prev = |s: &str| {
            let p = PeriodSpec::parse(s)
                .unwrap()
                .resolve(as_of)
                .previous(as_of)
                .unwrap();
            (p.start, p.end)
        };
        assert_eq!(prev("2024-Q1"), (d("2023-10-01"), d("2023-12-31")));
        assert_eq!(prev("2024-01"), (d("2023-12-01"), d("2023-12-31")));
        assert_eq!(prev("last-90d"), (d("2024-07-05"), d("2024-10-02")));
        assert!(PeriodSpec::All.resolve(as_of).previous(as_of).is_none());
    }

    #[test]
    fn rejects_what_is_not_a_period() {
        for bad in [
            "2024-Q5", "2024-13", "24", "last-0d", "last-90", "Q3-2024", "2024-7", "",
        ] {
            assert!(PeriodSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
