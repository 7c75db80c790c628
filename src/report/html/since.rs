//! "Since the last run": this run against the previous run of the history store, or against a
//! `--baseline` report, for a person who opens the page after a scheduled audit and wants to
//! see at a glance what changed: the alerts (and whether they fail the gate), the scores that
//! moved, the rules that started or stopped failing, the findings that are new and those that
//! got fixed, with their record ids, and in baseline mode the problems that were already there.
//!
//! Only the model's `regression` part is read. Wall-clock times (`recorded_at`) stay off the
//! page, so the same store state and inputs give the same bytes.

use maud::{Markup, html};

use crate::findings::Outcome;
use crate::kpi::format;

use super::super::AuditReport;
use super::super::history::{Alert, FindingGroupChange, KpiChange, Regression, RuleChange};
use super::super::view::{RuleMove, rule_move};
use super::outcome_badge;

/// Record ids shown per rule and field; the worklist and `crmaudit history` have every one.
const IDS_SHOWN: usize = 5;
/// Rows shown per table of this section.
const ROWS_SHOWN: usize = 30;
/// A score change smaller than this reads as 0.00 (the page shows two decimals): not moved.
const MOVED: f64 = 0.005;

fn place(table: &str, field: &str) -> String {
    if field.is_empty() {
        table.to_string()
    } else {
        format!("{table}.{field}")
    }
}

/// `run 3 (as of 2024-12-31)` or `the baseline report out/report.json (as of ...)`.
fn reference(r: &Regression) -> Markup {
    let c = &r.compared_with;
    html! {
        @match (c.source.as_str(), c.run_id, &c.path) {
            ("history", Some(id), _) => { "run " strong { (id) } " of the history store" }
            (_, _, Some(path)) => { "the baseline report " code { (path) } }
            _ => { "an earlier run" }
        }
        @if let Some(as_of) = &c.as_of { ", as of " strong { (as_of) } }
    }
}

/// A score change with its direction in a word-free glyph and colour: ▼ fell, ▲ rose.
fn score_change(change: f64) -> Markup {
    if change.abs() < MOVED {
        return html! { span.delta { "0.00" } };
    }
    let (class, glyph) = if change < 0.0 {
        ("delta down", "▼")
    } else {
        ("delta up", "▲")
    };
    html! { span class=(class) { (glyph) " " (format!("{:+.2}", change)) } }
}

fn outcome_or_absent(outcome: Option<Outcome>) -> Markup {
    match outcome {
        Some(o) => outcome_badge(o),
        None => html! { span.small { "did not run" } },
    }
}

pub fn section(report: &AuditReport) -> Markup {
    let Some(r) = &report.regression else {
        return html! {};
    };
    if r.compared_with.source == "none" {
        return html! {
            section #since {
                h2 { "Since the last run" }
                p.note {
                    "The first run of the history store"
                    @if let Some(h) = &report.history { " " code { (h.store) } " (run " (h.run_id) ")" }
                    ": nothing to compare with yet. The next audit with this store is compared with this one."
                }
            }
        };
    }
    let rules: Vec<(RuleMove, &RuleChange)> = {
        let mut rules: Vec<(RuleMove, &RuleChange)> =
            r.changes.rules.iter().map(|c| (rule_move(c), c)).collect();
        rules.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.table.cmp(&b.1.table))
                .then(a.1.code.cmp(&b.1.code))
                .then(a.1.field.cmp(&b.1.field))
        });
        rules
    };
    let count = |m: RuleMove| rules.iter().filter(|(x, _)| *x == m).count();
    let f = &r.changes.findings;
    html! {
        section #since {
            h2 { (super::super::view::since_title(r)) }
            p.lede {
                "This run compared with " (reference(r)) ". "
                @if r.compared_with.finding_keys {
                    "Findings are compared record by record: a finding is new when the compared run did not have it "
                    "(same table, record id, field and rule), fixed when it is gone."
                } @else {
                    "Findings are compared by violation counts per rule only, so no record ids are known here."
                }
            }
            @if let Some(note) = &r.compared_with.note { p.note { "Note: " (note) "." } }
            @if r.compared_with.source == "history" {
                p.small {
                    @if r.changes.inputs_changed.is_empty() { "No input file changed since then." } @else {
                        "Input files changed since then: " (r.changes.inputs_changed.join(", ")) "."
                    }
                }
            }
            div.tiles {
                div {
                    div.small { "overall score" }
                    @if let Some(s) = &r.changes.score {
                        div.big { (format!("{:.2}", s.current)) " " (score_change(s.change)) }
                        div.small { "was " (format!("{:.2}", s.previous)) }
                    } @else { div.big { "n/a" } }
                }
                div {
                    div.small { "new findings" }
                    div.big.bad[f.new > 0] { (format::count(f.new)) }
                    div.small { a href="#since-new" { "by rule and field" } }
                }
                div {
                    div.small { "fixed findings" }
                    div.big.good[f.fixed > 0] { (format::count(f.fixed)) }
                    div.small { a href="#since-fixed" { "by rule and field" } }
                }
                div {
                    div.small { "rule outcomes" }
                    div.big {
                        span.bad[count(RuleMove::NewlyFailing) > 0] { (count(RuleMove::NewlyFailing)) }
                        " / " span.good[count(RuleMove::Fixed) > 0] { (count(RuleMove::Fixed)) }
                        " / " (count(RuleMove::Other))
                    }
                    div.small { "newly failing / fixed / changed" }
                }
                div {
                    div.small { "alerts" }
                    div.big.bad[!r.alerts.is_empty()] { (r.alerts.len()) }
                    div.small {
                        @if r.alerts.is_empty() { "none triggered" }
                        @else if r.fail_on_regression { "they fail the gate" }
                        @else { "reported only" }
                    }
                }
            }
            (alerts(r))
            (scores(r))
            (rule_changes(&rules))
            (findings(r))
            (kpi_changes(report, r))
            @if !r.known_problems.is_empty() {
                h3 #since-known { "Known problems (already in the baseline)" }
                p.why {
                    (crate::wording::plural(r.known_problems.len(), "gate reason", "gate reasons")) " the baseline already had, with no new findings: "
                    "they no longer fail the run, and are still listed under Rule outcomes."
                }
                ul.reasons { @for k in &r.known_problems { li { (k) } } }
            }
        }
    }
}

fn alerts(r: &Regression) -> Markup {
    let watched: Vec<&str> = r.checks.iter().map(|c| c.setting.as_str()).collect();
    html! {
        h3 #since-alerts { "Alerts" }
        @if r.alerts.is_empty() {
            p {
                "No alert triggered."
                @if watched.is_empty() { " No [alerts] setting is on." }
                @else { " Watched: " (watched.join(", ")) "." }
            }
        } @else {
            p {
                @if r.fail_on_regression {
                    strong { "They fail the gate" } " (--fail-on-regression): each one is a gate reason, and CI exits with code 1."
                } @else {
                    "Reported only: the gate ignores them unless the audit runs with --fail-on-regression."
                }
                @if !watched.is_empty() { " Watched: " (watched.join(", ")) "." }
            }
            table.data {
                thead { tr {
                    th { "alert" } th { "subject" } th { "what happened" }
                    th.num { "previous → current" } th.num { "limit" } th { "gate" }
                } }
                tbody {
                    @for a in &r.alerts {
                        tr.gating[r.fail_on_regression] {
                            td.id { code { (a.kind) } }
                            td {
                                @if !a.subject.is_empty() { (a.subject) }
                                @else if a.kind == "score_drop" { span.small { "overall score" } }
                                @else { span.small { "–" } }
                            }
                            td { (a.message) }
                            td.num { (alert_values(r, a)) }
                            td.num { @match a.limit { Some(l) => { "more than " (l) " points" } None => { "–" } } }
                            td.id { @if r.fail_on_regression { span.badge.fail { "FAILS" } } @else { span.small { "reported" } } }
                        }
                    }
                }
            }
        }
    }
}

/// An alert's numbers in the unit of what moved.
fn alert_values(r: &Regression, a: &Alert) -> String {
    let unit = r
        .changes
        .kpis
        .iter()
        .find(|k| k.id == a.subject)
        .map(|k| k.unit.as_str());
    let show = |v: f64| match (a.kind.as_str(), unit) {
        ("kpi_outside_previous_interval", Some(unit)) => format::value(v, unit),
        ("rule_newly_failing", _) => format!("{} violations", format::count(v as usize)),
        _ => format!("{v:.2}"),
    };
    match (a.previous, a.current, a.count) {
        (Some(p), Some(c), _) => format!("{} → {}", show(p), show(c)),
        (None, Some(c), _) => show(c),
        (_, None, Some(n)) => crate::wording::plural(n, "finding", "findings"),
        _ => "–".to_string(),
    }
}

fn scores(r: &Regression) -> Markup {
    let moved: Vec<_> = r
        .changes
        .tables
        .iter()
        .filter(|t| t.change.is_none_or(|c| c.abs() >= MOVED))
        .collect();
    let still: Vec<&str> = r
        .changes
        .tables
        .iter()
        .filter(|t| t.change.is_some_and(|c| c.abs() < MOVED))
        .map(|t| t.name.as_str())
        .collect();
    let dropped = |name: &str| {
        r.alerts
            .iter()
            .any(|a| a.kind == "table_score_drop" && a.subject == name)
    };
    // The overall score is a row only when it moved: a `+0.00` row reads as news.
    let overall = r.changes.score.as_ref().filter(|s| s.change.abs() >= MOVED);
    html! {
        h3 #since-scores { "Scores that moved" }
        @if overall.is_none() && moved.is_empty() {
            p.small {
                "No score moved"
                @if let Some(s) = &r.changes.score { ": overall " (format!("{:.2}", s.current)) " in both runs" }
                "."
            }
        } @else {
        table.data style="max-width:760px" {
            thead { tr { th { "score" } th.num { "previous" } th.num { "current" } th.num { "change" } } }
            tbody {
                @if let Some(s) = overall {
                    tr.gating[r.alerts.iter().any(|a| a.kind == "score_drop")] {
                        td { strong { "overall" } }
                        td.num { (format!("{:.2}", s.previous)) }
                        td.num { (format!("{:.2}", s.current)) }
                        td.num { (score_change(s.change)) }
                    }
                }
                @for t in &moved {
                    tr.gating[dropped(&t.name)] {
                        td { (t.name) }
                        td.num { @match t.previous { Some(p) => { (format!("{p:.2}")) } None => { span.small { "new table" } } } }
                        td.num { @match t.current { Some(c) => { (format!("{c:.2}")) } None => { span.small { "gone" } } } }
                        td.num { @if let Some(c) = t.change { (score_change(c)) } @else { "–" } }
                    }
                }
            }
        }
        @if overall.is_none() {
            @if let Some(s) = &r.changes.score {
                p.small { "Overall score unchanged at " (format!("{:.2}", s.current)) "." }
            }
        }
        @if moved.is_empty() { p.small { "No table score moved." } }
        @else if !still.is_empty() {
            p.small { "Unchanged (" (still.len()) "): " (still.join(", ")) "." }
        }
        }
    }
}

fn rule_changes(rules: &[(RuleMove, &RuleChange)]) -> Markup {
    let label = |m: RuleMove| match m {
        RuleMove::NewlyFailing => html! { span.badge.fail { "NEWLY FAILING" } },
        RuleMove::Fixed => html! { span.badge.pass { "FIXED" } },
        RuleMove::Other => html! { span.small { "changed" } },
    };
    let other = |c: &RuleChange| match (c.previous_violations, c.violations) {
        (Some(p), Some(v)) if v > p => "more violations",
        (Some(p), Some(v)) if v < p => "fewer violations",
        (None, Some(_)) => "new rule outcome",
        (Some(_), None) => "did not run",
        _ => "changed",
    };
    html! {
        h3 #since-rules { "Rule outcomes that changed" }
        @if rules.is_empty() {
            p { "No rule outcome or violation count changed." }
        } @else {
            table.data {
                thead { tr {
                    th { "change" } th { "rule" } th { "where" } th { "outcome" } th.num { "violations" }
                } }
                tbody {
                    @for (m, c) in rules.iter().take(ROWS_SHOWN) {
                        tr.gating[*m == RuleMove::NewlyFailing] {
                            td.id { @if *m == RuleMove::Other { span.small { (other(c)) } } @else { (label(*m)) } }
                            td { strong { (c.code) } " " (c.name) }
                            td { code { (place(&c.table, &c.field)) } }
                            td { (outcome_or_absent(c.previous)) " → " (outcome_or_absent(c.current)) }
                            td.num {
                                (c.previous_violations.map_or("–".to_string(), format::count)) " → "
                                (c.violations.map_or("–".to_string(), format::count))
                            }
                        }
                    }
                }
            }
            @if rules.len() > ROWS_SHOWN {
                p.small { "…and " (rules.len() - ROWS_SHOWN) " more: crmaudit history lists every one." }
            }
        }
    }
}

/// The record ids of a group: the first few as code, then how many more.
fn ids(shown: &[String], total: usize) -> Markup {
    let first: Vec<&String> = shown.iter().take(IDS_SHOWN).collect();
    html! {
        span.ids {
            @for id in &first { code { (id) } " " }
            @if total > first.len() { span.small { "+" (format::count(total - first.len())) " more" } }
        }
    }
}

fn finding_table(
    anchor: &str,
    title: &str,
    groups: &[&FindingGroupChange],
    total: usize,
    new: bool,
    keys: bool,
) -> Markup {
    html! {
        div id=(anchor) {
            h3 { (title) " (" (format::count(total)) ")" }
            @if groups.is_empty() {
                p.small { @if new { "No new finding." } @else { "No finding got fixed." } }
            } @else {
                table.data {
                    thead { tr {
                        th { "rule" } th { "where" } th { "severity" } th.num { (if new { "new" } else { "fixed" }) }
                        @if keys { th { "records" } }
                    } }
                    tbody {
                        @for g in groups.iter().take(ROWS_SHOWN) {
                            @let (count, shown) = if new { (g.new, &g.new_ids) } else { (g.fixed, &g.fixed_ids) };
                            tr {
                                td { strong { (g.code) } " " (g.rule) }
                                td { code { (place(&g.table, &g.field)) } }
                                td { span class=(format!("badge {}", g.severity.as_str())) { (g.severity.as_str().to_uppercase()) } }
                                td.num { (format::count(count)) }
                                @if keys { td.id { (ids(shown, count)) } }
                            }
                        }
                    }
                }
                @if groups.len() > ROWS_SHOWN {
                    p.small { "…and " (crate::wording::plural(groups.len() - ROWS_SHOWN, "more rule and field", "more rules and fields")) ": crmaudit history lists every one." }
                }
            }
        }
    }
}

fn findings(r: &Regression) -> Markup {
    let f = &r.changes.findings;
    let by = |count: fn(&FindingGroupChange) -> usize| {
        let mut groups: Vec<&FindingGroupChange> =
            f.groups.iter().filter(|g| count(g) > 0).collect();
        groups.sort_by(|a, b| {
            count(b)
                .cmp(&count(a))
                .then(a.table.cmp(&b.table))
                .then(a.field.cmp(&b.field))
                .then(a.code.cmp(&b.code))
        });
        groups
    };
    let new = by(|g| g.new);
    let fixed = by(|g| g.fixed);
    let keys = r.compared_with.finding_keys;
    html! {
        (finding_table("since-new", "New findings", &new, f.new, true, keys))
        (finding_table("since-fixed", "Fixed findings", &fixed, f.fixed, false, keys))
        @if f.no_longer_checked > 0 {
            p.note {
                (crate::wording::plural(f.no_longer_checked, "finding", "findings")) " of the compared run " (crate::wording::form(f.no_longer_checked, "belongs", "belong")) " to rules that did not run this time: "
                "neither new nor fixed, as nobody looked."
            }
        }
        @if keys && (f.new > 0) { p.small { "Every finding of this run, with its row and a suggested fix, is in worklist.csv." } }
    }
}

fn kpi_changes(report: &AuditReport, r: &Regression) -> Markup {
    let changed: Vec<&KpiChange> = super::super::view::kpis_that_moved(r);
    if changed.is_empty() {
        return html! {};
    }
    let name = |id: &str| {
        report
            .kpis
            .iter()
            .find(|k| k.id == id)
            .map_or(id.to_string(), |k| k.name.clone())
    };
    let value =
        |v: Option<f64>, unit: &str| v.map_or("n/a".to_string(), |v| format::with_unit(v, unit));
    html! {
        h3 #since-kpis { "KPIs that moved" }
        table.data {
            thead { tr {
                th { "KPI" } th.num { "previous" } th.num { "current" } th.num { "previous interval" } th { "" }
            } }
            tbody {
                @for k in &changed {
                    tr.gating[k.outside_previous_interval] {
                        td { (name(&k.id)) " " span.small { code { (k.id) } } }
                        td.num { (value(k.previous, &k.unit)) }
                        td.num { (value(k.current, &k.unit)) }
                        td.num {
                            @if let Some(i) = &k.previous_interval {
                                (format::value(i.low, &k.unit)) " to "
                                (i.high.map_or("unbounded".to_string(), |h| format::value(h, &k.unit)))
                            } @else { "–" }
                        }
                        td {
                            @if k.outside_previous_interval { span.badge.fail { "OUTSIDE" } }
                            @else { span.small { "inside the interval" } }
                        }
                    }
                }
            }
        }
    }
}
