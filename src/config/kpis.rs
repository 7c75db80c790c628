//! The KPI and score sections of `crmaudit.toml`:
//!
//! ```toml
//! [kpi]                       # settings shared by every KPI
//! level = 0.95                # confidence level of the statistical intervals
//! seed = 42                   # bootstrap seed: same seed, same interval
//! bootstrap_samples = 2000
//!
//! [kpis.churn]                # one KPI (ids as in CONTRACT.md)
//! variant = "exposure"        # one of the catalogue's variants (rules/kpis.toml)
//! period = "2024-Q3"          # default: the catalogue's; --period wins
//! target = 5.0                # in the KPI's unit (percent: 5.0 = 5%)
//! enabled = false
//!
//! [scores]                    # dimension weights (default 1 each)
//! completeness = 2.0
//! [scores.tables]             # table weights in the overall score (default 1 each)
//! deals = 3.0
//! ```
//!
//! Every value is checked here, against the catalogue, with a diagnostic at its place.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Result, SourceText};
use crate::kpi::catalogue;
use crate::kpi::period::PeriodSpec;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KpiSection {
    level: Option<Spanned<f64>>,
    seed: Option<u64>,
    bootstrap_samples: Option<Spanned<u64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KpiOverrideSection {
    enabled: Option<bool>,
    variant: Option<Spanned<String>>,
    period: Option<Spanned<String>>,
    target: Option<f64>,
    window_days: Option<Spanned<u32>>,
    horizon_months: Option<Spanned<u32>>,
    margin: Option<Spanned<f64>>,
    feature: Option<String>,
    source: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScoresSection {
    completeness: Option<Spanned<f64>>,
    validity: Option<Spanned<f64>>,
    uniqueness: Option<Spanned<f64>>,
    timeliness: Option<Spanned<f64>>,
    consistency: Option<Spanned<f64>>,
    #[serde(default)]
    tables: BTreeMap<Spanned<String>, Spanned<f64>>,
}

/// Settings shared by the KPIs of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiSettings {
    pub level: f64,
    pub seed: u64,
    pub bootstrap_samples: usize,
}

impl Default for KpiSettings {
    fn default() -> Self {
        KpiSettings {
            level: 0.95,
            seed: 42,
            bootstrap_samples: 2000,
        }
    }
}

/// One KPI's workspace settings, validated against the catalogue.
#[derive(Debug, Clone, Default)]
pub struct KpiOverride {
    pub enabled: Option<bool>,
    pub variant: Option<String>,
    pub period: Option<PeriodSpec>,
    pub target: Option<f64>,
    pub window_days: Option<u32>,
    pub horizon_months: Option<u32>,
    pub margin: Option<f64>,
    pub feature: Option<String>,
    /// A table name, for KPIs that can read more than one table (csat: surveys or tickets).
    pub source: Option<crate::config::workspace::Placed<String>>,
}

/// Weights of the score roll-ups; all 1 by default (the plain means).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreWeights {
    /// completeness, validity, uniqueness, timeliness, consistency.
    pub dimensions: [f64; 5],
    /// Table name -> weight in the overall score.
    pub tables: BTreeMap<String, f64>,
}

impl Default for ScoreWeights {
    fn default() -> Self {
        ScoreWeights {
            dimensions: [1.0; 5],
            tables: BTreeMap::new(),
        }
    }
}

impl ScoreWeights {
    pub fn table(&self, name: &str) -> f64 {
        self.tables.get(name).copied().unwrap_or(1.0)
    }

    pub fn is_default(&self) -> bool {
        *self == ScoreWeights::default()
    }
}

fn weight(source: &SourceText, value: Option<Spanned<f64>>) -> Result<f64> {
    match value {
        None => Ok(1.0),
        Some(w) => {
            let span = w.span();
            let w = w.into_inner();
            if w.is_finite() && w >= 0.0 {
                Ok(w)
            } else {
                Err(source.error(
                    span,
                    format!("weight {w} is not a non-negative number"),
                    "expected a number >= 0 (0 leaves it out)",
                    None,
                ))
            }
        }
    }
}

pub(crate) fn validate_scores(
    source: &SourceText,
    section: Option<ScoresSection>,
    table_names: &[String],
) -> Result<ScoreWeights> {
    let Some(s) = section else {
        return Ok(ScoreWeights::default());
    };
    // Every weight 0 means every dimension was written: the last one written is where the
    // user took the last dimension away.
    let last_written = [
        &s.completeness,
        &s.validity,
        &s.uniqueness,
        &s.timeliness,
        &s.consistency,
    ]
    .into_iter()
    .flatten()
    .map(|w| w.span())
    .max_by_key(|span| span.start)
    .unwrap_or(0..0);
    let dimensions = [
        weight(source, s.completeness)?,
        weight(source, s.validity)?,
        weight(source, s.uniqueness)?,
        weight(source, s.timeliness)?,
        weight(source, s.consistency)?,
    ];
    if dimensions.iter().all(|&w| w == 0.0) {
        return Err(source.error(
            last_written,
            "[scores] gives every dimension weight 0",
            "no dimension left to score",
            Some("leave at least one of completeness, validity, uniqueness, timeliness, consistency above 0".into()),
        ));
    }
    let mut tables = BTreeMap::new();
    for (name, w) in s.tables {
        let span = name.span();
        let name = name.into_inner();
        if !table_names.contains(&name) {
            return Err(source.error(
                span,
                format!(
                    "[scores.tables] names table `{name}`, which the workspace does not define"
                ),
                format!("expected one of: {}", table_names.join(", ")),
                None,
            ));
        }
        tables.insert(name, weight(source, Some(w))?);
    }
    Ok(ScoreWeights { dimensions, tables })
}

pub(crate) fn validate_kpi_section(
    source: &SourceText,
    section: Option<KpiSection>,
) -> Result<KpiSettings> {
    let mut settings = KpiSettings::default();
    let Some(s) = section else {
        return Ok(settings);
    };
    if let Some(level) = s.level {
        let span = level.span();
        let level = level.into_inner();
        if !(0.5..1.0).contains(&level) {
            return Err(source.error(
                span,
                format!("level {level} is not a confidence level"),
                "expected a share between 0.5 and 1 (exclusive), e.g. 0.95",
                None,
            ));
        }
        settings.level = level;
    }
    if let Some(seed) = s.seed {
        settings.seed = seed;
    }
    if let Some(samples) = s.bootstrap_samples {
        let span = samples.span();
        let samples = samples.into_inner();
        if !(100..=1_000_000).contains(&samples) {
            return Err(source.error(
                span,
                format!("bootstrap_samples {samples} is out of range"),
                "expected 100 to 1000000",
                None,
            ));
        }
        settings.bootstrap_samples = samples as usize;
    }
    Ok(settings)
}

pub(crate) fn validate_kpis(
    source: &SourceText,
    kpis: BTreeMap<Spanned<String>, KpiOverrideSection>,
    table_names: &[String],
) -> Result<BTreeMap<String, KpiOverride>> {
    let ids: Vec<&str> = catalogue::catalogue().keys().map(String::as_str).collect();
    let mut out = BTreeMap::new();
    for (id, s) in kpis {
        // The id as written in `[kpis.ID]`, not the section header as a whole.
        let span = id.span();
        let id = id.into_inner();
        let Some(def) = catalogue::get(&id) else {
            return Err(source.error(
                span,
                format!("[kpis.{id}]: no KPI has the id `{id}`"),
                "unknown KPI",
                Some(format!("expected one of: {}", ids.join(", "))),
            ));
        };
        let variant = match s.variant {
            None => None,
            Some(v) => {
                let span = v.span();
                let v = v.into_inner();
                if !def.variants.contains_key(&v) {
                    let names: Vec<&str> = def.variants.keys().map(String::as_str).collect();
                    return Err(source.error(
                        span,
                        format!("KPI {id} has no variant `{v}`"),
                        format!("expected one of: {}", names.join(", ")),
                        None,
                    ));
                }
                Some(v)
            }
        };
        let period = match s.period {
            None => None,
            Some(p) => {
                let span = p.span();
                Some(PeriodSpec::parse(p.get_ref()).map_err(|message| {
                    source.error(
                        span,
                        message,
                        "expected all, 2024, 2024-Q3, 2024-07 or last-90d",
                        None,
                    )
                })?)
            }
        };
        let positive = |v: Option<Spanned<u32>>, what: &str| -> Result<Option<u32>> {
            match v {
                Some(v) if *v.get_ref() == 0 => Err(source.error(
                    v.span(),
                    format!("{what} must be at least 1"),
                    "expected a positive whole number",
                    None,
                )),
                other => Ok(other.map(Spanned::into_inner)),
            }
        };
        let margin = match s.margin {
            Some(m) if !(m.get_ref().is_finite() && *m.get_ref() > 0.0 && *m.get_ref() <= 1.0) => {
                return Err(source.error(
                    m.span(),
                    format!("margin {} is not a gross margin", m.get_ref()),
                    "expected a share above 0 and at most 1, e.g. 0.8",
                    None,
                ));
            }
            other => other.map(Spanned::into_inner),
        };
        let source_table = match s.source {
            None => None,
            Some(t) => {
                let span = t.span();
                let name = t.into_inner();
                if !table_names.contains(&name) {
                    return Err(source.error(
                        span,
                        format!(
                            "KPI {id} reads table `{name}`, which the workspace does not define"
                        ),
                        format!("expected one of: {}", table_names.join(", ")),
                        None,
                    ));
                }
                Some(crate::config::workspace::Placed { value: name, span })
            }
        };
        out.insert(
            id,
            KpiOverride {
                enabled: s.enabled,
                variant,
                period,
                target: s.target,
                window_days: positive(s.window_days, "window_days")?,
                horizon_months: positive(s.horizon_months, "horizon_months")?,
                margin,
                feature: s.feature,
                source: source_table,
            },
        );
    }
    Ok(out)
}
