//! The `[alerts]` section of `crmaudit.toml`: what counts as a regression against the previous
//! run of the history store (or `--baseline`).
//!
//! ```toml
//! [alerts]
//! score_drop = 5                       # overall score fell by more than 5 points
//! table_score_drop = 10                # a table's score fell by more than 10 points
//! kpi_outside_previous_interval = true # a KPI left the previous run's interval
//! kpi_interval = "ci"                  # ci (statistical, default) | outer (with data-quality bounds)
//! kpis = ["churn", "nps"]              # only these KPIs (default: every KPI)
//! new_fail_findings = true             # a finding of a fail-severity rule that was not there
//! rule_newly_failing = true            # a rule that fails now and did not before
//! ```
//!
//! Without the section, `new_fail_findings` and `rule_newly_failing` are on and the rest off:
//! the two that need no threshold to mean something.

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Result, SourceText};
use crate::kpi::catalogue;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlertsSection {
    score_drop: Option<Spanned<f64>>,
    table_score_drop: Option<Spanned<f64>>,
    kpi_outside_previous_interval: Option<bool>,
    kpi_interval: Option<Spanned<String>>,
    kpis: Option<Vec<Spanned<String>>>,
    new_fail_findings: Option<bool>,
    rule_newly_failing: Option<bool>,
}

/// Which interval of the previous run a KPI must stay inside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiInterval {
    /// The statistical interval (`ci`).
    Statistical,
    /// The data-quality bounds widened by the statistical margins (`outer`).
    Outer,
}

impl KpiInterval {
    pub fn as_str(self) -> &'static str {
        match self {
            KpiInterval::Statistical => "ci",
            KpiInterval::Outer => "outer",
        }
    }
}

/// The regressions a run is checked for, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSettings {
    /// Points (0-100) the overall score may fall before it is an alert.
    pub score_drop: Option<f64>,
    pub table_score_drop: Option<f64>,
    pub kpi_outside_previous_interval: bool,
    pub kpi_interval: KpiInterval,
    /// The KPIs watched; none = every KPI.
    pub kpis: Option<Vec<String>>,
    pub new_fail_findings: bool,
    pub rule_newly_failing: bool,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            score_drop: None,
            table_score_drop: None,
            kpi_outside_previous_interval: false,
            kpi_interval: KpiInterval::Statistical,
            kpis: None,
            new_fail_findings: true,
            rule_newly_failing: true,
        }
    }
}

impl AlertSettings {
    /// The alerts that are on, in the order they are evaluated: (`[alerts]` key, the setting
    /// as a person reads it, e.g. `score_drop = 5`).
    pub fn enabled(&self) -> Vec<(&'static str, String)> {
        let mut on = Vec::new();
        if let Some(limit) = self.score_drop {
            on.push(("score_drop", format!("score_drop = {limit}")));
        }
        if let Some(limit) = self.table_score_drop {
            on.push(("table_score_drop", format!("table_score_drop = {limit}")));
        }
        if self.kpi_outside_previous_interval {
            let watched = match &self.kpis {
                Some(ids) => format!("; kpis = {}", ids.join(", ")),
                None => String::new(),
            };
            on.push((
                "kpi_outside_previous_interval",
                format!(
                    "kpi_outside_previous_interval (kpi_interval = {}{watched})",
                    self.kpi_interval.as_str()
                ),
            ));
        }
        if self.new_fail_findings {
            on.push(("new_fail_findings", "new_fail_findings".to_string()));
        }
        if self.rule_newly_failing {
            on.push(("rule_newly_failing", "rule_newly_failing".to_string()));
        }
        on
    }
}

fn points(source: &SourceText, key: &str, value: Option<Spanned<f64>>) -> Result<Option<f64>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let span = value.span();
    let value = value.into_inner();
    if value.is_finite() && (0.0..=100.0).contains(&value) {
        Ok(Some(value))
    } else {
        Err(source.error(
            span,
            format!("{key} {value} is not a number of score points"),
            "expected points between 0 and 100, e.g. 5",
            Some(format!(
                "scores run from 0 to 100; `{key} = 5` alerts when the score falls by more than 5 points"
            )),
        ))
    }
}

pub(crate) fn validate_alerts(
    source: &SourceText,
    section: Option<AlertsSection>,
) -> Result<AlertSettings> {
    let defaults = AlertSettings::default();
    let Some(s) = section else {
        return Ok(defaults);
    };
    let kpi_interval = match s.kpi_interval {
        None => KpiInterval::Statistical,
        Some(v) => match v.get_ref().as_str() {
            "ci" => KpiInterval::Statistical,
            "outer" => KpiInterval::Outer,
            other => {
                return Err(source.error(
                    v.span(),
                    format!("kpi_interval `{other}` is not an interval of the report"),
                    "expected \"ci\" or \"outer\"",
                    Some(
                        "ci: the statistical interval; outer: the data-quality bounds widened by it"
                            .into(),
                    ),
                ));
            }
        },
    };
    let kpis = match s.kpis {
        None => None,
        Some(list) => {
            let ids: Vec<&str> = catalogue::catalogue().keys().map(String::as_str).collect();
            let mut out = Vec::new();
            for id in list {
                if catalogue::get(id.get_ref()).is_none() {
                    return Err(source.error(
                        id.span(),
                        format!("[alerts] kpis: no KPI has the id `{}`", id.get_ref()),
                        "unknown KPI",
                        Some(format!("expected one of: {}", ids.join(", "))),
                    ));
                }
                out.push(id.into_inner());
            }
            out.sort();
            out.dedup();
            Some(out)
        }
    };
    Ok(AlertSettings {
        score_drop: points(source, "score_drop", s.score_drop)?,
        table_score_drop: points(source, "table_score_drop", s.table_score_drop)?,
        kpi_outside_previous_interval: s
            .kpi_outside_previous_interval
            .unwrap_or(defaults.kpi_outside_previous_interval),
        kpi_interval,
        kpis,
        new_fail_findings: s.new_fail_findings.unwrap_or(defaults.new_fail_findings),
        rule_newly_failing: s.rule_newly_failing.unwrap_or(defaults.rule_newly_failing),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<AlertSettings> {
        #[derive(Deserialize)]
        struct File {
            alerts: Option<AlertsSection>,
        }
        let source = SourceText::new(std::path::Path::new("crmaudit.toml"), text.to_string());
        let file: File = toml::from_str(text).map_err(|e| source.toml_error(e, "config"))?;
        validate_alerts(&source, file.alerts)
    }

    #[test]
    fn defaults_watch_findings_and_rules_only() {
        let s = parse("").unwrap();
        assert_eq!(s, AlertSettings::default());
        assert!(s.new_fail_findings && s.rule_newly_failing);
        assert!(s.score_drop.is_none() && !s.kpi_outside_previous_interval);
        let kinds: Vec<&str> = s.enabled().into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, ["new_fail_findings", "rule_newly_failing"]);
    }

    #[test]
    fn every_key_is_read() {
        let s = parse(
            "[alerts]\nscore_drop = 5\ntable_score_drop = 7.5\nkpi_outside_previous_interval = true\nkpi_interval = \"outer\"\nkpis = [\"nps\", \"churn\", \"nps\"]\nnew_fail_findings = false\nrule_newly_failing = false\n",
        )
        .unwrap();
        assert_eq!(s.score_drop, Some(5.0));
        assert_eq!(s.table_score_drop, Some(7.5));
        assert!(s.kpi_outside_previous_interval);
        assert_eq!(s.kpi_interval, KpiInterval::Outer);
        assert_eq!(s.kpis, Some(vec!["churn".to_string(), "nps".to_string()]));
        assert!(!s.new_fail_findings && !s.rule_newly_failing);
        let settings: Vec<String> = s.enabled().into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            settings,
            [
                "score_drop = 5",
                "table_score_drop = 7.5",
                "kpi_outside_previous_interval (kpi_interval = outer; kpis = churn, nps)"
            ]
        );
    }

    fn error_text(text: &str) -> String {
        match parse(text) {
            Err(crate::error::Error::Config(e)) => {
                let line = text[..e.span.offset()].matches('\n').count() + 1;
                format!(
                    "{} @{line} `{}`",
                    e.message,
                    &text[e.span.offset()..e.span.offset() + e.span.len()]
                )
            }
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn bad_values_are_errors_at_their_place() {
        assert_eq!(
            error_text("[alerts]\nscore_drop = -1\n"),
            "score_drop -1 is not a number of score points @2 `-1`"
        );
        assert_eq!(
            error_text("[alerts]\ntable_score_drop = 250\n"),
            "table_score_drop 250 is not a number of score points @2 `250`"
        );
        assert_eq!(
            error_text("[alerts]\nkpis = [\"nps\", \"churnn\"]\n"),
            "[alerts] kpis: no KPI has the id `churnn` @2 `\"churnn\"`"
        );
        assert_eq!(
            error_text("[alerts]\nkpi_interval = \"wide\"\n"),
            "kpi_interval `wide` is not an interval of the report @2 `\"wide\"`"
        );
        let typo = error_text("[alerts]\nscore_dorp = 5\n");
        assert!(typo.contains("unknown field `score_dorp`"), "{typo}");
        assert!(
            typo.contains("score_drop"),
            "lists the expected keys: {typo}"
        );
    }
}
