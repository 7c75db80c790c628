use std::borrow::Cow;

use foldhash::{HashMap, HashMapExt};

use crate::config::{CheckKind, StyleKind};
use crate::kind::FieldType;
use crate::normalize::country::{country_code, country_spelling_style};
use crate::normalize::date::{DateShape, DateValue};
use crate::normalize::phone::phone_style;
use crate::normalize::text::{CaseStyle, case_style};

use super::dq006_value_not_allowed::picklist_key;
use super::{Check, Ctx, RuleResult, quote};
use crate::wording::plural;

/// DQ020: one column written in several styles.
pub struct InconsistentFormat;

impl Check for InconsistentFormat {
    fn code(&self) -> &'static str {
        "DQ020"
    }
    fn name(&self) -> &'static str {
        "inconsistent-format"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Consistency
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Classifies each value of a column by how it is written and reports the values that are not in \
the column's dominant style: phone numbers by separator style (`+1 415 555 1234`, \
`(415) 555-1234`, `415.555.1234`...), dates by format (`YYYY-MM-DD`, `NN/NN/YYYY`...), countries \
by spelling (code, three-letter code, name), picklists by casing (`Closed`, `closed`, \
`in_progress`). The rule's detail lists every style with its count and the values written \
several ways. Each finding suggests the dominant spelling of the same value when the column has \
one (for phones, the E.164 form; for dates, the ISO date).\n\n\
## Why it matters for KPIs\n\
Mixed styles split groups (`US` / `USA` / `United States` are three countries to a pivot table), \
hide duplicates and are the usual sign of several data-entry paths.\n\n\
## Example\n\
`4155551234`, `(415) 555-1234`, `+1 415 555 1234` and `415.555.1234` are one number in four styles.\n\n\
## Options\n`style = \"auto\"|\"phone\"|\"date\"|\"country\"|\"casing\"` (default `auto`: from the field's type).\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let column = ctx.column();
        let table = ctx.table;
        let distinct = ctx.cache.distinct(table, ctx.table_index, column);
        let style_kind = match ctx.rule.spec.options.style.unwrap_or(StyleKind::Auto) {
            StyleKind::Auto => match table.field_type(column) {
                FieldType::Phone => StyleKind::Phone,
                FieldType::Date => StyleKind::Date,
                FieldType::Country => StyleKind::Country,
                _ => StyleKind::Casing,
            },
            other => other,
        };
        let col = &table.raw.columns[column];
        let raw_of = |id: usize| col.get(distinct.first[id] as usize);

        // Style of each distinct value, interned: a column has a handful of styles but up to a
        // million distinct values, so each value carries a small index, not its own label.
        let dates = (style_kind == StyleKind::Date)
            .then(|| ctx.cache.dates(table, ctx.table_index, column));
        let mut labels = StyleLabels::default();
        let mut date_labels: HashMap<DateShape, u16> = HashMap::new();
        let styles: Vec<u16> = (0..distinct.first.len())
            .map(|id| match style_kind {
                StyleKind::Phone => labels.intern(phone_style(raw_of(id))),
                StyleKind::Date => {
                    let shape = dates.expect("set for dates")[id].0;
                    *date_labels
                        .entry(shape)
                        .or_insert_with(|| labels.intern_owned(shape.to_string()))
                }
                StyleKind::Country => labels.intern(country_spelling_style(raw_of(id))),
                StyleKind::Casing | StyleKind::Auto => labels.intern(casing_label(raw_of(id))),
            })
            .collect();

        // The comparison key is per *unit*: a distinct value, or for phones a distinct value read
        // in one region (the same digits are different numbers in different countries). Units
        // are numbered in order of first occurrence, like distinct values.
        let phones = (style_kind == StyleKind::Phone)
            .then(|| ctx.cache.phones(table, ctx.table_index, column));
        let unit_value: Vec<u32> = match phones {
            Some(p) => p.values.clone(),
            None => (0..distinct.first.len() as u32).collect(),
        };
        let unit_of = |record: usize| -> Option<usize> {
            match phones {
                Some(p) => (p.key[record] != u32::MAX).then_some(p.key[record] as usize),
                None => {
                    let id = distinct.ids[record] as usize;
                    (!distinct.missing[id]).then_some(id)
                }
            }
        };
        let keys: Vec<Option<Cow<str>>> = (0..unit_value.len())
            .map(|unit| {
                let id = unit_value[unit] as usize;
                if distinct.missing[id] {
                    return None;
                }
                match style_kind {
                    StyleKind::Phone => phones.expect("set for phones").parsed[unit]
                        .as_ref()
                        .ok()
                        .map(|ph| Cow::Borrowed(ph.e164.as_str())),
                    StyleKind::Date => match &dates.expect("set for dates")[id].1 {
                        Ok(DateValue::Date(d)) => Some(Cow::Owned(d.to_string())),
                        // Accepted by the table's config, a serial is the date it stands for:
                        // it gets that ISO date as its fix like any other off-style date.
                        Ok(DateValue::ExcelSerial { date, .. }) if table.excel_serial_dates => {
                            Some(Cow::Owned(date.to_string()))
                        }
                        _ => None,
                    },
                    StyleKind::Country => country_code(raw_of(id)).map(Cow::Borrowed),
                    StyleKind::Casing | StyleKind::Auto => {
                        Some(Cow::Owned(picklist_key(raw_of(id))))
                    }
                }
            })
            .collect();

        let casing = matches!(style_kind, StyleKind::Casing | StyleKind::Auto);
        let neutral = labels.find(NEUTRAL);
        let lower_word = labels.find(LOWER_WORD).filter(|_| casing);
        let snake = labels.find("snake_case");
        let lowercase = labels.find("lowercase");
        let mut style_counts = vec![0usize; labels.names.len()];
        let mut checked = 0;
        for (id, &count) in distinct.counts.iter().enumerate() {
            if !distinct.missing[id] {
                checked += count as usize;
                style_counts[styles[id] as usize] += count as usize;
            }
        }
        // Styles in name order, as the detail lists them.
        let mut order: Vec<u16> = (0..labels.names.len() as u16)
            .filter(|&s| style_counts[s as usize] > 0)
            .collect();
        order.sort_by(|&a, &b| labels.names[a as usize].cmp(&labels.names[b as usize]));
        // A single lowercase word (`open`) is also valid snake_case and valid lowercase: it
        // supports whichever of those the column uses instead of competing with it.
        let absorbs = |s: u16| lower_word.is_some() && (Some(s) == snake || Some(s) == lowercase);
        let absorbed = order.iter().any(|&s| absorbs(s));
        let support = |s: u16| {
            style_counts[s as usize]
                + match lower_word {
                    Some(lw) if absorbs(s) => style_counts[lw as usize],
                    _ => 0,
                }
        };
        // Values that fit any convention cast no vote.
        let candidates: Vec<u16> = order
            .iter()
            .copied()
            .filter(|&s| !casing || Some(s) != neutral)
            .filter(|&s| !(absorbed && Some(s) == lower_word))
            .collect();
        // Most records wins; on a tie the unambiguous standard (ISO dates, international
        // phones), then the first style in name order, for determinism. Values in no
        // recognised style (`=1+1` in a phone column, `Narnia` as a country, a number standing
        // for a date) are off-style whatever the others do, but never the style the others
        // are told to follow, however many they are.
        let dominant = candidates
            .iter()
            .rev()
            .filter(|&&s| is_a_style(style_kind, &labels.names[s as usize]))
            .max_by_key(|&&s| (support(s), is_standard(&labels.names[s as usize])))
            .copied();
        let Some(dominant) = dominant.filter(|_| candidates.len() >= 2) else {
            return RuleResult {
                checked,
                ..RuleResult::default()
            };
        };
        let dominant_label = labels.names[dominant as usize].as_ref();
        let dominant_count = support(dominant);
        // When values in no style outnumber it, "most common" alone would not be true
        // (picklist values that fit any convention are not counted against it).
        let outnumbered = order.iter().any(|&s| {
            Some(s) != neutral
                && !is_a_style(style_kind, &labels.names[s as usize])
                && style_counts[s as usize] > dominant_count
        });
        let most_common = if outnumbered {
            "most common recognised style"
        } else {
            "most common style"
        };
        let conflicts = |style: u16| -> bool {
            if !casing {
                return style != dominant;
            }
            !(style == dominant
                || Some(style) == neutral
                || (Some(style) == lower_word && absorbs(dominant)))
        };

        // Per key: the most common dominant-style spelling (the suggested fix), and whether the
        // key is written several ways (for the detail).
        let mut best: HashMap<&str, (usize, u32)> = HashMap::new();
        let mut spellings: HashMap<&str, (&str, bool)> = HashMap::new();
        for (unit, key) in keys.iter().enumerate() {
            let Some(key) = key.as_deref() else { continue };
            let id = unit_value[unit] as usize;
            let raw = raw_of(id).trim();
            let entry = spellings.entry(key).or_insert((raw, false));
            entry.1 |= entry.0 != raw;
            // Phones suggest their E.164 form, never another spelling.
            if phones.is_none() && !conflicts(styles[id]) {
                let entry = best.entry(key).or_insert((id, 0));
                if distinct.counts[id] > entry.1 {
                    *entry = (id, distinct.counts[id]);
                }
            }
        }

        let mut findings = Vec::new();
        for record in 0..distinct.ids.len() {
            let Some(unit) = unit_of(record) else {
                continue;
            };
            let id = unit_value[unit] as usize;
            if !conflicts(styles[id]) {
                continue;
            }
            let suggestion = match (keys[unit].as_deref(), phones) {
                // Phones: the E.164 form, keeping an extension, whatever the dominant style.
                (Some(_), Some(p)) => p.parsed[unit].as_ref().ok().map(|ph| match &ph.extension {
                    Some(ext) => format!("{} x{ext}", ph.e164),
                    None => ph.e164.clone(),
                }),
                // Dates: the ISO date, unambiguous whatever the column's habit; a value that is
                // already ISO gets the column's own spelling of that date.
                (Some(k), None)
                    if style_kind == StyleKind::Date
                        && !is_standard(&labels.names[styles[id] as usize]) =>
                {
                    Some(k.to_string())
                }
                (Some(k), None) => match best.get(k) {
                    Some(&(best_id, _)) => Some(raw_of(best_id).trim().to_string()),
                    // A formula recased is still no picklist value.
                    None if casing
                        && is_a_style(style_kind, &labels.names[styles[id] as usize]) =>
                    {
                        Some(recase(raw_of(id).trim(), dominant_label))
                    }
                    None => None,
                },
                _ => None,
            };
            findings.push(ctx.finding(
                record,
                Some(column),
                format!(
                    "{} is written as {}; the column's {most_common} is {dominant_label} ({dominant_count} of {checked} values)",
                    quote(raw_of(id)),
                    labels.names[styles[id] as usize]
                ),
                suggestion,
            ));
        }

        let listed: Vec<String> = order
            .iter()
            .map(|&s| {
                format!(
                    "{} ({})",
                    labels.names[s as usize], style_counts[s as usize]
                )
            })
            .collect();
        let mut detail = format!("{} styles: {}", order.len(), listed.join(", "));
        let several = spellings.values().filter(|(_, several)| *several).count();
        if let Some(example) = spellings
            .iter()
            .filter(|(_, (_, several))| *several)
            .map(|(key, _)| *key)
            .min()
        {
            // Up to six spellings of the first such key, in order of first occurrence.
            let mut variants: Vec<&str> = Vec::new();
            for (unit, key) in keys.iter().enumerate() {
                if key.as_deref() == Some(example) {
                    let raw = raw_of(unit_value[unit] as usize).trim();
                    if variants.len() < 6 && !variants.contains(&raw) {
                        variants.push(raw);
                    }
                }
            }
            let shown: Vec<String> = variants.iter().map(|v| quote(v)).collect();
            detail.push_str(&format!(
                "; {} written several ways, e.g. {example} as {}",
                plural(several, "value", "values"),
                shown.join(", ")
            ));
        }
        RuleResult {
            violations: findings.len(),
            findings,
            checked,
            detail: Some(detail),
            duplicates: None,
        }
    }
}

/// Style labels of one column, each stored once.
#[derive(Default)]
struct StyleLabels {
    names: Vec<Cow<'static, str>>,
    index: HashMap<Cow<'static, str>, u16>,
}

impl StyleLabels {
    fn intern(&mut self, label: &'static str) -> u16 {
        if let Some(&i) = self.index.get(label) {
            return i;
        }
        self.push(Cow::Borrowed(label))
    }

    fn intern_owned(&mut self, label: String) -> u16 {
        if let Some(&i) = self.index.get(label.as_str()) {
            return i;
        }
        self.push(Cow::Owned(label))
    }

    fn push(&mut self, label: Cow<'static, str>) -> u16 {
        let i = self.names.len() as u16;
        self.names.push(label.clone());
        self.index.insert(label, i);
        i
    }

    fn find(&self, label: &str) -> Option<u16> {
        self.index.get(label).copied()
    }
}

/// The writing convention of a picklist value. Acronyms (`SEO`, `CRM`) and values without
/// letters fit any convention; a single lowercase word fits both `lowercase` and `snake_case`;
/// brand-style capitals (`LinkedIn Ads`) count as capitalised like `Closed Won`. A value that
/// starts as a spreadsheet formula (`=1+1`, `@SUM(A1:B2)`, `+CMD`) is in no convention, whatever
/// its letters: `@SUM(A1:B2)` is not UPPERCASE, and however many there are, they never set the
/// column's convention.
fn casing_label(raw: &str) -> &'static str {
    let raw = raw.trim();
    if raw.starts_with(['=', '+', '@']) {
        return FORMULA;
    }
    let letters = raw.chars().filter(|c| c.is_alphabetic()).count();
    match case_style(raw) {
        CaseStyle::NoLetters => NEUTRAL,
        CaseStyle::Upper if letters <= 4 && !raw.contains([' ', '_']) => NEUTRAL,
        CaseStyle::Upper if raw.contains('_') => "UPPER_SNAKE",
        CaseStyle::Upper => "UPPERCASE",
        _ if raw.contains('_') => "snake_case",
        CaseStyle::Lower if !raw.contains([' ', '-']) => LOWER_WORD,
        CaseStyle::Lower => "lowercase",
        CaseStyle::Title | CaseStyle::Mixed => "Capitalised",
    }
}

const NEUTRAL: &str = "acronym or no letters";
const FORMULA: &str = "formula";
const LOWER_WORD: &str = "lowercase word";

/// Whether a label names a way of writing valid values, which a column may follow: not the
/// catch-all of values the classifier does not recognise, and not an Excel serial (a number
/// standing for a date, however it is accepted, is no way of writing dates).
fn is_a_style(kind: StyleKind, label: &str) -> bool {
    match kind {
        StyleKind::Phone => label != "other",
        StyleKind::Date => label != "unrecognised" && label != "Excel serial",
        StyleKind::Country => label != "unknown",
        StyleKind::Casing | StyleKind::Auto => label != NEUTRAL && label != FORMULA,
    }
}

/// The unambiguous standard spellings, preferred when two styles are equally common.
fn is_standard(label: &str) -> bool {
    matches!(
        label,
        "YYYY-MM-DD" | "ISO date-time" | "+E.164 (no spaces)" | "+international with separators"
    )
}

/// `raw` rewritten in a casing convention, for a value no record spells that way yet.
fn recase(raw: &str, convention: &str) -> String {
    let words = raw
        .split(|c: char| c == '_' || c == '-' || c.is_whitespace())
        .filter(|w| !w.is_empty());
    match convention {
        "snake_case" => words.map(str::to_lowercase).collect::<Vec<_>>().join("_"),
        "UPPER_SNAKE" => words.map(str::to_uppercase).collect::<Vec<_>>().join("_"),
        "UPPERCASE" => words.map(str::to_uppercase).collect::<Vec<_>>().join(" "),
        "lowercase" | LOWER_WORD => words.map(str::to_lowercase).collect::<Vec<_>>().join(" "),
        // Capitalised: the first letter of each word up, the rest as written (`LinkedIn`).
        _ => words
            .map(|w| {
                let mut chars = w.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                    None => String::new(),
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}
