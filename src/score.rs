//! Data-quality scores per field, table and run.
//!
//! Each mapped field gets five dimensions, each a share between 0 and 1, or none where no rule
//! measures it:
//! - completeness: records with a value / all records;
//! - validity: 1 - records failing a validity rule (format, picklist, pattern, range, encoding)
//!   / records those rules checked;
//! - uniqueness: 1 - surplus duplicate records / records checked (DQ201);
//! - timeliness: 1 - stale records / records with a date (DQ301);
//! - consistency: 1 - records off the column's dominant style, padded with whitespace, in the
//!   wrong order against another field, or referencing nothing / records checked.
//!
//! A field's score is the mean of its dimensions that apply, times 100. A table's score is the
//! mean of its mapped fields' scores, times the share of its records without a file-level fault
//! (ragged row, broken quote). The overall score is the mean of the table scores: every table
//! counts the same, so a big activity log cannot hide a broken deals table.
//!
//! Both means are weighted by the workspace's `[scores]` section (dimension weights) and
//! `[scores.tables]` (table weights), 1 each by default, which gives the plain means above.

use foldhash::{HashSet, HashSetExt};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::checks::engine::RuleOutcome;
use crate::config::CheckKind;
use crate::config::kpis::ScoreWeights;
use crate::dataset::Dataset;
use crate::normalize::text::is_missing;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dimension {
    Validity,
    Uniqueness,
    Timeliness,
    Consistency,
    /// Completeness is measured directly, and file-level faults weigh on the table.
    None,
}

pub(crate) fn dimension(check: CheckKind) -> Dimension {
    use CheckKind as K;
    match check {
        K::Email
        | K::Phone
        | K::Date
        | K::DateAmbiguity
        | K::ExcelSerialDate
        | K::Number
        | K::Allowed
        | K::Regex
        | K::Range
        | K::Encoding
        | K::StrayQuote
        | K::ControlCharacter => Dimension::Validity,
        K::Unique | K::Entity => Dimension::Uniqueness,
        K::Stale => Dimension::Timeliness,
        K::Consistency | K::Whitespace | K::Compare | K::Reference => Dimension::Consistency,
        K::Required
        | K::EmptyColumn
        | K::RaggedRow
        | K::BrokenQuote
        | K::HeaderName
        | K::EmptyTable => Dimension::None,
    }
}

pub const DEFINITIONS: &[(&str, &str)] = &[
    ("completeness", "records with a value / all records"),
    (
        "validity",
        "1 - records failing a format, picklist, pattern, range or encoding rule / records checked",
    ),
    (
        "uniqueness",
        "1 - surplus duplicate records (those that would go after merging) / records checked",
    ),
    ("timeliness", "1 - stale records / records with a date"),
    (
        "consistency",
        "1 - records off the column's dominant style, whitespace-padded, out of order or orphaned / records checked",
    ),
    (
        "field score",
        "weighted mean of the dimensions that apply x 100 ([scores] weights, default 1 each); table: mean of its mapped fields x share of records without a file-level fault; overall: weighted mean of tables ([scores.tables], default 1 each)",
    ),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldScore {
    pub name: String,
    pub canonical: Option<String>,
    pub score: f64,
    pub completeness: Option<f64>,
    pub validity: Option<f64>,
    pub uniqueness: Option<f64>,
    pub timeliness: Option<f64>,
    pub consistency: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableScore {
    pub name: String,
    pub rows: usize,
    pub score: f64,
    pub fields: Vec<FieldScore>,
}

/// Rounds for reports: scores and shares carry 4 decimals, enough and stable across platforms.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn score(dataset: &Dataset, outcomes: &[RuleOutcome]) -> (Vec<TableScore>, f64) {
    score_weighted(dataset, outcomes, &ScoreWeights::default())
}

/// Scores with the workspace's `[scores]` weights: each dimension's weight in a field's score,
/// each table's weight in the overall score. A weight of 0 leaves a dimension or table out.
pub fn score_weighted(
    dataset: &Dataset,
    outcomes: &[RuleOutcome],
    weights: &ScoreWeights,
) -> (Vec<TableScore>, f64) {
    let tables: Vec<TableScore> = dataset
        .tables
        .iter()
        .map(|table| {
            let name = &*table.name;
            let rows = table.rows();
            // Mapped fields, and the unmapped columns a rule of the user's own checks (their
            // codes never start with DQ): a table whose only checked column is unmapped must not
            // score 100 while its records fail that rule.
            let user_checked = |col: usize| {
                let header = table.header(col);
                outcomes
                    .iter()
                    .any(|o| o.table == name && o.field == header && !o.code.starts_with("DQ"))
            };
            let mut columns: Vec<usize> = table.mapped_columns().collect();
            columns.extend(
                (0..table.raw.columns.len())
                    .filter(|&c| table.canonical(c).is_none() && user_checked(c)),
            );
            let mut fields: Vec<FieldScore> = columns
                .par_iter()
                .map(|&col| {
                    let header = table.header(col);
                    let missing = table.raw.columns[col]
                        .iter()
                        .filter(|v| is_missing(v))
                        .count();
                    // An unmapped column is expected to be filled only where a rule says so.
                    let wants_values = table.canonical(col).is_some()
                        || outcomes.iter().any(|o| {
                            o.table == name && o.field == header && o.check == CheckKind::Required
                        });
                    let completeness =
                        (rows > 0 && wants_values).then(|| 1.0 - missing as f64 / rows as f64);
                    let share = |dim: Dimension| -> Option<f64> {
                        let mut violating: HashSet<usize> = HashSet::new();
                        let mut checked = 0;
                        let mut any = false;
                        // Record-level entity matching (DQ202) counts on every field it compared.
                        for o in outcomes.iter().filter(|o| {
                            o.table == name
                                && dimension(o.check) == dim
                                && (o.field == header
                                    || (o.check == CheckKind::Entity
                                        && o.columns.iter().any(|c| c == header)))
                        }) {
                            any = true;
                            checked = checked.max(o.checked);
                            violating.extend(o.records.iter().copied());
                        }
                        // A table-level rule whose findings name a field (a cell that was not
                        // UTF-8, a field with text after its closing quote) counts on that field
                        // where it found something; elsewhere it says nothing about the field.
                        for o in outcomes.iter().filter(|o| {
                            o.table == name && dimension(o.check) == dim && o.field.is_empty()
                        }) {
                            let mut hit = false;
                            for (&r, f) in o.records.iter().zip(&o.record_fields) {
                                if &**f == header {
                                    hit = true;
                                    violating.insert(r);
                                }
                            }
                            if hit {
                                any = true;
                                checked = checked.max(o.checked);
                            }
                        }
                        if !any || checked == 0 {
                            return None;
                        }
                        Some((1.0 - violating.len() as f64 / checked as f64).max(0.0))
                    };
                    let dims = [
                        completeness,
                        share(Dimension::Validity),
                        share(Dimension::Uniqueness),
                        share(Dimension::Timeliness),
                        share(Dimension::Consistency),
                    ];
                    let (weighted, total) = dims
                        .iter()
                        .zip(weights.dimensions)
                        .filter_map(|(d, w)| d.map(|d| (d * w, w)))
                        .filter(|&(_, w)| w > 0.0)
                        .fold((0.0, 0.0), |(s, t), (dw, w)| (s + dw, t + w));
                    // A field of a table without records has nothing to trust either (the
                    // table scores 0; its fields said 100).
                    let score = if rows == 0 {
                        0.0
                    } else if total == 0.0 {
                        100.0
                    } else {
                        100.0 * weighted / total
                    };
                    FieldScore {
                        name: header.to_string(),
                        canonical: table.canonical(col).map(str::to_string),
                        score: round4(score),
                        completeness: dims[0].map(round4),
                        validity: dims[1].map(round4),
                        uniqueness: dims[2].map(round4),
                        timeliness: dims[3].map(round4),
                        consistency: dims[4].map(round4),
                    }
                })
                .collect();
            fields.sort_by(|a, b| a.name.cmp(&b.name));
            let faulty: HashSet<usize> = table
                .raw
                .issues
                .iter()
                .filter(|i| {
                    // Cell-level faults count against their field's validity instead.
                    !matches!(
                        i.kind,
                        crate::table::SourceIssueKind::InvalidUtf8 { .. }
                            | crate::table::SourceIssueKind::StrayQuote
                    )
                })
                .map(|i| i.record)
                .collect();
            let intact = if rows == 0 {
                1.0
            } else {
                1.0 - faulty.len() as f64 / rows as f64
            };
            let mean = if fields.is_empty() {
                100.0
            } else {
                fields.iter().map(|f| f.score).sum::<f64>() / fields.len() as f64
            };
            TableScore {
                name: name.to_string(),
                rows,
                // A table without records has nothing to trust: an export that came out empty
                // must not score as perfect data.
                score: if rows == 0 {
                    0.0
                } else {
                    round4(mean * intact)
                },
                fields,
            }
        })
        .collect();
    let (weighted, total) = tables
        .iter()
        .map(|t| (t.score, weights.table(&t.name)))
        .filter(|&(_, w)| w > 0.0)
        .fold((0.0, 0.0), |(s, t), (score, w)| (s + score * w, t + w));
    let overall = if total == 0.0 {
        100.0
    } else {
        weighted / total
    };
    (tables, round4(overall))
}
