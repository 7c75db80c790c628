//! Customer retention: customers active at the period start still active at its end,
//! (E - N) / S (Wilson). Variant `revenue`: gross revenue retention, the MRR of those retained
//! over the MRR at the start (delta method).

use super::churn::{base_note, revenue_estimate, tally, uncertainty_notes};
use super::proportion::Tally;
use super::stats::wilson;
use super::subscriptions;
use super::{Ctx, Estimate, Kpi, SHARE, format};

pub struct Retention;

impl Kpi for Retention {
    fn id(&self) -> &'static str {
        "retention"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let book = subscriptions::book(ctx)?;
        let mut notes = Vec::new();
        if ctx.variant == "revenue" {
            return revenue_estimate(ctx, &book, false, notes);
        }
        let (churn, scope) = tally(ctx, &book);
        // Retained is churn's failure: swap the sides.
        let t = Tally {
            successes: churn.failures,
            failures: churn.successes,
            unknown_outcome: churn.unknown_outcome,
            maybe_successes: churn.maybe_failures,
            maybe_failures: churn.maybe_successes,
            maybe_unknown: churn.maybe_unknown,
        };
        let share = t.share().ok_or_else(|| {
            format!(
                "no customer of table {} was active at the start of {}",
                ctx.table_name(book.table),
                ctx.period.describe()
            )
        })?;
        notes.push(format!(
            "{} of {} retained.",
            format::count(t.successes),
            format::plural(t.n(), "customer", "customers"),
        ));
        notes.push(base_note(ctx, &book, "retention"));
        uncertainty_notes(&churn, book.merged, &mut notes);
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
