use crate::config::CheckKind;
use crate::normalize::number::NumberError;
use crate::normalize::number::NumberLocale;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ009: a value in a numeric field that is not a number.
pub struct InvalidNumber;

impl Check for InvalidNumber {
    fn code(&self) -> &'static str {
        "DQ009"
    }
    fn name(&self) -> &'static str {
        "invalid-number"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Number
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reads each value of a numeric field (amounts, costs, scores, counts) in the table's number \
locale and reports values that are not numbers. The locale is configured (`number_locale = \
\"comma\"`) or detected from the column's values (`10,5` and `1.250,00` are decimal-comma \
evidence); the report says which was used.\n\n\
## Why it matters for KPIs\n\
Revenue, CAC and CLV sum these fields; a value that is not read is a value left out.\n\n\
## Example\n`12 EUR` reads as 12; `ten` and `10%` are reported.\n\n\
## Options\nNone beyond `field`, `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let numbers = ctx.cache.numbers(ctx.table, ctx.table_index, ctx.column());
        let locale = match ctx.table.number_locale {
            NumberLocale::Point => "decimal point",
            NumberLocale::Comma => "decimal comma",
        };
        per_value(ctx, |id, raw| {
            numbers[id as usize].as_ref().err().map(|reason| {
                let message = match reason {
                    NumberError::NotANumber => {
                        format!("{} is not a number (read with {locale})", quote(raw))
                    }
                    reason => format!(
                        "{} is not a number (read with {locale}): {reason}",
                        quote(raw)
                    ),
                };
                (message, None)
            })
        })
    }
}
