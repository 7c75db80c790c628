//! KPIs in the terminal: a one-line-per-KPI table for the audit summary, and the full view of
//! `crmaudit kpi` with each KPI's interval, bounds, target and annotations. Fits 80 columns.

use std::io::Write;

use comfy_table::{Cell, CellAlignment, Color as CellColor};

use crate::kpi::KpiReport;
use crate::kpi::format;
use crate::wording::{counted, plural};

use super::AuditReport;
use super::text::{TextOptions, new_table, write_wrapped};

fn range(low: f64, high: Option<f64>, unit: &str) -> String {
    match high {
        // An en dash, so that a negative bound still reads as one: -67.0%–409.7%.
        Some(h) => format!("{}–{}", bound(low, unit), bound(h, unit)),
        None => format!("{}–unbounded", bound(low, unit)),
    }
}

/// A number in the 80-column table: from a million up, three significant digits and a suffix
/// (`10.8M`, `7.14B`, `30.1T`), so that a wide CAC interval (49,027–10,789,338) or amounts in
/// yen or rupiah leave the KPI names their room; `crmaudit kpi` prints them in full below.
fn bound(x: f64, unit: &str) -> String {
    if unit == "percent" || x.abs() < 1e6 || !x.is_finite() {
        return format::value(x, unit);
    }
    let (scale, suffix) = [(1e12, "T"), (1e9, "B"), (1e6, "M")]
        .into_iter()
        .find(|&(scale, _)| x.abs() >= scale)
        .expect("at least a million");
    let m = x / scale;
    if m.abs() >= 1000.0 {
        return format!("{x:.2e}");
    }
    let decimals = if m.abs() >= 100.0 {
        0
    } else if m.abs() >= 10.0 {
        1
    } else {
        2
    };
    format!("{m:.decimals$}{suffix}")
}

fn grade_cell(k: &KpiReport) -> Cell {
    let text = k.confidence.as_deref().unwrap_or("-");
    let cell = Cell::new(text);
    match text {
        "high" => cell.fg(CellColor::Green),
        "medium" => cell.fg(CellColor::Yellow),
        "low" => cell.fg(CellColor::Red),
        _ => cell,
    }
}

/// The table of every KPI: value, interval, data-quality bounds, grade.
pub fn table(report: &AuditReport, color: bool) -> comfy_table::Table {
    let level = report
        .kpis
        .iter()
        .find_map(|k| k.ci.as_ref().map(|c| c.level))
        .unwrap_or(0.95);
    let mut t = new_table(color);
    t.set_header([
        "kpi".to_string(),
        "value".to_string(),
        format!("{:.0}% interval", level * 100.0),
        "dq bounds".to_string(),
        "grade".to_string(),
    ]);
    for k in &report.kpis {
        let unit = k.unit.as_str();
        let (value, ci, dq) = match k.value {
            Some(v) => (
                match unit {
                    "days" | "hours" => format::with_unit(v, unit),
                    _ => bound(v, unit),
                },
                k.ci.as_ref()
                    .map_or("-".into(), |c| range(c.low, c.high, unit)),
                k.dq_bounds
                    .as_ref()
                    .map_or("-".into(), |b| range(b.low, b.high, unit)),
            ),
            None => ("n/a".into(), "-".into(), "-".into()),
        };
        t.add_row(vec![
            Cell::new(&k.id),
            Cell::new(value),
            Cell::new(ci),
            Cell::new(dq),
            // The line under the table says why; a 14-character grade here squeezed the
            // number columns until they wrapped mid-number (`26,630–44,91` / `9`).
            if k.status == "ok" {
                grade_cell(k)
            } else {
                Cell::new("-")
            },
        ]);
    }
    for col in [1, 2, 3] {
        if let Some(c) = t.column_mut(col) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    // Nothing here is ever wrapped: `ticket_resolution_tim` / `e` reads as two rows, and a
    // number cut in two reads as another number.
    for col in 0..5 {
        if let Some(c) = t.column_mut(col) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    t
}

/// The audit summary's KPI section.
pub fn write_summary(
    report: &AuditReport,
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if report.kpis.is_empty() {
        return Ok(());
    }
    writeln!(out, "KPIs (crmaudit kpi for the annotations)")?;
    writeln!(out, "{}", super::text::render(&table(report, color)))?;
    for k in report.kpis.iter().filter(|k| k.status != "ok") {
        let text = format!(
            "{} not computable: {}",
            k.id,
            k.reason.as_deref().unwrap_or("")
        );
        write_wrapped(out, &text, "  ", "    ")?;
    }
    writeln!(out)
}

/// `crmaudit kpi`.
pub fn write(
    report: &AuditReport,
    options: &TextOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if options.quiet {
        for k in &report.kpis {
            let line = match k.value {
                Some(v) => format!(
                    "{} {} ({})",
                    k.id,
                    format::value(v, &k.unit),
                    k.confidence.as_deref().unwrap_or("-")
                ),
                None => format!("{} not computable", k.id),
            };
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "crmaudit {} · KPIs · as of {} · {}, {}",
        report.tool.version,
        report.as_of,
        plural(report.summary.tables, "table", "tables"),
        plural(report.summary.records, "record", "records")
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        super::text::render(&table(report, options.color))
    )?;
    for k in &report.kpis {
        writeln!(out)?;
        let head = match k.value {
            Some(v) => format!(
                "{} = {} · {} confidence",
                k.name,
                format::with_unit(v, &k.unit),
                k.confidence.as_deref().unwrap_or("-")
            ),
            None => format!("{}: not computable", k.name),
        };
        write_wrapped(out, &head, "", "  ")?;
        write_wrapped(
            out,
            &format!("{} ({}): {}", k.id, k.variant, k.definition),
            "  ",
            "    ",
        )?;
        if k.status != "ok" {
            write_wrapped(
                out,
                &format!("why: {}", k.reason.as_deref().unwrap_or("")),
                "  ",
                "    ",
            )?;
            continue;
        }
        let unit = k.unit.as_str();
        let mut facts = vec![format!("period {}", k.period.description)];
        if let (Some(n), Some(of)) = (k.n, &k.n_of) {
            facts.push(format!("n = {}", counted(n, of)));
        }
        write_wrapped(out, &facts.join(" · "), "  ", "    ")?;
        let mut numbers = Vec::new();
        if let Some(ci) = &k.ci {
            numbers.push(format!(
                "{:.0}% interval {} ({})",
                ci.level * 100.0,
                range(ci.low, ci.high, unit),
                ci.method
            ));
        }
        if let Some(b) = &k.dq_bounds {
            numbers.push(format!(
                "data-quality bounds {}",
                range(b.low, b.high, unit)
            ));
        }
        if let Some(o) = &k.outer {
            numbers.push(format!("outer {}", range(o.low, o.high, unit)));
        }
        if let Some(raw) = k.raw_value {
            numbers.push(format!("as the data stands {}", format::value(raw, unit)));
        }
        if let Some(q) = k.input_quality {
            numbers.push(format!("input quality {:.1}%", q * 100.0));
        }
        write_wrapped(out, &numbers.join(" · "), "  ", "    ")?;
        for a in &k.annotations {
            write_wrapped(out, a, "  - ", "    ")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::bound;

    #[test]
    fn large_amounts_keep_three_significant_digits() {
        let shown: Vec<String> = [
            999_999.0,
            10_789_338.0,
            7_135_500_000.0,
            30_066_700_000_000.0,
            -2_500_000.0,
            4.2e18,
        ]
        .iter()
        .map(|&x| bound(x, "currency"))
        .collect();
        assert_eq!(
            shown,
            ["999,999", "10.8M", "7.14B", "30.1T", "-2.50M", "4.20e18"]
        );
        assert_eq!(
            bound(99.95, "percent"),
            super::format::value(99.95, "percent")
        );
    }
}
