//! Which record of a cluster survives a merge, and what the others bring to it.

use serde::Serialize;

use crate::checks::Cache;
use crate::config::dedupe::SurvivorRule;
use crate::dataset::Table;
use crate::normalize::date::DateValue;
use crate::normalize::text::is_missing;

/// A field the survivor lacks and another member has.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MergeField {
    pub field: String,
    pub value: String,
    pub from_record_id: String,
    pub from_row: u64,
}

pub struct Survivorship {
    /// Members in order of preference; the first survives.
    pub ranked: Vec<u32>,
    /// Why the first won, e.g. "most complete (14 of 15 fields)".
    pub reason: String,
    pub merge: Vec<MergeField>,
}

fn filled(table: &Table, record: usize) -> usize {
    (0..table.raw.columns.len())
        .filter(|&c| !is_missing(table.cell(record, c)))
        .count()
}

/// Days since the epoch of a record's date in the first of `fields` it has.
fn date_of(table: &Table, t: usize, cache: &Cache, fields: &[&str], record: usize) -> Option<i64> {
    for field in fields {
        let Some(col) = table.resolve_field(field) else {
            continue;
        };
        let distinct = cache.distinct(table, t, col);
        let id = distinct.ids[record] as usize;
        if distinct.missing[id] {
            continue;
        }
        let dates = cache.dates(table, t, col);
        if let Ok(DateValue::Date(d)) | Ok(DateValue::ExcelSerial { date: d, .. }) = &dates[id].1 {
            let epoch = jiff::civil::date(1970, 1, 1);
            return Some((*d - epoch).get_days() as i64);
        }
    }
    None
}

const ACTIVITY: &[&str] = &["last_activity_at", "updated_at", "created_at"];
const CREATED: &[&str] = &["created_at"];

/// Fills the memo cells [`choose`] reads, before clusters are chosen in parallel.
pub fn prepare(table: &Table, t: usize, cache: &Cache) {
    for field in ACTIVITY {
        if let Some(col) = table.resolve_field(field) {
            cache.distinct(table, t, col);
            cache.dates(table, t, col);
        }
    }
}

pub fn choose(
    table: &Table,
    t: usize,
    cache: &Cache,
    rules: &[SurvivorRule],
    members: &[u32],
) -> Survivorship {
    // One sort key per rule, smaller is better.
    let key = |record: u32, rule: SurvivorRule| -> i64 {
        let r = record as usize;
        match rule {
            SurvivorRule::MostComplete => -(filled(table, r) as i64),
            SurvivorRule::MostRecent => {
                -date_of(table, t, cache, ACTIVITY, r).unwrap_or(i64::MIN / 2)
            }
            SurvivorRule::Oldest => date_of(table, t, cache, CREATED, r).unwrap_or(i64::MAX / 2),
            SurvivorRule::First => r as i64,
            // Ordered by `Table::id_cmp` below, after the rules before it.
            SurvivorRule::LowestId => 0,
        }
    };
    let mut sorted: Vec<(Vec<i64>, u32)> = members
        .iter()
        .map(|&m| (rules.iter().map(|&rule| key(m, rule)).collect(), m))
        .collect();
    // The rules up to `lowest_id`, the id order, the rules after it; without `lowest_id` in
    // the list the id order comes after all of them, so a tie never falls to the file order
    // unless `first` says so (or the ids are equal too).
    let cut = rules
        .iter()
        .position(|&r| r == SurvivorRule::LowestId)
        .unwrap_or(rules.len());
    let order = |(ka, a): &(Vec<i64>, u32), (kb, b): &(Vec<i64>, u32)| {
        ka[..cut]
            .cmp(&kb[..cut])
            .then_with(|| table.id_cmp(*a as usize, *b as usize))
            .then_with(|| ka[cut..].cmp(&kb[cut..]))
            .then_with(|| a.cmp(b))
    };
    sorted.sort_by(order);
    let ranked: Vec<u32> = sorted.iter().map(|(_, m)| *m).collect();
    let best = ranked[0] as usize;
    let reason = {
        let decisive = sorted.get(1).and_then(|next| {
            let top = &sorted[0];
            let differs = |i: usize| top.0[i] != next.0[i];
            if let Some(i) = (0..cut).find(|&i| differs(i)) {
                Some(rules[i])
            } else if table.id_cmp(top.1 as usize, next.1 as usize).is_ne() {
                Some(SurvivorRule::LowestId)
            } else {
                (cut..rules.len()).find(|&i| differs(i)).map(|i| rules[i])
            }
        });
        match decisive {
            Some(SurvivorRule::MostComplete) => format!(
                "most complete ({} of {} fields filled)",
                filled(table, best),
                table.raw.columns.len()
            ),
            Some(SurvivorRule::MostRecent) => "most recently active".to_string(),
            Some(SurvivorRule::Oldest) => "created first".to_string(),
            Some(SurvivorRule::LowestId) => "lowest record id".to_string(),
            Some(SurvivorRule::First) | None => "first in the file".to_string(),
        }
    };
    let mut merge = Vec::new();
    for col in 0..table.raw.columns.len() {
        if Some(col) == table.id_column || !is_missing(table.cell(best, col)) {
            continue;
        }
        if let Some(&from) = ranked[1..]
            .iter()
            .find(|&&m| !is_missing(table.cell(m as usize, col)))
        {
            let from = from as usize;
            merge.push(MergeField {
                field: table.header(col).to_string(),
                value: table.cell(from, col).to_string(),
                from_record_id: table.record_id(from),
                from_row: table.line(from),
            });
        }
    }
    Survivorship {
        ranked,
        reason,
        merge,
    }
}
