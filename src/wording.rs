//! Counts in sentences, for every text a person reads (terminal summaries, rule details, KPI
//! annotations, `dedupe`, `init`, `history`): `1 table`, `3 tables`, `1,204 records`, never
//! `1 tables` or `table(s)`.

/// `1234567` -> `1,234,567`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 ticket", "3 tickets", "1,204 tickets".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", count(n), form(n, one, many))
}

/// The form that agrees with `n`, for a word after the count: "1 of 37 deals **has**".
pub fn form<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The singular of a label kept in the plural (`n_of`: "closed deals", "NPS responses"): the
/// last word without its `s`. Only for labels crmaudit writes, which are regular plurals.
pub fn singular(many: &str) -> String {
    many.strip_suffix('s').unwrap_or(many).to_string()
}

/// `plural` for such a label: "1 closed deal", "2 closed deals".
pub fn counted(n: usize, many: &str) -> String {
    format!("{} {}", count(n), form(n, &singular(many), many))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(2000), "2,000");
        assert_eq!(count(999), "999");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(plural(1, "table", "tables"), "1 table");
        assert_eq!(plural(0, "table", "tables"), "0 tables");
        assert_eq!(plural(1204, "record", "records"), "1,204 records");
        assert_eq!(form(1, "has", "have"), "has");
        assert_eq!(counted(1, "closed deals"), "1 closed deal");
        assert_eq!(counted(3, "NPS responses"), "3 NPS responses");
    }
}
