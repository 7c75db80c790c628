//! `crmaudit history --history FILE [--format text|json|markdown] [--since RUN] [--last N]`.

use std::io::Write;

use serde::Serialize;

use crate::cli::{HistoryArgs, HistoryFormat};
use crate::config::alerts::KpiInterval;
use crate::error::{Error, Result, usage_help};
use crate::report::history::{Changes, RunPoint};

use super::compare;
use super::schema::SCHEMA_VERSION;
use super::store::{RunRow, Store};

/// Runs text and markdown show unless `--last` says otherwise.
const DEFAULT_LAST: usize = 20;

/// What `crmaudit history` shows; `--format json` prints it as is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryView {
    pub store: String,
    pub schema_version: i32,
    /// Runs in the store.
    pub runs_total: usize,
    /// The runs shown (the last `--last N`), oldest first.
    pub runs: Vec<RunRow>,
    /// The same runs as trend points: table scores, KPI values with intervals.
    pub trends: Vec<RunPoint>,
    /// The latest run against the one before it, or against `--since RUN`.
    pub comparison: Option<Comparison>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub from_run: i64,
    pub to_run: i64,
    /// KPIs are held against the previous run's statistical interval (`ci`).
    pub kpi_interval: String,
    /// Every new and fixed record id, per rule and field.
    pub changes: Changes,
}

/// Reads the view in one read transaction: a run being appended meanwhile is either wholly in
/// it or not at all.
pub fn load(
    path: &std::path::Path,
    since: Option<i64>,
    last: Option<usize>,
) -> Result<HistoryView> {
    let mut store = Store::open(path)?;
    let reader = store.read()?;
    let mut runs = reader.runs()?;
    let runs_total = runs.len();
    let last = last.unwrap_or(usize::MAX).max(1);
    let (trends, _) = reader.points(last)?;
    let latest = runs.last().map(|r| r.run_id);
    let from = match since {
        Some(id) => {
            if !runs.iter().any(|r| r.run_id == id) {
                let ids = match (runs.first(), runs.last()) {
                    (Some(a), Some(b)) => format!("runs {} to {}", a.run_id, b.run_id),
                    _ => "no runs".to_string(),
                };
                return Err(usage_help(
                    format!("--since {id}: the store has no run {id}"),
                    format!("it holds {ids}; `crmaudit history --history FILE` lists them"),
                ));
            }
            if Some(id) == latest {
                return Err(usage_help(
                    format!("--since {id} is the latest run: there is nothing after it to compare"),
                    "name an earlier run",
                ));
            }
            Some(id)
        }
        None => runs.iter().rev().nth(1).map(|r| r.run_id),
    };
    let comparison = match (from, latest) {
        (Some(from), Some(to)) => {
            let (a, b) = (reader.snapshot(from)?, reader.snapshot(to)?);
            Some(Comparison {
                from_run: from,
                to_run: to,
                kpi_interval: KpiInterval::Statistical.as_str().into(),
                changes: compare::compare(&b, &a, KpiInterval::Statistical, None),
            })
        }
        _ => None,
    };
    reader.finish()?;
    let skip = runs.len().saturating_sub(last);
    runs.drain(..skip);
    Ok(HistoryView {
        store: path.display().to_string(),
        schema_version: SCHEMA_VERSION,
        runs_total,
        runs,
        trends,
        comparison,
    })
}

pub fn history(args: &HistoryArgs) -> Result<()> {
    let last = args.last.map(|n| n as usize).or(match args.format {
        HistoryFormat::Json => None,
        HistoryFormat::Text | HistoryFormat::Markdown => Some(DEFAULT_LAST),
    });
    let view = load(&args.history, args.since, last)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.format {
        HistoryFormat::Json => serde_json::to_writer_pretty(&mut out, &view)
            .map_err(std::io::Error::from)
            .and_then(|_| out.write_all(b"\n")),
        HistoryFormat::Text => super::view::text(
            &view,
            &mut crate::report::terminal::Printable::new(&mut out, false),
        ),
        HistoryFormat::Markdown => super::view::markdown(&view, &mut out),
    };
    match written.and_then(|_| out.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Output {
            path: "stdout".into(),
            reason: err,
        }),
        _ => Ok(()),
    }
}
