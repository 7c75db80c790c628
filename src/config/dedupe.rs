//! `[tables.NAME.dedupe]`: which fields entity matching compares and how, with what weights,
//! threshold, blocking and survivor policy. The built-in defaults per table kind
//! (`rules/dedupe/<kind>.toml`) and the comparison levels with their m/u probabilities
//! (`rules/dedupe/comparisons.toml`) are written in the same form and compiled in.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Result, SourceText};
use crate::kind::Kind;

use super::workspace::Placed;

/// How two values of one field are compared: each kind has fixed agreement levels, best first;
/// the last level is always "different".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    FirstName,
    LastName,
    FullName,
    Email,
    Phone,
    Company,
    Domain,
    Address,
    City,
    Postcode,
    Date,
    Id,
    Text,
    Exact,
}

impl Comparison {
    pub const ALL: &'static [Comparison] = &[
        Comparison::FirstName,
        Comparison::LastName,
        Comparison::FullName,
        Comparison::Email,
        Comparison::Phone,
        Comparison::Company,
        Comparison::Domain,
        Comparison::Address,
        Comparison::City,
        Comparison::Postcode,
        Comparison::Date,
        Comparison::Id,
        Comparison::Text,
        Comparison::Exact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::FirstName => "first_name",
            Comparison::LastName => "last_name",
            Comparison::FullName => "full_name",
            Comparison::Email => "email",
            Comparison::Phone => "phone",
            Comparison::Company => "company",
            Comparison::Domain => "domain",
            Comparison::Address => "address",
            Comparison::City => "city",
            Comparison::Postcode => "postcode",
            Comparison::Date => "date",
            Comparison::Id => "id",
            Comparison::Text => "text",
            Comparison::Exact => "exact",
        }
    }

    pub fn parse(name: &str) -> Option<Comparison> {
        Comparison::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// The agreement levels, best first; what `m` and `u` list probabilities for.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Comparison::FirstName => {
                &["exact", "alias", "typo", "initial", "phonetic", "different"]
            }
            Comparison::LastName => &["exact", "typo", "phonetic", "different"],
            Comparison::FullName => &["exact", "alias", "typo", "similar", "different"],
            Comparison::Email => &["exact", "same_local", "similar", "different"],
            Comparison::Phone => &["exact", "typo", "different"],
            Comparison::Company => &["exact", "similar", "different"],
            Comparison::Domain => &["exact", "different"],
            Comparison::Address => &["exact", "similar", "partial", "different"],
            Comparison::City | Comparison::Text => &["exact", "similar", "different"],
            Comparison::Postcode => &["exact", "typo", "different"],
            Comparison::Date => &["exact", "swapped", "typo", "different"],
            Comparison::Id => &["exact", "typo", "different"],
            Comparison::Exact => &["exact", "different"],
        }
    }
}

/// Which record a cluster keeps, as criteria tried in order until one decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurvivorRule {
    /// The record with the most non-empty cells.
    MostComplete,
    /// The latest last activity (else last modified, else created).
    MostRecent,
    /// The earliest creation date: the original entry.
    Oldest,
    /// The lowest record id (`C-9` before `C-10`), usually the original entry: unlike `first`,
    /// the same records exported in another order keep the same survivor.
    LowestId,
    /// The record that comes first in the file.
    First,
}

impl SurvivorRule {
    pub fn as_str(self) -> &'static str {
        match self {
            SurvivorRule::MostComplete => "most_complete",
            SurvivorRule::MostRecent => "most_recent",
            SurvivorRule::Oldest => "oldest",
            SurvivorRule::LowestId => "lowest_id",
            SurvivorRule::First => "first",
        }
    }
}

/// A field's comparison as written: `email = "email"` or `email = { compare = "email", ... }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum FieldToml {
    // Plain values: spans do not survive serde's untagged buffering; the field's own span is
    // used for its diagnostics.
    Kind(String),
    Full(FieldTable),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldTable {
    compare: String,
    m: Option<Vec<f64>>,
    u: Option<Vec<f64>>,
    tf: Option<bool>,
    identity: Option<bool>,
}

/// `[tables.NAME.dedupe]` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedupeSection {
    enabled: Option<bool>,
    threshold: Option<Spanned<f64>>,
    prior: Option<Spanned<f64>>,
    cohesion: Option<Spanned<f64>>,
    max_block: Option<Spanned<usize>>,
    window: Option<Spanned<usize>>,
    max_cluster: Option<Spanned<usize>>,
    survivor: Option<Vec<SurvivorRule>>,
    block_on: Option<Vec<Spanned<Vec<Spanned<String>>>>>,
    estimate: Option<bool>,
    fields: Option<Spanned<BTreeMap<String, Spanned<FieldToml>>>>,
}

/// One compared field, validated (the field itself is resolved against the table later).
#[derive(Debug, Clone)]
pub struct FieldRule {
    /// Canonical field or header, as written.
    pub field: Placed<String>,
    pub compare: Comparison,
    /// Probability of each level among true matches, and among non-matches.
    pub m: Vec<f64>,
    pub u: Vec<f64>,
    /// Term-frequency adjustment of the exact level (a shared `John` or `info@` weighs less).
    pub tf: bool,
    /// Smallest u the adjustment may use, so one rare value cannot outweigh everything else.
    pub tf_floor: f64,
    /// Identity fields (names, birth date, id number) must not disagree overall for a match:
    /// shared contact points (a home phone, a switchboard) do not make two people one.
    pub identity: bool,
}

/// Matching settings for one table, defaults merged with the user's section.
#[derive(Debug, Clone)]
pub struct DedupeConfig {
    pub enabled: bool,
    /// Match probability from which a pair is linked.
    pub threshold: f64,
    /// Prior probability that two records sharing a blocking key are one entity.
    pub prior: f64,
    /// Two groups merge only if every pair across them has at least this match probability.
    pub cohesion: f64,
    pub max_block: usize,
    pub window: usize,
    pub max_cluster: usize,
    pub survivor: Vec<SurvivorRule>,
    /// Extra blocking keys, each the concatenation of the normalised values of its fields.
    pub block_on: Vec<Vec<Placed<String>>>,
    pub estimate: bool,
    pub fields: Vec<FieldRule>,
    /// True when the field list was written by the user (every field must exist), false when it
    /// is the kind's default (fields the table lacks are skipped).
    pub explicit_fields: bool,
}

/// `rules/dedupe/comparisons.toml`: the levels' default m/u per comparison kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComparisonDefaults {
    levels: Vec<String>,
    m: Vec<f64>,
    u: Vec<f64>,
    tf: bool,
    tf_floor: f64,
    identity: bool,
}

pub const COMPARISONS_TOML: &str = include_str!("../../rules/dedupe/comparisons.toml");

pub const KIND_DEFAULTS: &[(&str, &str)] = &[
    ("contacts", include_str!("../../rules/dedupe/contacts.toml")),
    ("leads", include_str!("../../rules/dedupe/leads.toml")),
    (
        "companies",
        include_str!("../../rules/dedupe/companies.toml"),
    ),
    ("other", include_str!("../../rules/dedupe/other.toml")),
];

static COMPARISON_DEFAULTS: LazyLock<BTreeMap<Comparison, ComparisonDefaults>> =
    LazyLock::new(|| {
        let parsed: BTreeMap<String, ComparisonDefaults> = toml::from_str(COMPARISONS_TOML)
            .unwrap_or_else(|e| panic!("rules/dedupe/comparisons.toml is invalid: {e}"));
        let mut out = BTreeMap::new();
        for (name, d) in parsed {
            let c = Comparison::parse(&name)
                .unwrap_or_else(|| panic!("comparisons.toml: unknown comparison {name}"));
            assert_eq!(d.levels, c.levels(), "comparisons.toml: levels of {name}");
            out.insert(c, d);
        }
        out
    });

fn comparison_defaults(c: Comparison) -> &'static ComparisonDefaults {
    COMPARISON_DEFAULTS
        .get(&c)
        .unwrap_or_else(|| panic!("comparisons.toml lacks {}", c.as_str()))
}

static KIND_CONFIGS: LazyLock<BTreeMap<&'static str, DedupeConfig>> = LazyLock::new(|| {
    KIND_DEFAULTS
        .iter()
        .map(|(kind, text)| {
            let source = SourceText::new(
                Path::new(&format!("rules/dedupe/{kind}.toml")),
                text.to_string(),
            );
            let section: DedupeSection = toml::from_str(text)
                .unwrap_or_else(|e| panic!("rules/dedupe/{kind}.toml is invalid: {e}"));
            let config = resolve(&source, &section, None)
                .unwrap_or_else(|e| panic!("rules/dedupe/{kind}.toml is invalid: {e}"));
            (
                *kind,
                DedupeConfig {
                    explicit_fields: false,
                    ..config
                },
            )
        })
        .collect()
});

/// The kinds matched by default in an audit; other kinds only when configured, or through
/// `crmaudit dedupe FILE`.
pub fn default_for(kind: Kind) -> Option<&'static DedupeConfig> {
    match kind {
        Kind::Contacts | Kind::Leads | Kind::Companies => KIND_CONFIGS.get(kind.as_str()),
        _ => None,
    }
}

/// The defaults for any kind (`other` for kinds without their own file): used by
/// `crmaudit dedupe FILE`.
pub fn defaults_any(kind: Kind) -> &'static DedupeConfig {
    KIND_CONFIGS
        .get(kind.as_str())
        .unwrap_or_else(|| &KIND_CONFIGS["other"])
}

/// Validates a section, filling what it leaves out from `base` (the kind's defaults), or from
/// nothing when parsing the defaults themselves.
pub fn resolve(
    source: &SourceText,
    section: &DedupeSection,
    base: Option<&DedupeConfig>,
) -> Result<DedupeConfig> {
    let share = |v: &Option<Spanned<f64>>, name: &str, default: Option<f64>, open: bool| match v {
        Some(s) => {
            let x = *s.get_ref();
            let ok = if open {
                x > 0.0 && x < 1.0
            } else {
                (0.0..=1.0).contains(&x)
            };
            if ok {
                Ok(x)
            } else {
                Err(source.error(
                    s.span(),
                    format!("dedupe `{name}` = {x} is not a probability"),
                    if open {
                        "expected a number strictly between 0 and 1"
                    } else {
                        "expected a number from 0 to 1"
                    },
                    None,
                ))
            }
        }
        None => default.ok_or_else(|| {
            source.error(0..0, format!("dedupe defaults lack `{name}`"), "here", None)
        }),
    };
    let count = |v: &Option<Spanned<usize>>, name: &str, default: Option<usize>, min: usize| match v
    {
        Some(s) if *s.get_ref() >= min => Ok(*s.get_ref()),
        Some(s) => Err(source.error(
            s.span(),
            format!("dedupe `{name}` = {} is too small", s.get_ref()),
            format!("expected a whole number of at least {min}"),
            None,
        )),
        None => default.ok_or_else(|| {
            source.error(0..0, format!("dedupe defaults lack `{name}`"), "here", None)
        }),
    };
    let threshold = share(
        &section.threshold,
        "threshold",
        base.map(|b| b.threshold),
        true,
    )?;
    let prior = share(&section.prior, "prior", base.map(|b| b.prior), true)?;
    let cohesion = share(
        &section.cohesion,
        "cohesion",
        base.map(|b| b.cohesion),
        false,
    )?;
    let max_block = count(
        &section.max_block,
        "max_block",
        base.map(|b| b.max_block),
        2,
    )?;
    let window = count(&section.window, "window", base.map(|b| b.window), 0)?;
    let max_cluster = count(
        &section.max_cluster,
        "max_cluster",
        base.map(|b| b.max_cluster),
        2,
    )?;
    let survivor = match &section.survivor {
        Some(list) if !list.is_empty() => list.clone(),
        _ => base
            .map(|b| b.survivor.clone())
            .unwrap_or_else(|| vec![SurvivorRule::MostComplete, SurvivorRule::LowestId]),
    };
    let block_on = match &section.block_on {
        Some(keys) => keys
            .iter()
            .map(|key| {
                if key.get_ref().is_empty() {
                    return Err(source.error(
                        key.span(),
                        "an empty blocking key",
                        "expected a list of one or more fields",
                        None,
                    ));
                }
                Ok(key
                    .get_ref()
                    .iter()
                    .map(|f| Placed {
                        value: f.get_ref().clone(),
                        span: f.span(),
                    })
                    .collect())
            })
            .collect::<Result<Vec<_>>>()?,
        None => base.map(|b| b.block_on.clone()).unwrap_or_default(),
    };
    let (fields, explicit_fields) = match &section.fields {
        Some(fields) if fields.get_ref().len() > crate::dedupe::weights::MAX_FIELDS => {
            return Err(source.error(
                fields.span(),
                format!(
                    "dedupe compares {} fields; at most {} are supported",
                    fields.get_ref().len(),
                    crate::dedupe::weights::MAX_FIELDS
                ),
                format!("{} fields here", fields.get_ref().len()),
                Some("compare the fields that tell records apart; leave out the rest".into()),
            ));
        }
        Some(fields) => (
            fields
                .get_ref()
                .iter()
                .map(|(name, spec)| field_rule(source, name, spec))
                .collect::<Result<Vec<_>>>()?,
            true,
        ),
        None => (
            base.map(|b| b.fields.clone()).unwrap_or_default(),
            base.is_some_and(|b| b.explicit_fields),
        ),
    };
    Ok(DedupeConfig {
        enabled: section
            .enabled
            .unwrap_or(base.map(|b| b.enabled).unwrap_or(true)),
        threshold,
        prior,
        cohesion,
        max_block,
        window,
        max_cluster,
        survivor,
        block_on,
        estimate: section.estimate.unwrap_or(base.is_some_and(|b| b.estimate)),
        fields,
        explicit_fields,
    })
}

fn field_rule(source: &SourceText, name: &str, spec: &Spanned<FieldToml>) -> Result<FieldRule> {
    let span = spec.span();
    let (kind, m, u, tf, identity) = match spec.get_ref() {
        FieldToml::Kind(kind) => (kind, None, None, None, None),
        FieldToml::Full(t) => (&t.compare, t.m.as_ref(), t.u.as_ref(), t.tf, t.identity),
    };
    let compare = Comparison::parse(kind).ok_or_else(|| {
        source.error(
            span.clone(),
            format!("field `{name}`: unknown comparison `{kind}`"),
            format!(
                "expected one of {}",
                Comparison::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        )
    })?;
    let defaults = comparison_defaults(compare);
    let levels = compare.levels();
    let probabilities = |given: Option<&Vec<f64>>, default: &[f64], what: &str| {
        let Some(values) = given else {
            return Ok(default.to_vec());
        };
        if values.len() != levels.len() || values.iter().any(|&p| !(p > 0.0 && p < 1.0)) {
            return Err(source.error(
                span.clone(),
                format!(
                    "field `{name}`: `{what}` needs one probability per level of `{}`",
                    compare.as_str()
                ),
                format!(
                    "expected {} numbers strictly between 0 and 1, for {}",
                    levels.len(),
                    levels.join(", ")
                ),
                None,
            ));
        }
        Ok(values.clone())
    };
    Ok(FieldRule {
        field: Placed {
            value: name.to_string(),
            span: span.clone(),
        },
        compare,
        m: probabilities(m, &defaults.m, "m")?,
        u: probabilities(u, &defaults.u, "u")?,
        tf: tf.unwrap_or(defaults.tf),
        tf_floor: defaults.tf_floor,
        identity: identity.unwrap_or(defaults.identity),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<DedupeConfig> {
        let source = SourceText::new(Path::new("crmaudit.toml"), text.to_string());
        let section: DedupeSection =
            toml::from_str(text).map_err(|e| source.toml_error(e, "config"))?;
        resolve(&source, &section, Some(defaults_any(Kind::Contacts)))
    }

    #[test]
    fn built_in_defaults_parse_with_probabilities_that_sum_to_one() {
        for c in Comparison::ALL {
            let d = comparison_defaults(*c);
            for (what, ps) in [("m", &d.m), ("u", &d.u)] {
                let sum: f64 = ps.iter().sum();
                assert!(
                    (sum - 1.0).abs() < 1e-9,
                    "{} {what} sums to {sum}",
                    c.as_str()
                );
            }
        }
        for kind in [Kind::Contacts, Kind::Leads, Kind::Companies, Kind::Other] {
            assert!(!defaults_any(kind).fields.is_empty());
        }
        assert!(default_for(Kind::Deals).is_none());
    }

    #[test]
    fn user_settings_override_defaults_and_bad_values_point_at_themselves() {
        let c = parse("threshold = 0.5\nfields = { given = \"first_name\", dob = { compare = \"date\", tf = false } }\n").unwrap();
        assert_eq!(c.threshold, 0.5);
        assert!(c.explicit_fields);
        assert_eq!(c.fields.len(), 2);
        assert_eq!(c.fields[0].field.value, "dob");
        assert!(!c.fields[0].tf);
        let err = parse("threshold = 1.5\n").unwrap_err();
        assert!(err.to_string().contains("not a probability"), "{err}");
        let err = parse("fields = { x = \"soundex\" }\n").unwrap_err();
        assert!(
            err.to_string().contains("unknown comparison `soundex`"),
            "{err}"
        );
        let err = parse("fields = { x = { compare = \"phone\", m = [0.5, 0.5] } }\n").unwrap_err();
        assert!(
            err.to_string().contains("one probability per level"),
            "{err}"
        );
        let err = parse("colour = 1\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn too_many_fields_point_at_the_field_list_not_the_start_of_the_file() {
        let fields: Vec<String> = (0..=crate::dedupe::weights::MAX_FIELDS)
            .map(|i| format!("f{i} = \"text\""))
            .collect();
        let text = format!("threshold = 0.9\nfields = {{ {} }}\n", fields.join(", "));
        match parse(&text) {
            Err(crate::error::Error::Config(e)) => {
                assert!(e.message.contains("at most"), "{}", e.message);
                assert_eq!(e.span.offset(), text.find('{').unwrap(), "at `fields = {{`");
            }
            other => panic!("expected a config error, got {other:?}"),
        }
    }
}
