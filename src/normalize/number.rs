//! Locale-aware number parsing for amount / quantity columns, and
//! per-column detection of the decimal-separator convention.

use std::fmt;

/// Which character is the decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberLocale {
    /// `1,250.00`: point decimal, comma thousands (en-US, en-GB, ...).
    Point,
    /// `1.250,00`: comma decimal, point thousands (de, fr, es, it, ...).
    Comma,
}

impl NumberLocale {
    fn decimal(self) -> char {
        match self {
            Self::Point => '.',
            Self::Comma => ',',
        }
    }

    fn group(self) -> char {
        match self {
            Self::Point => ',',
            Self::Comma => '.',
        }
    }
}

/// Why a cell is not a number under the requested locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberError {
    /// The cell is empty or whitespace.
    Empty,
    /// A percentage (`10%`): the caller decides whether percentages belong in
    /// the column, so we do not silently strip the sign.
    Percentage,
    /// Thousands separators not in groups of three (`1,25,000`, `12,50`).
    BadGrouping,
    /// Written with the other locale's decimal separator (`10,5` in a
    /// point-decimal column, `10.5` in a comma-decimal column).
    WrongDecimalSeparator,
    /// More than one decimal separator, or digits grouped after it.
    MisplacedSeparator,
    /// More than one sign, or a sign in the wrong place.
    MisplacedSign,
    /// More than one currency marker.
    MultipleCurrencies,
    /// Malformed exponent (`1e`, `1e+`).
    BadExponent,
    /// Magnitude too large for a 64-bit float (`1e999`).
    OutOfRange,
    /// No digits, or characters that do not belong in a number.
    NotANumber,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "empty value",
            Self::Percentage => "percentage ('%') in a number column",
            Self::BadGrouping => "thousands separators are not in groups of three digits",
            Self::WrongDecimalSeparator => {
                "uses the other decimal separator than the rest of the column"
            }
            Self::MisplacedSeparator => "misplaced or repeated decimal separator",
            Self::MisplacedSign => "misplaced or repeated sign",
            Self::MultipleCurrencies => "more than one currency marker",
            Self::BadExponent => "malformed exponent",
            Self::OutOfRange => "number too large",
            Self::NotANumber => "not a number",
        })
    }
}

impl std::error::Error for NumberError {}

/// Currency markers accepted before or after the number. Codes must be
/// separated from the digits or at the very edge (`USD 5`, `5USD`, `$5`).
const CURRENCIES: &[&str] = &[
    // Longer markers first, so `US$` is not read as `$` after a stray `US`.
    "US$", "CA$", "A$", "USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "$", "€", "£", "¥", "₹",
];

/// Spaces used as thousands separators: ASCII space, NBSP, thin space,
/// narrow NBSP (French exports) and figure space.
fn is_space_group(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{2009}' | '\u{202f}' | '\u{2007}')
}

fn is_sign(c: char) -> bool {
    matches!(c, '+' | '-' | '\u{2212}')
}

/// Strips one currency marker from the start (`suffix == false`) or end.
fn strip_currency(s: &str, suffix: bool) -> Option<&str> {
    CURRENCIES.iter().find_map(|cur| {
        let rest = if suffix {
            s.strip_suffix(cur)
        } else {
            s.strip_prefix(cur)
        }?;
        let rest = rest.trim();
        // A letter code glued to more letters is a word, not a currency.
        let is_code = cur.ends_with(|c: char| c.is_ascii_alphabetic());
        let glued = if suffix {
            rest.ends_with(char::is_alphabetic)
        } else {
            rest.starts_with(char::is_alphabetic)
        };
        (!(is_code && glued)).then_some(rest)
    })
}

/// Parses a number written under `locale`.
///
/// Accepts surrounding whitespace, one optional sign (`+`, `-`, `−`) before
/// or after a currency marker (`$`, `€`, `£`, `USD`, `EUR`, ... before or
/// after the number), thousands separators of the locale or spaces (NBSP,
/// thin space) in valid groups of three, the locale's decimal separator and
/// scientific notation (`1e5`, `1,5E-3` under `Comma`). Percentages are
/// errors. Never returns NaN or infinity.
pub fn parse_number(raw: &str, locale: NumberLocale) -> Result<f64, NumberError> {
    let mut s = raw.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if s.contains('%') {
        return Err(NumberError::Percentage);
    }
    let mut negative = false;
    let mut signs = 0;
    let mut currencies = 0;
    // Peel sign and currency markers off both ends, in any order
    // (`-$5`, `$-5`, `5 EUR`, `-5 €`).
    loop {
        if let Some(c) = s.chars().next().filter(|&c| is_sign(c)) {
            signs += 1;
            negative = c != '+';
            s = s[c.len_utf8()..].trim_start();
        } else if let Some(rest) = strip_currency(s, false) {
            currencies += 1;
            s = rest;
        } else if let Some(rest) = strip_currency(s, true) {
            currencies += 1;
            s = rest;
        } else {
            break;
        }
        if signs > 1 {
            return Err(NumberError::MisplacedSign);
        }
        if currencies > 1 {
            return Err(NumberError::MultipleCurrencies);
        }
    }
    let value = parse_core(s, locale)?;
    Ok(if negative { -value } else { value })
}

/// The unsigned numeric part: `int[.frac][e[+-]exp]` with grouping.
fn parse_core(s: &str, locale: NumberLocale) -> Result<f64, NumberError> {
    if s.is_empty() {
        return Err(NumberError::NotANumber);
    }
    let (dec, grp) = (locale.decimal(), locale.group());
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int_part, frac_part) = match mantissa.find(dec) {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + dec.len_utf8()..])),
        None => (mantissa, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return Err(NumberError::NotANumber);
    }

    // Everything goes into an ASCII buffer that `f64::from_str` understands.
    let mut buf = String::with_capacity(s.len() + 2);
    check_int_groups(int_part, locale, &mut buf)?;
    if let Some(frac) = frac_part {
        if let Some(c) = frac.chars().find(|c| !c.is_ascii_digit()) {
            return Err(if c == dec {
                NumberError::MisplacedSeparator
            } else if c == grp {
                // `1.250,00` read as Point (or `1,250.00` as Comma): the
                // separators are the other way round.
                NumberError::WrongDecimalSeparator
            } else if is_space_group(c) {
                NumberError::MisplacedSeparator
            } else if is_sign(c) {
                NumberError::MisplacedSign
            } else {
                NumberError::NotANumber
            });
        }
        buf.push('.');
        buf.push_str(frac);
    }
    if buf.is_empty() || buf == "." {
        return Err(NumberError::NotANumber);
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NumberError::BadExponent);
        }
        buf.push('e');
        buf.push_str(exp);
    }
    let v: f64 = buf.parse().map_err(|_| NumberError::NotANumber)?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(NumberError::OutOfRange)
    }
}

/// Validates the integer part's digit groups and appends its digits to
/// `buf`. One kind of group separator per number: the locale's, or spaces.
fn check_int_groups(int: &str, locale: NumberLocale, buf: &mut String) -> Result<(), NumberError> {
    let grp = locale.group();
    let mut sep: Option<char> = None;
    let mut group_len = 0usize;
    let mut groups = 0usize;
    for c in int.chars() {
        if c.is_ascii_digit() {
            buf.push(c);
            group_len += 1;
        } else if c == grp || is_space_group(c) {
            let kind = if c == grp { grp } else { ' ' };
            if sep.is_some_and(|k| k != kind) {
                return Err(NumberError::BadGrouping);
            }
            sep = Some(kind);
            if groups == 0 {
                if group_len == 0 || group_len > 3 {
                    return Err(grouping_error(int, locale));
                }
            } else if group_len != 3 {
                return Err(grouping_error(int, locale));
            }
            groups += 1;
            group_len = 0;
        } else if is_sign(c) {
            return Err(NumberError::MisplacedSign);
        } else {
            return Err(NumberError::NotANumber);
        }
    }
    if groups > 0 && group_len != 3 {
        return Err(grouping_error(int, locale));
    }
    Ok(())
}

/// A single separator followed by a run of digits that is not three long
/// (`10,5` under Point, `10.5` under Comma) is the other locale's decimal
/// separator rather than a grouping mistake; say so.
fn grouping_error(int: &str, locale: NumberLocale) -> NumberError {
    let grp = locale.group();
    let mut parts = int.split(grp);
    if let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) {
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|x| x.is_ascii_digit());
        if digits(a) && digits(b) && b.len() != 3 {
            return NumberError::WrongDecimalSeparator;
        }
    }
    NumberError::BadGrouping
}

/// Evidence one value gives about its column's locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    Point,
    Comma,
    None,
}

fn evidence(v: &str) -> Evidence {
    match (
        parse_number(v, NumberLocale::Point),
        parse_number(v, NumberLocale::Comma),
    ) {
        (Ok(_), Err(_)) => Evidence::Point,
        (Err(_), Ok(_)) => Evidence::Comma,
        // Both readings work: an integer, `1 250`, or the truly ambiguous
        // `1,250` / `1.250`. Neither tells us anything.
        _ => Evidence::None,
    }
}

/// Decides a column's decimal convention from its values.
///
/// `10,5` and `1.250,00` are evidence for [`NumberLocale::Comma`]; `10.5` and
/// `1,250.00` for [`NumberLocale::Point`]; `1,250`, `1.250`, plain integers
/// and non-numbers are no evidence. Returns `None` when there is no evidence,
/// or when it conflicts: the minority convention must be at most 1 in 20 of
/// the evidence (so one stray typo in a large column does not hide the
/// column's convention, but a genuinely mixed column gets no verdict).
pub fn detect_locale<'a>(values: impl IntoIterator<Item = &'a str>) -> Option<NumberLocale> {
    let (mut point, mut comma) = (0u64, 0u64);
    for v in values {
        match evidence(v) {
            Evidence::Point => point += 1,
            Evidence::Comma => comma += 1,
            Evidence::None => {}
        }
    }
    let (winner, major, minor) = if point >= comma {
        (NumberLocale::Point, point, comma)
    } else {
        (NumberLocale::Comma, comma, point)
    };
    (major > 0 && minor.saturating_mul(20) <= major).then_some(winner)
}

#[cfg(test)]
mod tests {
    use super::NumberLocale::{Comma, Point};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn brief_cases() {
        assert_eq!(parse_number("10,5", Comma), Ok(10.5));
        assert_eq!(parse_number("1.250,00", Comma), Ok(1250.0));
        assert_eq!(parse_number("7", Comma), Ok(7.0));
        assert!(parse_number("Initech, LLC", Comma).is_err());
        assert_eq!(parse_number("1,250.00", Point), Ok(1250.0));
        assert_eq!(parse_number("10.5", Point), Ok(10.5));
        assert!(parse_number("10,5", Point).is_err());
    }

    #[test]
    fn accepted_forms() {
        let cases = [
            ("  42 ", Point, 42.0),
            ("-42", Point, -42.0),
            ("+42", Point, 42.0),
            ("\u{2212}42", Point, -42.0),
            ("$1,250.50", Point, 1250.5),
            ("-$1,250.50", Point, -1250.5),
            ("$-1,250.50", Point, -1250.5),
            ("1,250.50 USD", Point, 1250.5),
            ("USD 1,250.50", Point, 1250.5),
            ("USD1250", Point, 1250.0),
            ("€ 1.250,50", Comma, 1250.5),
            ("1.250,50 €", Comma, 1250.5),
            ("1 250,50 EUR", Comma, 1250.5),
            ("1\u{a0}250,50", Comma, 1250.5),
            ("1\u{202f}250\u{202f}000", Comma, 1_250_000.0),
            ("1 250.5", Point, 1250.5),
            ("£12", Point, 12.0),
            ("1,234,567.891", Point, 1_234_567.891),
            ("1.234.567", Comma, 1_234_567.0),
            ("1e5", Point, 100_000.0),
            ("1.5E-3", Point, 0.0015),
            ("1,5e3", Comma, 1500.0),
            (".5", Point, 0.5),
            ("5.", Point, 5.0),
            ("007", Point, 7.0),
            ("0", Comma, 0.0),
        ];
        for (raw, loc, want) in cases {
            assert_eq!(parse_number(raw, loc), Ok(want), "{raw:?} {loc:?}");
        }
    }

    #[test]
    fn rejected_forms() {
        use NumberError::*;
        let cases = [
            ("", Point, Empty),
            ("  ", Point, Empty),
            ("10%", Point, Percentage),
            ("10 %", Comma, Percentage),
            ("10,5", Point, WrongDecimalSeparator),
            ("10.5", Comma, WrongDecimalSeparator),
            ("1.250,00", Point, WrongDecimalSeparator),
            ("1,25,000", Point, BadGrouping),
            ("1,2500", Point, WrongDecimalSeparator),
            ("1,2,500", Point, BadGrouping),
            ("1234,567", Point, BadGrouping),
            (",250", Point, BadGrouping),
            ("1,250 000", Point, BadGrouping),
            ("1.2.3", Point, MisplacedSeparator),
            ("--5", Point, MisplacedSign),
            ("5-3", Point, MisplacedSign),
            ("$5 EUR", Point, MultipleCurrencies),
            ("1e", Point, BadExponent),
            ("1e+", Point, BadExponent),
            ("1e999", Point, OutOfRange),
            ("Initech, LLC", Comma, NotANumber),
            ("abc", Point, NotANumber),
            ("$", Point, NotANumber),
            ("-", Point, NotANumber),
            (".", Point, NotANumber),
            ("NaN", Point, NotANumber),
            ("inf", Point, NotANumber),
            ("infinity", Point, NotANumber),
            ("USDOLLAR", Point, NotANumber),
            ("12 apples", Point, NotANumber),
        ];
        for (raw, loc, want) in cases {
            assert_eq!(parse_number(raw, loc), Err(want), "{raw:?} {loc:?}");
        }
    }

    #[test]
    fn locale_detection() {
        assert_eq!(detect_locale(["10,5", "7", "1.250,00"]), Some(Comma));
        assert_eq!(detect_locale(["10.5", "7", "1,250.00"]), Some(Point));
        assert_eq!(detect_locale(["1,250", "1.250", "7"]), None);
        assert_eq!(detect_locale(["7", "8"]), None);
        assert_eq!(detect_locale(std::iter::empty::<&str>()), None);
        assert_eq!(detect_locale(["10.5", "10,5"]), None);
        assert_eq!(detect_locale(["1,250", "10.5"]), Some(Point));
        assert_eq!(detect_locale(["1.250", "10,5", "n/a"]), Some(Comma));
        // One stray value among many is tolerated; a real mix is not.
        let mut many = vec!["10.5"; 40];
        many.push("10,5");
        assert_eq!(detect_locale(many.iter().copied()), Some(Point));
        let mut mixed = vec!["10.5"; 10];
        mixed.extend(["10,5"; 3]);
        assert_eq!(detect_locale(mixed.iter().copied()), None);
    }

    proptest! {
        #[test]
        fn number_never_panics(s in any::<String>()) {
            for loc in [Point, Comma] {
                if let Ok(v) = parse_number(&s, loc) {
                    prop_assert!(v.is_finite());
                }
            }
            let _ = detect_locale([s.as_str()]);
        }

        #[test]
        fn number_roundtrip(s in "[-+$€ ]{0,2}[0-9., ]{1,14}(e-?[0-9]{1,3})?( EUR)?") {
            for loc in [Point, Comma] {
                if let Ok(v) = parse_number(&s, loc) {
                    prop_assert!(v.is_finite());
                    // The canonical output is the f64; printing it plainly
                    // (Rust `Display` uses a point) and reparsing under Point
                    // gives the same value.
                    let printed = format!("{v}");
                    prop_assert_eq!(parse_number(&printed, Point), Ok(v));
                }
            }
        }
    }
}
