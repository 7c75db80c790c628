//! Every KPI, in the order reports list them (CONTRACT.md's order). Adding a KPI is one file,
//! one line here, one entry in `rules/kpis.toml`, a test.

use super::Kpi;

pub const ALL: &[&dyn Kpi] = &[
    &super::csat::Csat,
    &super::nps::Nps,
    &super::user_adoption::UserAdoption,
    &super::cac::Cac,
    &super::clv::Clv,
    &super::lead_conversion::LeadConversion,
    &super::win_rate::WinRate,
    &super::active_users::ActiveUsers,
    &super::feature_adoption::FeatureAdoption,
    &super::retention::Retention,
    &super::churn::Churn,
    &super::time_to_market::TimeToMarket,
    &super::uptime::Uptime,
    &super::ticket_resolution_time::TicketResolutionTime,
    &super::sales_growth::SalesGrowth,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_and_catalogue_agree() {
        let ids: Vec<&str> = ALL.iter().map(|k| k.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        let catalogue: Vec<&str> = super::super::catalogue::catalogue()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(sorted, catalogue);
    }
}
