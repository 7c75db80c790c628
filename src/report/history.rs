//! The history parts of the report model: trends from the history store (`history`), and the
//! comparison of this run with the previous one or a `--baseline` report (`regression`).
//!
//! Renderers read these like the rest of the model; both are absent from the JSON unless
//! `--history` or `--baseline` was given, so a plain audit's JSON is unchanged.

use serde::{Deserialize, Serialize};

use crate::findings::{Outcome, Severity};
use crate::kpi::result::{Interval, Range};

/// The runs of the history store, oldest first, for trend charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistorySummary {
    /// The store's path, as given to `--history`.
    pub store: String,
    /// This run's id in the store.
    pub run_id: i64,
    /// Runs in the store, this one included.
    pub runs: usize,
    /// The most recent runs (at most [`TREND_POINTS`]), oldest first, this one last.
    pub points: Vec<RunPoint>,
}

/// How many runs the report carries for trends; `crmaudit history` shows any number.
pub const TREND_POINTS: usize = 100;

/// One run as a point of the trends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunPoint {
    pub run_id: i64,
    /// When the run was recorded, UTC, RFC 3339 (`2024-12-31T09:30:00Z`).
    pub recorded_at: String,
    pub as_of: String,
    /// Overall score, 0-100.
    pub score: f64,
    pub gate_passed: bool,
    /// Rows of the run's worklist.
    pub findings: usize,
    /// Table scores, by table name.
    pub tables: Vec<TablePoint>,
    /// KPI values with their intervals, by KPI id.
    pub kpis: Vec<KpiPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TablePoint {
    pub name: String,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiPoint {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// ok | not_computable
    pub status: String,
    pub value: Option<f64>,
    pub ci: Option<Interval>,
    pub outer: Option<Range>,
    /// high | medium | low
    pub confidence: Option<String>,
}

/// This run against the previous run of the store, or against `--baseline`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Regression {
    pub compared_with: Reference,
    /// Whether triggered alerts fail the run (`--fail-on-regression`).
    pub fail_on_regression: bool,
    /// The `[alerts]` that triggered; each is also a gate reason with `--fail-on-regression`.
    pub alerts: Vec<Alert>,
    /// Every `[alerts]` setting that is on, triggered or not, so that a renderer can say what
    /// was watched (JUnit: one test case each).
    #[serde(default)]
    pub checks: Vec<AlertCheck>,
    pub changes: Changes,
    /// Baseline mode: gate reasons the baseline already had and that no longer fail the run
    /// (the problem is not new).
    pub known_problems: Vec<String>,
}

/// What this run was compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// history | baseline | none (first run of a store: nothing to compare with)
    pub source: String,
    pub run_id: Option<i64>,
    pub recorded_at: Option<String>,
    pub as_of: Option<String>,
    /// The baseline report's path.
    pub path: Option<String>,
    /// Whether findings were compared record by record (finding keys known), or only as
    /// violation counts per rule (a baseline report without its worklist.csv).
    pub finding_keys: bool,
    pub note: Option<String>,
}

/// One `[alerts]` setting that is on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertCheck {
    /// The `[alerts]` key, as in [`Alert::kind`].
    pub kind: String,
    /// The setting as configured: `score_drop = 5`, `new_fail_findings`.
    pub setting: String,
    /// Whether this run was checked against it: false on the first run of a store, which has
    /// nothing to compare with.
    pub evaluated: bool,
}

/// One triggered alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// score_drop | table_score_drop | kpi_outside_previous_interval | new_fail_findings |
    /// rule_newly_failing (the `[alerts]` key that triggered).
    pub kind: String,
    /// What moved: a table, a KPI id, `CODE table.field`; empty for the overall score.
    pub subject: String,
    pub message: String,
    pub previous: Option<f64>,
    pub current: Option<f64>,
    /// The configured threshold, where the alert has one.
    pub limit: Option<f64>,
    /// For finding alerts: how many findings.
    pub count: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    pub score: Option<Delta>,
    /// Every table of either run (absent on one side: null there).
    pub tables: Vec<TableDelta>,
    /// Rules whose outcome or violation count changed, or that ran in one run only.
    pub rules: Vec<RuleChange>,
    pub findings: FindingChanges,
    /// KPIs of either run.
    pub kpis: Vec<KpiChange>,
    /// Tables whose input file differs (size or fingerprint) from the compared run's.
    pub inputs_changed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    pub previous: f64,
    pub current: f64,
    /// current - previous.
    pub change: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableDelta {
    pub name: String,
    pub previous: Option<f64>,
    pub current: Option<f64>,
    pub change: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleChange {
    pub code: String,
    pub name: String,
    pub table: String,
    pub field: String,
    /// Null where the rule did not run in that run.
    pub previous: Option<Outcome>,
    pub current: Option<Outcome>,
    pub previous_violations: Option<usize>,
    pub violations: Option<usize>,
}

/// Findings compared by key (table, record id, field, code).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FindingChanges {
    /// Findings of this run whose key the compared run did not have.
    pub new: usize,
    /// Findings of the compared run whose key is gone, by rules that ran in both runs.
    pub fixed: usize,
    /// Findings of the compared run by rules that did not run this time (neither new nor
    /// fixed: nobody looked).
    pub no_longer_checked: usize,
    /// Per rule and field, those with a new or fixed finding.
    pub groups: Vec<FindingGroupChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingGroupChange {
    pub table: String,
    /// The header the rule reads; empty for record-level rules.
    pub field: String,
    pub code: String,
    pub rule: String,
    pub severity: Severity,
    pub new: usize,
    pub fixed: usize,
    /// Record ids of the new findings (in the audit report the first [`SAMPLE_IDS`]; every
    /// one in `crmaudit history --format json`).
    pub new_ids: Vec<String>,
    pub fixed_ids: Vec<String>,
}

/// Record ids per group the audit report lists; the counts are always complete.
pub const SAMPLE_IDS: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiChange {
    pub id: String,
    pub unit: String,
    pub previous: Option<f64>,
    pub current: Option<f64>,
    /// The interval the current value is held against (`[alerts] kpi_interval`).
    pub previous_interval: Option<Range>,
    pub outside_previous_interval: bool,
}
