use crate::config::CheckKind;
use crate::table::SourceIssueKind;

use super::{Check, Ctx, RuleResult};

/// DQ013: a quoted field still open at the end of the file.
pub struct BrokenQuote;

impl Check for BrokenQuote {
    fn code(&self) -> &'static str {
        "DQ013"
    }
    fn name(&self) -> &'static str {
        "broken-quote"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::BrokenQuote
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports a quoted field that is never closed: everything after its opening quote up to the end of \
the file was read into one record. That record is kept (so the count of records stays honest), \
and the finding names the line where it starts.\n\n\
## Why it matters for KPIs\n\
A truncated export loses every record after the broken quote; the KPI base is smaller than the \
CRM's.\n\n\
## Example\nA last line `7,\"Ann` with no closing quote.\n\n\
## Options\nNone beyond `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let mut findings = Vec::new();
        for issue in &ctx.table.raw.issues {
            if issue.kind == SourceIssueKind::UnterminatedQuote {
                findings.push(ctx.finding(
                    issue.record,
                    issue.column,
                    format!(
                        "a quoted field opened in the record at line {} is never closed; the rest of the file was read into it",
                        issue.line
                    ),
                    None,
                ));
            }
        }
        RuleResult::from_findings(findings, ctx.table.rows())
    }
}
