//! Match keys: what each compared field's values become before comparison. Never shown as the
//! user's data (findings and merge proposals show raw cells); computed once per distinct raw
//! value, in parallel, then interned so that equal keys share one id (exact agreement is then an
//! integer compare, and term frequencies are counts per id).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rayon::prelude::*;
use rphonetic::{DoubleMetaphone, Encoder};
use unicode_normalization::UnicodeNormalization;

use crate::checks::Cache;
use crate::config::dedupe::Comparison;
use crate::dataset::Table;
use crate::normalize::date::DateValue;

use super::aliases::{
    COMPANY_SUFFIX_WORDS, FREEMAIL_DOMAINS, HONORIFIC_WORDS, NICKNAME_TABLE, STREET_WORDS, Sex,
    sex_of,
};

/// No value: the comparison of a pair with a null on either side is skipped (weight 0).
pub const NULL: u32 = u32::MAX;

/// One normalised value. What each string holds depends on the comparison kind:
///
/// | kind | text (exact key) | alt | aux | canon |
/// |---|---|---|---|---|
/// | names | folded tokens | Double Metaphone of the key | first word (given names), last word (full names) | nickname-free form |
/// | email | local@domain, gmail dots and +tags removed | local part | domain | local with nicknames resolved |
/// | phone | E.164 (digits when invalid) | digits | | |
/// | company, address | folded words, legal forms dropped | words sorted | | |
/// | others | folded value | | | |
///
/// `num` is a number of the kind: yyyymmdd for dates; for first names (and last names, for
/// swapped names) the [`Sex`] the given name is borne by, looked up once per distinct value.
///
/// The four strings share one allocation (`buf`, cut at `ends`): a million distinct e-mail
/// addresses are a million keys, and one allocation of 48 bytes plus the text each, instead of
/// four of 88, is what keeps entity matching on a 1M-row table inside the memory target.
#[derive(Debug, Clone, Default)]
pub struct Key {
    buf: Box<str>,
    /// Where text, alt and aux end in `buf` (canon runs to the end).
    ends: [u32; 3],
    /// First names: the formal names this one may stand for (nickname table ids).
    pub groups: Box<[u16]>,
    /// Dates: yyyymmdd; names: the given name's [`Sex`] (see [`Key::sex`]).
    num: u32,
}

impl Key {
    pub fn new(text: &str, alt: &str, aux: &str, canon: &str) -> Key {
        let mut buf = String::with_capacity(text.len() + alt.len() + aux.len() + canon.len());
        let mut ends = [0u32; 3];
        for (end, part) in ends.iter_mut().zip([text, alt, aux]) {
            buf.push_str(part);
            *end = buf.len() as u32;
        }
        buf.push_str(canon);
        Key {
            buf: buf.into_boxed_str(),
            ends,
            groups: Box::default(),
            num: 0,
        }
    }

    /// A key of one string (text only).
    pub fn plain(text: &str) -> Key {
        Key::new(text, "", "", "")
    }

    pub fn with_groups(mut self, groups: Box<[u16]>) -> Key {
        self.groups = groups;
        self
    }

    pub fn with_date(mut self, date: u32) -> Key {
        self.num = date;
        self
    }

    /// Dates: yyyymmdd.
    pub fn date(&self) -> u32 {
        self.num
    }

    /// Names: who the (first) given name is borne by.
    pub fn with_sex(mut self, sex: Sex) -> Key {
        self.num = sex as u32;
        self
    }

    pub fn sex(&self) -> Sex {
        match self.num {
            1 => Sex::Male,
            2 => Sex::Female,
            _ => Sex::Unknown,
        }
    }

    /// The exact key: equal text, equal key.
    pub fn text(&self) -> &str {
        &self.buf[..self.ends[0] as usize]
    }

    pub fn alt(&self) -> &str {
        &self.buf[self.ends[0] as usize..self.ends[1] as usize]
    }

    pub fn aux(&self) -> &str {
        &self.buf[self.ends[1] as usize..self.ends[2] as usize]
    }

    pub fn canon(&self) -> &str {
        &self.buf[self.ends[2] as usize..]
    }
}

/// One compared field of a table, as keys.
pub struct FieldKeys {
    pub column: usize,
    pub compare: Comparison,
    /// Per record: index into `keys`, or [`NULL`].
    pub record_key: Vec<u32>,
    pub keys: Vec<Key>,
    /// Records holding each key (term frequencies).
    pub counts: Vec<u32>,
}

impl FieldKeys {
    pub fn key(&self, record: usize) -> Option<&Key> {
        match self.record_key[record] {
            NULL => None,
            k => Some(&self.keys[k as usize]),
        }
    }
}

/// Lowercase ASCII words: NFKC, then transliteration (`Müller` → `muller`, `Łukasz` → `lukasz`),
/// apostrophes dropped (`O'Brien` → `obrien`), `&` read as `and`, any other non-alphanumeric
/// character a word break.
pub fn fold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 4);
    if raw.is_ascii() {
        push_folded(&mut out, raw);
    } else {
        let nfkc: String = raw.nfkc().collect();
        let ascii = deunicode::deunicode(&nfkc);
        push_folded(&mut out, &ascii);
    }
    out
}

fn push_folded(out: &mut String, ascii: &str) {
    let mut space = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '`' {
            // O'Brien, D`Angelo: one word.
        } else if c == '&' {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str("and");
            space = true;
        } else {
            space = true;
        }
    }
}

/// Double Metaphone codes up to 6 sounds: the customary 4 lump `Ashford` with `Ashfield`, which
/// on a large table makes name blocks large without finding more duplicates.
fn metaphone(word: &str) -> String {
    if word.is_empty() {
        return String::new();
    }
    DoubleMetaphone::new(Some(6)).encode(word)
}

/// Name words without titles and generational suffixes (`Dr. John Smith Jr.` → john smith),
/// unless that would leave nothing.
pub fn name_words(raw: &str) -> Vec<String> {
    let folded = fold(raw);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !HONORIFIC_WORDS.contains(w))
        .collect();
    let chosen = if kept.is_empty() { words } else { kept };
    chosen.into_iter().map(str::to_string).collect()
}

/// The nickname-free form of a given name: its formal name when the table knows exactly one
/// (`bob` → `robert`), the first formal name otherwise.
pub fn formal(first: &str) -> &str {
    let t = &*NICKNAME_TABLE;
    match t.formals(first).first() {
        Some(&id) => t.formal_name(id),
        None => first,
    }
}

fn first_name_key(raw: &str) -> Option<Key> {
    let words = name_words(raw);
    let first = words.first()?;
    let groups: Box<[u16]> = NICKNAME_TABLE.formals(first).into();
    Some(
        Key::new(&words.join(" "), &metaphone(first), first, formal(first))
            .with_groups(groups)
            .with_sex(sex_of(first)),
    )
}

fn last_name_key(raw: &str) -> Option<Key> {
    let words = name_words(raw);
    if words.is_empty() {
        return None;
    }
    // `De la Cruz` and `Delacruz` are one surname.
    let joined = words.concat();
    // canon, for swapped names: the formal name(s) this would be if it were a given name.
    Some(
        Key::new(&joined, &metaphone(&joined), "", formal(&joined))
            .with_groups(NICKNAME_TABLE.formals(&joined).into())
            .with_sex(sex_of(&joined)),
    )
}

fn full_name_key(raw: &str) -> Option<Key> {
    let mut words = name_words(raw);
    if words.is_empty() {
        return None;
    }
    // `Smith, John` is John Smith.
    if raw.contains(',') && words.len() >= 2 {
        words.rotate_left(1);
    }
    let text = words.join(" ");
    let mut canon_words = words.clone();
    canon_words[0] = formal(&words[0]).to_string();
    let mut sorted = words.clone();
    sorted.sort();
    Some(
        Key::new(
            &text,
            &sorted.join(" "),
            words.last().map_or("", String::as_str),
            &canon_words.join(" "),
        )
        .with_groups(NICKNAME_TABLE.formals(&words[0]).into()),
    )
}

/// An address as it reaches the mailbox: lowercase, `+tags` dropped, and for Gmail the dots of
/// the local part too (`John.Smith+crm@googlemail.com` = `johnsmith@gmail.com`).
pub fn email_key_from(address: &str) -> Option<Key> {
    let address = address.trim().to_lowercase();
    let (local, domain) = address.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    let mut local = local.split('+').next().unwrap_or(local).to_string();
    if domain == "gmail.com" {
        local.retain(|c| c != '.');
    }
    if local.is_empty() {
        return None;
    }
    // `bob.smith` and `robert.smith` are one person's pattern.
    let canon: Vec<&str> = local
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(formal)
        .collect();
    Some(Key::new(
        &format!("{local}@{domain}"),
        &local,
        domain,
        &canon.join("."),
    ))
}

/// The first address-looking part of a cell, for cells that fail validation (two addresses,
/// a trailing comma): still evidence for matching.
fn loose_email(raw: &str) -> Option<Key> {
    raw.split([',', ';', ' ', '\t'])
        .find(|part| part.contains('@'))
        .and_then(email_key_from)
}

fn company_words(raw: &str) -> Vec<String> {
    let folded = fold(raw);
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let original = words.clone();
    if words.first() == Some(&"the") {
        words.remove(0);
    }
    // Legal forms at the end, repeatedly: `Acme Holdings GmbH & Co. KG` → acme.
    loop {
        let before = words.len();
        for form in COMPANY_SUFFIX_WORDS.iter() {
            if words.len() > form.len() && words.ends_with(form) {
                words.truncate(words.len() - form.len());
                break;
            }
        }
        // `Smith & Co`: a trailing `and` left behind.
        if words.len() > 1 && words.last() == Some(&"and") {
            words.pop();
        }
        if words.len() == before {
            break;
        }
    }
    let chosen = if words.is_empty() { original } else { words };
    chosen.into_iter().map(str::to_string).collect()
}

fn words_key(words: Vec<String>) -> Option<Key> {
    if words.is_empty() {
        return None;
    }
    let mut sorted = words.clone();
    sorted.sort();
    sorted.dedup();
    Some(Key::new(&words.join(" "), &sorted.join(" "), "", ""))
}

fn address_key(raw: &str) -> Option<Key> {
    let words = fold(raw)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| STREET_WORDS.get(w).copied().unwrap_or(w).to_string())
        .collect();
    words_key(words)
}

/// A website or domain cell as a bare host: `https://www.Acme.com/about` → acme.com.
pub fn domain_of(raw: &str) -> Option<String> {
    let mut d = raw.trim().to_lowercase();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = d.strip_prefix(scheme) {
            d = rest.to_string();
        }
    }
    if let Some(rest) = d.strip_prefix("www.") {
        d = rest.to_string();
    }
    if let Some((host, _)) = d.split_once(['/', '?', '#']) {
        d = host.to_string();
    }
    if let Some((_, host)) = d.rsplit_once('@') {
        d = host.to_string();
    }
    let d = d.trim_end_matches('.').to_string();
    (d.contains('.') && !d.contains(' ')).then_some(d)
}

fn plain_key(text: String) -> Option<Key> {
    (!text.is_empty()).then(|| Key::plain(&text))
}

fn alnum(raw: &str, upper: bool) -> String {
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| {
            if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

fn date_key(date: jiff::civil::Date) -> Key {
    let packed = date.year() as u32 * 10_000 + date.month() as u32 * 100 + date.day() as u32;
    Key::plain(&date.to_string()).with_date(packed)
}

/// `19560409`: the compact form of person-record exports, which the audit's date reader does not
/// take (it would be a number there).
fn compact_date(raw: &str) -> Option<Key> {
    let t = raw.trim();
    if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m, d) = (
        t[..4].parse::<i16>().ok()?,
        t[4..6].parse::<i8>().ok()?,
        t[6..].parse::<i8>().ok()?,
    );
    match jiff::civil::Date::new(y, m, d) {
        Ok(date) => Some(date_key(date)),
        // Day and month typed the wrong way round (19161412) is still evidence: it is the
        // `swapped` level of a valid date.
        Err(_) if jiff::civil::Date::new(y, d, m).is_ok() => {
            Some(Key::plain(t).with_date(y as u32 * 10_000 + m as u32 * 100 + d as u32))
        }
        Err(_) => None,
    }
}

/// The key of one raw value for comparison kinds that depend on the value alone.
pub fn key_of(compare: Comparison, raw: &str) -> Option<Key> {
    match compare {
        Comparison::FirstName => first_name_key(raw),
        Comparison::LastName => last_name_key(raw),
        Comparison::FullName => full_name_key(raw),
        // Validity is DQ001's business: any cell holding an address is evidence here, and
        // skipping the full RFC parse keeps a million distinct addresses cheap.
        Comparison::Email => loose_email(raw),
        Comparison::Company => words_key(company_words(raw)),
        Comparison::Address => address_key(raw),
        Comparison::Domain => domain_of(raw).and_then(plain_key),
        Comparison::City | Comparison::Text => plain_key(fold(raw)),
        Comparison::Postcode => plain_key(alnum(raw, true)),
        Comparison::Id => plain_key(alnum(raw, false)),
        Comparison::Exact => plain_key(crate::normalize::text::fold_key(raw)),
        Comparison::Date => compact_date(raw),
        Comparison::Phone => {
            let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
            (digits.len() >= 6).then(|| Key::new(&digits, &digits, "", ""))
        }
    }
}

/// Interns keys by their text: equal text, one id. The table holds ids only and hashes the
/// keys' own text, so no key text is copied for the index.
struct Interner {
    index: HashTable<u32>,
    keys: Vec<Key>,
    hasher: FixedState,
}

impl Interner {
    fn new(capacity: usize) -> Self {
        Interner {
            index: HashTable::with_capacity(capacity),
            keys: Vec::with_capacity(capacity),
            hasher: FixedState::default(),
        }
    }

    fn intern(&mut self, key: Option<Key>) -> u32 {
        let Some(key) = key else {
            return NULL;
        };
        let hash = self.hasher.hash_one(key.text());
        let keys = &self.keys;
        match self.index.entry(
            hash,
            |&id| keys[id as usize].text() == key.text(),
            |&id| self.hasher.hash_one(keys[id as usize].text()),
        ) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let id = self.keys.len() as u32;
                e.insert(id);
                self.keys.push(key);
                id
            }
        }
    }
}

/// The keys of one column, through the run's per-column memo (distinct values, and the parsed
/// phones and dates the checks already computed).
pub fn build(
    table: &Table,
    t: usize,
    cache: &Cache,
    column: usize,
    compare: Comparison,
) -> FieldKeys {
    let distinct = cache.distinct(table, t, column);
    let col = &table.raw.columns[column];
    let record_key: Vec<u32>;
    let keys: Vec<Key>;
    match compare {
        Comparison::Phone => {
            // Phones are read in each record's region, so the memo is per (value, region).
            let phones = cache.phones(table, t, column);
            let mut first_record = vec![u32::MAX; phones.parsed.len()];
            for (record, &k) in phones.key.iter().enumerate() {
                if k != u32::MAX && first_record[k as usize] == u32::MAX {
                    first_record[k as usize] = record as u32;
                }
            }
            let parsed: Vec<Option<Key>> = phones
                .parsed
                .par_iter()
                .enumerate()
                .map(|(i, p)| match p {
                    Ok(phone) => Some(Key::new(
                        &phone.e164,
                        phone.e164.trim_start_matches('+'),
                        "",
                        "",
                    )),
                    Err(_) => {
                        // An invalid number is still evidence when both records hold it.
                        match first_record[i] {
                            u32::MAX => None,
                            r => key_of(Comparison::Phone, col.get(r as usize)),
                        }
                    }
                })
                .collect();
            let mut interner = Interner::new(parsed.len());
            let ids: Vec<u32> = parsed.into_iter().map(|k| interner.intern(k)).collect();
            record_key = phones
                .key
                .iter()
                .map(|&k| if k == u32::MAX { NULL } else { ids[k as usize] })
                .collect();
            keys = interner.keys;
        }
        _ => {
            let dates = (compare == Comparison::Date).then(|| cache.dates(table, t, column));
            let per_distinct: Vec<Option<Key>> = distinct
                .first
                .par_iter()
                .enumerate()
                .with_min_len(256)
                .map(|(id, &record)| {
                    if distinct.missing[id] {
                        return None;
                    }
                    let raw = col.get(record as usize);
                    match dates {
                        Some(dates) => match &dates[id].1 {
                            Ok(DateValue::Date(d)) | Ok(DateValue::ExcelSerial { date: d, .. }) => {
                                Some(date_key(*d))
                            }
                            // Both readings are dates; the `swapped` level covers the other.
                            Ok(DateValue::Ambiguous { day_first, .. }) => {
                                Some(date_key(*day_first))
                            }
                            Err(_) => compact_date(raw),
                        },
                        None => key_of(compare, raw),
                    }
                })
                .collect();
            let mut interner = Interner::new(per_distinct.len());
            let ids: Vec<u32> = per_distinct
                .into_iter()
                .map(|k| interner.intern(k))
                .collect();
            record_key = distinct.ids.iter().map(|&id| ids[id as usize]).collect();
            keys = interner.keys;
        }
    }
    let mut counts = vec![0u32; keys.len()];
    for &k in &record_key {
        if k != NULL {
            counts[k as usize] += 1;
        }
    }
    FieldKeys {
        column,
        compare,
        record_key,
        keys,
        counts,
    }
}

/// The company domain an e-mail address gives away, unless it is free-mail.
pub fn work_domain(email: &Key) -> Option<&str> {
    let domain = email.aux();
    (!domain.is_empty() && !FREEMAIL_DOMAINS.contains(domain)).then_some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_transliterates_and_drops_punctuation() {
        assert_eq!(fold("  Müller-Lüdenscheidt "), "muller ludenscheidt");
        assert_eq!(fold("O'Brien"), "obrien");
        assert_eq!(fold("Ｊｏｈｎ"), "john", "full-width letters via NFKC");
        assert_eq!(fold("Łukasz Żółć"), "lukasz zolc");
        assert_eq!(fold("Smith & Sons"), "smith and sons");
    }

    #[test]
    fn names_lose_titles_and_nicknames_resolve() {
        assert_eq!(name_words("Dr. John Smith Jr."), ["john", "smith"]);
        assert_eq!(name_words("Dr"), ["dr"], "a title alone is kept");
        let bob = key_of(Comparison::FirstName, "Bob").unwrap();
        assert_eq!(bob.canon(), "robert");
        let last = key_of(Comparison::LastName, "De la Cruz").unwrap();
        assert_eq!(last.text(), "delacruz");
        let full = key_of(Comparison::FullName, "Smith, Bob").unwrap();
        assert_eq!(full.text(), "bob smith");
        assert_eq!(full.canon(), "robert smith");
    }

    #[test]
    fn emails_reach_one_mailbox_key() {
        let a = key_of(Comparison::Email, " John.Smith+crm@GoogleMail.com").unwrap();
        let b = key_of(Comparison::Email, "johnsmith@gmail.com").unwrap();
        assert_eq!(a.text(), b.text());
        // Dots matter outside Gmail; tags do not.
        let c = key_of(Comparison::Email, "j.smith+x@acme.com").unwrap();
        assert_eq!(c.text(), "j.smith@acme.com");
        let bob = key_of(Comparison::Email, "bob.smith@acme.com").unwrap();
        assert_eq!(bob.canon(), "robert.smith");
        // Two addresses in one cell: the first is still evidence.
        let two = key_of(Comparison::Email, "a.b@x.de, a.b@gmail.com").unwrap();
        assert_eq!(two.text(), "a.b@x.de");
        assert_eq!(work_domain(&b), None);
        assert_eq!(work_domain(&c), Some("acme.com"));
    }

    #[test]
    fn companies_lose_legal_forms_articles_and_ampersands() {
        let key = |s| key_of(Comparison::Company, s).unwrap().text().to_string();
        assert_eq!(key("Acme Inc."), "acme");
        assert_eq!(key("ACME"), "acme");
        assert_eq!(key("The Acme Company, LLC"), "acme");
        assert_eq!(key("Müller Holding GmbH & Co. KG"), "muller");
        assert_eq!(key("Smith & Co"), "smith");
        assert_eq!(key("Johnson and Johnson"), "johnson and johnson");
        assert_eq!(
            key("Inc"),
            "inc",
            "a name that is only a legal form is kept"
        );
    }

    #[test]
    fn addresses_domains_postcodes_dates_and_ids() {
        let a = key_of(Comparison::Address, "12 Main St.").unwrap();
        let b = key_of(Comparison::Address, "12 main street").unwrap();
        assert_eq!(a.text(), b.text());
        assert_eq!(
            domain_of("https://www.Acme.com/about").as_deref(),
            Some("acme.com")
        );
        assert_eq!(
            key_of(Comparison::Postcode, "sw1a 1aa").unwrap().text(),
            "SW1A1AA"
        );
        assert_eq!(
            key_of(Comparison::Date, "19560409").unwrap().date(),
            19_560_409
        );
        assert!(key_of(Comparison::Date, "19561332").is_none());
        // Month and day swapped: kept for the `swapped` level.
        assert_eq!(
            key_of(Comparison::Date, "19561304").unwrap().date(),
            19_561_304
        );
        assert_eq!(
            key_of(Comparison::Id, "123-45-678").unwrap().text(),
            "12345678"
        );
    }
}
