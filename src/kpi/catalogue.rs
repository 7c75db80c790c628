//! The KPI catalogue (`rules/kpis.toml`, compiled in): names, defaults, variants with their unit,
//! definition and interval method. Data, not code, so the README and `kpi` output read the same
//! words the computation uses.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiDef {
    pub name: String,
    /// What the KPI reads, in words.
    pub reads: String,
    pub higher_is_better: bool,
    /// The default period (see `period.rs`), when neither `--period` nor the config sets one.
    pub period: String,
    /// The default variant.
    pub variant: String,
    pub variants: BTreeMap<String, VariantDef>,
    pub window_days: Option<u32>,
    pub horizon_months: Option<u32>,
    pub margin: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantDef {
    /// percent | points | currency | days | hours | count | ratio (CONTRACT.md).
    pub unit: String,
    pub definition: String,
    pub interval: String,
}

pub const SOURCE: &str = include_str!("../../rules/kpis.toml");

static CATALOGUE: LazyLock<BTreeMap<String, KpiDef>> = LazyLock::new(|| {
    // Covered by tests; a broken embedded catalogue is a build defect.
    toml::from_str(SOURCE).unwrap_or_else(|err| panic!("rules/kpis.toml is invalid: {err}"))
});

pub fn catalogue() -> &'static BTreeMap<String, KpiDef> {
    &CATALOGUE
}

pub fn get(id: &str) -> Option<&'static KpiDef> {
    CATALOGUE.get(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT_IDS: [&str; 15] = [
        "csat",
        "nps",
        "user_adoption",
        "cac",
        "clv",
        "lead_conversion",
        "win_rate",
        "active_users",
        "feature_adoption",
        "retention",
        "churn",
        "time_to_market",
        "uptime",
        "ticket_resolution_time",
        "sales_growth",
    ];

    #[test]
    fn catalogue_holds_exactly_the_contract_ids_with_valid_defaults() {
        let mut ids: Vec<&str> = catalogue().keys().map(String::as_str).collect();
        ids.sort();
        let mut want = CONTRACT_IDS.to_vec();
        want.sort();
        assert_eq!(ids, want);
        let units = [
            "percent", "points", "currency", "days", "hours", "count", "ratio",
        ];
        for (id, def) in catalogue() {
            assert!(
                def.variants.contains_key(&def.variant),
                "{id}: default variant"
            );
            assert!(
                crate::kpi::period::PeriodSpec::parse(&def.period).is_ok(),
                "{id}: period"
            );
            for (name, v) in &def.variants {
                assert!(
                    units.contains(&v.unit.as_str()),
                    "{id}.{name}: unit {}",
                    v.unit
                );
            }
        }
    }
}
