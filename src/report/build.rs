//! Assembles the report model from the pipeline's stages.

use std::collections::BTreeMap;

use crate::checks::engine::{EngineOutput, RuleOutcome};
use crate::config::CheckKind;
use crate::dataset::Dataset;
use crate::dedupe::DedupeResult;
use crate::findings::Outcome;
use crate::normalize::date::DateOrder;
use crate::normalize::number::NumberLocale;
use crate::score::{self, TableScore};

use super::model::*;

/// What fails the run (exit 1).
#[derive(Debug, Clone, Copy)]
pub struct GateSettings {
    /// The lowest rule outcome that fails the run.
    pub fail_on: Outcome,
    pub fail_under: Option<f64>,
}

impl Default for GateSettings {
    fn default() -> Self {
        GateSettings {
            fail_on: Outcome::Fail,
            fail_under: None,
        }
    }
}

pub fn build(
    dataset: &Dataset,
    engine: EngineOutput,
    tables: Vec<TableScore>,
    overall: f64,
    gate: GateSettings,
    timings: Timings,
) -> AuditReport {
    let EngineOutput {
        outcomes, findings, ..
    } = engine;
    let inputs = dataset.tables.iter().map(input).collect();
    let rules: Vec<RuleReport> = outcomes.iter().map(rule_report).collect();
    let (duplicates, clusters) = duplicates(dataset, &outcomes);
    let gate = evaluate_gate(&rules, overall, gate);
    let mut records: Vec<(&str, usize)> = findings.iter().map(|f| (&*f.table, f.record)).collect();
    records.dedup();
    records.sort_unstable();
    records.dedup();
    let summary = Summary {
        tables: dataset.tables.len(),
        records: dataset.tables.iter().map(|t| t.rows()).sum(),
        rules_run: rules.len(),
        rules_passed: rules.iter().filter(|r| r.outcome == Outcome::Pass).count(),
        rules_warned: rules.iter().filter(|r| r.outcome == Outcome::Warn).count(),
        rules_failed: rules.iter().filter(|r| r.outcome == Outcome::Fail).count(),
        findings: findings.len(),
        records_with_findings: records.len(),
    };
    AuditReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "crmaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        as_of: dataset.as_of.to_string(),
        inputs,
        score: overall,
        gate,
        tables,
        rules,
        duplicates,
        kpis: Vec::new(),
        workspace: None,
        history: None,
        score_definitions: score::DEFINITIONS
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        summary,
        timings,
        regression: None,
        findings,
        clusters,
    }
}

fn input(table: &crate::dataset::Table) -> Input {
    let info = &table.raw.info;
    Input {
        table: table.name.to_string(),
        kind: table.kind.to_string(),
        path: table.raw.path.display().to_string(),
        rows: table.rows(),
        encoding: info.encoding.clone(),
        delimiter: match info.delimiter {
            b'\t' => "\\t".to_string(),
            d => (d as char).to_string(),
        },
        delimiter_sniffed: info.delimiter_sniffed,
        preset: table.preset.clone(),
        number_locale: format!(
            "{} ({})",
            match table.number_locale {
                NumberLocale::Point => "point",
                NumberLocale::Comma => "comma",
            },
            table.number_locale_source
        ),
        date_order: table.date_order.map(|o| {
            match o {
                DateOrder::Dmy => "dmy",
                DateOrder::Mdy => "mdy",
                DateOrder::Ymd => "ymd",
            }
            .to_string()
        }),
        default_region: table.default_region.clone(),
        mapped_columns: table
            .mapped_columns()
            .map(|c| {
                (
                    table.header(c).to_string(),
                    table.canonical(c).unwrap_or_default().to_string(),
                )
            })
            .collect::<BTreeMap<_, _>>(),
        unmapped_columns: table.unmapped_headers(),
        renamed_headers: info
            .renamed_headers
            .iter()
            .map(|(i, from, to)| format!("column {}: `{from}` -> `{to}`", i + 1))
            .collect(),
    }
}

fn rule_report(o: &RuleOutcome) -> RuleReport {
    RuleReport {
        code: o.code.clone(),
        name: o.name.clone(),
        table: o.table.clone(),
        field: o.field.clone(),
        canonical_field: o.canonical.clone(),
        check: o.check.as_str().to_string(),
        severity: o.severity,
        outcome: o.outcome,
        violations: o.violations,
        checked: o.checked,
        threshold: o.tolerance,
        violation_share: if o.checked == 0 {
            0.0
        } else {
            score::round4(o.violations as f64 / o.checked as f64)
        },
        message: o.message.clone(),
        detail: o.detail.clone(),
        sample: o
            .sample
            .iter()
            .map(|f| Sample {
                record_id: clip(&f.record_id),
                row: f.row,
                value: clip(&f.value),
            })
            .collect(),
    }
}

/// The most of one value a sample in the report carries (the worklist has every value whole).
pub const SAMPLE_CHARS: usize = 500;

/// A value for the report's samples: a 20 MB cell must not make report.json and report.html
/// 20 MB each, so long values keep their start and say how much is left out.
pub fn clip(value: &str) -> String {
    match value.char_indices().nth(SAMPLE_CHARS) {
        None => value.to_string(),
        Some((cut, _)) => {
            let rest = value[cut..].chars().count();
            format!(
                "{}… ({rest} more characters: worklist.csv has the whole value)",
                &value[..cut]
            )
        }
    }
}

/// Exact duplicate groups from the uniqueness rules on identity fields (not on record ids,
/// whose duplicates are export faults rather than one person entered twice).
fn duplicates(
    dataset: &Dataset,
    outcomes: &[RuleOutcome],
) -> (Vec<DuplicateSummary>, Vec<Cluster>) {
    let mut summaries = Vec::new();
    let mut clusters = Vec::new();
    // Where entity matching ran, its clusters are the duplicates of the table; DQ201's exact
    // counts are still reported beside them, and an exact group that no fuzzy cluster holds
    // whole (the matcher found too little evidence, or none at all) is listed as well, so that
    // no duplicate group the summary counts is missing from duplicates.csv.
    let fuzzy_cluster_of: BTreeMap<&str, std::collections::HashMap<usize, usize>> = outcomes
        .iter()
        .filter_map(|o| entities(o).map(|r| (o.table.as_str(), r)))
        .map(|(table, r)| {
            let of = r
                .clusters
                .iter()
                .enumerate()
                .flat_map(|(c, cluster)| cluster.members.iter().map(move |m| (m.record, c)))
                .collect();
            (table, of)
        })
        .collect();
    for o in outcomes {
        if let Some(result) = entities(o) {
            summaries.push(DuplicateSummary {
                table: o.table.clone(),
                field: "record".into(),
                method: "fuzzy".into(),
                clusters: result.clusters.len(),
                records_in_clusters: result.records_in_clusters(),
                surplus_records: result.surplus_records(),
                matching: Some(matching_summary(result)),
            });
            let mut fuzzy = entity_clusters(result);
            if let Some(t) = dataset.table_by_name(&o.table) {
                attach_values(&mut fuzzy, result, &dataset.tables[t]);
            }
            clusters.extend(fuzzy);
            continue;
        }
        let Some(counts) = &o.duplicates else {
            continue;
        };
        if o.check != CheckKind::Unique || o.canonical.as_deref() == Some("id") {
            continue;
        }
        summaries.push(DuplicateSummary {
            table: o.table.clone(),
            field: o.field.clone(),
            method: "exact".into(),
            clusters: counts.groups,
            records_in_clusters: counts.records_in_groups,
            surplus_records: counts.surplus_records,
            matching: None,
        });
        let Some(table) = dataset.table_by_name(&o.table).map(|t| &dataset.tables[t]) else {
            continue;
        };
        let fuzzy = fuzzy_cluster_of.get(o.table.as_str());
        for (n, group) in counts.members.iter().enumerate() {
            if let Some(of) = fuzzy {
                let first = group.first().and_then(|r| of.get(r));
                if first.is_some() && group.iter().all(|r| of.get(r) == first) {
                    continue;
                }
            }
            clusters.push(Cluster {
                table: o.table.clone(),
                cluster_id: format!("{}-{}-{}", o.table, o.field, n + 1),
                score: 1.0,
                reasons: format!("same {} (exact after normalisation)", o.field),
                members: group
                    .iter()
                    .enumerate()
                    .map(|(i, &record)| ClusterMember {
                        record_id: table.record_id(record),
                        row: table.line(record),
                        is_survivor: i == 0,
                        score: None,
                        reasons: None,
                        evidence: Vec::new(),
                        values: table
                            .raw
                            .column_index(&o.field)
                            .map(|col| vec![(o.field.clone(), clip(table.cell(record, col)))])
                            .unwrap_or_default(),
                    })
                    .collect(),
                method: "exact".into(),
                survivor_reason: Some("first in the file".into()),
                merge: Vec::new(),
            });
        }
    }
    (summaries, clusters)
}

fn entities(o: &RuleOutcome) -> Option<&DedupeResult> {
    o.duplicates
        .as_ref()
        .and_then(|d| d.entities.as_ref())
        .map(|e| &*e.0)
}

/// How many clusters the JSON report details; the rest are in duplicates.csv.
const SAMPLE_CLUSTERS: usize = 5;

fn matching_summary(result: &DedupeResult) -> serde_json::Value {
    serde_json::json!({
        "threshold": result.threshold,
        "prior": result.prior,
        "estimated": result.estimated,
        "candidate_pairs": result.candidate_pairs,
        "matched_pairs": result.matched_pairs,
        "refused_merges": result.refused_merges,
        "fields": result.fields,
        "blocking": result.blocking,
        "sample": result.clusters.iter().take(SAMPLE_CLUSTERS).collect::<Vec<_>>(),
    })
}

/// Fuzzy clusters as `duplicates.csv` rows: each member's probability against the survivor and
/// why; the survivor's row says why it survives and what the others would add to it.
pub fn entity_clusters(result: &DedupeResult) -> Vec<Cluster> {
    result
        .clusters
        .iter()
        .map(|c| {
            let merge = if c.merge.is_empty() {
                String::new()
            } else {
                format!(
                    "; merge: {}",
                    c.merge
                        .iter()
                        .map(|m| format!("{} `{}` from {}", m.field, m.value, m.from_record_id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            Cluster {
                table: result.table.clone(),
                cluster_id: c.cluster_id.clone(),
                score: c.score,
                reasons: format!("survivor: {}{merge}", c.survivor_reason),
                members: c
                    .members
                    .iter()
                    .map(|m| ClusterMember {
                        record_id: m.record_id.clone(),
                        row: m.row,
                        is_survivor: m.is_survivor,
                        score: Some(m.probability),
                        reasons: Some(match &m.explanation {
                            Some(e) => crate::dedupe::explain::to_text(e),
                            None => format!("survivor: {}{merge}", c.survivor_reason),
                        }),
                        evidence: m
                            .explanation
                            .iter()
                            .flat_map(|e| &e.fields)
                            .map(|f| Evidence {
                                field: f.field.clone(),
                                level: f.level.to_string(),
                                weight: f.weight,
                            })
                            .collect(),
                        values: Vec::new(),
                    })
                    .collect(),
                method: "fuzzy".into(),
                survivor_reason: Some(c.survivor_reason.clone()),
                merge: c
                    .merge
                    .iter()
                    .map(|m| (m.field.clone(), m.value.clone(), m.from_record_id.clone()))
                    .collect(),
            }
        })
        .collect()
}

/// The members' raw values of the fields entity matching compared, so that reports can show a
/// cluster side by side (the dedupe stage keeps record indexes, not values).
fn attach_values(clusters: &mut [Cluster], result: &DedupeResult, table: &crate::dataset::Table) {
    let columns: Vec<(&str, Option<usize>)> = result
        .fields
        .iter()
        .map(|f| (f.field.as_str(), table.raw.column_index(&f.field)))
        .collect();
    for (cluster, entity) in clusters.iter_mut().zip(&result.clusters) {
        for (member, record) in cluster.members.iter_mut().zip(&entity.members) {
            member.values = columns
                .iter()
                .filter_map(|&(header, col)| {
                    col.map(|c| (header.to_string(), clip(table.cell(record.record, c))))
                })
                .collect();
        }
    }
}

/// Whether a rule's outcome fails the gate on its own.
pub fn fails_gate(rule: &RuleReport, settings: GateSettings) -> bool {
    rule.outcome != Outcome::Pass && rule.outcome >= settings.fail_on
}

/// The gate reason of a rule that fails it.
pub fn rule_reason(rule: &RuleReport) -> String {
    let field = if rule.field.is_empty() {
        rule.table.clone()
    } else {
        format!("{}.{}", rule.table, rule.field)
    };
    let (share, tolerance) = super::view::share_and_tolerance(rule.violation_share, rule.threshold);
    format!(
        "{} {} on {field}: {} ({} of {} = {share} > tolerance {tolerance})",
        rule.code,
        rule.name,
        rule.outcome.as_str(),
        crate::wording::count(rule.violations),
        crate::wording::count(rule.checked),
    )
}

/// The gate reason of a score under `--fail-under`.
pub fn score_reason(overall: f64, min: f64) -> String {
    let places = places_apart(overall, &[min]);
    format!("score {overall:.places$} is under --fail-under {min}")
}

/// The gate reason of a score under `--fail-under` that a `--baseline` does not excuse: it is
/// also below the baseline's score. Both scores with the same decimals, as many as it takes to
/// see the drop.
pub fn score_reason_below_baseline(overall: f64, min: f64, baseline: f64) -> String {
    let places = places_apart(overall, &[min, baseline]);
    format!(
        "score {overall:.places$} is under --fail-under {min} and below the baseline's {baseline:.places$}"
    )
}

/// Decimals to print `value` with (two, up to six) so that it does not read equal to any of
/// `others` it differs from: 97.9994 against 98 is `97.9994`, not `98.00`.
pub(crate) fn places_apart(value: f64, others: &[f64]) -> usize {
    places_within(value, others, 2, 6)
}

/// [`places_apart`] between `fewest` and `most` decimals.
pub(crate) fn places_within(value: f64, others: &[f64], fewest: usize, most: usize) -> usize {
    (fewest..=most)
        .find(|&places| {
            others
                .iter()
                .all(|&o| o == value || format!("{value:.places$}") != format!("{o:.places$}"))
        })
        .unwrap_or(most)
}

fn evaluate_gate(rules: &[RuleReport], overall: f64, settings: GateSettings) -> Gate {
    let mut reasons = Vec::new();
    for rule in rules {
        if fails_gate(rule, settings) {
            reasons.push(rule_reason(rule));
        }
    }
    if let Some(min) = settings.fail_under
        && overall < min
    {
        reasons.push(score_reason(overall, min));
    }
    Gate {
        passed: reasons.is_empty(),
        reasons,
        fail_on: settings.fail_on,
        fail_under: settings.fail_under,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_reasons_show_the_decimals_that_tell_the_scores_apart() {
        assert_eq!(
            score_reason(97.5, 99.0),
            "score 97.50 is under --fail-under 99"
        );
        // Printed as 99.00 it would not look under 99.
        assert_eq!(
            score_reason(98.9996, 99.0),
            "score 98.9996 is under --fail-under 99"
        );
        assert_eq!(
            score_reason_below_baseline(97.99, 99.0, 98.0),
            "score 97.99 is under --fail-under 99 and below the baseline's 98.00"
        );
        // A drop of 0.0006 is visible.
        assert_eq!(
            score_reason_below_baseline(97.9994, 99.0, 98.0),
            "score 97.999 is under --fail-under 99 and below the baseline's 98.000"
        );
    }
}
