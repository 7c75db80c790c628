use foldhash::{HashMap, HashMapExt};

use crate::config::{CheckKind, rule_pack::UniqueNormalize};
use crate::kind::FieldType;
use crate::normalize::text::fold_key;

use super::{Check, Ctx, RuleResult, quote};

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
reports every record of a group except the first: the *surplus* records, those that would \
disappear if each group were merged into its first record. The violation count is the number \
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
        // One key per distinct value (per record for phones, whose region varies by record).
        let distinct_keys: Vec<String> = distinct
            .first
            .iter()
            .enumerate()
            .map(|(id, &record)| {
                let raw = col.get(record as usize);
                match (mode, emails) {
                    (UniqueNormalize::Exact, _) => raw.trim().to_string(),
                    (_, Some(emails)) => match &emails[id] {
                        Ok(canonical) => canonical.clone(),
                        Err(_) => fold_key(raw),
                    },
                    _ => fold_key(raw),
                }
            })
            .collect();
        let key_of = |record: usize, id: usize| -> &str {
            if let Some(p) = phones
                && p.key[record] != u32::MAX
                && let Ok(phone) = &p.parsed[p.key[record] as usize]
            {
                return &phone.e164;
            }
            &distinct_keys[id]
        };

        let mut first_of: HashMap<&str, usize> = HashMap::with_capacity(distinct.first.len());
        let mut group_size: HashMap<&str, usize> = HashMap::new();
        let mut checked = 0;
        let mut surplus = Vec::new();
        for (record, &id) in distinct.ids.iter().enumerate() {
            if distinct.missing[id as usize] {
                continue;
            }
            checked += 1;
            let key = key_of(record, id as usize);
            match first_of.get(key) {
                Some(&first) => {
                    *group_size.entry(key).or_insert(1) += 1;
                    surplus.push((record, first, key));
                }
                None => {
                    first_of.insert(key, record);
                }
            }
        }
        let header = ctx.field_label(column);
        let findings: Vec<_> = surplus
            .iter()
            .map(|&(record, first, key)| {
                ctx.finding(
                    record,
                    Some(column),
                    format!(
                        "same `{header}` as record {} (line {}): {} records share {}",
                        table.record_id(first),
                        table.line(first),
                        group_size[key],
                        quote(key)
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
        let groups = group_size.len();
        let involved: usize = group_size.values().sum();
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
                    "{groups} duplicate group(s), {involved} records involved, {} surplus records (violations count the surplus: the records that would go if each group were merged)",
                    findings.len()
                )
            }),
            findings,
            checked,
        }
    }
}
