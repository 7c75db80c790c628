use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult};

/// DQ103: a file with a header and no records.
pub struct EmptyTable;

impl Check for EmptyTable {
    fn code(&self) -> &'static str {
        "DQ103"
    }
    fn name(&self) -> &'static str {
        "empty-table"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::EmptyTable
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports a table whose file has a header line but no record. Such a table also scores 0: there \
is nothing in it to trust. (A file without even a header is an error, exit 2.)\n\n\
## Why it matters for KPIs\n\
An export job that ran but wrote nothing is the classic silent failure: every check passes on \
zero rows, and a report built on it shows zeros instead of an error.\n\n\
## Example\n`deals.csv` holding only `id,amount,stage`.\n\n\
## Options\nNone beyond `severity`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let empty = ctx.table.rows() == 0;
        RuleResult {
            findings: Vec::new(),
            checked: 1,
            violations: usize::from(empty),
            detail: empty.then(|| {
                format!(
                    "{} has a header ({} columns) but no records",
                    ctx.table.raw.path.display(),
                    ctx.table.raw.columns.len()
                )
            }),
            duplicates: None,
        }
    }
}
