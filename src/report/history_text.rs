//! The terminal summary's lines about history: what this run was compared with, what is new
//! and fixed, and the alerts. Printed before the verdict, only with `--history`/`--baseline`.

use super::view;
use std::io::Write;

use super::AuditReport;
use super::text::write_wrapped;
use crate::wording::{form, plural};

pub fn write_summary(report: &AuditReport, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(r) = &report.regression else {
        return Ok(());
    };
    let stored = report.history.as_ref().map_or(String::new(), |h| {
        format!(
            "Recorded as run {} of {} in {}. ",
            h.run_id, h.runs, h.store
        )
    });
    let against = match (r.compared_with.source.as_str(), r.compared_with.run_id) {
        ("history", Some(id)) => format!("Compared with run {id}"),
        ("baseline", _) => format!(
            "Compared with the baseline {}",
            r.compared_with.path.as_deref().unwrap_or("")
        ),
        _ => {
            write_wrapped(
                out,
                &format!("{stored}Nothing to compare with yet."),
                "",
                "  ",
            )?;
            writeln!(out)?;
            return Ok(());
        }
    };
    let f = &r.changes.findings;
    let counted = if r.compared_with.finding_keys {
        ""
    } else {
        " (by violation counts per rule)"
    };
    let score = r.changes.score.as_ref().map_or(String::new(), |s| {
        format!(
            ", score {} -> {}",
            view::score(s.previous),
            view::score(s.current)
        )
    });
    write_wrapped(
        out,
        &format!(
            "{stored}{against}: {}, {} fixed{counted}{score}.",
            plural(f.new, "new finding", "new findings"),
            f.fixed
        ),
        "",
        "  ",
    )?;
    if let Some(note) = &r.compared_with.note {
        write_wrapped(out, &format!("Note: {note}."), "", "  ")?;
    }
    if !r.known_problems.is_empty() {
        write_wrapped(
            out,
            &format!(
                "{} already in the baseline no longer {} the run.",
                plural(r.known_problems.len(), "gate reason", "gate reasons"),
                form(r.known_problems.len(), "fails", "fail")
            ),
            "",
            "  ",
        )?;
    }
    if !r.alerts.is_empty() {
        let effect = if r.fail_on_regression {
            "they fail the run"
        } else {
            "reported only; --fail-on-regression makes them fail the run"
        };
        writeln!(out, "Alerts ({}; {effect}):", r.alerts.len())?;
        for alert in &r.alerts {
            write_wrapped(out, &alert.message, "  ! ", "    ")?;
        }
    }
    writeln!(out)?;
    Ok(())
}
