//! `--baseline report.json`: a previous run's report as the run to compare with.
//!
//! The JSON report carries rule outcomes and violation counts but only samples of findings, so
//! the baseline's finding keys come from the `worklist.csv` that `--out` wrote beside it (same
//! run, checked by its row count). Without one, findings are compared by violation counts per
//! rule, and the comparison says so.
//!
//! Only the keys needed are read, leniently (unknown keys are ignored), so reports of older and
//! newer crmaudit versions with `schema_version` 1 serve as baselines.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result, SourceText, usage};
use crate::findings::{Outcome, Severity};
use crate::kpi::result::{Interval, Range};

use super::keys::FindingKeys;
use super::snapshot::{KpiState, RuleState, Snapshot, sort_rules};

#[derive(Debug, Deserialize)]
struct ReportFile {
    schema_version: u32,
    as_of: String,
    score: f64,
    tables: Vec<TableEntry>,
    rules: Vec<RuleEntry>,
    #[serde(default)]
    kpis: Vec<KpiEntry>,
    summary: Option<SummaryEntry>,
}

#[derive(Debug, Deserialize)]
struct TableEntry {
    name: String,
    score: f64,
}

#[derive(Debug, Deserialize)]
struct RuleEntry {
    code: String,
    name: String,
    table: String,
    field: String,
    severity: Severity,
    outcome: Outcome,
    violations: usize,
    checked: usize,
}

#[derive(Debug, Deserialize)]
struct KpiEntry {
    id: String,
    name: String,
    status: String,
    unit: String,
    value: Option<f64>,
    ci: Option<Interval>,
    outer: Option<Range>,
    confidence: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SummaryEntry {
    findings: usize,
}

pub struct Baseline {
    pub snapshot: Snapshot,
    pub path: String,
    /// Why findings are compared by counts only, when they are.
    pub note: Option<String>,
}

/// Reads the baseline before the audit's work; malformed input is an error at its place.
pub fn load(path: &Path) -> Result<Baseline> {
    let bytes = std::fs::read(path).map_err(|e| {
        usage(format!(
            "--baseline {}: cannot read it: {e}",
            path.display()
        ))
    })?;
    let source = SourceText::from_bytes(path, bytes, "--baseline report")?;
    let report: ReportFile =
        serde_json::from_str(&source.text).map_err(|e| json_error(&source, &e))?;
    if report.schema_version != crate::report::model::SCHEMA_VERSION {
        let message = format!(
            "--baseline {}: report schema_version {} is not {} (the version this crmaudit reads)",
            path.display(),
            report.schema_version,
            crate::report::model::SCHEMA_VERSION
        );
        return Err(match top_level_value_span(&source.text, "schema_version") {
            Some(span) => source.error(
                span,
                message,
                format!("expected {}", crate::report::model::SCHEMA_VERSION),
                None,
            ),
            None => usage(message),
        });
    }
    let mut rules: Vec<RuleState> = report
        .rules
        .into_iter()
        .map(|r| RuleState {
            code: r.code,
            name: r.name,
            table: r.table,
            field: r.field,
            severity: r.severity,
            outcome: r.outcome,
            violations: r.violations,
            checked: r.checked,
        })
        .collect();
    sort_rules(&mut rules);
    let mut tables: Vec<(String, f64)> = report
        .tables
        .into_iter()
        .map(|t| (t.name, t.score))
        .collect();
    tables.sort_by(|a, b| a.0.cmp(&b.0));
    let mut kpis: Vec<KpiState> = report
        .kpis
        .into_iter()
        .map(|k| KpiState {
            id: k.id,
            name: k.name,
            unit: k.unit,
            status: k.status,
            value: k.value,
            ci: k.ci,
            outer: k.outer,
            confidence: k.confidence,
        })
        .collect();
    kpis.sort_by(|a, b| a.id.cmp(&b.id));
    let worklist = path.with_file_name("worklist.csv");
    let (keys, note) = if worklist.is_file() {
        let keys = read_worklist(&worklist)?;
        if let Some(summary) = &report.summary
            && summary.findings != keys.total()
        {
            return Err(usage_mismatch(
                path,
                &worklist,
                keys.total(),
                summary.findings,
            ));
        }
        (Some(keys), None)
    } else {
        (
            None,
            Some(format!(
                "no worklist.csv beside {}: findings compared by violation counts per rule",
                path.display()
            )),
        )
    };
    Ok(Baseline {
        snapshot: Snapshot {
            run_id: None,
            recorded_at: None,
            as_of: report.as_of,
            score: report.score,
            tables,
            rules,
            kpis,
            keys,
            inputs: Vec::new(),
        },
        path: path.display().to_string(),
        note,
    })
}

fn usage_mismatch(report: &Path, worklist: &Path, rows: usize, findings: usize) -> Error {
    crate::error::usage_help(
        format!(
            "--baseline {}: {} has {} but the report counts {findings}: they are not from the same run",
            report.display(),
            worklist.display(),
            crate::wording::plural(rows, "finding", "findings")
        ),
        "keep report.json and worklist.csv of one `--out DIR` together, or remove the worklist to compare by counts",
    )
}

/// Where the value of `"key": VALUE` is written (serde_json keeps no spans): the first
/// occurrence of the key followed by a colon, which in a crmaudit report is the top-level one.
fn top_level_value_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let quoted = format!("\"{key}\"");
    let at = text.find(&quoted)? + quoted.len();
    let rest = &text[at..];
    let colon = rest.len() - rest.trim_start().len();
    let rest = rest[colon..].strip_prefix(':')?;
    let start = at + colon + 1 + (rest.len() - rest.trim_start().len());
    let len = text[start..]
        .find(|c: char| c == ',' || c == '}' || c.is_whitespace())
        .unwrap_or(text.len() - start);
    Some(start..start + len)
}

/// serde_json's line and column as a span in the file.
fn json_error(source: &SourceText, err: &serde_json::Error) -> Error {
    let text = source.text.as_str();
    let line_start: usize = text
        .split_inclusive('\n')
        .take(err.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let offset = (line_start + err.column().saturating_sub(1)).min(text.len());
    let end = text[offset..]
        .char_indices()
        .nth(1)
        .map_or(text.len(), |(i, _)| offset + i);
    source.error(
        offset..end,
        format!(
            "--baseline {} is not a crmaudit JSON report: {err}",
            source.path.display()
        ),
        "here",
        Some(
            "pass the report.json that `crmaudit audit --out DIR` (or --format json) wrote".into(),
        ),
    )
}

fn read_worklist(path: &Path) -> Result<FindingKeys> {
    let bad = |why: String| {
        usage(format!(
            "--baseline: {} is not a crmaudit worklist: {why}",
            path.display()
        ))
    };
    let mut reader = csv::Reader::from_path(path).map_err(|e| bad(e.to_string()))?;
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("no `{name}` column")))
    };
    let (table, record_id, field, code, rule, severity) = (
        column("table")?,
        column("record_id")?,
        column("field")?,
        column("code")?,
        column("rule")?,
        column("severity")?,
    );
    let mut rows: Vec<csv::StringRecord> = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| bad(e.to_string()))?
    {
        rows.push(record.clone());
    }
    // The worklist was written spreadsheet-safe (a `'` before `=9`) unless `--raw-csv` was
    // given; a formula start left bare in a key column says it was raw. Keys are compared as
    // the values they were written from, or `=9` would be new and `'=9` fixed.
    let keys = [table, record_id, field, code];
    let raw = rows.iter().any(|r| {
        keys.iter()
            .any(|&i| crate::report::csv_cells::starts_a_formula(r.get(i).unwrap_or("")))
    });
    let mut grouped = super::keys::Grouping::new();
    for r in &rows {
        let get = |i: usize| {
            let cell = r.get(i).unwrap_or("");
            if raw {
                cell
            } else {
                crate::report::csv_cells::unneutralised(cell)
            }
        };
        let sev = if get(severity) == "fail" {
            Severity::Fail
        } else {
            Severity::Warn
        };
        grouped
            .entry((get(table), get(field), get(code)))
            .or_insert_with(|| (get(rule), sev, Vec::new()))
            .2
            .push(get(record_id));
    }
    Ok(FindingKeys::from_grouped(grouped))
}
