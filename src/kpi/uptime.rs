//! Uptime: 1 - downtime / time in the period, with overlapping incidents merged so that two
//! alerts on one outage do not count twice. An incident without a resolution is still down at
//! the period's end. The interval treats the incident count as Poisson (exact) at the observed
//! mean downtime per incident.

use jiff::civil::{DateTime, Time};

use super::input::{Value, hours_between};
use super::stats::{Bounds, poisson};
use super::{Ctx, Estimate, Kpi, SHARE, format};
use crate::kind::Kind;

pub struct Uptime;

/// Hours covered by the union of intervals.
pub(super) fn union_hours(mut spans: Vec<(DateTime, DateTime)>) -> f64 {
    spans.sort();
    let mut total = 0.0;
    let mut current: Option<(DateTime, DateTime)> = None;
    for (s, e) in spans {
        match current {
            Some((cs, ce)) if s <= ce => current = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += hours_between(cs, ce);
                current = Some((s, e));
            }
            None => current = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = current {
        total += hours_between(cs, ce);
    }
    total
}

impl Kpi for Uptime {
    fn id(&self) -> &'static str {
        "uptime"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let t = ctx
            .source_table()
            .or_else(|| inputs.tables_of(Kind::Incidents).first().copied())
            .ok_or("no incidents table")?;
        let table = inputs.table(t);
        let raw = ctx.raw();
        let start_col = inputs.require_column(t, "started_at")?;
        let end_col = inputs.require_column(t, "resolved_at")?;
        let starts = inputs.datetimes(t, start_col, raw);
        let ends = inputs.datetimes(t, end_col, raw);
        let window_end = ctx
            .period
            .end
            .tomorrow()
            .unwrap_or(ctx.period.end)
            .to_datetime(Time::midnight());
        let window_start = if ctx.period.is_all() {
            (0..table.rows())
                .filter_map(|r| starts.get(r).ok())
                .min()
                .map(|d| d.date().to_datetime(Time::midnight()))
                .ok_or_else(|| {
                    format!("no incident in table {} has a readable start", table.name)
                })?
        } else {
            ctx.period.start.to_datetime(Time::midnight())
        };
        let window = hours_between(window_start, window_end);
        if window <= 0.0 {
            return Err("the period has no length".into());
        }
        let mut spans = Vec::new();
        let mut open_spans = Vec::new();
        let mut scope = Vec::new();
        let (mut unknown, mut open, mut merged) = (0, 0, 0);
        let mut longest: f64 = 0.0;
        for r in 0..table.rows() {
            if ctx.is_surplus(t, r) {
                merged += 1;
                continue;
            }
            let Some(s) = starts.get(r).ok() else {
                scope.push(r);
                unknown += 1;
                continue;
            };
            if s >= window_end {
                continue;
            }
            let span = match ends.get(r) {
                Value::Ok(e) => {
                    longest = longest.max(hours_between(s, e));
                    Some((s.max(window_start), e.min(window_end)))
                }
                Value::Missing => {
                    open += 1;
                    open_spans.push((s.max(window_start), window_end));
                    None
                }
                Value::Invalid => {
                    if s >= window_start {
                        scope.push(r);
                        unknown += 1;
                    }
                    continue;
                }
            };
            if let Some((a, b)) = span {
                if b <= window_start {
                    continue;
                }
                spans.push((a, b));
            }
            scope.push(r);
        }
        let incidents = spans.len() + open_spans.len();
        let closed_down = union_hours(spans.clone());
        let mut all = spans;
        all.extend(open_spans);
        let down = union_hours(all);
        let value = 100.0 * (1.0 - down / window);
        let ci = (ctx.intervals() && incidents > 0).then(|| {
            let per_incident = down / incidents as f64;
            let b = poisson::poisson_exact(incidents as u64, ctx.level());
            Bounds::new(
                (100.0 * (1.0 - b.high * per_incident / window)).max(0.0),
                (100.0 * (1.0 - b.low * per_incident / window)).min(100.0),
            )
        });
        let dq = Bounds::new(
            (100.0 * (1.0 - (down + unknown as f64 * longest) / window)).max(0.0),
            100.0 * (1.0 - closed_down / window),
        );
        let mut notes = vec![format!(
            "{} down over {} in {}, {}.",
            format::with_unit(down, "hours"),
            format::plural(incidents, "incident", "incidents"),
            format::with_unit(window / 24.0, "days"),
            if ctx.period.is_all() {
                format!(
                    "from the first incident's day, {}, to {}",
                    window_start.date(),
                    ctx.period.end
                )
            } else {
                ctx.period.describe()
            }
        )];
        if open > 0 {
            notes.push(format!(
                "{} no resolution time and count as down to the period's end; the upper bound counts them as resolved at once.",
                format::plural(open, "incident has", "incidents have")
            ));
        }
        if unknown > 0 {
            notes.push(format!(
                "{} an unreadable start or resolution (or a resolution before the start): bounded by none and by the longest outage seen each.",
                format::plural(unknown, "incident has", "incidents have")
            ));
        }
        if merged > 0 {
            notes.push(format!(
                "{} duplicated another and counted once.",
                format::plural(merged, "incident", "incidents")
            ));
        }
        let fields = vec![ctx.field(&starts, &scope), ctx.field(&ends, &scope)];
        Ok(Estimate {
            value,
            n: incidents,
            n_of: "incidents".into(),
            ci,
            method: "exact Poisson on the incident count x mean duration".into(),
            dq,
            limits: SHARE,
            scope: scope.len(),
            usable: scope.len() - unknown,
            fields,
            notes,
            period_applied: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_outages_count_once() {
        let dt = |s: &str| super::super::input::parse_datetime(s, None).unwrap();
        // 10:00-12:00 and 11:00-13:00 overlap into 3 hours; 20:00-20:30 adds half an hour.
        let spans = vec![
            (dt("2024-01-01 11:00"), dt("2024-01-01 13:00")),
            (dt("2024-01-01 10:00"), dt("2024-01-01 12:00")),
            (dt("2024-01-01 20:00"), dt("2024-01-01 20:30")),
        ];
        assert_eq!(union_hours(spans), 3.5);
    }
}
