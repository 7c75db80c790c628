//! Lead conversion by creation cohort: leads created in the period that converted within
//! `window_days` of creation (default 90), over those leads. Leads younger than the window at
//! the as-of date are left out: they have not had their chance yet. Variant `ever`: converted
//! by the as-of date, whatever the delay.

use jiff::ToSpan;

use super::input::Value;
use super::proportion::Tally;
use super::stats::wilson;
use super::{Ctx, Estimate, Kpi, Member, SHARE, format};
use crate::kind::Kind;

pub struct LeadConversion;

impl Kpi for LeadConversion {
    fn id(&self) -> &'static str {
        "lead_conversion"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let t = ctx
            .source_table()
            .or_else(|| inputs.tables_of(Kind::Leads).first().copied())
            .ok_or("no leads table")?;
        let table = inputs.table(t);
        let raw = ctx.raw();
        let created_col = inputs.require_column(t, "created_at")?;
        let created = inputs.dates(t, created_col, raw);
        let flag = inputs
            .column(t, "is_converted")
            .map(|c| inputs.booleans(t, c, raw));
        let converted_at = inputs
            .column(t, "converted_at")
            .map(|c| inputs.dates(t, c, raw));
        let status = inputs.column(t, "status").map(|c| {
            inputs.classify(t, c, |v| {
                (!crate::normalize::text::is_missing(v))
                    .then(|| v.to_ascii_lowercase().contains("convert"))
            })
        });
        if flag.is_none() && converted_at.is_none() && status.is_none() {
            return Err(format!(
                "table {} has no is_converted, converted_at or status",
                table.name
            ));
        }
        let cohort = ctx.variant != "ever";
        let window = ctx
            .settings
            .window_days
            .or(ctx.def.window_days)
            .unwrap_or(90);
        let mature_before = if cohort {
            ctx.as_of
                .checked_sub((window as i64).days())
                .unwrap_or(ctx.as_of)
        } else {
            ctx.as_of
        };
        let mut tally = Tally::default();
        let mut scope = Vec::new();
        let (mut young, mut bad_created, mut undated_conversions, mut merged) = (0, 0, 0, 0);
        let mut usable = 0;
        for r in 0..table.rows() {
            if ctx.is_surplus(t, r) {
                merged += 1;
                continue;
            }
            let c = created.get(r);
            let mut member = ctx.member(c);
            if let Value::Ok(d) = c
                && member == Member::In
                && d > mature_before
            {
                young += 1;
                member = Member::Out;
            }
            if member == Member::Out {
                continue;
            }
            if member == Member::Unknown || c.ok().is_none() {
                bad_created += 1;
            }
            scope.push(r);
            // Converted? From the flag, the conversion date, else a status saying so.
            let when = converted_at.as_ref().map(|v| v.get(r));
            let converted = match (flag.as_ref().map(|v| v.get(r)), when) {
                (_, Some(Value::Ok(_))) => Some(true),
                (Some(Value::Ok(b)), _) => Some(b),
                _ => status.as_ref().and_then(|s| s.get(r)),
            };
            // Within the window? Needs both dates.
            let outcome = match converted {
                Some(false) => Some(false),
                None => None,
                Some(true) if !cohort => Some(true),
                Some(true) => match (c.ok(), when.and_then(|w| w.ok())) {
                    (Some(made), Some(done)) => {
                        Some(super::input::days_between(made, done) <= window as f64)
                    }
                    _ => {
                        undated_conversions += 1;
                        None
                    }
                },
            };
            if c.ok().is_some() && outcome.is_some() {
                usable += 1;
            }
            match (member, outcome) {
                (Member::In, Some(true)) => tally.successes += 1,
                (Member::In, Some(false)) => tally.failures += 1,
                (Member::In, None) => tally.unknown_outcome += 1,
                (_, Some(true)) => tally.maybe_successes += 1,
                (_, Some(false)) => tally.maybe_failures += 1,
                (_, None) => tally.maybe_unknown += 1,
            }
        }
        let share = tally.share().ok_or_else(|| {
            format!(
                "no lead of table {} created in {} is older than the {window}-day window",
                table.name,
                ctx.period.describe()
            )
        })?;
        let mut notes = vec![if cohort {
            format!(
                "{} of {} created in the period converted within {window} days.",
                format::count(tally.successes),
                format::plural(tally.n(), "lead", "leads")
            )
        } else {
            format!(
                "{} of {} created in the period have converted by {}.",
                format::count(tally.successes),
                format::plural(tally.n(), "lead", "leads"),
                ctx.as_of
            )
        }];
        if young > 0 {
            notes.push(format!(
                "{} created less than {window} days before {} left out: their window is still open.",
                format::plural(young, "lead", "leads"),
                ctx.as_of
            ));
        }
        if bad_created > 0 {
            notes.push(format!(
                "{} no readable creation date (invalid or ambiguous, DQ003/DQ004): each may fall in the cohort or not, and the bounds allow for both.",
                format::plural(bad_created, "lead has", "leads have")
            ));
        }
        if undated_conversions > 0 {
            notes.push(format!(
                "{} converted without a readable conversion date, so whether within {window} days is unknown.",
                format::plural(undated_conversions, "lead", "leads")
            ));
        }
        if merged > 0 {
            notes.push(format!(
                "{} duplicated another lead (same id or e-mail) and counted once.",
                format::plural(merged, "lead", "leads")
            ));
        }
        if let Some(n) = flag
            .as_ref()
            .and_then(|v| super::input::empty_false_note(table, v))
        {
            notes.push(n);
        }
        if let Some(n) = ctx.stale_note(t, &scope, "leads") {
            notes.push(n);
        }
        let mut fields = vec![ctx.field(&created, &scope)];
        if let Some(v) = &flag {
            fields.push(ctx.field(v, &scope));
        }
        if let Some(v) = &converted_at {
            fields.push(ctx.field(v, &scope));
        }
        Ok(Estimate {
            value: 100.0 * share,
            n: tally.n(),
            n_of: "leads".into(),
            ci: ctx
                .intervals()
                .then(|| wilson::wilson(tally.successes, tally.n(), ctx.level()).scale(100.0)),
            method: "wilson".into(),
            dq: tally.bounds().scale(100.0),
            limits: SHARE,
            scope: scope.len(),
            usable,
            fields,
            notes,
            period_applied: true,
        })
    }
}
