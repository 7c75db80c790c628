//! Input quality of a KPI: the quality dimensions of each field it reads, measured over the
//! records in its scope and period only (a KPI on 2024 tickets does not care about 2019's).

use serde::{Deserialize, Serialize};

use super::clusters::Dedup;
use super::input::{ColumnView, Inputs};
use crate::score::round4;

/// One field a KPI reads, over the records it reads it on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldQuality {
    pub table: String,
    /// The header as written in the file.
    pub field: String,
    pub canonical: Option<String>,
    /// Records of the scope the field was read on.
    pub records: usize,
    /// Records with a value / records.
    pub completeness: Option<f64>,
    /// Values that parse and no validity rule flagged / values present.
    pub validity: Option<f64>,
    /// 1 - surplus duplicate records / records.
    pub uniqueness: Option<f64>,
    /// 1 - stale records (DQ301) / records; null where no staleness rule applies.
    pub timeliness: Option<f64>,
}

pub fn field<T: Copy>(
    inputs: &Inputs,
    view: &ColumnView<T>,
    records: &[usize],
    dedup: Option<&Dedup>,
) -> FieldQuality {
    let table = inputs.table(view.table);
    let n = records.len();
    let (mut present, mut valid, mut surplus, mut stale) = (0usize, 0usize, 0usize, 0usize);
    let stale_marks = inputs.stale(view.table);
    for &r in records {
        let v = view.get(r);
        if !v.is_missing() {
            present += 1;
            if v.ok().is_some() {
                valid += 1;
            }
        }
        if dedup.is_some_and(|d| d.is_surplus(r)) {
            surplus += 1;
        }
        if stale_marks.is_some_and(|s| s[r]) {
            stale += 1;
        }
    }
    let share = |num: usize, den: usize| (den > 0).then(|| round4(num as f64 / den as f64));
    FieldQuality {
        table: table.name.to_string(),
        field: table.header(view.column).to_string(),
        canonical: table.canonical(view.column).map(str::to_string),
        records: n,
        completeness: share(present, n),
        validity: share(valid, present),
        uniqueness: dedup.and_then(|_| share(n - surplus, n)),
        timeliness: stale_marks.and_then(|_| share(n - stale, n)),
    }
}
