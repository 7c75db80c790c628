//! A run as two runs are compared: scores, rule outcomes, KPIs, finding keys and input
//! fingerprints. Built from this run's report, from a run of the store, or from a baseline
//! report, so one comparison serves all three.

use crate::findings::{Outcome, Severity};

use crate::report::AuditReport;

use super::keys::FindingKeys;

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// The run's id in the store (none for this run before it is stored, or a baseline).
    pub run_id: Option<i64>,
    pub recorded_at: Option<String>,
    pub as_of: String,
    pub score: f64,
    /// (table, score), sorted by table.
    pub tables: Vec<(String, f64)>,
    pub rules: Vec<RuleState>,
    pub kpis: Vec<KpiState>,
    /// None: only violation counts per rule are known (a baseline without its worklist).
    pub keys: Option<FindingKeys>,
    /// (table, bytes, fingerprint), sorted by table; empty where unknown.
    pub inputs: Vec<InputPrint>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuleState {
    pub code: String,
    pub name: String,
    pub table: String,
    pub field: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub violations: usize,
    pub checked: usize,
}

impl RuleState {
    pub fn place(&self) -> (&str, &str, &str) {
        (&self.code, &self.table, &self.field)
    }
}

/// A KPI as two runs compare it: the same fields as a trend point of the report.
pub type KpiState = crate::report::history::KpiPoint;

#[derive(Debug, Clone, PartialEq)]
pub struct InputPrint {
    pub table: String,
    pub bytes: u64,
    pub fingerprint: String,
}

impl Snapshot {
    /// This run, with its keys and input fingerprints computed by the caller.
    pub fn from_report(report: &AuditReport, keys: FindingKeys, inputs: Vec<InputPrint>) -> Self {
        let mut tables: Vec<(String, f64)> = report
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.score))
            .collect();
        tables.sort_by(|a, b| a.0.cmp(&b.0));
        let mut rules: Vec<RuleState> = report
            .rules
            .iter()
            .map(|r| RuleState {
                code: r.code.clone(),
                name: r.name.clone(),
                table: r.table.clone(),
                field: r.field.clone(),
                severity: r.severity,
                outcome: r.outcome,
                violations: r.violations,
                checked: r.checked,
            })
            .collect();
        sort_rules(&mut rules);
        let mut kpis: Vec<KpiState> = report
            .kpis
            .iter()
            .map(|k| KpiState {
                id: k.id.clone(),
                name: k.name.clone(),
                unit: k.unit.clone(),
                status: k.status.clone(),
                value: k.value,
                ci: k.ci.clone(),
                outer: k.outer.clone(),
                confidence: k.confidence.clone(),
            })
            .collect();
        kpis.sort_by(|a, b| a.id.cmp(&b.id));
        Snapshot {
            run_id: None,
            recorded_at: None,
            as_of: report.as_of.clone(),
            score: report.score,
            tables,
            rules,
            kpis,
            keys: Some(keys),
            inputs,
        }
    }

    pub fn rule(&self, code: &str, table: &str, field: &str) -> Option<&RuleState> {
        self.rules
            .binary_search_by(|r| r.place().cmp(&(code, table, field)))
            .ok()
            .map(|i| &self.rules[i])
    }

    pub fn table_score(&self, table: &str) -> Option<f64> {
        self.tables
            .binary_search_by(|t| t.0.as_str().cmp(table))
            .ok()
            .map(|i| self.tables[i].1)
    }
}

/// Rules by (code, table, field), the order lookups and reports use.
pub fn sort_rules(rules: &mut [RuleState]) {
    rules.sort_by(|a, b| a.place().cmp(&b.place()));
}
