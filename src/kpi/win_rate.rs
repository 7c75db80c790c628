//! Win rate: won deals / closed deals, closed in the period (by close date). Variant `value`:
//! won amount / closed amount.

use super::input::Value;
use super::proportion::Tally;
use super::stats::{Bounds, delta, wilson};
use super::{Ctx, Estimate, Member, SHARE, fault_note, format};
use crate::kind::Kind;

pub struct WinRate;

/// What a stage name says: closed? won? (`Closed Won`, `Closed Lost`, `Won`, `Lost`); `None`
/// where it says nothing (an open stage says closed = false, won = unknown).
pub(super) fn stage_says(stage: &str) -> (Option<bool>, Option<bool>) {
    let s = stage.trim();
    if crate::normalize::text::is_missing(s) {
        return (None, None);
    }
    let lower = s.to_ascii_lowercase();
    let closed = lower.starts_with("closed") || lower == "won" || lower == "lost";
    (Some(closed), closed.then(|| lower.contains("won")))
}

/// Whether a deal is closed and whether it is won, from the flags, else from the stage name.
pub(super) fn closed_won(
    closed: Option<Value<bool>>,
    won: Option<Value<bool>>,
    stage: Option<(Option<bool>, Option<bool>)>,
) -> (Value<bool>, Value<bool>) {
    let (stage_closed, stage_won) = stage.unwrap_or((None, None));
    let is_closed = match closed {
        Some(Value::Ok(b)) => Value::Ok(b),
        other => match stage_closed {
            Some(b) => Value::Ok(b),
            None => other.unwrap_or(Value::Missing),
        },
    };
    let is_won = match won {
        Some(Value::Ok(b)) => Value::Ok(b),
        other => match stage_won {
            Some(b) => Value::Ok(b),
            None => other.unwrap_or(Value::Missing),
        },
    };
    (is_closed, is_won)
}

impl super::Kpi for WinRate {
    fn id(&self) -> &'static str {
        "win_rate"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let t = ctx
            .source_table()
            .or_else(|| inputs.tables_of(Kind::Deals).first().copied())
            .ok_or("no deals table")?;
        let table = inputs.table(t);
        let closed_col = inputs.column(t, "is_closed");
        let won_col = inputs.column(t, "is_won");
        let stage_col = inputs.column(t, "stage");
        if won_col.is_none() && stage_col.is_none() {
            return Err(format!(
                "table {} has neither is_won nor stage, so won deals cannot be told",
                table.name
            ));
        }
        let close_col = inputs.require_column(t, "close_date")?;
        let raw = ctx.raw();
        let closed = closed_col.map(|c| inputs.booleans(t, c, raw));
        let stages = stage_col.map(|c| inputs.classify(t, c, stage_says));
        let won = won_col.map(|c| inputs.booleans(t, c, raw));
        let close = inputs.dates(t, close_col, raw);
        let amount_col = inputs.column(t, "amount");
        let amounts = amount_col.map(|c| inputs.numbers(t, c, raw));
        let by_value = ctx.variant == "value";
        if by_value && amounts.is_none() {
            return Err(format!("table {} has no amount", table.name));
        }

        let mut tally = Tally::default();
        let mut scope = Vec::new();
        let (mut bad_dates, mut unknown_won, mut merged) = (0, 0, 0);
        // by value: (won amount, closed amount) per deal, and the uncertain ones.
        let mut units: Vec<(f64, f64)> = Vec::new();
        let mut amount_faults = 0;
        let mut uncertain_value: Vec<(bool, Option<bool>, Option<f64>)> = Vec::new();
        for r in 0..table.rows() {
            let (is_closed, is_won) = closed_won(
                closed.as_ref().map(|v| v.get(r)),
                won.as_ref().map(|v| v.get(r)),
                stages.as_ref().map(|v| v.get(r)),
            );
            if is_closed != Value::Ok(true) {
                continue;
            }
            if ctx.is_surplus(t, r) {
                merged += 1;
                continue;
            }
            let member = ctx.member(close.get(r));
            if member == Member::Out {
                continue;
            }
            if member == Member::Unknown {
                bad_dates += 1;
            }
            scope.push(r);
            let outcome = is_won.ok();
            if outcome.is_none() {
                unknown_won += 1;
            }
            match (member, outcome) {
                (Member::In, Some(true)) => tally.successes += 1,
                (Member::In, Some(false)) => tally.failures += 1,
                (Member::In, None) => tally.unknown_outcome += 1,
                (_, Some(true)) => tally.maybe_successes += 1,
                (_, Some(false)) => tally.maybe_failures += 1,
                (_, None) => tally.maybe_unknown += 1,
            }
            if let Some(amounts) = &amounts {
                let amount = amounts.get(r).ok();
                if amount.is_none() {
                    amount_faults += 1;
                }
                match (member, outcome, amount) {
                    (Member::In, Some(w), Some(a)) => units.push((if w { a } else { 0.0 }, a)),
                    _ => uncertain_value.push((member == Member::In, outcome, amount)),
                }
            }
        }
        let mut notes = Vec::new();
        if let Some(note) = fault_note(0, bad_dates, scope.len(), "closed deals", "close date") {
            notes.push(format!(
                "{note}: each could fall inside the period or outside, which the bounds allow for."
            ));
        }
        if unknown_won > 0 {
            notes.push(format!(
                "{} closed deals say neither won nor lost: counted as lost for the lower bound and won for the upper.",
                format::count(unknown_won)
            ));
        }
        for v in [&closed, &won].into_iter().flatten() {
            if let Some(n) = super::input::empty_false_note(table, v) {
                notes.push(n);
            }
        }
        if merged > 0 {
            notes.push(format!(
                "{} merged with another record of the same deal (duplicate ids) and counted once.",
                format::plural(merged, "closed deal was", "closed deals were")
            ));
        }
        let mut fields = Vec::new();
        if let Some(v) = &closed {
            fields.push(ctx.field(v, &scope));
        }
        if let Some(v) = &won {
            fields.push(ctx.field(v, &scope));
        }
        fields.push(ctx.field(&close, &scope));
        if let Some(v) = &amounts
            && by_value
        {
            fields.push(ctx.field(v, &scope));
        }
        let usable = scope.len()
            - tally.uncertain()
            - if by_value { amount_faults } else { 0 }.min(tally.n());

        if by_value {
            let won_sum: f64 = units.iter().map(|u| u.0).sum();
            let closed_sum: f64 = units.iter().map(|u| u.1).sum();
            if closed_sum <= 0.0 {
                return Err("no closed deal in the period has an amount".into());
            }
            let value = 100.0 * won_sum / closed_sum;
            let valid: Vec<f64> = units.iter().map(|u| u.1).collect();
            let (min, max) = valid.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &a| {
                (lo.min(a), hi.max(a))
            });
            // Each uncertain deal at its own worst and best: an unknown amount is the smallest
            // or the largest seen, whichever hurts (or helps); a deal that may be outside the
            // period is left out where that hurts (or helps).
            let (mut lw, mut lc, mut hw, mut hc) = (won_sum, closed_sum, won_sum, closed_sum);
            for &(member_in, outcome, amount) in &uncertain_value {
                match outcome {
                    Some(true) => {
                        if member_in {
                            lw += amount.unwrap_or(min);
                            lc += amount.unwrap_or(min);
                        }
                        hw += amount.unwrap_or(max);
                        hc += amount.unwrap_or(max);
                    }
                    Some(false) => {
                        lc += amount.unwrap_or(max);
                        if member_in {
                            hc += amount.unwrap_or(min);
                        }
                    }
                    None => {
                        lc += amount.unwrap_or(max);
                        hw += amount.unwrap_or(max);
                        hc += amount.unwrap_or(max);
                    }
                }
            }
            if amount_faults > 0 {
                notes.push(format!(
                    "{} closed deals have no valid amount (missing or flagged, e.g. negative): each is bounded by the largest amount seen.",
                    format::count(amount_faults)
                ));
            }
            let ci = if ctx.intervals() {
                delta::ratio_interval(&units, ctx.level()).map(|(_, b)| b.scale(100.0))
            } else {
                None
            };
            return Ok(Estimate {
                value,
                n: units.len(),
                n_of: "closed deals".into(),
                ci: ci.map(|b| Bounds::new(b.low.max(0.0), b.high.min(100.0))),
                method: "delta method over deals".into(),
                dq: Bounds::new(100.0 * lw / lc, 100.0 * hw / hc),
                limits: SHARE,
                scope: scope.len(),
                usable,
                fields,
                notes,
                period_applied: true,
            });
        }

        let share = tally.share().ok_or_else(|| {
            format!(
                "no deal of table {} closed in the period {}",
                table.name, ctx.period.label
            )
        })?;
        if tally.n() > 0 {
            notes.insert(
                0,
                format!(
                    "{} of {} closed in {} were won.",
                    format::count(tally.successes),
                    format::plural(tally.n(), "deal", "deals"),
                    ctx.period.describe()
                ),
            );
        }
        Ok(Estimate {
            value: 100.0 * share,
            n: tally.n(),
            n_of: "closed deals".into(),
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
