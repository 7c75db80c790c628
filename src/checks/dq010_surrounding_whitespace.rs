use crate::config::CheckKind;
use crate::normalize::text::has_surrounding_whitespace;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ010: leading or trailing whitespace in a value.
pub struct SurroundingWhitespace;

impl Check for SurroundingWhitespace {
    fn code(&self) -> &'static str {
        "DQ010"
    }
    fn name(&self) -> &'static str {
        "surrounding-whitespace"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Whitespace
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports values with spaces, tabs or non-breaking spaces at either end, with the trimmed value as \
the suggested fix. Other rules compare trimmed values, so this is a formatting finding only: \
` padded@example.com ` is a valid email with a whitespace finding.\n\n\
## Why it matters for KPIs\n\
Most CRMs and BI tools compare raw strings: a padded value misses joins, filters and \
deduplication.\n\n\
## Example\n` padded@example.com ` → `padded@example.com`.\n\n\
## Options\nNone beyond `field`/`fields` (`*` is every mapped field), `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        per_value(ctx, |_, raw| {
            has_surrounding_whitespace(raw).then(|| {
                (
                    format!("{} has surrounding whitespace", quote(raw)),
                    Some(raw.trim().to_string()),
                )
            })
        })
    }
}
