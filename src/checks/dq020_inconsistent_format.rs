use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use crate::config::{CheckKind, StyleKind};
use crate::kind::FieldType;
use crate::normalize::country::{country_code, country_spelling_style};
use crate::normalize::date::DateValue;
use crate::normalize::phone::phone_style;
use crate::normalize::text::{CaseStyle, case_style};

use super::dq006_value_not_allowed::picklist_key;
use super::{Check, Ctx, RuleResult, quote};

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

        // Style and comparison key of each distinct value (phones: key per record, below).
        let dates = (style_kind == StyleKind::Date)
            .then(|| ctx.cache.dates(table, ctx.table_index, column));
        let mut styles: Vec<String> = Vec::with_capacity(distinct.first.len());
        let mut keys: Vec<Option<String>> = Vec::with_capacity(distinct.first.len());
        for id in 0..distinct.first.len() {
            let raw = raw_of(id);
            let (style, key) = match style_kind {
                StyleKind::Phone => (phone_style(raw).to_string(), None),
                StyleKind::Date => {
                    let (shape, parsed) = &dates.expect("set for dates")[id];
                    let key = match parsed {
                        Ok(DateValue::Date(d)) => Some(d.to_string()),
                        _ => None,
                    };
                    (shape.to_string(), key)
                }
                StyleKind::Country => (
                    country_spelling_style(raw).to_string(),
                    country_code(raw).map(str::to_string),
                ),
                StyleKind::Casing | StyleKind::Auto => {
                    (casing_label(raw).to_string(), Some(picklist_key(raw)))
                }
            };
            styles.push(style);
            keys.push(key);
        }
        let phones = (style_kind == StyleKind::Phone)
            .then(|| ctx.cache.phones(table, ctx.table_index, column));
        let record_key = |record: usize, id: usize| -> Option<String> {
            match phones {
                Some(p) => match p.key[record] {
                    u32::MAX => None,
                    k => p.parsed[k as usize].as_ref().ok().map(|ph| ph.e164.clone()),
                },
                None => keys[id].clone(),
            }
        };

        let casing = matches!(style_kind, StyleKind::Casing | StyleKind::Auto);
        let mut style_counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut checked = 0;
        for &id in &distinct.ids {
            if !distinct.missing[id as usize] {
                checked += 1;
                *style_counts.entry(&styles[id as usize]).or_default() += 1;
            }
        }
        // Values that fit any convention cast no vote.
        let voting = style_counts
            .keys()
            .filter(|s| !casing || **s != NEUTRAL)
            .count();
        if voting < 2 {
            return RuleResult {
                checked,
                ..RuleResult::default()
            };
        }
        // Most records wins; ties go to the first style in name order, for determinism.
        let dominant: &str = style_counts
            .iter()
            .filter(|(s, _)| !casing || **s != NEUTRAL)
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(s, _)| *s)
            .expect("two styles at least");
        let dominant_count = style_counts[dominant];

        // The most common dominant-style spelling of each key, as the suggested fix.
        let mut best: HashMap<String, (usize, u32)> = HashMap::new();
        let mut spellings: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (record, &id) in distinct.ids.iter().enumerate() {
            let id = id as usize;
            if distinct.missing[id] {
                continue;
            }
            let Some(key) = record_key(record, id) else {
                continue;
            };
            let variants = spellings.entry(key.clone()).or_default();
            let raw = raw_of(id).trim();
            if variants.len() < 6 && !variants.iter().any(|v| v == raw) {
                variants.push(raw.to_string());
            }
            if styles[id] == dominant {
                let entry = best.entry(key).or_insert((id, 0));
                if distinct.counts[id] > entry.1 {
                    *entry = (id, distinct.counts[id]);
                }
            }
        }

        let mut findings = Vec::new();
        for (record, &id) in distinct.ids.iter().enumerate() {
            let id = id as usize;
            if distinct.missing[id] || !conflicts(&styles[id], dominant, casing) {
                continue;
            }
            let key = record_key(record, id);
            let suggestion = match (&key, phones) {
                // Phones: the E.164 form, keeping an extension, whatever the dominant style.
                (Some(_), Some(p)) => {
                    p.parsed[p.key[record] as usize]
                        .as_ref()
                        .ok()
                        .map(|ph| match &ph.extension {
                            Some(ext) => format!("{} x{ext}", ph.e164),
                            None => ph.e164.clone(),
                        })
                }
                (Some(k), None) if best.contains_key(k) => {
                    Some(raw_of(best[k].0).trim().to_string())
                }
                (Some(k), None) if style_kind == StyleKind::Date => Some(k.clone()),
                _ => None,
            };
            findings.push(ctx.finding(
                record,
                Some(column),
                format!(
                    "{} is written as {}; most values ({dominant_count} of {checked}) are written as {dominant}",
                    quote(raw_of(id)),
                    styles[id]
                ),
                suggestion,
            ));
        }

        let listed: Vec<String> = style_counts
            .iter()
            .map(|(style, count)| format!("{style} ({count})"))
            .collect();
        let mut detail = format!("{} styles: {}", style_counts.len(), listed.join(", "));
        let several: Vec<(&String, &Vec<String>)> =
            spellings.iter().filter(|(_, v)| v.len() > 1).collect();
        if !several.is_empty() {
            let (key, variants) = several[0];
            let shown: Vec<String> = variants.iter().map(|v| quote(v)).collect();
            detail.push_str(&format!(
                "; {} value(s) written several ways, e.g. {key} as {}",
                several.len(),
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

/// The writing convention of a picklist value. Acronyms (`SEO`, `CRM`) and values without
/// letters fit any convention; a single lowercase word fits both `lowercase` and `snake_case`;
/// brand-style capitals (`LinkedIn Ads`) count as capitalised like `Closed Won`.
fn casing_label(raw: &str) -> &'static str {
    let raw = raw.trim();
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
const LOWER_WORD: &str = "lowercase";

/// Whether a value written in `style` breaks a column whose dominant style is `dominant`.
fn conflicts(style: &str, dominant: &str, casing: bool) -> bool {
    if !casing {
        return style != dominant;
    }
    !(style == dominant || style == NEUTRAL || (style == LOWER_WORD && dominant == "snake_case"))
}
