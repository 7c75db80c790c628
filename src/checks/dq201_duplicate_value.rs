use std::borrow::Cow;

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use crate::config::{CheckKind, rule_pack::UniqueNormalize};
use crate::kind::FieldType;
use crate::normalize::text::fold_key;

use super::intern::intern;
use super::{Check, Ctx, RuleResult, quote};
use crate::wording::plural;

/// DQ201: a value that should be unique appears on several records.
pub struct DuplicateValue;

impl Check for DuplicateValue {
    fn code(&self) -> &'static str {
        "DQ201"
    }
    fn name(&self) -> &'static str {
        "duplicate-value"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Unique
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Groups records by the normalised value of a field that should be unique (ids, emails) and \
reports every record of a group except the one it keeps (the lowest record id, `C-9` before \
`C-10`; among equal ids the first in the file): the *surplus* records, those that would \
disappear if each group were merged into the kept one. Keeping by id rather than by line means \
the same records exported in another order give the same findings. The violation count is the number \
of surplus records; the rule's detail also gives the number of duplicate groups and of records \
involved. Values are compared normalised: emails trimmed and case-folded, phones as E.164, \
text trimmed and case-folded, ids trimmed but case-sensitive (Salesforce 15-character ids \
differ by case).\n\n\
## Why it matters for KPIs\n\
Duplicates inflate counts (leads, active users), split activity histories and deflate \
conversion rates.\n\n\
## Example\n\
Emails a, a, b, b, b, c: 2 duplicate groups, 5 records involved, 3 surplus records \
(violations = 3 of 6 checked).\n\n\
## Options\n`normalize = \"auto\"|\"exact\"|\"fold\"` (default `auto`: by the field's type).\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let column = ctx.column();
        let table = ctx.table;
        let distinct = ctx.cache.distinct(table, ctx.table_index, column);
        let field_type = table.field_type(column);
        let mode = match ctx
            .rule
            .spec
            .options
            .normalize
            .unwrap_or(UniqueNormalize::Auto)
        {
            UniqueNormalize::Auto if field_type == FieldType::Id => UniqueNormalize::Exact,
            other => other,
        };
        let emails = (mode == UniqueNormalize::Auto && field_type == FieldType::Email)
            .then(|| ctx.cache.emails(table, ctx.table_index, column));
        let phones = (mode == UniqueNormalize::Auto && field_type == FieldType::Phone)
            .then(|| ctx.cache.phones(table, ctx.table_index, column));
        let col = &table.raw.columns[column];
        let raw_of = |id: usize| col.get(distinct.first[id] as usize);
        // One key per unit: a distinct value, or for phones a distinct value read in one region
        // (the same digits are different numbers in different countries).
        let value_key = |id: usize| -> Cow<str> {
            let raw = raw_of(id);
            match (mode, emails) {
                (UniqueNormalize::Exact, _) => Cow::Borrowed(raw.trim()),
                (_, Some(emails)) => match &emails[id] {
                    Ok(canonical) => Cow::Borrowed(canonical.as_str()),
                    Err(_) => Cow::Owned(fold_key(raw)),
                },
                _ => Cow::Owned(fold_key(raw)),
            }
        };
        let keys: Vec<Cow<str>> = match phones {
            Some(p) => p
                .values
                .par_iter()
                .zip(&p.parsed)
                .map(|(&id, parsed)| match parsed {
                    Ok(phone) => Cow::Borrowed(phone.e164.as_str()),
                    Err(_) => value_key(id as usize),
                })
                .collect(),
            None => (0..distinct.first.len())
                .into_par_iter()
                .with_min_len(1024)
                .map(value_key)
                .collect(),
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
        // Units whose keys are their raw values (exact ids written without padding, the usual
        // case) are already numbered by the distinct pass.
        let identity = mode == UniqueNormalize::Exact
            && phones.is_none()
            && keys
                .iter()
                .enumerate()
                .all(|(id, k)| k.len() == raw_of(id).len());
        let key_ids: Vec<u32> = if identity {
            (0..keys.len() as u32).collect()
        } else {
            intern(keys.len(), |u| &keys[u]).ids
        };

        // The record each group keeps: the lowest id, not the first line, so that the same
        // records exported in another order report the same surplus records.
        let mut first_of: Vec<u32> = vec![u32::MAX; keys.len()];
        let mut group_size: Vec<u32> = vec![0; keys.len()];
        let mut checked = 0;
        for record in 0..distinct.ids.len() {
            let Some(unit) = unit_of(record) else {
                continue;
            };
            checked += 1;
            let key = key_ids[unit] as usize;
            group_size[key] += 1;
            let kept = first_of[key];
            if kept == u32::MAX || table.id_cmp(record, kept as usize).is_lt() {
                first_of[key] = record as u32;
            }
        }
        let mut surplus: Vec<(usize, usize, usize)> = Vec::new();
        for record in 0..distinct.ids.len() {
            let Some(unit) = unit_of(record) else {
                continue;
            };
            let first = first_of[key_ids[unit] as usize] as usize;
            if first != record {
                surplus.push((record, first, unit));
            }
        }
        let header = ctx.field_label(column);
        let findings: Vec<_> = surplus
            .iter()
            .map(|&(record, first, unit)| {
                ctx.finding(
                    record,
                    Some(column),
                    format!(
                        "same `{header}` as record {} (line {}): {} records share {}",
                        table.record_id(first),
                        table.line(first),
                        group_size[key_ids[unit] as usize],
                        quote(&keys[unit])
                    ),
                    Some(format!("merge into record {}", table.record_id(first))),
                )
            })
            .collect();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut group_of: HashMap<usize, usize> = HashMap::new();
        for &(record, first, _) in &surplus {
            let group = *group_of.entry(first).or_insert_with(|| {
                members.push(vec![first]);
                members.len() - 1
            });
            members[group].push(record);
        }
        let groups = group_size.iter().filter(|&&n| n > 1).count();
        let involved: usize = group_size
            .iter()
            .filter(|&&n| n > 1)
            .map(|&n| n as usize)
            .sum();
        RuleResult {
            violations: findings.len(),
            duplicates: Some(super::DuplicateCounts {
                groups,
                records_in_groups: involved,
                surplus_records: findings.len(),
                members,
                entities: None,
            }),
            detail: (groups > 0).then(|| {
                format!(
                    "{}, {} involved, {} (violations count the surplus: the records that would go if each group were merged)",
                    plural(groups, "duplicate group", "duplicate groups"),
                    plural(involved, "record", "records"),
                    plural(findings.len(), "surplus record", "surplus records")
                )
            }),
            findings,
            checked,
        }
    }
}
