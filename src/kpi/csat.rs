//! CSAT: the share of CSAT responses scoring 4 or 5 on the 1-5 scale (top-2-box), or the mean
//! score (variant `mean`). Read from a survey table's CSAT responses, else from the scores on
//! closed tickets, where a ticket without a score is a customer who did not answer.

use super::input::Value;
use super::proportion::Tally;
use super::stats::{Bounds, t_interval, wilson};
use super::{Ctx, Estimate, Kpi, Member, SHARE, fault_note, format};
use crate::kind::Kind;

pub struct Csat;

const SCALE: (f64, f64) = (1.0, 5.0);
const TOP_TWO: f64 = 4.0;

impl Kpi for Csat {
    fn id(&self) -> &'static str {
        "csat"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let t = ctx
            .source_table()
            .or_else(|| inputs.table_with(Kind::Surveys, &["csat_score"]))
            .or_else(|| inputs.table_with(Kind::Tickets, &["csat_score"]))
            .ok_or("no survey or ticket table with a csat_score field")?;
        let table = inputs.table(t);
        let on_tickets = table.kind == Kind::Tickets;
        let score_col = inputs.require_column(t, "csat_score")?;
        let raw = ctx.raw();
        let scores = inputs.numbers(t, score_col, raw);
        let (things, date_field) = if on_tickets {
            ("closed tickets", "closed_at")
        } else {
            ("CSAT responses", "submitted_at")
        };
        let dates = inputs
            .column(t, date_field)
            .map(|c| inputs.dates(t, c, raw));
        let in_scope: Box<dyn Fn(usize) -> bool> = if on_tickets {
            // A ticket is closed when it has a close date or a status saying so.
            let status = inputs
                .column(t, "status")
                .map(|c| inputs.classify(t, c, super::input::says_closed));
            let closed_at = inputs.column(t, "closed_at");
            Box::new(move |r| {
                closed_at.is_some_and(|c| !inputs.is_missing(t, c, r))
                    || status.as_ref().is_some_and(|s| s.get(r))
            })
        } else {
            Box::new(super::nps::responses_of(ctx, t, "csat", score_col))
        };

        let mean_variant = ctx.variant == "mean";
        let mut tally = Tally::default();
        let mut values = Vec::new();
        let (mut missing, mut invalid, mut undated, mut merged) = (0, 0, 0, 0);
        let mut scope = Vec::new();
        for r in 0..table.rows() {
            if !in_scope(r) {
                continue;
            }
            if ctx.is_surplus(t, r) {
                merged += 1;
                continue;
            }
            let member = match &dates {
                Some(d) => ctx.member(d.get(r)),
                None => Member::In,
            };
            if member == Member::Out {
                continue;
            }
            scope.push(r);
            if member == Member::Unknown {
                undated += 1;
            }
            let score = scores.get(r);
            match score {
                Value::Missing => missing += 1,
                Value::Invalid => invalid += 1,
                Value::Ok(_) => {}
            }
            let top = score.ok().map(|s| s >= TOP_TWO);
            match (member, top) {
                (Member::In, Some(true)) => tally.successes += 1,
                (Member::In, Some(false)) => tally.failures += 1,
                (Member::In, None) => tally.unknown_outcome += 1,
                (_, Some(true)) => tally.maybe_successes += 1,
                (_, Some(false)) => tally.maybe_failures += 1,
                (_, None) => tally.maybe_unknown += 1,
            }
            if member == Member::In
                && let Some(s) = score.ok()
            {
                values.push(s);
            }
        }
        if tally.n() == 0 {
            return Err(format!(
                "no {things} with a score in table {} for {}",
                table.name,
                ctx.period.describe()
            ));
        }
        let mut fields = vec![ctx.field(&scores, &scope)];
        if let Some(d) = &dates {
            fields.push(ctx.field(d, &scope));
        }
        let mut notes = Vec::new();
        let unanswered = if on_tickets {
            "satisfaction score"
        } else {
            "score in 1-5"
        };
        let (value, ci, dq, method, unit_value) = if mean_variant {
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let unknown = tally.unknown_outcome + tally.maybe_unknown;
            let total = values.len() + unknown;
            let sum: f64 = values.iter().sum();
            let dq = Bounds::new(
                (sum + unknown as f64 * SCALE.0) / total as f64,
                (sum + unknown as f64 * SCALE.1) / total as f64,
            );
            let ci = if ctx.intervals() {
                t_interval::t_interval(&values, ctx.level())
            } else {
                None
            };
            (mean, ci, dq, "t", "points")
        } else {
            let share = tally.share().unwrap_or(0.0) * 100.0;
            let ci = ctx
                .intervals()
                .then(|| wilson::wilson(tally.successes, tally.n(), ctx.level()).scale(100.0));
            (share, ci, tally.bounds().scale(100.0), "wilson", "percent")
        };
        if let Some(note) = fault_note(missing, invalid, scope.len(), things, unanswered) {
            // The issue's sentence: "825 of 2,000 tickets have no satisfaction score: CSAT
            // 66.3% among responders, between 39.0% and 80.2% over all tickets".
            notes.push(format!(
                "{note}: CSAT {} among responders, between {} over all {things}.",
                format::with_unit(value, unit_value),
                format::between(dq.low, dq.high, unit_value)
            ));
        }
        if undated > 0 {
            notes.push(format!(
                "{} have no readable {date_field} and may fall outside the period.",
                format::plural(undated, "record", "records")
            ));
        }
        if merged > 0 {
            notes.push(format!(
                "{} duplicated another (same id) and counted once.",
                format::plural(merged, "record", "records")
            ));
        }
        Ok(Estimate {
            value,
            n: tally.n(),
            n_of: if on_tickets {
                "scored tickets".into()
            } else {
                "CSAT responses".into()
            },
            ci,
            method: method.into(),
            dq,
            limits: if mean_variant {
                Bounds::new(SCALE.0, SCALE.1)
            } else {
                SHARE
            },
            scope: scope.len(),
            usable: tally.n(),
            fields,
            notes,
            period_applied: true,
        })
    }
}
