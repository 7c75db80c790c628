//! Runs the bound rules in parallel and turns their results into outcomes.
//!
//! Rules run as independent rayon tasks (checks over large columns parallelise inside too, via the
//! cache). Results are collected in rule order and findings sorted by table, row, field and code,
//! so the output is byte-identical whatever the thread count.

use std::sync::Arc;

use rayon::prelude::*;

use crate::dataset::Dataset;
use crate::findings::{Finding, Outcome};

use super::cache::Memo;
use super::{Cache, Ctx, Rule, RuleResult};
use crate::config::{CheckKind, StyleKind, rule_pack::UniqueNormalize};
use crate::kind::FieldType;

/// The outcome of one rule on one table and field.
#[derive(Debug, Clone)]
pub struct RuleOutcome {
    pub code: String,
    pub name: String,
    pub check: crate::config::CheckKind,
    pub table: String,
    /// Header of the field the rule reports on; empty for record-level rules.
    pub field: String,
    pub canonical: Option<String>,
    pub severity: crate::findings::Severity,
    pub outcome: Outcome,
    pub violations: usize,
    pub checked: usize,
    pub tolerance: f64,
    pub sample: Vec<Finding>,
    pub detail: Option<String>,
    pub message: Option<String>,
    pub duplicates: Option<super::DuplicateCounts>,
    /// Headers of every column the rule read (a record-level rule such as DQ202 weighs on the
    /// uniqueness of each field it compared).
    pub columns: Vec<String>,
    /// Violating record indices, for scoring.
    pub records: Vec<usize>,
    /// For a table-level rule whose findings still name a field (DQ011 invalid-encoding,
    /// DQ016 stray-quote): the field of each of `records`, so the fault weighs on that field's
    /// validity. Empty for other rules.
    pub record_fields: Vec<Arc<str>>,
}

pub struct EngineOutput {
    pub outcomes: Vec<RuleOutcome>,
    pub findings: Vec<Finding>,
    /// Wall time of entity matching (DQ202), which runs after the other rules.
    pub entity_ms: u64,
}

const SAMPLE_SIZE: usize = 5;

/// Runs `rules` over `dataset`, reading values through `cache` (shared with the later stages,
/// which read the same columns).
pub fn run(
    dataset: &Dataset,
    rules: &[Rule],
    cache: &Cache,
    on_done: &(dyn Fn() + Sync),
) -> EngineOutput {
    let needs: Vec<(usize, usize, Memo)> =
        rules.iter().flat_map(|rule| memos(dataset, rule)).collect();
    cache.warm(dataset, &needs);
    let run_rule = |rule: &Rule| {
        let ctx = Ctx {
            dataset,
            table: &dataset.tables[rule.table],
            table_index: rule.table,
            rule,
            cache,
        };
        let mut result = rule.check.run(&ctx);
        // Within one rule, findings follow the record order.
        result.findings.sort_by_key(|f| f.record);
        on_done();
        result
    };
    // Entity matching (DQ202) runs after the other rules, one table at a time: it is parallel
    // inside and reads many memos for a long time, so it gets the machine to itself.
    let is_entity = |rule: &Rule| rule.spec.check == crate::config::CheckKind::Entity;
    let mut results: Vec<Option<RuleResult>> = rules
        .par_iter()
        .map(|rule| (!is_entity(rule)).then(|| run_rule(rule)))
        .collect();
    let entity_start = std::time::Instant::now();
    for (rule, slot) in rules.iter().zip(results.iter_mut()) {
        if slot.is_none() {
            *slot = Some(run_rule(rule));
        }
    }
    let entity_ms = entity_start.elapsed().as_millis() as u64;
    let results: Vec<RuleResult> = results
        .into_iter()
        .map(|r| r.expect("every rule ran"))
        .collect();

    let mut outcomes = Vec::with_capacity(rules.len());
    let mut findings = Vec::new();
    for (rule, result) in rules.iter().zip(results) {
        let table = &dataset.tables[rule.table];
        // Entity matching reads several fields but reports on records.
        let column = rule
            .columns
            .first()
            .copied()
            .filter(|_| rule.spec.check != crate::config::CheckKind::Entity);
        let share = if result.checked == 0 {
            0.0
        } else {
            result.violations as f64 / result.checked as f64
        };
        let outcome = if result.violations == 0 || share <= rule.tolerance {
            Outcome::Pass
        } else {
            Outcome::from_severity(rule.severity)
        };
        outcomes.push(RuleOutcome {
            code: rule.spec.code.to_string(),
            name: rule.spec.name.to_string(),
            check: rule.spec.check,
            table: table.name.to_string(),
            field: column
                .map(|c| table.header(c).to_string())
                .unwrap_or_default(),
            canonical: column.and_then(|c| table.canonical(c).map(str::to_string)),
            severity: rule.severity,
            outcome,
            violations: result.violations,
            checked: result.checked,
            tolerance: rule.tolerance,
            sample: result.findings.iter().take(SAMPLE_SIZE).cloned().collect(),
            detail: result.detail,
            duplicates: result.duplicates,
            columns: rule
                .columns
                .iter()
                .map(|&c| table.header(c).to_string())
                .collect(),
            message: rule.spec.message.clone(),
            records: result.findings.iter().map(|f| f.record).collect(),
            record_fields: if rule.spec.check.is_table_level() {
                result.findings.iter().map(|f| f.field.clone()).collect()
            } else {
                Vec::new()
            },
        });
        findings.extend(result.findings);
    }
    findings.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    EngineOutput {
        outcomes,
        findings,
        entity_ms,
    }
}

/// The memos a rule reads, so the engine can build each once before the rules run.
fn memos(dataset: &Dataset, rule: &Rule) -> Vec<(usize, usize, Memo)> {
    let table = &dataset.tables[rule.table];
    let t = rule.table;
    let on = |memo: Memo| rule.columns.iter().map(move |&c| (t, c, memo));
    let typed = |c: usize| table.field_type(c);
    let first = rule.columns.first().copied();
    match rule.spec.check {
        CheckKind::Email => on(Memo::Emails).collect(),
        CheckKind::Phone => on(Memo::Phones).collect(),
        CheckKind::Date
        | CheckKind::DateAmbiguity
        | CheckKind::ExcelSerialDate
        | CheckKind::Stale => on(Memo::Dates).collect(),
        CheckKind::Number | CheckKind::Range => on(Memo::Numbers).collect(),
        CheckKind::Compare => {
            let numbers = rule.columns.len() == 2
                && super::dq401_field_order::compares_numbers(
                    table,
                    rule.columns[0],
                    rule.columns[1],
                );
            on(Memo::Dates)
                .chain(on(Memo::Numbers).filter(move |_| numbers))
                .collect()
        }
        CheckKind::Unique => {
            let auto = rule.spec.options.normalize.unwrap_or(UniqueNormalize::Auto)
                == UniqueNormalize::Auto;
            first
                .map(|c| match typed(c) {
                    FieldType::Email if auto => (t, c, Memo::Emails),
                    FieldType::Phone if auto => (t, c, Memo::Phones),
                    _ => (t, c, Memo::Distinct),
                })
                .into_iter()
                .collect()
        }
        CheckKind::Consistency => first
            .map(|c| {
                let style = match rule.spec.options.style.unwrap_or(StyleKind::Auto) {
                    StyleKind::Auto => match typed(c) {
                        FieldType::Phone => StyleKind::Phone,
                        FieldType::Date => StyleKind::Date,
                        _ => StyleKind::Casing,
                    },
                    other => other,
                };
                match style {
                    StyleKind::Phone => (t, c, Memo::Phones),
                    StyleKind::Date => (t, c, Memo::Dates),
                    _ => (t, c, Memo::Distinct),
                }
            })
            .into_iter()
            .collect(),
        kind if kind.is_table_level() => Vec::new(),
        _ => on(Memo::Distinct).collect(),
    }
}
