//! Table kinds and the type of each canonical field.
//!
//! The kind decides which default rule pack applies; the field type decides how a value is
//! normalised for comparison (uniqueness on emails compares case-folded addresses, on phones the
//! E.164 form) and which style a consistency check looks at.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Contacts,
    Companies,
    Leads,
    Deals,
    Tickets,
    Surveys,
    Spend,
    Subscriptions,
    Usage,
    Campaigns,
    CampaignMembers,
    Activities,
    Releases,
    Incidents,
    /// A table of no known kind: only the rules common to every table apply.
    Other,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Contacts,
        Kind::Companies,
        Kind::Leads,
        Kind::Deals,
        Kind::Tickets,
        Kind::Surveys,
        Kind::Spend,
        Kind::Subscriptions,
        Kind::Usage,
        Kind::Campaigns,
        Kind::CampaignMembers,
        Kind::Activities,
        Kind::Releases,
        Kind::Incidents,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Contacts => "contacts",
            Kind::Companies => "companies",
            Kind::Leads => "leads",
            Kind::Deals => "deals",
            Kind::Tickets => "tickets",
            Kind::Surveys => "surveys",
            Kind::Spend => "spend",
            Kind::Subscriptions => "subscriptions",
            Kind::Usage => "usage",
            Kind::Campaigns => "campaigns",
            Kind::CampaignMembers => "campaign_members",
            Kind::Activities => "activities",
            Kind::Releases => "releases",
            Kind::Incidents => "incidents",
            Kind::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a canonical field holds, derived from its name so that every kind shares one convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Id,
    Email,
    Phone,
    Date,
    Number,
    Country,
    Text,
}

impl FieldType {
    pub fn of(canonical: &str) -> FieldType {
        match canonical {
            "id" => FieldType::Id,
            "email" => FieldType::Email,
            "phone" | "mobile" => FieldType::Phone,
            "country" => FieldType::Country,
            "birthdate" | "date" | "close_date" | "start_date" | "end_date" | "activity_date" => {
                FieldType::Date
            }
            "amount" | "mrr" | "budgeted_cost" | "actual_cost" | "expected_revenue"
            | "annual_revenue" | "employees" | "probability" | "nps_score" | "csat_score"
            | "tenure_months" | "total_charges" | "sessions" | "duration_minutes" => {
                FieldType::Number
            }
            name if name.ends_with("_at") => FieldType::Date,
            name if name.ends_with("_id") => FieldType::Id,
            _ => FieldType::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(*kind));
        }
    }

    #[test]
    fn field_types_follow_the_naming_convention() {
        assert_eq!(FieldType::of("last_activity_at"), FieldType::Date);
        assert_eq!(FieldType::of("account_id"), FieldType::Id);
        assert_eq!(FieldType::of("mobile"), FieldType::Phone);
        assert_eq!(FieldType::of("total_charges"), FieldType::Number);
        assert_eq!(FieldType::of("status"), FieldType::Text);
    }
}
