//! Customer lifetime value. Default (`churn_based`): average MRR per active account x gross
//! margin / monthly churn rate (churned accounts per account-month of exposure), the textbook
//! ARPA x margin / churn. Variant `cohort`: the mean revenue an account brought in over its
//! first `horizon_months`, among accounts old enough to have had them. Both intervals are a
//! seeded bootstrap over accounts.

use foldhash::{HashMap, HashMapExt};

use super::input::Value;
use super::stats::{Bounds, bootstrap};
use super::subscriptions::{self, End};
use super::{Ctx, Estimate, Kpi, NONNEGATIVE, format};

pub struct Clv;

fn margin(ctx: &Ctx) -> f64 {
    ctx.settings.margin.or(ctx.def.margin).unwrap_or(1.0)
}

impl Kpi for Clv {
    fn id(&self) -> &'static str {
        "clv"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let book = subscriptions::book(ctx)?;
        let account_col = ctx.inputs.column(book.table, "account_id");
        let account = |r: usize| ctx.inputs.group_key(book.table, account_col, r);
        let margin = margin(ctx);
        let mut notes = Vec::new();
        if margin < 1.0 {
            notes.push(format!("Gross margin {:.0}% applied.", margin * 100.0));
        } else {
            notes.push("No gross margin configured ([kpis.clv] margin): this is revenue, not profit, per customer.".into());
        }
        let mut index: HashMap<(&str, u32), usize> = HashMap::new();
        let mut scope = Vec::new();
        let mrr_seen: Vec<f64> = book.customers.iter().filter_map(|c| c.mrr.ok()).collect();
        let (min, max) = mrr_seen
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), &m| {
                (lo.min(m), hi.max(m))
            });
        if mrr_seen.is_empty() {
            return Err(format!(
                "table {} has no MRR values",
                ctx.table_name(book.table)
            ));
        }

        if ctx.variant == "cohort" {
            let horizon = ctx
                .settings
                .horizon_months
                .or(ctx.def.horizon_months)
                .unwrap_or(24) as f64;
            let mut units: Vec<[f64; 2]> = Vec::new();
            let (mut low_sum, mut high_sum, mut unknown, mut young) = (0.0, 0.0, 0, 0);
            if !book.dated {
                return Err(format!(
                    "cohort CLV needs start dates to know which accounts are {horizon} months old; table {} has none",
                    ctx.table_name(book.table)
                ));
            }
            for c in &book.customers {
                // Months observed (start to end or the as-of date) and age (start to as-of).
                let (months, age) = match (c.start, c.end) {
                    (Value::Ok(s), End::Ended(e)) => (
                        super::input::days_between(s, e.min(ctx.as_of)),
                        super::input::days_between(s, ctx.as_of),
                    ),
                    (Value::Ok(s), End::Active) => {
                        let d = super::input::days_between(s, ctx.as_of);
                        (d, d)
                    }
                    _ => {
                        unknown += 1;
                        continue;
                    }
                };
                let (months, age) = (
                    months / subscriptions::DAYS_PER_MONTH,
                    age / subscriptions::DAYS_PER_MONTH,
                );
                // Old enough: started at least the horizon before the as-of date, whether it
                // has ended since or not (leaving out only the young keeps the cohort whole).
                if age < horizon {
                    young += 1;
                    continue;
                }
                scope.push(c.record);
                let span = months.min(horizon);
                let key = account(c.record);
                let next = units.len();
                let slot = *index.entry(key).or_insert(next);
                if slot == next {
                    units.push([0.0, 1.0]);
                }
                match c.mrr.ok() {
                    Some(m) => {
                        units[slot][0] += m * span * margin;
                        low_sum += m * span * margin;
                        high_sum += m * span * margin;
                    }
                    None => {
                        unknown += 1;
                        low_sum += min * span * margin;
                        high_sum += max * span * margin;
                    }
                }
            }
            if units.is_empty() {
                return Err(format!(
                    "no account is {} months old yet (or has ended) to measure its first {} months",
                    horizon, horizon
                ));
            }
            let n = units.len();
            let total: f64 = units.iter().map(|u| u[0]).sum();
            let value = total / n as f64;
            notes.push(format!(
                "{} old enough for a {horizon:.0}-month horizon; {} younger left out.",
                format::plural(n, "account", "accounts"),
                format::count(young)
            ));
            if unknown > 0 {
                notes.push(format!(
                    "{} no readable MRR or start date: bounded by the smallest and largest MRR seen.",
                    format::plural(unknown, "subscription has", "subscriptions have")
                ));
            }
            let ci = if ctx.intervals() {
                bootstrap::bootstrap(
                    &units,
                    ctx.shared.bootstrap_samples,
                    ctx.shared.seed,
                    ctx.level(),
                    |s, _| (s[1] > 0.0).then(|| s[0] / s[1]),
                )
            } else {
                None
            };
            let fields = book.fields(ctx, &scope);
            return Ok(Estimate {
                value,
                n,
                n_of: "accounts".into(),
                ci,
                method: format!(
                    "bootstrap over accounts ({} samples, seed {})",
                    ctx.shared.bootstrap_samples, ctx.shared.seed
                ),
                dq: Bounds::new(low_sum / n as f64, high_sum / n as f64),
                limits: NONNEGATIVE,
                scope: scope.len(),
                usable: scope.len().saturating_sub(unknown),
                fields,
                notes,
                period_applied: book.dated,
            });
        }

        // [MRR of active accounts, active accounts, churn events, months of exposure]
        let mut units: Vec<[f64; 4]> = Vec::new();
        let mut low = [0.0; 4];
        let mut high = [0.0; 4];
        let mut unknown = 0;
        let max_exposure = book
            .customers
            .iter()
            .filter_map(|c| c.exposure(ctx, book.dated).map(|e| e.0))
            .fold(0.0f64, f64::max);
        for c in &book.customers {
            if let Value::Ok(s) = c.start
                && s > ctx.as_of
            {
                continue;
            }
            scope.push(c.record);
            let active = match c.end {
                End::Active => Some(true),
                End::Ended(d) => Some(d > ctx.as_of),
                End::EndedUnknown => Some(false),
                End::Unknown => None,
            };
            let exposure = c.exposure(ctx, book.dated);
            let mrr = c.mrr.ok();
            let key = account(c.record);
            let next = units.len();
            let slot = *index.entry(key).or_insert(next);
            if slot == next {
                units.push([0.0; 4]);
            }
            let known = matches!((active, exposure, mrr), (Some(_), Some(_), Some(_)));
            if !known {
                unknown += 1;
            }
            if let (Some(a), Some((months, churned)), Some(m)) = (active, exposure, mrr) {
                let u = [
                    if a { m } else { 0.0 },
                    a as u8 as f64,
                    churned as u8 as f64,
                    months,
                ];
                for k in 0..4 {
                    units[slot][k] += u[k];
                    low[k] += u[k];
                    high[k] += u[k];
                }
                continue;
            }
            // Low: an unknown outcome churned, no exposure, the smallest MRR; high: active,
            // the longest exposure seen, the largest MRR.
            let (lm, hm) = (mrr.unwrap_or(min), mrr.unwrap_or(max));
            let (l_active, h_active) = (active.unwrap_or(false), active.unwrap_or(true));
            let (l_exp, l_churn) = exposure.unwrap_or((0.0, true));
            let (h_exp, h_churn) = exposure.unwrap_or((max_exposure, false));
            low[0] += if l_active { lm } else { 0.0 };
            low[1] += l_active as u8 as f64;
            low[2] += l_churn as u8 as f64;
            low[3] += l_exp;
            high[0] += if h_active { hm } else { 0.0 };
            high[1] += h_active as u8 as f64;
            high[2] += h_churn as u8 as f64;
            high[3] += h_exp;
        }
        let stat = move |s: &[f64; 4], _: usize| -> Option<f64> {
            (s[1] > 0.0 && s[2] > 0.0 && s[3] > 0.0).then(|| (s[0] / s[1]) * margin / (s[2] / s[3]))
        };
        let sums = units.iter().fold([0.0; 4], |mut acc, u| {
            for k in 0..4 {
                acc[k] += u[k];
            }
            acc
        });
        if sums[2] == 0.0 {
            return Err(
                "no customer churned, so the monthly churn rate is 0 and the lifetime is unbounded"
                    .into(),
            );
        }
        let value = stat(&sums, units.len()).ok_or("no active customer with an MRR to average")?;
        notes.push(format!(
            "Average MRR {} over {}; monthly churn {:.2}% ({} churned over {} account-months).",
            format::value(sums[0] / sums[1], "currency"),
            format::plural(sums[1] as usize, "active account", "active accounts"),
            100.0 * sums[2] / sums[3],
            format::count(sums[2] as usize),
            format::count(sums[3].round() as usize)
        ));
        if unknown > 0 {
            notes.push(format!(
                "{} an unreadable MRR, start, tenure or outcome: bounded at their own worst (churned, no exposure, the smallest MRR) and best.",
                format::plural(unknown, "subscription has", "subscriptions have")
            ));
        }
        if book.merged > 0 {
            notes.push(format!(
                "{} duplicated another (same id) and counted once.",
                format::plural(book.merged, "subscription", "subscriptions")
            ));
        }
        let dq = Bounds::new(
            stat(&low, units.len()).unwrap_or(0.0),
            stat(&high, units.len()).unwrap_or(f64::INFINITY),
        );
        let ci = if ctx.intervals() {
            bootstrap::bootstrap(
                &units,
                ctx.shared.bootstrap_samples,
                ctx.shared.seed,
                ctx.level(),
                stat,
            )
        } else {
            None
        };
        let fields = book.fields(ctx, &scope);
        Ok(Estimate {
            value,
            n: units.len(),
            n_of: "accounts".into(),
            ci,
            method: format!(
                "bootstrap over accounts ({} samples, seed {})",
                ctx.shared.bootstrap_samples, ctx.shared.seed
            ),
            dq,
            limits: NONNEGATIVE,
            scope: scope.len(),
            usable: scope.len() - unknown,
            fields,
            notes,
            period_applied: book.dated,
        })
    }
}
