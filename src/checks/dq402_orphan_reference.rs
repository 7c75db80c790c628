use foldhash::{HashSet, HashSetExt};

use crate::config::CheckKind;

use super::{Check, Ctx, RuleResult, per_value, quote};

/// DQ402: a reference to a record that does not exist.
pub struct OrphanReference;

impl Check for OrphanReference {
    fn code(&self) -> &'static str {
        "DQ402"
    }
    fn name(&self) -> &'static str {
        "orphan-reference"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Reference
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Checks that each value of a reference field (a deal's `account_id`, a ticket's `contact_id`) is \
the id of a record in the referenced table (`to = \"companies.id\"`; a table name or kind). \
Values are compared trimmed. Empty references are completeness findings (DQ101) where a rule \
requires them, not orphans.\n\n\
## Why it matters for KPIs\n\
Orphaned deals and tickets drop out of every per-account KPI (CLV, churn, adoption) and of \
revenue roll-ups by segment.\n\n\
## Example\nA deal with `account_id = C-999` when no company has id `C-999`.\n\n\
## Options\n`to = \"TABLE.FIELD\"` (required).\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let (target_table, target_column) = ctx.rule.target.expect("bound by plan");
        let target = &ctx.dataset.tables[target_table];
        let mut ids: HashSet<&str> = HashSet::with_capacity(target.rows());
        for value in target.raw.columns[target_column].iter() {
            ids.insert(value.trim());
        }
        let target_name = format!("{}.{}", target.name, target.header(target_column));
        per_value(ctx, |_, raw| {
            (!ids.contains(raw.trim())).then(|| {
                (
                    format!("{} matches no record in {target_name}", quote(raw.trim())),
                    None,
                )
            })
        })
    }
}
