//! Header presets: how each CRM's export names the canonical fields, per table kind.
//!
//! The presets are data (`rules/presets/*.toml`), embedded in the binary so that crmaudit works
//! from any folder. Headers are matched case- and punctuation-insensitively (`Create Date`,
//! `create_date` and `CreateDate` are one key), because exports and hand-edited CSVs disagree on
//! exactly those details.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use foldhash::{HashMap, HashMapExt};
use serde::Deserialize;

use crate::kind::Kind;

const EMBEDDED: &[(&str, &str)] = &[
    ("generic", include_str!("../../rules/presets/generic.toml")),
    (
        "salesforce",
        include_str!("../../rules/presets/salesforce.toml"),
    ),
    ("hubspot", include_str!("../../rules/presets/hubspot.toml")),
    (
        "pipedrive",
        include_str!("../../rules/presets/pipedrive.toml"),
    ),
    ("zoho", include_str!("../../rules/presets/zoho.toml")),
];

#[derive(Debug, Deserialize)]
struct PresetFile {
    preset: PresetMeta,
    #[serde(default)]
    kinds: BTreeMap<String, PresetKindFile>,
}

#[derive(Debug, Deserialize)]
struct PresetMeta {
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
struct PresetKindFile {
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

/// One kind's part of a preset.
#[derive(Debug)]
pub struct PresetKind {
    pub kind: Kind,
    /// Lower-cased file names that this export uses for the kind.
    pub files: Vec<String>,
    /// header key (see [`header_key`]) -> canonical field.
    pub fields: HashMap<String, String>,
    /// The headers exactly as the export writes them (`FirstName`, `Create Date`): a file using
    /// a CRM's own spellings is evidence of that CRM where header keys alone tie.
    pub spellings: foldhash::HashSet<String>,
}

#[derive(Debug)]
pub struct Preset {
    pub name: String,
    pub description: String,
    pub kinds: Vec<PresetKind>,
}

impl Preset {
    pub fn kind(&self, kind: Kind) -> Option<&PresetKind> {
        self.kinds.iter().find(|k| k.kind == kind)
    }
}

/// All known presets.
pub struct Presets {
    pub all: Vec<Preset>,
}

/// The comparison key of a header: lowercase letters and digits only.
pub fn header_key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

static PRESETS: LazyLock<Presets> = LazyLock::new(|| {
    let all = EMBEDDED
        .iter()
        .map(|(file, text)| {
            parse_preset(text).unwrap_or_else(|err| {
                // The presets are compiled in and covered by tests, so a broken one is a build
                // defect, not user input.
                panic!("embedded preset {file}.toml is invalid: {err}")
            })
        })
        .collect();
    Presets { all }
});

fn parse_preset(text: &str) -> Result<Preset, String> {
    let file: PresetFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut kinds = Vec::new();
    for (kind_name, part) in file.kinds {
        let kind = Kind::parse(&kind_name).ok_or_else(|| format!("unknown kind {kind_name}"))?;
        let mut fields = HashMap::with_capacity(part.fields.len());
        let spellings = part.fields.keys().cloned().collect();
        for (header, canonical) in part.fields {
            fields.insert(header_key(&header), canonical);
        }
        kinds.push(PresetKind {
            kind,
            files: part.files.iter().map(|f| f.to_lowercase()).collect(),
            fields,
            spellings,
        });
    }
    Ok(Preset {
        name: file.preset.name,
        description: file.preset.description,
        kinds,
    })
}

impl Presets {
    pub fn get() -> &'static Presets {
        &PRESETS
    }

    pub fn by_name(&self, name: &str) -> Option<&Preset> {
        self.all.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The canonical fields of a kind (every kind's when None): the values the presets map
    /// headers to.
    pub fn canonical_fields(&self, kind: Option<Kind>) -> std::collections::BTreeSet<&str> {
        self.all
            .iter()
            .flat_map(|p| &p.kinds)
            .filter(|part| kind.is_none_or(|k| part.kind == k))
            .flat_map(|part| part.fields.values().map(String::as_str))
            .collect()
    }

    /// Whether `header`, exactly as written, is evidence of `preset`'s export for the kind of
    /// `part`: the preset spells it so, no other preset of the kind does (`Amount` is HubSpot's,
    /// Zoho's and Salesforce's), and it is not the generic spelling in other capitals
    /// (`Currency` is what anyone types for `currency`). `FirstName` is Salesforce's own; the
    /// generic preset has no own spellings, it is the default.
    fn is_own_spelling(&self, preset: &Preset, part: &PresetKind, header: &str) -> bool {
        if preset.name == "generic" || !part.spellings.contains(header) {
            return false;
        }
        let lower = header.to_lowercase();
        self.all.iter().all(|other| {
            let Some(theirs) = other.kind(part.kind) else {
                return true;
            };
            if other.name == "generic" {
                !theirs.spellings.contains(&lower)
            } else {
                std::ptr::eq(other, preset) || !theirs.spellings.contains(header)
            }
        })
    }

    pub fn names(&self) -> Vec<&str> {
        self.all.iter().map(|p| p.name.as_str()).collect()
    }

    /// Recognises an export from its file name and headers. The kind comes first: a file name
    /// that an export is known to use for a kind (`CampaignMember.csv`, `deals.csv`) wins, then
    /// the kind whose fields cover most headers (at least two). Within that kind, the preset
    /// covering most headers is chosen; on a tie, the one whose own spellings the file uses
    /// (`FirstName` is Salesforce's alone; `Amount`, which several CRMs write, and `first_name`
    /// are nobody's: see `is_own_spelling`), then a named export whose file name only it uses,
    /// else the generic preset: naming a CRM needs evidence beyond headers every preset knows
    /// (`id`, `email`, `Amount`). Returns None when neither the name nor two headers say
    /// anything.
    pub fn recognise(&self, file_name: &str, headers: &[String]) -> Option<Recognition<'_>> {
        let file_lower = file_name.to_lowercase();
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        // A plain name (`contacts.csv`) says which kind, not which CRM: for a named export it is
        // evidence only when the generic preset does not list it too (`Contact.csv` is).
        let generic_names: Vec<&String> = self
            .by_name("generic")
            .map(|g| g.kinds.iter().flat_map(|k| &k.files).collect())
            .unwrap_or_default();
        let candidates: Vec<(&Preset, &PresetKind, bool, usize)> = self
            .all
            .iter()
            .flat_map(|preset| preset.kinds.iter().map(move |part| (preset, part)))
            .map(|(preset, part)| {
                let matched = keys.iter().filter(|k| part.fields.contains_key(*k)).count();
                let named = part.files.contains(&file_lower);
                (preset, part, named, matched)
            })
            .filter(|c| c.2 || c.3 >= 2)
            .collect();
        let kind = candidates
            .iter()
            .max_by_key(|(preset, part, name_hit, matched)| {
                // Later kinds lose exact ties, so the answer does not depend on map order.
                (
                    *name_hit,
                    *matched,
                    preset.name == "generic",
                    std::cmp::Reverse(part.kind),
                )
            })?
            .1
            .kind;
        let (preset, _, _, matched) = candidates.iter().filter(|c| c.1.kind == kind).max_by_key(
            |(preset, part, name_hit, matched)| {
                let own = headers
                    .iter()
                    .filter(|h| self.is_own_spelling(preset, part, h.trim()))
                    .count();
                let specific_name =
                    *name_hit && preset.name != "generic" && !generic_names.contains(&&file_lower);
                (*matched, own, specific_name, preset.name == "generic")
            },
        )?;
        Some(Recognition {
            preset,
            kind,
            matched: *matched,
        })
    }
}

pub struct Recognition<'a> {
    pub preset: &'a Preset,
    pub kind: Kind,
    /// Headers the preset maps for that kind.
    pub matched: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_preset_parses() {
        for (file, text) in EMBEDDED {
            parse_preset(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }

    /// Case 04's header: `Amount` is spelled so by HubSpot, Zoho and Salesforce alike, `Company`
    /// and `Notes` by none of the deal presets; `deals.csv` is the generic name (HubSpot and
    /// Pipedrive use it too). Nothing names a CRM, so the generic preset is named, whatever
    /// the order of the presets.
    #[test]
    fn a_tie_without_a_crm_s_own_spelling_or_file_name_is_generic() {
        let presets = Presets::get();
        let headers: Vec<String> = ["Company", "Amount", "Notes"].map(String::from).into();
        let found = presets.recognise("deals.csv", &headers).unwrap();
        assert_eq!(
            (found.kind, found.preset.name.as_str()),
            (Kind::Deals, "generic")
        );
        // A spelling only one CRM uses still names it.
        let headers: Vec<String> = ["Id", "FirstName", "LastName", "Email"]
            .map(String::from)
            .into();
        let found = presets.recognise("people.csv", &headers).unwrap();
        assert_eq!(found.preset.name, "salesforce");
        // Capitals alone are not evidence: `Currency` is `currency` typed by anyone.
        let headers: Vec<String> = ["Amount", "Currency", "Stage"].map(String::from).into();
        let found = presets.recognise("deals.csv", &headers).unwrap();
        assert_eq!(found.preset.name, "generic");
    }

    #[test]
    fn header_keys_ignore_case_and_punctuation() {
        assert_eq!(header_key("Create Date"), header_key("create_date"));
        assert_eq!(header_key("E-Mail"), "email");
    }
}
