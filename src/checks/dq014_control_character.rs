use crate::config::CheckKind;
use crate::normalize::text::{has_hidden_characters, strip_hidden_characters};

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ014: invisible or control characters inside a value.
pub struct ControlCharacter;

impl Check for ControlCharacter {
    fn code(&self) -> &'static str {
        "DQ014"
    }
    fn name(&self) -> &'static str {
        "control-character"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::ControlCharacter
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Reports values holding characters no one types on purpose: NUL and other control characters \
(tab and line breaks excepted, which notes legitimately hold), the U+FFFD replacement character \
left by a broken conversion, and zero-width characters (zero-width space, joiners, a BOM inside \
a value). The suggested fix is the value without them.\n\n\
## Why it matters for KPIs\n\
Two values that look identical stop matching: `acme.com` with a zero-width space is another \
domain to a join, a filter and a deduplication. A NUL byte truncates the value in many tools.\n\n\
## Example\n`jane@acme.com\\u{200b}` → `jane@acme.com`.\n\n\
## Options\nNone beyond `field`/`fields` (`*` is every mapped field), `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        per_value(ctx, |_, raw| {
            has_hidden_characters(raw).then(|| {
                let shown: String = raw
                    .chars()
                    .filter(|c| is_listed(*c))
                    .map(|c| format!("U+{:04X}", c as u32))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ");
                (
                    format!(
                        "{} holds invisible characters ({shown})",
                        quote(&escaped(raw))
                    ),
                    Some(strip_hidden_characters(raw)),
                )
            })
        })
    }
}

fn is_listed(c: char) -> bool {
    crate::normalize::text::is_hidden_character(c)
}

/// The value with its hidden characters made visible, for the message.
fn escaped(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if is_listed(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}
