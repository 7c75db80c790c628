//! Fuzzy duplicates: record-level entity matching within one table.
//!
//! **keys → blocking → comparison → weights → clustering → survivor → explanations.**
//!
//! - [`keys`] turns each compared field's distinct values into match keys once (names folded
//!   and transliterated, nicknames resolved, e-mails to one mailbox form, phones to E.164,
//!   companies without legal forms...), reusing the checks' per-column memo;
//! - [`blocking`] proposes candidate pairs from several passes (e-mail, phone, phonetic surname +
//!   initial, company domain, company, postcode, declared keys, sorted neighbourhood);
//! - [`compare`] gives each field of a pair an agreement level, and [`weights`] turns levels
//!   into Fellegi-Sunter match weights with term-frequency adjustment (optionally estimated by
//!   EM on the data);
//! - [`cluster`] links matched pairs strongest first without chaining through weak pairs;
//! - [`survivor`] picks the record each cluster keeps and what the others add to it;
//! - [`explain`] says why, field by field; [`truth`] measures accuracy against a truth column.
//!
//! The stage runs inside the audit as the check DQ202 (so it runs in parallel with the other
//! rules and reads the same memo), and on its own as `crmaudit dedupe FILE`.

pub mod aliases;
pub mod blocking;
pub mod cluster;
pub mod command;
pub mod compare;
pub mod explain;
pub mod keys;
pub mod similarity;
pub mod survivor;
pub mod truth;
pub mod weights;

use rayon::prelude::*;
use serde::Serialize;

use crate::checks::Cache;
use crate::config::dedupe::{Comparison, DedupeConfig};
use crate::dataset::Table;

use blocking::{BlockingInput, PassStats};
use explain::Explanation;
use survivor::MergeField;
use weights::{ScoredField, Scorer};

#[derive(Debug, Clone, Serialize)]
pub struct EntityMember {
    #[serde(skip)]
    pub record: usize,
    pub record_id: String,
    pub row: u64,
    pub is_survivor: bool,
    /// Match probability against the survivor (1 for the survivor itself).
    pub probability: f64,
    /// Why this record is the survivor's duplicate; none for the survivor.
    pub explanation: Option<Explanation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityCluster {
    pub cluster_id: String,
    /// The lowest member probability against the survivor.
    pub score: f64,
    pub survivor_reason: String,
    pub members: Vec<EntityMember>,
    /// Fields the survivor lacks, filled from another member.
    pub merge: Vec<MergeField>,
}

/// One compared field and the weights it used.
#[derive(Debug, Clone, Serialize)]
pub struct FieldReport {
    pub field: String,
    pub comparison: &'static str,
    pub identity: bool,
    pub term_frequency: bool,
    pub levels: Vec<LevelReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelReport {
    pub level: &'static str,
    pub m: f64,
    pub u: f64,
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DedupeResult {
    pub table: String,
    pub records: usize,
    pub threshold: f64,
    /// The prior used (estimated when `estimate = true`).
    pub prior: f64,
    pub estimated: bool,
    pub em_iterations: usize,
    pub fields: Vec<FieldReport>,
    pub blocking: Vec<PassStats>,
    /// Distinct pairs compared (the union of the passes).
    pub candidate_pairs: usize,
    /// Compared pairs at or above the threshold.
    pub matched_pairs: usize,
    /// Links not taken because a pair across the two groups was unlikely, or the size cap.
    pub refused_merges: usize,
    pub clusters: Vec<EntityCluster>,
    /// The candidate pairs themselves, kept only when asked for (accuracy harness).
    #[serde(skip)]
    pub candidates: Vec<u64>,
    /// Pairs explained on request (`crmaudit dedupe --pair`), matched or not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub explained: Vec<ExplainedPair>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExplainedPair {
    pub records: (String, String),
    pub rows: (u64, u64),
    /// Whether blocking proposed the pair.
    pub candidate: bool,
    pub same_cluster: bool,
    pub explanation: Explanation,
}

impl DedupeResult {
    pub fn records_in_clusters(&self) -> usize {
        self.clusters.iter().map(|c| c.members.len()).sum()
    }

    pub fn surplus_records(&self) -> usize {
        self.records_in_clusters() - self.clusters.len()
    }
}

/// The fields of `config` this table has, as columns. Defaults skip fields the table lacks and
/// compare a full name only where first and last names are absent.
pub fn resolve_fields<'c>(
    table: &Table,
    config: &'c DedupeConfig,
) -> Vec<(usize, &'c crate::config::dedupe::FieldRule)> {
    let mut fields: Vec<(usize, &crate::config::dedupe::FieldRule)> = Vec::new();
    for rule in &config.fields {
        if let Some(col) = table.resolve_field(&rule.field.value)
            && !fields.iter().any(|(c, _)| *c == col)
        {
            fields.push((col, rule));
        }
    }
    if !config.explicit_fields {
        let has_parts = fields
            .iter()
            .any(|(_, r)| matches!(r.compare, Comparison::FirstName | Comparison::LastName));
        if has_parts {
            fields.retain(|(_, r)| r.compare != Comparison::FullName);
        }
    }
    fields.sort_by_key(|(col, _)| *col);
    fields
}

/// Runs entity matching on one table.
pub fn run(
    table: &Table,
    t: usize,
    cache: &Cache,
    config: &DedupeConfig,
    keep_candidates: bool,
    explain_pairs: &[(usize, usize)],
) -> DedupeResult {
    let records = table.rows();
    // Phase timings on stderr for profiling (`CRMAUDIT_DEDUPE_TIMINGS=1`); never in reports.
    let timings = std::env::var_os("CRMAUDIT_DEDUPE_TIMINGS").is_some();
    let start = std::time::Instant::now();
    let phase = |name: &str| {
        if timings {
            crate::stderr::line(format_args!(
                "dedupe {name}: {:.2}s",
                start.elapsed().as_secs_f64()
            ));
        }
    };
    let resolved = resolve_fields(table, config);
    // One field at a time (each build is parallel inside): two builds in parallel could wait on
    // one memo cell from one worker (a phone and a mobile column both need the country column's
    // values), and the memo's OnceLocks are not re-entrant.
    let fields: Vec<ScoredField> = resolved
        .iter()
        .map(|&(col, rule)| ScoredField {
            header: table.header(col).to_string(),
            keys: keys::build(table, t, cache, col, rule.compare),
            rule,
            m: rule.m.clone(),
            u: rule.u.clone(),
            weights: Vec::new(),
            max_weight: 0.0,
            memo: weights::LevelMemo::new(),
        })
        .collect();
    let declared: Vec<(String, Vec<keys::FieldKeys>)> = config
        .block_on
        .iter()
        .map(|key| {
            let name = key
                .iter()
                .map(|f| f.value.as_str())
                .collect::<Vec<_>>()
                .join("+");
            let fields = key
                .iter()
                .filter_map(|f| table.resolve_field(&f.value))
                .map(|col| keys::build(table, t, cache, col, Comparison::Text))
                .collect();
            (name, fields)
        })
        .collect();
    let mut scorer = Scorer::new(fields, config.prior, records);
    phase("keys");

    let (candidates, passes) = if scorer.fields.is_empty() || records < 2 {
        (Vec::new(), Vec::new())
    } else {
        blocking::candidates(&BlockingInput {
            fields: scorer.fields.iter().map(|f| &f.keys).collect(),
            declared: declared
                .iter()
                .map(|(name, k)| (name.clone(), k.iter().collect()))
                .collect(),
            records,
            max_block: config.max_block,
            window: config.window,
        })
    };
    phase("blocking");
    let em_iterations = if config.estimate && !candidates.is_empty() {
        scorer.estimate(&candidates)
    } else {
        0
    };

    let threshold_bits = (config.threshold / (1.0 - config.threshold)).log2();
    let edges: Vec<(f64, u32, u32)> = candidates
        .par_iter()
        .with_min_len(4096)
        .filter_map(|&pair| {
            let (a, b) = blocking::unpack(pair);
            scorer
                .reaches(a, b, threshold_bits)
                .map(|total| (total, a as u32, b as u32))
        })
        .collect();
    let matched_pairs = edges.len();
    phase("scoring");
    let clustering = cluster::cluster(&scorer, edges, config.cohesion, config.max_cluster);

    phase("clustering");
    // The survivor's date columns are read from the memo inside the parallel loop below: fill
    // those cells first, for the same reason as the field keys above.
    survivor::prepare(table, t, cache);
    let clusters: Vec<EntityCluster> = clustering
        .groups
        .par_iter()
        .enumerate()
        .map(|(n, group)| {
            let chosen = survivor::choose(table, t, cache, &config.survivor, group);
            let best = chosen.ranked[0] as usize;
            let mut members: Vec<EntityMember> = group
                .iter()
                .map(|&r| {
                    let r = r as usize;
                    if r == best {
                        EntityMember {
                            record: r,
                            record_id: table.record_id(r),
                            row: table.line(r),
                            is_survivor: true,
                            probability: 1.0,
                            explanation: None,
                        }
                    } else {
                        let e = explain::explain(&scorer, best, r);
                        EntityMember {
                            record: r,
                            record_id: table.record_id(r),
                            row: table.line(r),
                            is_survivor: false,
                            probability: e.probability,
                            explanation: Some(e),
                        }
                    }
                })
                .collect();
            members.sort_by_key(|m| m.record);
            let score = members.iter().map(|m| m.probability).fold(1.0, f64::min);
            EntityCluster {
                cluster_id: format!("{}-dup-{}", table.name, n + 1),
                score,
                survivor_reason: chosen.reason,
                members,
                merge: chosen.merge,
            }
        })
        .collect();

    phase("survivors and explanations");
    let fields = scorer
        .fields
        .iter()
        .map(|f| FieldReport {
            field: f.header.clone(),
            comparison: f.keys.compare.as_str(),
            identity: f.rule.identity,
            term_frequency: f.rule.tf,
            levels: f
                .keys
                .compare
                .levels()
                .iter()
                .enumerate()
                .map(|(i, &level)| LevelReport {
                    level,
                    m: f.m[i],
                    u: f.u[i],
                    weight: (f.weights[i] * 100.0).round() / 100.0,
                })
                .collect(),
        })
        .collect();
    let explained = explain_pairs
        .iter()
        .map(|&(a, b)| ExplainedPair {
            records: (table.record_id(a), table.record_id(b)),
            rows: (table.line(a), table.line(b)),
            candidate: candidates
                .binary_search(&blocking::pack(a as u32, b as u32))
                .is_ok(),
            same_cluster: clustering
                .groups
                .iter()
                .any(|g| g.contains(&(a as u32)) && g.contains(&(b as u32))),
            explanation: explain::explain(&scorer, a, b),
        })
        .collect();
    DedupeResult {
        explained,
        table: table.name.to_string(),
        records,
        threshold: config.threshold,
        prior: scorer.prior_probability,
        estimated: config.estimate,
        em_iterations,
        fields,
        blocking: passes,
        candidate_pairs: candidates.len(),
        matched_pairs,
        refused_merges: clustering.refused_merges,
        clusters,
        candidates: if keep_candidates {
            candidates
        } else {
            Vec::new()
        },
    }
}
