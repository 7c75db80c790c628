use crate::config::CheckKind;
use crate::table::SourceIssueKind;

use super::{Check, Ctx, RuleResult};

/// DQ016: text after the closing quote of a field, which the CSV parser reads silently.
pub struct StrayQuote;

impl Check for StrayQuote {
    fn code(&self) -> &'static str {
        "DQ016"
    }
    fn name(&self) -> &'static str {
        "stray-quote"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::StrayQuote
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports a field that starts with a quote but does not end with it: text follows its closing \
quote (`\"Acme\" Inc`), or a quote inside a quoted field was not doubled (`\"He said \"hi\" to \
me\"`). CSV readers, Excel's included, read such a field without saying so and without the \
quotes (`Acme Inc`, `He said hi\" to me\"`). The record and the field are kept as read; the \
finding names the line and the field, and shows the value as it was read, so nobody takes it \
for what the CRM holds.\n\n\
## Why it matters for KPIs\n\
The exporter that wrote it does not escape quotes, so other values of the file may be changed \
the same way; names and companies read this way stop matching their duplicates and references.\n\n\
## Example\nThe record `7,\"Acme\" Inc,ann@acme.com` reads its company as `Acme Inc`.\n\n\
## Options\nNone beyond `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let mut findings = Vec::new();
        for issue in &ctx.table.raw.issues {
            if issue.kind == SourceIssueKind::StrayQuote {
                let place = match issue.column {
                    Some(c) => format!("column `{}`", ctx.table.header(c)),
                    None => "a field beyond the header's columns".to_string(),
                };
                findings.push(ctx.finding(
                    issue.record,
                    issue.column,
                    format!(
                        "line {} {place}: text follows the field's closing quote, so the field was read without its quotes; the export does not escape quotes (a quote inside a quoted field is written \"\")",
                        issue.line
                    ),
                    None,
                ));
            }
        }
        RuleResult::from_findings(findings, ctx.table.rows())
    }
}
