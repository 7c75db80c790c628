//! Per-field comparisons: two keys become one agreement level (an index into the kind's
//! `levels`, best first; the last level is "different"). Equal key ids are the exact level and
//! are decided before any of this runs.

use crate::config::dedupe::Comparison;

use super::aliases::{FREEMAIL_DOMAINS, Sex};
use super::keys::Key;
use super::similarity::{jaro_winkler, osa_within, token_set};

/// Jaro-Winkler from which two names are one name typed twice.
const TYPO_JW: f64 = 0.92;
/// Jaro-Winkler from which two names sound or look alike.
const SIMILAR_JW: f64 = 0.85;

/// How alike two different words are: Jaro-Winkler at once, the edit distance (capped at 3)
/// only when a level needs it, each computed at most once.
struct Sim<'s> {
    a: &'s str,
    b: &'s str,
    jw: f64,
    edits: std::cell::Cell<Option<usize>>,
    short: usize,
}

impl<'s> Sim<'s> {
    fn of(a: &'s str, b: &'s str) -> Sim<'s> {
        Sim {
            a,
            b,
            jw: jaro_winkler(a, b),
            edits: std::cell::Cell::new(None),
            short: a.len().min(b.len()),
        }
    }

    fn edits(&self) -> usize {
        if self.short < 4 {
            return 3;
        }
        match self.edits.get() {
            Some(e) => e,
            None => {
                let e = osa_within(self.a, self.b, 2);
                self.edits.set(Some(e));
                e
            }
        }
    }

    /// One word typed twice: Jaro-Winkler 0.92, or one edit in a word of four letters or more.
    fn typo(&self) -> bool {
        self.jw >= TYPO_JW || self.edits() <= 1
    }

    /// Two edits apart in words of four letters or more: two slips, or a slip on a slip (the
    /// same name mistyped differently in two records).
    fn close(&self) -> bool {
        self.edits() <= 2
    }
}

fn typo(a: &str, b: &str) -> bool {
    Sim::of(a, b).typo()
}

fn close(a: &str, b: &str) -> bool {
    Sim::of(a, b).close()
}

/// One side is an initial: of the other name, or of a formal name it stands for (`R.` / `Bob`).
fn initial_of(x: &str, y: &str, y_key: &Key) -> bool {
    x.len() == 1
        && (y.as_bytes().first() == x.as_bytes().first()
            || y_key.canon().as_bytes().first() == x.as_bytes().first())
}

fn aliases(a: &Key, b: &Key) -> bool {
    // One is a nickname of the other, or both stand for one formal name (`Bob`, `Rob`).
    a.groups.iter().any(|g| b.groups.contains(g))
}

/// Two given names that are not aliases and that the alias tables know to be two names, not one
/// name typed twice: both in the nickname table for different formal names (`Tom` / `Tim`,
/// `Robert` / `Roberta`), or one borne by men and the other by women (`John` / `Jane`, `Mark` /
/// `Mary`, `Paul` / `Paula`: `rules/aliases/given_names.tsv`). However alike they look, they
/// disagree, which is the identity gate's veto. Only for pairs that [`aliases`] already refused.
fn known_apart(a: &Key, b: &Key, x: &str, y: &str) -> bool {
    (!a.groups.is_empty() && !b.groups.is_empty())
        || a.sex().opposite(b.sex())
        || feminine_form(a, x, y)
        || feminine_form(b, y, x)
}

/// `y` is a woman's form of the man's name `x` (`Justin` / `Justine`, `Brian` / `Briana`,
/// `Gabriel` / `Gabrielle`, `Paul` / `Pauline`): the census lists behind
/// `rules/aliases/given_names.tsv` hold the man's name but often not the rarer woman's, which
/// left relatives like these merged. Only after a name the table says men bear, so a typo that
/// adds a letter to any other name is still a typo.
fn feminine_form(x_key: &Key, x: &str, y: &str) -> bool {
    const ENDINGS: [&str; 7] = ["a", "e", "le", "ine", "ina", "ette", "elle"];
    x_key.sex() == Sex::Male
        && y.strip_prefix(x)
            .is_some_and(|ending| ENDINGS.contains(&ending))
}

/// One wrong, missing, extra or transposed digit. Equal lengths (the common case) are decided by
/// counting differing positions, without the edit-distance table.
fn one_digit_off(x: &str, y: &str) -> bool {
    if x.len() == y.len() {
        let (xb, yb) = (x.as_bytes(), y.as_bytes());
        let mut diff = [0usize; 3];
        let mut n = 0;
        for i in 0..xb.len() {
            if xb[i] != yb[i] {
                if n == 2 {
                    return false;
                }
                diff[n] = i;
                n += 1;
            }
        }
        return n == 1
            || (n == 2
                && diff[1] == diff[0] + 1
                && xb[diff[0]] == yb[diff[1]]
                && xb[diff[1]] == yb[diff[0]]);
    }
    osa_within(x, y, 1) <= 1
}

/// The level of two different keys (`a.text != b.text`).
pub fn level(compare: Comparison, a: &Key, b: &Key) -> u8 {
    use Comparison as C;
    match compare {
        C::FirstName => {
            let (x, y) = (a.aux(), b.aux());
            if x == y {
                // `Mary Ann` / `Mary`: the given name agrees.
                0
            } else if aliases(a, b) {
                1
            } else if initial_of(x, y, b) || initial_of(y, x, a) {
                3
            } else if known_apart(a, b, x, y) {
                5
            } else {
                let sim = Sim::of(x, y);
                if sim.typo() {
                    2
                } else if (!a.alt().is_empty() && a.alt() == b.alt())
                    || sim.jw >= SIMILAR_JW
                    || sim.close()
                {
                    4
                } else {
                    5
                }
            }
        }
        C::LastName => {
            let sim = Sim::of(a.text(), b.text());
            // A given name in the surname field of both records (both swapped): aliases count.
            if sim.typo() || aliases(a, b) {
                1
            } else if (!a.alt().is_empty() && a.alt() == b.alt())
                || sim.jw >= SIMILAR_JW
                || sim.close()
            {
                2
            } else {
                3
            }
        }
        C::FullName => {
            if a.alt() == b.alt() {
                // The same words in another order (`Smith John`).
                0
            } else if a.canon() == b.canon() && aliases(a, b) {
                1
            } else if typo(a.text(), b.text()) {
                2
            } else if token_set(a.text(), b.text()) >= 0.5
                || jaro_winkler(a.text(), b.text()) >= SIMILAR_JW
            {
                3
            } else {
                4
            }
        }
        C::Email => {
            let free = |k: &Key| FREEMAIL_DOMAINS.contains(k.aux());
            if a.alt() == b.alt() {
                // One local part at a personal and a work domain is one person's pattern; at two
                // employers' domains it is two mailboxes of two employers (namesakes).
                if free(a) || free(b) { 1 } else { 3 }
            } else if a.aux() == b.aux()
                && (a.canon() == b.canon()
                    // `iris.clark48` / `iris.clark79` at Gmail: a name plus a number is what
                    // everyone picks there, so only the nickname pattern counts.
                    || (!free(a) && jaro_winkler(a.alt(), b.alt()) >= 0.9))
            {
                2
            } else {
                3
            }
        }
        C::Phone => {
            // One edit in the digits, or one number written without its country code.
            let (x, y) = (a.alt(), b.alt());
            let short = x.len().min(y.len());
            if short >= 7 && (x.ends_with(y) || y.ends_with(x) || one_digit_off(x, y)) {
                1
            } else {
                2
            }
        }
        C::Company => {
            if a.alt() == b.alt()
                || token_set(a.text(), b.text()) >= 0.67
                || jaro_winkler(a.text(), b.text()) >= TYPO_JW
            {
                1
            } else {
                2
            }
        }
        C::Domain | C::Exact => 1,
        C::Address => {
            if a.alt() == b.alt() {
                0
            } else {
                let s = token_set(a.text(), b.text());
                if s >= 0.75 {
                    1
                } else if s >= 0.4 {
                    2
                } else {
                    3
                }
            }
        }
        C::City | C::Text => {
            if jaro_winkler(a.text(), b.text()) >= 0.9 {
                1
            } else {
                2
            }
        }
        C::Postcode | C::Id => {
            if a.text().len().min(b.text().len()) >= 3 && osa_within(a.text(), b.text(), 1) <= 1 {
                1
            } else {
                2
            }
        }
        C::Date => {
            let (x, y) = (a.date(), b.date());
            let (ya, ma, da) = (x / 10_000, x / 100 % 100, x % 100);
            let (yb, mb, db) = (y / 10_000, y / 100 % 100, y % 100);
            if ya == yb && ma == db && da == mb {
                1
            } else {
                let same = usize::from(ya == yb) + usize::from(ma == mb) + usize::from(da == db);
                let year_typo = ya != yb && osa_within(&ya.to_string(), &yb.to_string(), 1) <= 1;
                if same == 2 && (ya == yb || year_typo) {
                    2
                } else {
                    3
                }
            }
        }
    }
}

/// Swapped names: a first name (`first`, from the first-name field) against the value another
/// record holds in its last-name field. Gives a first-name level (exact, alias, typo, initial),
/// or none when they do not agree that well.
pub fn cross_first(first: &Key, other: &Key) -> Option<u8> {
    let x = first.aux();
    let y = other.text();
    if x == y {
        Some(0)
    } else if aliases(first, other) {
        Some(1)
    } else if known_apart(first, other, x, y) {
        None
    } else if typo(x, y) {
        Some(2)
    } else if initial_of(x, y, other) || initial_of(y, x, first) {
        Some(3)
    } else if close(x, y) {
        Some(4)
    } else {
        None
    }
}

/// Swapped names: a last name against the value another record holds in its first-name field.
/// Gives a last-name level (exact, typo), or none.
pub fn cross_last(last: &Key, other: &Key) -> Option<u8> {
    let y = other.text().replace(' ', "");
    if *last.text() == *y {
        Some(0)
    } else if typo(last.text(), &y) || aliases(last, other) {
        // `Alex` in the last-name field against `Alexander`: the same given name.
        Some(1)
    } else if close(last.text(), &y)
        || initial_of(last.text(), &y, other)
        || initial_of(&y, last.text(), last)
    {
        Some(2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedupe::keys::key_of;

    fn lvl(compare: Comparison, a: &str, b: &str) -> &'static str {
        let (ka, kb) = (key_of(compare, a).unwrap(), key_of(compare, b).unwrap());
        let l = if ka.text() == kb.text() {
            0
        } else {
            level(compare, &ka, &kb)
        };
        compare.levels()[l as usize]
    }

    #[test]
    fn first_names() {
        use Comparison::FirstName as F;
        assert_eq!(lvl(F, "Bob", "Robert"), "alias");
        assert_eq!(lvl(F, "Peggy", "Margaret"), "alias");
        assert_eq!(lvl(F, "Bill", "William"), "alias");
        assert_eq!(lvl(F, "Jonathon", "Jonathan"), "typo");
        assert_eq!(lvl(F, "J.", "John"), "initial");
        assert_eq!(lvl(F, "R.", "Bob"), "initial", "initial of the formal name");
        assert_eq!(lvl(F, "Smion", "Simol"), "phonetic", "two slips");
        assert_eq!(lvl(F, "Mary Ann", "Mary"), "exact");
        assert_eq!(lvl(F, "Samuel", "Samantha"), "different");
        assert_eq!(lvl(F, "Alice", "Zoe"), "different");
        assert_eq!(lvl(F, "José", "JOSE"), "exact");
    }

    /// Two known given names are two people however alike they look: the nickname table holds
    /// both for different formal names, or one is borne by men and the other by women.
    #[test]
    fn different_known_given_names_disagree() {
        use Comparison::FirstName as F;
        for (a, b) in [
            ("John", "Jane"),
            ("Tom", "Tim"),
            ("Mark", "Mary"),
            ("Eric", "Erica"),
            ("Daniel", "Danielle"),
            ("Paul", "Paula"),
            ("Robert", "Roberta"),
            ("Francis", "Frances"),
            ("Alexander", "Alexandra"),
            ("Juan", "Juana"),
            // Women's forms the census list is too small to hold.
            ("Justin", "Justine"),
            ("Brian", "Briana"),
            ("Gabriel", "Gabriela"),
            ("Gabriel", "Gabrielle"),
            ("Paul", "Pauline"),
        ] {
            assert_eq!(lvl(F, a, b), "different", "{a} / {b}");
            assert_eq!(lvl(F, b, a), "different", "{b} / {a}");
        }
        // Spelling variants, typos, nicknames and initials still agree.
        assert_eq!(lvl(F, "Micheal", "Michael"), "typo");
        assert_eq!(lvl(F, "Jonathon", "Jonathan"), "typo");
        assert_eq!(lvl(F, "Carl", "Karl"), "typo");
        assert_eq!(lvl(F, "Sara", "Sarah"), "alias");
        assert_eq!(lvl(F, "Katharine", "Katherine"), "alias");
        assert_eq!(lvl(F, "Jon", "John"), "alias");
        assert_eq!(lvl(F, "Ann", "Anne"), "alias");
        assert_eq!(lvl(F, "Chris", "Christine"), "alias");
        assert_eq!(lvl(F, "Alex", "Alexandra"), "alias");
        assert_eq!(lvl(F, "J.", "Jane"), "initial");
        assert_eq!(lvl(F, "Mary Ann", "Mary"), "exact");
        // One name the tables do not know: looks decide, as before.
        assert_eq!(lvl(F, "Jhon", "John"), "typo");
        assert_eq!(lvl(F, "Smion", "Simol"), "phonetic");
    }

    #[test]
    fn swapped_names_respect_known_given_names() {
        let first = |s| key_of(Comparison::FirstName, s).unwrap();
        let last = |s| key_of(Comparison::LastName, s).unwrap();
        assert_eq!(cross_first(&first("Jane"), &last("John")), None);
        assert_eq!(cross_first(&first("Tim"), &last("Tom")), None);
        assert_eq!(cross_first(&first("John"), &last("John")), Some(0));
        assert_eq!(cross_first(&first("Bob"), &last("Robert")), Some(1));
    }

    #[test]
    fn emails_phones_companies() {
        use Comparison as C;
        assert_eq!(
            lvl(C::Email, "bob.smith@acme.com", "robert.smith@acme.com"),
            "similar"
        );
        assert_eq!(lvl(C::Email, "ann@acme.com", "ann@gmail.com"), "same_local");
        assert_eq!(
            lvl(C::Email, "ann@acme.com", "ann@globex.com"),
            "different",
            "two employers"
        );
        assert_eq!(
            lvl(C::Email, "iris.clark48@gmail.com", "iris.clark79@gmail.com"),
            "different"
        );
        assert_eq!(
            lvl(C::Email, "john.smith@acme.com", "jon.smith@acme.com"),
            "similar"
        );
        assert_eq!(lvl(C::Email, "ann@acme.com", "zed@acme.com"), "different");
        assert_eq!(lvl(C::Phone, "4155551234", "4155551243"), "typo");
        assert_eq!(lvl(C::Phone, "4155551234", "14155551234"), "typo");
        assert_eq!(lvl(C::Phone, "4155551234", "2125550000"), "different");
        assert_eq!(lvl(C::Phone, "4155551234", "4155551934"), "typo");
        assert_eq!(
            lvl(C::Phone, "4155551234", "415555123"),
            "typo",
            "a digit missing"
        );
        assert_eq!(
            lvl(C::Phone, "4155551234", "4155559934"),
            "different",
            "two digits"
        );
        assert_eq!(lvl(C::Company, "Acme Inc.", "ACME"), "exact");
        assert_eq!(
            lvl(C::Company, "Summit Payments", "Summit Paymnets"),
            "similar"
        );
        assert_eq!(
            lvl(C::Company, "Summit Payments", "Cedar Analytics"),
            "different"
        );
    }

    #[test]
    fn dates_ids_addresses() {
        use Comparison as C;
        assert_eq!(lvl(C::Date, "19560409", "19560904"), "swapped");
        assert_eq!(lvl(C::Date, "19560409", "19570409"), "typo");
        assert_eq!(lvl(C::Date, "19560409", "19560419"), "typo");
        assert_eq!(lvl(C::Date, "19560409", "19801212"), "different");
        assert_eq!(lvl(C::Id, "1234567", "1234576"), "typo");
        assert_eq!(lvl(C::Id, "1234567", "7654321"), "different");
        assert_eq!(lvl(C::Address, "12 Main St", "Main Street 12"), "exact");
        assert_eq!(
            lvl(C::Address, "12 Main St Apt 4", "12 Main Street"),
            "similar"
        );
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;
    use crate::dedupe::keys::key_of;

    proptest! {
        /// Bad data never crashes: any two cells (accents, emoji, control characters, long
        /// values) give a level of the kind, or no key at all.
        #[test]
        fn any_two_cells_compare_without_panicking(a in "\\PC{0,40}", b in "\\PC{0,40}") {
            for &c in Comparison::ALL {
                let (Some(ka), Some(kb)) = (key_of(c, &a), key_of(c, &b)) else {
                    continue;
                };
                if ka.text() != kb.text() {
                    let l = level(c, &ka, &kb) as usize;
                    prop_assert!(l < c.levels().len());
                }
                let _ = cross_first(&ka, &kb);
                let _ = cross_last(&ka, &kb);
            }
        }

        /// Comparisons are symmetric: the order of the two records does not change the level.
        #[test]
        fn levels_are_symmetric(a in "[a-zA-Z .'-]{1,12}", b in "[a-zA-Z .'-]{1,12}") {
            for &c in Comparison::ALL {
                if let (Some(ka), Some(kb)) = (key_of(c, &a), key_of(c, &b))
                    && ka.text() != kb.text()
                {
                    prop_assert_eq!(level(c, &ka, &kb), level(c, &kb, &ka), "{:?}", c);
                }
            }
        }
    }
}
