//! The KPI stage: the catalogue of KPIs CRM teams report (ids in CONTRACT.md), each with a
//! statistical interval, the range the data faults could move it, a confidence grade and
//! sentences naming the faults.
//!
//! One KPI per file behind the [`Kpi`] trait, listed in [`registry::ALL`]. A KPI is evaluated
//! up to three times on the same inputs:
//! - **exact** mode: invalid values treated as missing, exact duplicates merged; this is
//!   `value`, with its interval and bounds;
//! - **fuzzy** mode (once the dedupe stage provides fuzzy clusters): the same with fuzzy
//!   clusters merged too; its answer widens the bounds, so duplicates read as the range between
//!   the exact-key and the fuzzy-deduplicated answers;
//! - **raw** mode: every row as written, flagged values that still parse taken at face value
//!   (`raw_value`, what a dashboard would show).
//!
//! Everything is deterministic: the bootstrap is seeded per replicate, KPIs run in parallel and
//! are reported in catalogue order.

pub mod catalogue;
pub mod clusters;
pub mod format;
pub mod grade;
pub mod input;
pub mod period;
pub mod proportion;
pub mod quality;
pub mod registry;
pub mod result;
pub mod stats;

mod active_users;
mod cac;
mod churn;
mod clv;
mod csat;
mod durations;
mod feature_adoption;
mod lead_conversion;
mod nps;
mod retention;
mod sales_growth;
mod subscriptions;
mod ticket_resolution_time;
mod time_to_market;
mod uptime;
mod usage;
mod user_adoption;
mod win_rate;

use std::collections::BTreeMap;

use jiff::civil::Date;
use rayon::prelude::*;

use crate::checks::Cache;
use crate::checks::engine::RuleOutcome;
use crate::config::kpis::{KpiOverride, KpiSettings};
use crate::dataset::Dataset;
use crate::score::round4;

pub use clusters::{Clusters, TableClusters};
pub use result::KpiReport;

use catalogue::{KpiDef, VariantDef};
use clusters::Dedup;
use input::Inputs;
use period::{Period, PeriodSpec};
use quality::FieldQuality;
use stats::Bounds;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Exact,
    Fuzzy,
    Raw,
}

/// What one evaluation of a KPI may read.
pub struct Ctx<'a, 'd> {
    pub inputs: &'a Inputs<'d>,
    pub def: &'static KpiDef,
    pub variant: &'a str,
    pub settings: &'a KpiOverride,
    pub shared: &'a KpiSettings,
    pub period: &'a Period,
    pub as_of: Date,
    pub mode: Mode,
}

impl Ctx<'_, '_> {
    pub fn raw(&self) -> bool {
        self.mode == Mode::Raw
    }

    /// Intervals are fitted once, on the exact answer.
    pub fn intervals(&self) -> bool {
        self.mode == Mode::Exact
    }

    pub fn level(&self) -> f64 {
        self.shared.level
    }

    pub fn dedup(&self, t: usize) -> Option<&Dedup> {
        self.inputs.dedup(t, self.mode)
    }

    /// A record that counts once with another of its cluster (never in raw mode).
    pub fn is_surplus(&self, t: usize, record: usize) -> bool {
        self.dedup(t).is_some_and(|d| d.is_surplus(record))
    }

    pub fn source_table(&self) -> Option<usize> {
        self.settings
            .source
            .as_ref()
            .and_then(|s| self.inputs.dataset.table_by_name(&s.value))
    }

    pub fn field<T: Copy>(&self, view: &input::ColumnView<T>, records: &[usize]) -> FieldQuality {
        quality::field(self.inputs, view, records, self.dedup(view.table))
    }

    pub fn table_name(&self, t: usize) -> &str {
        &self.inputs.table(t).name
    }

    pub fn header(&self, t: usize, column: usize) -> &str {
        self.inputs.table(t).header(column)
    }

    /// Whether a record dated `date` belongs to the period. Under `all`, a record without a
    /// readable date is in (everything is); otherwise its membership is unknown.
    pub fn member(&self, date: input::Value<Date>) -> Member {
        match date {
            input::Value::Ok(d) if self.period.contains(d) => Member::In,
            input::Value::Ok(_) => Member::Out,
            _ if self.period.is_all() => Member::In,
            _ => Member::Unknown,
        }
    }

    /// "10 of the 294 users in the denominator are stale (DQ301...)".
    pub fn stale_note(&self, t: usize, records: &[usize], what: &str) -> Option<String> {
        let stale = self.inputs.stale(t)?;
        let count = records.iter().filter(|&&r| stale[r]).count();
        (count > 0).then(|| {
            format!(
                "{} of the {} in the denominator {} stale (DQ301: no sign of life within the rule's window before {}); if they have left, the share among the {what} who remain is higher.",
                format::count(count),
                crate::wording::counted(records.len(), what),
                crate::wording::form(count, "is", "are"),
                self.as_of
            )
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    In,
    Out,
    Unknown,
}

/// "7 of 120 deals have no amount (missing), 2 an invalid one (DQ008)".
pub fn fault_note(
    missing: usize,
    invalid: usize,
    total: usize,
    things: &str,
    field: &str,
) -> Option<String> {
    use crate::wording::{counted, form};
    // "1 of 37 won deals has", "2 of 37 won deals have", "1 of 1 won deal has".
    let total = counted(total, things);
    match (missing, invalid) {
        (0, 0) => None,
        (m, 0) => Some(format!(
            "{} of {total} {} no {field}",
            format::count(m),
            form(m, "has", "have")
        )),
        (0, i) => Some(format!(
            "{} of {total} {} an invalid {field}",
            format::count(i),
            form(i, "has", "have")
        )),
        (m, i) => Some(format!(
            "{} of {total} {} no {field} and {} an invalid one",
            format::count(m),
            form(m, "has", "have"),
            format::count(i)
        )),
    }
}

/// One evaluation's answer. Shares are in percent (0-100) where the unit is percent.
#[derive(Debug, Clone)]
pub struct Estimate {
    pub value: f64,
    pub n: usize,
    /// What `n` counts ("closed deals").
    pub n_of: String,
    pub ci: Option<Bounds>,
    pub method: String,
    /// Worst and best values over the missing and invalid inputs (duplicates merged).
    pub dq: Bounds,
    /// The range the value can take (0-100 for shares), to clip outer intervals.
    pub limits: Bounds,
    /// Records in scope, and those with every input usable.
    pub scope: usize,
    pub usable: usize,
    pub fields: Vec<FieldQuality>,
    /// Sentences naming the faults (missing scores, invalid dates, duplicates merged...).
    pub notes: Vec<String>,
    /// False when the data has no dates to place records in a period (a snapshot).
    pub period_applied: bool,
}

pub const SHARE: Bounds = Bounds {
    low: 0.0,
    high: 100.0,
};
pub const NONNEGATIVE: Bounds = Bounds {
    low: 0.0,
    high: f64::INFINITY,
};

/// One KPI. Implementations are small structs registered in [`registry::ALL`].
pub trait Kpi: Sync {
    fn id(&self) -> &'static str;
    /// The KPI on the dataset in `ctx.mode`; `Err` says why it is not computable.
    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String>;
}

/// What the run asks of the KPI stage.
pub struct KpiRun<'a> {
    pub as_of: Date,
    /// `--period`, which wins over every KPI's own.
    pub period: Option<&'a PeriodSpec>,
    pub overrides: &'a BTreeMap<String, KpiOverride>,
    pub settings: &'a KpiSettings,
}

/// Every enabled KPI of the catalogue, in catalogue (registry) order.
pub fn compute(
    dataset: &Dataset,
    cache: &Cache,
    outcomes: &[RuleOutcome],
    clusters: &Clusters,
    run: &KpiRun,
) -> Vec<KpiReport> {
    let inputs = Inputs::new(dataset, cache, outcomes, clusters);
    let default = KpiOverride::default();
    registry::ALL
        .par_iter()
        .filter_map(|kpi| {
            let id = kpi.id();
            let def = catalogue::get(id).expect("every registered KPI is in the catalogue");
            let settings = run.overrides.get(id).unwrap_or(&default);
            if settings.enabled == Some(false) {
                return None;
            }
            let variant = settings.variant.as_deref().unwrap_or(&def.variant);
            let spec = match (run.period, &settings.period) {
                (Some(p), _) => p.clone(),
                (None, Some(p)) => p.clone(),
                (None, None) => PeriodSpec::parse(&def.period).expect("catalogue periods parse"),
            };
            let period = spec.resolve(run.as_of);
            let ctx = |mode| Ctx {
                inputs: &inputs,
                def,
                variant,
                settings,
                shared: run.settings,
                period: &period,
                as_of: run.as_of,
                mode,
            };
            Some(report(*kpi, def, variant, settings, &period, &ctx))
        })
        .collect()
}

fn period_report(period: &Period) -> result::PeriodReport {
    result::PeriodReport {
        label: period.label.clone(),
        start: (!period.is_all()).then(|| period.start.to_string()),
        end: period.end.to_string(),
        description: period.describe(),
    }
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then(|| round4(x))
}

fn report<'a, 'd>(
    kpi: &dyn Kpi,
    def: &KpiDef,
    variant: &str,
    settings: &KpiOverride,
    period: &Period,
    ctx: &dyn Fn(Mode) -> Ctx<'a, 'd>,
) -> KpiReport {
    let vdef: &VariantDef = &def.variants[variant];
    let mut out = KpiReport {
        id: kpi.id().to_string(),
        name: def.name.clone(),
        status: "ok".into(),
        reason: None,
        value: None,
        unit: vdef.unit.clone(),
        n: None,
        n_of: None,
        ci: None,
        dq_bounds: None,
        raw_value: None,
        input_quality: None,
        confidence: None,
        annotations: Vec::new(),
        variant: variant.to_string(),
        definition: vdef.definition.clone(),
        period: period_report(period),
        outer: None,
        target: None,
        higher_is_better: def.higher_is_better,
        inputs: Vec::new(),
    };
    // A period that has not begun on the as-of date holds no records by construction: an empty
    // count there is not a measured 0% (or 100%) with high confidence.
    let evaluated = if period.start > period.end {
        Err(format!(
            "the period {} starts on {}, after the as-of date {}: nothing in it has happened yet",
            period.label, period.start, period.end
        ))
    } else {
        kpi.evaluate(&ctx(Mode::Exact))
    };
    let main = match evaluated {
        Ok(e) => e,
        Err(reason) => {
            out.status = "not_computable".into();
            out.annotations
                .push(format!("{} is not computable: {reason}", def.name));
            out.reason = Some(reason);
            return out;
        }
    };
    let raw = kpi.evaluate(&ctx(Mode::Raw)).ok().map(|e| e.value);
    let mut dq = main.dq.union(Bounds::point(main.value));
    let mut notes = main.notes.clone();
    if ctx(Mode::Exact).inputs.fuzzy.is_some()
        && let Ok(fuzzy) = kpi.evaluate(&ctx(Mode::Fuzzy))
    {
        dq = dq.union(fuzzy.dq).union(Bounds::point(fuzzy.value));
        if (fuzzy.value - main.value).abs() > 1e-9 {
            notes.push(format!(
                "Merging fuzzy duplicates as well moves it to {}: the bounds span both answers.",
                format::with_unit(fuzzy.value, &vdef.unit)
            ));
        }
    }
    // The bounds cannot leave the KPI's range (a growth cannot fall below -100%).
    let dq = Bounds::new(dq.low.max(main.limits.low), dq.high.min(main.limits.high));
    let unit = vdef.unit.as_str();
    let input_quality = if main.scope == 0 {
        1.0
    } else {
        main.usable as f64 / main.scope as f64
    };
    let outer = match main.ci {
        Some(ci) => Bounds::new(
            (dq.low - (main.value - ci.low).max(0.0)).max(main.limits.low),
            (dq.high + (ci.high - main.value).max(0.0)).min(main.limits.high),
        ),
        None => dq,
    };
    let (confidence, reasons) = grade::grade(&grade::Reading {
        n: main.n,
        n_of: &main.n_of,
        unit,
        value: main.value,
        ci: main.ci,
        dq,
        input_quality,
    });

    let mut annotations = Vec::new();
    annotations.push(if reasons.is_empty() {
        format!(
            "Confidence high: {}, a narrow interval, tight data-quality bounds and usable inputs.",
            crate::wording::counted(main.n, &main.n_of)
        )
    } else {
        format!(
            "Confidence {}: {}.",
            confidence.as_str(),
            reasons.join("; ")
        )
    });
    annotations.extend(notes);
    if let Some(raw) = raw
        && (raw - main.value).abs() >= 0.05
    {
        annotations.push(format!(
            "As the data stands (duplicates and flagged values included) it reads {}, against {} after exclusions.",
            format::with_unit(raw, unit),
            format::with_unit(main.value, unit)
        ));
    }
    if period.partial {
        annotations.push(format!(
            "The period {} runs past the as-of date; only its first part is counted.",
            period.label
        ));
    }
    let target = settings.target.map(|target| {
        let gap = main.value - target;
        let exceeds = target < outer.low || target > outer.high;
        let above = main.value >= target;
        let good = above == def.higher_is_better;
        let verdict = if !exceeds {
            "undetermined"
        } else if good {
            "met"
        } else {
            "missed"
        };
        annotations.push(if exceeds {
            format!(
                "Target {}: {} is {} {} it, and the gap exceeds the uncertainty ({}): target {verdict}.",
                format::with_unit(target, unit),
                format::with_unit(main.value, unit),
                format::with_unit(gap.abs(), unit_of_gap(unit)),
                if above { "above" } else { "below" },
                format::range(outer.low, outer.high, unit)
            )
        } else {
            format!(
                "Target {}: it lies within the uncertainty ({}), so the data cannot tell whether it is met.",
                format::with_unit(target, unit),
                format::range(outer.low, outer.high, unit)
            )
        });
        result::Target {
            value: target,
            gap: round4(gap),
            exceeds_uncertainty: exceeds,
            verdict: verdict.into(),
        }
    });

    out.value = finite(main.value);
    out.n = Some(main.n);
    out.n_of = Some(main.n_of.clone());
    out.ci = main.ci.map(|ci| result::Interval {
        level: ctx(Mode::Exact).level(),
        low: round4(ci.low),
        high: finite(ci.high),
        method: main.method.clone(),
    });
    out.dq_bounds = Some(result::Range {
        low: round4(dq.low),
        high: finite(dq.high),
    });
    out.raw_value = raw.and_then(finite);
    out.input_quality = Some(round4(input_quality));
    out.confidence = Some(confidence.as_str().into());
    out.annotations = annotations;
    out.outer = Some(result::Range {
        low: round4(outer.low),
        high: finite(outer.high),
    });
    out.target = target;
    if !main.period_applied {
        out.period.description = unapplied_period(period);
    }
    out.inputs = main.fields;
    out
}

/// The period's description when the data has no dates to place records in it.
fn unapplied_period(period: &Period) -> String {
    if period.is_all() {
        // Nothing to apply: every record is in `all`.
        "all records (the data has no dates to place them in time)".to_string()
    } else {
        format!(
            "not applied: the data has no dates to place records in the period {}",
            period.label
        )
    }
}

/// A gap in percent is in percentage points.
fn unit_of_gap(unit: &str) -> &str {
    match unit {
        "percent" => "points",
        other => other,
    }
}

#[cfg(test)]
mod wording_tests {
    use super::*;

    #[test]
    fn notes_agree_with_their_counts() {
        assert_eq!(
            fault_note(1, 0, 37, "won deals", "amount").unwrap(),
            "1 of 37 won deals has no amount"
        );
        assert_eq!(
            fault_note(0, 1, 1, "won deals", "amount").unwrap(),
            "1 of 1 won deal has an invalid amount"
        );
        assert_eq!(
            fault_note(3, 1, 120, "deals", "amount").unwrap(),
            "3 of 120 deals have no amount and 1 an invalid one"
        );
        let as_of: Date = "2024-12-31".parse().unwrap();
        assert_eq!(
            unapplied_period(&PeriodSpec::All.resolve(as_of)),
            "all records (the data has no dates to place them in time)"
        );
        assert_eq!(
            unapplied_period(&PeriodSpec::Year(2024).resolve(as_of)),
            "not applied: the data has no dates to place records in the period 2024"
        );
    }
}
