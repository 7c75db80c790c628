//! Ticket resolution time: the median hours from creation to close for tickets created in the
//! period; open tickets are censored at the end of the as-of date (Kaplan-Meier). Variant
//! `mean`: the mean over closed tickets only (t interval).

use jiff::civil::Time;

use super::durations::Durations;
use super::input::{Value, hours_between};
use super::stats::{Bounds, t_interval};
use super::{Ctx, Estimate, Kpi, Member, NONNEGATIVE, fault_note, format};
use crate::kind::Kind;

pub struct TicketResolutionTime;

impl Kpi for TicketResolutionTime {
    fn id(&self) -> &'static str {
        "ticket_resolution_time"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let t = ctx
            .source_table()
            .or_else(|| inputs.tables_of(Kind::Tickets).first().copied())
            .ok_or("no tickets table")?;
        let table = inputs.table(t);
        let raw = ctx.raw();
        let created_col = inputs.require_column(t, "created_at")?;
        let closed_col = inputs.require_column(t, "closed_at")?;
        let created = inputs.datetimes(t, created_col, raw);
        let closed = inputs.datetimes(t, closed_col, raw);
        let status = inputs
            .column(t, "status")
            .map(|c| inputs.classify(t, c, super::input::says_closed));
        let now = ctx
            .as_of
            .tomorrow()
            .unwrap_or(ctx.as_of)
            .to_datetime(Time::midnight());
        let mut d = Durations::default();
        let mut scope = Vec::new();
        let (mut bad_created, mut bad_closed, mut closed_without_date, mut merged) = (0, 0, 0, 0);
        for r in 0..table.rows() {
            if ctx.is_surplus(t, r) {
                merged += 1;
                continue;
            }
            let made = created.get(r);
            if ctx.member(made.map_date()) == Member::Out {
                continue;
            }
            scope.push(r);
            let Some(made) = made.ok() else {
                bad_created += 1;
                d.unknown += 1;
                continue;
            };
            let says_closed = status.as_ref().is_some_and(|s| s.get(r));
            match closed.get(r) {
                Value::Ok(end) => d.push(hours_between(made, end), true),
                Value::Missing if says_closed => {
                    closed_without_date += 1;
                    d.unknown += 1;
                }
                Value::Missing => d.push(hours_between(made, now).max(0.0), false),
                Value::Invalid => {
                    bad_closed += 1;
                    d.unknown += 1;
                }
            }
        }
        let mut notes = Vec::new();
        if let Some(note) = fault_note(0, bad_created, scope.len(), "tickets", "creation date") {
            notes.push(format!("{note}."));
        }
        if let Some(note) = fault_note(
            0,
            bad_closed,
            scope.len(),
            "tickets",
            "close date (or one before creation)",
        ) {
            notes.push(format!(
                "{note}: bounded at 0 hours and at the longest seen."
            ));
        }
        if closed_without_date > 0 {
            notes.push(format!(
                "{} closed with no close date: bounded at 0 hours and at the longest seen.",
                format::plural(closed_without_date, "ticket is", "tickets are")
            ));
        }
        if merged > 0 {
            notes.push(format!(
                "{} duplicated another and counted once.",
                format::plural(merged, "ticket", "tickets")
            ));
        }
        let mut fields = vec![ctx.field(&created, &scope), ctx.field(&closed, &scope)];
        fields.truncate(2);
        if ctx.variant == "mean" {
            let values: Vec<f64> = d.known.iter().filter(|u| u.1).map(|u| u.0).collect();
            if values.is_empty() {
                return Err("no closed ticket in the period".into());
            }
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let open = d.known.len() - values.len();
            let longest = values.iter().copied().fold(0.0f64, f64::max);
            let n = values.len() as f64;
            let unknown = d.unknown as f64;
            notes.insert(
                0,
                format!(
                    "Mean {} over {}; {} still open are left out (a mean cannot wait for them).",
                    format::with_unit(mean, "hours"),
                    format::plural(values.len(), "closed ticket", "closed tickets"),
                    format::count(open)
                ),
            );
            return Ok(Estimate {
                value: mean,
                n: values.len(),
                n_of: "closed tickets".into(),
                ci: if ctx.intervals() {
                    t_interval::t_interval(&values, ctx.level())
                } else {
                    None
                },
                method: "t".into(),
                dq: Bounds::new(
                    mean * n / (n + unknown),
                    (mean * n + longest * unknown) / (n + unknown),
                ),
                limits: NONNEGATIVE,
                scope: scope.len(),
                usable: values.len(),
                fields,
                notes,
                period_applied: true,
            });
        }
        let m = d.median(ctx.level(), ctx.intervals())?;
        notes.insert(
            0,
            format!(
                "Median {} from creation to close over {}.",
                format::with_unit(m.value, "hours"),
                format::plural(d.known.len(), "ticket", "tickets")
            ),
        );
        if m.censored > 0 {
            notes.insert(
                1,
                format!(
                    "{} still open at the end of {}: censored there (Kaplan-Meier), not dropped.",
                    format::plural(m.censored, "ticket is", "tickets are"),
                    ctx.as_of
                ),
            );
        }
        Ok(Estimate {
            value: m.value,
            n: d.known.len(),
            n_of: "tickets".into(),
            ci: m.ci,
            method: m.method,
            dq: m.dq,
            limits: NONNEGATIVE,
            scope: scope.len(),
            usable: d.known.len(),
            fields,
            notes,
            period_applied: true,
        })
    }
}
