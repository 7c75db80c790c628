//! `worklist.csv` (one row per finding) and `duplicates.csv` (one row per cluster member).

use std::collections::BTreeMap;
use std::io::Write;

use super::AuditReport;
use super::csv_cells::CsvCells;

pub const WORKLIST_HEADER: [&str; 11] = [
    "table",
    "record_id",
    "row",
    "field",
    "value",
    "code",
    "rule",
    "severity",
    "message",
    "suggestion",
    "cluster_id",
];

pub fn write_worklist(
    report: &AuditReport,
    cells: CsvCells,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // A record in several clusters lists them all, separated by `;`.
    let mut cluster_of: BTreeMap<(&str, u64), Vec<&str>> = BTreeMap::new();
    for cluster in &report.clusters {
        for member in &cluster.members {
            cluster_of
                .entry((&cluster.table, member.row))
                .or_default()
                .push(&cluster.cluster_id);
        }
    }
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(WORKLIST_HEADER)?;
    // Row numbers are formatted without a heap allocation per finding.
    let mut row = itoa::Buffer::new();
    for f in &report.findings {
        let clusters = cluster_of
            .get(&(&*f.table, f.row))
            .map(|ids| ids.join(";"))
            .unwrap_or_default();
        csv.write_record([
            cells.cell(&f.table).as_ref(),
            &cells.cell(&f.record_id),
            row.format(f.row),
            &cells.cell(&f.field),
            &cells.cell(&f.value),
            &f.code,
            &f.rule,
            f.severity.as_str(),
            &cells.cell(&f.message),
            &cells.cell(f.suggestion.as_deref().unwrap_or("")),
            &cells.cell(&clusters),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

pub fn write_duplicates(
    report: &AuditReport,
    cells: CsvCells,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    write_clusters(&report.clusters, cells, out)
}

/// `duplicates.csv` from clusters: one row per member.
pub fn write_clusters(
    clusters: &[super::model::Cluster],
    cells: CsvCells,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record([
        "table",
        "cluster_id",
        "record_id",
        "row",
        "is_survivor",
        "score",
        "reasons",
    ])?;
    for cluster in clusters {
        for member in &cluster.members {
            csv.write_record([
                cells.cell(&cluster.table).as_ref(),
                &cells.cell(&cluster.cluster_id),
                &cells.cell(&member.record_id),
                &member.row.to_string(),
                if member.is_survivor { "true" } else { "false" },
                &format!("{:.4}", member.score.unwrap_or(cluster.score)),
                &cells.cell(member.reasons.as_deref().unwrap_or(&cluster.reasons)),
            ])?;
        }
    }
    csv.flush()?;
    Ok(())
}
