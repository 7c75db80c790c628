use crate::config::CheckKind;
use crate::normalize::email::domain_typo_suggestion;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ001: an email address that cannot receive mail.
pub struct InvalidEmail;

impl Check for InvalidEmail {
    fn code(&self) -> &'static str {
        "DQ001"
    }
    fn name(&self) -> &'static str {
        "invalid-email"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Email
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Checks that each email value is one deliverable-looking address: a full match of local part, `@`, \
and a domain of two or more labels. Surrounding whitespace is not an error here (DQ010 reports it); \
case is not an error. Two addresses in one cell, double dots, a missing local part or domain are. \
An address on a misspelt free-mail domain (`gmial.com`) is reported with the corrected address as \
the suggested fix.\n\n\
## Why it matters for KPIs\n\
Invalid emails cannot be matched to activity or survey responses, so they drop out of response \
rates, NPS and CSAT denominators, and defeat duplicate detection on email.\n\n\
## Example\n\
`a..b@example.com`, `a@b.com; c@d.com`, `john@` are invalid; `o'brien@example.ie` and \
`first.last+news@gmail.com` are valid.\n\n\
## Options\nNone beyond `field`, `severity`, `tolerance`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let emails = ctx.cache.emails(ctx.table, ctx.table_index, ctx.column());
        per_value(ctx, |id, raw| match &emails[id as usize] {
            Err(reason) => Some((
                format!(
                    "{} is not a valid email address: {reason}",
                    quote(raw.trim())
                ),
                None,
            )),
            Ok(canonical) => domain_typo_suggestion(canonical).map(|fixed| {
                // Only the domain is mistyped: the fix keeps the local part as written
                // (`Rex.Case@Gmial.com` -> `Rex.Case@gmail.com`), not the lowercased canonical.
                let fixed = match (raw.trim().rsplit_once('@'), fixed.rsplit_once('@')) {
                    (Some((local, _)), Some((_, domain))) => format!("{local}@{domain}"),
                    _ => fixed,
                };
                (
                    format!("{} looks like a misspelt domain", quote(raw.trim())),
                    Some(fixed),
                )
            }),
        })
    }
}
