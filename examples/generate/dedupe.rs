//! `--dedupe-truth`: labelled contacts for measuring duplicate detection.
//!
//! Writes `DIR/contacts.csv` with N rows and an `entity_id` column naming the person each row
//! is. About one entity in five is entered more than once (2 to 4 rows); every extra row copies
//! the entity's first row and then suffers one to three corruptions drawn from: a typo in the
//! first or last name, a nickname (Bob for Robert), first and last names swapped, the first name
//! cut to an initial, missing e-mail/phone/company/city, an e-mail variant (case, Gmail dots and
//! +tag, a personal address, the nickname's address at work), the phone in another style or
//! with one wrong digit, and the company's legal form changed or dropped.
//!
//! Hard negatives, each labelled as distinct entities: namesakes (same first and last name, at
//! another company, with their own e-mail and phone), family members (same last name and home
//! phone and city, another first name, their own personal e-mail; for half of those whose
//! relative's name has one, a look-alike of it: Roberta for Robert, Timothy for Thomas) and
//! colleagues (one company, its switchboard number as everyone's phone, e-mails at one domain).
//!
//! Surnames: the demo's list plus generated ones (syllable pairs), so a large file has the
//! spread of surnames a real CRM has rather than a few thousand people per surname.
//! Deterministic for a seed; rows are shuffled so duplicates are not adjacent.

use std::io;
use std::path::Path;

use super::{
    CITIES, CITY_W, CO_NOUN, CO_PREFIX, COUNTRIES, Csv, D_START, FIRST, LAST, Rng, c, date, lower,
    mix64, phone_canonical, phone_style, phone_sub, q, s, u,
};

const T_TRUTH: u64 = 90;

const SYL_A: &[&str] = &[
    "Ash", "Black", "Brad", "Brook", "Cal", "Cart", "Clay", "Craw", "Dal", "Dun", "Ell", "Fair",
    "Fern", "Gar", "Glad", "Hal", "Hart", "Hay", "Holl", "Kings", "Lang", "Lind", "Mar", "Mid",
    "Mor", "North", "Oak", "Pem", "Ray", "Red", "Rush", "Sand", "Shel", "Stan", "Stock", "Thorn",
    "Wal", "Wes", "Whit", "Wood", "Ather", "Bar", "Bel", "Bran", "Cas", "Cor", "Dor", "Edge",
    "Fal", "Gil", "Har", "Kel", "Lock", "Mal", "Net", "Pen", "Quin", "Ros", "Sal", "Tal",
];
const SYL_B: &[&str] = &[
    "ford", "ley", "ton", "wood", "field", "well", "by", "ridge", "worth", "man", "son", "ham",
    "er", "den", "stone", "brook", "land", "mont", "ing", "hurst", "combe", "dale", "gate", "holt",
    "more", "shaw", "thorpe", "wick", "bury", "cott",
];
/// First names of the generator's list with a look-alike borne by another person (and its
/// nickname): the first names of family hard negatives that look like one name typed twice.
const LOOK_ALIKES: &[(&str, &str, &str)] = &[
    ("Robert", "Roberta", ""),
    ("Daniel", "Danielle", ""),
    ("Samuel", "Samantha", "Sam"),
    ("Alexander", "Alexandra", "Alex"),
    ("Christopher", "Christina", "Tina"),
    ("Christina", "Christopher", "Chris"),
    ("Patricia", "Patrick", "Pat"),
    ("Michael", "Michelle", ""),
    ("Victoria", "Victor", ""),
    ("Joseph", "Josephine", ""),
    ("Nicholas", "Nicole", ""),
    ("Thomas", "Timothy", "Tim"),
    ("Timothy", "Thomas", "Tom"),
    ("Olivia", "Oliver", ""),
    ("Carlos", "Carla", ""),
    ("Lucas", "Lucia", ""),
    ("Frederick", "Frederica", ""),
    ("Theodore", "Theodora", ""),
];
const FORMS: &[&str] = &["Inc.", "LLC", "Ltd", "GmbH", "Corp.", "Group", "Co."];
const FREEMAIL: &[&str] = &["gmail.com", "yahoo.com", "outlook.com", "hotmail.com"];

/// A person as entered first.
struct Entity {
    first: &'static str,
    nick: &'static str,
    last: String,
    company: u64,
    city: usize,
    /// Personal address at a free-mail domain instead of a work address.
    personal: Option<(&'static str, u64)>,
    phone: u64,
    /// The company's switchboard replaces the direct line.
    switchboard: bool,
    has_phone: bool,
    has_company: bool,
    created: i64,
}

fn surname(r: &mut Rng) -> String {
    if r.chance(400) {
        LAST[r.below(LAST.len() as u64) as usize].0.to_string()
    } else {
        format!("{}{}", r.pick(SYL_A), r.pick(SYL_B))
    }
}

fn ascii_lower(v: &str) -> String {
    // Display names may carry accents (Müller); addresses use the ASCII form of the demo list.
    for (display, ascii) in LAST {
        if *display == v {
            return ascii.to_string();
        }
    }
    v.to_ascii_lowercase()
}

fn entity(seed: u64, e: u64, companies: u64) -> Entity {
    let mut r = Rng::new(seed, T_TRUTH, e);
    let (first, nick) = FIRST[r.below(FIRST.len() as u64) as usize];
    let last = surname(&mut r);
    let company = r.below(companies);
    // A company's contacts live where the company is.
    let mut rc = Rng::new(seed, T_TRUTH + 1, company);
    let city = rc.weighted(CITY_W);
    let personal = r.chance(150).then(|| (r.pick(FREEMAIL), r.below(90) + 10));
    Entity {
        first,
        nick,
        last,
        company,
        city,
        personal,
        phone: phone_sub(&mut r, &CITIES[city]),
        switchboard: company.is_multiple_of(10),
        has_phone: r.chance(900),
        has_company: r.chance(960),
        created: r.range(D_START, D_START + 500),
    }
}

fn company_name(b: &mut Vec<u8>, ci: u64, form: Option<&str>) {
    let p = CO_PREFIX.len() as u64;
    let n = CO_NOUN.len() as u64;
    s(b, CO_PREFIX[(ci % p) as usize]);
    b.push(b' ');
    s(b, CO_NOUN[((ci / p) % n) as usize].0);
    let block = ci / (p * n);
    if block > 0 {
        b.push(b' ');
        u(b, block + 1);
    }
    if let Some(f) = form {
        b.push(b' ');
        s(b, f);
    }
}

fn company_form(ci: u64) -> &'static str {
    FORMS[(mix64(ci ^ 0xF0) % FORMS.len() as u64) as usize]
}

fn domain(b: &mut Vec<u8>, ci: u64) {
    let p = CO_PREFIX.len() as u64;
    let n = CO_NOUN.len() as u64;
    lower(b, CO_PREFIX[(ci % p) as usize]);
    lower(b, CO_NOUN[((ci / p) % n) as usize].0);
    let block = ci / (p * n);
    if block > 0 {
        u(b, block + 1);
    }
    s(b, ".com");
}

/// One edit: insert, delete, substitute or transpose a letter (never the first, where people
/// rarely slip).
fn typo(r: &mut Rng, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return word.to_string();
    }
    let at = 1 + r.below(chars.len() as u64 - 1) as usize;
    let letter = (b'a' + r.below(26) as u8) as char;
    match r.below(4) {
        0 => chars.insert(at, letter),
        1 => {
            chars.remove(at);
        }
        2 => chars[at] = letter,
        _ => {
            if at + 1 < chars.len() {
                chars.swap(at, at + 1);
            } else {
                chars.swap(at - 1, at);
            }
        }
    }
    chars.into_iter().collect()
}

#[derive(Default, Clone, Copy)]
struct Corruption {
    first_typo: bool,
    last_typo: bool,
    nickname: bool,
    swapped: bool,
    initial: bool,
    no_email: bool,
    no_phone: bool,
    no_company: bool,
    no_city: bool,
    email_variant: Option<u64>,
    phone_style: Option<u64>,
    phone_typo: bool,
    company_variant: Option<u64>,
}

fn corruption(r: &mut Rng, e: &Entity) -> Corruption {
    let mut k = Corruption {
        // Re-entered numbers come in whatever style the person typed.
        phone_style: r.chance(600).then(|| r.below(4)),
        ..Corruption::default()
    };
    let count = 1 + r.below(3);
    for _ in 0..count {
        match r.below(12) {
            0 => k.first_typo = true,
            1 => k.last_typo = true,
            2 if !e.nick.is_empty() => k.nickname = true,
            2 => k.first_typo = true,
            3 => k.swapped = true,
            4 => k.initial = true,
            5 => match r.below(4) {
                0 => k.no_email = true,
                1 => k.no_phone = true,
                2 => k.no_company = true,
                _ => k.no_city = true,
            },
            6 | 7 => k.email_variant = Some(r.below(4)),
            8 => k.phone_typo = true,
            9 | 10 => k.company_variant = Some(r.below(3)),
            _ => k.no_email = true,
        }
    }
    // Someone entered twice keeps enough to be recognised by a person reading both rows: never
    // a new e-mail and no phone and no company at once.
    if k.no_phone && (k.no_email || k.email_variant.is_some()) {
        k.no_phone = false;
    }
    k
}

/// Writes one row: `variant` 0 is the entity's first entry, others are corrupted copies.
#[allow(clippy::too_many_arguments)]
fn row(
    b: &mut Vec<u8>,
    id: u64,
    e: &Entity,
    label: u64,
    k: Corruption,
    r: &mut Rng,
    seed: u64,
    switchboards: &dyn Fn(u64) -> u64,
) {
    u(b, id);
    c(b);
    let mut first = if k.nickname {
        e.nick.to_string()
    } else {
        e.first.to_string()
    };
    if k.first_typo {
        first = typo(r, &first);
    }
    if k.initial {
        first = format!("{}.", &first[..1]);
    }
    let mut last = e.last.clone();
    if k.last_typo {
        last = typo(r, &last);
    }
    let (f, l) = if k.swapped {
        (&last, &first)
    } else {
        (&first, &last)
    };
    q(b, f);
    c(b);
    q(b, l);
    c(b);
    if !k.no_email {
        let mail_first = if k.nickname { e.nick } else { e.first };
        let local = |b: &mut Vec<u8>, name: &str| {
            lower(b, name);
            b.push(b'.');
            s(b, &ascii_lower(&e.last));
        };
        match (k.email_variant, e.personal) {
            // Upper case, as some forms store it.
            (Some(0), _) => {
                let mut tmp = Vec::new();
                local(&mut tmp, e.first);
                tmp.push(b'@');
                match e.personal {
                    Some((d, _)) => s(&mut tmp, d),
                    None => domain(&mut tmp, e.company),
                }
                b.extend(tmp.iter().map(|x| x.to_ascii_uppercase()));
            }
            // A personal address: a new mailbox the matcher cannot tie by e-mail.
            (Some(1), _) => {
                lower(b, e.first);
                s(b, &ascii_lower(&e.last));
                u(b, r.below(90) + 10);
                b.push(b'@');
                s(b, FREEMAIL[(label % 4) as usize]);
            }
            // Gmail: dots dropped and a +tag added, same mailbox.
            (Some(2), Some(("gmail.com", n))) => {
                lower(b, e.first);
                s(b, &ascii_lower(&e.last));
                u(b, n);
                s(b, "+crm@gmail.com");
            }
            _ => {
                local(b, mail_first);
                if let Some((d, n)) = e.personal {
                    u(b, n);
                    b.push(b'@');
                    s(b, d);
                } else {
                    b.push(b'@');
                    domain(b, e.company);
                }
            }
        }
    }
    c(b);
    let city = &CITIES[e.city];
    if e.has_phone && !k.no_phone {
        let mut sub = if e.switchboard {
            switchboards(e.company)
        } else {
            e.phone
        };
        if k.phone_typo {
            // One digit off (keeping the number valid: never the first digit).
            let digit = 10u64.pow(r.below(5) as u32);
            let d = sub / digit % 10;
            sub = sub - d * digit + ((d + 1 + r.below(8)) % 10) * digit;
        }
        match k.phone_style {
            Some(v) => phone_style(b, city, sub, v),
            None => phone_canonical(b, city, sub),
        }
    }
    c(b);
    if e.has_company && !k.no_company {
        let mut name = Vec::new();
        match k.company_variant {
            Some(0) => company_name(&mut name, e.company, None),
            Some(1) => {
                let mut tmp = Vec::new();
                company_name(&mut tmp, e.company, Some(company_form(e.company)));
                name.extend(tmp.iter().map(|x| x.to_ascii_uppercase()));
            }
            Some(_) => company_name(&mut name, e.company, Some(FORMS[(seed % 7) as usize])),
            None => company_name(&mut name, e.company, Some(company_form(e.company))),
        }
        q(b, std::str::from_utf8(&name).unwrap_or_default());
    }
    c(b);
    if !k.no_city {
        q(b, city.name);
    }
    c(b);
    q(b, COUNTRIES[city.country].0);
    c(b);
    date(b, e.created + r.range(0, 400));
    c(b);
    s(b, "E");
    u(b, label);
}

/// Writes `dir/contacts.csv`: `rows` labelled rows.
pub fn write(dir: &Path, rows: u64, seed: u64) -> io::Result<()> {
    let companies = (rows / 6).max(1);
    // Plan: entities with their number of rows, hard negatives as extra entities.
    #[derive(Clone, Copy)]
    enum Kind {
        Plain,
        /// Same first and last name as entity `.0`, elsewhere.
        Namesake(u64),
        /// Same family as entity `.0`: last name, home phone and city.
        Family(u64),
    }
    let mut plan: Vec<(u64, Kind, u64)> = Vec::new(); // (entity, kind, copies)
    let mut total = 0u64;
    let mut e = 0u64;
    while total < rows {
        let mut r = Rng::new(seed, T_TRUTH + 2, e);
        let p = r.permille();
        let kind = if e > 10 && p < 20 {
            Kind::Namesake(r.below(e))
        } else if e > 10 && p < 35 {
            Kind::Family(r.below(e))
        } else {
            Kind::Plain
        };
        let d = r.permille();
        let copies = if d < 800 {
            1
        } else if d < 930 {
            2
        } else if d < 980 {
            3
        } else {
            4
        };
        let copies = copies.min(rows - total);
        plan.push((e, kind, copies));
        total += copies;
        e += 1;
    }
    // Each row: (entity index in plan, copy number); shuffled so copies are far apart.
    let mut slots: Vec<(u32, u8)> = Vec::with_capacity(rows as usize);
    for (i, &(_, _, copies)) in plan.iter().enumerate() {
        for v in 0..copies {
            slots.push((i as u32, v as u8));
        }
    }
    let mut r = Rng::new(seed, T_TRUTH + 3, 0);
    for i in (1..slots.len()).rev() {
        let j = r.below(i as u64 + 1) as usize;
        slots.swap(i, j);
    }
    let switchboard = |ci: u64| {
        let mut rs = Rng::new(seed, T_TRUTH + 4, ci);
        let mut rc = Rng::new(seed, T_TRUTH + 1, ci);
        let city = rc.weighted(CITY_W);
        phone_sub(&mut rs, &CITIES[city])
    };
    let resolve = |i: usize| -> Entity {
        let (e, kind, _) = plan[i];
        let mut ent = entity(seed, e, companies);
        match kind {
            Kind::Plain => {}
            Kind::Namesake(other) => {
                let o = entity(seed, other, companies);
                ent.first = o.first;
                ent.nick = o.nick;
                ent.last = o.last;
            }
            Kind::Family(other) => {
                let o = entity(seed, other, companies);
                ent.last = o.last;
                ent.city = o.city;
                ent.phone = o.phone;
                ent.has_phone = true;
                ent.switchboard = false;
                ent.personal = Some((FREEMAIL[(e % 4) as usize], e % 90 + 10));
                // The relative of a plain entity: make sure the other one's phone is the home
                // line too, by keeping ours equal to theirs (theirs is fixed by their index).
                // Half the relatives bear a look-alike of the other's first name (John / Jane:
                // the other sex's form, or another formal name a letter or two away).
                let near = LOOK_ALIKES.iter().find(|(f, _, _)| *f == o.first);
                if let Some(&(_, f, n)) = near
                    && mix64(e ^ 0x6A09_E667).is_multiple_of(2)
                {
                    ent.first = f;
                    ent.nick = n;
                } else if ent.first == o.first {
                    let (f, n) = FIRST[(mix64(e) % FIRST.len() as u64) as usize];
                    if f != o.first {
                        ent.first = f;
                        ent.nick = n;
                    }
                }
            }
        }
        ent
    };
    let mut w = Csv::create(
        &dir.join("contacts.csv"),
        "id,first_name,last_name,email,phone,company,city,country,created_at,entity_id",
    )?;
    for (k, &(i, v)) in slots.iter().enumerate() {
        let ent = resolve(i as usize);
        let mut rr = Rng::new(seed, T_TRUTH + 5, k as u64);
        let corr = if v == 0 {
            Corruption::default()
        } else {
            corruption(&mut rr, &ent)
        };
        // The first entry is the oldest; re-entries come later.
        let mut e2 = ent;
        if v > 0 {
            e2.created += 400 + v as i64 * 30;
        }
        let id = 500_000 + k as u64;
        row(
            &mut w.buf,
            id,
            &e2,
            plan[i as usize].0,
            corr,
            &mut rr,
            seed,
            &switchboard,
        );
        w.end_row()?;
    }
    w.finish()
}
