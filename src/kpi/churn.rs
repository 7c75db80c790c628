//! Churn: customers active at the period start who churned during it, over those active at the
//! start (Wilson). Variants: `exposure`, churned customers per 100 customer-months (exact
//! Poisson); `revenue`, the MRR of the churned over the MRR at the start (delta method). Without
//! dates (a snapshot such as the Telco file) churn is the share flagged churned.

use super::proportion::Tally;
use super::stats::{Bounds, delta, poisson, wilson};
use super::subscriptions::{self, Standing};
use super::{Ctx, Estimate, Kpi, NONNEGATIVE, SHARE, format};

pub struct Churn;

/// Customers by standing, shared with retention (whose success is the churn's failure).
pub(super) fn tally(ctx: &Ctx, book: &subscriptions::Book) -> (Tally, Vec<usize>) {
    let mut t = Tally::default();
    let mut scope = Vec::new();
    for c in &book.customers {
        let standing = c.standing(ctx, book.dated);
        match standing {
            Standing::Outside => continue,
            Standing::Churned => t.successes += 1,
            Standing::Retained => t.failures += 1,
            Standing::UnknownOutcome => t.unknown_outcome += 1,
            Standing::Maybe(Some(true)) => t.maybe_successes += 1,
            Standing::Maybe(Some(false)) => t.maybe_failures += 1,
            Standing::Maybe(None) => t.maybe_unknown += 1,
        }
        scope.push(c.record);
    }
    (t, scope)
}

/// "Without dates" / "under all" wording of what was counted.
pub(super) fn base_note(ctx: &Ctx, book: &subscriptions::Book, what: &str) -> String {
    if !book.dated {
        format!(
            "Table {} has no start dates, so {what} is the share of all customers flagged churned or not (a snapshot, not a rate per period).",
            ctx.table_name(book.table)
        )
    } else if ctx.period.is_all() {
        format!(
            "Under the period `all`, {what} counts every customer who started by {} and whether it had ended by then; pass --period for a rate over a period.",
            ctx.as_of
        )
    } else {
        let mut chars = what.chars();
        let what: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        format!(
            "{what} counts the customers active on {} (started before, not ended) and what became of them by {}.",
            ctx.period.start, ctx.period.end
        )
    }
}

pub(super) fn uncertainty_notes(tally: &Tally, merged: usize, notes: &mut Vec<String>) {
    let unknown = tally.unknown_outcome + tally.maybe_unknown;
    if unknown > 0 {
        notes.push(format!(
            "{} neither a churn flag nor an end date that can be read: churned for one bound, retained for the other.",
            format::plural(unknown, "customer has", "customers have")
        ));
    }
    let doubtful = tally.maybe_successes + tally.maybe_failures;
    if doubtful > 0 {
        notes.push(format!(
            "{} no readable start date (or an end without a date) and may not have been a customer at the period start.",
            format::plural(doubtful, "customer has", "customers have")
        ));
    }
    if merged > 0 {
        notes.push(format!(
            "{} duplicated another (same id) and counted once.",
            format::plural(merged, "subscription", "subscriptions")
        ));
    }
}

pub(super) struct RevenueShare {
    pub value: f64,
    pub ci: Option<Bounds>,
    pub dq: Bounds,
    /// Customers with a known MRR and outcome.
    pub n: usize,
    pub uncertain: usize,
    pub scope: Vec<usize>,
}

/// The revenue variant of churn (`churned_share`) and of retention: the MRR share with its
/// notes, as one estimate.
pub(super) fn revenue_estimate(
    ctx: &Ctx,
    book: &subscriptions::Book,
    churned_share: bool,
    mut notes: Vec<String>,
) -> Result<Estimate, String> {
    let RevenueShare {
        value,
        ci,
        dq,
        n,
        uncertain,
        scope,
    } = revenue_share(ctx, book, churned_share)?;
    let what = if churned_share {
        "revenue churn"
    } else {
        "revenue retention"
    };
    notes.push(base_note(ctx, book, what));
    if uncertain > 0 {
        notes.push(format!(
            "{} an MRR, a start or an outcome that cannot be read: each is bounded at its own worst and best.",
            format::plural(uncertain, "customer lacks", "customers lack")
        ));
    }
    let fields = book.fields(ctx, &scope);
    Ok(Estimate {
        value,
        n,
        n_of: "customers".into(),
        ci,
        method: "delta method over accounts".into(),
        dq,
        limits: SHARE,
        scope: scope.len(),
        usable: n,
        fields,
        notes,
        period_applied: book.dated,
    })
}

/// MRR churned (or retained) over MRR at the start, each uncertain customer at its own worst
/// and best; an unknown MRR is the smallest or largest seen.
pub(super) fn revenue_share(
    ctx: &Ctx,
    book: &subscriptions::Book,
    churned_share: bool,
) -> Result<RevenueShare, String> {
    let mut units = Vec::new();
    let mut uncertain: Vec<(Standing, Option<f64>)> = Vec::new();
    let mut scope = Vec::new();
    for c in &book.customers {
        let s = c.standing(ctx, book.dated);
        if s == Standing::Outside {
            continue;
        }
        scope.push(c.record);
        let mrr = c.mrr.ok();
        match (s, mrr) {
            (Standing::Churned, Some(m)) => units.push((if churned_share { m } else { 0.0 }, m)),
            (Standing::Retained, Some(m)) => units.push((if churned_share { 0.0 } else { m }, m)),
            _ => uncertain.push((s, mrr)),
        }
    }
    let (num, den): (f64, f64) = units
        .iter()
        .fold((0.0, 0.0), |(a, b), u| (a + u.0, b + u.1));
    if den <= 0.0 {
        return Err(format!(
            "no customer active at the period start has an MRR in table {}",
            ctx.table_name(book.table)
        ));
    }
    let (min, max) = units.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), u| {
        (lo.min(u.1), hi.max(u.1))
    });
    // Low: every uncertain customer counts against the share with the largest MRR seen where
    // its MRR is unknown; high: for it. "For" means churned for a churn share.
    let (mut ln, mut ld, mut hn, mut hd) = (num, den, num, den);
    for &(s, mrr) in &uncertain {
        let member_sure = !matches!(s, Standing::Maybe(_));
        let hits = match s {
            Standing::Churned | Standing::Maybe(Some(true)) => Some(churned_share),
            Standing::Retained | Standing::Maybe(Some(false)) => Some(!churned_share),
            _ => None,
        };
        match hits {
            Some(true) => {
                if member_sure {
                    ln += mrr.unwrap_or(min);
                    ld += mrr.unwrap_or(min);
                }
                hn += mrr.unwrap_or(max);
                hd += mrr.unwrap_or(max);
            }
            Some(false) => {
                ld += mrr.unwrap_or(max);
                if member_sure {
                    hd += mrr.unwrap_or(min);
                }
            }
            None => {
                ld += mrr.unwrap_or(max);
                hn += mrr.unwrap_or(max);
                hd += mrr.unwrap_or(max);
            }
        }
    }
    let ci = if ctx.intervals() {
        delta::ratio_interval(&units, ctx.level()).map(|(_, b)| b.scale(100.0))
    } else {
        None
    };
    Ok(RevenueShare {
        value: 100.0 * num / den,
        ci: ci.map(|b| Bounds::new(b.low.max(0.0), b.high.min(100.0))),
        dq: Bounds::new(100.0 * ln / ld, 100.0 * hn / hd),
        n: units.len(),
        uncertain: uncertain.len(),
        scope,
    })
}

impl Kpi for Churn {
    fn id(&self) -> &'static str {
        "churn"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let book = subscriptions::book(ctx)?;
        let mut notes = Vec::new();
        match ctx.variant {
            "exposure" => {
                let (mut events, mut months, mut unknown, mut unknown_events) = (0u64, 0.0, 0, 0);
                let mut scope = Vec::new();
                for c in &book.customers {
                    match c.exposure(ctx, book.dated) {
                        Some((m, churned)) if m > 0.0 || churned => {
                            months += m;
                            events += churned as u64;
                            scope.push(c.record);
                        }
                        Some(_) => {}
                        None => {
                            unknown += 1;
                            if matches!(
                                c.end,
                                subscriptions::End::Ended(_) | subscriptions::End::EndedUnknown
                            ) {
                                unknown_events += 1;
                            }
                            scope.push(c.record);
                        }
                    }
                }
                if months <= 0.0 {
                    return Err("no customer-months of exposure in the period (start dates or tenure missing)".into());
                }
                let rate = 100.0 * events as f64 / months;
                let period_months = ctx
                    .period
                    .days()
                    .map(|d| d as f64 / subscriptions::DAYS_PER_MONTH)
                    .unwrap_or(120.0);
                // Low: unknown customers add a full period of exposure and no churn; high: their
                // churns with no exposure at all.
                let dq = Bounds::new(
                    100.0 * events as f64 / (months + unknown as f64 * period_months),
                    100.0 * (events + unknown_events as u64) as f64 / months,
                );
                notes.push(format!(
                    "{} churned over {} customer-months of exposure.",
                    format::plural(events as usize, "customer", "customers"),
                    format::count(months.round() as usize)
                ));
                if unknown > 0 {
                    notes.push(format!(
                        "{} no readable start date or tenure, so no exposure: bounded by no exposure and a full period of it.",
                        format::plural(unknown, "customer has", "customers have")
                    ));
                }
                let fields = book.fields(ctx, &scope);
                return Ok(Estimate {
                    value: rate,
                    n: scope.len() - unknown,
                    n_of: "customers".into(),
                    ci: ctx
                        .intervals()
                        .then(|| poisson::rate_exact(events, months, ctx.level()).scale(100.0)),
                    method: "exact Poisson".into(),
                    dq,
                    limits: NONNEGATIVE,
                    usable: scope.len() - unknown,
                    scope: scope.len(),
                    fields,
                    notes,
                    period_applied: book.dated,
                });
            }
            "revenue" => {
                return revenue_estimate(ctx, &book, true, notes);
            }
            _ => {}
        }
        let (t, scope) = tally(ctx, &book);
        let share = t.share().ok_or_else(|| {
            format!(
                "no customer of table {} was active at the start of {}",
                ctx.table_name(book.table),
                ctx.period.describe()
            )
        })?;
        notes.push(format!(
            "{} of {} churned ({}).",
            format::count(t.successes),
            format::plural(t.n(), "customer", "customers"),
            format::value(100.0 * share, "percent")
        ));
        notes.push(base_note(ctx, &book, "churn"));
        uncertainty_notes(&t, book.merged, &mut notes);
        let fields = book.fields(ctx, &scope);
        Ok(Estimate {
            value: 100.0 * share,
            n: t.n(),
            n_of: "customers".into(),
            ci: ctx
                .intervals()
                .then(|| wilson::wilson(t.successes, t.n(), ctx.level()).scale(100.0)),
            method: "wilson".into(),
            dq: t.bounds().scale(100.0),
            limits: SHARE,
            scope: scope.len(),
            usable: t.n(),
            fields,
            notes,
            period_applied: book.dated,
        })
    }
}
