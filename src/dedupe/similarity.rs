//! String similarities for comparisons. Keys are short ASCII words (names, locals, postcodes),
//! so the common case runs on stack buffers with no allocation per pair; longer or non-ASCII
//! strings fall back to `strsim`.

const STACK: usize = 64;

/// Jaro-Winkler similarity (prefix scale 0.1, up to 4 characters), 1.0 for equal strings.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > STACK || y.len() > STACK {
        return strsim::jaro_winkler(a, b);
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let jaro = jaro_bytes(x, y);
    let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
    jaro + prefix as f64 * 0.1 * (1.0 - jaro)
}

fn jaro_bytes(x: &[u8], y: &[u8]) -> f64 {
    let window = (x.len().max(y.len()) / 2).saturating_sub(1);
    let mut x_hit = [false; STACK];
    let mut y_hit = [false; STACK];
    let mut matches = 0usize;
    for (i, &c) in x.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(y.len());
        for j in lo..hi {
            if !y_hit[j] && y[j] == c {
                x_hit[i] = true;
                y_hit[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &c) in x.iter().enumerate() {
        if !x_hit[i] {
            continue;
        }
        while !y_hit[j] {
            j += 1;
        }
        if c != y[j] {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    (m / x.len() as f64 + m / y.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

/// Optimal-string-alignment distance (Damerau-Levenshtein where a transposition of two
/// adjacent characters is one edit), computed only up to `max`: returns `max + 1` when the
/// distance is larger, which is all a level needs to know.
pub fn osa_within(a: &str, b: &str, max: usize) -> usize {
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if x.len().abs_diff(y.len()) > max {
        return max + 1;
    }
    if !a.is_ascii() || !b.is_ascii() || x.len() >= STACK || y.len() >= STACK {
        return strsim::osa_distance(a, b).min(max + 1);
    }
    // Three rolling rows of the dynamic programme; distances fit a byte (strings < 64 bytes).
    let n = y.len();
    let mut prev2 = [0u8; STACK];
    let mut prev = [0u8; STACK];
    let mut cur = [0u8; STACK];
    for (j, cell) in prev.iter_mut().enumerate().take(n + 1) {
        *cell = j as u8;
    }
    let cap = (max + 1).min(255) as u8;
    for i in 1..=x.len() {
        cur[0] = i as u8;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = u8::from(x[i - 1] != y[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min >= cap {
            return max + 1;
        }
        prev2[..=n].copy_from_slice(&prev[..=n]);
        prev[..=n].copy_from_slice(&cur[..=n]);
    }
    (prev[n] as usize).min(max + 1)
}

/// Normalised Damerau-Levenshtein similarity: 1 - distance / longer length.
pub fn damerau_similarity(a: &str, b: &str) -> f64 {
    let len = a.len().max(b.len());
    if len == 0 {
        return 1.0;
    }
    let d = osa_within(a, b, len);
    1.0 - d as f64 / len as f64
}

/// Token-set similarity of two space-separated word lists: the Dice coefficient
/// `2 |A ∩ B| / (|A| + |B|)`, where two words agree when equal or, for words of four letters or
/// more, within Jaro-Winkler 0.92 (a typo inside one word of a company name or address).
pub fn token_set(a: &str, b: &str) -> f64 {
    // No allocation: b's words are re-split per word of a (names have a handful), and a bit
    // mask remembers which were used (words past the 64th never match).
    let mut total = b.split(' ').filter(|w| !w.is_empty()).count();
    let mut common = 0usize;
    let mut b_used: u64 = 0;
    for w in a.split(' ').filter(|w| !w.is_empty()) {
        total += 1;
        let found = b
            .split(' ')
            .filter(|w| !w.is_empty())
            .enumerate()
            .position(|(j, v)| {
                j < 64
                    && b_used & (1 << j) == 0
                    && (v == w || (w.len() >= 4 && v.len() >= 4 && jaro_winkler(w, v) >= 0.92))
            });
        if let Some(j) = found {
            b_used |= 1 << j;
            common += 1;
        }
    }
    if total == 0 {
        return 0.0;
    }
    2.0 * common as f64 / total as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_matches_the_reference_implementation() {
        // Reference: strsim::jaro_winkler, itself checked against the published examples
        // (MARTHA/MARHTA 0.9611, DIXON/DICKSONX 0.8133, DWAYNE/DUANE 0.84).
        for (a, b) in [
            ("martha", "marhta"),
            ("dixon", "dicksonx"),
            ("dwayne", "duane"),
            ("katherine", "kathryn"),
            ("smith", "smyth"),
            ("a", "b"),
            ("robert", "bob"),
            ("jon", "john"),
        ] {
            let ours = jaro_winkler(a, b);
            let reference = strsim::jaro_winkler(a, b);
            assert!(
                (ours - reference).abs() < 1e-12,
                "{a}/{b}: {ours} vs {reference}"
            );
        }
        assert!((jaro_winkler("martha", "marhta") - 0.9611).abs() < 1e-4);
    }

    #[test]
    fn osa_counts_a_transposition_as_one_edit_and_stops_at_max() {
        for (a, b) in [
            ("smith", "smiht"),
            ("kitten", "sitting"),
            ("ca", "abc"),
            ("", "abc"),
            ("4155551234", "4155551243"),
        ] {
            let reference = strsim::osa_distance(a, b);
            assert_eq!(osa_within(a, b, 10), reference, "{a}/{b}");
        }
        assert_eq!(osa_within("smith", "smiht", 1), 1);
        assert_eq!(osa_within("kitten", "sitting", 1), 2, "capped at max + 1");
        assert!((damerau_similarity("abcd", "abdc") - 0.75).abs() < 1e-12);
    }

    #[test]
    fn token_set_is_dice_with_typo_tolerant_words() {
        // {summit, payments} vs {summit, paymnets}: 2 * 2 / 4.
        assert_eq!(token_set("summit payments", "summit paymnets"), 1.0);
        // {acme, data} vs {acme}: 2 * 1 / 3.
        assert!((token_set("acme data", "acme") - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(token_set("a b", "c d"), 0.0);
    }
}
