//! Per-column memo of normalised values, shared by every rule of a run.
//!
//! Real columns repeat values (statuses, countries, dates, company domains), and several rules
//! read the same parse (four date rules, uniqueness and validity on emails). So each column is
//! reduced to its distinct values once, each distinct value is parsed once (in parallel), and
//! rules look results up by record. Everything is computed lazily, on first use, behind OnceLock:
//! a column no rule reads costs nothing.

use std::sync::OnceLock;

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use super::intern::{Interned, intern};
use crate::dataset::{Dataset, Table};
use crate::normalize::date::{DateShape, DateValue, parse_date};
use crate::normalize::email::{EmailError, parse_email};
use crate::normalize::number::{NumberError, parse_number};
use crate::normalize::phone::{Phone, PhoneError, parse_phone};
use crate::normalize::text::is_missing;
use crate::normalize::{country, date::DateError};

/// A column as distinct values: `ids[record]` indexes `first[...]`, the record of the first
/// occurrence, whose cell is the value.
pub struct Distinct {
    pub ids: Vec<u32>,
    pub first: Vec<u32>,
    pub counts: Vec<u32>,
    pub missing: Vec<bool>,
}

pub type DateParse = (DateShape, Result<DateValue, DateError>);

/// Phones depend on the record's region as well as the text, so they are keyed by both.
pub struct PhoneColumn {
    /// Per record: index into `parsed`, or `u32::MAX` for a missing value.
    pub key: Vec<u32>,
    pub parsed: Vec<Result<Phone, PhoneError>>,
    /// The region each entry of `parsed` was read in.
    pub regions: Vec<Option<&'static str>>,
    /// The distinct value (index into [`Distinct::first`]) each entry of `parsed` was read from.
    pub values: Vec<u32>,
}

#[derive(Default)]
struct ColumnCache {
    distinct: OnceLock<Distinct>,
    emails: OnceLock<Vec<Result<String, EmailError>>>,
    dates: OnceLock<Vec<DateParse>>,
    numbers: OnceLock<Vec<Result<f64, NumberError>>>,
    phones: OnceLock<PhoneColumn>,
}

/// The value of `cell`, computing it first if needed. The computation runs outside the cell's
/// lock, unlike `OnceLock::get_or_init`: it uses rayon, and a rayon worker waiting on its own
/// parallel loop may pick up another rule that needs the same cell. Inside `get_or_init` that
/// rule would block on a lock its own thread holds, a deadlock (seen with `--threads 4`). Two
/// rules may now compute the same pure value at once; the first stored wins and both read it.
fn init_once<T>(cell: &OnceLock<T>, compute: impl FnOnce() -> T) -> &T {
    if let Some(value) = cell.get() {
        return value;
    }
    let _ = cell.set(compute());
    cell.get().expect("set above or by another rule")
}

pub struct Cache {
    columns: Vec<Vec<ColumnCache>>,
}

/// One memo of one column, as a rule declares it reads it (see [`Cache::warm`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Memo {
    Distinct,
    Emails,
    Dates,
    Numbers,
    Phones,
}

impl Cache {
    pub fn new(dataset: &Dataset) -> Cache {
        Cache {
            columns: dataset
                .tables
                .iter()
                .map(|t| {
                    (0..t.raw.columns.len())
                        .map(|_| ColumnCache::default())
                        .collect()
                })
                .collect(),
        }
    }

    /// Computes the memos the run's rules read, before the rules run: every distinct-value
    /// pass first (the other memos are built on them), then the parsers, each memo by exactly
    /// one task. Left to the rules, two rules reading one column at the same time would either
    /// wait on each other's lock while rayon runs other work on the waiting thread (a deadlock)
    /// or both compute it (twice the work). A memo no rule declared is still computed on first
    /// use.
    pub fn warm(&self, dataset: &Dataset, needs: &[(usize, usize, Memo)]) {
        let mut needs = needs.to_vec();
        needs.sort_unstable();
        needs.dedup();
        let mut columns: Vec<(usize, usize)> = needs.iter().map(|&(t, c, _)| (t, c)).collect();
        // Phones are read in the region of the record's country.
        columns.extend(
            needs
                .iter()
                .filter(|n| n.2 == Memo::Phones)
                .filter_map(|&(t, _, _)| dataset.tables[t].country_column.map(|cc| (t, cc))),
        );
        columns.sort_unstable();
        columns.dedup();
        columns.par_iter().for_each(|&(t, c)| {
            self.distinct(&dataset.tables[t], t, c);
        });
        needs.par_iter().for_each(|&(t, c, memo)| {
            let table = &dataset.tables[t];
            match memo {
                Memo::Distinct => {}
                Memo::Emails => {
                    self.emails(table, t, c);
                }
                Memo::Dates => {
                    self.dates(table, t, c);
                }
                Memo::Numbers => {
                    self.numbers(table, t, c);
                }
                Memo::Phones => {
                    self.phones(table, t, c);
                }
            }
        });
    }

    fn slot(&self, table: usize, column: usize) -> &ColumnCache {
        &self.columns[table][column]
    }

    pub fn distinct(&self, table: &Table, t: usize, column: usize) -> &Distinct {
        init_once(&self.slot(t, column).distinct, || {
            let col = &table.raw.columns[column];
            let Interned { ids, first, counts } = intern(col.len(), |r| col.get(r));
            let missing = first
                .par_iter()
                .map(|&r| is_missing(col.get(r as usize)))
                .collect();
            Distinct {
                ids,
                first,
                counts,
                missing,
            }
        })
    }

    /// Applies `parse` once per distinct value, in parallel.
    fn per_distinct<T: Send>(
        &self,
        table: &Table,
        t: usize,
        column: usize,
        parse: impl Fn(&str) -> T + Sync,
    ) -> Vec<T> {
        let distinct = self.distinct(table, t, column);
        let col = &table.raw.columns[column];
        distinct
            .first
            .par_iter()
            .with_min_len(256)
            .map(|&r| parse(col.get(r as usize)))
            .collect()
    }

    pub fn emails(&self, table: &Table, t: usize, column: usize) -> &[Result<String, EmailError>] {
        init_once(&self.slot(t, column).emails, || {
            self.per_distinct(table, t, column, parse_email)
        })
        .as_slice()
    }

    pub fn dates(&self, table: &Table, t: usize, column: usize) -> &[DateParse] {
        let order = table.date_order;
        init_once(&self.slot(t, column).dates, || {
            self.per_distinct(table, t, column, |v| parse_date(v, order))
        })
        .as_slice()
    }

    pub fn numbers(&self, table: &Table, t: usize, column: usize) -> &[Result<f64, NumberError>] {
        let locale = table.number_locale;
        init_once(&self.slot(t, column).numbers, || {
            self.per_distinct(table, t, column, |v| parse_number(v, locale))
        })
        .as_slice()
    }

    /// The region each record's phone is read in: its own country when the table has a country
    /// column holding a recognisable country, else the configured default region.
    fn regions(&self, table: &Table, t: usize) -> Vec<Option<&'static str>> {
        let default: Option<&'static str> = table
            .default_region
            .as_deref()
            .and_then(country::country_code);
        match table.country_column {
            Some(cc) => {
                let distinct = self.distinct(table, t, cc);
                let codes = self.per_distinct(table, t, cc, country::country_code);
                distinct
                    .ids
                    .iter()
                    .map(|&id| codes[id as usize].or(default))
                    .collect()
            }
            None => vec![default; table.rows()],
        }
    }

    pub fn phones(&self, table: &Table, t: usize, column: usize) -> &PhoneColumn {
        init_once(&self.slot(t, column).phones, || {
            let distinct = self.distinct(table, t, column);
            let regions = self.regions(table, t);
            // A distinct value is nearly always read in one region; only the values that occur
            // under several regions go through the map.
            let mut unit_of_value: Vec<u32> = vec![u32::MAX; distinct.first.len()];
            let mut other_regions: HashMap<(u32, Option<&'static str>), u32> = HashMap::new();
            let mut pairs: Vec<(u32, Option<&'static str>)> = Vec::new();
            let key = distinct
                .ids
                .iter()
                .zip(&regions)
                .map(|(&id, &region)| {
                    if distinct.missing[id as usize] {
                        return u32::MAX;
                    }
                    let unit = unit_of_value[id as usize];
                    if unit == u32::MAX {
                        pairs.push((id, region));
                        unit_of_value[id as usize] = (pairs.len() - 1) as u32;
                        return (pairs.len() - 1) as u32;
                    }
                    if pairs[unit as usize].1 == region {
                        return unit;
                    }
                    *other_regions.entry((id, region)).or_insert_with(|| {
                        pairs.push((id, region));
                        (pairs.len() - 1) as u32
                    })
                })
                .collect();
            let col = &table.raw.columns[column];
            let parsed = pairs
                .par_iter()
                .with_min_len(64)
                .map(|&(id, region)| {
                    parse_phone(col.get(distinct.first[id as usize] as usize), region)
                })
                .collect();
            let regions = pairs.iter().map(|&(_, region)| region).collect();
            let values = pairs.iter().map(|&(id, _)| id).collect();
            PhoneColumn {
                key,
                parsed,
                regions,
                values,
            }
        })
    }
}
