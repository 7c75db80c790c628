use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ006: a picklist value outside the allowed set.
pub struct ValueNotAllowed;

/// Case, surrounding space and `_`/`-` versus space do not make a different picklist value.
pub(crate) fn picklist_key(raw: &str) -> String {
    crate::normalize::text::fold_key(&raw.replace(['_', '-'], " "))
}

impl Check for ValueNotAllowed {
    fn code(&self) -> &'static str {
        "DQ006"
    }
    fn name(&self) -> &'static str {
        "value-not-allowed"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Allowed
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Checks each value against the rule's `values`. A value that differs from an allowed one only in \
case, surrounding spaces or `_`/`-` versus space is reported as a variant of it, with the allowed \
spelling as the suggested fix. Empty values are completeness findings (DQ101), not picklist ones.\n\n\
## Why it matters for KPIs\n\
KPIs group and filter by picklists (stage, status, source): `Closed` and `closed` counted \
apart split one group in two, and unknown values fall out of every filter.\n\n\
## Example\n\
With `values = [\"New\", \"Working\"]`, `new` is reported as a case variant of `New`.\n\n\
## Options\n`values = [..]` (required); `case_sensitive = false` accepts case variants silently.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let options = &ctx.rule.spec.options;
        let keyed: Vec<(String, &str)> = options
            .values
            .iter()
            .map(|v| (picklist_key(v), v.as_str()))
            .collect();
        let listed = {
            let shown: Vec<&str> = options.values.iter().take(10).map(String::as_str).collect();
            let more = options.values.len().saturating_sub(10);
            if more > 0 {
                format!("{} and {more} more", shown.join(", "))
            } else {
                shown.join(", ")
            }
        };
        // `case_sensitive = false` accepts values that differ from an allowed one in letter case
        // only. Spacing and `_`/`-` variants (`closed_won` for `Closed Won`) are still reported
        // as variants: they split KPI groups whatever the case.
        let lowered: Vec<String> = if options.case_sensitive {
            Vec::new()
        } else {
            options.values.iter().map(|v| v.to_lowercase()).collect()
        };
        per_value(ctx, |_, raw| {
            let value = raw.trim();
            if options.values.iter().any(|v| v == value) {
                return None;
            }
            if !lowered.is_empty() && lowered.contains(&value.to_lowercase()) {
                return None;
            }
            let key = picklist_key(value);
            match keyed.iter().find(|(k, _)| *k == key) {
                Some((_, allowed)) => Some((
                    format!(
                        "{} is a variant of the allowed value `{allowed}`",
                        quote(raw)
                    ),
                    Some(allowed.to_string()),
                )),
                None => Some((
                    format!("{} is not one of the allowed values ({listed})", quote(raw)),
                    None,
                )),
            }
        })
    }
}
