use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ007: a value that does not match the rule's pattern in full.
pub struct PatternMismatch;

impl Check for PatternMismatch {
    fn code(&self) -> &'static str {
        "DQ007"
    }
    fn name(&self) -> &'static str {
        "pattern-mismatch"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Regex
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Checks each value against the rule's regular expression as a full match: the pattern is \
anchored at both ends, so a valid prefix followed by junk does not pass. Values are trimmed \
first (surrounding whitespace is DQ010's finding). Empty values are completeness findings \
(DQ101), not pattern failures.\n\n\
## Why it matters for KPIs\n\
Malformed codes (postcodes, SKUs, external ids) break joins and regional breakdowns.\n\n\
## Example\n\
`pattern = '\\d{5}'` passes `02139` and fails `02139-1234` and `abc`.\n\n\
## Options\n`pattern = '...'` (required; Rust regex syntax, single-quoted in TOML).\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let spec = &ctx.rule.spec.options;
        let regex = spec.pattern.as_ref().expect("validated in rule_pack");
        let text = spec.pattern_text.as_deref().unwrap_or_default();
        per_value(ctx, |_, raw| {
            (!regex.is_match(raw.trim())).then(|| {
                (
                    format!("{} does not match the pattern `{text}`", quote(raw)),
                    None,
                )
            })
        })
    }
}
