//! Text helpers shared by every column check: missing-value detection,
//! surrounding whitespace, case-folded keys and letter-case style.

/// Cell contents (compared case-insensitively after trimming) that mean "no
/// value". `na` and `none` are deliberately absent: `NA` is Namibia's country
/// code and `None` is a legitimate answer in many picklists.
pub const MISSING_TOKENS: &[&str] = &["n/a", "null", "nil", "-", "--", "#n/a", "nan", "(blank)"];

/// True when the cell is empty, whitespace-only (any Unicode whitespace,
/// including NBSP) or one of [`MISSING_TOKENS`] (case-insensitive, trimmed).
pub fn is_missing(raw: &str) -> bool {
    let t = raw.trim();
    // Every token is ASCII, so an ASCII case-insensitive compare is exact and
    // avoids allocating a lowercased copy of each cell.
    t.is_empty() || MISSING_TOKENS.iter().any(|tok| t.eq_ignore_ascii_case(tok))
}

/// True when the cell has Unicode whitespace (spaces, tabs, NBSP, thin
/// spaces...) at its start or end and is not whitespace-only (a blank cell is
/// reported as missing instead, not twice).
pub fn has_surrounding_whitespace(raw: &str) -> bool {
    let starts = raw.chars().next().is_some_and(char::is_whitespace);
    let ends = raw.chars().next_back().is_some_and(char::is_whitespace);
    (starts || ends) && !raw.trim().is_empty()
}

/// Characters no one types on purpose: control characters other than tab and line breaks, the
/// U+FFFD left by a broken conversion, zero-width characters (a BOM inside a value among
/// them), and the characters that reorder or break a line of text ([`is_bidi_or_separator`]).
pub fn is_hidden_character(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        '\u{fffd}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => true,
        c if is_bidi_or_separator(c) => true,
        c => c.is_control(),
    }
}

/// Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make
/// text display in another order than it reads (`Trojan source`), and the line and paragraph
/// separators (U+2028, U+2029), which break a line where no line break is seen. The marks
/// (U+200E, U+200F) are left alone: mixed Hebrew or Arabic text uses them as meant.
pub fn is_bidi_or_separator(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

pub fn has_hidden_characters(raw: &str) -> bool {
    // Fast path: printable ASCII and the allowed whitespace hold none.
    if raw
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\t' || b == b'\n' || b == b'\r')
    {
        return false;
    }
    raw.chars().any(is_hidden_character)
}

/// `raw` without its hidden characters.
pub fn strip_hidden_characters(raw: &str) -> String {
    raw.chars().filter(|c| !is_hidden_character(*c)).collect()
}

/// Comparison key: trimmed, internal whitespace runs collapsed to one ASCII
/// space, lowercased (Unicode-aware). Two cells with equal keys are the same
/// value for case-insensitive and uniqueness checks.
pub fn fold_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    if raw.is_ascii() {
        // Fast path for the overwhelmingly common case: one pass, one
        // allocation. Splits where the Unicode path does: on ASCII,
        // `char::is_whitespace` is `is_ascii_whitespace` plus U+000B (vertical
        // tab), which `split_ascii_whitespace` would keep inside a word.
        for word in raw
            .split(|c: char| c.is_ascii_whitespace() || c == '\u{b}')
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        }
        return out;
    }
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    // `str::to_lowercase` (not char by char) so context-dependent mappings
    // such as the Greek final sigma come out right.
    out.to_lowercase()
}

/// Letter-case style of a cell, for "consistent capitalisation" checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseStyle {
    /// Every cased letter is lowercase (`acme corp`).
    Lower,
    /// Every cased letter is uppercase (`ACME CORP`).
    Upper,
    /// Each word starts with a capital and continues in lowercase
    /// (`Acme Corp`, `Mary-Jane O'Brien`, `3rd Street`).
    Title,
    /// Anything else (`McDonald`, `aCME`, `iPhone`).
    Mixed,
    /// No cased letters at all: digits, punctuation, or scripts without case
    /// such as Chinese.
    NoLetters,
}

/// Classifies the letter case of `raw`. Upper and Lower win over Title, so a
/// single capital (`A`) is Upper and a one-word lowercase cell is Lower.
///
/// Title rules: a cased letter at the start of a word (after whitespace or
/// punctuation) must be uppercase; a letter after another letter must be
/// lowercase; after an apostrophe or hyphen either case is fine (`O'Brien`,
/// `D'angelo`, `Smith-Jones`); after a digit either case is fine (`3rd`, `4K`).
pub fn case_style(raw: &str) -> CaseStyle {
    let (mut upper, mut lower) = (false, false);
    let mut title = true;
    // What came before the current char: 0 = word start / punctuation,
    // 1 = letter, 2 = apostrophe or hyphen, 3 = digit.
    let mut prev = 0u8;
    for c in raw.chars() {
        let is_up = c.is_uppercase();
        let is_low = c.is_lowercase();
        if is_up || is_low {
            upper |= is_up;
            lower |= is_low;
            match prev {
                0 if !is_up => title = false,
                1 if !is_low => title = false,
                _ => {}
            }
            prev = 1;
        } else if c.is_alphabetic() {
            // Uncased letter (e.g. CJK): counts as a letter for word shape.
            prev = 1;
        } else if c.is_numeric() {
            prev = 3;
        } else if matches!(c, '\'' | '\u{2019}' | '-' | '\u{2010}' | '\u{2011}') {
            prev = 2;
        } else {
            prev = 0;
        }
    }
    match (upper, lower) {
        (false, false) => CaseStyle::NoLetters,
        (true, false) => CaseStyle::Upper,
        (false, true) => CaseStyle::Lower,
        (true, true) if title => CaseStyle::Title,
        (true, true) => CaseStyle::Mixed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hidden_characters_are_found_and_stripped() {
        assert!(has_hidden_characters("a\0b"));
        assert!(has_hidden_characters("acme.com\u{200b}"));
        assert!(has_hidden_characters("Jos\u{fffd}"));
        assert!(has_hidden_characters("\u{7}bell"));
        assert!(!has_hidden_characters("line one\nline two\tend\r"));
        assert!(!has_hidden_characters("Zoë Ærø 東京"));
        assert_eq!(strip_hidden_characters("ja\u{feff}ne\0"), "jane");
    }

    #[test]
    fn missing_tokens() {
        for v in [
            "", "   ", "\u{a0}", "\t\n", "N/A", " n/a ", "NULL", "Nil", "-", "--", "#N/A", "NaN",
            "(blank)", "(Blank)",
        ] {
            assert!(is_missing(v), "{v:?} should be missing");
        }
        for v in [
            "NA", "na", "None", "none", "0", "x", "---", "n/a/b", "Namibia",
        ] {
            assert!(!is_missing(v), "{v:?} should not be missing");
        }
    }

    #[test]
    fn surrounding_whitespace() {
        assert!(has_surrounding_whitespace(" a"));
        assert!(has_surrounding_whitespace("a "));
        assert!(has_surrounding_whitespace("a\u{a0}"));
        assert!(has_surrounding_whitespace("\u{2009}a"));
        assert!(has_surrounding_whitespace("\ta b\n"));
        assert!(!has_surrounding_whitespace("a b"));
        assert!(!has_surrounding_whitespace(""));
        assert!(!has_surrounding_whitespace("   "));
        assert!(!has_surrounding_whitespace("\u{a0}"));
    }

    #[test]
    fn fold_keys() {
        assert_eq!(fold_key("  Acme   Corp\t"), "acme corp");
        assert_eq!(fold_key("ACME\u{a0}\u{a0}Corp"), "acme corp");
        assert_eq!(fold_key("ÉCOLE  Été"), "école été");
        assert_eq!(fold_key("ΟΔΟΣ"), "οδος");
        assert_eq!(fold_key(""), "");
        assert_eq!(fold_key("   "), "");
        // A vertical tab is whitespace on the ASCII fast path too.
        assert_eq!(fold_key("\u{b}Acme\u{b}\u{b}Corp "), "acme corp");
        assert_eq!(fold_key("\u{b}"), "");
    }

    #[test]
    fn case_styles() {
        use CaseStyle::*;
        let cases = [
            ("acme corp", Lower),
            ("ACME CORP", Upper),
            ("Acme Corp", Title),
            ("Mary-Jane O'Brien", Title),
            ("Smith-jones", Title),
            ("3rd Street", Title),
            ("McDonald", Mixed),
            ("iPhone", Mixed),
            ("Acme corp", Mixed),
            ("A", Upper),
            ("a", Lower),
            ("O'BRIEN", Upper),
            ("123-456", NoLetters),
            ("", NoLetters),
            ("北京", NoLetters),
            ("Émile Zola", Title),
            ("(Acme) Ltd.", Title),
        ];
        for (v, want) in cases {
            assert_eq!(case_style(v), want, "{v:?}");
        }
    }

    proptest! {
        #[test]
        fn text_never_panics(s in any::<String>()) {
            let _ = is_missing(&s);
            let _ = has_surrounding_whitespace(&s);
            let _ = case_style(&s);
        }

        #[test]
        fn fold_key_idempotent(s in any::<String>()) {
            let once = fold_key(&s);
            prop_assert_eq!(fold_key(&once), once.clone());
            prop_assert!(!has_surrounding_whitespace(&once));
        }

        #[test]
        fn fold_key_idempotent_ascii(s in "[ \\tA-Za-z0-9.,-]{0,40}") {
            let once = fold_key(&s);
            prop_assert_eq!(fold_key(&once), once.clone());
        }
    }
}
