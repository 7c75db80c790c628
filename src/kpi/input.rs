//! What the KPI stage reads: the dataset's columns as typed values, each present, missing or
//! invalid. A value is invalid when it does not parse as its type or when a validity rule of
//! the audit flagged it (an NPS of 15, an impossible date, a close date before creation): KPIs
//! treat invalid as missing, never guess a fix. In *raw* mode (the KPI "as the data stands")
//! flagged values that still parse are taken as written.
//!
//! Values are parsed once per distinct cell (the audit's memo), so reading a column costs one
//! lookup per record.

use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt};
use jiff::civil::{Date, DateTime, Time};
use rayon::prelude::*;

use crate::checks::Cache;
use crate::checks::engine::RuleOutcome;
use crate::config::CheckKind;
use crate::dataset::{Dataset, Table};
use crate::kind::Kind;
use crate::normalize::date::{DateValue, parse_date};
use crate::score::{Dimension, dimension};

use super::clusters::{Clusters, Dedup};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<T> {
    Ok(T),
    Missing,
    Invalid,
}

impl<T: Copy> Value<T> {
    pub fn ok(self) -> Option<T> {
        match self {
            Value::Ok(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_missing(self) -> bool {
        matches!(self, Value::Missing)
    }

    pub fn is_invalid(self) -> bool {
        matches!(self, Value::Invalid)
    }
}

impl Value<DateTime> {
    pub fn map_date(self) -> Value<Date> {
        match self {
            Value::Ok(dt) => Value::Ok(dt.date()),
            Value::Missing => Value::Missing,
            Value::Invalid => Value::Invalid,
        }
    }
}

/// "Empty cells of IsWon read as false (...)", for the KPIs that read a flag.
pub fn empty_false_note(table: &Table, view: &ColumnView<bool>) -> Option<String> {
    if !view.empty_is_false {
        return None;
    }
    let empty = table.raw.columns[view.column]
        .iter()
        .filter(|v| v.trim().is_empty())
        .count();
    (empty > 0).then(|| {
        format!(
            "{} empty cells of {} read as false: this export writes false as an empty cell{}.",
            super::format::count(empty),
            table.header(view.column),
            if table.preset.as_deref() == Some("salesforce") {
                " (Salesforce)"
            } else {
                " (the column holds true values and no false ones)"
            }
        )
    })
}

/// One column as typed values.
pub struct ColumnView<'a, T> {
    pub table: usize,
    pub column: usize,
    ids: &'a [u32],
    per_distinct: Vec<Value<T>>,
    flagged: Option<&'a [bool]>,
    raw: bool,
    /// Booleans: empty cells read as false (the export writes false as empty).
    pub empty_is_false: bool,
}

impl<T: Copy> ColumnView<'_, T> {
    pub fn get(&self, record: usize) -> Value<T> {
        let value = self.per_distinct[self.ids[record] as usize];
        match (value, self.flagged) {
            (Value::Ok(_), Some(flags)) if !self.raw && flags[record] => Value::Invalid,
            _ => value,
        }
    }
}

/// A per-record reading computed once per distinct cell.
pub struct Classified<'a, T> {
    ids: &'a [u32],
    values: Vec<T>,
}

impl<T: Copy> Classified<'_, T> {
    pub fn get(&self, record: usize) -> T {
        self.values[self.ids[record] as usize]
    }
}

/// Whether a status says the record is closed: `Closed`, `closed_won`, `Resolved`, `Solved`.
pub fn says_closed(status: &str) -> bool {
    let s = status.trim();
    s.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("closed"))
        || s.eq_ignore_ascii_case("resolved")
        || s.eq_ignore_ascii_case("solved")
}

/// The audit's verdicts the KPIs use, and the duplicate views.
pub struct Inputs<'a> {
    pub dataset: &'a Dataset,
    /// The run's memo of normalised values, shared with the checks.
    pub cache: &'a Cache,
    /// (table, column) -> records a validity or field-order rule flagged.
    flagged: HashMap<(usize, usize), Vec<bool>>,
    /// Per table: records DQ301 found stale; `None` where no staleness rule ran.
    stale: Vec<Option<Vec<bool>>>,
    pub exact: Vec<Dedup>,
    /// Exact and fuzzy clusters merged; `None` until the dedupe stage provides fuzzy ones.
    pub fuzzy: Option<Vec<Dedup>>,
    id_index: Vec<OnceLock<HashMap<&'a str, u32>>>,
}

impl<'a> Inputs<'a> {
    pub fn new(
        dataset: &'a Dataset,
        cache: &'a Cache,
        outcomes: &[RuleOutcome],
        clusters: &Clusters,
    ) -> Inputs<'a> {
        let mut flagged: HashMap<(usize, usize), Vec<bool>> = HashMap::new();
        let mut stale: Vec<Option<Vec<bool>>> = vec![None; dataset.tables.len()];
        for o in outcomes {
            let Some(t) = dataset.table_by_name(&o.table) else {
                continue;
            };
            let table = &dataset.tables[t];
            if o.check == CheckKind::Stale {
                let marks = stale[t].get_or_insert_with(|| vec![false; table.rows()]);
                for &r in &o.records {
                    marks[r] = true;
                }
                continue;
            }
            // Validity rules, and field order (a close before the creation makes a duration
            // meaningless). Orphans and style variants do not make a value unusable.
            let counts = dimension(o.check) == Dimension::Validity || o.check == CheckKind::Compare;
            if !counts || o.field.is_empty() {
                continue;
            }
            let Some(column) = table.raw.column_index(&o.field) else {
                continue;
            };
            let marks = flagged
                .entry((t, column))
                .or_insert_with(|| vec![false; table.rows()]);
            for &r in &o.records {
                marks[r] = true;
            }
        }
        let dedup = |groups: &[super::clusters::TableClusters],
                     with: &[super::clusters::TableClusters]| {
            dataset
                .tables
                .iter()
                .enumerate()
                .map(|(t, table)| {
                    let all = groups
                        .iter()
                        .chain(with)
                        .filter(|c| c.table == t)
                        .flat_map(|c| c.groups.iter());
                    Dedup::from_groups(table.rows(), all)
                })
                .collect::<Vec<_>>()
        };
        let exact = dedup(&clusters.exact, &[]);
        let fuzzy = clusters.fuzzy.as_ref().map(|f| dedup(&clusters.exact, f));
        Inputs {
            dataset,
            cache,
            flagged,
            stale,
            exact,
            fuzzy,
            id_index: (0..dataset.tables.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    pub fn table(&self, t: usize) -> &'a Table {
        &self.dataset.tables[t]
    }

    /// Tables of a kind, in name order (the order reports use).
    pub fn tables_of(&self, kind: Kind) -> Vec<usize> {
        let mut found: Vec<usize> = (0..self.dataset.tables.len())
            .filter(|&t| self.dataset.tables[t].kind == kind)
            .collect();
        found.sort_by(|&a, &b| {
            self.dataset.tables[a]
                .name
                .cmp(&self.dataset.tables[b].name)
        });
        found
    }

    /// The first table of `kind` (in name order) that has every field of `fields`.
    pub fn table_with(&self, kind: Kind, fields: &[&str]) -> Option<usize> {
        self.tables_of(kind)
            .into_iter()
            .find(|&t| fields.iter().all(|f| self.column(t, f).is_some()))
    }

    /// A canonical field's column (mapped first, then by header).
    pub fn column(&self, t: usize, field: &str) -> Option<usize> {
        let table = self.table(t);
        (0..table.mapping.len())
            .find(|&c| table.mapping[c].as_deref() == Some(field))
            .or_else(|| table.resolve_field(field))
    }

    /// A field the KPI cannot do without: its column, or why the KPI is not computable.
    pub fn require_column(&self, t: usize, field: &str) -> Result<usize, String> {
        self.column(t, field)
            .ok_or_else(|| format!("table {} has no {field}", self.table(t).name))
    }

    pub fn is_missing(&self, t: usize, column: usize, record: usize) -> bool {
        let d = self.cache.distinct(self.table(t), t, column);
        d.missing[d.ids[record] as usize]
    }

    pub fn flagged(&self, t: usize, column: usize) -> Option<&[bool]> {
        self.flagged.get(&(t, column)).map(Vec::as_slice)
    }

    pub fn stale(&self, t: usize) -> Option<&[bool]> {
        self.stale[t].as_deref()
    }

    fn view<T: Copy + Send>(
        &self,
        t: usize,
        column: usize,
        raw: bool,
        parse: impl Fn(usize) -> Value<T> + Sync,
    ) -> ColumnView<'_, T> {
        let table = self.table(t);
        let distinct = self.cache.distinct(table, t, column);
        let per_distinct = (0..distinct.first.len())
            .into_par_iter()
            .with_min_len(256)
            .map(|id| {
                if distinct.missing[id] {
                    Value::Missing
                } else {
                    parse(id)
                }
            })
            .collect();
        ColumnView {
            table: t,
            column,
            ids: &distinct.ids,
            per_distinct,
            flagged: self.flagged(t, column),
            raw,
            empty_is_false: false,
        }
    }

    /// A column read only for presence (ids, names): every value present is valid.
    pub fn presence(&self, t: usize, column: usize) -> ColumnView<'_, ()> {
        self.view(t, column, true, |_| Value::Ok(()))
    }

    pub fn numbers(&self, t: usize, column: usize, raw: bool) -> ColumnView<'_, f64> {
        let table = self.table(t);
        let parsed = self.cache.numbers(table, t, column);
        self.view(t, column, raw, |id| match parsed[id] {
            Ok(v) => Value::Ok(v),
            Err(_) => Value::Invalid,
        })
    }

    pub fn dates(&self, t: usize, column: usize, raw: bool) -> ColumnView<'_, Date> {
        let table = self.table(t);
        let parsed = self.cache.dates(table, t, column);
        let serial_ok = table.excel_serial_dates;
        self.view(t, column, raw, |id| match &parsed[id].1 {
            Ok(DateValue::Date(d)) => Value::Ok(*d),
            Ok(DateValue::ExcelSerial { date, .. }) if serial_ok => Value::Ok(*date),
            _ => Value::Invalid,
        })
    }

    /// Date-times (a date alone reads as midnight); the time of day matters for uptime and
    /// resolution times in hours.
    pub fn datetimes(&self, t: usize, column: usize, raw: bool) -> ColumnView<'_, DateTime> {
        let table = self.table(t);
        let distinct = self.cache.distinct(table, t, column);
        let col = &table.raw.columns[column];
        let order = table.date_order;
        self.view(t, column, raw, |id| {
            match parse_datetime(col.get(distinct.first[id] as usize), order) {
                Some(dt) => Value::Ok(dt),
                None => Value::Invalid,
            }
        })
    }

    /// Booleans: true/yes/y/1/t, false/no/n/0/f (any case). An empty cell means false where
    /// the export writes false as empty (Salesforce, or a column holding true values and no
    /// false one); elsewhere it is missing.
    pub fn booleans(&self, t: usize, column: usize, raw: bool) -> ColumnView<'_, bool> {
        let table = self.table(t);
        let distinct = self.cache.distinct(table, t, column);
        let col = &table.raw.columns[column];
        let read: Vec<Option<bool>> = distinct
            .first
            .iter()
            .map(|&r| parse_bool(col.get(r as usize)))
            .collect();
        let has_true = read.contains(&Some(true));
        let has_false = read.contains(&Some(false));
        let empty_is_false =
            table.preset.as_deref() == Some("salesforce") || (has_true && !has_false);
        let mut view = self.view(t, column, raw, |id| match read[id] {
            Some(b) => Value::Ok(b),
            None => Value::Invalid,
        });
        if empty_is_false {
            view.empty_is_false = true;
            for (id, v) in view.per_distinct.iter_mut().enumerate() {
                if v.is_missing() && col.get(distinct.first[id] as usize).trim().is_empty() {
                    *v = Value::Ok(false);
                }
            }
        }
        view
    }

    /// `f` of each record's cell, computed once per distinct value (picklists, statuses).
    pub fn classify<T: Copy + Send>(
        &self,
        t: usize,
        column: usize,
        f: impl Fn(&str) -> T + Sync,
    ) -> Classified<'_, T> {
        let table = self.table(t);
        let distinct = self.cache.distinct(table, t, column);
        let col = &table.raw.columns[column];
        Classified {
            ids: &distinct.ids,
            values: distinct
                .first
                .iter()
                .map(|&r| f(col.get(r as usize)))
                .collect(),
        }
    }

    /// A grouping key for record `r` by the value in `column` (an account id): the trimmed cell,
    /// or, where it is missing, the record itself. Borrowed, so grouping allocates nothing.
    pub fn group_key(&self, t: usize, column: Option<usize>, r: usize) -> (&'a str, u32) {
        match column {
            Some(c) if !self.is_missing(t, c, r) => (self.table(t).cell(r, c).trim(), u32::MAX),
            _ => ("", r as u32),
        }
    }

    /// Record of `table` whose id is `id`, if any (the first, when ids repeat).
    pub fn record_by_id(&self, t: usize, id: &str) -> Option<u32> {
        let index = self.id_index[t].get_or_init(|| {
            let table = self.table(t);
            let mut index = HashMap::with_capacity(table.rows());
            if let Some(col) = table.id_column {
                for (r, v) in table.raw.columns[col].iter().enumerate() {
                    index.entry(v.trim()).or_insert(r as u32);
                }
            }
            index
        });
        index.get(id.trim()).copied()
    }

    /// The dedup view of a table in a given mode.
    pub fn dedup(&self, t: usize, mode: super::Mode) -> Option<&Dedup> {
        match mode {
            super::Mode::Raw => None,
            super::Mode::Exact => Some(&self.exact[t]),
            super::Mode::Fuzzy => Some(self.fuzzy.as_ref().map_or(&self.exact[t], |f| &f[t])),
        }
    }
}

pub fn parse_bool(raw: &str) -> Option<bool> {
    let t = raw.trim();
    const TRUE: [&str; 5] = ["true", "yes", "y", "1", "t"];
    const FALSE: [&str; 5] = ["false", "no", "n", "0", "f"];
    if TRUE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(true)
    } else if FALSE.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        Some(false)
    } else {
        None
    }
}

/// A date with an optional time of day: `2024-03-15 10:22[:31[.000]]`, `2024-03-15T10:22:31Z`,
/// `2024-01-22T16:14:25.000+0000` (the time as written; offsets are not applied, like dates),
/// `15/03/2024 10:22 PM`. The date part is read by the audit's date parser.
pub fn parse_datetime(
    raw: &str,
    order: Option<crate::normalize::date::DateOrder>,
) -> Option<DateTime> {
    let s = raw.trim();
    let split = s
        .char_indices()
        .skip(6)
        .find(|&(_, c)| c == 'T' || c == ' ')
        .map(|(i, _)| i);
    let (date_part, time_part) = match split {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let date = match parse_date(date_part, order).1 {
        Ok(DateValue::Date(d)) => d,
        _ => return None,
    };
    let time = match time_part {
        None | Some("") => Time::midnight(),
        Some(t) => parse_time(t)?,
    };
    Some(date.to_datetime(time))
}

fn parse_time(text: &str) -> Option<Time> {
    let b = text.as_bytes();
    let digits = |from: usize| -> Option<(i8, usize)> {
        let mut end = from;
        while end < b.len() && b[end].is_ascii_digit() && end - from < 2 {
            end += 1;
        }
        if end == from {
            return None;
        }
        Some((text[from..end].parse().ok()?, end))
    };
    let (mut hour, i) = digits(0)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    let (minute, mut i) = digits(i + 1)?;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        let (s, next) = digits(i + 1)?;
        second = s;
        i = next;
        if b.get(i) == Some(&b'.') {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    let rest = text[i..].trim();
    let upper = rest.to_ascii_uppercase();
    if upper == "PM" || upper == "AM" {
        if !(1..=12).contains(&hour) {
            return None;
        }
        hour = match (upper.as_str(), hour) {
            ("AM", 12) => 0,
            ("PM", h) if h < 12 => h + 12,
            (_, h) => h,
        };
    } else if !(rest.is_empty() || rest == "Z" || rest.starts_with('+') || rest.starts_with('-')) {
        return None;
    }
    Time::new(hour, minute, second, 0).ok()
}

/// Hours between two date-times.
pub fn hours_between(from: DateTime, to: DateTime) -> f64 {
    from.duration_until(to).as_secs_f64() / 3600.0
}

/// Days between two dates.
pub fn days_between(from: Date, to: Date) -> f64 {
    from.duration_until(to).as_secs_f64() / 86_400.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_in_the_shapes_crm_exports_write() {
        let dt = |s: &str| parse_datetime(s, None).map(|d| d.to_string());
        assert_eq!(
            dt("2024-03-15 10:22:31").as_deref(),
            Some("2024-03-15T10:22:31")
        );
        assert_eq!(
            dt("2024-03-15 10:22").as_deref(),
            Some("2024-03-15T10:22:00")
        );
        assert_eq!(
            dt("2024-01-22T16:14:25.000+0000").as_deref(),
            Some("2024-01-22T16:14:25")
        );
        assert_eq!(dt("2024-03-15").as_deref(), Some("2024-03-15T00:00:00"));
        assert_eq!(
            dt("15/03/2024 10:22 PM").as_deref(),
            Some("2024-03-15T22:22:00")
        );
        assert_eq!(dt("2024-03-15 25:00"), None);
        assert_eq!(dt("2024-02-30 10:00"), None);
        assert_eq!(dt("soon"), None);
        let h = hours_between(
            parse_datetime("2024-03-15 10:00", None).unwrap(),
            parse_datetime("2024-03-16 12:30", None).unwrap(),
        );
        assert_eq!(h, 26.5);
    }

    #[test]
    fn booleans() {
        assert_eq!(parse_bool(" Yes "), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }
}
