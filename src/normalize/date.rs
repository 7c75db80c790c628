//! Date parsing for CRM exports: ISO dates and date-times, numeric
//! day/month/year in either order (with ambiguity reported, not guessed),
//! English month names, and Excel serial numbers. Calendar validity comes
//! from `jiff`.
//!
//! Two-digit years are read with a fixed pivot: `00`–`69` → 2000–2069,
//! `70`–`99` → 1970–1999 (the POSIX `strptime %y` rule, also Excel's).
//! A time of day after the date is validated and ignored; date-times with an
//! offset give the date *as written* (no conversion to UTC), because that is
//! the date the CRM user saw.

use std::fmt;
use std::str::FromStr;

use jiff::Span;
use jiff::civil::Date;

/// Which numeric field comes first, for resolving `01/02/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// Day, month, year (most of the world).
    Dmy,
    /// Month, day, year (United States).
    Mdy,
    /// Year, month, day (ISO, East Asia). Numeric dates with the year last
    /// are not affected by it: they are resolved as if no order were given.
    Ymd,
}

/// Error for [`DateOrder::from_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateOrderError;

impl fmt::Display for ParseDateOrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("date order must be one of: dmy, mdy, ymd")
    }
}

impl std::error::Error for ParseDateOrderError {}

impl FromStr for DateOrder {
    type Err = ParseDateOrderError;

    /// Parses `dmy`, `mdy` or `ymd` (case-insensitive, trimmed).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("dmy") {
            Ok(Self::Dmy)
        } else if s.eq_ignore_ascii_case("mdy") {
            Ok(Self::Mdy)
        } else if s.eq_ignore_ascii_case("ymd") {
            Ok(Self::Ymd)
        } else {
            Err(ParseDateOrderError)
        }
    }
}

/// A successfully read date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateValue {
    /// One unambiguous calendar date.
    Date(Date),
    /// `01/02/2024` with no order given: both readings are valid and differ.
    Ambiguous {
        /// Reading the first field as the day.
        day_first: Date,
        /// Reading the first field as the month.
        month_first: Date,
    },
    /// A bare integer 10000–80000, read as an Excel (1900 system) serial day
    /// number. The caller decides whether the column may contain these.
    ExcelSerial {
        /// The integer as written.
        serial: u32,
        /// The date it stands for.
        date: Date,
    },
}

impl DateValue {
    /// The date when there is exactly one reading (`Date` or
    /// `ExcelSerial`), `None` when ambiguous.
    pub fn unambiguous(&self) -> Option<Date> {
        match *self {
            Self::Date(d) | Self::ExcelSerial { date: d, .. } => Some(d),
            Self::Ambiguous { .. } => None,
        }
    }
}

/// Why a cell is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateError {
    /// The cell is empty or whitespace.
    Empty,
    /// Not a date format we read.
    Unrecognised,
    /// The fields do not form a calendar date (`2024-02-30`, month 13).
    NoSuchDate {
        /// Year as read (two-digit years already expanded).
        year: i16,
        /// Month as written.
        month: u8,
        /// Day as written.
        day: u8,
    },
    /// The time of day after the date is not a valid time.
    InvalidTime,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("empty value"),
            Self::Unrecognised => f.write_str("not a recognised date format"),
            Self::NoSuchDate { month, .. } if !(1..=12).contains(&month) => {
                write!(f, "month {month} does not exist")
            }
            Self::NoSuchDate { day: 0, .. } => f.write_str("day 0 does not exist"),
            Self::NoSuchDate {
                year,
                month: 2,
                day: 29,
            } => {
                write!(
                    f,
                    "29 February {year} does not exist ({year} is not a leap year)"
                )
            }
            Self::NoSuchDate { month, day, .. } => {
                let name = MONTHS[usize::from(month - 1)];
                write!(f, "{day} {name} does not exist")
            }
            Self::InvalidTime => f.write_str("invalid time of day"),
        }
    }
}

impl std::error::Error for DateError {}

/// The written format of a date cell, for column format-consistency checks.
/// `Display` gives a label such as `YYYY-MM-DD`, `NN/NN/YYYY`, `N/N/YY`,
/// `DD Mon YYYY`, `Mon DD, YYYY`, `Excel serial`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateShape {
    /// `2024-01-13`.
    IsoDate,
    /// `2024-01-22T16:14:25.000+0000`, `2024-01-22 16:14:25`.
    IsoDateTime,
    /// Year first with `/` or `.`, or unpadded (`2024/01/13`, `2024-1-5`).
    YearFirst {
        /// Separator character.
        sep: char,
        /// Month and day both written with two digits.
        padded: bool,
        /// A time of day follows.
        time: bool,
    },
    /// Day and month as numbers, year last (`13/01/2024`, `1.2.24`).
    Numeric {
        /// Separator character.
        sep: char,
        /// Digits in the first field (1 or 2).
        first: u8,
        /// Digits in the second field (1 or 2).
        second: u8,
        /// Digits in the year (2 or 4).
        year: u8,
        /// A time of day follows.
        time: bool,
    },
    /// Day, month name, year (`5 Jan 2024`, `05-Jan-2024`).
    DayMonthName {
        /// Separator character (space, `-`, `.` or `/`).
        sep: char,
        /// Digits in the year (2 or 4).
        year: u8,
        /// A time of day follows.
        time: bool,
    },
    /// Month name, day, year (`Jan 5, 2024`, `January 5 2024`).
    MonthNameDay {
        /// A comma after the day.
        comma: bool,
        /// Digits in the year (2 or 4).
        year: u8,
        /// A time of day follows.
        time: bool,
    },
    /// A bare integer read as an Excel serial.
    ExcelSerial,
    /// Anything else.
    Unrecognised,
}

impl fmt::Display for DateShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = |w: u8| if w == 1 { "N" } else { "NN" };
        let y = |w: u8| if w == 2 { "YY" } else { "YYYY" };
        let time = match *self {
            Self::IsoDate => return f.write_str("YYYY-MM-DD"),
            Self::IsoDateTime => return f.write_str("ISO date-time"),
            Self::ExcelSerial => return f.write_str("Excel serial"),
            Self::Unrecognised => return f.write_str("unrecognised"),
            Self::YearFirst { sep, padded, time } => {
                let (m, d) = if padded { ("MM", "DD") } else { ("M", "D") };
                write!(f, "YYYY{sep}{m}{sep}{d}")?;
                time
            }
            Self::Numeric {
                sep,
                first,
                second,
                year,
                time,
            } => {
                write!(f, "{}{sep}{}{sep}{}", n(first), n(second), y(year))?;
                time
            }
            Self::DayMonthName { sep, year, time } => {
                write!(f, "DD{sep}Mon{sep}{}", y(year))?;
                time
            }
            Self::MonthNameDay { comma, year, time } => {
                let c = if comma { "," } else { "" };
                write!(f, "Mon DD{c} {}", y(year))?;
                time
            }
        };
        if time {
            f.write_str(" hh:mm")?;
        }
        Ok(())
    }
}

/// Parses a date cell. Returns the written shape (always, even on error, so
/// format-consistency checks can count invalid dates by format) and the
/// value or the reason it is not a date.
///
/// `order` resolves numeric dates whose two readings are both valid
/// (`01/02/2024`). A value that only one reading makes valid (`13/01/2024`)
/// is that date whatever `order` says; the caller can compare against the
/// column's order to report the conflict.
pub fn parse_date(
    raw: &str,
    order: Option<DateOrder>,
) -> (DateShape, Result<DateValue, DateError>) {
    let s = raw.trim();
    if s.is_empty() {
        return (DateShape::Unrecognised, Err(DateError::Empty));
    }
    // Every format we read is ASCII; this also keeps byte indexing below on
    // char boundaries.
    if !s.is_ascii() {
        return (DateShape::Unrecognised, Err(DateError::Unrecognised));
    }
    let b = s.as_bytes();
    if b.iter().all(u8::is_ascii_digit) {
        return excel_serial(s);
    }
    if let Some(r) = iso(b) {
        return r;
    }
    // Split a trailing time of day (`13/01/2024 10:30 AM`).
    let (date_part, time) = match s.find(':') {
        Some(colon) => {
            let start = s[..colon].trim_end_matches(|c: char| c.is_ascii_digit());
            if start.len() == colon || !start.ends_with(' ') {
                return (DateShape::Unrecognised, Err(DateError::Unrecognised));
            }
            (start.trim_end(), Some(&s[start.len()..]))
        }
        None => (s, None),
    };
    let has_time = time.is_some();
    let time_ok =
        time.is_none_or(|t| clock(t.as_bytes(), true).is_some_and(|rest| rest.is_empty()));
    let Some((shape, fields)) = numeric(date_part.as_bytes(), has_time)
        .or_else(|| day_month_name(date_part.as_bytes(), has_time))
        .or_else(|| month_name_day(date_part.as_bytes(), has_time))
    else {
        return (DateShape::Unrecognised, Err(DateError::Unrecognised));
    };
    if !time_ok {
        return (shape, Err(DateError::InvalidTime));
    }
    let value = match fields {
        Fields::Exact { year, month, day } => make_date(year, month, day).map(DateValue::Date),
        Fields::TwoWay {
            first,
            second,
            year,
        } => resolve(first, second, year, order),
    };
    (shape, value)
}

/// Fields read from a date, before calendar validation.
enum Fields {
    /// Which number is the month is known (year-first or a month name).
    Exact { year: i16, month: u32, day: u32 },
    /// `first/second/year`: either may be the day.
    TwoWay { first: u32, second: u32, year: i16 },
}

fn excel_serial(s: &str) -> (DateShape, Result<DateValue, DateError>) {
    let serial = if s.len() <= 5 {
        s.parse::<u32>().ok()
    } else {
        None
    };
    match serial {
        Some(serial @ 10_000..=80_000) => {
            // Excel's 1900 system counts 1900-01-01 as day 1 and wrongly
            // includes 1900-02-29, so from serial 61 on, day N is
            // 1899-12-30 + N.
            let date = Date::new(1899, 12, 30).ok().and_then(|epoch| {
                epoch
                    .checked_add(Span::new().try_days(i64::from(serial)).ok()?)
                    .ok()
            });
            match date {
                Some(date) => (
                    DateShape::ExcelSerial,
                    Ok(DateValue::ExcelSerial { serial, date }),
                ),
                None => (DateShape::ExcelSerial, Err(DateError::Unrecognised)),
            }
        }
        _ => (DateShape::Unrecognised, Err(DateError::Unrecognised)),
    }
}

/// `YYYY-MM-DD`, optionally followed by a time (ISO 8601 / RFC 3339 and the
/// space-separated SQL form). `None` if the value does not start that way.
fn iso(b: &[u8]) -> Option<(DateShape, Result<DateValue, DateError>)> {
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return None;
    }
    if b.get(10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let year = num(&b[0..4]) as i16;
    let date = make_date(year, num(&b[5..7]), num(&b[8..10])).map(DateValue::Date);
    let rest = &b[10..];
    let Some((&first, time)) = rest.split_first() else {
        return Some((DateShape::IsoDate, date));
    };
    let shape = DateShape::IsoDateTime;
    match first {
        b'T' | b't' | b' ' => {}
        _ => return Some((DateShape::Unrecognised, Err(DateError::Unrecognised))),
    }
    // After a space, a 12-hour clock is read as after every other date format
    // (`2024-01-13 10:30 PM`); after `T` the time is ISO 8601, 24-hour only.
    let valid_time = clock(time, first == b' ').is_some_and(offset);
    if !valid_time {
        // A space followed by something that is not a time at all is not an
        // ISO date-time; a `T` or a colon means a broken time.
        let looks_timey = first != b' ' || time.contains(&b':');
        return Some(if looks_timey {
            (shape, Err(DateError::InvalidTime))
        } else {
            (DateShape::Unrecognised, Err(DateError::Unrecognised))
        });
    }
    Some((shape, date))
}

/// Value of an ASCII digit run (callers pass at most 9 digits).
fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |acc, &x| acc * 10 + u32::from(x - b'0'))
}

/// Reads a maximal run of 1..=max digits at `b[i..]`; returns (value, len).
fn digits_at(b: &[u8], i: usize, max: usize) -> Option<(u32, usize)> {
    let len = b
        .get(i..)?
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (1..=max).contains(&len).then(|| (num(&b[i..i + len]), len))
}

/// `HH:MM[:SS[.fff]]`, with `am`/`pm` if `ampm`; returns the unread rest.
fn clock(b: &[u8], ampm: bool) -> Option<&[u8]> {
    let (h, hl) = digits_at(b, 0, 2)?;
    if b.get(hl) != Some(&b':') {
        return None;
    }
    let (m, ml) = digits_at(b, hl + 1, 2).filter(|&(_, l)| l == 2)?;
    let mut i = hl + 1 + ml;
    let mut sec = 0;
    if b.get(i) == Some(&b':') {
        let (s, sl) = digits_at(b, i + 1, 2).filter(|&(_, l)| l == 2)?;
        sec = s;
        i += 1 + sl;
        if matches!(b.get(i), Some(b'.' | b',')) {
            let (_, fl) = digits_at(b, i + 1, 9)?;
            i += 1 + fl;
        }
    }
    let mut rest = &b[i..];
    let mut max_hour = 23;
    if ampm {
        // `am`, `PM`, `a.m.` ... without allocating.
        let mut letters = rest
            .trim_ascii_start()
            .iter()
            .filter(|&&c| c != b'.')
            .map(u8::to_ascii_lowercase);
        let marker = (letters.next(), letters.next(), letters.next());
        if matches!(marker, (Some(b'a' | b'p'), Some(b'm'), None)) {
            max_hour = 12;
            rest = &[];
        }
    }
    (h <= max_hour && m <= 59 && sec <= 60).then_some(rest)
}

/// An optional UTC offset after an ISO time: `Z`, `+HH`, `+HHMM`, `+HH:MM`,
/// or ` UTC` / ` GMT`. True if `b` is exactly one of those (or empty).
fn offset(b: &[u8]) -> bool {
    let b = b.trim_ascii();
    if b.is_empty()
        || b.eq_ignore_ascii_case(b"z")
        || b.eq_ignore_ascii_case(b"utc")
        || b.eq_ignore_ascii_case(b"gmt")
    {
        return true;
    }
    let Some((&sign, rest)) = b.split_first() else {
        return false;
    };
    if sign != b'+' && sign != b'-' {
        return false;
    }
    let two = |d: &[u8]| d.len() == 2 && d.iter().all(u8::is_ascii_digit);
    let (hh, mm) = match rest.len() {
        2 => (rest, &b"00"[..]),
        4 => (&rest[..2], &rest[2..]),
        5 if rest[2] == b':' => (&rest[..2], &rest[3..]),
        _ => return false,
    };
    two(hh) && two(mm) && num(hh) <= 23 && num(mm) <= 59
}

/// `a/b/yyyy`, `a.b.yy`, `yyyy-m-d`, `yyyy/mm/dd` ...
fn numeric(b: &[u8], time: bool) -> Option<(DateShape, Fields)> {
    let (a, al) = digits_at(b, 0, 4)?;
    let sep = *b.get(al)?;
    if !matches!(sep, b'/' | b'.' | b'-') {
        return None;
    }
    let (m, ml) = digits_at(b, al + 1, 2)?;
    if b.get(al + 1 + ml) != Some(&sep) {
        return None;
    }
    let (c, cl) = digits_at(b, al + ml + 2, 4)?;
    if al + ml + 2 + cl != b.len() {
        return None;
    }
    let sep = char::from(sep);
    if al == 4 {
        if cl > 2 {
            return None;
        }
        let padded = ml == 2 && cl == 2;
        let shape = if sep == '-' && padded && !time {
            DateShape::IsoDate
        } else {
            DateShape::YearFirst { sep, padded, time }
        };
        return Some((
            shape,
            Fields::Exact {
                year: a as i16,
                month: m,
                day: c,
            },
        ));
    }
    if al > 2 || cl == 1 || cl == 3 {
        return None;
    }
    let shape = DateShape::Numeric {
        sep,
        first: al as u8,
        second: ml as u8,
        year: cl as u8,
        time,
    };
    Some((
        shape,
        Fields::TwoWay {
            first: a,
            second: m,
            year: year_of(c, cl),
        },
    ))
}

/// Expands a 2-digit year with the 1970 pivot; 4-digit years as written.
fn year_of(value: u32, len: usize) -> i16 {
    match (len, value) {
        (2, 0..=69) => 2000 + value as i16,
        (2, _) => 1900 + value as i16,
        _ => value as i16,
    }
}

/// Month number for an English month name or abbreviation (`Jan`,
/// `January`, `Sept`), case-insensitive.
fn month_number(word: &[u8]) -> Option<u32> {
    if word.len() < 3 {
        return None;
    }
    if word.eq_ignore_ascii_case(b"sept") {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| {
            let m = m.as_bytes();
            (word.len() == 3 && word.eq_ignore_ascii_case(&m[..3])) || word.eq_ignore_ascii_case(m)
        })
        .map(|i| i as u32 + 1)
}

/// Length of an ASCII letter run at `b[i..]`.
fn letters_at(b: &[u8], i: usize) -> usize {
    b.get(i..).map_or(0, |r| {
        r.iter().take_while(|c| c.is_ascii_alphabetic()).count()
    })
}

/// Skips an ordinal suffix (`st`, `nd`, `rd`, `th`) at `b[i..]`.
fn skip_ordinal(b: &[u8], i: usize) -> usize {
    let l = letters_at(b, i);
    let word = &b[i..i + l];
    if l == 2
        && [b"st", b"nd", b"rd", b"th"]
            .iter()
            .any(|o| word.eq_ignore_ascii_case(*o))
    {
        i + 2
    } else {
        i
    }
}

/// Reads a month name at `b[i..]` (with an abbreviation dot if `dot`);
/// returns (month, index after it).
fn month_at(b: &[u8], i: usize, dot: bool) -> Option<(u32, usize)> {
    let l = letters_at(b, i);
    let month = month_number(&b[i..i + l])?;
    let mut j = i + l;
    if dot && b.get(j) == Some(&b'.') && l <= 4 {
        j += 1;
    }
    Some((month, j))
}

/// Skips a leading weekday name and comma (`Mon, `, `Friday `).
fn skip_weekday(b: &[u8]) -> usize {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let l = letters_at(b, 0);
    let w = &b[..l];
    let is_day = l >= 3
        && DAYS.iter().any(|d| {
            w.eq_ignore_ascii_case(&d.as_bytes()[..3]) || w.eq_ignore_ascii_case(d.as_bytes())
        });
    if !is_day {
        return 0;
    }
    let mut i = l;
    if b.get(i) == Some(&b',') {
        i += 1;
    }
    let spaces = b[i..].iter().take_while(|c| **c == b' ').count();
    if spaces == 0 { 0 } else { i + spaces }
}

/// `5 Jan 2024`, `05-Jan-2024`, `5th January 2024`, `05-JAN-24`.
fn day_month_name(b: &[u8], time: bool) -> Option<(DateShape, Fields)> {
    let start = skip_weekday(b);
    let (day, dl) = digits_at(b, start, 2)?;
    let i = skip_ordinal(b, start + dl);
    let sep = *b.get(i)?;
    if !matches!(sep, b' ' | b'-' | b'.' | b'/') {
        return None;
    }
    // With `.` as the separator (`5.Jan.2024`) the dot is not an
    // abbreviation mark.
    let (month, mut j) = month_at(b, i + 1, sep != b'.')?;
    // After an abbreviation dot a space may stand in for the separator
    // (`5 Jan. 2024`).
    if b.get(j) == Some(&sep) || (b.get(j) == Some(&b' ') && b.get(j - 1) == Some(&b'.')) {
        j += 1;
    } else {
        return None;
    }
    let (y, yl) = digits_at(b, j, 4)?;
    if j + yl != b.len() || (yl != 2 && yl != 4) {
        return None;
    }
    let shape = DateShape::DayMonthName {
        sep: char::from(sep),
        year: yl as u8,
        time,
    };
    Some((
        shape,
        Fields::Exact {
            year: year_of(y, yl),
            month,
            day,
        },
    ))
}

/// `Jan 5, 2024`, `January 5 2024`, `Sept. 5th, 2024`.
fn month_name_day(b: &[u8], time: bool) -> Option<(DateShape, Fields)> {
    let start = skip_weekday(b);
    let (month, mut i) = month_at(b, start, true)?;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let (day, dl) = digits_at(b, i, 2)?;
    i = skip_ordinal(b, i + dl);
    let comma = b.get(i) == Some(&b',');
    if comma {
        i += 1;
    }
    let spaces = b
        .get(i..)
        .map_or(0, |r| r.iter().take_while(|c| **c == b' ').count());
    if spaces == 0 && !comma {
        return None;
    }
    i += spaces;
    let (y, yl) = digits_at(b, i, 4)?;
    if i + yl != b.len() || (yl != 2 && yl != 4) {
        return None;
    }
    let shape = DateShape::MonthNameDay {
        comma,
        year: yl as u8,
        time,
    };
    Some((
        shape,
        Fields::Exact {
            year: year_of(y, yl),
            month,
            day,
        },
    ))
}

/// Builds a calendar date, or the reason it does not exist.
fn make_date(year: i16, month: u32, day: u32) -> Result<Date, DateError> {
    let err = DateError::NoSuchDate {
        year,
        month: u8::try_from(month).unwrap_or(u8::MAX),
        day: u8::try_from(day).unwrap_or(u8::MAX),
    };
    let (Ok(m), Ok(d)) = (i8::try_from(month), i8::try_from(day)) else {
        return Err(err);
    };
    Date::new(year, m, d).map_err(|_| err)
}

/// Day-first vs month-first reading of `first/second/year`.
fn resolve(
    first: u32,
    second: u32,
    year: i16,
    order: Option<DateOrder>,
) -> Result<DateValue, DateError> {
    let day_first = make_date(year, second, first);
    let month_first = make_date(year, first, second);
    match (day_first, month_first) {
        (Ok(d), Ok(m)) if d == m => Ok(DateValue::Date(d)),
        (Ok(d), Ok(m)) => Ok(match order {
            Some(DateOrder::Dmy) => DateValue::Date(d),
            Some(DateOrder::Mdy) => DateValue::Date(m),
            _ => DateValue::Ambiguous {
                day_first: d,
                month_first: m,
            },
        }),
        (Ok(d), Err(_)) => Ok(DateValue::Date(d)),
        (Err(_), Ok(m)) => Ok(DateValue::Date(m)),
        // Neither reading exists: explain using the column's order, else the
        // reading whose month at least exists (`31/02/2024` → "31 February
        // does not exist").
        (Err(d), Err(m)) => Err(match order {
            Some(DateOrder::Mdy) => m,
            Some(DateOrder::Dmy) => d,
            _ if second <= 12 => d,
            _ if first <= 12 => m,
            _ => d,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn value(raw: &str, order: Option<DateOrder>) -> Result<DateValue, DateError> {
        parse_date(raw, order).1
    }

    fn label(raw: &str) -> String {
        parse_date(raw, None).0.to_string()
    }

    #[test]
    fn brief_cases() {
        assert_eq!(
            value("01/02/2024", None),
            Ok(DateValue::Ambiguous {
                day_first: d(2024, 2, 1),
                month_first: d(2024, 1, 2)
            })
        );
        assert_eq!(
            value("01/02/2024", Some(DateOrder::Dmy)),
            Ok(DateValue::Date(d(2024, 2, 1)))
        );
        assert_eq!(
            value("01/02/2024", Some(DateOrder::Mdy)),
            Ok(DateValue::Date(d(2024, 1, 2)))
        );
        assert_eq!(
            value("13/01/2024", None),
            Ok(DateValue::Date(d(2024, 1, 13)))
        );
        assert_eq!(
            value("13/01/2024", Some(DateOrder::Mdy)),
            Ok(DateValue::Date(d(2024, 1, 13)))
        );
        assert_eq!(
            value("2024-01-13", None),
            Ok(DateValue::Date(d(2024, 1, 13)))
        );
        assert_eq!(
            value("1/2/24", None),
            Ok(DateValue::Ambiguous {
                day_first: d(2024, 2, 1),
                month_first: d(2024, 1, 2)
            })
        );
        let err = value("2024-02-30", None).unwrap_err();
        assert_eq!(err.to_string(), "30 February does not exist");
        assert_eq!(
            value("45292", None),
            Ok(DateValue::ExcelSerial {
                serial: 45292,
                date: d(2024, 1, 1)
            })
        );
    }

    #[test]
    fn iso_forms() {
        let want = Ok(DateValue::Date(d(2024, 1, 22)));
        for raw in [
            "2024-01-22T16:14:25.000+0000",
            "2024-01-22T16:14:25Z",
            "2024-01-22 16:14:25",
            "2024-01-22T16:14",
            "2024-01-22T23:59:59.123456789-05:00",
            "2024-01-22 16:14:25 UTC",
            " 2024-01-22T16:14:25+01 ",
        ] {
            assert_eq!(
                parse_date(raw, None),
                (DateShape::IsoDateTime, want),
                "{raw:?}"
            );
        }
        assert_eq!(
            parse_date("2024-01-22T25:00:00Z", None).1,
            Err(DateError::InvalidTime)
        );
        assert_eq!(
            parse_date("2024-01-22T10:00+2400", None).1,
            Err(DateError::InvalidTime)
        );
        assert_eq!(
            parse_date("2024-01-22 foo", None).1,
            Err(DateError::Unrecognised)
        );
        assert_eq!(
            parse_date("2024-01-221", None).1,
            Err(DateError::Unrecognised)
        );
    }

    #[test]
    fn month_names() {
        let want = Ok(DateValue::Date(d(2024, 1, 5)));
        for raw in [
            "5 Jan 2024",
            "05-Jan-2024",
            "05-JAN-24",
            "5 January 2024",
            "5th January 2024",
            "5 Jan. 2024",
            "5.Jan.2024",
            "Jan 5, 2024",
            "January 5 2024",
            "january 5th, 2024",
            "Jan. 5, 2024",
            "Friday, 5 January 2024",
            "Fri, Jan 5, 2024",
        ] {
            assert_eq!(value(raw, None), want, "{raw:?}");
        }
        assert_eq!(
            value("Sept 30, 2024", None),
            Ok(DateValue::Date(d(2024, 9, 30)))
        );
        assert_eq!(
            value("30 Sep 2024", None),
            Ok(DateValue::Date(d(2024, 9, 30)))
        );
        assert_eq!(
            value("31 Sept 2024", None).unwrap_err().to_string(),
            "31 September does not exist"
        );
        assert_eq!(value("5 Janu 2024", None), Err(DateError::Unrecognised));
        assert_eq!(value("5 Foo 2024", None), Err(DateError::Unrecognised));
    }

    #[test]
    fn numeric_forms() {
        assert_eq!(
            value("13.01.2024", None),
            Ok(DateValue::Date(d(2024, 1, 13)))
        );
        assert_eq!(
            value("01-13-2024", None),
            Ok(DateValue::Date(d(2024, 1, 13)))
        );
        assert_eq!(
            value("2024/01/13", None),
            Ok(DateValue::Date(d(2024, 1, 13)))
        );
        assert_eq!(value("2024-1-5", None), Ok(DateValue::Date(d(2024, 1, 5))));
        assert_eq!(
            value("01/01/2024", None),
            Ok(DateValue::Date(d(2024, 1, 1)))
        );
        assert_eq!(
            value("1/2/70", Some(DateOrder::Dmy)),
            Ok(DateValue::Date(d(1970, 2, 1)))
        );
        assert_eq!(
            value("1/2/69", Some(DateOrder::Dmy)),
            Ok(DateValue::Date(d(2069, 2, 1)))
        );
        assert_eq!(
            value("1/2/2024", Some(DateOrder::Ymd)),
            value("1/2/2024", None)
        );
        assert_eq!(
            value("12/31/2024", Some(DateOrder::Dmy)),
            Ok(DateValue::Date(d(2024, 12, 31)))
        );
        assert_eq!(
            value("1/13/2024 10:30 AM", None),
            Ok(DateValue::Date(d(2024, 1, 13)))
        );
        assert_eq!(
            value("13/01/2024 22:15", None),
            Ok(DateValue::Date(d(2024, 1, 13)))
        );
        assert_eq!(
            value("13/01/2024 13:15 PM", None),
            Err(DateError::InvalidTime)
        );
        assert_eq!(value("13/01/2024 10:75", None), Err(DateError::InvalidTime));
    }

    #[test]
    fn errors() {
        let msg = |raw: &str, o| value(raw, o).unwrap_err().to_string();
        assert_eq!(
            msg("2023-02-29", None),
            "29 February 2023 does not exist (2023 is not a leap year)"
        );
        assert_eq!(
            value("2024-02-29", None),
            Ok(DateValue::Date(d(2024, 2, 29)))
        );
        assert_eq!(msg("2024-13-01", None), "month 13 does not exist");
        assert_eq!(msg("2024-01-00", None), "day 0 does not exist");
        assert_eq!(msg("31/02/2024", None), "31 February does not exist");
        assert_eq!(msg("02/31/2024", None), "31 February does not exist");
        assert_eq!(msg("13/13/2024", None), "month 13 does not exist");
        assert_eq!(msg("99/99/2024", None), "month 99 does not exist");
        assert_eq!(value("", None), Err(DateError::Empty));
        assert_eq!(value("   ", None), Err(DateError::Empty));
        for raw in [
            "yesterday",
            "2024",
            "9999",
            "80001",
            "123456",
            "1/2",
            "1/2/3",
            "1/2-2024",
            "01/02/2024x",
            "2024-01",
            "é",
            "12:30",
        ] {
            assert_eq!(value(raw, None), Err(DateError::Unrecognised), "{raw:?}");
        }
    }

    #[test]
    fn shapes() {
        let cases = [
            ("2024-01-13", "YYYY-MM-DD"),
            ("2024-01-13T10:00:00Z", "ISO date-time"),
            ("2024-1-3", "YYYY-M-D"),
            ("2024/01/13", "YYYY/MM/DD"),
            ("13/01/2024", "NN/NN/YYYY"),
            ("1/2/24", "N/N/YY"),
            ("1/12/2024", "N/NN/YYYY"),
            ("13.01.2024", "NN.NN.YYYY"),
            ("13-01-2024", "NN-NN-YYYY"),
            ("5 Jan 2024", "DD Mon YYYY"),
            ("05-Jan-2024", "DD-Mon-YYYY"),
            ("Jan 5, 2024", "Mon DD, YYYY"),
            ("January 5 2024", "Mon DD YYYY"),
            ("1/13/2024 10:30 AM", "N/NN/YYYY hh:mm"),
            ("45292", "Excel serial"),
            ("nope", "unrecognised"),
            // Invalid dates still have a shape.
            ("2024-02-30", "YYYY-MM-DD"),
        ];
        for (raw, want) in cases {
            assert_eq!(label(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn order_from_str() {
        assert_eq!("dmy".parse(), Ok(DateOrder::Dmy));
        assert_eq!(" MDY ".parse(), Ok(DateOrder::Mdy));
        assert_eq!("Ymd".parse(), Ok(DateOrder::Ymd));
        assert_eq!("d/m/y".parse::<DateOrder>(), Err(ParseDateOrderError));
    }

    #[test]
    fn excel_edges() {
        assert_eq!(
            value("10000", None).map(|v| v.unambiguous()),
            Ok(Some(d(1927, 5, 18)))
        );
        assert_eq!(
            value("80000", None).map(|v| v.unambiguous()),
            Ok(Some(d(2119, 1, 11)))
        );
        assert_eq!(value("9999", None), Err(DateError::Unrecognised));
        assert_eq!(value("080000", None), Err(DateError::Unrecognised));
    }

    proptest! {
        #[test]
        fn date_never_panics(s in any::<String>()) {
            for o in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy), Some(DateOrder::Ymd)] {
                let (shape, _) = parse_date(&s, o);
                let _ = shape.to_string();
            }
        }

        #[test]
        fn date_canonical_idempotent(s in "[0-9]{1,4}[-/. ]([0-9]{1,2}|Jan|sept|March)[-/. ,]{1,2}[0-9]{1,4}( [0-9]{1,2}:[0-9]{2}( pm)?)?") {
            if let (_, Ok(v)) = parse_date(&s, Some(DateOrder::Dmy))
                && let Some(date) = v.unambiguous()
            {
                let iso = date.to_string();
                prop_assert_eq!(parse_date(&iso, None), (DateShape::IsoDate, Ok(DateValue::Date(date))));
            }
            let _ = parse_date(&s, None).0.to_string();
        }

        #[test]
        fn date_like_never_panics(s in "[0-9/.: TtZz+,-]{0,24}[A-Za-z]{0,5}[0-9 :.,-]{0,10}") {
            for o in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
                let (shape, _) = parse_date(&s, o);
                let _ = shape.to_string();
            }
        }

        #[test]
        fn any_date_roundtrips(y in 1i16..=9999, m in 1i8..=12, day in 1i8..=28) {
            let date = d(y, m, day);
            prop_assert_eq!(parse_date(&date.to_string(), None).1, Ok(DateValue::Date(date)));
        }
    }
}
