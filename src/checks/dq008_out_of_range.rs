use crate::config::CheckKind;
use crate::normalize::number::NumberError;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ008: a number outside its allowed range.
pub struct OutOfRange;

impl Check for OutOfRange {
    fn code(&self) -> &'static str {
        "DQ008"
    }
    fn name(&self) -> &'static str {
        "out-of-range"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Range
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reads each value as a number in the table's number locale (decimal point or decimal comma, \
thousands separators, currency signs) and reports values below `min` or above `max`. A value \
that is not a number at all is also a violation, since the range cannot hold for it.\n\n\
## Why it matters for KPIs\n\
An NPS answer of 11 or a negative deal amount moves averages and sums; out-of-scale survey \
scores make NPS and CSAT meaningless.\n\n\
## Example\n`min = 0, max = 10`: `11` and `-1` are reported; `7` passes.\n\n\
## Options\n`min`, `max` (at least one; inclusive).\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let numbers = ctx.cache.numbers(ctx.table, ctx.table_index, ctx.column());
        let options = &ctx.rule.spec.options;
        per_value(ctx, |id, raw| match &numbers[id as usize] {
            Err(NumberError::NotANumber) => Some((
                format!("{} is not a number, so it cannot be in range", quote(raw)),
                None,
            )),
            Err(reason) => Some((
                format!(
                    "{} is not a number ({reason}), so it cannot be in range",
                    quote(raw)
                ),
                None,
            )),
            Ok(value) => {
                if let Some(min) = options.min.filter(|min| value < min) {
                    Some((format!("{} is below the minimum {min}", quote(raw)), None))
                } else {
                    options
                        .max
                        .filter(|max| value > max)
                        .map(|max| (format!("{} is above the maximum {max}", quote(raw)), None))
                }
            }
        })
    }
}
