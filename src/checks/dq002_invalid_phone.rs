use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult, quote};

/// DQ002: a phone number that is not dialable in its region.
pub struct InvalidPhone;

impl Check for InvalidPhone {
    fn code(&self) -> &'static str {
        "DQ002"
    }
    fn name(&self) -> &'static str {
        "invalid-phone"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Phone
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Parses each phone number with libphonenumber's metadata, in the region of the record's own \
`country` field when it has one, else the table's `default_region`, and reports numbers that are \
not valid for that region (too short, too long, unknown area code, letters). Extensions \
(`x204`) are kept. Valid numbers are normalised to E.164 for other rules (format consistency, \
duplicates) without rewriting what you see.\n\n\
## Why it matters for KPIs\n\
Unreachable contacts inflate the base of call-based conversion and adoption metrics, and \
differently written numbers hide duplicates.\n\n\
## Example\n\
`555-0101` (US) is too short: invalid. `(415) 555-1234 x204` is +14155551234 ext. 204.\n\n\
## Options\nNone beyond `field`, `severity`, `tolerance`; set `default_region` on the table or \
workspace for numbers written without `+`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let column = ctx.column();
        let phones = ctx.cache.phones(ctx.table, ctx.table_index, column);
        let mut findings = Vec::new();
        let mut checked = 0;
        for (record, &key) in phones.key.iter().enumerate() {
            if key == u32::MAX {
                continue;
            }
            checked += 1;
            if let Err(reason) = &phones.parsed[key as usize] {
                let region = phones.regions[key as usize].unwrap_or("no region");
                findings.push(ctx.finding(
                    record,
                    Some(column),
                    format!(
                        "{} is not a valid phone number ({region}): {reason}",
                        quote(ctx.table.cell(record, column).trim())
                    ),
                    None,
                ));
            }
        }
        RuleResult::from_findings(findings, checked)
    }
}
