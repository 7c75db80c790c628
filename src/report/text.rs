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

fn new_table(color: bool) -> Table {
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
            writeln!(out, "  - {reason}")?;
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
    inputs.set_header([
        "table", "kind", "rows", "score", "read as", "preset", "unmapped",
    ]);
    for (input, score) in report.inputs.iter().zip(&report.tables) {
        inputs.add_row([
            input.table.clone(),
            input.kind.clone(),
            input.rows.to_string(),
            format!("{:.1}", score.score),
            format!("{} '{}'", input.encoding, input.delimiter),
            input.preset.clone().unwrap_or_else(|| "-".into()),
            input.unmapped_columns.len().to_string(),
        ]);
    }
    for col in [2, 3, 6] {
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
        rules.set_header(["", "code", "rule", "where", "violations"]);
        for r in &failing {
            let place = if r.field.is_empty() {
                r.table.clone()
            } else {
                format!("{}.{}", r.table, r.field)
            };
            let mut what = format!(
                "{} of {} ({:.1}%)",
                r.violations,
                r.checked,
                r.violation_share * 100.0
            );
            if let Some(detail) = &r.detail {
                what.push('\n');
                what.push_str(detail);
            }
            rules.add_row([
                outcome_cell(r.outcome),
                Cell::new(&r.code),
                Cell::new(&r.name),
                Cell::new(place),
                Cell::new(what),
            ]);
        }
        writeln!(out, "{rules}")?;
    }
    writeln!(out)?;
    for dup in &report.duplicates {
        if dup.clusters > 0 {
            writeln!(
                out,
                "Duplicates in {}.{}: {} group(s), {} records involved, {} surplus (exact after normalisation)",
                dup.table, dup.field, dup.clusters, dup.records_in_clusters, dup.surplus_records
            )?;
        }
    }
    match &options.out_dir {
        Some(dir) => writeln!(
            out,
            "Worklist: {} finding(s) on {} record(s), written to {dir}/worklist.csv",
            s.findings, s.records_with_findings
        )?,
        None => writeln!(
            out,
            "Worklist: {} finding(s) on {} record(s); write them with --out DIR",
            s.findings, s.records_with_findings
        )?,
    }
    writeln!(out)?;
    writeln!(out, "{}", verdict(report, color))?;
    for reason in &report.gate.reasons {
        writeln!(out, "  - {reason}")?;
    }
    Ok(())
}
