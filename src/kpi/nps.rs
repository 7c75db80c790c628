//! Net Promoter Score: % promoters (9-10) minus % detractors (0-6) among NPS responses in the
//! period, in points from -100 to 100.

use super::input::Value;
use super::stats::{Bounds, nps};
use super::{Ctx, Estimate, Kpi, Member, fault_note, format};
use crate::kind::Kind;

pub struct Nps;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Promoter,
    Passive,
    Detractor,
}

fn class(score: f64) -> Class {
    if score >= 9.0 {
        Class::Promoter
    } else if score >= 7.0 {
        Class::Passive
    } else {
        Class::Detractor
    }
}

/// Counts of promoters, passives, detractors.
#[derive(Clone, Copy, Default)]
struct Counts([usize; 3]);

impl Counts {
    fn add(&mut self, c: Class, k: usize) {
        self.0[c as usize] += k;
    }
    fn n(&self) -> usize {
        self.0.iter().sum()
    }
    fn score(&self) -> Option<f64> {
        let n = self.n();
        (n > 0).then(|| 100.0 * (self.0[0] as f64 - self.0[2] as f64) / n as f64)
    }
}

/// Rows of a survey table that are responses of `kind` ("nps", "csat"): the survey type names
/// it, or, with no type, the row holds a score.
pub(super) fn responses_of(
    ctx: &Ctx,
    t: usize,
    kind: &str,
    score_col: usize,
) -> impl Fn(usize) -> bool {
    let inputs = ctx.inputs;
    let type_col = inputs.column(t, "survey_type");
    // Per distinct type: None when missing, else whether it names `kind`.
    let types = type_col.map(|c| {
        inputs.classify(t, c, |v| {
            (!crate::normalize::text::is_missing(v)).then(|| v.to_ascii_lowercase().contains(kind))
        })
    });
    move |r| match types.as_ref().map(|ty| ty.get(r)) {
        Some(Some(names_kind)) => names_kind,
        Some(None) => !inputs.is_missing(t, score_col, r),
        None => true,
    }
}

impl Kpi for Nps {
    fn id(&self) -> &'static str {
        "nps"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let inputs = ctx.inputs;
        let t = ctx
            .source_table()
            .or_else(|| inputs.table_with(Kind::Surveys, &["nps_score"]))
            .ok_or("no survey table with an nps_score field")?;
        let table = inputs.table(t);
        let score_col = inputs.require_column(t, "nps_score")?;
        let raw = ctx.raw();
        let scores = inputs.numbers(t, score_col, raw);
        let date_col = inputs.column(t, "submitted_at");
        let dates = date_col.map(|c| inputs.dates(t, c, raw));
        let is_response = responses_of(ctx, t, "nps", score_col);

        let mut known = Counts::default();
        let mut maybe = Counts::default();
        let (mut unknown, mut maybe_unknown) = (0usize, 0usize);
        let (mut missing, mut invalid, mut undated, mut merged) = (0, 0, 0, 0);
        let mut scope = Vec::new();
        for r in 0..table.rows() {
            if !is_response(r) {
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
            match (member, score.ok()) {
                (Member::In, Some(s)) => known.add(class(s), 1),
                (Member::In, None) => unknown += 1,
                (_, Some(s)) => maybe.add(class(s), 1),
                (_, None) => maybe_unknown += 1,
            }
        }
        let value = known.score().ok_or_else(|| {
            format!(
                "no NPS response in table {} for {}",
                table.name,
                ctx.period.describe()
            )
        })?;
        // Worst: unknown scores are detractors, doubtful detractors in, doubtful promoters out;
        // doubtful passives in or out, whichever is worse. Best the other way round.
        let bound = |worst: bool| -> f64 {
            let mut c = known;
            let bad = if worst {
                Class::Detractor
            } else {
                Class::Promoter
            };
            c.add(bad, unknown + maybe_unknown + maybe.0[bad as usize]);
            let without = c.score().unwrap_or(value);
            c.add(Class::Passive, maybe.0[Class::Passive as usize]);
            let with = c.score().unwrap_or(value);
            if worst {
                without.min(with)
            } else {
                without.max(with)
            }
        };
        let dq = Bounds::new(bound(true), bound(false));
        let mut notes = vec![format!(
            "{} promoters, {} passives and {} detractors among {}.",
            format::count(known.0[0]),
            format::count(known.0[1]),
            format::count(known.0[2]),
            format::plural(known.n(), "NPS response", "NPS responses")
        )];
        if let Some(note) = fault_note(
            missing,
            invalid,
            scope.len(),
            "NPS responses",
            "score in 0-10",
        ) {
            notes.push(format!(
                "{note}: NPS {} without them, between {} counting them all as detractors or all as promoters.",
                format::value(value, "points"),
                format::between(dq.low, dq.high, "points")
            ));
        }
        if undated > 0 {
            notes.push(format!(
                "{} have no readable submission date and may fall outside the period.",
                format::plural(undated, "response", "responses")
            ));
        }
        if merged > 0 {
            notes.push(format!(
                "{} duplicated another (same id) and counted once.",
                format::plural(merged, "response", "responses")
            ));
        }
        let mut fields = vec![ctx.field(&scores, &scope)];
        if let Some(d) = &dates {
            fields.push(ctx.field(d, &scope));
        }
        let n = known.n();
        Ok(Estimate {
            value,
            n,
            n_of: "NPS responses".into(),
            ci: ctx
                .intervals()
                .then(|| nps::nps_interval(known.0[0], known.0[1], known.0[2], ctx.level())),
            method: nps::method(n).into(),
            dq,
            limits: Bounds::new(-100.0, 100.0),
            scope: scope.len(),
            usable: n,
            fields,
            notes,
            period_applied: true,
        })
    }
}
