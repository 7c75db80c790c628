//! E-mail address validation and canonicalisation.
//!
//! We accept the "dot-atom" addresses that real mail systems and CRMs accept
//! (RFC 5322 without quoted local parts, comments, display names or IP
//! literals; RFC 6531 letters and digits from other scripts are allowed) and
//! reject everything a person would recognise as not one clean address.
//! The `email_address` crate is the final gate; our own checks run first so
//! that each rejection gets a specific reason.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use email_address::{EmailAddress, Options};

/// Longest local part (RFC 5321 §4.5.3.1.1).
const MAX_LOCAL: usize = 64;
/// Longest whole address (RFC 5321 path limit of 256 minus the angle brackets).
const MAX_TOTAL: usize = 254;
/// Longest domain label (RFC 1035).
const MAX_LABEL: usize = 63;

/// Why a cell is not a valid e-mail address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailError {
    /// The cell is empty or whitespace.
    Empty,
    /// More than one address in one cell (`a@b.com; c@d.com`).
    MultipleAddresses,
    /// A display name or angle brackets (`John <j@x.com>`).
    DisplayName,
    /// No `@` at all.
    MissingAt,
    /// Nothing before the `@`.
    EmptyLocalPart,
    /// Nothing after the `@`.
    EmptyDomain,
    /// Local part longer than 64 bytes.
    LocalPartTooLong,
    /// Whole address longer than 254 bytes.
    TooLong,
    /// Two dots in a row in the local part or the domain.
    ConsecutiveDots,
    /// Local part starts or ends with a dot.
    DotAtLocalPartEdge,
    /// A quoted local part (`"john smith"@x.com`): legal in RFC 5322 but
    /// refused by practically every system a CRM feeds.
    QuotedLocalPart,
    /// A character that is not allowed (space, comma, control, `@` ...).
    InvalidCharacter(char),
    /// An IP-literal domain (`j@[192.0.2.1]`).
    IpLiteralDomain,
    /// The domain has no dot (`a@localhost`).
    DomainWithoutDot,
    /// The domain starts or ends with a dot.
    DotAtDomainEdge,
    /// A domain label starts or ends with `-`.
    LabelHyphenEdge,
    /// A domain label longer than 63 bytes.
    LabelTooLong,
    /// The top-level domain is all digits (`a@b.123`).
    NumericTld,
    /// The top-level domain is not two or more letters (`a@b.c`, `a@b.c0m`).
    InvalidTld,
    /// Rejected by the `email_address` crate for a reason we do not name.
    Rejected,
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("empty value"),
            Self::MultipleAddresses => f.write_str("more than one address in one cell"),
            Self::DisplayName => f.write_str("contains a display name or angle brackets"),
            Self::MissingAt => f.write_str("no '@'"),
            Self::EmptyLocalPart => f.write_str("nothing before the '@'"),
            Self::EmptyDomain => f.write_str("no domain after the '@'"),
            Self::LocalPartTooLong => {
                write!(f, "part before '@' is longer than {MAX_LOCAL} characters")
            }
            Self::TooLong => write!(f, "address is longer than {MAX_TOTAL} characters"),
            Self::ConsecutiveDots => f.write_str("two consecutive dots"),
            Self::DotAtLocalPartEdge => f.write_str("part before '@' starts or ends with a dot"),
            Self::QuotedLocalPart => {
                f.write_str("quoted local part (not accepted by mail systems in practice)")
            }
            Self::InvalidCharacter(c) if c.is_control() || c.is_whitespace() => {
                write!(f, "contains the invalid character U+{:04X}", u32::from(*c))
            }
            Self::InvalidCharacter(c) => write!(f, "contains the invalid character '{c}'"),
            Self::IpLiteralDomain => f.write_str("IP-address domain instead of a domain name"),
            Self::DomainWithoutDot => f.write_str("domain has no dot (no top-level domain)"),
            Self::DotAtDomainEdge => f.write_str("domain starts or ends with a dot"),
            Self::LabelHyphenEdge => f.write_str("a domain label starts or ends with '-'"),
            Self::LabelTooLong => write!(f, "a domain label is longer than {MAX_LABEL} characters"),
            Self::NumericTld => f.write_str("top-level domain is all digits"),
            Self::InvalidTld => f.write_str("top-level domain is not two or more letters"),
            Self::Rejected => f.write_str("not a valid e-mail address"),
        }
    }
}

impl std::error::Error for EmailError {}

/// The strictest options the `email_address` crate offers: a TLD is required
/// and neither IP literals nor display names are allowed.
const STRICT: Options = Options {
    minimum_sub_domains: 2,
    allow_domain_literal: false,
    allow_display_text: false,
    allow_long_local_parts: false,
};

/// Parses one e-mail address and returns its canonical form.
///
/// The value is trimmed first (surrounding whitespace is reported by a
/// separate check). The canonical form is the trimmed address lowercased
/// entirely: the domain is case-insensitive by definition, and although RFC
/// 5321 lets the local part be case-sensitive, no real mail provider treats it
/// so, and CRMs de-duplicate contacts on the lowercased address.
///
/// The whole cell must be one address: trailing junk, a second address, a
/// display name or a `mailto:` prefix make it invalid.
pub fn parse_email(raw: &str) -> Result<String, EmailError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(EmailError::Empty);
    }
    // Lowercase before validating, so that the canonical form is exactly
    // what was validated and re-parsing it is guaranteed to agree.
    let canon = t.to_lowercase();
    check_structure(&canon)?;
    // Final gate: anything our checks let through that the crate's RFC
    // grammar does not is still rejected.
    EmailAddress::parse_with_options(&canon, STRICT).map_err(|_| EmailError::Rejected)?;
    Ok(canon)
}

/// Our own checks, ordered so that the most telling reason wins.
fn check_structure(s: &str) -> Result<(), EmailError> {
    let at_count = s.bytes().filter(|&b| b == b'@').count();
    if at_count > 1 && looks_like_several(s) {
        return Err(EmailError::MultipleAddresses);
    }
    if s.contains(['<', '>']) {
        return Err(EmailError::DisplayName);
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Err(EmailError::MissingAt);
    };
    if local.is_empty() {
        return Err(EmailError::EmptyLocalPart);
    }
    if domain.is_empty() {
        return Err(EmailError::EmptyDomain);
    }
    if local.starts_with('"') {
        return Err(EmailError::QuotedLocalPart);
    }
    if domain.starts_with('[') {
        return Err(EmailError::IpLiteralDomain);
    }
    check_local(local)?;
    check_domain(domain)?;
    if local.len() > MAX_LOCAL {
        return Err(EmailError::LocalPartTooLong);
    }
    if s.len() > MAX_TOTAL {
        return Err(EmailError::TooLong);
    }
    Ok(())
}

/// Two or more `@`-bearing pieces separated by list punctuation or spaces.
fn looks_like_several(s: &str) -> bool {
    s.split(|c: char| matches!(c, ';' | ',' | '|' | '/') || c.is_whitespace())
        .filter(|piece| piece.contains('@'))
        .count()
        > 1
}

/// Characters allowed in an unquoted local part: RFC 5322 `atext` plus dot,
/// and (RFC 6531) letters and digits of any script. Non-ASCII punctuation,
/// spaces and invisible characters are rejected: they are paste accidents.
fn local_char_ok(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
    } else {
        c.is_alphanumeric()
    }
}

fn check_local(local: &str) -> Result<(), EmailError> {
    if let Some(c) = local.chars().find(|&c| !local_char_ok(c)) {
        return Err(EmailError::InvalidCharacter(c));
    }
    if local.starts_with('.') || local.ends_with('.') {
        return Err(EmailError::DotAtLocalPartEdge);
    }
    if local.contains("..") {
        return Err(EmailError::ConsecutiveDots);
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), EmailError> {
    if let Some(c) = domain
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '-' || c == '.'))
    {
        return Err(EmailError::InvalidCharacter(c));
    }
    if domain.starts_with('.') || domain.ends_with('.') {
        return Err(EmailError::DotAtDomainEdge);
    }
    if domain.contains("..") {
        return Err(EmailError::ConsecutiveDots);
    }
    let Some((_, tld)) = domain.rsplit_once('.') else {
        return Err(EmailError::DomainWithoutDot);
    };
    for label in domain.split('.') {
        if label.starts_with('-') || label.ends_with('-') {
            return Err(EmailError::LabelHyphenEdge);
        }
        if label.len() > MAX_LABEL {
            return Err(EmailError::LabelTooLong);
        }
    }
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return Err(EmailError::NumericTld);
    }
    // A TLD is letters only (including IDN TLDs in other scripts), or an
    // ACE-encoded IDN TLD such as `xn--p1ai`.
    let letters = tld.chars().all(char::is_alphabetic) && tld.chars().count() >= 2;
    let ace = tld.starts_with("xn--") && tld.len() > 4;
    if !(letters || ace) {
        return Err(EmailError::InvalidTld);
    }
    Ok(())
}

/// Common misspellings of free-mail domains, from
/// `rules/aliases/freemail_typos.tsv` (typo → correct domain).
static TYPOS: LazyLock<HashMap<&'static str, &'static str, foldhash::fast::RandomState>> =
    LazyLock::new(|| {
        include_str!("../../rules/aliases/freemail_typos.tsv")
            .lines()
            .skip(1) // header
            .filter_map(|line| line.split_once('\t'))
            .map(|(typo, correct)| (typo.trim(), correct.trim()))
            .filter(|(typo, correct)| !typo.is_empty() && !correct.is_empty())
            .collect()
    });

/// Suggests the corrected address when the domain of a canonical (lowercase)
/// address is a known free-mail typo (`gmial.com` → `gmail.com`, listed in
/// `rules/aliases/freemail_typos.tsv`) or ends in the TLD typos `.con` /
/// `.cmo` (→ `.com`). Returns `None` when nothing looks mistyped.
pub fn domain_typo_suggestion(email_canonical: &str) -> Option<String> {
    let (local, domain) = email_canonical.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    if let Some(correct) = TYPOS.get(domain) {
        return Some(format!("{local}@{correct}"));
    }
    for typo_tld in [".con", ".cmo"] {
        if let Some(stem) = domain.strip_suffix(typo_tld) {
            if stem.is_empty() {
                return None;
            }
            // The stem may itself be a known typo (`gmial.con`).
            let fixed = format!("{stem}.com");
            let fixed = TYPOS.get(fixed.as_str()).map_or(fixed, |c| (*c).to_owned());
            return Some(format!("{local}@{fixed}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bug_report_valid() {
        let cases = [
            ("j@example.museum", "j@example.museum"),
            ("info@example.photography", "info@example.photography"),
            ("o'brien@example.ie", "o'brien@example.ie"),
            ("first.last+news@gmail.com", "first.last+news@gmail.com"),
            (" padded@example.com ", "padded@example.com"),
            ("ANNA@EXAMPLE.COM", "anna@example.com"),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_email(raw).as_deref(), Ok(want), "{raw:?}");
        }
    }

    #[test]
    fn bug_report_invalid() {
        use EmailError::*;
        let cases = [
            ("a..b@example.com", ConsecutiveDots),
            ("a@b.com; c@d.com", MultipleAddresses),
            ("@example.com", EmptyLocalPart),
            ("john@", EmptyDomain),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_email(raw), Err(want), "{raw:?}");
        }
    }

    #[test]
    fn other_invalid() {
        use EmailError::*;
        let cases = [
            ("", Empty),
            ("   ", Empty),
            ("a@localhost", DomainWithoutDot),
            ("a@[192.168.0.1]", IpLiteralDomain),
            ("a@[IPv6:::1]", IpLiteralDomain),
            ("John <j@x.com>", DisplayName),
            ("<j@x.com>", DisplayName),
            (".a@x.com", DotAtLocalPartEdge),
            ("a.@x.com", DotAtLocalPartEdge),
            ("a@-x.com", LabelHyphenEdge),
            ("a@x-.com", LabelHyphenEdge),
            ("a@x.com-", LabelHyphenEdge),
            ("a@x.123", NumericTld),
            ("a@192.168.0.1", NumericTld),
            ("a@x.c", InvalidTld),
            ("a@x.c0m", InvalidTld),
            ("a@x..com", ConsecutiveDots),
            ("a@.x.com", DotAtDomainEdge),
            ("a@x.com.", DotAtDomainEdge),
            ("a b@x.com", InvalidCharacter(' ')),
            ("a@x.com junk", InvalidCharacter(' ')),
            ("a@x.com,", InvalidCharacter(',')),
            ("a@b@x.com", InvalidCharacter('@')),
            ("a\u{a0}b@x.com", InvalidCharacter('\u{a0}')),
            ("a@x_y.com", InvalidCharacter('_')),
            ("\"john smith\"@x.com", QuotedLocalPart),
            ("mailto:a@x.com", InvalidCharacter(':')),
            ("john.example.com", MissingAt),
            ("a@b.com c@d.com", MultipleAddresses),
            ("a@b.com,c@d.com", MultipleAddresses),
        ];
        for (raw, want) in cases {
            assert_eq!(parse_email(raw), Err(want), "{raw:?}");
        }
    }

    #[test]
    fn length_limits() {
        let local64 = "a".repeat(64);
        assert!(parse_email(&format!("{local64}@x.com")).is_ok());
        assert_eq!(
            parse_email(&format!("a{local64}@x.com")),
            Err(EmailError::LocalPartTooLong)
        );
        let label = "b".repeat(50);
        let long = format!("a@{label}.{label}.{label}.{label}.{label}.com");
        assert!(long.len() > MAX_TOTAL);
        assert_eq!(parse_email(&long), Err(EmailError::TooLong));
        let label64 = "c".repeat(64);
        assert_eq!(
            parse_email(&format!("a@{label64}.com")),
            Err(EmailError::LabelTooLong)
        );
        assert_eq!(
            parse_email(&"x".repeat(1_000_000)),
            Err(EmailError::MissingAt)
        );
    }

    #[test]
    fn international() {
        assert_eq!(
            parse_email("José@Müller.DE").as_deref(),
            Ok("josé@müller.de")
        );
        assert_eq!(parse_email("a@b.xn--p1ai").as_deref(), Ok("a@b.xn--p1ai"));
        assert_eq!(parse_email("a@пример.рф").as_deref(), Ok("a@пример.рф"));
    }

    #[test]
    fn typo_suggestions() {
        let s = |e: &str| domain_typo_suggestion(e);
        assert_eq!(s("jo@gmial.com").as_deref(), Some("jo@gmail.com"));
        assert_eq!(s("jo@gmail.co").as_deref(), Some("jo@gmail.com"));
        assert_eq!(s("jo@hotmial.com").as_deref(), Some("jo@hotmail.com"));
        assert_eq!(s("jo@yaho.com").as_deref(), Some("jo@yahoo.com"));
        assert_eq!(s("jo@outlok.com").as_deref(), Some("jo@outlook.com"));
        assert_eq!(s("jo@acme.con").as_deref(), Some("jo@acme.com"));
        assert_eq!(s("jo@acme.cmo").as_deref(), Some("jo@acme.com"));
        assert_eq!(s("jo@gmial.con").as_deref(), Some("jo@gmail.com"));
        assert_eq!(s("jo@gmail.com"), None);
        assert_eq!(s("jo@acme.co"), None);
        assert_eq!(s("jo@falcon"), None);
        assert_eq!(s("jo@"), None);
        assert_eq!(s("nonsense"), None);
        assert_eq!(s("jo@.con"), None);
    }

    #[test]
    fn typo_table_is_sane() {
        assert!(TYPOS.len() >= 30);
        for (typo, correct) in TYPOS.iter() {
            assert!(parse_email(&format!("x@{typo}")).is_ok(), "{typo}");
            assert!(parse_email(&format!("x@{correct}")).is_ok(), "{correct}");
            assert!(
                !TYPOS.contains_key(correct),
                "{correct} is also listed as a typo"
            );
        }
    }

    proptest! {
        #[test]
        fn email_never_panics_and_is_idempotent(s in any::<String>()) {
            if let Ok(c) = parse_email(&s) {
                prop_assert_eq!(parse_email(&c), Ok(c.clone()));
            }
            let _ = domain_typo_suggestion(&s);
        }

        #[test]
        fn email_like_idempotent(s in "[ A-Za-z0-9.'+_-]{0,12}@[A-Za-z0-9.-]{0,12}\\.[a-zA-Z]{0,4} ?") {
            if let Ok(c) = parse_email(&s) {
                prop_assert_eq!(parse_email(&c), Ok(c.clone()));
                if let Some(fixed) = domain_typo_suggestion(&c) {
                    prop_assert!(parse_email(&fixed).is_ok());
                }
            }
        }
    }
}
