//! A KPI as reports show it: the contract's object (`id, name, status, reason, value, unit, n,
//! ci, dq_bounds, raw_value, input_quality, confidence, annotations`) plus what a reader needs
//! beside it (variant and definition, period, target verdict, outer interval, inputs read).

use serde::{Deserialize, Serialize};

use super::quality::FieldQuality;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReport {
    pub id: String,
    pub name: String,
    /// ok | not_computable
    pub status: String,
    /// Why the KPI is not computable (which input is missing or empty).
    pub reason: Option<String>,
    /// After exclusions (invalid values treated as missing) and deduplication.
    pub value: Option<f64>,
    /// percent | points | currency | days | hours | count | ratio
    pub unit: String,
    /// The units the value rests on; `n_of` says what they are.
    pub n: Option<usize>,
    pub n_of: Option<String>,
    /// Statistical interval; `high` is null where the data cannot bound it.
    pub ci: Option<Interval>,
    /// The range the missing, invalid and duplicate inputs could move the value.
    pub dq_bounds: Option<Range>,
    /// The KPI as the data stands: every row, duplicates and flagged values included.
    pub raw_value: Option<f64>,
    /// Share of the records in scope whose every input is present, valid and not a duplicate.
    pub input_quality: Option<f64>,
    /// high | medium | low
    pub confidence: Option<String>,
    /// Plain sentences naming the faults behind the grade.
    pub annotations: Vec<String>,
    pub variant: String,
    pub definition: String,
    pub period: PeriodReport,
    /// The data-quality bounds widened by the statistical margins on each side.
    pub outer: Option<Range>,
    pub target: Option<Target>,
    pub higher_is_better: bool,
    /// The fields read, with their quality over the records in scope.
    pub inputs: Vec<FieldQuality>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub level: f64,
    pub low: f64,
    pub high: Option<f64>,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    pub low: f64,
    pub high: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReport {
    pub label: String,
    /// First day (inclusive); null for `all`.
    pub start: Option<String>,
    /// Last day (inclusive).
    pub end: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub value: f64,
    /// value - target.
    pub gap: f64,
    /// Whether the target lies outside the outer interval: the data says which side it is on.
    pub exceeds_uncertainty: bool,
    /// met | missed | undetermined
    pub verdict: String,
}
