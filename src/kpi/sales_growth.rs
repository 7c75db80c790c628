//! Sales growth: won amount closed in the period over the won amount closed in the previous
//! period of the same length, minus one. The interval is a seeded bootstrap over accounts (an
//! account's deals in both periods travel together).

use foldhash::{HashMap, HashMapExt};

use super::input::Value;
use super::stats::{Bounds, bootstrap};
use super::{Ctx, Estimate, Kpi, fault_note, format};
use crate::kind::Kind;

pub struct SalesGrowth;

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Current,
    Previous,
    Neither,
    Unknown,
}

impl Kpi for SalesGrowth {
    fn id(&self) -> &'static str {
        "sales_growth"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let previous = ctx.period.previous(ctx.as_of).ok_or(
            "growth compares a period with the one before, and `all` has none: pass --period (e.g. 2024 or last-365d)",
        )?;
        let t = ctx
            .source_table()
            .or_else(|| inputs.table_with(Kind::Deals, &["amount", "close_date"]))
            .ok_or("no deals table with amount and close_date")?;
        let table = inputs.table(t);
        let raw = ctx.raw();
        let amounts = inputs.numbers(t, inputs.column(t, "amount").expect("checked"), raw);
        let close = inputs.dates(t, inputs.column(t, "close_date").expect("checked"), raw);
        let won = inputs
            .column(t, "is_won")
            .map(|c| inputs.booleans(t, c, raw));
        let closed = inputs
            .column(t, "is_closed")
            .map(|c| inputs.booleans(t, c, raw));
        let stage = inputs.column(t, "stage");
        let stages = stage.map(|c| inputs.classify(t, c, super::win_rate::stage_says));
        if won.is_none() && stage.is_none() {
            return Err(format!("table {} has neither is_won nor stage", table.name));
        }
        let account = inputs.column(t, "account_id");
        let valid: Vec<f64> = (0..table.rows())
            .filter_map(|r| amounts.get(r).ok())
            .collect();
        let (min, max) = valid.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &a| {
            (lo.min(a), hi.max(a))
        });
        let mut index: HashMap<(&str, u32), usize> = HashMap::new();
        let mut units: Vec<[f64; 2]> = Vec::new();
        let mut low = [0.0f64; 2];
        let mut high = [0.0f64; 2];
        let mut scope = Vec::new();
        let (mut bad_amount, mut bad_date, mut unknown_won, mut merged) = (0, 0, 0, 0);
        let mut missing_amount = 0;
        for r in 0..table.rows() {
            let (_, is_won) = super::win_rate::closed_won(
                closed.as_ref().map(|v| v.get(r)),
                won.as_ref().map(|v| v.get(r)),
                stages.as_ref().map(|v| v.get(r)),
            );
            if is_won == Value::Ok(false) {
                continue;
            }
            if ctx.is_surplus(t, r) {
                merged += 1;
                continue;
            }
            let side = match close.get(r) {
                Value::Ok(d) if ctx.period.contains(d) => Side::Current,
                Value::Ok(d) if previous.contains(d) => Side::Previous,
                Value::Ok(_) => Side::Neither,
                _ => Side::Unknown,
            };
            if side == Side::Neither {
                continue;
            }
            scope.push(r);
            let amount = amounts.get(r).ok();
            let sure_won = is_won == Value::Ok(true);
            if !sure_won {
                unknown_won += 1;
            }
            match amounts.get(r) {
                Value::Missing => missing_amount += 1,
                Value::Invalid => bad_amount += 1,
                Value::Ok(_) => {}
            }
            if side == Side::Unknown {
                bad_date += 1;
            }
            match (side, sure_won, amount) {
                (Side::Current | Side::Previous, true, Some(a)) => {
                    let k = (side == Side::Previous) as usize;
                    let key = inputs.group_key(t, account, r);
                    let next = units.len();
                    let slot = *index.entry(key).or_insert(next);
                    if slot == next {
                        units.push([0.0; 2]);
                    }
                    units[slot][k] += a;
                    low[k] += a;
                    high[k] += a;
                }
                // Low growth: doubtful revenue goes to the previous period, or nowhere;
                // high growth: to the current one.
                (Side::Current, true, None) => {
                    low[0] += min;
                    high[0] += max;
                }
                (Side::Previous, true, None) => {
                    low[1] += max;
                    high[1] += min;
                }
                (Side::Current, false, a) => high[0] += a.unwrap_or(max),
                (Side::Previous, false, a) => low[1] += a.unwrap_or(max),
                (_, _, a) => {
                    low[1] += a.unwrap_or(max);
                    high[0] += a.unwrap_or(max);
                }
            }
        }
        let sums = units
            .iter()
            .fold([0.0; 2], |acc, u| [acc[0] + u[0], acc[1] + u[1]]);
        if sums[1] <= 0.0 {
            return Err(format!(
                "no won revenue closed in the previous period ({} to {}) to grow from",
                previous.start, previous.end
            ));
        }
        let growth = |s: &[f64; 2]| (s[1] > 0.0).then(|| 100.0 * (s[0] / s[1] - 1.0));
        let value = growth(&sums).expect("previous revenue is positive");
        let mut notes = vec![format!(
            "Won {} in {} against {} in {} to {}.",
            format::value(sums[0], "currency"),
            ctx.period.describe(),
            format::value(sums[1], "currency"),
            previous.start,
            previous.end
        )];
        if let Some(note) = fault_note(
            missing_amount,
            bad_amount,
            scope.len(),
            "won deals",
            "amount",
        ) {
            notes.push(format!("{note} (missing or flagged, e.g. negative): bounded by the smallest and largest amount seen."));
        }
        if bad_date > 0 {
            notes.push(format!(
                "{} no readable close date: the bounds put them in the previous period and in this one.",
                format::plural(bad_date, "won deal has", "won deals have")
            ));
        }
        if unknown_won > 0 {
            notes.push(format!(
                "{} neither won nor lost: won for one bound, lost for the other.",
                format::plural(unknown_won, "deal says", "deals say")
            ));
        }
        if merged > 0 {
            notes.push(format!(
                "{} duplicated another (same id) and counted once.",
                format::plural(merged, "deal", "deals")
            ));
        }
        let ci = if ctx.intervals() {
            bootstrap::bootstrap(
                &units,
                ctx.shared.bootstrap_samples,
                ctx.shared.seed,
                ctx.level(),
                |s, _| growth(s),
            )
        } else {
            None
        };
        let fields = vec![ctx.field(&amounts, &scope), ctx.field(&close, &scope)];
        Ok(Estimate {
            value,
            n: units.len(),
            n_of: "accounts".into(),
            ci,
            method: format!(
                "bootstrap over accounts ({} samples, seed {})",
                ctx.shared.bootstrap_samples, ctx.shared.seed
            ),
            dq: Bounds::new(
                growth(&low).unwrap_or(f64::NEG_INFINITY),
                growth(&high).unwrap_or(f64::INFINITY),
            ),
            limits: Bounds::new(-100.0, f64::INFINITY),
            scope: scope.len(),
            usable: scope.len()
                - (missing_amount + bad_amount + bad_date + unknown_won).min(scope.len()),
            fields,
            notes,
            period_applied: true,
        })
    }
}
