use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ003: a value in a date field that is no date.
pub struct InvalidDate;

impl Check for InvalidDate {
    fn code(&self) -> &'static str {
        "DQ003"
    }
    fn name(&self) -> &'static str {
        "invalid-date"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Date
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reads each value of a date field in the formats CRM exports use (ISO dates and date-times, \
`DD/MM/YYYY` and `MM/DD/YYYY` with `/`, `.` or `-`, two-digit years, English month names) and \
reports values that are not a calendar date (`2024-02-30`) or not a date at all. Ambiguous \
day/month values are DQ004's concern, Excel serial numbers DQ005's.\n\n\
## Why it matters for KPIs\n\
Periods, cohorts, staleness, time-to-close and resolution times all start from dates; an \
unreadable date silently drops the record from every time-based KPI.\n\n\
## Example\n\
`2024-02-30` is invalid: 30 February does not exist.\n\n\
## Options\nNone beyond `field`, `severity`, `tolerance`; the table's `date_order` decides how \
`01/02/2024` reads.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let dates = ctx.cache.dates(ctx.table, ctx.table_index, ctx.column());
        per_value(ctx, |id, raw| match &dates[id as usize].1 {
            Err(reason) => Some((
                format!("{} is not a date: {reason}", quote(raw.trim())),
                None,
            )),
            Ok(_) => None,
        })
    }
}
