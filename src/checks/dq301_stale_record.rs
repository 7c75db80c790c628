use crate::config::CheckKind;
use crate::normalize::date::DateValue;

use super::{Check, Ctx, RuleResult, record_date};
use crate::wording::{form, plural};

/// DQ301: a record nobody has touched for too long.
pub struct StaleRecord;

impl Check for StaleRecord {
    fn code(&self) -> &'static str {
        "DQ301"
    }
    fn name(&self) -> &'static str {
        "stale-record"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Stale
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Takes each record's last sign of life, the first readable date among the rule's `fields` in \
order (by default last activity, then last modified, then created), and reports records whose \
date is more than `after_days` days before `--as-of`. Records with no readable date in any of \
those fields are not checked (the detail says how many), since nothing says how old they are.\n\n\
## Why it matters for KPIs\n\
Stale contacts and open deals nobody works sit in denominators: they deflate conversion, \
engagement and active-user rates and inflate pipeline.\n\n\
## Example\n\
With `--as-of 2024-12-31` and `after_days = 365`, a contact last active on 2023-06-30 is stale.\n\n\
## Options\n`after_days` (default 365); tune in crmaudit.toml with `[rules.DQ301] after_days = 180`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let after_days = ctx.rule.spec.options.after_days.unwrap_or(365) as i64;
        let as_of = ctx.dataset.as_of;
        let readers: Vec<(usize, _)> = ctx
            .rule
            .columns
            .iter()
            .map(|&c| (c, sign_of_life(ctx, c)))
            .collect();
        let mut findings = Vec::new();
        let mut checked = 0;
        let mut undated = 0;
        for record in 0..ctx.table.rows() {
            let Some((column, (date, ambiguous))) = readers
                .iter()
                .find_map(|(c, read)| read(record).map(|d| (*c, d)))
            else {
                undated += 1;
                continue;
            };
            checked += 1;
            let age = (as_of - date).get_days() as i64;
            // jiff spans from date subtraction are in days for civil dates.
            if age > after_days {
                findings.push(ctx.finding(
                    record,
                    Some(column),
                    format!(
                        "last sign of life `{}` {date}{} is {age} days before {as_of} (limit {after_days})",
                        ctx.field_label(column),
                        if ambiguous {
                            " (the later reading of an ambiguous date)"
                        } else {
                            ""
                        }
                    ),
                    None,
                ));
            }
        }
        let mut result = RuleResult::from_findings(findings, checked);
        if undated > 0 {
            result.detail = Some(format!(
                "{} no readable date in {} and {} not checked",
                plural(undated, "record has", "records have"),
                ctx.rule
                    .columns
                    .iter()
                    .map(|&c| format!("`{}`", ctx.field_label(c)))
                    .collect::<Vec<_>>()
                    .join(", "),
                form(undated, "was", "were")
            ));
        }
        result
    }
}

/// A record's date in `column` as a sign of life, and whether it was ambiguous. An ambiguous
/// day/month value (`03/04/2024` without `date_order`) still is a sign of life: it counts as the
/// later of its two readings, so the record is stale only when both readings are. Skipping it
/// instead would fall back to an older field (last modified, created) and report a record whose
/// last activity may be recent.
fn sign_of_life(ctx: &Ctx, column: usize) -> impl Fn(usize) -> Option<(jiff::civil::Date, bool)> {
    let read = record_date(ctx, column);
    let distinct = ctx.cache.distinct(ctx.table, ctx.table_index, column);
    let dates = ctx.cache.dates(ctx.table, ctx.table_index, column);
    move |record| match read(record) {
        Some(date) => Some((date, false)),
        None => match &dates[distinct.ids[record] as usize].1 {
            Ok(DateValue::Ambiguous {
                day_first,
                month_first,
            }) => Some(((*day_first).max(*month_first), true)),
            _ => None,
        },
    }
}
