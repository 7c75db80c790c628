use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult};

/// DQ102: a column with no value in any record.
pub struct EmptyColumn;

impl Check for EmptyColumn {
    fn code(&self) -> &'static str {
        "DQ102"
    }
    fn name(&self) -> &'static str {
        "empty-column"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::EmptyColumn
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports a mapped field that is missing in every record: the export has the column but the CRM \
never filled it (or the export dropped it). This is one column-level outcome, not one worklist \
row per record: there is no record to fix, there is a process to fix. The violation count is the \
number of records, all of them.\n\n\
## Why it matters for KPIs\n\
A KPI whose input column is empty cannot be computed at all (CAC without campaign costs).\n\n\
## Example\nSalesforce Campaign `BudgetedCost` and `ActualCost` empty in all 8 campaigns.\n\n\
## Options\nNone beyond `field`/`fields` (`*` is every mapped field), `severity`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let column = ctx.column();
        let distinct = ctx.cache.distinct(ctx.table, ctx.table_index, column);
        let rows = ctx.table.rows();
        let all_missing = rows > 0 && distinct.missing.iter().all(|&m| m);
        // Exports such as Salesforce's write a false flag as an empty cell (`1` or nothing), so
        // an all-empty `is_*`/`has_*` column says "false everywhere", not "no data".
        let flag = ctx
            .table
            .canonical(column)
            .is_some_and(|c| c.starts_with("is_") || c.starts_with("has_"));
        if all_missing && flag {
            return RuleResult {
                checked: rows,
                detail: Some(format!(
                    "flag `{}` is empty in all {rows} records: read as false everywhere (exports write false as an empty cell)",
                    ctx.field_label(column)
                )),
                ..RuleResult::default()
            };
        }
        let empty = all_missing;
        RuleResult {
            findings: Vec::new(),
            checked: rows,
            violations: if empty { rows } else { 0 },
            detail: empty.then(|| {
                format!(
                    "column `{}` is empty in all {rows} records",
                    ctx.field_label(column)
                )
            }),
            duplicates: None,
        }
    }
}
