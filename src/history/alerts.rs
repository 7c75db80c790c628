//! The `[alerts]` checked against a comparison: each triggered alert says what moved, from what
//! to what, and which setting it crossed.

use crate::config::alerts::AlertSettings;
use crate::findings::{Outcome, Severity};
use crate::kpi::format;
use crate::report::history::{Alert, Changes};

use super::snapshot::Snapshot;

/// `reference` names the compared run in messages: `run 12`, `the baseline`.
pub fn evaluate(
    settings: &AlertSettings,
    changes: &Changes,
    current: &Snapshot,
    previous: &Snapshot,
    reference: &str,
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    if let (Some(limit), Some(score)) = (settings.score_drop, &changes.score)
        && -score.change > limit
    {
        alerts.push(Alert {
            kind: "score_drop".into(),
            subject: String::new(),
            message: format!(
                "overall score fell {:.2} points since {reference} ({:.2} -> {:.2}), more than [alerts] score_drop = {limit}",
                -score.change, score.previous, score.current
            ),
            previous: Some(score.previous),
            current: Some(score.current),
            limit: Some(limit),
            count: None,
        });
    }
    if let Some(limit) = settings.table_score_drop {
        for t in &changes.tables {
            if let (Some(p), Some(c), Some(change)) = (t.previous, t.current, t.change)
                && -change > limit
            {
                alerts.push(Alert {
                    kind: "table_score_drop".into(),
                    subject: t.name.clone(),
                    message: format!(
                        "table {} score fell {:.2} points since {reference} ({p:.2} -> {c:.2}), more than [alerts] table_score_drop = {limit}",
                        t.name, -change
                    ),
                    previous: Some(p),
                    current: Some(c),
                    limit: Some(limit),
                    count: None,
                });
            }
        }
    }
    if settings.kpi_outside_previous_interval {
        for k in &changes.kpis {
            let watched = settings.kpis.as_ref().is_none_or(|ids| ids.contains(&k.id));
            if !watched || !k.outside_previous_interval {
                continue;
            }
            let (Some(value), Some(range)) = (k.current, &k.previous_interval) else {
                continue;
            };
            let high = range
                .high
                .map_or("unbounded".to_string(), |h| format::value(h, &k.unit));
            alerts.push(Alert {
                kind: "kpi_outside_previous_interval".into(),
                subject: k.id.clone(),
                message: format!(
                    "KPI {} is {}, outside the {} interval of {reference} ({} to {high}; value then {})",
                    k.id,
                    format::value(value, &k.unit),
                    settings.kpi_interval.as_str(),
                    format::value(range.low, &k.unit),
                    k.previous
                        .map_or("n/a".to_string(), |v| format::value(v, &k.unit)),
                ),
                previous: k.previous,
                current: Some(value),
                limit: None,
                count: None,
            });
        }
    }
    if settings.new_fail_findings {
        let groups: Vec<_> = changes
            .findings
            .groups
            .iter()
            .filter(|g| g.severity == Severity::Fail && g.new > 0)
            .collect();
        let count: usize = groups.iter().map(|g| g.new).sum();
        if count > 0 {
            let exact = current.keys.is_some() && previous.keys.is_some();
            let listed: Vec<String> = groups
                .iter()
                .take(5)
                .map(|g| {
                    let place = place(&g.table, &g.field);
                    let ids = if g.new_ids.is_empty() {
                        String::new()
                    } else {
                        let shown: Vec<&str> =
                            g.new_ids.iter().take(3).map(String::as_str).collect();
                        let more = if g.new > shown.len() { ", ..." } else { "" };
                        format!(": {}{more}", shown.join(", "))
                    };
                    format!("{} {place} {}{ids}", g.code, g.new)
                })
                .collect();
            let more = if groups.len() > 5 {
                format!(
                    "; {} more",
                    crate::wording::plural(groups.len() - 5, "rule", "rules")
                )
            } else {
                String::new()
            };
            alerts.push(Alert {
                kind: "new_fail_findings".into(),
                subject: String::new(),
                message: format!(
                    "{}{} of fail-severity rules since {reference} ({}{more})",
                    if exact { "" } else { "at least " },
                    crate::wording::plural(count, "new finding", "new findings"),
                    listed.join("; ")
                ),
                previous: None,
                current: None,
                limit: None,
                count: Some(count),
            });
        }
    }
    if settings.rule_newly_failing {
        for c in &current.rules {
            if c.outcome != Outcome::Fail {
                continue;
            }
            let before = previous
                .rule(&c.code, &c.table, &c.field)
                .map(|r| r.outcome);
            if before == Some(Outcome::Fail) {
                continue;
            }
            let was = before.map_or("did not run".to_string(), |o| format!("was {}", o.as_str()));
            alerts.push(Alert {
                kind: "rule_newly_failing".into(),
                subject: format!("{} {}", c.code, place(&c.table, &c.field)),
                message: format!(
                    "{} {} on {} fails ({} of {} checked); it {was} in {reference}",
                    c.code,
                    c.name,
                    place(&c.table, &c.field),
                    c.violations,
                    c.checked
                ),
                previous: None,
                current: Some(c.violations as f64),
                limit: None,
                count: Some(c.violations),
            });
        }
    }
    alerts
}

fn place(table: &str, field: &str) -> String {
    if field.is_empty() {
        table.to_string()
    } else {
        format!("{table}.{field}")
    }
}
