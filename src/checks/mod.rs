//! The rule engine: one check per file, named by its code.
//!
//! A *check* is an implementation with a built-in code (`DQ001`...). A *rule* is a declaration in
//! a rule pack that puts a check to work on a table and field with a severity and tolerance; user
//! rules of the generic kinds reuse a check's implementation under their own code.

pub mod cache;
pub mod engine;
pub mod intern;
pub mod plan;
pub mod registry;

mod dq001_invalid_email;
mod dq002_invalid_phone;
mod dq003_invalid_date;
mod dq004_ambiguous_date;
mod dq005_excel_serial_date;
mod dq006_value_not_allowed;
mod dq007_pattern_mismatch;
mod dq008_out_of_range;
mod dq009_invalid_number;
mod dq010_surrounding_whitespace;
mod dq011_invalid_encoding;
mod dq012_ragged_row;
mod dq013_broken_quote;
mod dq014_control_character;
mod dq015_header_name;
mod dq016_stray_quote;
mod dq020_inconsistent_format;
mod dq101_missing_required;
mod dq102_empty_column;
mod dq103_empty_table;
mod dq201_duplicate_value;
mod dq202_probable_duplicate;
mod dq301_stale_record;
pub(crate) mod dq401_field_order;
mod dq402_orphan_reference;

use crate::config::CheckKind;
use crate::dataset::{Dataset, Table};
use crate::findings::Finding;

pub use cache::{Cache, Memo};
pub use plan::Rule;

/// What running one rule produced.
#[derive(Debug, Default)]
pub struct RuleResult {
    pub findings: Vec<Finding>,
    /// The denominator: how many values (or records) the rule looked at.
    pub checked: usize,
    /// How many of them violate. Usually `findings.len()`; column-level rules (an empty column)
    /// count violating records without listing each one.
    pub violations: usize,
    /// A sentence about the whole column, e.g. the formats seen with their counts.
    pub detail: Option<String>,
    /// Uniqueness rules: how the duplicates group.
    pub duplicates: Option<DuplicateCounts>,
}

/// Duplicate counts, each saying what it counts (see DQ201).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DuplicateCounts {
    /// Groups of two or more records sharing one normalised value.
    pub groups: usize,
    /// Records in those groups.
    pub records_in_groups: usize,
    /// Records that would go if each group were merged into one: involved minus groups.
    pub surplus_records: usize,
    /// The groups themselves as record indices, the first record (the suggested survivor) first.
    pub members: Vec<Vec<usize>>,
    /// Entity matching (DQ202): the clusters with survivors and explanations.
    pub entities: Option<Entities>,
}

/// The result of entity matching, shared by the outcome and the report without copying.
#[derive(Debug, Clone)]
pub struct Entities(pub std::sync::Arc<crate::dedupe::DedupeResult>);

impl PartialEq for Entities {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Entities {}

impl RuleResult {
    pub fn from_findings(findings: Vec<Finding>, checked: usize) -> Self {
        RuleResult {
            violations: findings.len(),
            findings,
            checked,
            detail: None,
            duplicates: None,
        }
    }
}

/// Everything a check may read while running one rule.
pub struct Ctx<'a> {
    pub dataset: &'a Dataset,
    pub table: &'a Table,
    pub table_index: usize,
    pub rule: &'a Rule,
    pub cache: &'a Cache,
}

impl Ctx<'_> {
    /// The rule's (first) column. Field rules are always bound to one.
    pub fn column(&self) -> usize {
        self.rule.columns[0]
    }

    /// A finding on `record`'s cell in `column`, filled with the rule's code and severity.
    pub fn finding(
        &self,
        record: usize,
        column: Option<usize>,
        message: String,
        suggestion: Option<String>,
    ) -> Finding {
        let (field, value) = match column {
            Some(col) => (
                self.table.raw.columns[col].header.as_str(),
                self.table.cell(record, col),
            ),
            None => ("", ""),
        };
        Finding {
            table: self.table.name.clone(),
            record,
            record_id: self.table.record_id(record),
            row: self.table.line(record),
            field: field.into(),
            value: value.to_string(),
            code: self.rule.spec.code.clone(),
            rule: self.rule.spec.name.clone(),
            severity: self.rule.severity,
            message: self.message(message),
            suggestion,
        }
    }

    /// A user rule's own message leads; the check's specific sentence follows it.
    fn message(&self, specific: String) -> String {
        match &self.rule.spec.message {
            Some(custom) if !self.rule.spec.builtin => format!("{custom}: {specific}"),
            _ => specific,
        }
    }

    pub fn field_label(&self, column: usize) -> &str {
        self.table.header(column)
    }
}

/// One built-in check. Implementations are small structs registered in [`registry::ALL`].
pub trait Check: Sync {
    fn code(&self) -> &'static str;
    fn name(&self) -> &'static str;
    fn kind(&self) -> CheckKind;
    /// Markdown with `## What it does`, `## Why it matters for KPIs`, `## Example`, `## Options`;
    /// printed by `crmaudit rules explain`.
    fn explain(&self) -> &'static str;
    fn run(&self, ctx: &Ctx) -> RuleResult;
}

/// The common shape of value checks: a verdict per distinct value (computed once, in parallel),
/// then one finding per record holding a violating value. Missing values are not checked here:
/// they are completeness findings (DQ101), not validity ones.
pub(crate) fn per_value(
    ctx: &Ctx,
    verdict: impl Fn(u32, &str) -> Option<(String, Option<String>)> + Sync,
) -> RuleResult {
    use rayon::prelude::*;
    let column = ctx.column();
    let distinct = ctx.cache.distinct(ctx.table, ctx.table_index, column);
    let col = &ctx.table.raw.columns[column];
    let verdicts: Vec<Option<(String, Option<String>)>> = distinct
        .first
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .map(|(id, &record)| {
            if distinct.missing[id] {
                None
            } else {
                verdict(id as u32, col.get(record as usize))
            }
        })
        .collect();
    let mut findings = Vec::new();
    let mut checked = 0;
    for (record, &id) in distinct.ids.iter().enumerate() {
        if distinct.missing[id as usize] {
            continue;
        }
        checked += 1;
        if let Some((message, suggestion)) = &verdicts[id as usize] {
            findings.push(ctx.finding(record, Some(column), message.clone(), suggestion.clone()));
        }
    }
    RuleResult::from_findings(findings, checked)
}

/// Cuts long cell values in messages; the full value is in the finding's `value`.
pub(crate) fn quote(raw: &str) -> String {
    const MAX: usize = 60;
    if raw.chars().count() <= MAX {
        format!("`{raw}`")
    } else {
        let cut: String = raw.chars().take(MAX).collect();
        format!("`{cut}…`")
    }
}

/// The date a record holds in `column`, when it reads as exactly one date.
pub(crate) fn record_date(ctx: &Ctx, column: usize) -> impl Fn(usize) -> Option<jiff::civil::Date> {
    use crate::normalize::date::DateValue;
    let distinct = ctx.cache.distinct(ctx.table, ctx.table_index, column);
    let dates = ctx.cache.dates(ctx.table, ctx.table_index, column);
    let serial_ok = ctx.table.excel_serial_dates;
    move |record| {
        let id = distinct.ids[record] as usize;
        if distinct.missing[id] {
            return None;
        }
        match &dates[id].1 {
            Ok(DateValue::Date(date)) => Some(*date),
            Ok(DateValue::ExcelSerial { date, .. }) if serial_ok => Some(*date),
            _ => None,
        }
    }
}
