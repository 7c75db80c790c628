//! Replays inputs kept from the fuzz targets (`fuzz/`) through the same code and checks the same
//! invariants, so CI holds what fuzzing established without a sanitizer toolchain.
//!
//! - `fixtures/fuzz/read_csv/`: a spread of the read_csv corpus (sizes 1 byte to a few KB, picked
//!   by size rank), plus every input that ever crashed a target; each is read sniffed and with
//!   each fixed dialect, and each is audited as a file of every table kind;
//! - `fixtures/fuzz/config/`: config and rule-pack texts from the config corpus: an error must
//!   carry a place and render, never panic.
//!
//! A crash found by `cargo fuzz` goes into the folder of its target under the name of the bug,
//! and this test keeps it fixed.

mod common;

use std::path::{Path, PathBuf};

use clap::Parser;
use crmaudit::app::{AuditPlan, run_audit};
use crmaudit::cli::{Cli, Command};
use crmaudit::config::WorkspaceConfig;
use crmaudit::config::rule_pack::parse_pack;
use crmaudit::error::SourceText;
use crmaudit::report::{csv_cells::CsvCells, html, json, junit, markdown, text, worklist};
use crmaudit::source::{EncodingChoice, ReadOptions, read_bytes};

use common::fixture;

fn inputs(dir: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixture(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "{dir} holds {} inputs", files.len());
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect()
}

/// The read_csv target's invariants: records are lines of the input, in order, and every column
/// is as long as the table.
fn check_read(name: &Path, data: &[u8], options: &ReadOptions) {
    let Ok(table) = read_bytes(Path::new("fuzz.csv"), data, options) else {
        return;
    };
    let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1;
    assert!(
        table.lines.iter().all(|&l| l >= 2 && l <= lines + 1),
        "{}: a record line outside the file",
        name.display()
    );
    assert!(
        table.lines.windows(2).all(|w| w[0] < w[1]),
        "{}: record lines out of order",
        name.display()
    );
    for column in &table.columns {
        assert_eq!(column.len(), table.rows(), "{}", name.display());
    }
}

#[test]
fn reader_keeps_its_invariants_on_fuzz_inputs_in_every_dialect() {
    for (name, data) in inputs("fuzz/read_csv") {
        check_read(&name, &data, &ReadOptions::default());
        for encoding in [
            EncodingChoice::Utf8,
            EncodingChoice::Windows1252,
            EncodingChoice::Utf16Le,
            EncodingChoice::Utf16Be,
        ] {
            for delimiter in [None, Some(b','), Some(b';'), Some(b'\t'), Some(b'|')] {
                for strict_encoding in [false, true] {
                    let options = ReadOptions {
                        encoding,
                        delimiter,
                        strict_encoding,
                    };
                    check_read(&name, &data, &options);
                }
            }
        }
    }
}

#[test]
fn a_whole_audit_of_fuzz_inputs_as_every_kind_renders_in_every_format() {
    const NAMES: &[&str] = &[
        "contacts.csv",
        "companies.csv",
        "leads.csv",
        "deals.csv",
        "tickets.csv",
        "surveys.csv",
        "spend.csv",
        "subscriptions.csv",
        "usage.csv",
        "data.csv",
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut audited = 0;
    for (i, (name, data)) in inputs("fuzz/read_csv").into_iter().enumerate() {
        // Every input as every kind would be 10x the time for little more coverage: rotate.
        for kind in [NAMES[i % NAMES.len()], NAMES[(i + 3) % NAMES.len()]] {
            let path = dir.path().join(kind);
            std::fs::write(&path, &data).unwrap();
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
            let Command::Audit(args) = cli.command else {
                unreachable!()
            };
            let plan = AuditPlan::from_args(&args).unwrap();
            let report =
                run_audit(&plan).unwrap_or_else(|e| panic!("{} as {kind}: {e}", name.display()));
            // Rows read = rows reported.
            let rows: usize = report.inputs.iter().map(|i| i.rows).sum();
            assert_eq!(rows, report.summary.records, "{}", name.display());
            let mut out = Vec::new();
            json::write(&report, &mut out).unwrap();
            let options = text::TextOptions {
                color: false,
                quiet: false,
                out_dir: None,
            };
            text::write(&report, &options, &mut out).unwrap();
            worklist::write_worklist(&report, CsvCells::SpreadsheetSafe, &mut out).unwrap();
            worklist::write_duplicates(&report, CsvCells::SpreadsheetSafe, &mut out).unwrap();
            html::write(&report, &mut out).unwrap();
            junit::write(&report, &mut out).unwrap();
            markdown::write(&report, &mut out).unwrap();
            audited += 1;
        }
    }
    assert!(audited >= 20);
}

#[test]
fn config_and_rule_pack_errors_on_fuzz_inputs_have_a_place_and_render() {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut rendered_errors = 0;
    for (name, data) in inputs("fuzz/config") {
        let text = String::from_utf8_lossy(&data).into_owned();
        let errors = [
            // The bytes as read from disk: not UTF-8 is an error at its place too.
            SourceText::from_bytes(Path::new("fuzz/crmaudit.toml"), data.clone(), "config").err(),
            WorkspaceConfig::parse(Path::new("fuzz/crmaudit.toml"), text.clone()).err(),
            parse_pack(&SourceText::new(Path::new("fuzz/rules.toml"), text), false).err(),
        ];
        for err in errors.into_iter().flatten() {
            let mut rendered = String::new();
            handler.render_report(&mut rendered, &err).unwrap();
            assert!(
                rendered.contains("fuzz/"),
                "{}: the diagnostic names no file:\n{rendered}",
                name.display()
            );
            rendered_errors += 1;
        }
    }
    // Most corpus texts are broken on purpose; an empty count would mean nothing was checked.
    assert!(
        rendered_errors >= 10,
        "{rendered_errors} diagnostics rendered"
    );
}
