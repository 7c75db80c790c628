use crate::config::CheckKind;
use crate::normalize::date::DateValue;

use super::{Check, Ctx, RuleResult, per_value, quote};
use crate::wording::plural;

/// DQ004: a date whose day and month nobody can tell apart.
pub struct AmbiguousDate;

impl Check for AmbiguousDate {
    fn code(&self) -> &'static str {
        "DQ004"
    }
    fn name(&self) -> &'static str {
        "ambiguous-date"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::DateAmbiguity
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports dates such as `01/02/2024` that are valid both day-first (1 February) and month-first \
(2 January) when the table's `date_order` is not configured. Nothing is guessed: when the rest \
of the column only ever reads one way (a `13/01/2024` elsewhere), the finding says so and \
suggests that reading, but the value is still reported until `date_order` is set.\n\n\
## Why it matters for KPIs\n\
A swapped day and month moves a record between months and quarters: period KPIs, cohorts and \
durations change without any visible error.\n\n\
## Example\n\
`1/2/24` could be 2024-02-01 or 2024-01-02. With `date_order = \"dmy\"` it reads 2024-02-01 \
and is not reported.\n\n\
## Options\nNone beyond `field`, `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let column = ctx.column();
        let dates = ctx.cache.dates(ctx.table, ctx.table_index, column);
        let distinct = ctx.cache.distinct(ctx.table, ctx.table_index, column);
        // Evidence from the unambiguous values of the same column: how many can only be read
        // day-first, how many only month-first.
        let (mut day_first, mut month_first) = (0u64, 0u64);
        for (id, &record) in distinct.first.iter().enumerate() {
            if matches!(dates[id].1, Ok(DateValue::Date(_))) {
                let raw = ctx.table.cell(record as usize, column);
                match leading_pair(raw) {
                    Some((a, b)) if a > 12 && b <= 12 => day_first += distinct.counts[id] as u64,
                    Some((a, b)) if b > 12 && a <= 12 => month_first += distinct.counts[id] as u64,
                    _ => {}
                }
            }
        }
        let lean = match (day_first, month_first) {
            (d, 0) if d > 0 => Some(true),
            (0, m) if m > 0 => Some(false),
            _ => None,
        };
        per_value(ctx, |id, raw| match &dates[id as usize].1 {
            Ok(DateValue::Ambiguous {
                day_first: dmy,
                month_first: mdy,
            }) => {
                let mut message = format!(
                    "{} reads as {} (day first) or {} (month first); set date_order for table `{}`",
                    quote(raw.trim()),
                    dmy,
                    mdy,
                    ctx.table.name
                );
                let suggestion = match lean {
                    Some(true) => {
                        message.push_str(&format!(
                            "; {} in this column can only be day-first",
                            plural(day_first as usize, "other value", "other values")
                        ));
                        Some(dmy.to_string())
                    }
                    Some(false) => {
                        message.push_str(&format!(
                            "; {} in this column can only be month-first",
                            plural(month_first as usize, "other value", "other values")
                        ));
                        Some(mdy.to_string())
                    }
                    None => None,
                };
                Some((message, suggestion))
            }
            _ => None,
        })
    }
}

/// The first two numbers of a `N/N/...` date, for evidence about the column's order.
fn leading_pair(raw: &str) -> Option<(u32, u32)> {
    let mut parts = raw.trim().split(['/', '.', '-']);
    let a: u32 = parts.next()?.parse().ok()?;
    let b: u32 = parts.next()?.parse().ok()?;
    // ISO dates start with a four-digit year and are no evidence.
    (a < 100).then_some((a, b))
}
