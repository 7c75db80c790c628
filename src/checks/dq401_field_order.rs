use std::cmp::Ordering;

use crate::config::CheckKind;
use crate::normalize::number::NumberError;

use super::{Check, Ctx, RuleResult, record_date};

/// DQ401: two fields of one record in the wrong order (close before create).
pub struct FieldOrder;

impl Check for FieldOrder {
    fn code(&self) -> &'static str {
        "DQ401"
    }
    fn name(&self) -> &'static str {
        "field-order"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Compare
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Compares two fields of the same record with `op` (`<`, `<=`, `>`, `>=`, `==`, `!=`): as dates \
when both read as dates, otherwise as numbers. Records where either side is missing or \
unreadable are not checked (other rules report those).\n\n\
## Why it matters for KPIs\n\
A deal closed before it was created gives a negative sales cycle; a ticket resolved before it \
was opened, a negative resolution time. Averages absorb them without a sign.\n\n\
## Example\n`left = \"close_date\", op = \">=\", right = \"created_at\"`: a close date of \
2023-01-05 on a deal created 2023-02-01 is reported.\n\n\
## Options\n`left`, `op`, `right` (all required).\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let (left, right) = (ctx.rule.columns[0], ctx.rule.columns[1]);
        let (_, op, _) = ctx.rule.spec.options.compare.as_ref().expect("validated");
        let (left_date, right_date) = (record_date(ctx, left), record_date(ctx, right));
        // Two date fields compare as dates only: reading a million timestamps as numbers too
        // would cost a parse each for a fallback that cannot apply.
        let as_numbers = compares_numbers(ctx.table, left, right);
        let no_numbers: Vec<Result<f64, NumberError>> = Vec::new();
        let (left_num, right_num) = if as_numbers {
            (
                ctx.cache.numbers(ctx.table, ctx.table_index, left),
                ctx.cache.numbers(ctx.table, ctx.table_index, right),
            )
        } else {
            (no_numbers.as_slice(), no_numbers.as_slice())
        };
        let left_ids = &ctx.cache.distinct(ctx.table, ctx.table_index, left).ids;
        let right_ids = &ctx.cache.distinct(ctx.table, ctx.table_index, right).ids;
        let (left_name, right_name) = (ctx.field_label(left), ctx.field_label(right));
        let mut findings = Vec::new();
        let mut checked = 0;
        // How often each value occurs among the violations, per side (false: left).
        let mut shared: std::collections::BTreeMap<(bool, String), usize> =
            std::collections::BTreeMap::new();
        for record in 0..ctx.table.rows() {
            let (ordering, shown_left, shown_right) = match (left_date(record), right_date(record))
            {
                (Some(l), Some(r)) => (l.cmp(&r), l.to_string(), r.to_string()),
                _ if !as_numbers => continue,
                _ => match (
                    &left_num[left_ids[record] as usize],
                    &right_num[right_ids[record] as usize],
                ) {
                    (Ok(l), Ok(r)) => (
                        l.partial_cmp(r).unwrap_or(Ordering::Equal),
                        l.to_string(),
                        r.to_string(),
                    ),
                    _ => continue,
                },
            };
            checked += 1;
            if !op.holds(ordering) {
                // Dates are before/after each other; numbers (the fallback) are less/greater.
                let dates = left_date(record).is_some() && right_date(record).is_some();
                let relation = match (ordering, dates) {
                    (Ordering::Less, true) => "is before",
                    (Ordering::Greater, true) => "is after",
                    (Ordering::Less, false) => "is less than",
                    (Ordering::Greater, false) => "is greater than",
                    (Ordering::Equal, _) => "equals",
                };
                findings.push(ctx.finding(
                    record,
                    Some(left),
                    format!(
                        "`{left_name}` {shown_left} {relation} `{right_name}` {shown_right} (expected {left_name} {} {right_name})",
                        op.symbol()
                    ),
                    None,
                ));
                *shared.entry((false, shown_left)).or_default() += 1;
                *shared.entry((true, shown_right)).or_default() += 1;
            }
        }
        let violations = findings.len();
        let mut result = RuleResult::from_findings(findings, checked);
        // Most violations on one and the same value usually mean a migration or bulk import that
        // stamped every record with the load date, not many separate data-entry mistakes.
        if let Some(((is_right, value), count)) = shared
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            && count >= 3
            && count * 2 > violations
        {
            let field = if is_right { right_name } else { left_name };
            result.detail = Some(format!(
                "{count} of the {violations} records share `{field}` {value}: probably a bulk import or migration stamp rather than {violations} separate mistakes"
            ));
        }
        result
    }
}

/// Whether a comparison of these columns falls back to numbers: unless both are date fields.
pub(crate) fn compares_numbers(table: &crate::dataset::Table, left: usize, right: usize) -> bool {
    use crate::kind::FieldType;
    !(table.field_type(left) == FieldType::Date && table.field_type(right) == FieldType::Date)
}
