//! Two runs compared: score and table deltas, rule outcome changes, new and fixed findings,
//! KPI moves against the previous interval, changed inputs.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::alerts::KpiInterval;
use crate::kpi::result::Range;
use crate::report::history::{
    Changes, Delta, FindingChanges, FindingGroupChange, KpiChange, RuleChange, TableDelta,
};

use super::keys::{self, GroupKey};
use super::snapshot::{KpiState, Snapshot};

/// `current` against `previous`. `id_limit` caps the record ids listed per group (the counts
/// stay complete).
pub fn compare(
    current: &Snapshot,
    previous: &Snapshot,
    interval: KpiInterval,
    id_limit: Option<usize>,
) -> Changes {
    Changes {
        score: Some(Delta {
            previous: previous.score,
            current: current.score,
            change: round(current.score - previous.score),
        }),
        tables: tables(current, previous),
        rules: rules(current, previous),
        findings: findings(current, previous, id_limit),
        kpis: kpis(current, previous, interval),
        inputs_changed: inputs_changed(current, previous),
    }
}

/// Score differences carry the scores' 4 decimals, without float noise (`-0.30000000000000004`).
fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn tables(current: &Snapshot, previous: &Snapshot) -> Vec<TableDelta> {
    let names: BTreeSet<&str> = current
        .tables
        .iter()
        .chain(&previous.tables)
        .map(|t| t.0.as_str())
        .collect();
    names
        .into_iter()
        .map(|name| {
            let (p, c) = (previous.table_score(name), current.table_score(name));
            TableDelta {
                name: name.to_string(),
                previous: p,
                current: c,
                change: p.zip(c).map(|(p, c)| round(c - p)),
            }
        })
        .collect()
}

fn rules(current: &Snapshot, previous: &Snapshot) -> Vec<RuleChange> {
    let places: BTreeSet<(&str, &str, &str)> = current
        .rules
        .iter()
        .chain(&previous.rules)
        .map(|r| r.place())
        .collect();
    places
        .into_iter()
        .filter_map(|(code, table, field)| {
            let (p, c) = (
                previous.rule(code, table, field),
                current.rule(code, table, field),
            );
            let unchanged = matches!((p, c), (Some(p), Some(c))
                if p.outcome == c.outcome && p.violations == c.violations);
            if unchanged {
                return None;
            }
            let name = c.or(p).map(|r| r.name.clone()).unwrap_or_default();
            Some(RuleChange {
                code: code.to_string(),
                name,
                table: table.to_string(),
                field: field.to_string(),
                previous: p.map(|r| r.outcome),
                current: c.map(|r| r.outcome),
                previous_violations: p.map(|r| r.violations),
                violations: c.map(|r| r.violations),
            })
        })
        .collect()
}

fn ran(snapshot: &Snapshot, code: &str, table: &str) -> bool {
    snapshot
        .rules
        .iter()
        .any(|r| r.code == code && r.table == table)
}

fn findings(current: &Snapshot, previous: &Snapshot, id_limit: Option<usize>) -> FindingChanges {
    let (Some(cur), Some(prev)) = (&current.keys, &previous.keys) else {
        return findings_by_counts(current, previous);
    };
    let take = |ids: Vec<&str>| -> Vec<String> {
        ids.into_iter()
            .take(id_limit.unwrap_or(usize::MAX))
            .map(str::to_string)
            .collect()
    };
    let mut out = FindingChanges::default();
    let keys: BTreeSet<&GroupKey> = cur.groups.keys().chain(prev.groups.keys()).collect();
    let empty = keys::IdList::default();
    for key in keys {
        let (c, p) = (cur.groups.get(key), prev.groups.get(key));
        if c.is_none() && !ran(current, &key.code, &key.table) {
            out.no_longer_checked += p.map_or(0, |g| g.ids.len());
            continue;
        }
        let (new, fixed) = keys::diff(p.map_or(&empty, |g| &g.ids), c.map_or(&empty, |g| &g.ids));
        if new.is_empty() && fixed.is_empty() {
            continue;
        }
        let group = c.or(p).expect("a key of one of the two runs");
        out.new += new.len();
        out.fixed += fixed.len();
        out.groups.push(FindingGroupChange {
            table: key.table.clone(),
            field: key.field.clone(),
            code: key.code.clone(),
            rule: group.rule.clone(),
            severity: group.severity,
            new: new.len(),
            fixed: fixed.len(),
            new_ids: take(new),
            fixed_ids: take(fixed),
        });
    }
    out
}

/// Without finding keys on one side, the violation counts per rule say at least how many
/// findings came and went.
fn findings_by_counts(current: &Snapshot, previous: &Snapshot) -> FindingChanges {
    let mut out = FindingChanges::default();
    let mut groups: BTreeMap<(&str, &str, &str), FindingGroupChange> = BTreeMap::new();
    for c in &current.rules {
        let before = previous.rule(&c.code, &c.table, &c.field);
        let p = before.map_or(0, |r| r.violations);
        let (new, fixed) = (
            c.violations.saturating_sub(p),
            p.saturating_sub(c.violations),
        );
        if new + fixed > 0 {
            groups.insert(
                (&c.table, &c.field, &c.code),
                FindingGroupChange {
                    table: c.table.clone(),
                    field: c.field.clone(),
                    code: c.code.clone(),
                    rule: c.name.clone(),
                    severity: c.severity,
                    new,
                    fixed,
                    new_ids: Vec::new(),
                    fixed_ids: Vec::new(),
                },
            );
        }
    }
    for p in &previous.rules {
        if current.rule(&p.code, &p.table, &p.field).is_none() {
            out.no_longer_checked += p.violations;
        }
    }
    for g in groups.into_values() {
        out.new += g.new;
        out.fixed += g.fixed;
        out.groups.push(g);
    }
    out
}

fn interval_of(k: &KpiState, interval: KpiInterval) -> Option<Range> {
    match interval {
        KpiInterval::Statistical => k.ci.as_ref().map(|ci| Range {
            low: ci.low,
            high: ci.high,
        }),
        KpiInterval::Outer => k.outer.clone(),
    }
}

fn kpis(current: &Snapshot, previous: &Snapshot, interval: KpiInterval) -> Vec<KpiChange> {
    let ids: BTreeSet<&str> = current
        .kpis
        .iter()
        .chain(&previous.kpis)
        .map(|k| k.id.as_str())
        .collect();
    let find = |s: &'_ Snapshot, id: &str| s.kpis.iter().find(|k| k.id == id).cloned();
    ids.into_iter()
        .map(|id| {
            let (p, c) = (find(previous, id), find(current, id));
            let ok = |k: &Option<KpiState>| {
                k.as_ref()
                    .filter(|k| k.status == "ok")
                    .and_then(|k| k.value)
            };
            let previous_interval = p
                .as_ref()
                .filter(|k| k.status == "ok")
                .and_then(|k| interval_of(k, interval));
            let current_value = ok(&c);
            // Same unit on both sides, or the comparison means nothing (a changed variant).
            let same_unit = matches!((&p, &c), (Some(p), Some(c)) if p.unit == c.unit);
            let outside = match (&previous_interval, current_value) {
                (Some(range), Some(v)) if same_unit => {
                    v < range.low || range.high.is_some_and(|high| v > high)
                }
                _ => false,
            };
            KpiChange {
                id: id.to_string(),
                unit: c
                    .as_ref()
                    .or(p.as_ref())
                    .map(|k| k.unit.clone())
                    .unwrap_or_default(),
                previous: ok(&p),
                current: current_value,
                previous_interval,
                outside_previous_interval: outside,
            }
        })
        .collect()
}

fn inputs_changed(current: &Snapshot, previous: &Snapshot) -> Vec<String> {
    if current.inputs.is_empty() || previous.inputs.is_empty() {
        return Vec::new();
    }
    let tables: BTreeSet<&str> = current
        .inputs
        .iter()
        .chain(&previous.inputs)
        .map(|i| i.table.as_str())
        .collect();
    tables
        .into_iter()
        .filter(|t| {
            let find = |s: &'_ Snapshot| s.inputs.iter().find(|i| i.table == *t).cloned();
            match (find(current), find(previous)) {
                (Some(c), Some(p)) => c.bytes != p.bytes || c.fingerprint != p.fingerprint,
                _ => true,
            }
        })
        .map(str::to_string)
        .collect()
}
