//! Findings: one per record, field and rule. Findings are data, never errors.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How bad a rule's violation is when the rule's tolerance is exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warn,
    Fail,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Fail => "fail",
        }
    }
}

/// The outcome of one rule on one table and field. Ordered so that `Fail > Warn > Pass`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
        }
    }

    pub fn from_severity(severity: Severity) -> Outcome {
        match severity {
            Severity::Warn => Outcome::Warn,
            Severity::Fail => Outcome::Fail,
        }
    }
}

/// One problem on one record's field, found by one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub table: Arc<str>,
    /// 0-based record index in the table (for joins inside the run; reports show `row`).
    pub record: usize,
    pub record_id: String,
    /// Physical 1-based line where the record starts in its source file.
    pub row: u64,
    /// The column header as written in the file; empty for record-level findings.
    pub field: Arc<str>,
    /// The raw value as the file holds it.
    pub value: String,
    pub code: Arc<str>,
    pub rule: Arc<str>,
    pub severity: Severity,
    pub message: String,
    pub suggestion: Option<String>,
}

impl Finding {
    /// The order of the worklist: table, row, field, code.
    pub fn sort_key(&self) -> (&str, u64, &str, &str) {
        (&self.table, self.row, &self.field, &self.code)
    }
}
