//! Tables as the checks see them: the raw cells of each file plus what the workspace says about
//! them (kind, preset, header mapping, id column, date order, phone region, number locale).

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use crate::config::dedupe::{self, DedupeConfig};
use crate::config::preset::{Presets, header_key};
use crate::config::{Preset, TableConfig, WorkspaceConfig};
use crate::error::Result;
use crate::kind::{FieldType, Kind};
use crate::normalize::date::DateOrder;
use crate::normalize::number::{self, NumberLocale};
use crate::normalize::text::is_missing;
use crate::table::RawTable;

/// One table, read and mapped.
#[derive(Debug)]
pub struct Table {
    pub name: Arc<str>,
    pub kind: Kind,
    pub preset: Option<String>,
    pub raw: RawTable,
    /// Canonical field of each column, when mapped.
    pub mapping: Vec<Option<String>>,
    by_canonical: HashMap<String, usize>,
    pub id_column: Option<usize>,
    pub country_column: Option<usize>,
    pub date_order: Option<DateOrder>,
    pub default_region: Option<String>,
    pub number_locale: NumberLocale,
    /// "configured", "detected" or "default": the report says which.
    pub number_locale_source: &'static str,
    pub excel_serial_dates: bool,
    /// Entity matching settings: the table's `[dedupe]` section over its kind's defaults, or the
    /// defaults of contacts, leads and companies; none for other kinds.
    pub dedupe: Option<DedupeConfig>,
}

impl Table {
    pub fn rows(&self) -> usize {
        self.raw.rows()
    }

    /// A column by canonical field, then by exact header, then by header key.
    pub fn resolve_field(&self, name: &str) -> Option<usize> {
        if let Some(&col) = self.by_canonical.get(name) {
            return Some(col);
        }
        if let Some(col) = self.raw.column_index(name) {
            return Some(col);
        }
        let key = header_key(name);
        self.raw
            .columns
            .iter()
            .position(|c| header_key(&c.header) == key)
    }

    pub fn canonical(&self, column: usize) -> Option<&str> {
        self.mapping[column].as_deref()
    }

    pub fn header(&self, column: usize) -> &str {
        &self.raw.columns[column].header
    }

    pub fn field_type(&self, column: usize) -> FieldType {
        match self.canonical(column) {
            Some(canonical) => FieldType::of(canonical),
            None => FieldType::Text,
        }
    }

    pub fn cell(&self, record: usize, column: usize) -> &str {
        self.raw.columns[column].get(record)
    }

    /// The record's id as the CRM knows it; `#LINE` when the table has no id or the cell is empty,
    /// so that every worklist row still points at one record.
    pub fn record_id(&self, record: usize) -> String {
        if let Some(col) = self.id_column {
            let id = self.cell(record, col).trim();
            if !is_missing(id) {
                return id.to_string();
            }
        }
        format!("#{}", self.raw.lines[record])
    }

    /// The order in which duplicates keep a record: records with an id before those without,
    /// ids compared naturally (`C-9` before `C-10`). Equal ids (or none) are equal here; the
    /// caller breaks that tie. Ids rather than lines so that the kept record does not change when
    /// the same records are exported in another order.
    pub fn id_cmp(&self, a: usize, b: usize) -> std::cmp::Ordering {
        let id = |r: usize| {
            self.id_column
                .map(|c| self.cell(r, c).trim())
                .filter(|v| !is_missing(v))
        };
        match (id(a), id(b)) {
            (Some(x), Some(y)) => crate::normalize::id_order::natural_cmp(x, y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
    }

    pub fn line(&self, record: usize) -> u64 {
        self.raw.lines[record]
    }

    pub fn mapped_columns(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.mapping.len()).filter(|&c| self.mapping[c].is_some())
    }

    pub fn unmapped_headers(&self) -> Vec<String> {
        (0..self.mapping.len())
            .filter(|&c| self.mapping[c].is_none())
            .map(|c| self.header(c).to_string())
            .collect()
    }
}

/// Everything one run reads.
#[derive(Debug)]
pub struct Dataset {
    pub tables: Vec<Table>,
    pub as_of: jiff::civil::Date,
}

impl Dataset {
    pub fn table_by_name(&self, name: &str) -> Option<usize> {
        self.tables.iter().position(|t| &*t.name == name)
    }
}

/// Maps a raw table's headers to canonical fields and settles its settings.
pub fn bind(raw: RawTable, cfg: &TableConfig, ws: &WorkspaceConfig) -> Result<Table> {
    let presets = Presets::get();
    let headers: Vec<String> = raw.columns.iter().map(|c| c.header.clone()).collect();
    let file_name = raw
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();

    let named_preset: Option<&Preset> = match &cfg.preset {
        Some(placed) => Some(presets.by_name(&placed.value).ok_or_else(|| {
            ws.error_at(
                placed.span.clone(),
                format!("unknown preset `{}`", placed.value),
                format!("expected one of {}", presets.names().join(", ")),
                None,
            )
        })?),
        None => None,
    };
    let recognised = presets.recognise(&file_name, &headers);
    let kind = cfg
        .kind
        .or(recognised.as_ref().map(|r| r.kind))
        .unwrap_or(Kind::Other);
    let preset = named_preset.or_else(|| {
        recognised
            .as_ref()
            .filter(|r| r.kind == kind)
            .map(|r| r.preset)
    });

    let mut mapping: Vec<Option<String>> = vec![None; headers.len()];
    let mut by_canonical: HashMap<String, usize> = HashMap::new();
    let mut assign = |mapping: &mut Vec<Option<String>>, col: usize, canonical: &str| {
        if mapping[col].is_none() && !by_canonical.contains_key(canonical) {
            mapping[col] = Some(canonical.to_string());
            by_canonical.insert(canonical.to_string(), col);
        }
    };

    // Explicit mappings win; a mapping to a header the file lacks is a config error, because the
    // user's rules would silently check nothing.
    for (header, canonical) in &cfg.columns {
        let Some(col) = headers.iter().position(|h| *h == header.value) else {
            return Err(ws.error_at(
                header.span.clone(),
                format!(
                    "table `{}` maps column `{}`, which {} does not have",
                    cfg.name,
                    header.value,
                    raw.path.display()
                ),
                "no such header",
                Some(format!("its headers are: {}", headers.join(", "))),
            ));
        };
        assign(&mut mapping, col, &canonical.value);
    }
    let generic = presets.by_name("generic");
    for source in [preset, generic].into_iter().flatten() {
        // A table of no known kind still gets its recognisable fields (email, phone, dates)
        // mapped, from any kind, so type-based rules can check them.
        let parts: Vec<_> = match kind {
            Kind::Other => source.kinds.iter().collect(),
            _ => source.kind(kind).into_iter().collect(),
        };
        for part in parts {
            for (col, header) in headers.iter().enumerate() {
                if let Some(canonical) = part.fields.get(&header_key(header)) {
                    assign(&mut mapping, col, canonical);
                }
            }
        }
    }

    let id_column = match &cfg.id {
        Some(id) => Some(headers.iter().position(|h| *h == id.value).ok_or_else(|| {
            ws.error_at(
                id.span.clone(),
                format!(
                    "id column `{}` of table `{}` is not in {}",
                    id.value,
                    cfg.name,
                    raw.path.display()
                ),
                "no such header",
                Some(format!("its headers are: {}", headers.join(", "))),
            )
        })?),
        None => by_canonical.get("id").copied(),
    };
    let country_column = by_canonical.get("country").copied();

    let (number_locale, number_locale_source) = match cfg.number_locale {
        Some(locale) => (locale, "configured"),
        None => {
            let number_columns = mapping
                .iter()
                .enumerate()
                .filter(|(_, m)| m.as_deref().map(FieldType::of) == Some(FieldType::Number))
                .map(|(c, _)| c);
            // Sampling bounds the cost on big files; a column's locale shows in its first rows.
            let sample = number_columns.flat_map(|c| raw.columns[c].iter().take(20_000));
            match number::detect_locale(sample) {
                Some(locale) => (locale, "detected"),
                None => (NumberLocale::Point, "default"),
            }
        }
    };

    let mut table = Table {
        name: Arc::from(cfg.name.as_str()),
        kind,
        preset: preset.map(|p| p.name.clone()),
        raw,
        mapping,
        by_canonical,
        id_column,
        country_column,
        date_order: cfg.date_order,
        default_region: cfg.default_region.clone(),
        number_locale,
        number_locale_source,
        excel_serial_dates: cfg.excel_serial_dates,
        dedupe: None,
    };
    table.dedupe = dedupe_settings(&table, cfg, ws)?;
    Ok(table)
}

/// The table's matching settings, with every field they name checked against its headers: a
/// misspelt field would otherwise silently compare nothing.
fn dedupe_settings(
    table: &Table,
    cfg: &TableConfig,
    ws: &WorkspaceConfig,
) -> Result<Option<DedupeConfig>> {
    let config = match (&cfg.dedupe, &ws.source) {
        (Some(section), Some(source)) => {
            dedupe::resolve(source, section, Some(dedupe::defaults_any(table.kind)))?
        }
        _ => match dedupe::default_for(table.kind) {
            Some(defaults) => defaults.clone(),
            None => return Ok(None),
        },
    };
    let headers = || {
        let names: Vec<&str> = table
            .raw
            .columns
            .iter()
            .map(|c| c.header.as_str())
            .collect();
        Some(format!("its headers are: {}", names.join(", ")))
    };
    let explicit = config
        .fields
        .iter()
        .filter(|_| config.explicit_fields)
        .map(|f| &f.field);
    for field in explicit.chain(config.block_on.iter().flatten()) {
        if table.resolve_field(&field.value).is_none() {
            return Err(ws.error_at(
                field.span.clone(),
                format!(
                    "table `{}`: dedupe field `{}` is not in {}",
                    cfg.name,
                    field.value,
                    table.raw.path.display()
                ),
                "no such field or header",
                headers(),
            ));
        }
    }
    Ok(Some(config))
}
