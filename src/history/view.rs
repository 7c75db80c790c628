//! `crmaudit history` as text (80 columns) and Markdown (for a pull-request comment). Both
//! show the same sections, built once as rows: runs, table scores, KPIs with intervals, and
//! what changed between the two runs compared.

use std::io::Write;

use crate::kpi::format;
use crate::report::history::{FindingGroupChange, KpiPoint, RunPoint};

use super::command::HistoryView;

/// Runs shown side by side in the score and KPI tables (the rest are in `--format json`).
const SCORE_COLUMNS: usize = 6;
/// Two, so that a KPI row (name and two "34,278 [26,630, 44,919]" cells) fits 80 columns.
const KPI_COLUMNS: usize = 2;
/// Record ids listed per rule and field in text and Markdown.
const IDS_SHOWN: usize = 10;

struct Section {
    title: String,
    headers: Vec<String>,
    /// Right-aligned columns (numbers).
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
    /// Sentences under the table.
    notes: Vec<String>,
}

fn sections(view: &HistoryView) -> (String, Vec<Section>) {
    let shown = match (view.runs.first(), view.runs.last()) {
        (Some(a), Some(b)) if view.runs.len() < view.runs_total => {
            format!(
                ", showing runs {} to {} (--last N for more)",
                a.run_id, b.run_id
            )
        }
        _ => String::new(),
    };
    let heading = format!(
        "History store {}: {}{shown}",
        view.store,
        format::plural(view.runs_total, "run", "runs")
    );
    let mut out = Vec::new();

    let mut runs = Section {
        title: "Runs".into(),
        headers: [
            "run",
            "recorded (UTC)",
            "as of",
            "score",
            "change",
            "findings",
            "gate",
            "alerts",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![true, false, false, true, true, true, false, true],
        rows: Vec::new(),
        notes: Vec::new(),
    };
    let mut previous_score: Option<f64> = None;
    for r in &view.runs {
        // The change between the scores as shown (one decimal), so the column adds up: 97.963
        // then 97.930 read 98.0 -> 97.9, a change of -0.1, not 0.0.
        let shown = |x: f64| (x * 10.0).round() / 10.0;
        let change = previous_score.map_or(String::new(), |p| signed(shown(r.score) - shown(p)));
        previous_score = Some(r.score);
        let gate = if r.gate_passed { "passed" } else { "failed" };
        runs.rows.push(vec![
            r.run_id.to_string(),
            // To the minute: the seconds are in --format json.
            r.recorded_at.replace('T', " ").chars().take(16).collect(),
            r.as_of.clone(),
            format!("{:.1}", r.score),
            change,
            format::count(r.findings),
            gate.to_string(),
            r.alerts.len().to_string(),
        ]);
    }
    out.push(runs);

    let recent: Vec<&RunPoint> = last_n(&view.trends, SCORE_COLUMNS);
    if !recent.is_empty() {
        let mut tables: Vec<&str> = recent
            .iter()
            .flat_map(|p| p.tables.iter().map(|t| t.name.as_str()))
            .collect();
        tables.sort_unstable();
        tables.dedup();
        let mut section = Section {
            title: "Table scores".into(),
            headers: std::iter::once("table".to_string())
                .chain(recent.iter().map(|p| format!("run {}", p.run_id)))
                .collect(),
            right: std::iter::once(false)
                .chain(recent.iter().map(|_| true))
                .collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        };
        for t in tables {
            let mut row = vec![t.to_string()];
            for p in &recent {
                row.push(
                    p.tables
                        .iter()
                        .find(|x| x.name == t)
                        .map_or("-".into(), |x| format!("{:.1}", x.score)),
                );
            }
            section.rows.push(row);
        }
        out.push(section);
    }

    let recent: Vec<&RunPoint> = last_n(&view.trends, KPI_COLUMNS);
    let mut ids: Vec<&str> = recent
        .iter()
        .flat_map(|p| p.kpis.iter().map(|k| k.id.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if !ids.is_empty() {
        let mut section = Section {
            title: "KPIs (value [statistical interval])".into(),
            headers: std::iter::once("kpi".to_string())
                .chain(recent.iter().map(|p| format!("run {}", p.run_id)))
                .collect(),
            right: std::iter::once(false)
                .chain(recent.iter().map(|_| false))
                .collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        };
        for id in ids {
            let mut row = vec![id.to_string()];
            for p in &recent {
                row.push(
                    p.kpis
                        .iter()
                        .find(|k| k.id == id)
                        .map_or("-".into(), kpi_cell),
                );
            }
            section.rows.push(row);
        }
        out.push(section);
    }

    if let Some(c) = &view.comparison {
        let ch = &c.changes;
        let mut notes = Vec::new();
        if let Some(s) = &ch.score {
            notes.push(format!(
                "Overall score {:.1} -> {:.1} ({}).",
                s.previous,
                s.current,
                signed(s.change)
            ));
        }
        if !ch.inputs_changed.is_empty() {
            notes.push(format!(
                "Input files changed: {}.",
                ch.inputs_changed.join(", ")
            ));
        } else {
            notes.push("Input files: the same bytes in both runs.".into());
        }
        notes.push(format!(
            "Findings: {} new, {} fixed{}.",
            format::count(ch.findings.new),
            format::count(ch.findings.fixed),
            if ch.findings.no_longer_checked > 0 {
                format!(
                    ", {} of rules that did not run again (neither fixed nor new)",
                    format::count(ch.findings.no_longer_checked)
                )
            } else {
                String::new()
            }
        ));
        for k in ch.kpis.iter().filter(|k| k.outside_previous_interval) {
            notes.push(format!(
                "KPI {} moved outside run {}'s interval: {} -> {}.",
                k.id,
                c.from_run,
                k.previous
                    .map_or("n/a".into(), |v| format::value(v, &k.unit)),
                k.current
                    .map_or("n/a".into(), |v| format::value(v, &k.unit)),
            ));
        }
        let mut section = Section {
            title: format!("Changes from run {} to run {}", c.from_run, c.to_run),
            headers: ["", "rule", "on", "records"].map(String::from).to_vec(),
            right: vec![false, false, false, false],
            rows: Vec::new(),
            notes,
        };
        for g in &ch.findings.groups {
            if g.new > 0 {
                section.rows.push(group_row("new", g.new, &g.new_ids, g));
            }
            if g.fixed > 0 {
                section
                    .rows
                    .push(group_row("fixed", g.fixed, &g.fixed_ids, g));
            }
        }
        out.push(section);
        if !ch.rules.is_empty() {
            let mut rules = Section {
                title: "Rule outcomes that changed".into(),
                headers: ["rule", "on", "before", "now"].map(String::from).to_vec(),
                right: vec![false, false, false, false],
                rows: Vec::new(),
                notes: Vec::new(),
            };
            let state = |o: Option<crate::findings::Outcome>, v: Option<usize>| match (o, v) {
                (Some(o), Some(v)) => format!("{} ({v})", o.as_str()),
                _ => "did not run".into(),
            };
            for r in &ch.rules {
                rules.rows.push(vec![
                    format!("{} {}", r.code, r.name),
                    place(&r.table, &r.field),
                    state(r.previous, r.previous_violations),
                    state(r.current, r.violations),
                ]);
            }
            out.push(rules);
        }
    } else {
        out.push(Section {
            title: "Changes".into(),
            headers: Vec::new(),
            right: Vec::new(),
            rows: Vec::new(),
            notes: vec!["One run only: nothing to compare yet.".into()],
        });
    }
    (heading, out)
}

fn group_row(what: &str, count: usize, ids: &[String], g: &FindingGroupChange) -> Vec<String> {
    let shown: Vec<&str> = ids.iter().take(IDS_SHOWN).map(String::as_str).collect();
    let more = if count > shown.len() {
        format!(" and {} more", format::count(count - shown.len()))
    } else {
        String::new()
    };
    vec![
        format!("{what} {}", format::count(count)),
        format!("{} {} ({})", g.code, g.rule, g.severity.as_str()),
        place(&g.table, &g.field),
        format!("{}{more}", shown.join(", ")),
    ]
}

fn place(table: &str, field: &str) -> String {
    if field.is_empty() {
        table.to_string()
    } else {
        format!("{table}.{field}")
    }
}

fn signed(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded == 0.0 {
        "0.0".into()
    } else {
        format!("{rounded:+.1}")
    }
}

fn last_n(points: &[RunPoint], n: usize) -> Vec<&RunPoint> {
    points.iter().skip(points.len().saturating_sub(n)).collect()
}

fn kpi_cell(k: &KpiPoint) -> String {
    let Some(value) = k.value.filter(|_| k.status == "ok") else {
        return "not computable".into();
    };
    let interval = k.ci.as_ref().map_or(String::new(), |ci| {
        format!(
            " [{}, {}]",
            format::value(ci.low, &k.unit),
            ci.high
                .map_or("unbounded".into(), |h| format::value(h, &k.unit))
        )
    });
    format!("{}{interval}", format::value(value, &k.unit))
}

pub fn text(view: &HistoryView, out: &mut dyn Write) -> std::io::Result<()> {
    let (heading, sections) = sections(view);
    writeln!(out, "{heading}")?;
    for s in sections {
        writeln!(out)?;
        writeln!(out, "{}", s.title)?;
        if !s.rows.is_empty() {
            let widths: Vec<usize> = (0..s.headers.len())
                .map(|i| {
                    s.rows
                        .iter()
                        .map(|r| r[i].chars().count())
                        .chain(std::iter::once(s.headers[i].chars().count()))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cells: &[String]| -> String {
                let parts: Vec<String> = cells
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let pad = widths[i].saturating_sub(c.chars().count());
                        if s.right.get(i).copied().unwrap_or(false) {
                            format!("{}{c}", " ".repeat(pad))
                        } else {
                            format!("{c}{}", " ".repeat(pad))
                        }
                    })
                    .collect();
                format!("  {}", parts.join("  ")).trim_end().to_string()
            };
            writeln!(out, "{}", line(&s.headers))?;
            let last = s.headers.len().saturating_sub(1);
            // Where the last column starts; a long last cell (record ids) wraps there, or on
            // lines of its own when the other columns leave it too little room.
            let start = 2 + widths[..last].iter().map(|w| w + 2).sum::<usize>();
            for row in &s.rows {
                let full = line(row);
                if full.chars().count() <= WIDTH || last == 0 {
                    writeln!(out, "{full}")?;
                    continue;
                }
                let mut head = row.clone();
                head[last].clear();
                let (indent, room) = if start <= WIDTH / 2 {
                    (start, WIDTH - start)
                } else {
                    (6, WIDTH - 6)
                };
                let mut lines = wrap_words(&row[last], room).into_iter();
                let first = if start <= WIDTH / 2 {
                    lines.next().unwrap_or_default()
                } else {
                    String::new()
                };
                let prefix = line(&head);
                writeln!(out, "{}", format!("{prefix:<start$}{first}").trim_end())?;
                for l in lines {
                    writeln!(out, "{}{l}", " ".repeat(indent))?;
                }
            }
        }
        for note in &s.notes {
            crate::report::text::write_wrapped(out, note, "  ", "    ")?;
        }
    }
    Ok(())
}

/// The terminal width `crmaudit history` keeps to.
const WIDTH: usize = 80;

/// Greedy word wrap at spaces; a word longer than `room` gets a line of its own.
fn wrap_words(text: &str, room: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > room {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Pipes and backslashes in cells would break a Markdown table.
fn md(cell: &str) -> String {
    cell.replace('\\', "\\\\").replace('|', "\\|")
}

pub fn markdown(view: &HistoryView, out: &mut dyn Write) -> std::io::Result<()> {
    let (heading, sections) = sections(view);
    writeln!(out, "## {}", md(&heading))?;
    for s in sections {
        writeln!(out)?;
        writeln!(out, "### {}", md(&s.title))?;
        if !s.rows.is_empty() {
            writeln!(out)?;
            let header: Vec<String> = s.headers.iter().map(|h| md(h)).collect();
            writeln!(out, "| {} |", header.join(" | "))?;
            let rule: Vec<&str> = s
                .right
                .iter()
                .map(|&r| if r { "---:" } else { "---" })
                .collect();
            writeln!(out, "| {} |", rule.join(" | "))?;
            for row in &s.rows {
                let cells: Vec<String> = row.iter().map(|c| md(c)).collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
        }
        if !s.notes.is_empty() {
            writeln!(out)?;
            for note in &s.notes {
                writeln!(out, "- {}", md(note))?;
            }
        }
    }
    Ok(())
}
