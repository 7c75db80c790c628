//! Country names and codes → ISO 3166-1 alpha-2.
//!
//! The data is `rules/aliases/countries.tsv`: every ISO 3166-1 country
//! (generated from Debian's `iso-codes`) with its alpha-3 code, English short
//! name, and `|`-separated aliases (official names, common English names,
//! local names, spellings without diacritics). Editing that file is how new
//! spellings are taught; it is compiled in, so no file is read at run time.

use std::collections::HashMap;
use std::sync::LazyLock;

type Map<V> = HashMap<String, V, foldhash::fast::RandomState>;

/// How a value named its country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    Alpha2,
    Alpha3,
    Name,
}

struct Tables {
    /// Normalised spelling → (alpha-2, how it is spelt).
    by_key: Map<(&'static str, Spelling)>,
    /// Alpha-2 → English short name.
    names: HashMap<&'static str, &'static str, foldhash::fast::RandomState>,
}

const DATA: &str = include_str!("../../rules/aliases/countries.tsv");

/// Data rows of the TSV: (alpha2, alpha3, name, aliases). Comment lines
/// (`#`) and the header are skipped.
fn rows() -> impl Iterator<Item = [&'static str; 4]> {
    DATA.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("alpha2\t") && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let row = [
                cols.next()?,
                cols.next()?,
                cols.next()?,
                cols.next().unwrap_or(""),
            ];
            Some(row.map(str::trim))
        })
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut by_key = Map::default();
    let mut names = HashMap::default();
    // Codes first, so that an alias can never shadow a real code.
    for [a2, a3, name, _] in rows() {
        by_key.insert(normalise(a2), (a2, Spelling::Alpha2));
        by_key.insert(normalise(a3), (a2, Spelling::Alpha3));
        names.insert(a2, name);
    }
    for [a2, _, name, aliases] in rows() {
        for spelling in std::iter::once(name).chain(aliases.split('|')) {
            let key = normalise(spelling);
            if key.is_empty() {
                continue;
            }
            // Abbreviations (`UK`, `UAE`) are code-shaped for the
            // consistency check, whatever their official status.
            let kind = match key.len() {
                2 if key.bytes().all(|b| b.is_ascii_lowercase()) => Spelling::Alpha2,
                3 if key.bytes().all(|b| b.is_ascii_lowercase()) => Spelling::Alpha3,
                _ => Spelling::Name,
            };
            by_key.entry(key).or_insert((a2, kind));
        }
    }
    Tables { by_key, names }
});

/// Canonical lookup key: lowercase; dots and apostrophes dropped; `&` read
/// as `and`; commas, hyphens, brackets and underscores read as
/// spaces; whitespace collapsed; a leading `the` dropped; the word `st` read
/// as `saint`; spaced-out letters (`U S A`) joined.
fn normalise(raw: &str) -> String {
    let mut flat = String::with_capacity(raw.len() + 4);
    for c in raw.chars() {
        match c {
            '.' | '\'' | '\u{2019}' | '`' => {}
            '&' => flat.push_str(" and "),
            // Not `/`: `N/A` must not become the letters `NA` (Namibia).
            ',' | '-' | '(' | ')' | '_' => flat.push(' '),
            c => flat.extend(c.to_lowercase()),
        }
    }
    let mut words: Vec<&str> = flat.split_whitespace().collect();
    if words.len() > 1 && words[0] == "the" {
        words.remove(0);
    }
    if words.len() > 1 && words.iter().all(|w| w.chars().count() == 1) {
        return words.concat();
    }
    let mut out = String::with_capacity(flat.len());
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(if w == "st" { "saint" } else { w });
    }
    out
}

fn lookup(raw: &str) -> Option<(&'static str, Spelling)> {
    // A country is never longer than this; refusing early keeps huge cells
    // from costing anything.
    if raw.len() > 200 {
        return None;
    }
    TABLES.by_key.get(&normalise(raw)).copied()
}

/// ISO 3166-1 alpha-2 code for a country written as an alpha-2 or alpha-3
/// code, an English name, or a known alias / local name (`USA`, `U.K.`,
/// `Deutschland`, `España`, `Holland`, `Ivory Coast`...). Case-insensitive;
/// dots, apostrophes and extra spaces are ignored. `None` if unknown.
pub fn country_code(raw: &str) -> Option<&'static str> {
    lookup(raw).map(|(code, _)| code)
}

/// How a country cell is spelt, for the column consistency check (a column
/// mixing `US`, `USA` and `United States` is inconsistent): `"alpha-2"`
/// (`US`, `U.K.`), `"alpha-3"` (`USA`, `UAE`), `"name"` (`United States`,
/// `Deutschland`) or `"unknown"`.
pub fn country_spelling_style(raw: &str) -> &'static str {
    match lookup(raw) {
        Some((_, Spelling::Alpha2)) => "alpha-2",
        Some((_, Spelling::Alpha3)) => "alpha-3",
        Some((_, Spelling::Name)) => "name",
        None => "unknown",
    }
}

/// English short name (ISO 3166-1) for an alpha-2 code, e.g. `"DE"` →
/// `"Germany"`. Case-insensitive.
pub fn country_name(alpha2: &str) -> Option<&'static str> {
    let b = alpha2.trim().as_bytes();
    if b.len() != 2 {
        return None;
    }
    let up = [b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase()];
    TABLES.names.get(std::str::from_utf8(&up).ok()?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn brief_cases() {
        let cases = [
            ("US", "US"),
            ("us", "US"),
            ("USA", "US"),
            ("U.S.A.", "US"),
            ("U.S.", "US"),
            ("U S A", "US"),
            ("United States", "US"),
            ("united  states ", "US"),
            ("United States of America", "US"),
            ("the United States", "US"),
            ("America", "US"),
            ("UK", "GB"),
            ("U.K.", "GB"),
            ("GB", "GB"),
            ("GBR", "GB"),
            ("Great Britain", "GB"),
            ("United Kingdom", "GB"),
            ("England", "GB"),
            ("Scotland", "GB"),
            ("Wales", "GB"),
            ("Deutschland", "DE"),
            ("Germany", "DE"),
            ("DEU", "DE"),
            ("España", "ES"),
            ("Espana", "ES"),
            ("ESPAÑA", "ES"),
            ("Schweiz", "CH"),
            ("Suisse", "CH"),
            ("Nederland", "NL"),
            ("Holland", "NL"),
            ("The Netherlands", "NL"),
            ("NA", "NA"),
            ("Namibia", "NA"),
            ("Côte d’Ivoire", "CI"),
            ("Cote d'Ivoire", "CI"),
            ("Ivory Coast", "CI"),
            ("St. Lucia", "LC"),
            ("Saint Kitts & Nevis", "KN"),
            ("Trinidad & Tobago", "TT"),
            ("Korea, Republic of", "KR"),
            ("South Korea", "KR"),
            ("North Korea", "KP"),
            ("Türkiye", "TR"),
            ("Turkey", "TR"),
            ("Czech Republic", "CZ"),
            ("Guinea-Bissau", "GW"),
            ("Guinea Bissau", "GW"),
            ("Österreich", "AT"),
            ("Viet Nam", "VN"),
            ("Vietnam", "VN"),
            ("UAE", "AE"),
            ("DRC", "CD"),
        ];
        for (raw, want) in cases {
            assert_eq!(country_code(raw), Some(want), "{raw:?}");
        }
        for raw in [
            "", "  ", "Atlantis", "XX", "N/A", "Unknown", "123", "ZZZ", "the",
        ] {
            assert_eq!(country_code(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn styles() {
        for (raw, want) in [
            ("US", "alpha-2"),
            ("U.K.", "alpha-2"),
            ("USA", "alpha-3"),
            ("U.S.A.", "alpha-3"),
            ("United States", "name"),
            ("Deutschland", "name"),
            ("Atlantis", "unknown"),
            ("", "unknown"),
        ] {
            assert_eq!(country_spelling_style(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(country_name("de"), Some("Germany"));
        assert_eq!(country_name("GB"), Some("United Kingdom"));
        assert_eq!(country_name("XX"), None);
        assert_eq!(country_name("DEU"), None);
    }

    #[test]
    fn table_is_complete_and_consistent() {
        let rows: Vec<_> = rows().collect();
        assert_eq!(rows.len(), 249, "ISO 3166-1 has 249 entries");
        let mut seen = std::collections::HashSet::new();
        let mut keys: HashMap<String, &str> = HashMap::new();
        for [a2, a3, name, aliases] in &rows {
            assert!(
                a2.len() == 2 && a2.bytes().all(|b| b.is_ascii_uppercase()),
                "{a2}"
            );
            assert!(
                a3.len() == 3 && a3.bytes().all(|b| b.is_ascii_uppercase()),
                "{a3}"
            );
            assert!(seen.insert(*a2), "duplicate {a2}");
            assert!(seen.insert(*a3), "duplicate {a3}");
            for spelling in [*a2, *a3, *name]
                .into_iter()
                .chain(aliases.split('|').filter(|s| !s.is_empty()))
            {
                let key = normalise(spelling);
                assert!(!key.is_empty(), "{a2}: empty key for {spelling:?}");
                if let Some(other) = keys.insert(key.clone(), a2) {
                    assert_eq!(
                        other, *a2,
                        "{spelling:?} ({key}) maps to both {other} and {a2}"
                    );
                }
                assert_eq!(country_code(spelling), Some(*a2), "{spelling:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn country_never_panics(s in any::<String>()) {
            let code = country_code(&s);
            let _ = country_spelling_style(&s);
            let _ = country_name(&s);
            // The canonical output maps to itself.
            if let Some(c) = code {
                prop_assert_eq!(country_code(c), Some(c));
                prop_assert_eq!(country_spelling_style(c), "alpha-2");
            }
        }
    }
}
