//! `--format markdown`: a GitHub-flavoured summary for pull-request comments and CI step
//! summaries: verdict and score, why the gate failed, the rules that warn or fail, table scores,
//! KPIs with intervals and grades, duplicate counts. Every piece of data is escaped: a company
//! called `A|B` must not split a table cell, nor `<script>` become markup.

use std::io::Write;

use crate::findings::Outcome;
use crate::kpi::format;

use super::AuditReport;
use super::view;

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
            c if c.is_control() => out.push('\u{fffd}'),
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
        "**Gate {}** · score **{:.1}**/100 · as of {} · {} tables, {} records · {} rules: {} pass, {} warn, {} fail",
        if report.gate.passed {
            "passed"
        } else {
            "FAILED"
        },
        report.score,
        escape(&report.as_of),
        s.tables,
        format::count(s.records),
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
                    outcome_word(r.outcome).to_string(),
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
            "{passing_with_findings} more rule(s) found violations within their tolerance; every finding is in worklist.csv."
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
        let mut cells = vec![
            escape(&t.name),
            format::count(t.rows),
            format!("{:.1}", t.score),
        ];
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
