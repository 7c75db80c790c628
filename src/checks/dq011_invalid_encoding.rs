use crate::config::CheckKind;
use crate::table::SourceIssueKind;

use super::{Check, Ctx, RuleResult};

/// DQ011: bytes that are not valid in the file's encoding.
pub struct InvalidEncoding;

impl Check for InvalidEncoding {
    fn code(&self) -> &'static str {
        "DQ011"
    }
    fn name(&self) -> &'static str {
        "invalid-encoding"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Encoding
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports each cell whose bytes are not valid UTF-8 in a file read as UTF-8. The record is kept and \
the cell is decoded as windows-1252 (what Excel on Windows writes), and the finding names the \
line and column, so nothing is silently re-decoded or dropped. Run with `--strict-encoding` to \
stop instead, or set `encoding = \"windows-1252\"` on the table when the whole file is in it.\n\n\
## Why it matters for KPIs\n\
Mis-decoded names and companies stop matching their duplicates and references.\n\n\
## Example\nA byte 0xE7 in `Fran\\xE7ois` reads as `François` and is reported.\n\n\
## Options\nNone beyond `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let mut findings = Vec::new();
        for issue in &ctx.table.raw.issues {
            if let SourceIssueKind::InvalidUtf8 { decoded_as } = &issue.kind {
                let column_name = issue.column.map(|c| ctx.table.header(c)).unwrap_or("?");
                findings.push(ctx.finding(
                    issue.record,
                    issue.column,
                    format!(
                        "line {} column `{column_name}` is not valid UTF-8; read as {decoded_as}",
                        issue.line
                    ),
                    None,
                ));
            }
        }
        // `checked` counts records, so the violations count records too: a record with two
        // mis-encoded cells is two findings but one violating record (otherwise the violation
        // share can exceed 1).
        let mut records: Vec<usize> = findings.iter().map(|f| f.record).collect();
        records.sort_unstable();
        records.dedup();
        let mut result = RuleResult::from_findings(findings, ctx.table.rows());
        result.violations = records.len();
        result
    }
}
