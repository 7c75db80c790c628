//! `--format markdown`: a GitHub-flavoured summary for pull-request comments and CI step
//! summaries: verdict and score, why the gate failed, the rules that warn or fail, table scores,
//! KPIs with intervals and grades, duplicate counts; with `--history` or `--baseline`, what
//! changed since the compared run (alerts, scores, new and fixed findings per rule). Every piece of data is escaped: a company
//! called `A|B` must not split a table cell, nor `<script>` become markup.

use std::io::Write;

use crate::findings::Outcome;
use crate::kpi::format;

use super::AuditReport;
use super::history::{FindingGroupChange, Regression};
use super::view::{self, RuleMove};

/// Rows of the "Since the last run" table, and record ids per cell.
const SINCE_ROWS: usize = 30;
const SINCE_IDS: usize = 3;
/// A score change under this reads as 0.00: not moved.
const MOVED: f64 = 0.005;

/// Escapes text for a GFM table cell or a list item: a backslash before the punctuation that
/// makes emphasis, code, links, strike-through or headings (and pipes, which would end the cell),
/// entities for `<`, `>` and `&` (so neither HTML nor an entity written in the data is
/// interpreted), line breaks as spaces. Dots and dashes stay as they are: `contacts.Email` must
/// read as written in a raw step summary too.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || crate::normalize::text::is_bidi_or_separator(c) => {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
    out
}

fn row(out: &mut dyn Write, cells: &[String]) -> std::io::Result<()> {
    writeln!(out, "| {} |", cells.join(" | "))
}

fn header(out: &mut dyn Write, names: &[&str], right: &[bool]) -> std::io::Result<()> {
    writeln!(out, "| {} |", names.join(" | "))?;
    let rule: Vec<&str> = right
        .iter()
        .map(|&r| if r { "---:" } else { "---" })
        .collect();
    writeln!(out, "| {} |", rule.join(" | "))
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Fail => "**FAIL**",
        Outcome::Warn => "WARN",
        Outcome::Pass => "pass",
    }
}

pub fn write(report: &AuditReport, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let title = match &report.workspace {
        Some(name) => format!("crmaudit: {}", escape(name)),
        None => "crmaudit audit".to_string(),
    };
    writeln!(out, "## {title}")?;
    writeln!(out)?;
    writeln!(
        out,
        "**Gate {}** · score **{}**/100 · as of {} · {}, {} · {} rules: {} pass, {} warn, {} fail",
        if report.gate.passed {
            "passed"
        } else {
            "FAILED"
        },
        view::gate_score(report),
        escape(&report.as_of),
        crate::wording::plural(s.tables, "table", "tables"),
        crate::wording::plural(s.records, "record", "records"),
        s.rules_run,
        s.rules_passed,
        s.rules_warned,
        s.rules_failed
    )?;
    writeln!(out)?;
    if !report.gate.reasons.is_empty() {
        writeln!(out, "### Why the gate failed")?;
        writeln!(out)?;
        for reason in &report.gate.reasons {
            writeln!(out, "- {}", escape(reason))?;
        }
        writeln!(out)?;
    }

    if let Some(r) = &report.regression {
        since(report, r, out)?;
    }

    let rules: Vec<_> = view::rules_with_findings(report)
        .into_iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .collect();
    let passing_with_findings = view::rules_with_findings(report).len() - rules.len();
    writeln!(out, "### Rules that fail or warn")?;
    writeln!(out)?;
    if rules.is_empty() {
        writeln!(out, "Every rule passed.")?;
    } else {
        header(
            out,
            &[
                "outcome",
                "rule",
                "where",
                "violations",
                "checked",
                "share",
                "tolerance",
                "sample records",
            ],
            &[false, false, false, true, true, true, true, false],
        )?;
        for r in &rules {
            let sample: Vec<String> = r.sample.iter().map(|x| escape(&x.record_id)).collect();
            row(
                out,
                &[
                    // A problem the --baseline already had no longer fails the run: say so
                    // where the table would otherwise shout FAIL.
                    if report.gate.fails(r.outcome) && !view::fails_gate(report, r) {
                        format!(
                            "{} (known: in the baseline)",
                            r.outcome.as_str().to_uppercase()
                        )
                    } else {
                        outcome_word(r.outcome).to_string()
                    },
                    format!("{} {}", escape(&r.code), escape(&r.name)),
                    escape(&view::place(r)),
                    format::count(r.violations),
                    format::count(r.checked),
                    view::percent(r.violation_share),
                    view::percent(r.threshold),
                    sample.join(", "),
                ],
            )?;
        }
    }
    if passing_with_findings > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "{} found violations within their tolerance; every finding is in worklist.csv.",
            crate::wording::plural(
                passing_with_findings,
                "more rule outcome",
                "more rule outcomes"
            )
        )?;
    }
    writeln!(out)?;

    writeln!(out, "### Table scores")?;
    writeln!(out)?;
    let mut names = vec!["table", "rows", "score"];
    names.extend(view::DIMENSIONS);
    header(
        out,
        &names,
        &[false, true, true, true, true, true, true, true],
    )?;
    for t in &report.tables {
        let mut cells = vec![escape(&t.name), format::count(t.rows), view::score(t.score)];
        for d in view::DIMENSIONS {
            cells.push(view::table_dimension(t, d).map_or("–".into(), view::percent));
        }
        row(out, &cells)?;
    }
    writeln!(out)?;

    if !report.kpis.is_empty() {
        let level = report
            .kpis
            .iter()
            .find_map(|k| k.ci.as_ref().map(|c| c.level))
            .unwrap_or(0.95);
        writeln!(out, "### KPIs")?;
        writeln!(out)?;
        let interval = format!("{:.0}% interval", level * 100.0);
        header(
            out,
            &[
                "KPI",
                "value",
                &interval,
                "data-quality bounds",
                "n",
                "grade",
            ],
            &[false, true, true, true, true, false],
        )?;
        for k in &report.kpis {
            let unit = k.unit.as_str();
            let range = |low: f64, high: Option<f64>| match high {
                Some(h) => format!(
                    "{} to {}",
                    escape(&format::value(low, unit)),
                    escape(&format::value(h, unit))
                ),
                None => format!("{} to unbounded", escape(&format::value(low, unit))),
            };
            let cells = match k.value {
                Some(v) if k.status == "ok" => vec![
                    escape(&k.name),
                    escape(&format::with_unit(v, unit)),
                    k.ci.as_ref().map_or("–".into(), |c| range(c.low, c.high)),
                    k.dq_bounds
                        .as_ref()
                        .map_or("–".into(), |b| range(b.low, b.high)),
                    k.n.map_or("–".into(), format::count),
                    escape(k.confidence.as_deref().unwrap_or("–")),
                ],
                _ => vec![
                    escape(&k.name),
                    "not computable".into(),
                    escape(k.reason.as_deref().unwrap_or("")),
                    "–".into(),
                    "–".into(),
                    "–".into(),
                ],
            };
            row(out, &cells)?;
        }
        writeln!(out)?;
    }

    writeln!(out, "### Duplicates")?;
    writeln!(out)?;
    if report.duplicates.iter().all(|d| d.clusters == 0) {
        writeln!(out, "No duplicate records found.")?;
    } else {
        header(
            out,
            &[
                "table",
                "matched on",
                "clusters",
                "records involved",
                "surplus records",
            ],
            &[false, false, true, true, true],
        )?;
        for d in report.duplicates.iter().filter(|d| d.clusters > 0) {
            let how = if d.method == "fuzzy" {
                "whole record (fuzzy)".to_string()
            } else {
                format!("{} (exact)", escape(&d.field))
            };
            row(
                out,
                &[
                    escape(&d.table),
                    how,
                    format::count(d.clusters),
                    format::count(d.records_in_clusters),
                    format::count(d.surplus_records),
                ],
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "{} findings on {} records · crmaudit {}",
        format::count(s.findings),
        format::count(s.records_with_findings),
        escape(&report.tool.version)
    )
}

fn signed(change: f64) -> String {
    if change.abs() < MOVED {
        "0.00".to_string()
    } else {
        format!("{change:+.2}")
    }
}

/// The first record ids of a cell, then how many more.
fn id_cell(ids: &[String], total: usize) -> String {
    if total == 0 {
        return "–".to_string();
    }
    let shown: Vec<String> = ids.iter().take(SINCE_IDS).map(|id| escape(id)).collect();
    let more = total.saturating_sub(shown.len());
    match (shown.is_empty(), more) {
        (true, _) => "–".to_string(),
        (false, 0) => shown.join(", "),
        (false, more) => format!("{} +{more} more", shown.join(", ")),
    }
}

/// "Since the last run": what this run was compared with, the score and table scores that
/// moved, the rules that changed, the alerts, and new and fixed findings per rule and field.
fn since(report: &AuditReport, r: &Regression, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "### {}", view::since_title(r))?;
    writeln!(out)?;
    if r.compared_with.source == "none" {
        let store = report.history.as_ref().map_or(String::new(), |h| {
            format!(" {} (run {})", escape(&h.store), h.run_id)
        });
        writeln!(
            out,
            "The first run of the history store{store}: nothing to compare with yet."
        )?;
        writeln!(out)?;
        return Ok(());
    }
    let f = &r.changes.findings;
    let moves: Vec<RuleMove> = r.changes.rules.iter().map(view::rule_move).collect();
    let count = |m: RuleMove| moves.iter().filter(|x| **x == m).count();
    let score = r.changes.score.as_ref().map_or(String::new(), |s| {
        format!(
            " · score {:.2} → {:.2} ({})",
            s.previous,
            s.current,
            signed(s.change)
        )
    });
    let counted = if r.compared_with.finding_keys {
        ""
    } else {
        " (by violation counts per rule)"
    };
    writeln!(
        out,
        "Compared with {}{score} · **{} new** {}, **{} fixed**{counted} · rules: {} newly failing, {} fixed, {} changed",
        escape(&view::compared_with(r)),
        format::count(f.new),
        crate::wording::form(f.new, "finding", "findings"),
        format::count(f.fixed),
        count(RuleMove::NewlyFailing),
        count(RuleMove::Fixed),
        count(RuleMove::Other),
    )?;
    writeln!(out)?;
    if let Some(note) = &r.compared_with.note {
        writeln!(out, "Note: {}.", escape(note))?;
        writeln!(out)?;
    }
    let moved: Vec<String> = r
        .changes
        .tables
        .iter()
        .filter(|t| t.change.is_none_or(|c| c.abs() >= MOVED))
        .map(|t| match (t.previous, t.current, t.change) {
            (Some(p), Some(c), Some(d)) => {
                format!("{} {p:.2} → {c:.2} ({})", escape(&t.name), signed(d))
            }
            (None, Some(c), _) => format!("{} {c:.2} (new table)", escape(&t.name)),
            (Some(p), None, _) => format!("{} (gone, was {p:.2})", escape(&t.name)),
            _ => escape(&t.name),
        })
        .collect();
    if moved.is_empty() {
        writeln!(out, "No table score moved.")?;
    } else {
        writeln!(out, "Table scores that moved: {}.", moved.join(", "))?;
    }
    writeln!(out)?;

    if r.alerts.is_empty() {
        writeln!(out, "No alert triggered.")?;
    } else {
        let effect = if r.fail_on_regression {
            "they fail the gate (--fail-on-regression)"
        } else {
            "reported only; --fail-on-regression makes them fail the run"
        };
        writeln!(out, "**Alerts** ({}, {effect}):", r.alerts.len())?;
        writeln!(out)?;
        for a in &r.alerts {
            writeln!(out, "- {}: {}", escape(&a.kind), escape(&a.message))?;
        }
    }
    writeln!(out)?;

    // New first (most first), then the groups that only got fixed.
    let mut groups: Vec<&FindingGroupChange> = f.groups.iter().collect();
    groups.sort_by(|a, b| {
        (b.new > 0)
            .cmp(&(a.new > 0))
            .then(b.new.cmp(&a.new))
            .then(b.fixed.cmp(&a.fixed))
            .then(a.table.cmp(&b.table))
            .then(a.field.cmp(&b.field))
            .then(a.code.cmp(&b.code))
    });
    if groups.is_empty() {
        writeln!(out, "No finding is new or fixed.")?;
    } else {
        header(
            out,
            &[
                "rule",
                "where",
                "severity",
                "new",
                "fixed",
                "new records",
                "fixed records",
            ],
            &[false, false, false, true, true, false, false],
        )?;
        for g in groups.iter().take(SINCE_ROWS) {
            let place = if g.field.is_empty() {
                g.table.clone()
            } else {
                format!("{}.{}", g.table, g.field)
            };
            row(
                out,
                &[
                    format!("{} {}", escape(&g.code), escape(&g.rule)),
                    escape(&place),
                    g.severity.as_str().to_string(),
                    format::count(g.new),
                    format::count(g.fixed),
                    id_cell(&g.new_ids, g.new),
                    id_cell(&g.fixed_ids, g.fixed),
                ],
            )?;
        }
        if groups.len() > SINCE_ROWS {
            writeln!(out)?;
            writeln!(
                out,
                "…and {} more; crmaudit history lists every one.",
                crate::wording::plural(
                    groups.len() - SINCE_ROWS,
                    "rule and field",
                    "rules and fields"
                )
            )?;
        }
    }
    writeln!(out)?;
    let kpis = view::kpis_that_moved(r);
    if !kpis.is_empty() {
        writeln!(out, "KPIs that moved:")?;
        writeln!(out)?;
        header(
            out,
            &["kpi", "previous", "current", "previous interval", ""],
            &[false, true, true, true, false],
        )?;
        let value = |v: Option<f64>, unit: &str| {
            v.map_or("n/a".to_string(), |v| format::with_unit(v, unit))
        };
        for k in kpis {
            row(
                out,
                &[
                    escape(&k.id),
                    escape(&value(k.previous, &k.unit)),
                    escape(&value(k.current, &k.unit)),
                    k.previous_interval.as_ref().map_or("–".to_string(), |i| {
                        escape(&format!(
                            "{} to {}",
                            format::value(i.low, &k.unit),
                            i.high
                                .map_or("unbounded".to_string(), |h| format::value(h, &k.unit))
                        ))
                    }),
                    if k.outside_previous_interval {
                        "**outside**".to_string()
                    } else {
                        "inside".to_string()
                    },
                ],
            )?;
        }
        writeln!(out)?;
    }
    if !r.known_problems.is_empty() {
        writeln!(
            out,
            "{} already in the baseline no longer {} the run.",
            crate::wording::plural(r.known_problems.len(), "gate reason", "gate reasons"),
            crate::wording::form(r.known_problems.len(), "fails", "fail")
        )?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_neutralises_cells_code_and_markup() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("`x`"), "\\`x\\`");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("&amp;"), "&amp;amp;");
        assert_eq!(escape("two\nlines"), "two lines");
    }
}
