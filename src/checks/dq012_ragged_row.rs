use crate::config::CheckKind;
use crate::table::SourceIssueKind;

use super::{Check, Ctx, RuleResult, quote};

/// DQ012: a record with more or fewer fields than the header.
pub struct RaggedRow;

impl Check for RaggedRow {
    fn code(&self) -> &'static str {
        "DQ012"
    }
    fn name(&self) -> &'static str {
        "ragged-row"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::RaggedRow
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports records whose field count differs from the header's. A short record is read with empty \
values for its missing fields; the extra values of a long one are listed in the finding. Either \
way the record is kept and counted.\n\n\
## Why it matters for KPIs\n\
A shifted row puts an amount under a date and a name under an email: every value of the record is \
suspect.\n\n\
## Example\nHeader `id,name,email`, record `7,Ann` → 2 fields where 3 are expected.\n\n\
## Options\nNone beyond `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let mut findings = Vec::new();
        for issue in &ctx.table.raw.issues {
            if let SourceIssueKind::Ragged {
                expected,
                found,
                extra,
            } = &issue.kind
            {
                let mut message =
                    format!("record has {found} fields where the header has {expected}");
                if !extra.is_empty() {
                    message.push_str(&format!("; extra values: {}", quote(&extra.join(" | "))));
                }
                findings.push(ctx.finding(issue.record, None, message, None));
            }
        }
        RuleResult::from_findings(findings, ctx.table.rows())
    }
}
