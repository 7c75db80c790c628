//! The built-in rule packs (`rules/defaults/*.toml`), embedded so the binary works anywhere.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use crate::config::RuleSpec;
use crate::config::rule_pack::parse_pack;
use crate::error::SourceText;

pub const PACKS: &[(&str, &str)] = &[
    ("common", include_str!("../rules/defaults/common.toml")),
    ("contacts", include_str!("../rules/defaults/contacts.toml")),
    (
        "companies",
        include_str!("../rules/defaults/companies.toml"),
    ),
    ("leads", include_str!("../rules/defaults/leads.toml")),
    ("deals", include_str!("../rules/defaults/deals.toml")),
    ("tickets", include_str!("../rules/defaults/tickets.toml")),
    ("surveys", include_str!("../rules/defaults/surveys.toml")),
    ("spend", include_str!("../rules/defaults/spend.toml")),
    (
        "subscriptions",
        include_str!("../rules/defaults/subscriptions.toml"),
    ),
    ("usage", include_str!("../rules/defaults/usage.toml")),
    (
        "campaigns",
        include_str!("../rules/defaults/campaigns.toml"),
    ),
    (
        "campaign_members",
        include_str!("../rules/defaults/campaign_members.toml"),
    ),
    (
        "activities",
        include_str!("../rules/defaults/activities.toml"),
    ),
    ("releases", include_str!("../rules/defaults/releases.toml")),
    (
        "incidents",
        include_str!("../rules/defaults/incidents.toml"),
    ),
    ("other", include_str!("../rules/defaults/other.toml")),
];

static DEFAULT_RULES: LazyLock<Vec<Arc<RuleSpec>>> = LazyLock::new(|| {
    PACKS
        .iter()
        .flat_map(|(name, text)| {
            let source = SourceText::new(
                Path::new(&format!("rules/defaults/{name}.toml")),
                text.to_string(),
            );
            // Embedded packs are covered by tests; a broken one is a build defect.
            parse_pack(&source, true)
                .unwrap_or_else(|err| panic!("built-in pack {name} is invalid: {err}"))
        })
        .map(Arc::new)
        .collect()
});

pub fn default_rules() -> &'static [Arc<RuleSpec>] {
    &DEFAULT_RULES
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::registry;

    #[test]
    fn built_in_packs_parse_and_use_their_checks_codes() {
        for spec in default_rules() {
            let check = registry::by_kind(spec.check);
            assert_eq!(
                &*spec.code,
                check.code(),
                "rule {} uses check {}",
                spec.name,
                check.name()
            );
            assert_eq!(&*spec.name, check.name());
        }
    }
}
