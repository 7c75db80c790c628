//! The terminal summary: what a person reads first. Fits 80 columns; colour only when asked for.

use super::view;
use std::io::Write;

use comfy_table::{Cell, CellAlignment, Color as CellColor, ContentArrangement, Table, presets};
use owo_colors::OwoColorize;

use crate::findings::Outcome;
use crate::wording::plural;

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
    format!("Gate {word} · score {}/100", view::gate_score(report))
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
        "crmaudit {} · as of {} · {}, {}",
        report.tool.version,
        report.as_of,
        plural(s.tables, "table", "tables"),
        plural(s.records, "record", "records")
    )?;
    writeln!(out)?;

    let mut inputs = new_table(color);
    inputs.set_header(["table", "rows", "score", "read as", "preset", "unmapped"]);
    for (input, score) in report.inputs.iter().zip(&report.tables) {
        inputs.add_row([
            // The kind only where the name does not already say it.
            super::view::truncate(
                &if input.kind == input.table {
                    input.table.clone()
                } else {
                    format!("{} ({})", input.table, input.kind)
                },
                28,
            ),
            input.rows.to_string(),
            view::score(score.score),
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
    writeln!(out, "{}", render(&inputs))?;
    writeln!(out)?;

    let failing = super::view::rules_with_findings(report);
    // One rule runs once per table and field it reads: these are outcomes, not rules.
    writeln!(
        out,
        "Rules: {} · {} pass · {} warn · {} fail · {} with findings",
        plural(s.rules_run, "rule outcome", "rule outcomes"),
        s.rules_passed,
        s.rules_warned,
        s.rules_failed,
        failing.len()
    )?;
    if !failing.is_empty() {
        let mut rules = new_table(color);
        rules.set_header(["", "rule", "where", "violations"]);
        let counts: Vec<String> = failing
            .iter()
            .map(|r| {
                format!(
                    "{} of {} ({:.1}%)",
                    crate::wording::count(r.violations),
                    crate::wording::count(r.checked),
                    r.violation_share * 100.0
                )
            })
            .collect();
        let names: Vec<String> = failing
            .iter()
            .map(|r| format!("{} {}", r.code, r.name))
            .collect();
        let places = super::view::finding_places(report, &failing);
        // Cut long names with an ellipsis instead of letting the table wrap them mid-word:
        // 80 columns less the outcome (4), the counts and one space either side of each cell.
        let widest = counts.iter().map(|c| c.chars().count()).max().unwrap_or(0);
        let budget = 80usize.saturating_sub(4 + widest + 8);
        let (name_width, place_width) = split_width(&names, &places, budget);
        for ((r, name), (place, count)) in
            failing.iter().zip(&names).zip(places.iter().zip(&counts))
        {
            rules.add_row([
                outcome_cell(r.outcome),
                Cell::new(super::view::truncate(name, name_width)),
                Cell::new(truncate_place(place, &r.table, place_width)),
                Cell::new(count),
            ]);
        }
        if let Some(c) = rules.column_mut(3) {
            c.set_cell_alignment(CellAlignment::Right);
        }
        writeln!(out, "{}", render(&rules))?;
        // Column-level details (styles seen, duplicate counts) read better as sentences.
        let detailed: Vec<_> = failing
            .iter()
            .zip(&places)
            .filter(|(r, _)| r.detail.is_some())
            .collect();
        if !detailed.is_empty() {
            writeln!(out)?;
            writeln!(out, "Details")?;
            for (r, place) in detailed {
                let text = format!(
                    "{} {place}: {}",
                    r.code,
                    r.detail.as_deref().unwrap_or_default()
                );
                write_wrapped(out, &text, "  ", "    ")?;
            }
        }
    }
    writeln!(out)?;
    let mut duplicates = false;
    for dup in &report.duplicates {
        let involved = plural(dup.records_in_clusters, "record", "records");
        if dup.clusters > 0 && dup.method == "fuzzy" {
            let text = format!(
                "Probable duplicates in {} (fuzzy, record-level): {}, {involved} involved, {} surplus",
                dup.table,
                plural(dup.clusters, "cluster", "clusters"),
                dup.surplus_records
            );
            write_wrapped(out, &text, "", "  ")?;
            duplicates = true;
        } else if dup.clusters > 0 {
            let text = format!(
                "Duplicates in {}.{}: {}, {involved} involved, {} surplus (exact after normalisation)",
                dup.table,
                dup.field,
                plural(dup.clusters, "group", "groups"),
                dup.surplus_records
            );
            write_wrapped(out, &text, "", "  ")?;
            duplicates = true;
        }
    }
    // The KPI block is a section of its own, not a continuation of the duplicate lines.
    if duplicates && !report.kpis.is_empty() {
        writeln!(out)?;
    }
    super::kpi_text::write_summary(report, color, out)?;
    let findings = format!(
        "{} on {}",
        plural(s.findings, "finding", "findings"),
        plural(s.records_with_findings, "record", "records")
    );
    let worklist = match &options.out_dir {
        Some(dir) => format!("Worklist: {findings}, written to {dir}/worklist.csv"),
        None => format!("Worklist: {findings}; write them with --out DIR"),
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

/// Shares `budget` columns between two columns of cells, cutting as few cells as it can (ties:
/// the first column, rule names, gets the room).
/// `table.field` in `width` characters: the table name is shortened first, since the field is
/// what tells rules apart (`Telco-Cus….TotalCharges`, not `Telco-C…`).
fn truncate_place(place: &str, table: &str, width: usize) -> String {
    if place.chars().count() <= width {
        return place.to_string();
    }
    match place.strip_prefix(table).and_then(|p| p.strip_prefix('.')) {
        // Keep at least 4 characters of the table and its ellipsis.
        Some(field) if field.chars().count() + 6 <= width => {
            let room = width - field.chars().count() - 1;
            format!("{}.{field}", super::view::truncate(table, room))
        }
        // A field too long for that: both shortened, the field keeping the larger part.
        Some(field) if width >= 12 => {
            let room = 5.min(table.chars().count());
            format!(
                "{}.{}",
                super::view::truncate(table, room),
                super::view::truncate(field, width - room - 1)
            )
        }
        _ => super::view::truncate(place, width),
    }
}

fn split_width(first: &[String], second: &[String], budget: usize) -> (usize, usize) {
    let widths =
        |cells: &[String]| -> Vec<usize> { cells.iter().map(|c| c.chars().count()).collect() };
    let (a, b) = (widths(first), widths(second));
    let need_a = a.iter().copied().max().unwrap_or(0);
    let need_b = b.iter().copied().max().unwrap_or(0);
    if need_a + need_b <= budget {
        return (need_a, need_b);
    }
    // Fewest cells cut, then fewest characters lost, then the wider first column; a first
    // column wider than its widest cell gives the rest to the second.
    let floor = 8.min(budget / 2);
    let w = (floor..=budget - floor)
        .map(|w| {
            let over = |cells: &[usize], width: usize| -> (usize, usize) {
                cells
                    .iter()
                    .filter(|&&x| x > width)
                    .fold((0, 0), |(n, lost), &x| (n + 1, lost + x - width))
            };
            let (ca, la) = over(&a, w);
            let (cb, lb) = over(&b, budget - w);
            (ca + cb, la + lb, std::cmp::Reverse(w))
        })
        .min()
        .map_or(budget / 2, |(_, _, std::cmp::Reverse(w))| w)
        .min(need_a);
    (w, budget - w)
}

/// A comfy table as text without the padding it leaves at the end of each line.
pub(super) fn render(table: &Table) -> String {
    table
        .lines()
        .map(|line| line.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
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

#[cfg(test)]
mod place_tests {
    use super::truncate_place;

    #[test]
    fn a_place_keeps_its_field_before_its_table() {
        let table = "a_really_quite_extraordinarily_long_table";
        let short = format!("{table}.email");
        assert_eq!(truncate_place(&short, table, 20), "a_really_quit….email");
        let long = format!("{table}.phone_number_of_the_primary_contact_person");
        let cut = truncate_place(&long, table, 30);
        assert_eq!(cut, "a_re….phone_number_of_the_pri…");
        assert_eq!(cut.chars().count(), 30, "{cut}");
        assert_eq!(truncate_place("t.f", "t", 30), "t.f");
    }
}
