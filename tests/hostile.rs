//! Hostile and broken files (issue 7): each gives a finding or a clear error (exit 2), never a
//! panic, and a table always reports every record it read.

mod common;

use std::path::Path;

use common::{audit, run};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `audit FILE` that must stop with exit 2 and a message naming the problem, no panic.
fn refused(path: &Path, expect: &str) {
    let (code, stdout, stderr) = run(&["audit", path.to_str().unwrap(), "--no-progress"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains(expect), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
}

#[test]
fn files_with_nothing_to_audit_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    refused(&write(dir.path(), "empty.csv", b""), "the file is empty");
    refused(dir.path(), "has no crmaudit.toml");
    std::fs::create_dir(dir.path().join("folder.csv")).unwrap();
    refused(&dir.path().join("folder.csv"), "folder.csv");
    refused(&dir.path().join("missing.csv"), "does not exist");
    // A path that goes through a file cannot be opened.
    write(dir.path(), "plain.csv", b"id\n1\n");
    refused(&dir.path().join("plain.csv").join("x.csv"), "x.csv");
    #[cfg(unix)]
    {
        let a = dir.path().join("loop-a.csv");
        let b = dir.path().join("loop-b.csv");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        refused(&a, "symbolic link that leads to no file");
    }
}

#[test]
fn a_header_alone_or_nul_bytes_are_findings_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let run = audit(&write(dir.path(), "deals.csv", b"id,amount,stage\n"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = run.report();
    assert_eq!(report["summary"]["records"], 0);
    // No record, nothing to trust: the table and every field score 0, not 100.
    assert_eq!(report["tables"][0]["score"], 0.0);
    let fields = report["tables"][0]["fields"].as_array().unwrap();
    assert!(!fields.is_empty());
    assert!(fields.iter().all(|f| f["score"] == 0.0), "{fields:?}");
    let run = audit(&write(dir.path(), "nul.csv", &[0u8; 100_000]), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // 100,000 NUL bytes are one header cell: no record, the table fails DQ103.
    let report = run.report();
    assert_eq!(report["summary"]["records"], 0);
    assert!(
        report["gate"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("DQ103")
    );
}

#[test]
fn every_physical_record_is_counted_whatever_the_line_endings() {
    let dir = tempfile::tempdir().unwrap();
    // LF, CRLF, a lone CR, a quoted field holding a newline, a ragged row, a blank line.
    let csv = b"id,name,note\n1,Ann,a\r\n2,Bob,b\r3,Cy,\"two\nlines\"\n4,Di\n\n5,Ed,e,extra\n";
    let run = audit(
        &write(dir.path(), "contacts.csv", csv),
        &["--as-of", "2024-12-31"],
    );
    let report = run.report();
    assert_eq!(report["inputs"][0]["rows"], 5);
    assert_eq!(report["summary"]["records"], 5);
    let ragged = run.findings("DQ012");
    let rows: Vec<&str> = ragged.iter().map(|r| r["row"].as_str()).collect();
    // Record 4 starts on line 6 (record 3 spans lines 4-5); record 5 after the blank line 7.
    assert_eq!(rows, ["6", "8"]);
}

#[test]
fn a_quote_left_open_at_the_end_keeps_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let run = audit(
        &write(dir.path(), "contacts.csv", b"id,name\n1,Ann\n2,\"Bob"),
        &["--as-of", "2024-12-31"],
    );
    assert_eq!(run.report()["summary"]["records"], 2);
    let broken = run.findings("DQ013");
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0]["record_id"], "2");
}

#[test]
fn a_line_of_100000_fields_and_a_20_mb_cell_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut wide = (0..100_000)
        .map(|i| format!("c{i}"))
        .collect::<Vec<_>>()
        .join(",");
    wide.push('\n');
    wide.push_str(&vec!["v"; 100_000].join(","));
    wide.push('\n');
    let run = audit(&write(dir.path(), "wide.csv", wide.as_bytes()), &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert_eq!(run.report()["inputs"][0]["rows"], 1);

    let mut big = b"id,note\n1,\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 20 << 20));
    big.extend_from_slice(b"\"\n2,ok\n");
    let run = audit(&write(dir.path(), "big.csv", &big), &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert_eq!(run.report()["summary"]["records"], 2);

    // A 20 MB value that breaks a rule: the worklist holds it whole, the report's samples only
    // its start (report.json and report.html were each as big as the cell).
    let mut big = b"id,email\n1,\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 20 << 20));
    big.extend_from_slice(b"@\"\n2,a@example.com\n");
    let run = audit(&write(dir.path(), "contacts.csv", &big), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let rule = run.rule("DQ001", "email");
    let value = rule["sample"][0]["value"].as_str().unwrap();
    assert!(
        value.len() < 1000 && value.contains("more characters: worklist.csv has the whole value"),
        "{}",
        &value[..value.len().min(2000)]
    );
    for file in ["report.json", "report.html"] {
        let size = std::fs::metadata(run.out.path().join(file)).unwrap().len();
        assert!(size < 1 << 20, "{file}: {size} bytes");
    }
    let worklist = run.raw_csv("worklist.csv");
    assert!(worklist.iter().any(|r| r["value"].len() == (20 << 20) + 1));
}

/// Escape sequences in the data never reach the reader's terminal: a record id that clears the
/// screen (`ESC[2J`), sets the window title (`ESC]0;...BEL`) or is a C1 control is written as
/// a visible escape by every text output. `dedupe` used to print them raw.
#[test]
fn escape_sequences_in_the_data_are_shown_not_executed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crmaudit.toml"),
        "[workspace]\nas_of = \"2024-12-31\"\n\n[tables.\"c\\u001b[2Jx\"]\npath = \"contacts.csv\"\nkind = \"contacts\"\n",
    )
    .unwrap();
    let csv = write(
        dir.path(),
        "contacts.csv",
        "id,first_name,last_name,email,company\n\
         0\x1b[2J\x1b]0;PWNED\x07,Ann,Lee,ann@acme.com,Acme\u{9b}2J\n\
         1,Ann,Lee,ann@acme.com,Acme\n\
         2,Bob,Mar\u{202e}sh,bob@x\x1b[1A.com,Glo\u{2028}bex\n"
            .as_bytes(),
    );
    let store = dir.path().join("h.db");
    let ws = dir.path().to_str().unwrap();
    let store_arg = store.to_str().unwrap();
    let commands: [&[&str]; 5] = [
        &["audit", ws, "--no-progress", "--history", store_arg],
        &[
            "audit",
            ws,
            "--no-progress",
            "--color",
            "always",
            "--history",
            store_arg,
        ],
        &["kpi", ws, "--no-progress"],
        &["dedupe", csv.to_str().unwrap()],
        &["history", "--history", store_arg],
    ];
    for args in commands {
        let (code, stdout, stderr) = run(args);
        assert!(code <= 1, "{args:?}: {stderr}");
        // Without colour, no control character at all but the line breaks.
        let colour = args.contains(&"always");
        let raw: Vec<&str> = stdout
            .lines()
            .filter(|l| !colour && l.chars().any(char::is_control))
            .collect();
        assert!(raw.is_empty(), "{args:?} wrote control characters: {raw:?}");
        // With colour on, only crmaudit's own colour codes: no erase, no cursor move.
        for bad in [
            "\x1b[2J", "\x1b[1A", "\x1b]", "\x07", "\u{9b}", "\u{202e}", "\u{2028}",
        ] {
            assert!(!stdout.contains(bad), "{args:?} wrote {bad:?}:\n{stdout}");
        }
    }
    let (_, stdout, _) = run(&["dedupe", csv.to_str().unwrap()]);
    assert!(
        stdout.contains("0\\u{1b}[2J\\u{1b}]0;PWNED\\u{7}"),
        "the id shown as text:\n{stdout}"
    );
    let (_, stdout, _) = run(&["audit", ws, "--no-progress"]);
    assert!(stdout.contains("c\\u{1b}[2Jx"), "{stdout}");
    // A bidi override and a line separator are findings too (DQ014), with the clean value.
    let run = audit(dir.path(), &[]);
    let flagged: Vec<(String, String)> = run
        .findings("DQ014")
        .into_iter()
        .map(|r| (r["record_id"].clone(), r["field"].clone()))
        .collect();
    for (id, field) in [("2", "last_name"), ("2", "company")] {
        assert!(
            flagged.contains(&(id.to_string(), field.to_string())),
            "{flagged:?}"
        );
    }
}
