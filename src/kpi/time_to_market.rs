//! Time to market: the median days from a release's start to its release, for releases
//! started in the period. Work not released yet is censored at the as-of date (Kaplan-Meier).

use super::durations::Durations;
use super::input::{Value, days_between};
use super::{Ctx, Estimate, Kpi, Member, NONNEGATIVE, fault_note, format};
use crate::kind::Kind;

pub struct TimeToMarket;

impl Kpi for TimeToMarket {
    fn id(&self) -> &'static str {
        "time_to_market"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let t = ctx
            .source_table()
            .or_else(|| inputs.tables_of(Kind::Releases).first().copied())
            .ok_or("no releases table")?;
        let table = inputs.table(t);
        let raw = ctx.raw();
        let start_col = inputs.require_column(t, "started_at")?;
        let end_col = inputs.require_column(t, "released_at")?;
        let starts = inputs.dates(t, start_col, raw);
        let ends = inputs.dates(t, end_col, raw);
        let mut d = Durations::default();
        let mut scope = Vec::new();
        let (mut bad_start, mut bad_end, mut merged) = (0, 0, 0);
        for r in 0..table.rows() {
            if ctx.is_surplus(t, r) {
                merged += 1;
                continue;
            }
            let start = starts.get(r);
            if ctx.member(start) == Member::Out {
                continue;
            }
            scope.push(r);
            let Some(s) = start.ok() else {
                bad_start += 1;
                d.unknown += 1;
                continue;
            };
            match ends.get(r) {
                Value::Ok(e) if e <= ctx.as_of => d.push(days_between(s, e), true),
                Value::Ok(_) | Value::Missing => d.push(days_between(s, ctx.as_of).max(0.0), false),
                Value::Invalid => {
                    bad_end += 1;
                    d.unknown += 1;
                }
            }
        }
        let m = d.median(ctx.level(), ctx.intervals())?;
        let mut notes = vec![format!(
            "Median {} from start to release over {}.",
            format::with_unit(m.value, "days"),
            format::plural(d.known.len(), "release", "releases")
        )];
        if m.censored > 0 {
            notes.push(format!(
                "{} not released by {}: censored there (Kaplan-Meier), not dropped.",
                format::plural(m.censored, "release is", "releases are"),
                ctx.as_of
            ));
        }
        if let Some(note) = fault_note(0, bad_start, scope.len(), "releases", "start date") {
            notes.push(format!("{note}."));
        }
        if let Some(note) = fault_note(
            0,
            bad_end,
            scope.len(),
            "releases",
            "release date (or one before the start)",
        ) {
            notes.push(format!(
                "{note}: the bounds put them at 0 days and at the longest seen."
            ));
        }
        if merged > 0 {
            notes.push(format!(
                "{} duplicated another and counted once.",
                format::plural(merged, "release", "releases")
            ));
        }
        let fields = vec![ctx.field(&starts, &scope), ctx.field(&ends, &scope)];
        Ok(Estimate {
            value: m.value,
            n: d.known.len(),
            n_of: "releases".into(),
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
