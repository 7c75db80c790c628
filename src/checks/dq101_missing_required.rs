use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult, quote};

/// DQ101: a required field without a value.
pub struct MissingRequired;

impl Check for MissingRequired {
    fn code(&self) -> &'static str {
        "DQ101"
    }
    fn name(&self) -> &'static str {
        "missing-required"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Required
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports records whose required field is missing: empty, whitespace only, or a missing-value \
token (`n/a`, `NULL`, `-`, `#N/A`, `nan`, `nil`, `--`, `(blank)`, any case). The checked count \
is every record of the table.\n\n\
## Why it matters for KPIs\n\
A record without the field a KPI reads is either dropped from it or, worse, counted as zero: a \
deal without an amount deflates revenue, a ticket without a close date looks open forever.\n\n\
## Example\n`n/a` in `phone` is a missing phone, not an invalid one.\n\n\
## Options\nNone beyond `field`/`fields`, `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let column = ctx.column();
        let distinct = ctx.cache.distinct(ctx.table, ctx.table_index, column);
        let header = ctx.field_label(column);
        let mut findings = Vec::new();
        for (record, &id) in distinct.ids.iter().enumerate() {
            if distinct.missing[id as usize] {
                let raw = ctx.table.cell(record, column);
                let message = if raw.trim().is_empty() {
                    format!("`{header}` is empty")
                } else {
                    format!(
                        "`{header}` holds the missing-value token {}",
                        quote(raw.trim())
                    )
                };
                findings.push(ctx.finding(record, Some(column), message, None));
            }
        }
        RuleResult::from_findings(findings, ctx.table.rows())
    }
}
