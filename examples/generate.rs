//! Synthetic CRM workspace generator for `crmaudit` benchmarks and fixtures.
//!
//! ```text
//! cargo run --release --example generate -- --rows N --seed S --out DIR \
//!     [--tables contacts,companies,...] [--manifest FILE]
//! rustc --edition 2024 -O examples/generate.rs -o /tmp/generate   # standalone, std only
//! ```
//!
//! Defaults: `--rows 1000 --seed 42`, all tables. Uses only `std` and compiles under every
//! edition (2015 to 2024).
//!
//! Writes the same shape as `fixtures/demo`: `contacts.csv` (HubSpot export labels, 15 columns)
//! plus snake_case `companies`, `leads`, `deals`, `tickets`, `surveys`, `spend`, `subscriptions`,
//! `usage`, `releases`, `incidents`, and a `crmaudit.toml` for the directory.
//!
//! Sizes for N contacts: companies N/5, leads 2N/3, deals 2N/5, tickets 5N/6, surveys 2N/3,
//! subscriptions = companies, usage min(20N/3, 2N + 2000); spend (24 months x 7 channels),
//! releases (16) and incidents (14) have fixed row counts.
//!
//! Determinism: every row is a pure function of (seed, table, row index) through a SplitMix64
//! stream seeded per row, so the same arguments always give byte-identical files, a subset of
//! `--tables` gives the same bytes for those tables, and tables can be written in parallel.
//!
//! Seeded faults (a few per cent each, at most one per row) are the ones the demo documents in
//! `fixtures/demo/PROBLEMS.md`; `--manifest FILE` writes one CSV line per seeded fault
//! (`table,id,problem,column,value,note`) so tests and docs can name the exact rows.
//! Rates per thousand rows:
//!
//! | table     | faults                                                                        |
//! |-----------|-------------------------------------------------------------------------------|
//! | contacts  | exact duplicate 15, fuzzy duplicate 10, invalid e-mail 15, missing e-mail 20, |
//! |           | invalid phone 15, other phone style 40, US spelled otherwise 30 (US rows),    |
//! |           | stale 50, whitespace-padded city 10, `n/a` job title 10                       |
//! | companies | whitespace-padded name 30, `n/a` industry 30                                  |
//! | leads     | created_at typed dd/mm/yyyy or mm/dd/yyyy 50                                  |
//! | deals     | missing amount 25, negative amount 20, close before created 30 (closed),      |
//! |           | orphan account 20, impossible close date 15 (closed), off-picklist stage 20   |
//! | tickets   | status case variant 30, orphan account 15                                     |
//! | surveys   | NPS score outside 0-10 25 (NPS rows)                                          |
//!
//! Duplicates copy an earlier clean row; the first fuzzy duplicate after "Robert Smith" copies
//! him as "Bob Smith". Everything else is consistent: references resolve, closed deals close
//! after creation and by 2024-12-31, phone numbers are valid for their country.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "generate/dedupe.rs"]
mod dedupe;

// ------------------------------------------------------------------------------------------
// Dates (days since 1970-01-01, proleptic Gregorian) and timestamps (seconds since epoch)
// ------------------------------------------------------------------------------------------

const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = (if y >= 0 { y } else { y - 399 }) / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = (if z >= 0 { z } else { z - 146096 }) / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const DAY: i64 = 86_400;
const D_START: i64 = days_from_civil(2023, 1, 1);
const AS_OF: i64 = days_from_civil(2024, 12, 31);

// ------------------------------------------------------------------------------------------
// PRNG: SplitMix64, one stream per (seed, table, row)
// ------------------------------------------------------------------------------------------

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

struct Rng(u64);

impl Rng {
    fn new(seed: u64, table: u64, row: u64) -> Rng {
        let s = mix64(seed ^ 0x5EED_0000_0000_0000)
            ^ mix64(
                table
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .wrapping_add(0x0123_4567),
            )
            ^ row.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng(mix64(s))
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }
    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    /// A business-hours timestamp on a day in lo..=hi.
    fn work_ts(&mut self, lo: i64, hi: i64) -> i64 {
        let day = self.range(lo, hi);
        day * DAY + self.range(8 * 3600, 18 * 3600 + 3599)
    }
    fn permille(&mut self) -> u32 {
        self.below(1000) as u32
    }
    fn chance(&mut self, permille: u32) -> bool {
        self.permille() < permille
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn weighted<T: Copy>(&mut self, xs: &[(T, u32)]) -> T {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(total as u64) as u32;
        for &(v, w) in xs {
            if r < w {
                return v;
            }
            r -= w;
        }
        xs[xs.len() - 1].0
    }
}

// ------------------------------------------------------------------------------------------
// Output helpers (no per-row allocation: everything is pushed into one byte buffer)
// ------------------------------------------------------------------------------------------

struct Csv {
    file: File,
    buf: Vec<u8>,
}

impl Csv {
    fn create(path: &Path, header: &str) -> io::Result<Csv> {
        let mut c = Csv {
            file: File::create(path)?,
            buf: Vec::with_capacity(1 << 21),
        };
        c.buf.extend_from_slice(header.as_bytes());
        c.buf.push(b'\n');
        Ok(c)
    }
    fn end_row(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        if self.buf.len() >= 1 << 20 {
            self.file.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
    fn finish(mut self) -> io::Result<()> {
        self.file.write_all(&self.buf)?;
        self.file.flush()
    }
}

fn s(b: &mut Vec<u8>, v: &str) {
    b.extend_from_slice(v.as_bytes());
}

/// A field that may need CSV quoting.
fn q(b: &mut Vec<u8>, v: &str) {
    if v.bytes()
        .any(|c| c == b',' || c == b'"' || c == b'\n' || c == b'\r')
    {
        b.push(b'"');
        for c in v.bytes() {
            if c == b'"' {
                b.push(b'"');
            }
            b.push(c);
        }
        b.push(b'"');
    } else {
        s(b, v);
    }
}

fn c(b: &mut Vec<u8>) {
    b.push(b',');
}

fn u(b: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    b.extend_from_slice(&tmp[i..]);
}

fn int(b: &mut Vec<u8>, n: i64) {
    if n < 0 {
        b.push(b'-');
    }
    u(b, n.unsigned_abs());
}

fn pad(b: &mut Vec<u8>, n: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut v = n;
    let mut i = tmp.len();
    while v > 0 || tmp.len() - i < width {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    b.extend_from_slice(&tmp[i..]);
}

/// Cents as a decimal with two places: 123456 -> "1234.56".
fn money(b: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        b.push(b'-');
    }
    let a = cents.unsigned_abs();
    u(b, a / 100);
    b.push(b'.');
    pad(b, a % 100, 2);
}

fn date(b: &mut Vec<u8>, day: i64) {
    let (y, m, d) = civil_from_days(day);
    pad(b, y as u64, 4);
    b.push(b'-');
    pad(b, m as u64, 2);
    b.push(b'-');
    pad(b, d as u64, 2);
}

/// `dd/mm/yyyy` or `mm/dd/yyyy`.
fn date_slashed(b: &mut Vec<u8>, day: i64, dmy: bool) {
    let (y, m, d) = civil_from_days(day);
    let (first, second) = if dmy { (d, m) } else { (m, d) };
    pad(b, first as u64, 2);
    b.push(b'/');
    pad(b, second as u64, 2);
    b.push(b'/');
    pad(b, y as u64, 4);
}

/// `yyyy-mm-dd hh:mm` (HubSpot export style).
fn dt_min(b: &mut Vec<u8>, ts: i64) {
    date(b, ts.div_euclid(DAY));
    let sec = ts.rem_euclid(DAY);
    b.push(b' ');
    pad(b, (sec / 3600) as u64, 2);
    b.push(b':');
    pad(b, (sec / 60 % 60) as u64, 2);
}

/// `yyyy-mm-dd hh:mm:ss`.
fn dt_sec(b: &mut Vec<u8>, ts: i64) {
    dt_min(b, ts);
    b.push(b':');
    pad(b, (ts.rem_euclid(60)) as u64, 2);
}

fn lower(b: &mut Vec<u8>, v: &str) {
    for ch in v.bytes() {
        b.push(ch.to_ascii_lowercase());
    }
}

fn upper(b: &mut Vec<u8>, v: &str) {
    for ch in v.bytes() {
        b.push(ch.to_ascii_uppercase());
    }
}

fn manifest(
    m: &mut Vec<u8>,
    table: &str,
    id: &[u8],
    problem: &str,
    column: &str,
    value: &[u8],
    note: &str,
) {
    s(m, table);
    c(m);
    m.extend_from_slice(id);
    c(m);
    s(m, problem);
    c(m);
    q(m, column);
    c(m);
    // value may contain commas or quotes: quote it byte-wise
    let v = String::from_utf8_lossy(value);
    q(m, &v);
    c(m);
    q(m, note);
    m.push(b'\n');
}

// ------------------------------------------------------------------------------------------
// Reference data
// ------------------------------------------------------------------------------------------

/// Formal first names; the second element is the nickname used by fuzzy duplicates ("" = none).
/// Nicknames never appear as base names, so Bob/Robert pairs only come from seeded faults.
const FIRST: &[(&str, &str)] = &[
    ("Robert", "Bob"),
    ("William", "Bill"),
    ("Elizabeth", "Liz"),
    ("Katherine", "Kate"),
    ("Michael", "Mike"),
    ("Jennifer", "Jen"),
    ("James", "Jim"),
    ("Richard", "Rick"),
    ("Thomas", "Tom"),
    ("Margaret", "Maggie"),
    ("Daniel", "Dan"),
    ("Christopher", "Chris"),
    ("Joseph", "Joe"),
    ("Patricia", "Patty"),
    ("Steven", "Steve"),
    ("Andrew", "Andy"),
    ("Alexander", "Alex"),
    ("Jonathan", "Jon"),
    ("Samuel", "Sam"),
    ("Benjamin", "Ben"),
    ("Matthew", "Matt"),
    ("Nicholas", "Nick"),
    ("Anthony", "Tony"),
    ("Susan", "Sue"),
    ("Rebecca", "Becky"),
    ("Deborah", "Debbie"),
    ("Edward", "Ed"),
    ("Victoria", "Vicky"),
    ("Jessica", "Jess"),
    ("Timothy", "Tim"),
    ("Kenneth", "Ken"),
    ("Gregory", "Greg"),
    ("Jacqueline", "Jackie"),
    ("Christina", "Tina"),
    ("Zachary", "Zach"),
    ("Frederick", "Fred"),
    ("Theodore", "Ted"),
    ("Abigail", "Abby"),
    ("Penelope", "Penny"),
    ("Priya", ""),
    ("Wei", ""),
    ("Aisha", ""),
    ("Carlos", ""),
    ("Sofia", ""),
    ("Lucas", ""),
    ("Emma", ""),
    ("Olivia", ""),
    ("Noah", ""),
    ("Liam", ""),
    ("Mia", ""),
    ("Hannah", ""),
    ("Grace", ""),
    ("Chloe", ""),
    ("Ethan", ""),
    ("Mateo", ""),
    ("Yuki", ""),
    ("Hiroshi", ""),
    ("Fatima", ""),
    ("Omar", ""),
    ("Leila", ""),
    ("Ravi", ""),
    ("Anika", ""),
    ("Sven", ""),
    ("Ingrid", ""),
    ("Lars", ""),
    ("Freya", ""),
    ("Marta", ""),
    ("Pablo", ""),
    ("Diego", ""),
    ("Elena", ""),
    ("Ivan", ""),
    ("Nadia", ""),
    ("Tariq", ""),
    ("Zara", ""),
    ("Kofi", ""),
    ("Amara", ""),
    ("Jin", ""),
    ("Aaron", ""),
    ("Brandon", ""),
    ("Caleb", ""),
    ("Derek", ""),
    ("Felix", ""),
    ("Gavin", ""),
    ("Hugo", ""),
    ("Isaac", ""),
    ("Julian", ""),
    ("Kyle", ""),
    ("Marcus", ""),
    ("Nathan", ""),
    ("Oscar", ""),
    ("Quentin", ""),
    ("Raymond", ""),
    ("Simon", ""),
    ("Trevor", ""),
    ("Vincent", ""),
    ("Wesley", ""),
    ("Adrian", ""),
    ("Bianca", ""),
    ("Camila", ""),
    ("Daphne", ""),
    ("Eleanor", ""),
    ("Fiona", ""),
    ("Gemma", ""),
    ("Holly", ""),
    ("Iris", ""),
    ("Kira", ""),
    ("Lauren", ""),
    ("Megan", ""),
    ("Nora", ""),
    ("Paige", ""),
    ("Rachel", ""),
    ("Sarah", ""),
    ("Tessa", ""),
    ("Uma", ""),
    ("Vera", ""),
    ("Wendy", ""),
    ("Yasmin", ""),
    ("Zoe", ""),
];

/// Last names as displayed, and the ASCII form used in e-mail addresses.
const LAST: &[(&str, &str)] = &[
    ("Smith", "smith"),
    ("Johnson", "johnson"),
    ("Williams", "williams"),
    ("Brown", "brown"),
    ("Jones", "jones"),
    ("Garcia", "garcia"),
    ("Miller", "miller"),
    ("Davis", "davis"),
    ("Rodriguez", "rodriguez"),
    ("Martinez", "martinez"),
    ("Hernandez", "hernandez"),
    ("Lopez", "lopez"),
    ("Wilson", "wilson"),
    ("Anderson", "anderson"),
    ("Taylor", "taylor"),
    ("Moore", "moore"),
    ("Jackson", "jackson"),
    ("Martin", "martin"),
    ("Lee", "lee"),
    ("Perez", "perez"),
    ("Thompson", "thompson"),
    ("White", "white"),
    ("Harris", "harris"),
    ("Sanchez", "sanchez"),
    ("Clark", "clark"),
    ("Ramirez", "ramirez"),
    ("Lewis", "lewis"),
    ("Robinson", "robinson"),
    ("Walker", "walker"),
    ("Young", "young"),
    ("Allen", "allen"),
    ("King", "king"),
    ("Wright", "wright"),
    ("Scott", "scott"),
    ("Torres", "torres"),
    ("Nguyen", "nguyen"),
    ("Hill", "hill"),
    ("Flores", "flores"),
    ("Adams", "adams"),
    ("Nelson", "nelson"),
    ("Baker", "baker"),
    ("Hall", "hall"),
    ("Rivera", "rivera"),
    ("Campbell", "campbell"),
    ("Mitchell", "mitchell"),
    ("Carter", "carter"),
    ("Patel", "patel"),
    ("Shah", "shah"),
    ("Kim", "kim"),
    ("Park", "park"),
    ("Chen", "chen"),
    ("Wang", "wang"),
    ("Zhang", "zhang"),
    ("Singh", "singh"),
    ("Kumar", "kumar"),
    ("Tanaka", "tanaka"),
    ("Sato", "sato"),
    ("Müller", "mueller"),
    ("Schmidt", "schmidt"),
    ("Schneider", "schneider"),
    ("Weber", "weber"),
    ("Wagner", "wagner"),
    ("Hoffmann", "hoffmann"),
    ("Dubois", "dubois"),
    ("Moreau", "moreau"),
    ("Lefebvre", "lefebvre"),
    ("Rossi", "rossi"),
    ("Ferrari", "ferrari"),
    ("Esposito", "esposito"),
    ("de Vries", "devries"),
    ("van Dijk", "vandijk"),
    ("Bakker", "bakker"),
    ("Visser", "visser"),
    ("Karlsson", "karlsson"),
    ("Hansen", "hansen"),
    ("O'Brien", "obrien"),
    ("O'Connor", "oconnor"),
    ("Murphy", "murphy"),
    ("Walsh", "walsh"),
    ("Byrne", "byrne"),
    ("Sullivan", "sullivan"),
    ("MacDonald", "macdonald"),
    ("Fraser", "fraser"),
    ("Stewart", "stewart"),
    ("Morrison", "morrison"),
    ("Reid", "reid"),
    ("Cooper", "cooper"),
    ("Ward", "ward"),
    ("Hughes", "hughes"),
    ("Price", "price"),
    ("Bennett", "bennett"),
    ("Wood", "wood"),
    ("Barnes", "barnes"),
    ("Ross", "ross"),
    ("Henderson", "henderson"),
    ("Coleman", "coleman"),
    ("Jenkins", "jenkins"),
    ("Perry", "perry"),
    ("Powell", "powell"),
    ("Patterson", "patterson"),
    ("Butler", "butler"),
    ("Foster", "foster"),
    ("Bryant", "bryant"),
    ("Russell", "russell"),
    ("Griffin", "griffin"),
    ("Diaz", "diaz"),
    ("Hayes", "hayes"),
    ("Myers", "myers"),
    ("Ford", "ford"),
    ("Graham", "graham"),
    ("Wallace", "wallace"),
    ("Cole", "cole"),
    ("Jordan", "jordan"),
    ("Owens", "owens"),
    ("Ellis", "ellis"),
    ("Gibson", "gibson"),
    ("Cruz", "cruz"),
    ("Marshall", "marshall"),
    ("Ortiz", "ortiz"),
    ("Gomez", "gomez"),
    ("Freeman", "freeman"),
    ("Webb", "webb"),
    ("Tucker", "tucker"),
    ("Porter", "porter"),
    ("Hunter", "hunter"),
    ("Crawford", "crawford"),
    ("Boyd", "boyd"),
    ("Mason", "mason"),
    ("Kennedy", "kennedy"),
    ("Warren", "warren"),
    ("Dixon", "dixon"),
    ("Burns", "burns"),
    ("Gordon", "gordon"),
    ("Shaw", "shaw"),
    ("Holmes", "holmes"),
    ("Black", "black"),
    ("Palmer", "palmer"),
    ("Grant", "grant"),
    ("Knight", "knight"),
    ("Ferguson", "ferguson"),
    ("Stone", "stone"),
    ("Hawkins", "hawkins"),
    ("Dunn", "dunn"),
    ("Hudson", "hudson"),
    ("Spencer", "spencer"),
    ("Gardner", "gardner"),
    ("Payne", "payne"),
    ("Pierce", "pierce"),
    ("Arnold", "arnold"),
    ("Willis", "willis"),
    ("Watkins", "watkins"),
    ("Olson", "olson"),
    ("Duncan", "duncan"),
    ("Snyder", "snyder"),
    ("Cunningham", "cunningham"),
    ("Bradley", "bradley"),
    ("Ruiz", "ruiz"),
    ("Harper", "harper"),
    ("Riley", "riley"),
    ("Armstrong", "armstrong"),
    ("Weaver", "weaver"),
    ("Elliott", "elliott"),
    ("Chavez", "chavez"),
    ("Austin", "austin"),
    ("Franklin", "franklin"),
    ("Lawson", "lawson"),
];

const CO_PREFIX: &[&str] = &[
    "Northwind",
    "Bluefin",
    "Cedar",
    "Summit",
    "Harbor",
    "Ironwood",
    "Silverline",
    "Brightpath",
    "Evergreen",
    "Redstone",
    "Lakeshore",
    "Copperleaf",
    "Granite",
    "Skyward",
    "Riverbend",
    "Oakridge",
    "Starling",
    "Pinecrest",
    "Westgate",
    "Meridian",
    "Atlas",
    "Beacon",
    "Cobalt",
    "Driftwood",
    "Ember",
    "Fairview",
    "Glacier",
    "Highland",
    "Juniper",
    "Keystone",
    "Lumen",
    "Maple",
    "Nimbus",
    "Orchard",
    "Prairie",
    "Quarry",
    "Rockport",
    "Sequoia",
    "Tidewater",
    "Upland",
    "Vantage",
    "Willow",
    "Yellowstone",
    "Zephyr",
    "Aspen",
    "Birchwood",
    "Crescent",
    "Dover",
    "Eastwind",
    "Foxglove",
    "Goldcrest",
    "Hawthorn",
    "Inlet",
    "Jasper",
    "Kestrel",
    "Larkspur",
    "Mosaic",
    "Northstar",
    "Onyx",
    "Pioneer",
    "Quill",
    "Radiant",
    "Sparrow",
    "Thornbury",
    "Unity",
    "Verdant",
    "Wavecrest",
    "Alder",
    "Bramble",
    "Canopy",
    "Dunmore",
    "Elmstead",
    "Falcon",
    "Greystone",
    "Hollis",
    "Ivory",
    "Kingsley",
    "Lantern",
    "Monarch",
];

const CO_NOUN: &[(&str, &str)] = &[
    ("Analytics", "Software"),
    ("Logistics", "Transportation"),
    ("Health", "Healthcare"),
    ("Software", "Software"),
    ("Robotics", "Manufacturing"),
    ("Foods", "Food & Beverage"),
    ("Capital", "Financial Services"),
    ("Energy", "Energy"),
    ("Labs", "Biotechnology"),
    ("Systems", "Information Technology"),
    ("Media", "Media"),
    ("Retail", "Retail"),
    ("Builders", "Construction"),
    ("Insurance", "Insurance"),
    ("Consulting", "Professional Services"),
    ("Telecom", "Telecommunications"),
    ("Pharma", "Pharmaceuticals"),
    ("Motors", "Automotive"),
    ("Learning", "Education"),
    ("Security", "Computer & Network Security"),
    ("Cloud", "Information Technology"),
    ("Payments", "Financial Services"),
    ("Apparel", "Apparel & Fashion"),
    ("Hospitality", "Hospitality"),
    ("Freight", "Transportation"),
    ("Dynamics", "Manufacturing"),
    ("Networks", "Telecommunications"),
    ("Data", "Software"),
    ("Clinics", "Healthcare"),
    ("Properties", "Real Estate"),
    ("Outfitters", "Retail"),
    ("Marine", "Maritime"),
    ("Aerospace", "Aviation & Aerospace"),
    ("Brewing", "Food & Beverage"),
    ("Studios", "Media"),
    ("Partners", "Professional Services"),
    ("Ventures", "Venture Capital"),
    ("Solar", "Renewables"),
    ("Materials", "Chemicals"),
    ("Devices", "Medical Devices"),
];

struct City {
    name: &'static str,
    state: &'static str,
    country: usize,
    /// Country calling code and area code.
    cc: &'static str,
    area: &'static str,
    /// Digit groups of the subscriber number in the canonical written form.
    groups: &'static [usize],
    /// Allowed first digits of the subscriber number.
    first: &'static [u8],
}

const COUNTRIES: &[(&str, &str, &[&str])] = &[
    // (canonical name, domain tld, legal forms)
    (
        "United States",
        ".com",
        &["", " Inc.", ", Inc.", " LLC", " Corp."],
    ),
    ("Canada", ".ca", &["", " Inc.", " Ltd."]),
    ("United Kingdom", ".co.uk", &[" Ltd", "", " plc"]),
    ("Germany", ".de", &[" GmbH", " AG"]),
    ("France", ".fr", &[" SAS", " SA"]),
    ("Australia", ".com.au", &[" Pty Ltd", ""]),
    ("Netherlands", ".nl", &[" B.V.", ""]),
];
const US: usize = 0;

// Numbers are checked valid with the `phonenumber` crate (0.3.10): it rejects national numbers
// that start with 1 after the country code (Paris +33 1, Manchester +44 161, Rotterdam +31 10),
// so the cities below avoid those areas.
const D29: &[u8] = b"23456789";
const CITIES: &[City] = &[
    City {
        name: "Boston",
        state: "MA",
        country: US,
        cc: "1",
        area: "617",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "New York",
        state: "NY",
        country: US,
        cc: "1",
        area: "212",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "San Francisco",
        state: "CA",
        country: US,
        cc: "1",
        area: "415",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Chicago",
        state: "IL",
        country: US,
        cc: "1",
        area: "312",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Austin",
        state: "TX",
        country: US,
        cc: "1",
        area: "512",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Seattle",
        state: "WA",
        country: US,
        cc: "1",
        area: "206",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Denver",
        state: "CO",
        country: US,
        cc: "1",
        area: "303",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Atlanta",
        state: "GA",
        country: US,
        cc: "1",
        area: "404",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Los Angeles",
        state: "CA",
        country: US,
        cc: "1",
        area: "213",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Philadelphia",
        state: "PA",
        country: US,
        cc: "1",
        area: "215",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Toronto",
        state: "ON",
        country: 1,
        cc: "1",
        area: "416",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "Vancouver",
        state: "BC",
        country: 1,
        cc: "1",
        area: "604",
        groups: &[3, 4],
        first: D29,
    },
    City {
        name: "London",
        state: "",
        country: 2,
        cc: "44",
        area: "20",
        groups: &[4, 4],
        first: b"378",
    },
    City {
        name: "Cardiff",
        state: "",
        country: 2,
        cc: "44",
        area: "29",
        groups: &[4, 4],
        first: b"2",
    },
    City {
        name: "Berlin",
        state: "",
        country: 3,
        cc: "49",
        area: "30",
        groups: &[8],
        first: D29,
    },
    City {
        name: "Munich",
        state: "",
        country: 3,
        cc: "49",
        area: "89",
        groups: &[8],
        first: D29,
    },
    City {
        name: "Lyon",
        state: "",
        country: 4,
        cc: "33",
        area: "4",
        groups: &[2, 2, 2, 2],
        first: b"7",
    },
    City {
        name: "Sydney",
        state: "NSW",
        country: 5,
        cc: "61",
        area: "2",
        groups: &[4, 4],
        first: b"89",
    },
    City {
        name: "Melbourne",
        state: "VIC",
        country: 5,
        cc: "61",
        area: "3",
        groups: &[4, 4],
        first: b"9",
    },
    City {
        name: "Amsterdam",
        state: "",
        country: 6,
        cc: "31",
        area: "20",
        groups: &[3, 4],
        first: D29,
    },
];

/// City weights: about 60 % US, 8 % Canada, 12 % UK, 8 % Germany, 4 % France, 4 % Australia,
/// 4 % Netherlands.
const CITY_W: &[(usize, u32)] = &[
    (0, 8),
    (1, 8),
    (2, 7),
    (3, 6),
    (4, 6),
    (5, 6),
    (6, 5),
    (7, 5),
    (8, 5),
    (9, 4),
    (10, 5),
    (11, 3),
    (12, 8),
    (13, 4),
    (14, 5),
    (15, 3),
    (16, 4),
    (17, 2),
    (18, 2),
    (19, 4),
];

const US_VARIANTS: &[&str] = &[
    "USA",
    "US",
    "U.S.",
    "united states",
    "United States of America",
];

const TITLES: &[&str] = &[
    "VP of Sales",
    "Head of Marketing",
    "Sales Operations Manager",
    "CFO",
    "CTO",
    "Account Executive",
    "Marketing Manager",
    "Customer Success Manager",
    "Director of Operations",
    "Data Analyst",
    "Software Engineer",
    "Product Manager",
    "CEO",
    "RevOps Lead",
    "Procurement Manager",
    "IT Director",
    "Office Manager",
    "Finance Director",
];

const LIFECYCLE: &[(&str, u32)] = &[
    ("Subscriber", 5),
    ("Lead", 25),
    ("Marketing Qualified Lead", 14),
    ("Sales Qualified Lead", 10),
    ("Opportunity", 10),
    ("Customer", 31),
    ("Evangelist", 2),
    ("Other", 3),
];

/// Sales reps: id used in snake_case tables, display name used by the HubSpot export.
const OWNERS: &[(&str, &str)] = &[
    ("U-101", "Sarah Chen"),
    ("U-102", "Marcus Reed"),
    ("U-103", "Priya Nair"),
    ("U-104", "Tom Becker"),
    ("U-105", "Laura Schmidt"),
    ("U-106", "Diego Alvarez"),
    ("U-107", "Hannah Okafor"),
    ("U-108", "Kevin Walsh"),
];

const LEAD_SOURCES: &[&str] = &[
    "Website",
    "Webinar",
    "Referral",
    "Paid Search",
    "LinkedIn",
    "Trade Show",
    "Outbound",
    "Partner",
];

// ------------------------------------------------------------------------------------------
// Workspace sizes and table tags
// ------------------------------------------------------------------------------------------

const T_CONTACTS: u64 = 1;
const T_COMPANIES: u64 = 2;
const T_LEADS: u64 = 3;
const T_DEALS: u64 = 4;
const T_TICKETS: u64 = 5;
const T_SURVEYS: u64 = 6;
const T_SPEND: u64 = 7;
const T_SUBS: u64 = 8;
const T_USAGE: u64 = 9;
const T_RELEASES: u64 = 10;
const T_INCIDENTS: u64 = 11;

const ALL_TABLES: &[&str] = &[
    "contacts",
    "companies",
    "leads",
    "deals",
    "tickets",
    "surveys",
    "spend",
    "subscriptions",
    "usage",
    "releases",
    "incidents",
];

struct Ctx {
    seed: u64,
    /// Contact rows are laid out through a permutation `slot = (k * pmul + poff) mod contacts`;
    /// consecutive slots belong to the same company and get distinct first and last names.
    pmul: u64,
    poff: u64,
    /// Multiplier of the last-name sequence (see `name_of_slot`).
    lmul: u64,
    /// (row of the first fuzzy duplicate after Robert Smith, row of Robert Smith): that fuzzy
    /// duplicate copies Robert Smith, so every workspace has the classic Bob/Robert pair.
    showcase: Option<(u64, u64)>,
    /// Rows of the first country-variant faults: they use the variants in list order, so even a
    /// small workspace shows "USA", "US", "U.S." ... side by side.
    first_country_variants: Vec<u64>,
    contacts: u64,
    companies: u64,
    leads: u64,
    deals: u64,
    tickets: u64,
    surveys: u64,
    usage: u64,
}

impl Ctx {
    fn new(rows: u64, seed: u64) -> Ctx {
        const PRIMES: &[u64] = &[1_000_003, 999_983, 7_919, 104_729, 15_485_863];
        let n = rows.max(1);
        let pmul = PRIMES
            .iter()
            .copied()
            .find(|p| gcd(*p, n) == 1)
            .unwrap_or(1);
        let (f, l) = (FIRST.len() as u64, LAST.len() as u64);
        let lmul = [37u64, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83]
            .iter()
            .copied()
            .find(|&p| gcd(p, l) == 1 && gcd(f * p + 1, l) == 1)
            .unwrap_or(1);
        let mut ctx = Ctx {
            seed,
            pmul,
            poff: mix64(seed ^ 0xABCD) % n,
            lmul,
            showcase: None,
            first_country_variants: Vec::new(),
            contacts: rows,
            companies: (rows / 5).max(1),
            leads: rows * 2 / 3,
            deals: rows * 2 / 5,
            tickets: rows * 5 / 6,
            surveys: rows * 2 / 3,
            usage: (rows * 20 / 3).min(rows * 2 + 2000),
        };
        // slot 0 is name pair (0, 0) = Robert Smith
        let showcase = (0..rows)
            .find(|&k| ctx.slot(k) == 0)
            .filter(|&kr| contact_fault_draw(&ctx, kr).0 == CFault::None)
            .and_then(|kr| {
                (kr + 1..rows)
                    .find(|&k| contact_fault_draw(&ctx, k).0 == CFault::FuzzyDup)
                    .map(|kf| (kf, kr))
            });
        ctx.showcase = showcase;
        let mut k = 0;
        while k < rows && ctx.first_country_variants.len() < US_VARIANTS.len() {
            if contact_fault_draw(&ctx, k).0 == CFault::CountryVariant
                && contact_base(&ctx, k).city.country == US
            {
                ctx.first_country_variants.push(k);
            }
            k += 1;
        }
        ctx
    }
    fn rng(&self, table: u64, row: u64) -> Rng {
        Rng::new(self.seed, table, row)
    }
    fn slot(&self, k: u64) -> u64 {
        ((k as u128 * self.pmul as u128 + self.poff as u128) % self.contacts.max(1) as u128) as u64
    }
    /// Company of a contact slot. Slots are cut into `companies` runs whose sizes grow linearly
    /// (the first companies have few or no contacts, the largest about twice the average), and
    /// the runs are shuffled over company indexes.
    fn company_of_slot(&self, slot: u64) -> u64 {
        let x = (slot as f64 + 0.5) / self.contacts.max(1) as f64;
        let run = ((self.companies as f64 * x.sqrt()) as u64).min(self.companies - 1);
        let mul = [7919u64, 104_729, 1_299_709, 1]
            .iter()
            .copied()
            .find(|p| gcd(*p, self.companies) == 1)
            .unwrap_or(1);
        (run * mul % self.companies + self.seed % self.companies) % self.companies
    }
    /// (first, last, block) name indexes of a slot: unique pairs for the first F*L slots, and
    /// distinct first names and distinct last names among a run of consecutive slots.
    fn name_of_slot(&self, p: u64) -> (usize, usize, u64) {
        let (f, l) = (FIRST.len() as u64, LAST.len() as u64);
        let m = f * l;
        let q = p % m;
        (
            (q % f) as usize,
            ((q * self.lmul + q / f) % l) as usize,
            p / m,
        )
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn contact_id(k: u64) -> u64 {
    // HubSpot-style record ids: increasing, 9 digits, not contiguous.
    100_000_000 + k * 16 + mix64(k ^ 0xC0) % 16
}

fn company_id(c: u64) -> u64 {
    8_000_000_000 + c * 32 + mix64(c ^ 0xC1) % 32
}

/// Prefixed sequential ids for the snake_case tables: `D-20001`.
fn seq_id(b: &mut Vec<u8>, prefix: &str, base: u64, k: u64) {
    s(b, prefix);
    u(b, base + k);
}

// ------------------------------------------------------------------------------------------
// Companies
// ------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum CoFault {
    None,
    Whitespace,
    MissingToken,
}

struct Company {
    id: u64,
    prefix: &'static str,
    noun: &'static str,
    industry: &'static str,
    form: &'static str,
    block: u64,
    city: &'static City,
    employees: u64,
    revenue: u64,
    owner: usize,
    created: i64,
    fault: CoFault,
    pad: u8,
}

fn company(ctx: &Ctx, ci: u64) -> Company {
    let mut r = ctx.rng(T_COMPANIES, ci);
    let p = r.permille();
    let fault = if p < 30 {
        CoFault::Whitespace
    } else if p < 60 {
        CoFault::MissingToken
    } else {
        CoFault::None
    };
    let m = (CO_PREFIX.len() * CO_NOUN.len()) as u64;
    let j = ((ci % m) * 1031 + ctx.seed % m) % m; // 1031 is prime, coprime with m
    let prefix = CO_PREFIX[(j % CO_PREFIX.len() as u64) as usize];
    let (noun, industry) = CO_NOUN[(j / CO_PREFIX.len() as u64) as usize];
    let city = &CITIES[r.weighted(CITY_W)];
    let form = r.pick(COUNTRIES[city.country].2);
    let size = r.permille();
    let employees = if size < 450 {
        r.range(8, 49)
    } else if size < 800 {
        r.range(50, 249)
    } else if size < 950 {
        r.range(250, 999)
    } else {
        r.range(1000, 12000)
    } as u64;
    let revenue = employees * r.range(90, 260) as u64 * 1000;
    Company {
        id: company_id(ci),
        prefix,
        noun,
        industry,
        form,
        block: ci / m,
        city,
        employees,
        revenue,
        owner: r.below(OWNERS.len() as u64) as usize,
        created: r.range(D_START, days_from_civil(2024, 6, 30)),
        fault,
        pad: r.below(3) as u8,
    }
}

fn company_name(b: &mut Vec<u8>, co: &Company) {
    s(b, co.prefix);
    b.push(b' ');
    s(b, co.noun);
    if co.block > 0 {
        b.push(b' ');
        u(b, co.block + 1);
    }
    s(b, co.form);
}

fn company_domain(b: &mut Vec<u8>, co: &Company) {
    lower(b, co.prefix);
    lower(b, co.noun);
    if co.block > 0 {
        u(b, co.block + 1);
    }
    s(b, COUNTRIES[co.city.country].1);
}

fn write_companies(ctx: &Ctx, dir: &Path, man: &mut Vec<u8>) -> io::Result<()> {
    let mut w = Csv::create(
        &dir.join("companies.csv"),
        "id,name,domain,industry,employees,annual_revenue,phone,city,state,country,owner_id,created_at,\
         last_activity_at",
    )?;
    let mut name = Vec::with_capacity(64);
    let mut idb = Vec::with_capacity(16);
    for ci in 0..ctx.companies {
        let co = company(ctx, ci);
        let mut r = ctx.rng(T_COMPANIES, ci ^ (1 << 62));
        let b = &mut w.buf;
        idb.clear();
        u(&mut idb, co.id);
        b.extend_from_slice(&idb);
        c(b);
        name.clear();
        company_name(&mut name, &co);
        if co.fault == CoFault::Whitespace {
            let mut padded = Vec::with_capacity(name.len() + 4);
            match co.pad {
                0 => {
                    padded.push(b' ');
                    padded.extend_from_slice(&name);
                }
                1 => {
                    padded.extend_from_slice(&name);
                    padded.extend_from_slice(b"  ");
                }
                _ => {
                    padded.extend_from_slice(b"  ");
                    padded.extend_from_slice(&name);
                    padded.push(b' ');
                }
            }
            manifest(man, "companies", &idb, "whitespace", "name", &padded, "");
            name = padded;
        }
        q(b, std::str::from_utf8(&name).unwrap_or(""));
        c(b);
        company_domain(b, &co);
        c(b);
        if co.fault == CoFault::MissingToken {
            let tok = if co.pad == 0 { "N/A" } else { "n/a" };
            s(b, tok);
            manifest(
                man,
                "companies",
                &idb,
                "missing_token",
                "industry",
                tok.as_bytes(),
                "",
            );
        } else {
            q(b, co.industry);
        }
        c(b);
        u(b, co.employees);
        c(b);
        u(b, co.revenue);
        c(b);
        phone_canonical(b, co.city, phone_sub(&mut r, co.city));
        c(b);
        s(b, co.city.name);
        c(b);
        s(b, co.city.state);
        c(b);
        s(b, COUNTRIES[co.city.country].0);
        c(b);
        s(b, OWNERS[co.owner].0);
        c(b);
        date(b, co.created);
        c(b);
        let mut ra = ctx.rng(T_COMPANIES, ci ^ (1 << 59));
        let lo = (co.created + 1).max(days_from_civil(2024, 1, 15));
        dt_sec(b, ra.work_ts(lo, AS_OF - 1));
        w.end_row()?;
    }
    w.finish()
}

// ------------------------------------------------------------------------------------------
// Phones
// ------------------------------------------------------------------------------------------

fn phone_sub(r: &mut Rng, city: &City) -> u64 {
    let len: usize = city.groups.iter().sum();
    let mut v = (r.pick(city.first) - b'0') as u64;
    for _ in 1..len {
        v = v * 10 + r.below(10);
    }
    v
}

fn sub_digits(city: &City, sub: u64) -> ([u8; 12], usize) {
    let len: usize = city.groups.iter().sum();
    let mut d = [b'0'; 12];
    let mut v = sub;
    for i in (0..len).rev() {
        d[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    (d, len)
}

/// The form most of the file uses: `+1 617-555-0142`, `+44 20 7946 0123`, `+33 1 42 68 53 00`.
fn phone_canonical(b: &mut Vec<u8>, city: &City, sub: u64) {
    let (d, _) = sub_digits(city, sub);
    let nanp = city.cc == "1";
    b.push(b'+');
    s(b, city.cc);
    b.push(b' ');
    s(b, city.area);
    b.push(if nanp { b'-' } else { b' ' });
    let mut at = 0;
    for (gi, g) in city.groups.iter().enumerate() {
        if gi > 0 {
            b.push(if nanp { b'-' } else { b' ' });
        }
        b.extend_from_slice(&d[at..at + g]);
        at += g;
    }
}

/// The same number written another way (valid, but not the file's usual style).
fn phone_style(b: &mut Vec<u8>, city: &City, sub: u64, v: u64) {
    let (d, len) = sub_digits(city, sub);
    if city.cc == "1" {
        match v % 4 {
            0 => {
                b.push(b'(');
                s(b, city.area);
                s(b, ") ");
                b.extend_from_slice(&d[0..3]);
                b.push(b'-');
                b.extend_from_slice(&d[3..7]);
            }
            1 => {
                s(b, city.area);
                b.push(b'.');
                b.extend_from_slice(&d[0..3]);
                b.push(b'.');
                b.extend_from_slice(&d[3..7]);
            }
            2 => {
                s(b, city.area);
                b.extend_from_slice(&d[0..7]);
            }
            _ => {
                s(b, "+1");
                s(b, city.area);
                b.extend_from_slice(&d[0..7]);
            }
        }
    } else {
        // compact E.164: dashes or other separators would still read as the usual
        // "+international with separators" style
        b.push(b'+');
        s(b, city.cc);
        s(b, city.area);
        b.extend_from_slice(&d[..len]);
    }
}

/// Something that is not a dialable number.
fn phone_invalid(b: &mut Vec<u8>, city: &City, sub: u64, v: u64) {
    let (d, len) = sub_digits(city, sub);
    match v % 4 {
        0 if city.cc == "1" => {
            // local number without area code
            b.extend_from_slice(&d[0..3]);
            b.push(b'-');
            b.extend_from_slice(&d[3..7]);
        }
        1 | 0 => {
            // truncated
            b.push(b'+');
            s(b, city.cc);
            b.push(b' ');
            s(b, city.area);
            b.push(b' ');
            b.extend_from_slice(&d[..len - 3]);
        }
        2 => {
            // area code 000 does not exist
            s(b, "(000) ");
            b.extend_from_slice(&d[len - 7..len - 4]);
            b.push(b'-');
            b.extend_from_slice(&d[len - 4..len]);
        }
        _ => {
            if city.cc == "1" {
                s(b, "+1 123-456-");
                b.extend_from_slice(&d[3..7]);
            } else {
                s(b, "12345");
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// Contacts
// ------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Debug)]
enum CFault {
    None,
    ExactDup,
    FuzzyDup,
    InvalidEmail,
    MissingEmail,
    InvalidPhone,
    PhoneStyle,
    CountryVariant,
    Stale,
    Whitespace,
    MissingToken,
}

fn contact_fault_draw(ctx: &Ctx, k: u64) -> (CFault, u64) {
    let mut r = ctx.rng(T_CONTACTS, k);
    let p = r.permille();
    let v = r.next();
    let f = match p {
        0..=14 => CFault::ExactDup,
        15..=24 => CFault::FuzzyDup,
        25..=39 => CFault::InvalidEmail,
        40..=59 => CFault::MissingEmail,
        60..=74 => CFault::InvalidPhone,
        75..=114 => CFault::PhoneStyle,
        115..=144 => CFault::CountryVariant,
        145..=194 => CFault::Stale,
        195..=204 => CFault::Whitespace,
        205..=214 => CFault::MissingToken,
        _ => CFault::None,
    };
    (f, v)
}

struct Contact {
    id: u64,
    first: usize,
    last: usize,
    block: u64,
    company: u64,
    title: &'static str,
    city: &'static City,
    phone: u64,
    stage: &'static str,
    owner: usize,
    created: i64,
    activity: i64,
    fault: CFault,
    /// Row index of the original for duplicates.
    orig: u64,
    variant: u64,
}

/// The clean record of row k, ignoring faults.
fn contact_base(ctx: &Ctx, k: u64) -> Contact {
    let mut r = ctx.rng(T_CONTACTS, k ^ (1 << 62));
    let slot = ctx.slot(k);
    let (first, last, block) = ctx.name_of_slot(slot);
    let ci = ctx.company_of_slot(slot);
    let co = company(ctx, ci);
    let created = r.work_ts(D_START + 2, days_from_civil(2024, 10, 31));
    let lo = (created / DAY + 1).max(days_from_civil(2024, 1, 15));
    let activity = r.work_ts(lo, AS_OF - 1);
    let city = co.city;
    let phone = phone_sub(&mut r, city);
    Contact {
        id: contact_id(k),
        first,
        last,
        block,
        company: ci,
        title: r.pick(TITLES),
        city,
        phone,
        stage: r.weighted(LIFECYCLE),
        owner: r.below(OWNERS.len() as u64) as usize,
        created,
        activity,
        fault: CFault::None,
        orig: k,
        variant: r.next(),
    }
}

/// The record of row k as written, with its fault applied to the fields held here (e-mail and
/// phone text are applied when writing).
fn contact(ctx: &Ctx, k: u64) -> Contact {
    let (mut f, v) = contact_fault_draw(ctx, k);
    let mut ct = contact_base(ctx, k);
    match f {
        CFault::ExactDup | CFault::FuzzyDup => {
            // duplicate of an earlier clean row (for fuzzy: one whose first name has a nickname)
            let mut found = None;
            if let Some((_, kr)) = ctx.showcase.filter(|s| s.0 == k) {
                found = Some(kr);
            } else if k > 0 {
                let start = v % k;
                let mut o = start;
                for _ in 0..60 {
                    let ok = contact_fault_draw(ctx, o).0 == CFault::None
                        && (f == CFault::ExactDup
                            || !FIRST[contact_base(ctx, o).first].1.is_empty());
                    if ok {
                        found = Some(o);
                        break;
                    }
                    if o == 0 {
                        break;
                    }
                    o -= 1;
                }
            }
            match found {
                Some(o) => {
                    let base = contact_base(ctx, o);
                    let mut r = ctx.rng(T_CONTACTS, k ^ (1 << 61));
                    let created = (base.created + r.range(3, 200) * DAY + r.range(0, 20000))
                        .min(days_from_civil(2024, 11, 30) * DAY + 40000);
                    let lo = (created / DAY + 1).max(days_from_civil(2024, 1, 15));
                    let activity = r.work_ts(lo, AS_OF - 1);
                    ct = Contact {
                        id: contact_id(k),
                        created,
                        activity,
                        owner: r.below(OWNERS.len() as u64) as usize,
                        stage: if r.chance(500) { "Lead" } else { base.stage },
                        orig: o,
                        variant: v,
                        ..base
                    };
                }
                None => f = CFault::None,
            }
        }
        CFault::Stale => {
            let mut r = ctx.rng(T_CONTACTS, k ^ (1 << 60));
            ct.created = r.work_ts(D_START + 2, days_from_civil(2023, 9, 30));
            ct.activity = r.work_ts(ct.created / DAY + 1, days_from_civil(2023, 12, 20));
        }
        CFault::CountryVariant if ct.city.country != US => f = CFault::None,
        _ => {}
    }
    ct.fault = f;
    ct.variant = v;
    ct
}

fn email_local(b: &mut Vec<u8>, first: &str, last_ascii: &str, block: u64) {
    lower(b, first);
    b.push(b'.');
    s(b, last_ascii);
    if block > 0 {
        u(b, block + 1);
    }
}

fn contact_email(ctx: &Ctx, b: &mut Vec<u8>, ct: &Contact) {
    let co = company(ctx, ct.company);
    email_local(b, FIRST[ct.first].0, LAST[ct.last].1, ct.block);
    b.push(b'@');
    company_domain(b, &co);
}

fn write_contacts(ctx: &Ctx, dir: &Path, man: &mut Vec<u8>) -> io::Result<()> {
    let mut w = Csv::create(
        &dir.join("contacts.csv"),
        "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Associated Company IDs,\
         Job Title,City,State/Region,Country/Region,Lifecycle Stage,Contact owner,Create Date,\
         Last Activity Date",
    )?;
    let mut idb = Vec::with_capacity(16);
    let mut val = Vec::with_capacity(128);
    let mut note = String::new();
    for k in 0..ctx.contacts {
        let ct = contact(ctx, k);
        let co = company(ctx, ct.company);
        let b = &mut w.buf;
        idb.clear();
        u(&mut idb, ct.id);
        note.clear();
        if matches!(ct.fault, CFault::ExactDup | CFault::FuzzyDup) {
            note.push_str(&contact_id(ct.orig).to_string());
        }
        b.extend_from_slice(&idb);
        c(b);
        let first = if ct.fault == CFault::FuzzyDup {
            FIRST[ct.first].1
        } else {
            FIRST[ct.first].0
        };
        s(b, first);
        c(b);
        s(b, LAST[ct.last].0);
        c(b);
        // Email
        val.clear();
        match ct.fault {
            CFault::MissingEmail => {
                manifest(man, "contacts", &idb, "missing_email", "Email", b"", "");
            }
            CFault::InvalidEmail => {
                let mut good = Vec::with_capacity(64);
                contact_email(ctx, &mut good, &ct);
                let at = good.iter().position(|&x| x == b'@').unwrap_or(0);
                let kind = match ct.variant % 3 {
                    0 => {
                        // double dot in the local part
                        let dot = good[..at].iter().position(|&x| x == b'.').unwrap_or(0);
                        val.extend_from_slice(&good[..dot]);
                        val.push(b'.');
                        val.extend_from_slice(&good[dot..]);
                        "double_dot"
                    }
                    1 => {
                        val.extend_from_slice(&good[..=at]);
                        "missing_domain"
                    }
                    _ => {
                        val.extend_from_slice(&good);
                        s(&mut val, ", ");
                        val.extend_from_slice(&good[..at]);
                        s(&mut val, "@gmail.com");
                        "two_addresses"
                    }
                };
                q(b, std::str::from_utf8(&val).unwrap_or(""));
                manifest(man, "contacts", &idb, "invalid_email", "Email", &val, kind);
            }
            CFault::ExactDup => {
                let mut good = Vec::with_capacity(64);
                contact_email(ctx, &mut good, &ct);
                let g = std::str::from_utf8(&good).unwrap_or("");
                match ct.variant % 4 {
                    0 => upper(&mut val, g),
                    1 => {
                        // First.Last@domain
                        let mut cap = true;
                        for ch in g.bytes() {
                            val.push(if cap { ch.to_ascii_uppercase() } else { ch });
                            cap = ch == b'.' && !val.contains(&b'@');
                            if ch == b'@' {
                                cap = true;
                            }
                        }
                    }
                    2 => {
                        val.push(b' ');
                        val.extend_from_slice(&good);
                        val.push(b' ');
                    }
                    _ => {
                        let at = good.iter().position(|&x| x == b'@').unwrap_or(0);
                        upper(&mut val, &g[..1]);
                        val.extend_from_slice(&good[1..at]);
                        upper(&mut val, &g[at..]);
                        val.push(b' ');
                    }
                }
                q(b, std::str::from_utf8(&val).unwrap_or(""));
                manifest(
                    man,
                    "contacts",
                    &idb,
                    "exact_duplicate",
                    "Email",
                    &val,
                    &note,
                );
            }
            CFault::FuzzyDup => {
                let co2 = company(ctx, ct.company);
                lower(&mut val, first);
                val.push(b'.');
                s(&mut val, LAST[ct.last].1);
                if ct.block > 0 {
                    u(&mut val, ct.block + 1);
                }
                val.push(b'@');
                company_domain(&mut val, &co2);
                b.extend_from_slice(&val);
                let mut nm = Vec::new();
                s(&mut nm, first);
                nm.push(b' ');
                s(&mut nm, LAST[ct.last].0);
                manifest(
                    man,
                    "contacts",
                    &idb,
                    "fuzzy_duplicate",
                    "First Name",
                    &nm,
                    &note,
                );
            }
            _ => contact_email(ctx, b, &ct),
        }
        c(b);
        // Phone
        val.clear();
        match ct.fault {
            CFault::InvalidPhone => {
                phone_invalid(&mut val, ct.city, ct.phone, ct.variant >> 8);
                b.extend_from_slice(&val);
                manifest(
                    man,
                    "contacts",
                    &idb,
                    "invalid_phone",
                    "Phone Number",
                    &val,
                    "",
                );
            }
            CFault::PhoneStyle | CFault::FuzzyDup => {
                phone_style(&mut val, ct.city, ct.phone, ct.variant >> 8);
                b.extend_from_slice(&val);
                manifest(
                    man,
                    "contacts",
                    &idb,
                    "phone_style",
                    "Phone Number",
                    &val,
                    "",
                );
            }
            _ => phone_canonical(b, ct.city, ct.phone),
        }
        c(b);
        val.clear();
        company_name(&mut val, &co);
        q(b, std::str::from_utf8(&val).unwrap_or(""));
        c(b);
        u(b, co.id);
        c(b);
        if ct.fault == CFault::MissingToken {
            let tok = if ct.variant.is_multiple_of(2) {
                "n/a"
            } else {
                "N/A"
            };
            s(b, tok);
            manifest(
                man,
                "contacts",
                &idb,
                "missing_token",
                "Job Title",
                tok.as_bytes(),
                "",
            );
        } else {
            s(b, ct.title);
        }
        c(b);
        if ct.fault == CFault::Whitespace {
            val.clear();
            if ct.variant.is_multiple_of(2) {
                val.push(b' ');
            }
            s(&mut val, ct.city.name);
            val.push(b' ');
            q(b, std::str::from_utf8(&val).unwrap_or(""));
            manifest(man, "contacts", &idb, "whitespace", "City", &val, "");
        } else {
            s(b, ct.city.name);
        }
        c(b);
        s(b, ct.city.state);
        c(b);
        if ct.fault == CFault::CountryVariant {
            let i = match ctx.first_country_variants.iter().position(|&x| x == k) {
                Some(i) => i,
                None => (ct.variant >> 8) as usize % US_VARIANTS.len(),
            };
            let v = US_VARIANTS[i];
            s(b, v);
            manifest(
                man,
                "contacts",
                &idb,
                "country_variant",
                "Country/Region",
                v.as_bytes(),
                "United States",
            );
        } else {
            s(b, COUNTRIES[ct.city.country].0);
        }
        c(b);
        s(b, ct.stage);
        c(b);
        s(b, OWNERS[ct.owner].1);
        c(b);
        dt_min(b, ct.created);
        c(b);
        dt_min(b, ct.activity);
        if ct.fault == CFault::Stale {
            val.clear();
            dt_min(&mut val, ct.activity);
            manifest(
                man,
                "contacts",
                &idb,
                "stale",
                "Last Activity Date",
                &val,
                "",
            );
        }
        w.end_row()?;
    }
    w.finish()
}

// ------------------------------------------------------------------------------------------
// Leads
// ------------------------------------------------------------------------------------------

fn write_leads(ctx: &Ctx, dir: &Path, man: &mut Vec<u8>) -> io::Result<()> {
    let mut w = Csv::create(
        &dir.join("leads.csv"),
        "id,first_name,last_name,email,phone,company,title,country,status,lead_source,owner_id,\
         created_at,last_activity_at,is_converted,converted_at,converted_contact_id",
    )?;
    let mut idb = Vec::with_capacity(16);
    let mut val = Vec::with_capacity(128);
    for k in 0..ctx.leads {
        let mut r = ctx.rng(T_LEADS, k);
        let slashed = r.chance(50);
        let dmy = r.chance(500);
        // about 12 % of leads were converted into a (clean) contact
        let mut conv: Option<Contact> = None;
        if r.chance(120) && ctx.contacts > 0 {
            let start = r.below(ctx.contacts);
            for t in 0..20 {
                let kk = (start + t) % ctx.contacts;
                if contact_fault_draw(ctx, kk).0 == CFault::None {
                    conv = Some(contact(ctx, kk));
                    break;
                }
            }
        }
        let b = &mut w.buf;
        idb.clear();
        seq_id(&mut idb, "L-", 10001, k);
        b.extend_from_slice(&idb);
        c(b);
        let created_day = match &conv {
            Some(ct) => {
                let co = company(ctx, ct.company);
                s(b, FIRST[ct.first].0);
                c(b);
                s(b, LAST[ct.last].0);
                c(b);
                contact_email(ctx, b, ct);
                c(b);
                phone_canonical(b, ct.city, ct.phone);
                c(b);
                val.clear();
                company_name(&mut val, &co);
                q(b, std::str::from_utf8(&val).unwrap_or(""));
                c(b);
                s(b, ct.title);
                c(b);
                s(b, COUNTRIES[ct.city.country].0);
                c(b);
                s(b, "Converted");
                c(b);
                s(b, r.pick(LEAD_SOURCES));
                c(b);
                s(b, OWNERS[ct.owner].0);
                c(b);
                (ct.created / DAY - r.range(2, 40)).max(D_START)
            }
            None => {
                // prospects: names from a different slice of the name space than contacts
                let (fi, li, block) = ctx.name_of_slot(ctx.contacts + k);
                let co = company(ctx, ctx.companies + 1000 + r.below(ctx.companies * 3 + 10));
                s(b, FIRST[fi].0);
                c(b);
                s(b, LAST[li].0);
                c(b);
                email_local(b, FIRST[fi].0, LAST[li].1, block);
                b.push(b'@');
                company_domain(b, &co);
                c(b);
                phone_canonical(b, co.city, phone_sub(&mut r, co.city));
                c(b);
                val.clear();
                company_name(&mut val, &co);
                q(b, std::str::from_utf8(&val).unwrap_or(""));
                c(b);
                s(b, r.pick(TITLES));
                c(b);
                s(b, COUNTRIES[co.city.country].0);
                c(b);
                s(
                    b,
                    r.weighted(&[
                        ("New", 25),
                        ("Working", 25),
                        ("Nurturing", 20),
                        ("Qualified", 12),
                        ("Unqualified", 18),
                    ]),
                );
                c(b);
                s(b, r.pick(LEAD_SOURCES));
                c(b);
                s(b, OWNERS[r.below(OWNERS.len() as u64) as usize].0);
                c(b);
                r.range(D_START, days_from_civil(2024, 12, 20))
            }
        };
        if slashed {
            val.clear();
            date_slashed(&mut val, created_day, dmy);
            b.extend_from_slice(&val);
            let (_, mo, d) = civil_from_days(created_day);
            let kind = if d > 12 || d == mo {
                if dmy { "dmy" } else { "mdy" }
            } else if dmy {
                "ambiguous (written dmy)"
            } else {
                "ambiguous (written mdy)"
            };
            manifest(man, "leads", &idb, "slashed_date", "created_at", &val, kind);
        } else {
            date(b, created_day);
        }
        c(b);
        // last activity: the contact's for converted leads, some time in 2024 for the others
        let mut ra = ctx.rng(T_LEADS, k ^ (1 << 59));
        match &conv {
            Some(ct) => dt_sec(b, ct.activity),
            None => {
                let lo = (created_day + 1).max(days_from_civil(2024, 1, 15));
                dt_sec(b, ra.work_ts(lo, AS_OF - 1));
            }
        }
        c(b);
        match &conv {
            Some(ct) => {
                s(b, "true");
                c(b);
                date(
                    b,
                    (created_day + r.range(1, 30))
                        .min(ct.created / DAY)
                        .max(created_day),
                );
                c(b);
                u(b, ct.id);
            }
            None => {
                s(b, "false");
                c(b);
                c(b);
            }
        }
        w.end_row()?;
    }
    w.finish()
}

// ------------------------------------------------------------------------------------------
// Deals
// ------------------------------------------------------------------------------------------

const STAGES_OPEN: &[(&str, u32, u32)] = &[
    // stage, weight, probability
    ("Prospecting", 30, 10),
    ("Qualification", 30, 20),
    ("Proposal", 25, 50),
    ("Negotiation", 15, 75),
];
const IMPOSSIBLE: &[&str] = &[
    "2023-02-29",
    "2024-02-30",
    "2024-04-31",
    "2023-06-31",
    "2024-09-31",
    "2023-11-31",
];
/// Stages outside the pipeline picklist: open deals get a stage name that is not in the pipeline,
/// closed ones a case variant of the closed stage.
const ODD_OPEN_STAGES: &[&str] = &["Contract Sent", "Verbal Commit"];

fn write_deals(ctx: &Ctx, dir: &Path, man: &mut Vec<u8>) -> io::Result<()> {
    let mut w = Csv::create(
        &dir.join("deals.csv"),
        "id,name,account_id,contact_id,amount,currency,stage,probability,close_date,created_at,\
         is_closed,is_won,owner_id,lead_source,type",
    )?;
    let mut idb = Vec::with_capacity(16);
    let mut val = Vec::with_capacity(128);
    for k in 0..ctx.deals {
        let mut r = ctx.rng(T_DEALS, k);
        let p = r.permille();
        let ck = r.below(ctx.contacts.max(1));
        let ct = contact(ctx, ck);
        let co = company(ctx, ct.company);
        let created = r.range(D_START + 70, days_from_civil(2024, 11, 30));
        let (plan, lo, hi) = r.weighted(&[
            (("Starter", 3_000i64, 9_000i64), 40u32),
            (("Growth", 12_000, 45_000), 45),
            (("Enterprise", 60_000, 240_000), 15),
        ]);
        let kind = r.weighted(&[("New Business", 60u32), ("Expansion", 25), ("Renewal", 15)]);
        let amount = r.range(lo / 100, hi / 100) * 100 * 100; // cents, whole hundreds
        let p_open = if created > days_from_civil(2024, 9, 30) {
            800
        } else {
            150
        };
        let mut close = created + r.range(14, 120);
        let open = r.chance(p_open) || close > AS_OF;
        let won = !open && r.chance(460);
        if open {
            close = r.range(days_from_civil(2025, 1, 10), days_from_civil(2025, 3, 31));
        }
        let (mut stage, mut prob) = if open {
            let (st, _, pr) = STAGES_OPEN[{
                let ws: Vec<(usize, u32)> = STAGES_OPEN
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (i, x.1))
                    .collect();
                r.weighted(&ws)
            }];
            (st, pr)
        } else if won {
            ("Closed Won", 100)
        } else {
            ("Closed Lost", 0)
        };
        // faults (at most one)
        let fault = match p {
            0..=24 => "missing_amount",
            25..=44 => "negative_amount",
            45..=74 if !open => "close_before_created",
            75..=94 => "orphan_account",
            95..=109 if !open => "impossible_date",
            110..=129 => "nonstandard_stage",
            _ => "",
        };
        let b = &mut w.buf;
        idb.clear();
        seq_id(&mut idb, "D-", 20001, k);
        b.extend_from_slice(&idb);
        c(b);
        val.clear();
        s(&mut val, co.prefix);
        val.push(b' ');
        s(&mut val, co.noun);
        s(&mut val, " - ");
        s(&mut val, plan);
        s(
            &mut val,
            if kind == "Renewal" {
                " renewal"
            } else if kind == "Expansion" {
                " expansion"
            } else {
                " plan"
            },
        );
        q(b, std::str::from_utf8(&val).unwrap_or(""));
        c(b);
        if fault == "orphan_account" {
            let orphan = company_id(ctx.companies + r.below(50));
            val.clear();
            u(&mut val, orphan);
            b.extend_from_slice(&val);
            manifest(man, "deals", &idb, "orphan_account", "account_id", &val, "");
        } else {
            u(b, co.id);
        }
        c(b);
        u(b, ct.id);
        c(b);
        match fault {
            "missing_amount" => manifest(man, "deals", &idb, "missing_amount", "amount", b"", ""),
            "negative_amount" => {
                val.clear();
                money(&mut val, -amount);
                b.extend_from_slice(&val);
                manifest(man, "deals", &idb, "negative_amount", "amount", &val, "");
            }
            _ => money(b, amount),
        }
        c(b);
        s(b, "USD");
        c(b);
        if fault == "nonstandard_stage" {
            let odd = if open {
                prob = 90;
                r.pick(ODD_OPEN_STAGES)
            } else if won {
                "Closed won"
            } else {
                "closed lost"
            };
            manifest(
                man,
                "deals",
                &idb,
                "nonstandard_stage",
                "stage",
                odd.as_bytes(),
                stage,
            );
            stage = odd;
        }
        s(b, stage);
        c(b);
        u(b, prob as u64);
        c(b);
        match fault {
            "close_before_created" => {
                let bad = created - r.range(3, 60);
                val.clear();
                date(&mut val, bad);
                b.extend_from_slice(&val);
                let mut cr = Vec::new();
                date(&mut cr, created);
                manifest(
                    man,
                    "deals",
                    &idb,
                    "close_before_created",
                    "close_date",
                    &val,
                    &format!("created_at {}", String::from_utf8_lossy(&cr)),
                );
            }
            "impossible_date" => {
                let d = r.pick(IMPOSSIBLE);
                s(b, d);
                manifest(
                    man,
                    "deals",
                    &idb,
                    "impossible_date",
                    "close_date",
                    d.as_bytes(),
                    "",
                );
            }
            _ => date(b, close),
        }
        c(b);
        date(b, created);
        c(b);
        let closed = stage.to_ascii_lowercase().starts_with("closed");
        s(b, if closed { "true" } else { "false" });
        c(b);
        s(
            b,
            if stage.eq_ignore_ascii_case("Closed Won") {
                "true"
            } else {
                "false"
            },
        );
        c(b);
        s(b, OWNERS[ct.owner].0);
        c(b);
        s(b, r.pick(LEAD_SOURCES));
        c(b);
        s(b, kind);
        w.end_row()?;
    }
    w.finish()
}

// ------------------------------------------------------------------------------------------
// Tickets
// ------------------------------------------------------------------------------------------

const SUBJECTS: &[&str] = &[
    "Cannot log in after password reset",
    "CSV import fails on large file",
    "Invoice shows wrong plan",
    "How do I add a user?",
    "Dashboard loads slowly",
    "Sync with Outlook stopped",
    "Request: export to Excel",
    "API rate limit errors",
    "Change billing contact",
    "Report totals do not match",
    "SSO setup question",
    "Email sequence not sending",
    "Duplicate records after import",
    "Cancel add-on seats",
    "Webhook returns 500",
];

struct Ticket {
    id_num: u64,
    contact: u64,
    account: u64,
    status: &'static str,
    created: i64,
    first_response: Option<i64>,
    closed: Option<i64>,
    fault: &'static str,
}

fn ticket(ctx: &Ctx, k: u64) -> (Ticket, Rng) {
    let mut r = ctx.rng(T_TICKETS, k);
    let p = r.permille();
    let ck = r.below(ctx.contacts.max(1));
    let ct = contact(ctx, ck);
    let co = company(ctx, ct.company);
    let created = r.work_ts(D_START, AS_OF - 3) + r.range(-7200, 7200);
    let mut status = r.weighted(&[
        ("Closed", 76u32),
        ("Open", 8),
        ("In Progress", 9),
        ("Waiting on Customer", 7),
    ]);
    let first_response = if status == "Open" && r.chance(500) {
        None
    } else {
        Some(created + r.range(300, 28 * 3600))
    };
    let mut closed = None;
    if status == "Closed" {
        let t = first_response.unwrap_or(created) + r.range(3600, 12 * DAY);
        if t < (AS_OF + 1) * DAY {
            closed = Some(t);
        } else {
            status = "In Progress";
        }
    }
    let fault = match p {
        0..=29 => "status_case",
        30..=44 => "orphan_account",
        _ => "",
    };
    let account = if fault == "orphan_account" {
        company_id(ctx.companies + r.below(50))
    } else {
        co.id
    };
    (
        Ticket {
            id_num: k,
            contact: ct.id,
            account,
            status,
            created,
            first_response,
            closed,
            fault,
        },
        r,
    )
}

fn write_tickets(ctx: &Ctx, dir: &Path, man: &mut Vec<u8>) -> io::Result<()> {
    let mut w = Csv::create(
        &dir.join("tickets.csv"),
        "id,number,account_id,contact_id,status,priority,type,origin,subject,created_at,\
         first_response_at,closed_at,csat_score,owner_id",
    )?;
    let mut idb = Vec::with_capacity(16);
    let mut val = Vec::with_capacity(64);
    for k in 0..ctx.tickets {
        let (t, mut r) = ticket(ctx, k);
        let b = &mut w.buf;
        idb.clear();
        seq_id(&mut idb, "T-", 30001, t.id_num);
        b.extend_from_slice(&idb);
        c(b);
        u(b, 10001 + k);
        c(b);
        val.clear();
        u(&mut val, t.account);
        b.extend_from_slice(&val);
        if t.fault == "orphan_account" {
            manifest(
                man,
                "tickets",
                &idb,
                "orphan_account",
                "account_id",
                &val,
                "",
            );
        }
        c(b);
        u(b, t.contact);
        c(b);
        if t.fault == "status_case" {
            val.clear();
            match r.below(3) {
                0 | 1 => lower(&mut val, t.status),
                _ => upper(&mut val, t.status),
            }
            b.extend_from_slice(&val);
            manifest(
                man,
                "tickets",
                &idb,
                "status_case",
                "status",
                &val,
                t.status,
            );
        } else {
            s(b, t.status);
        }
        c(b);
        s(
            b,
            r.weighted(&[("Low", 30u32), ("Medium", 45), ("High", 20), ("Urgent", 5)]),
        );
        c(b);
        s(
            b,
            r.weighted(&[
                ("Question", 40u32),
                ("Problem", 35),
                ("Incident", 10),
                ("Feature Request", 15),
            ]),
        );
        c(b);
        s(
            b,
            r.weighted(&[("Email", 45u32), ("Web", 30), ("Chat", 15), ("Phone", 10)]),
        );
        c(b);
        q(b, r.pick(SUBJECTS));
        c(b);
        dt_sec(b, t.created);
        c(b);
        if let Some(f) = t.first_response {
            dt_sec(b, f);
        }
        c(b);
        if let Some(x) = t.closed {
            dt_sec(b, x);
        }
        c(b);
        if t.closed.is_some() && r.chance(350) {
            u(
                b,
                r.weighted(&[(5u64, 45u32), (4, 30), (3, 12), (2, 7), (1, 6)]),
            );
        }
        c(b);
        s(b, OWNERS[r.below(OWNERS.len() as u64) as usize].0);
        w.end_row()?;
    }
    w.finish()
}

// ------------------------------------------------------------------------------------------
// Surveys
// ------------------------------------------------------------------------------------------

const COMMENTS: &[&str] = &[
    "Great support, very fast",
    "Reporting is confusing",
    "Love the pipeline view",
    "Too expensive for what we use",
    "Onboarding took longer than expected",
    "The \"forecast\" tab saves me hours",
    "Mobile app needs work",
    "Solid product, no complaints",
    "Integrations keep breaking",
    "Support agent was very helpful",
];

fn write_surveys(ctx: &Ctx, dir: &Path, man: &mut Vec<u8>) -> io::Result<()> {
    let mut w = Csv::create(
        &dir.join("surveys.csv"),
        "id,contact_id,account_id,ticket_id,submitted_at,survey_type,nps_score,csat_score,comment",
    )?;
    let mut idb = Vec::with_capacity(16);
    let mut val = Vec::with_capacity(16);
    for k in 0..ctx.surveys {
        let mut r = ctx.rng(T_SURVEYS, k);
        let p = r.permille();
        let mut csat_ticket = None;
        if r.chance(400) && ctx.tickets > 0 {
            let start = r.below(ctx.tickets);
            for t in 0..20 {
                let tk = (start + t) % ctx.tickets;
                let (tt, _) = ticket(ctx, tk);
                if tt.closed.is_some() && tt.fault.is_empty() && tt.closed.unwrap() < AS_OF * DAY {
                    csat_ticket = Some(tt);
                    break;
                }
            }
        }
        let b = &mut w.buf;
        idb.clear();
        seq_id(&mut idb, "S-", 40001, k);
        b.extend_from_slice(&idb);
        c(b);
        match &csat_ticket {
            Some(t) => {
                u(b, t.contact);
                c(b);
                u(b, t.account);
                c(b);
                seq_id(b, "T-", 30001, t.id_num);
                c(b);
                let closed = t.closed.unwrap_or(t.created);
                dt_sec(
                    b,
                    (closed + r.range(1800, 2 * DAY)).min((AS_OF + 1) * DAY - 1),
                );
                c(b);
                s(b, "CSAT");
                c(b);
                c(b);
                u(
                    b,
                    r.weighted(&[(5u64, 48u32), (4, 27), (3, 12), (2, 7), (1, 6)]),
                );
            }
            None => {
                let ct = contact(ctx, r.below(ctx.contacts.max(1)));
                let co = company(ctx, ct.company);
                u(b, ct.id);
                c(b);
                u(b, co.id);
                c(b);
                c(b);
                dt_sec(b, r.work_ts(D_START + 30, AS_OF - 1));
                c(b);
                s(b, "NPS");
                c(b);
                if p < 25 {
                    let bad = r.pick(&[11i64, 12, -1, 100, 15]);
                    val.clear();
                    int(&mut val, bad);
                    b.extend_from_slice(&val);
                    manifest(
                        man,
                        "surveys",
                        &idb,
                        "nps_out_of_range",
                        "nps_score",
                        &val,
                        "",
                    );
                } else {
                    let bucket = r.permille();
                    let score = if bucket < 200 {
                        r.range(0, 6)
                    } else if bucket < 480 {
                        r.range(7, 8)
                    } else {
                        r.range(9, 10)
                    };
                    int(b, score);
                }
                c(b);
            }
        }
        c(b);
        if r.chance(300) {
            q(b, r.pick(COMMENTS));
        }
        w.end_row()?;
    }
    w.finish()
}

// ------------------------------------------------------------------------------------------
// Spend, subscriptions, usage, releases, incidents
// ------------------------------------------------------------------------------------------

fn write_spend(ctx: &Ctx, dir: &Path) -> io::Result<()> {
    const CHANNELS: &[(&str, &str, i64)] = &[
        ("Google Ads", "marketing", 9_000),
        ("LinkedIn Ads", "marketing", 6_500),
        ("Events", "marketing", 4_000),
        ("Content & SEO", "marketing", 3_000),
        ("Sales Salaries", "sales", 42_000),
        ("Sales Tools", "sales", 2_500),
        ("Commissions", "sales", 8_000),
    ];
    let mut w = Csv::create(
        &dir.join("spend.csv"),
        "id,date,channel,category,amount,currency",
    )?;
    let scale = ctx.contacts.max(1) as f64 / 300.0;
    let mut n = 0;
    for month in 0..24i64 {
        let day = days_from_civil(2023 + month / 12, month % 12 + 1, 1);
        for (ci, (ch, cat, base)) in CHANNELS.iter().enumerate() {
            let mut r = ctx.rng(T_SPEND, (month * 16 + ci as i64) as u64);
            let growth = 1.0 + month as f64 * 0.015;
            let noise = 0.85 + r.below(300) as f64 / 1000.0;
            let mut amount = (*base as f64 * growth * noise * scale * 100.0) as i64;
            if *ch == "Events" && month % 6 != 3 {
                amount /= 4; // events cluster in a few months
            }
            let b = &mut w.buf;
            n += 1;
            seq_id(b, "SP-", 1000, n);
            c(b);
            date(b, day);
            c(b);
            q(b, ch);
            c(b);
            s(b, cat);
            c(b);
            money(b, amount);
            c(b);
            s(b, "USD");
            w.end_row()?;
        }
    }
    w.finish()
}

fn months_between(a: i64, b: i64) -> i64 {
    let (y1, m1, d1) = civil_from_days(a);
    let (y2, m2, d2) = civil_from_days(b);
    let mut m = (y2 - y1) * 12 + (m2 - m1);
    if d2 < d1 {
        m -= 1;
    }
    m.max(0)
}

fn write_subscriptions(ctx: &Ctx, dir: &Path) -> io::Result<()> {
    let mut w = Csv::create(
        &dir.join("subscriptions.csv"),
        "id,account_id,plan,status,start_date,end_date,cancelled_at,mrr,total_charges,currency,\
         tenure_months,churned,contract",
    )?;
    for ci in 0..ctx.companies {
        let co = company(ctx, ci);
        let mut r = ctx.rng(T_SUBS, ci);
        let (plan, lo, hi) = if co.employees < 50 {
            ("Starter", 99, 499)
        } else if co.employees < 250 || r.chance(500) {
            ("Growth", 800, 2_500)
        } else {
            ("Enterprise", 4_000, 15_000)
        };
        let mrr = r.range(lo, hi) * 100;
        let start = (co.created + r.range(0, 60)).min(days_from_civil(2024, 11, 30));
        let contract = r.weighted(&[
            ("Month-to-month", 55u32),
            ("One year", 30),
            ("Two year", 15),
        ]);
        let churn_p = match contract {
            "Month-to-month" => 380,
            "One year" => 150,
            _ => 50,
        };
        let mut cancelled = None;
        if start < days_from_civil(2024, 6, 30) && r.chance(churn_p) {
            let t = start + r.range(45, 540);
            if t <= days_from_civil(2024, 12, 15) {
                cancelled = Some(t);
            }
        }
        let until = cancelled.unwrap_or(AS_OF);
        let tenure = months_between(start, until).max(1);
        let b = &mut w.buf;
        seq_id(b, "SUB-", 5001, ci);
        c(b);
        u(b, co.id);
        c(b);
        s(b, plan);
        c(b);
        s(
            b,
            if cancelled.is_some() {
                "cancelled"
            } else {
                "active"
            },
        );
        c(b);
        date(b, start);
        c(b);
        if let Some(x) = cancelled {
            date(b, x);
        }
        c(b);
        if let Some(x) = cancelled {
            date(b, x);
        }
        c(b);
        money(b, mrr);
        c(b);
        money(b, mrr * tenure);
        c(b);
        s(b, "USD");
        c(b);
        int(b, tenure);
        c(b);
        s(b, if cancelled.is_some() { "true" } else { "false" });
        c(b);
        s(b, contract);
        w.end_row()?;
    }
    w.finish()
}

fn write_usage(ctx: &Ctx, dir: &Path) -> io::Result<()> {
    const FEATURES: &[&str] = &[
        "Dashboards",
        "Reports",
        "Pipeline",
        "Forecasting",
        "Integrations",
        "API",
        "Email Sequences",
        "Data Import",
    ];
    let mut w = Csv::create(
        &dir.join("usage.csv"),
        "id,user_id,account_id,event_at,feature,event,sessions,duration_minutes",
    )?;
    for k in 0..ctx.usage {
        let mut r = ctx.rng(T_USAGE, k);
        // usage is driven by a smaller set of active users: pick from the first 60 % of contacts
        let ck = r.below((ctx.contacts * 3 / 5).max(1));
        let ct = contact_base(ctx, ck);
        let b = &mut w.buf;
        seq_id(b, "EV-", 1_000_001, k);
        c(b);
        u(b, ct.id);
        c(b);
        u(b, company_id(ct.company));
        c(b);
        let lo = (ct.created / DAY + 1).min(AS_OF - 1);
        dt_sec(b, r.work_ts(lo, AS_OF - 1) + r.range(0, 59));
        c(b);
        s(b, r.pick(FEATURES));
        c(b);
        s(
            b,
            r.weighted(&[
                ("feature_used", 60u32),
                ("login", 25),
                ("export", 10),
                ("invite_sent", 5),
            ]),
        );
        c(b);
        int(b, r.range(1, 12));
        c(b);
        int(b, r.range(1, 180));
        w.end_row()?;
    }
    w.finish()
}

fn write_releases(ctx: &Ctx, dir: &Path) -> io::Result<()> {
    let mut w = Csv::create(&dir.join("releases.csv"), "id,name,started_at,released_at")?;
    let mut start = days_from_civil(2023, 1, 9);
    for k in 0..16u64 {
        let mut r = ctx.rng(T_RELEASES, k);
        let lead = r.range(12, 55);
        let b = &mut w.buf;
        seq_id(b, "REL-", 101, k);
        c(b);
        s(b, "v3.");
        u(b, k);
        s(b, ".0");
        c(b);
        date(b, start);
        c(b);
        date(b, (start + lead).min(AS_OF - 2));
        w.end_row()?;
        start += r.range(38, 50);
    }
    w.finish()
}

fn write_incidents(ctx: &Ctx, dir: &Path) -> io::Result<()> {
    let mut w = Csv::create(
        &dir.join("incidents.csv"),
        "id,started_at,resolved_at,severity,service",
    )?;
    for k in 0..14u64 {
        let mut r = ctx.rng(T_INCIDENTS, k);
        let day = D_START + 20 + (k as i64) * 50 + r.range(0, 30);
        let start = day * DAY + r.range(0, DAY - 1);
        let sev = r.weighted(&[("SEV1", 15u32), ("SEV2", 35), ("SEV3", 50)]);
        let dur = match sev {
            "SEV1" => r.range(20 * 60, 4 * 3600),
            "SEV2" => r.range(10 * 60, 3 * 3600),
            _ => r.range(5 * 60, 6 * 3600),
        };
        let b = &mut w.buf;
        seq_id(b, "INC-", 201, k);
        c(b);
        dt_sec(b, start);
        c(b);
        dt_sec(b, start + dur);
        c(b);
        s(b, sev);
        c(b);
        s(
            b,
            r.pick(&["API", "Web App", "Sync Engine", "Email Delivery"]),
        );
        w.end_row()?;
    }
    w.finish()
}

// ------------------------------------------------------------------------------------------
// Config and driver
// ------------------------------------------------------------------------------------------

fn write_config(ctx: &Ctx, dir: &Path, tables: &[&str]) -> io::Result<()> {
    let mut t = String::new();
    t.push_str("# Generated by examples/generate.rs: do not edit by hand.\n");
    t.push_str(&format!(
        "[workspace]\nname = \"Generated workspace ({} contacts, seed {})\"\nas_of = \"2024-12-31\"\n\
         default_region = \"US\"\ndate_order = \"ymd\"\n",
        ctx.contacts, ctx.seed
    ));
    for name in ALL_TABLES.iter().filter(|n| tables.contains(n)) {
        t.push_str(&format!(
            "\n[tables.{name}]\npath = \"{name}.csv\"\nkind = \"{name}\"\n"
        ));
        if *name == "contacts" {
            t.push_str("preset = \"hubspot\"\nid = \"Record ID\"\n");
            t.push_str("[tables.contacts.columns]\n\"Lifecycle Stage\" = \"status\"\n\"Contact owner\" = \"owner_id\"\n");
        } else {
            t.push_str("preset = \"generic\"\nid = \"id\"\n");
        }
    }
    fs::write(dir.join("crmaudit.toml"), t)
}

fn usage_text() -> &'static str {
    "usage: generate --rows N --seed S --out DIR [--tables contacts,companies,...] [--manifest FILE]\n\
     \x20      generate --dedupe-truth --rows N --seed S --out DIR   (labelled contacts, see generate/dedupe.rs)\n\
     tables: contacts, companies, leads, deals, tickets, surveys, spend, subscriptions, usage,\n\
     releases, incidents (default: all)"
}

fn main() -> ExitCode {
    let mut rows: u64 = 1000;
    let mut seed: u64 = 42;
    let mut out: Option<PathBuf> = None;
    let mut manifest_path: Option<PathBuf> = None;
    let mut tables: Vec<String> = ALL_TABLES.iter().map(|s| s.to_string()).collect();
    let mut dedupe_truth = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let (key, inline) = match args[i].split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (args[i].clone(), None),
        };
        if key == "-h" || key == "--help" {
            println!("{}", usage_text());
            return ExitCode::SUCCESS;
        }
        if key == "--dedupe-truth" {
            dedupe_truth = true;
            i += 1;
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                match args.get(i) {
                    Some(v) => v.clone(),
                    None => {
                        eprintln!("missing value for {key}\n{}", usage_text());
                        return ExitCode::from(2);
                    }
                }
            }
        };
        match key.as_str() {
            "--rows" | "-n" => match value.replace('_', "").parse() {
                Ok(v) => rows = v,
                Err(_) => {
                    eprintln!("--rows: not a number: {value}");
                    return ExitCode::from(2);
                }
            },
            "--seed" | "-s" => match value.parse() {
                Ok(v) => seed = v,
                Err(_) => {
                    eprintln!("--seed: not a number: {value}");
                    return ExitCode::from(2);
                }
            },
            "--out" | "-o" => out = Some(PathBuf::from(value)),
            "--manifest" => manifest_path = Some(PathBuf::from(value)),
            "--tables" => {
                tables = value
                    .split(',')
                    .map(|t| t.trim().to_string())
                    .filter(|t| !t.is_empty())
                    .collect();
                if tables.iter().any(|t| t == "all") {
                    tables = ALL_TABLES.iter().map(|s| s.to_string()).collect();
                }
                for t in &tables {
                    if !ALL_TABLES.contains(&t.as_str()) {
                        eprintln!("unknown table: {t}\n{}", usage_text());
                        return ExitCode::from(2);
                    }
                }
            }
            _ => {
                eprintln!("unknown argument: {key}\n{}", usage_text());
                return ExitCode::from(2);
            }
        }
        i += 1;
    }
    let Some(out) = out else {
        eprintln!("--out is required\n{}", usage_text());
        return ExitCode::from(2);
    };
    if let Err(e) = fs::create_dir_all(&out) {
        eprintln!("cannot create {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    if dedupe_truth {
        return match dedupe::write(&out, rows, seed) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("writing contacts.csv: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let ctx = Ctx::new(rows, seed);
    let selected: Vec<&str> = ALL_TABLES
        .iter()
        .copied()
        .filter(|t| tables.iter().any(|x| x == t))
        .collect();

    // One thread per table; manifests are collected per table and concatenated in table order.
    let results: Vec<(String, io::Result<()>, Vec<u8>)> = std::thread::scope(|sc| {
        let handles: Vec<_> = selected
            .iter()
            .map(|&name| {
                let ctx = &ctx;
                let out = out.as_path();
                sc.spawn(move || {
                    let mut man = Vec::new();
                    let res = match name {
                        "contacts" => write_contacts(ctx, out, &mut man),
                        "companies" => write_companies(ctx, out, &mut man),
                        "leads" => write_leads(ctx, out, &mut man),
                        "deals" => write_deals(ctx, out, &mut man),
                        "tickets" => write_tickets(ctx, out, &mut man),
                        "surveys" => write_surveys(ctx, out, &mut man),
                        "spend" => write_spend(ctx, out),
                        "subscriptions" => write_subscriptions(ctx, out),
                        "usage" => write_usage(ctx, out),
                        "releases" => write_releases(ctx, out),
                        _ => write_incidents(ctx, out),
                    };
                    (name.to_string(), res, man)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("generator thread panicked"))
            .collect()
    });
    let mut all_manifest = b"table,id,problem,column,value,note\n".to_vec();
    for (name, res, man) in results {
        if let Err(e) = res {
            eprintln!("writing {name}: {e}");
            return ExitCode::FAILURE;
        }
        all_manifest.extend_from_slice(&man);
    }
    if let Err(e) = write_config(&ctx, &out, &selected) {
        eprintln!("writing crmaudit.toml: {e}");
        return ExitCode::FAILURE;
    }
    let written = match &manifest_path {
        Some(p) => fs::write(p, &all_manifest),
        None => Ok(()),
    };
    if let Err(e) = written {
        eprintln!("writing the manifest: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
