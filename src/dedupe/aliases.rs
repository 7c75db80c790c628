//! The alias tables of `rules/aliases/` that matching reads: nicknames, given names borne by one
//! sex, honorifics, company legal forms, street-type abbreviations and free-mail domains.
//! Compiled in, parsed once.

use std::sync::LazyLock;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

const NICKNAMES: &str = include_str!("../../rules/aliases/nicknames.tsv");
const GIVEN_NAMES: &str = include_str!("../../rules/aliases/given_names.tsv");
const HONORIFICS: &str = include_str!("../../rules/aliases/honorifics.tsv");
const COMPANY_SUFFIXES: &str = include_str!("../../rules/aliases/company_suffixes.tsv");
const STREET_TYPES: &str = include_str!("../../rules/aliases/street_types.tsv");
const FREEMAIL: &str = include_str!("../../rules/aliases/freemail_domains.tsv");

/// Data lines of a TSV table: comments and the header line skipped.
fn rows(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .skip(1)
}

pub struct Nicknames {
    /// name -> the formal names it stands for (a formal name stands for itself).
    formals: HashMap<&'static str, Vec<u16>>,
    names: Vec<&'static str>,
}

impl Nicknames {
    /// Ids of the formal names `name` may stand for; empty when the table does not know it.
    pub fn formals(&self, name: &str) -> &[u16] {
        self.formals.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn formal_name(&self, id: u16) -> &'static str {
        self.names[id as usize]
    }
}

pub static NICKNAME_TABLE: LazyLock<Nicknames> = LazyLock::new(|| {
    let mut formals: HashMap<&'static str, Vec<u16>> = HashMap::new();
    let mut names = Vec::new();
    for line in rows(NICKNAMES) {
        let (formal, aliases) = line.split_once('\t').unwrap_or((line, ""));
        let id = names.len() as u16;
        names.push(formal);
        for name in std::iter::once(formal).chain(aliases.split(',').map(str::trim)) {
            if name.is_empty() {
                continue;
            }
            let entry = formals.entry(name).or_default();
            if !entry.contains(&id) {
                entry.push(id);
            }
        }
    }
    Nicknames { formals, names }
});

/// Who a given name is borne by, as far as `rules/aliases/given_names.tsv` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sex {
    /// Not listed: borne by men and women alike (`Chris`, `Jean`), or too rare to tell.
    #[default]
    Unknown = 0,
    Male = 1,
    Female = 2,
}

impl Sex {
    /// One name borne by men, the other by women (`John` / `Jane`).
    pub fn opposite(self, other: Sex) -> bool {
        matches!(
            (self, other),
            (Sex::Male, Sex::Female) | (Sex::Female, Sex::Male)
        )
    }
}

pub static GIVEN_NAME_SEX: LazyLock<HashMap<&'static str, Sex>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for line in rows(GIVEN_NAMES) {
        let (name, sex) = line.split_once('\t').unwrap_or((line, ""));
        let sex = match sex.trim() {
            "m" => Sex::Male,
            "f" => Sex::Female,
            _ => continue,
        };
        map.insert(name.trim(), sex);
    }
    map
});

/// The sex a (folded, lowercase) given name is borne by.
pub fn sex_of(name: &str) -> Sex {
    GIVEN_NAME_SEX.get(name).copied().unwrap_or_default()
}

fn word_set(text: &'static str) -> HashSet<&'static str> {
    let mut set = HashSet::new();
    for line in rows(text) {
        set.insert(line.trim());
    }
    set
}

pub static HONORIFIC_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| word_set(HONORIFICS));

/// Legal forms as word sequences; the longest are tried first.
pub static COMPANY_SUFFIX_WORDS: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    let mut forms: Vec<Vec<&'static str>> = rows(COMPANY_SUFFIXES)
        .map(|l| l.split_whitespace().collect())
        .collect();
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms
});

pub static STREET_WORDS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for line in rows(STREET_TYPES) {
        if let Some((abbr, word)) = line.split_once('\t') {
            map.insert(abbr, word);
        }
    }
    map
});

pub static FREEMAIL_DOMAINS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| word_set(FREEMAIL));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nicknames_map_to_their_formal_names() {
        let t = &*NICKNAME_TABLE;
        let robert = t.formals("robert");
        assert_eq!(robert.len(), 1);
        assert_eq!(t.formal_name(robert[0]), "robert");
        assert!(t.formals("bob").contains(&robert[0]));
        let peggy = t.formals("peggy");
        assert!(peggy.iter().any(|&f| t.formal_name(f) == "margaret"));
        // Alex stands for Alexander and Alexandra.
        assert_eq!(t.formals("alex").len(), 2);
        assert!(t.formals("zebedee").is_empty());
    }

    #[test]
    fn given_names_know_who_bears_them() {
        assert_eq!(sex_of("john"), Sex::Male);
        assert_eq!(sex_of("jane"), Sex::Female);
        assert_eq!(sex_of("mary"), Sex::Female);
        assert_eq!(sex_of("mark"), Sex::Male);
        assert_eq!(sex_of("paula"), Sex::Female);
        // Borne by both, or not a given name at all.
        assert_eq!(sex_of("chris"), Sex::Unknown);
        assert_eq!(sex_of("jean"), Sex::Unknown);
        assert_eq!(sex_of("zebedee"), Sex::Unknown);
        assert!(Sex::Male.opposite(Sex::Female));
        assert!(!Sex::Male.opposite(Sex::Unknown));
        assert!(!Sex::Female.opposite(Sex::Female));
        assert!(GIVEN_NAME_SEX.len() > 900, "{}", GIVEN_NAME_SEX.len());
    }

    #[test]
    fn tables_parse() {
        assert!(HONORIFIC_WORDS.contains("dr"));
        assert!(COMPANY_SUFFIX_WORDS.iter().any(|f| f == &["gmbh"]));
        assert_eq!(COMPANY_SUFFIX_WORDS[0].len(), 3, "longest form first");
        assert_eq!(STREET_WORDS.get("st"), Some(&"street"));
        assert!(FREEMAIL_DOMAINS.contains("gmail.com"));
    }
}
