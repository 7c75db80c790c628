//! `crmaudit dedupe FILE`: entity matching on one table, with everything inferred as
//! `audit FILE` does (or a table's settings from `--config`), and the accuracy harness.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::app::{AuditPlan, load_dataset, load_workspace, use_color};
use crate::checks::Cache;
use crate::cli::{Color, DedupeArgs, Format};
use crate::config::WorkspaceConfig;
use crate::config::dedupe::defaults_any;
use crate::error::{Error, Result, usage, usage_help};
use crate::normalize::text::is_missing;
use crate::report::build::{GateSettings, entity_clusters};
use crate::report::{worklist, write_atomic};
use crate::wording::{count, plural};

use super::DedupeResult;
use super::explain::to_text;
use super::truth::{Accuracy, evaluate};

#[derive(Serialize)]
struct Output<'a> {
    tool: &'static str,
    version: &'static str,
    path: String,
    #[serde(flatten)]
    result: &'a DedupeResult,
    records_in_clusters: usize,
    surplus_records: usize,
    accuracy: Option<&'a Accuracy>,
    /// Wall-clock milliseconds: the only part that differs between identical runs.
    timings: Timings,
}

#[derive(Serialize)]
struct Timings {
    read_ms: u64,
    dedupe_ms: u64,
    total_ms: u64,
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The workspace holding just the table to match.
fn workspace(args: &DedupeArgs) -> Result<WorkspaceConfig> {
    if !args.file.is_file() {
        return Err(usage(format!(
            "{} is not a file: `crmaudit dedupe` takes one CSV file",
            args.file.display()
        )));
    }
    let mut ws = match &args.config {
        Some(config) => load_workspace(None, Some(config))?,
        None => {
            if args.table.is_some() {
                return Err(usage("--table needs --config"));
            }
            load_workspace(Some(&args.file), None)?
        }
    };
    if args.config.is_some() {
        let index = match &args.table {
            Some(name) => ws.tables.iter().position(|t| &t.name == name),
            None => ws
                .tables
                .iter()
                .position(|t| same_file(&t.path, &args.file)),
        };
        let Some(index) = index else {
            let names: Vec<String> = ws
                .tables
                .iter()
                .map(|t| format!("{} ({})", t.name, t.path.display()))
                .collect();
            return Err(usage_help(
                match &args.table {
                    Some(name) => format!("the config has no table `{name}`"),
                    None => format!("no table of the config reads {}", args.file.display()),
                },
                format!("its tables are: {}", names.join(", ")),
            ));
        };
        let mut table = ws.tables.swap_remove(index);
        table.path = args.file.clone();
        ws.tables = vec![table];
    }
    if let Some(region) = &args.default_region {
        let code = crate::normalize::country::country_code(region)
            .filter(|_| region.len() == 2)
            .ok_or_else(|| {
                usage(format!(
                    "--default-region `{region}` is not a two-letter ISO region code"
                ))
            })?;
        for table in &mut ws.tables {
            table.default_region = Some(code.to_string());
        }
    }
    Ok(ws)
}

pub fn dedupe(args: &DedupeArgs) -> Result<()> {
    if matches!(args.format, Format::Junit | Format::Markdown) {
        return Err(usage_help(
            "`crmaudit dedupe` prints text or json",
            "JUnit and Markdown summarise an audit: run `crmaudit audit` with --format junit|markdown",
        ));
    }
    if let Some(threads) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(threads))
            .build_global();
    }
    let start = Instant::now();
    let plan = AuditPlan {
        as_of: jiff::civil::date(1970, 1, 1),
        workspace: workspace(args)?,
        extra_packs: Vec::new(),
        strict_encoding: false,
        gate: GateSettings::default(),
        progress: false,
        period: None,
    };
    let dataset = load_dataset(&plan)?;
    let read_ms = start.elapsed().as_millis() as u64;
    let table = &dataset.tables[0];
    let truth_column = match &args.truth {
        Some(name) => Some(
            table
                .raw
                .column_index(name)
                .or_else(|| table.resolve_field(name))
                .ok_or_else(|| {
                    usage_help(
                        format!(
                            "--truth `{name}`: {} has no such column",
                            table.raw.path.display()
                        ),
                        format!(
                            "its headers are: {}",
                            table
                                .raw
                                .columns
                                .iter()
                                .map(|c| c.header.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })?,
        ),
        None => None,
    };
    let config = table
        .dedupe
        .clone()
        .unwrap_or_else(|| defaults_any(table.kind).clone());
    let cache = Cache::new(&dataset);
    let dedupe_start = Instant::now();
    let pairs = args
        .pair
        .iter()
        .map(|spec| {
            let find = |id: &str| {
                (0..table.rows())
                    .find(|&r| table.record_id(r) == id.trim())
                    .ok_or_else(|| usage(format!("--pair: no record `{}` in the file", id.trim())))
            };
            match spec.split_once(',') {
                Some((a, b)) => Ok((find(a)?, find(b)?)),
                None => Err(usage(format!(
                    "--pair `{spec}`: expected two record ids separated by a comma"
                ))),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let result = super::run(table, 0, &cache, &config, truth_column.is_some(), &pairs);
    let accuracy = truth_column.map(|col| {
        let labels: Vec<Option<&str>> = (0..table.rows())
            .map(|r| {
                let v = table.cell(r, col).trim();
                (!is_missing(v)).then_some(v)
            })
            .collect();
        let groups: Vec<Vec<u32>> = result
            .clusters
            .iter()
            .map(|c| c.members.iter().map(|m| m.record as u32).collect())
            .collect();
        evaluate(table.header(col), &labels, &groups, &result.candidates)
    });
    let dedupe_ms = dedupe_start.elapsed().as_millis() as u64;
    let output = Output {
        tool: "crmaudit",
        version: env!("CARGO_PKG_VERSION"),
        path: table.raw.path.display().to_string(),
        result: &result,
        records_in_clusters: result.records_in_clusters(),
        surplus_records: result.surplus_records(),
        accuracy: accuracy.as_ref(),
        timings: Timings {
            read_ms,
            dedupe_ms,
            total_ms: start.elapsed().as_millis() as u64,
        },
    };
    if let Some(dir) = &args.out {
        crate::report::prepare_out_dir(dir)?;
        let clusters = entity_clusters(&result);
        write_atomic(dir, "duplicates.csv", |w| {
            worklist::write_clusters(&clusters, crate::app::csv_cells(args.raw_csv), w)
        })?;
        write_atomic(dir, "dedupe.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &output)?;
            writeln!(w)
        })?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.format {
        Format::Json => serde_json::to_writer_pretty(&mut out, &output)
            .map_err(std::io::Error::from)
            .and_then(|_| writeln!(out)),
        Format::Text => write_text(
            &output,
            use_color(Color::Never),
            // The data cannot write escape sequences to the reader's terminal.
            &mut crate::report::terminal::Printable::new(&mut out, false),
        ),
        // Refused before the work starts (see the top of this function).
        Format::Junit | Format::Markdown => Ok(()),
    };
    match written.and_then(|_| out.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Output {
            path: "stdout".into(),
            reason: err,
        }),
        _ => Ok(()),
    }
}

/// Clusters printed in full on the terminal; the rest are counted (all are in duplicates.csv).
const SHOWN: usize = 20;

fn write_text(o: &Output, _color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let r = o.result;
    writeln!(
        out,
        "Duplicates in {} ({}): {}",
        r.table,
        o.path,
        plural(r.records, "record", "records")
    )?;
    writeln!(
        out,
        "  {}, {} in clusters, {} surplus",
        plural(r.clusters.len(), "cluster", "clusters"),
        plural(o.records_in_clusters, "record", "records"),
        count(o.surplus_records)
    )?;
    let passes: Vec<String> = r
        .blocking
        .iter()
        .map(|p| {
            let capped = if p.capped_blocks > 0 {
                format!(
                    ", {} of {} over the cap",
                    plural(p.capped_blocks, "block", "blocks"),
                    plural(p.capped_records, "record", "records")
                )
            } else {
                String::new()
            };
            format!("{} {}{capped}", p.pass, count(p.pairs))
        })
        .collect();
    let passes = if passes.is_empty() {
        String::new()
    } else {
        format!(" ({})", passes.join(", "))
    };
    writeln!(
        out,
        "  {}{passes}, {} matched at p >= {}{}",
        plural(r.candidate_pairs, "candidate pair", "candidate pairs"),
        count(r.matched_pairs),
        r.threshold,
        if r.estimated {
            format!(
                ", weights estimated (EM, {} iterations, prior {:.5})",
                r.em_iterations, r.prior
            )
        } else {
            String::new()
        }
    )?;
    let fields: Vec<String> = r
        .fields
        .iter()
        .map(|f| format!("{} ({})", f.field, f.comparison))
        .collect();
    if fields.is_empty() {
        writeln!(
            out,
            "  compared: nothing: no name, e-mail, phone, company or address field was recognised; declare fields in [tables.NAME.dedupe] (see the README, Duplicates)"
        )?;
    } else {
        writeln!(out, "  compared: {}", fields.join(", "))?;
    }
    for cluster in r.clusters.iter().take(SHOWN) {
        writeln!(out)?;
        let survivor = cluster.members.iter().find(|m| m.is_survivor);
        if let Some(s) = survivor {
            writeln!(
                out,
                "{}: keep {} (line {}; {})",
                cluster.cluster_id, s.record_id, s.row, cluster.survivor_reason
            )?;
        }
        for m in cluster.members.iter().filter(|m| !m.is_survivor) {
            let why = m.explanation.as_ref().map(to_text).unwrap_or_default();
            writeln!(out, "  {} (line {}): {why}", m.record_id, m.row)?;
        }
        for f in &cluster.merge {
            writeln!(
                out,
                "  merge: {} `{}` from {}",
                f.field, f.value, f.from_record_id
            )?;
        }
    }
    if r.clusters.len() > SHOWN {
        writeln!(out)?;
        writeln!(
            out,
            "... and {} more: --out DIR writes them all to duplicates.csv",
            plural(r.clusters.len() - SHOWN, "cluster", "clusters")
        )?;
    }
    for p in &r.explained {
        writeln!(out)?;
        writeln!(
            out,
            "Pair {} (line {}) / {} (line {}): {}{}",
            p.records.0,
            p.rows.0,
            p.records.1,
            p.rows.1,
            if p.same_cluster {
                "one cluster"
            } else {
                "not clustered"
            },
            if p.candidate {
                ""
            } else {
                " (not proposed by blocking)"
            }
        )?;
        writeln!(out, "  {}", to_text(&p.explanation))?;
    }
    if let Some(a) = o.accuracy {
        writeln!(out)?;
        writeln!(
            out,
            "Accuracy against `{}` (pairs of records): precision {:.4}, recall {:.4}, F1 {:.4}",
            a.truth_column, a.precision, a.recall, a.f1
        )?;
        writeln!(
            out,
            "  {}, {} predicted, {} correct",
            plural(a.true_pairs as usize, "true pair", "true pairs"),
            count(a.predicted_pairs as usize),
            count(a.true_positive_pairs as usize)
        )?;
        writeln!(
            out,
            "  blocking recall {:.4}: {} of {} among {}",
            a.blocking_recall,
            count(a.true_pairs_in_candidates as usize),
            plural(a.true_pairs as usize, "true pair", "true pairs"),
            plural(
                a.candidate_pairs as usize,
                "candidate pair",
                "candidate pairs"
            )
        )?;
    }
    Ok(())
}
