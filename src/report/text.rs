//! The terminal summary: what a person reads first. Fits 80 columns; colour only when asked for.

use std::io::Write;

use comfy_table::{Cell, CellAlignment, Color as CellColor, ContentArrangement, Table, presets};
use owo_colors::OwoColorize;

use crate::findings::Outcome;

use super::AuditReport;

pub struct TextOptions {
    pub color: bool,
    pub quiet: bool,
    /// Whether `--out` was given, to point at the worklist rather than suggest the flag.
    pub out_dir: Option<String>,
}

/// Colour goes through comfy-table so that column widths ignore the escape codes.
fn outcome_cell(outcome: Outcome) -> Cell {
    let cell = Cell::new(outcome.as_str().to_uppercase());
    match outcome {
        Outcome::Fail => cell.fg(CellColor::Red),
        Outcome::Warn => cell.fg(CellColor::Yellow),
        Outcome::Pass => cell.fg(CellColor::Green),
    }
}

fn verdict(report: &AuditReport, color: bool) -> String {
    let word = if report.gate.passed {
        "PASSED"
    } else {
        "FAILED"
    };
    let word = match (color, report.gate.passed) {
        (false, _) => word.to_string(),
        (true, true) => word.green().bold().to_string(),
        (true, false) => word.red().bold().to_string(),
    };
    format!("Gate {word} · score {:.1}/100", report.score)
}

pub(super) fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(80);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

pub fn write(
    report: &AuditReport,
    options: &TextOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let color = options.color;
    if options.quiet {
        writeln!(out, "{}", verdict(report, color))?;
        for reason in &report.gate.reasons {
            write_wrapped(out, reason, "  - ", "    ")?;
        }
        return Ok(());
    }
    let s = &report.summary;
    writeln!(
        out,
        "crmaudit {} · as of {} · {} table(s), {} records",
        report.tool.version, report.as_of, s.tables, s.records
    )?;
    writeln!(out)?;

    let mut inputs = new_table(color);
    inputs.set_header(["table", "rows", "score", "read as", "preset", "unmapped"]);
    for (input, score) in report.inputs.iter().zip(&report.tables) {
        inputs.add_row([
            // The kind only where the name does not already say it.
            if input.kind == input.table {
                input.table.clone()
            } else {
                format!("{} ({})", input.table, input.kind)
            },
            input.rows.to_string(),
            format!("{:.1}", score.score),
            // "utf-8+bom ;" in 11 characters: the delimiter only when it is not a comma.
            format!(
                "{}{}",
                input.encoding.replace(" (bom)", "+bom"),
                if input.delimiter == "," {
                    String::new()
                } else {
                    format!(" {}", input.delimiter)
                }
            ),
            input.preset.clone().unwrap_or_else(|| "-".into()),
            input.unmapped_columns.len().to_string(),
        ]);
    }
    for col in [1, 2, 5] {
        if let Some(c) = inputs.column_mut(col) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{inputs}")?;
    writeln!(out)?;

    let mut failing: Vec<_> = report
        .rules
        .iter()
        .filter(|r| r.outcome != Outcome::Pass || r.violations > 0)
        .collect();
    // Worst first, then by where they are.
    failing.sort_by(|a, b| {
        b.outcome
            .cmp(&a.outcome)
            .then(a.table.cmp(&b.table))
            .then(a.code.cmp(&b.code))
            .then(a.field.cmp(&b.field))
    });
    writeln!(
        out,
        "Rules: {} run · {} pass · {} warn · {} fail · {} with findings",
        s.rules_run,
        s.rules_passed,
        s.rules_warned,
        s.rules_failed,
        failing.len()
    )?;
    if !failing.is_empty() {
        let mut rules = new_table(color);
        rules.set_header(["", "rule", "where", "violations"]);
        for r in &failing {
            rules.add_row([
                outcome_cell(r.outcome),
                Cell::new(format!("{} {}", r.code, r.name)),
                Cell::new(place(r)),
                Cell::new(format!(
                    "{} of {} ({:.1}%)",
                    r.violations,
                    r.checked,
                    r.violation_share * 100.0
                )),
            ]);
        }
        if let Some(c) = rules.column_mut(3) {
            c.set_cell_alignment(CellAlignment::Right);
        }
        writeln!(out, "{rules}")?;
        // Column-level details (styles seen, duplicate counts) read better as sentences.
        let detailed: Vec<_> = failing.iter().filter(|r| r.detail.is_some()).collect();
        if !detailed.is_empty() {
            writeln!(out)?;
            writeln!(out, "Details")?;
            for r in detailed {
                let text = format!(
                    "{} {}: {}",
                    r.code,
                    place(r),
                    r.detail.as_deref().unwrap_or_default()
                );
                write_wrapped(out, &text, "  ", "    ")?;
            }
        }
    }
    writeln!(out)?;
    for dup in &report.duplicates {
        if dup.clusters > 0 && dup.method == "fuzzy" {
            let text = format!(
                "Probable duplicates in {} (fuzzy, record-level): {} cluster(s), {} records involved, {} surplus",
                dup.table, dup.clusters, dup.records_in_clusters, dup.surplus_records
            );
            write_wrapped(out, &text, "", "  ")?;
        } else if dup.clusters > 0 {
            let text = format!(
                "Duplicates in {}.{}: {} group(s), {} records involved, {} surplus (exact after normalisation)",
                dup.table, dup.field, dup.clusters, dup.records_in_clusters, dup.surplus_records
            );
            write_wrapped(out, &text, "", "  ")?;
        }
    }
    super::kpi_text::write_summary(report, color, out)?;
    let worklist = match &options.out_dir {
        Some(dir) => format!(
            "Worklist: {} finding(s) on {} record(s), written to {dir}/worklist.csv",
            s.findings, s.records_with_findings
        ),
        None => format!(
            "Worklist: {} finding(s) on {} record(s); write them with --out DIR",
            s.findings, s.records_with_findings
        ),
    };
    write_wrapped(out, &worklist, "", "  ")?;
    writeln!(out)?;
    super::history_text::write_summary(report, out)?;
    writeln!(out, "{}", verdict(report, color))?;
    for reason in &report.gate.reasons {
        write_wrapped(out, reason, "  - ", "    ")?;
    }
    Ok(())
}

/// Writes `text` wrapped to 80 columns with the given indents.
pub(crate) fn write_wrapped(
    out: &mut dyn Write,
    text: &str,
    first: &str,
    rest: &str,
) -> std::io::Result<()> {
    for (i, line) in wrap(text, 80 - first.len().max(rest.len()))
        .iter()
        .enumerate()
    {
        writeln!(out, "{}{line}", if i == 0 { first } else { rest })?;
    }
    Ok(())
}

fn place(r: &super::model::RuleReport) -> String {
    if r.field.is_empty() {
        r.table.clone()
    } else {
        format!("{}.{}", r.table, r.field)
    }
}

/// Greedy word wrap for the detail sentences.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
