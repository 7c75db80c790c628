//! `crmaudit.toml`: the tables of a workspace, how to read them and how to map their headers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Result, SourceText};
use crate::findings::Severity;
use crate::kind::Kind;
use crate::normalize::date::DateOrder;
use crate::normalize::number::NumberLocale;
use crate::source::EncodingChoice;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceFile {
    #[serde(default)]
    workspace: WorkspaceSection,
    #[serde(default)]
    tables: BTreeMap<String, Spanned<TableSection>>,
    /// Settings for built-in rules by code, e.g. `[rules.DQ301] after_days = 180`.
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<RuleOverrideSection>>,
    /// KPI settings shared by every KPI (level, seed, bootstrap samples).
    kpi: Option<super::kpis::KpiSection>,
    /// Per-KPI settings by id, e.g. `[kpis.churn] variant = "exposure"`.
    #[serde(default)]
    kpis: BTreeMap<Spanned<String>, super::kpis::KpiOverrideSection>,
    /// Score weights: `[scores]` dimensions, `[scores.tables]` tables.
    scores: Option<super::kpis::ScoresSection>,
    /// Regressions against the previous run: `[alerts] score_drop = 5`...
    alerts: Option<super::alerts::AlertsSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleOverrideSection {
    enabled: Option<bool>,
    severity: Option<Severity>,
    tolerance: Option<Spanned<f64>>,
    after_days: Option<Spanned<u32>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkspaceSection {
    name: Option<String>,
    /// A string or a bare TOML date (`as_of = 2024-12-31`).
    as_of: Option<Spanned<toml::Value>>,
    default_region: Option<Spanned<String>>,
    date_order: Option<DateOrderSetting>,
    #[serde(default)]
    rule_packs: Vec<Spanned<String>>,
    /// false: run only the user's rule packs.
    default_rules: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSection {
    path: Spanned<String>,
    kind: Option<Kind>,
    preset: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
    date_order: Option<DateOrderSetting>,
    default_region: Option<Spanned<String>>,
    number_locale: Option<NumberLocaleSetting>,
    encoding: Option<EncodingSetting>,
    delimiter: Option<Spanned<String>>,
    excel_serial_dates: Option<bool>,
    #[serde(default)]
    columns: BTreeMap<String, Spanned<String>>,
    /// Entity matching (fuzzy duplicates) for this table.
    dedupe: Option<super::dedupe::DedupeSection>,
}

/// Tuning of a rule from the workspace file (`[rules.CODE]`). Whether CODE is a rule of the run,
/// and whether `after_days` fits its check, is only known once the rule packs are loaded
/// (`checks::plan`), hence the spans.
#[derive(Debug, Clone, Default)]
pub struct RuleOverride {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    pub tolerance: Option<f64>,
    pub after_days: Option<u32>,
    /// Where the code is written (`[rules.DQ301]`).
    pub code_span: std::ops::Range<usize>,
    /// Where `after_days` is written, when it is.
    pub after_days_span: Option<std::ops::Range<usize>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum DateOrderSetting {
    Dmy,
    Mdy,
    Ymd,
}

impl From<DateOrderSetting> for DateOrder {
    fn from(setting: DateOrderSetting) -> Self {
        match setting {
            DateOrderSetting::Dmy => DateOrder::Dmy,
            DateOrderSetting::Mdy => DateOrder::Mdy,
            DateOrderSetting::Ymd => DateOrder::Ymd,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum NumberLocaleSetting {
    Auto,
    Point,
    Comma,
}

#[derive(Debug, Clone, Copy, Deserialize)]
enum EncodingSetting {
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "windows-1252")]
    Windows1252,
    #[serde(rename = "utf-16le")]
    Utf16Le,
    #[serde(rename = "utf-16be")]
    Utf16Be,
}

impl From<EncodingSetting> for EncodingChoice {
    fn from(setting: EncodingSetting) -> Self {
        match setting {
            EncodingSetting::Auto => EncodingChoice::Auto,
            EncodingSetting::Utf8 => EncodingChoice::Utf8,
            EncodingSetting::Windows1252 => EncodingChoice::Windows1252,
            EncodingSetting::Utf16Le => EncodingChoice::Utf16Le,
            EncodingSetting::Utf16Be => EncodingChoice::Utf16Be,
        }
    }
}

/// A value from the config together with where it was written, for later diagnostics.
#[derive(Debug, Clone)]
pub struct Placed<T> {
    pub value: T,
    pub span: std::ops::Range<usize>,
}

impl<T> Placed<T> {
    fn from_spanned(spanned: Spanned<T>) -> Self {
        let span = spanned.span();
        Placed {
            value: spanned.into_inner(),
            span,
        }
    }
}

/// One table of the workspace, validated.
#[derive(Debug, Clone)]
pub struct TableConfig {
    pub name: String,
    pub path: PathBuf,
    pub path_span: std::ops::Range<usize>,
    pub kind: Option<Kind>,
    pub preset: Option<Placed<String>>,
    pub id: Option<Placed<String>>,
    pub date_order: Option<DateOrder>,
    pub default_region: Option<String>,
    /// None = detect from the data.
    pub number_locale: Option<NumberLocale>,
    pub encoding: EncodingChoice,
    pub delimiter: Option<u8>,
    pub excel_serial_dates: bool,
    /// header -> canonical field, as written by the user.
    pub columns: Vec<(Placed<String>, Placed<String>)>,
    /// `[tables.NAME.dedupe]` as written; resolved against the kind's defaults once the kind is
    /// known (dataset::bind).
    pub dedupe: Option<super::dedupe::DedupeSection>,
}

/// The whole workspace, validated; `source` keeps the file for diagnostics raised later (a
/// mapping to a header that the CSV file does not have is only found once the file is read).
#[derive(Debug, Clone)]
pub struct WorkspaceConfig {
    pub source: Option<SourceText>,
    pub name: Option<String>,
    pub as_of: Option<jiff::civil::Date>,
    pub default_region: Option<String>,
    pub tables: Vec<TableConfig>,
    pub rule_packs: Vec<Placed<PathBuf>>,
    pub default_rules: bool,
    pub rule_overrides: BTreeMap<String, Placed<RuleOverride>>,
    pub kpi_settings: super::kpis::KpiSettings,
    pub kpis: BTreeMap<String, super::kpis::KpiOverride>,
    pub score_weights: super::kpis::ScoreWeights,
    /// `[alerts]`: what counts as a regression against the previous run or `--baseline`.
    pub alerts: super::alerts::AlertSettings,
}

impl WorkspaceConfig {
    /// Reads and validates a workspace file. Paths in it are relative to its folder.
    pub fn load(path: &Path) -> Result<WorkspaceConfig> {
        let bytes = std::fs::read(path).map_err(|err| {
            crate::error::usage(format!("cannot read config {}: {err}", path.display()))
        })?;
        Self::parse_source(SourceText::from_bytes(path, bytes, "config")?)
    }

    /// Parses and validates the text of a workspace file named `path` (paths in it are relative
    /// to its folder). What `load` does once the file is read; the fuzz target calls it directly.
    pub fn parse(path: &Path, text: String) -> Result<WorkspaceConfig> {
        Self::parse_source(SourceText::new(path, text))
    }

    fn parse_source(source: SourceText) -> Result<WorkspaceConfig> {
        let file: WorkspaceFile =
            toml::from_str(&source.text).map_err(|err| source.toml_error(err, "config"))?;
        let path = source.path.clone();
        let base = path.parent().unwrap_or(Path::new("."));
        Self::validate(file, source, base)
    }

    fn validate(file: WorkspaceFile, source: SourceText, base: &Path) -> Result<WorkspaceConfig> {
        let ws = file.workspace;
        let as_of = match ws.as_of {
            Some(spanned) => {
                let span = spanned.span();
                let text = match spanned.into_inner() {
                    toml::Value::String(text) => text,
                    toml::Value::Datetime(dt) => dt.to_string(),
                    other => {
                        return Err(source.error(
                            span,
                            format!("as_of must be a date, not a {}", other.type_str()),
                            "expected \"YYYY-MM-DD\"",
                            None,
                        ));
                    }
                };
                Some(parse_iso_date(&text).ok_or_else(|| {
                    source.error(
                        span,
                        format!("as_of `{text}` is not a date"),
                        "expected YYYY-MM-DD",
                        None,
                    )
                })?)
            }
            None => None,
        };
        let default_region = ws
            .default_region
            .map(|r| validate_region(&source, r))
            .transpose()?;
        let workspace_order = ws.date_order.map(DateOrder::from);
        if file.tables.is_empty() {
            return Err(source.error(
                0..0,
                format!("{} defines no tables", source.path.display()),
                "no [tables.NAME] section",
                Some(
                    "add a section such as\n[tables.contacts]\npath = \"contacts.csv\"\nkind = \"contacts\"\nor run `crmaudit init DIR`"
                        .into(),
                ),
            ));
        }
        let mut tables = Vec::new();
        for (name, section) in file.tables {
            let section = section.into_inner();
            for canonical in section.columns.values() {
                validate_canonical(&source, section.kind, canonical)?;
            }
            let path_span = section.path.span();
            let table_path = base.join(section.path.into_inner());
            let delimiter = section
                .delimiter
                .map(|d| parse_delimiter(&source, d))
                .transpose()?;
            let region = section
                .default_region
                .map(|r| validate_region(&source, r))
                .transpose()?
                .or_else(|| default_region.clone());
            tables.push(TableConfig {
                name,
                path: table_path,
                path_span,
                kind: section.kind,
                preset: section.preset.map(Placed::from_spanned),
                id: section.id.map(Placed::from_spanned),
                date_order: section.date_order.map(DateOrder::from).or(workspace_order),
                default_region: region,
                number_locale: match section.number_locale {
                    None | Some(NumberLocaleSetting::Auto) => None,
                    Some(NumberLocaleSetting::Point) => Some(NumberLocale::Point),
                    Some(NumberLocaleSetting::Comma) => Some(NumberLocale::Comma),
                },
                encoding: section.encoding.map(Into::into).unwrap_or_default(),
                delimiter,
                excel_serial_dates: section.excel_serial_dates.unwrap_or(false),
                dedupe: section.dedupe,
                columns: section
                    .columns
                    .into_iter()
                    .map(|(header, canonical)| {
                        let span = canonical.span();
                        (
                            Placed {
                                value: header,
                                span: span.clone(),
                            },
                            Placed::from_spanned(canonical),
                        )
                    })
                    .collect(),
            });
        }
        let rule_packs = ws
            .rule_packs
            .into_iter()
            .map(|p| {
                let placed = Placed::from_spanned(p);
                Placed {
                    value: base.join(&placed.value),
                    span: placed.span,
                }
            })
            .collect();
        let table_names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
        let kpi_settings = super::kpis::validate_kpi_section(&source, file.kpi)?;
        let kpis = super::kpis::validate_kpis(&source, file.kpis, &table_names)?;
        let score_weights = super::kpis::validate_scores(&source, file.scores, &table_names)?;
        let alerts = super::alerts::validate_alerts(&source, file.alerts)?;
        let mut rule_overrides = BTreeMap::new();
        for (code, section) in file.rules {
            let code_span = code.span();
            let span = section.span();
            let section = section.into_inner();
            if let Some(tolerance) = &section.tolerance
                && !(0.0..=1.0).contains(tolerance.get_ref())
            {
                return Err(source.error(
                    tolerance.span(),
                    format!(
                        "tolerance {} is not a share between 0 and 1",
                        tolerance.get_ref()
                    ),
                    "expected a share such as 0.05 (5% of checked values)",
                    None,
                ));
            }
            rule_overrides.insert(
                code.into_inner(),
                Placed {
                    value: RuleOverride {
                        enabled: section.enabled,
                        severity: section.severity,
                        tolerance: section.tolerance.map(Spanned::into_inner),
                        after_days_span: section.after_days.as_ref().map(Spanned::span),
                        after_days: section.after_days.map(Spanned::into_inner),
                        code_span,
                    },
                    span,
                },
            );
        }
        Ok(WorkspaceConfig {
            source: Some(source),
            name: ws.name,
            as_of,
            default_region,
            tables,
            rule_packs,
            default_rules: ws.default_rules.unwrap_or(true),
            rule_overrides,
            kpi_settings,
            kpis,
            score_weights,
            alerts,
        })
    }

    /// The error for a value placed in this config file.
    pub fn error_at(
        &self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> crate::error::Error {
        match &self.source {
            Some(source) => source.error(span, message, label, help),
            None => crate::error::Error::Usage {
                message: message.into(),
                help,
            },
        }
    }
}

pub fn parse_iso_date(text: &str) -> Option<jiff::civil::Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    text.parse::<jiff::civil::Date>().ok()
}

/// A column mapping must name a canonical field: a typo would otherwise leave the column
/// unchecked while the gate passes.
fn validate_canonical(
    source: &SourceText,
    kind: Option<Kind>,
    canonical: &Spanned<String>,
) -> Result<()> {
    // A table of kind `other` gets recognisable fields of any kind.
    let kind = kind.filter(|k| *k != Kind::Other);
    let fields = crate::config::preset::Presets::get().canonical_fields(kind);
    let name = canonical.get_ref();
    if fields.contains(name.as_str()) {
        return Ok(());
    }
    let scope = match kind {
        Some(kind) => format!("tables of kind `{kind}`"),
        None => "any table kind".to_string(),
    };
    let closest = fields
        .iter()
        .map(|f| (strsim::jaro_winkler(f, name), *f))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let help = match closest {
        Some((_, field)) => format!(
            "did you mean `{field}`? Canonical fields for {scope}: {}",
            fields.iter().copied().collect::<Vec<_>>().join(", ")
        ),
        None => format!(
            "canonical fields for {scope}: {}",
            fields.iter().copied().collect::<Vec<_>>().join(", ")
        ),
    };
    Err(source.error(
        canonical.span(),
        if name.is_empty() {
            "a column is mapped to an empty field name".to_string()
        } else {
            format!("`{name}` is not a canonical field for {scope}")
        },
        "unknown field",
        Some(help),
    ))
}

fn validate_region(source: &SourceText, region: Spanned<String>) -> Result<String> {
    let span = region.span();
    let text = region.into_inner();
    match crate::normalize::country::country_code(&text) {
        Some(code) if text.len() == 2 => Ok(code.to_string()),
        _ => Err(source.error(
            span,
            format!("`{text}` is not a two-letter ISO 3166 region code"),
            "expected a code such as \"US\", \"GB\" or \"DE\"",
            None,
        )),
    }
}

fn parse_delimiter(source: &SourceText, delimiter: Spanned<String>) -> Result<u8> {
    let span = delimiter.span();
    match delimiter.get_ref().as_str() {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "\t" | "\\t" | "tab" => Ok(b'\t'),
        "|" => Ok(b'|'),
        ":" => Ok(b':'),
        "^" => Ok(b'^'),
        "~" => Ok(b'~'),
        other => Err(source.error(
            span,
            format!("delimiter `{other}` is not supported"),
            "expected one of \",\", \";\", \"\\t\", \"|\", \":\", \"^\", \"~\"",
            None,
        )),
    }
}
