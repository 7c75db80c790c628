//! User adoption: the share of users (the contacts, duplicates merged) with at least one usage
//! event in the period.

use super::proportion::Tally;
use super::stats::wilson;
use super::usage::{self, ORPHAN};
use super::{Ctx, Estimate, Kpi, SHARE, format};

pub struct UserAdoption;

impl Kpi for UserAdoption {
    fn id(&self) -> &'static str {
        "user_adoption"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let a = usage::activity(ctx, None)?;
        // Not one event in the period: the usage export does not reach it (or the product was
        // off), which is no measured 0% of users; active users says the same.
        if a.events_in_period == 0 && a.anonymous_events == 0 && !a.users.values().any(|u| u.maybe)
        {
            return Err(format!("no usage event in {}", ctx.period.describe()));
        }
        let c = a.contacts.ok_or("no contacts table to count the users")?;
        let contacts = ctx.inputs.table(c);
        // The user base: one per contact cluster.
        let base: Vec<usize> = (0..contacts.rows())
            .filter(|&r| !ctx.is_surplus(c, r))
            .collect();
        if base.is_empty() {
            return Err(format!("table {} has no records", contacts.name));
        }
        let raw = ctx.raw();
        let mut tally = Tally::default();
        // As the data stands: every contact row, active when its id appears in usage.
        let active_raw: std::collections::HashSet<&str> = if raw {
            let t = a.usage_table;
            let table = ctx.inputs.table(t);
            let col = ctx.inputs.column(t, "user_id").expect("checked");
            let when = ctx
                .inputs
                .datetimes(t, ctx.inputs.column(t, "event_at").unwrap(), true);
            (0..table.rows())
                .filter(|&r| ctx.member(when.get(r).map_date()) == super::Member::In)
                .map(|r| table.cell(r, col).trim())
                .collect()
        } else {
            Default::default()
        };
        for &r in &base {
            let user = if raw {
                let id = contacts.record_id(r);
                active_raw
                    .contains(id.as_str())
                    .then_some(super::usage::UserActivity {
                        active: true,
                        ..Default::default()
                    })
            } else {
                a.users.get(&(r as u64)).copied()
            };
            match user {
                Some(u) if u.active => tally.successes += 1,
                Some(u) if u.maybe => tally.unknown_outcome += 1,
                _ => tally.failures += 1,
            }
        }
        // Events without a user id could each activate one more inactive user.
        let lift = a.anonymous_events.min(tally.failures);
        let mut bounds_tally = tally;
        bounds_tally.failures -= lift;
        bounds_tally.unknown_outcome += lift;
        let share = tally.share().unwrap_or(0.0);
        let orphans = a.users.keys().filter(|&&k| k >= ORPHAN).count();
        let mut notes = vec![format!(
            "{} of {} had a usage event in {}.",
            format::count(tally.successes),
            format::plural(base.len(), "user", "users"),
            ctx.period.describe()
        )];
        if lift > 0 {
            notes.push(format!(
                "{} no user id: each could be a user counted as inactive (upper bound).",
                format::plural(a.anonymous_events, "event has", "events have")
            ));
        }
        if orphans > 0 && !raw {
            notes.push(format!(
                "{} ids in usage name no contact and are not part of the user base.",
                format::count(orphans)
            ));
        }
        let merged = contacts.rows() - base.len();
        if merged > 0 {
            notes.push(format!(
                "{} duplicate contacts merged: one user each, whichever record was active.",
                format::count(merged)
            ));
        }
        if let Some(n) = ctx.stale_note(c, &base, "users") {
            notes.push(n);
        }
        let mut fields = a.fields;
        if let Some(id) = contacts.id_column {
            fields.push(ctx.field(&ctx.inputs.presence(c, id), &base));
        }
        Ok(Estimate {
            value: 100.0 * share,
            n: tally.n(),
            n_of: "users".into(),
            ci: ctx
                .intervals()
                .then(|| wilson::wilson(tally.successes, tally.n(), ctx.level()).scale(100.0)),
            method: "wilson".into(),
            dq: bounds_tally.bounds().scale(100.0),
            limits: SHARE,
            scope: base.len(),
            usable: tally.n(),
            fields,
            notes,
            period_applied: true,
        })
    }
}
