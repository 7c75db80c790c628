//! Active users: distinct users with at least one usage event in the period (default the 30
//! days to the as-of date). The interval treats the count as a Poisson outcome (exact), the
//! spread a count of active users has from one period to the next.

use super::stats::{Bounds, poisson};
use super::usage;
use super::{Ctx, Estimate, Kpi, NONNEGATIVE, format};

pub struct ActiveUsers;

impl Kpi for ActiveUsers {
    fn id(&self) -> &'static str {
        "active_users"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let a = usage::activity(ctx, None)?;
        let active = a.users.values().filter(|u| u.active).count();
        let maybe = a.users.values().filter(|u| !u.active && u.maybe).count();
        if active == 0 && maybe == 0 && a.anonymous_events == 0 {
            return Err(format!("no usage event in {}", ctx.period.describe()));
        }
        let mut notes = vec![format!(
            "{} with {} in {}.",
            format::plural(active, "user", "users"),
            format::plural(a.events_in_period, "event", "events"),
            ctx.period.describe()
        )];
        if a.anonymous_events > 0 {
            notes.push(format!(
                "{} no user id: each could be one more user (upper bound).",
                format::plural(a.anonymous_events, "event has", "events have")
            ));
        }
        if maybe > 0 {
            notes.push(format!(
                "{} only events with an unreadable date and may have been active.",
                format::plural(maybe, "user has", "users have")
            ));
        }
        if a.orphan_users > 0 {
            notes.push(format!(
                "{} of the active users are ids no contact has (orphans); they are counted.",
                format::count(a.orphan_users)
            ));
        }
        let merged_note = a.contacts.map(|c| ctx.dedup(c).map_or(0, |d| d.surplus()));
        if let Some(n) = merged_note
            && n > 0
            && ctx.mode != super::Mode::Raw
        {
            notes.push(format!(
                "Users are merged through the {} of table {}.",
                format::plural(n, "duplicate contact", "duplicate contacts"),
                ctx.table_name(a.contacts.unwrap())
            ));
        }
        Ok(Estimate {
            value: active as f64,
            n: active,
            n_of: "active users".into(),
            ci: ctx
                .intervals()
                .then(|| poisson::poisson_exact(active as u64, ctx.level())),
            method: "exact Poisson".into(),
            dq: Bounds::new(active as f64, (active + maybe + a.anonymous_events) as f64),
            limits: NONNEGATIVE,
            scope: a.events_in_period + a.anonymous_events + a.undated_events,
            usable: a.events_in_period,
            fields: a.fields,
            notes,
            period_applied: true,
        })
    }
}
