use crate::config::CheckKind;
use crate::normalize::date::DateValue;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ005: a number in a date field that looks like an Excel serial date.
pub struct ExcelSerialDate;

impl Check for ExcelSerialDate {
    fn code(&self) -> &'static str {
        "DQ005"
    }
    fn name(&self) -> &'static str {
        "excel-serial-date"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::ExcelSerialDate
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports whole numbers between 10000 and 80000 in a date field: what Excel writes when a date \
cell loses its format (days since 1899-12-30, the 1900 date system). The finding gives the date \
it stands for. With `excel_serial_dates = true` on the table, such values are accepted as that \
date and not reported.\n\n\
## Why it matters for KPIs\n\
A serial number is silently unreadable for most tools, so the record falls out of time-based KPIs.\n\n\
## Example\n`45292` is 2024-01-01.\n\n\
## Options\nNone beyond `field`, `severity`, `tolerance`; the table setting `excel_serial_dates`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let dates = ctx.cache.dates(ctx.table, ctx.table_index, ctx.column());
        let accepted = ctx.table.excel_serial_dates;
        per_value(ctx, |id, raw| match &dates[id as usize].1 {
            Ok(DateValue::ExcelSerial { date, .. }) if !accepted => Some((
                format!(
                    "{} looks like an Excel serial date ({date} in the 1900 date system); set excel_serial_dates = true on table `{}` to accept it",
                    quote(raw.trim()),
                    ctx.table.name
                ),
                Some(date.to_string()),
            )),
            _ => None,
        })
    }
}
