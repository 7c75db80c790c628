use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult};

/// DQ015: a header that is empty or repeats another, so its column cannot be named.
pub struct HeaderName;

impl Check for HeaderName {
    fn code(&self) -> &'static str {
        "DQ015"
    }
    fn name(&self) -> &'static str {
        "header-name"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::HeaderName
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports header cells that are empty or repeat an earlier header. crmaudit keeps every column \
and gives such a column a generated name (`column_4`, `email_2`) so its values are still read \
and checked; the rule's detail lists each rename. The outcome counts the headers concerned out \
of all headers; there are no worklist rows, since no record is at fault.\n\n\
## Why it matters for KPIs\n\
A tool that looks columns up by name reads only one of two `Email` columns, or none of an \
unnamed one: half the data silently drops out of every report built on the export.\n\n\
## Example\nHeader `id,email,email` → the third column is read as `email_2`.\n\n\
## Options\nNone beyond `severity`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let info = &ctx.table.raw.info;
        let renamed = &info.renamed_headers;
        let described: Vec<String> = renamed
            .iter()
            .map(|(index, original, new)| {
                let what = if original.trim().is_empty() {
                    "is empty".to_string()
                } else {
                    format!("repeats `{}`", original.trim())
                };
                format!("column {} {what}, read as `{new}`", index + 1)
            })
            .collect();
        RuleResult {
            findings: Vec::new(),
            checked: ctx.table.raw.columns.len(),
            violations: renamed.len(),
            detail: (!renamed.is_empty()).then(|| described.join("; ")),
            duplicates: None,
        }
    }
}
