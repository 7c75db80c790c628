//! The report model: what every renderer reads, and what `--format json` prints.
//! Its top-level keys are the contract in CONTRACT.md (schema_version 1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::findings::{Finding, Outcome, Severity};
use crate::score::TableScore;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub as_of: String,
    pub inputs: Vec<Input>,
    pub score: f64,
    pub gate: Gate,
    pub tables: Vec<TableScore>,
    pub rules: Vec<RuleReport>,
    pub duplicates: Vec<DuplicateSummary>,
    pub kpis: Vec<KpiReport>,
    /// The workspace's `[workspace] name`, for report titles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// What each score dimension measures, printed next to the scores.
    pub score_definitions: BTreeMap<String, String>,
    pub summary: Summary,
    /// Wall-clock timings: the only part of the report that differs between identical runs.
    pub timings: Timings,
    /// `--history FILE`: the store's runs as trend points (see `report::history`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<super::history::HistorySummary>,
    /// `--history` or `--baseline`: this run against the previous one, and the alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regression: Option<super::history::Regression>,
    /// Every finding, sorted by table, row, field and code. Written to `worklist.csv`; kept out
    /// of the JSON, which would otherwise grow with the data (the rules carry samples).
    #[serde(skip)]
    pub findings: Vec<Finding>,
    /// Duplicate clusters for `duplicates.csv` and the worklist's `cluster_id`.
    #[serde(skip)]
    pub clusters: Vec<Cluster>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Input {
    pub table: String,
    pub kind: String,
    pub path: String,
    pub rows: usize,
    pub encoding: String,
    pub delimiter: String,
    pub delimiter_sniffed: bool,
    pub preset: Option<String>,
    /// "point" or "comma", and whether it was configured, detected or the default.
    pub number_locale: String,
    pub date_order: Option<String>,
    pub default_region: Option<String>,
    /// header -> canonical field.
    pub mapped_columns: BTreeMap<String, String>,
    pub unmapped_columns: Vec<String>,
    /// Headers that were empty or repeated in the file, and the name crmaudit gave them.
    pub renamed_headers: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gate {
    pub passed: bool,
    pub reasons: Vec<String>,
    /// The lowest rule outcome that fails the run (`--fail-on`).
    #[serde(default = "default_fail_on")]
    pub fail_on: Outcome,
    /// `--fail-under`, when given.
    #[serde(default)]
    pub fail_under: Option<f64>,
}

fn default_fail_on() -> Outcome {
    Outcome::Fail
}

impl Gate {
    /// Whether this rule outcome is one of the gate's reasons to fail.
    pub fn fails(&self, outcome: Outcome) -> bool {
        outcome != Outcome::Pass && outcome >= self.fail_on
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    pub record_id: String,
    pub row: u64,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RuleReport {
    pub code: String,
    pub name: String,
    pub table: String,
    /// The header the rule reads; empty for record-level rules (ragged rows...).
    pub field: String,
    pub canonical_field: Option<String>,
    pub check: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub violations: usize,
    /// The denominator: values or records the rule looked at.
    pub checked: usize,
    /// The tolerance: the violation share allowed before the outcome becomes the severity.
    pub threshold: f64,
    pub violation_share: f64,
    pub message: Option<String>,
    pub detail: Option<String>,
    pub sample: Vec<Sample>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DuplicateSummary {
    pub table: String,
    /// The field whose normalised value the records share, or "record" for entity matching.
    pub field: String,
    /// "exact": same normalised value; "fuzzy": record-level entity matching (DQ202).
    pub method: String,
    /// Groups of two or more records.
    pub clusters: usize,
    /// Records in those groups.
    pub records_in_clusters: usize,
    /// Records that would go if every cluster were merged into its survivor.
    pub surplus_records: usize,
    /// Fuzzy matching only: threshold, weights per field and level, blocking passes, pairs
    /// compared and matched, and the first clusters with field-by-field explanations and merge
    /// proposals (the full list is duplicates.csv, or `crmaudit dedupe --format json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClusterMember {
    pub record_id: String,
    pub row: u64,
    pub is_survivor: bool,
    /// This member's own score and reasons (fuzzy clusters: its match with the survivor);
    /// none where the cluster's apply to every member.
    #[serde(default)]
    pub score: Option<f64>,
    #[serde(default)]
    pub reasons: Option<String>,
    /// Field by field, why this member matches the survivor (fuzzy clusters; empty for the
    /// survivor and for exact groups).
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// The member's values of the compared fields (header, raw value), in the matching's order.
    #[serde(default)]
    pub values: Vec<(String, String)>,
}

/// One compared field of a duplicate pair: its agreement level and weight of evidence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evidence {
    pub field: String,
    /// exact, alias, typo, ..., different, or `missing` when either record lacks the value.
    pub level: String,
    /// Match weight in bits (log2 of the likelihood ratio).
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cluster {
    pub table: String,
    pub cluster_id: String,
    pub score: f64,
    pub reasons: String,
    pub members: Vec<ClusterMember>,
    /// "fuzzy" (entity matching) or "exact" (same normalised value).
    #[serde(default)]
    pub method: String,
    /// Why the survivor survives (fuzzy clusters).
    #[serde(default)]
    pub survivor_reason: Option<String>,
    /// What the survivor would take from the others: (field, value, from record id).
    #[serde(default)]
    pub merge: Vec<(String, String, String)>,
}

/// One KPI with its confidence annotations (filled by the KPI stage, see `crate::kpi`).
pub use crate::kpi::KpiReport;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    pub tables: usize,
    pub records: usize,
    pub rules_run: usize,
    pub rules_passed: usize,
    pub rules_warned: usize,
    pub rules_failed: usize,
    /// Rows of the worklist: one per record, field and rule.
    pub findings: usize,
    pub records_with_findings: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timings {
    pub read_ms: u64,
    /// Every rule, entity matching included.
    pub checks_ms: u64,
    /// Of `checks_ms`, entity matching (DQ202, fuzzy duplicates).
    #[serde(default)]
    pub dedupe_ms: u64,
    /// The KPI stage, bootstraps included.
    #[serde(default)]
    pub kpi_ms: u64,
    /// `--history`/`--baseline`: fingerprints, comparison and the store's append (after
    /// `total_ms`, which it is not part of).
    #[serde(default)]
    pub history_ms: u64,
    pub total_ms: u64,
}
