//! A whole audit of one arbitrary CSV file, as `crmaudit audit FILE` runs it: reader, header
//! recognition, every default rule, duplicates, scores, KPIs and every renderer. Bad data must be
//! findings, never a panic; only an unreadable file may be an error.
#![no_main]

use clap::Parser;
use crmaudit::app::{AuditPlan, run_audit};
use crmaudit::cli::{Cli, Command};
use crmaudit::report::{csv_cells::CsvCells, html, json, junit, markdown, text, worklist};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The file name decides the kind: the first byte picks one, so every kind's rules run.
    const NAMES: &[&str] = &[
        "contacts.csv", "companies.csv", "leads.csv", "deals.csv", "tickets.csv", "surveys.csv",
        "spend.csv", "subscriptions.csv", "usage.csv", "data.csv",
    ];
    let Some((&first, body)) = data.split_first() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(NAMES[usize::from(first) % NAMES.len()]);
    std::fs::write(&path, body).unwrap();
    let cli = Cli::try_parse_from([
        "crmaudit",
        "audit",
        path.to_str().unwrap(),
        "--as-of",
        "2024-12-31",
        "--default-region",
        "US",
        "--no-progress",
    ])
    .unwrap();
    let Command::Audit(args) = cli.command else { unreachable!() };
    let plan = AuditPlan::from_args(&args).unwrap();
    let Ok(report) = run_audit(&plan) else { return };
    let mut out = Vec::new();
    json::write(&report, &mut out).unwrap();
    let options = text::TextOptions { color: false, quiet: false, out_dir: None };
    text::write(&report, &options, &mut out).unwrap();
    worklist::write_worklist(&report, CsvCells::SpreadsheetSafe, &mut out).unwrap();
    worklist::write_duplicates(&report, CsvCells::SpreadsheetSafe, &mut out).unwrap();
    html::write(&report, &mut out).unwrap();
    junit::write(&report, &mut out).unwrap();
    markdown::write(&report, &mut out).unwrap();
});
