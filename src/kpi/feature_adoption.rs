//! Feature adoption: the share of users active in the period who used a feature. Default
//! (`any`): at least one feature event (event `feature_used`; with no event column, any event
//! naming a feature). Variant `feature`: the feature set in `[kpis.feature_adoption] feature`.
//! The most and least adopted features are named in the annotations.

use super::proportion::Tally;
use super::stats::wilson;
use super::usage;
use super::{Ctx, Estimate, Kpi, SHARE, format};

pub struct FeatureAdoption;

const FEATURE_EVENTS: [&str; 2] = ["feature_used", "feature used"];

impl Kpi for FeatureAdoption {
    fn id(&self) -> &'static str {
        "feature_adoption"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let t = inputs
            .table_with(crate::kind::Kind::Usage, &["user_id"])
            .ok_or("no usage table with a user_id field")?;
        let table = inputs.table(t);
        let feature_col = inputs.column(t, "feature");
        let event_col = inputs.column(t, "event");
        let single = ctx.variant == "feature";
        let wanted = ctx.settings.feature.clone();
        if single && wanted.is_none() {
            return Err("variant `feature` needs the feature to measure: set [kpis.feature_adoption] feature = \"...\"".into());
        }
        if feature_col.is_none() && (single || event_col.is_none()) {
            return Err(format!("table {} has no feature field", table.name));
        }
        let test = move |r: usize| -> Option<bool> {
            if single {
                let c = feature_col?;
                if inputs.is_missing(t, c, r) {
                    return None;
                }
                return Some(
                    table
                        .cell(r, c)
                        .trim()
                        .eq_ignore_ascii_case(wanted.as_deref().unwrap_or("")),
                );
            }
            match event_col {
                Some(c) => {
                    if inputs.is_missing(t, c, r) {
                        return None;
                    }
                    let e = table.cell(r, c).trim();
                    Some(FEATURE_EVENTS.iter().any(|f| e.eq_ignore_ascii_case(f)))
                }
                None => Some(feature_col.is_some_and(|c| !inputs.is_missing(t, c, r))),
            }
        };
        let a = usage::activity(ctx, Some(&test))?;
        let mut tally = Tally::default();
        for u in a.users.values() {
            match (u.active, u.adopted, u.adoption_unknown) {
                (true, true, _) => tally.successes += 1,
                (true, false, true) => tally.unknown_outcome += 1,
                (true, false, false) => tally.failures += 1,
                (false, _, _) if u.maybe => tally.maybe_unknown += 1,
                _ => {}
            }
        }
        // Events without a user: new users, adopters if the event was a feature event.
        tally.maybe_successes += a.anonymous_feature_events;
        tally.maybe_failures += a.anonymous_events - a.anonymous_feature_events;
        let share = tally
            .share()
            .ok_or_else(|| format!("no active user in {}", ctx.period.describe()))?;
        let active = tally.n();
        let what = if single {
            format!("used {}", ctx.settings.feature.as_deref().unwrap_or(""))
        } else {
            "had a feature event".to_string()
        };
        let mut notes = vec![format!(
            "{} of {} active in {} {what}.",
            format::count(tally.successes),
            format::plural(active, "user", "users"),
            ctx.period.describe()
        )];
        if !a.features.is_empty() && active > 0 {
            let mut by: Vec<(&str, usize)> = a
                .features
                .iter()
                .map(|(f, s)| (f.as_str(), s.len()))
                .collect();
            by.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
            let show = |items: &[(&str, usize)]| -> String {
                items
                    .iter()
                    .map(|(f, k)| {
                        format!(
                            "{f} {}",
                            format::value(100.0 * *k as f64 / active as f64, "percent")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let k = by.len().min(3);
            notes.push(format!(
                "Most used: {}; least used: {} (share of active users).",
                show(&by[..k]),
                show(&by[by.len() - k..])
            ));
        }
        if tally.unknown_outcome > 0 {
            notes.push(format!(
                "{} events without a readable {}: adopters or not, the bounds allow for both.",
                format::plural(tally.unknown_outcome, "user has", "users have"),
                if single { "feature" } else { "event" }
            ));
        }
        if a.anonymous_events > 0 {
            notes.push(format!(
                "{} no user id: each could be one more user.",
                format::plural(a.anonymous_events, "event has", "events have")
            ));
        }
        Ok(Estimate {
            value: 100.0 * share,
            n: active,
            n_of: "active users".into(),
            ci: ctx
                .intervals()
                .then(|| wilson::wilson(tally.successes, active, ctx.level()).scale(100.0)),
            method: "wilson".into(),
            dq: tally.bounds().scale(100.0),
            limits: SHARE,
            scope: active + tally.uncertain(),
            usable: active,
            fields: a.fields,
            notes,
            period_applied: true,
        })
    }
}
