//! One test per built-in check code, each asserting the `EXPECT.md` of its fixture in
//! `fixtures/rules/dqNNN-<name>/`: the exact records flagged (so near misses stay unflagged), the
//! rule's violations, denominator and outcome, and the suggested fix where the check gives one.

mod common;

use common::{Row, Run, audit, fixture};
use serde_json::Value;

/// Audits a fixture workspace (a folder, or a config file in it) with its own `as_of`.
fn audit_rules(path: &str) -> Run {
    let run = audit(&fixture(&format!("rules/{path}")), &[]);
    assert!(
        run.code == 0 || run.code == 1,
        "exit {} on {path}; stderr:\n{}",
        run.code,
        run.stderr
    );
    run
}

/// Worklist rows of `code` on `table` and `field` (the header; empty for record-level rules),
/// in worklist order.
fn rows(run: &Run, code: &str, table: &str, field: &str) -> Vec<Row> {
    run.findings(code)
        .into_iter()
        .filter(|r| r["table"] == table && r["field"] == field)
        .collect()
}

/// The record ids `code` flagged on `table.field`, in worklist order.
fn flagged(run: &Run, code: &str, table: &str, field: &str) -> Vec<String> {
    rows(run, code, table, field)
        .into_iter()
        .map(|r| r["record_id"].clone())
        .collect()
}

/// (record id, suggestion) of each finding of `code` on `table.field`.
fn suggestions(run: &Run, code: &str, table: &str, field: &str) -> Vec<(String, String)> {
    rows(run, code, table, field)
        .into_iter()
        .map(|r| (r["record_id"].clone(), r["suggestion"].clone()))
        .collect()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Asserts the exact flagged ids, and (for readability of the fixture's intent) that none of the
/// near misses is among them.
fn assert_flagged(
    run: &Run,
    code: &str,
    table: &str,
    field: &str,
    expected: &[&str],
    near_misses: &[&str],
) {
    let got = flagged(run, code, table, field);
    for id in near_misses {
        assert!(
            !got.iter().any(|g| g == id),
            "{code} on {table}.{field} flagged near miss {id}: {:?}",
            rows(run, code, table, field)
        );
    }
    assert_eq!(got, strings(expected), "{code} on {table}.{field}");
}

/// Asserts the outcome of `code` on `place` (`table.field`, `table.` for record-level rules)
/// and returns it.
fn assert_rule(
    run: &Run,
    code: &str,
    place: &str,
    violations: u64,
    checked: u64,
    outcome: &str,
) -> Value {
    let rule = run.rule(code, place);
    assert_eq!(
        (
            rule["violations"].as_u64(),
            rule["checked"].as_u64(),
            rule["outcome"].as_str()
        ),
        (Some(violations), Some(checked), Some(outcome)),
        "{code} on {place}: {rule}"
    );
    rule
}

/// (record id, row, field, value) of each finding of `code`.
fn cells(run: &Run, code: &str) -> Vec<(String, String, String, String)> {
    run.findings(code)
        .into_iter()
        .map(|r| {
            (
                r["record_id"].clone(),
                r["row"].clone(),
                r["field"].clone(),
                r["value"].clone(),
            )
        })
        .collect()
}

/// The validity share of `table.field` in the report's scores.
fn validity(run: &Run, table: &str, field: &str) -> Option<f64> {
    let report = run.report();
    let t = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == table)
        .unwrap_or_else(|| panic!("no table {table}"))
        .clone();
    let f = t["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == field)
        .unwrap_or_else(|| panic!("no field {table}.{field}: {t}"))
        .clone();
    f["validity"].as_f64()
}

/// The message of the finding of `code` on `table.field` for record `id`.
fn message(run: &Run, code: &str, table: &str, field: &str, id: &str) -> String {
    rows(run, code, table, field)
        .into_iter()
        .find(|r| r["record_id"] == id)
        .unwrap_or_else(|| panic!("no {code} finding for {id}"))["message"]
        .clone()
}

#[test]
fn dq001_invalid_email() {
    let run = audit_rules("dq001-email");
    assert_flagged(
        &run,
        "DQ001",
        "contacts",
        "email",
        &[
            "8", "9", "10", "11", "12", "13", "14", "17", "18", "19", "22",
        ],
        &["2", "3", "4", "5", "6", "7", "20", "21", "15", "16"],
    );
    assert_rule(&run, "DQ001", "contacts.email", 11, 20, "fail");
    // Only misspelt domains come with a fix, and the fix keeps the local part as written.
    let fixes: Vec<(String, String)> = suggestions(&run, "DQ001", "contacts", "email")
        .into_iter()
        .filter(|(_, s)| !s.is_empty())
        .collect();
    assert_eq!(
        fixes,
        pairs(&[
            ("12", "kim@gmail.com"),
            ("13", "lia@example.com"),
            ("19", "Rex.Case@gmail.com"),
        ])
    );
    for (id, reason) in [
        ("8", "two consecutive dots"),
        ("9", "more than one address in one cell"),
        ("10", "no domain after the '@'"),
        ("11", "no '@'"),
        ("14", "U+0020"),
        ("17", "top-level domain is not two or more letters"),
        ("18", "display name"),
        ("22", "nothing before the '@'"),
        ("12", "misspelt domain"),
    ] {
        let text = message(&run, "DQ001", "contacts", "email", id);
        assert!(text.contains(reason), "{id}: {text}");
    }
    // Missing values are completeness findings, not invalid emails.
    assert_eq!(flagged(&run, "DQ101", "contacts", "email"), ["15", "16"]);
}

#[test]
fn dq002_invalid_phone() {
    let run = audit_rules("dq002-phone");
    assert_flagged(
        &run,
        "DQ002",
        "contacts",
        "phone",
        &["3", "7", "9", "12", "16", "18"],
        &[
            "1", "2", "4", "5", "6", "10", "11", "13", "14", "15", "17", "20", "8", "19",
        ],
    );
    assert_rule(&run, "DQ002", "contacts.phone", 6, 18, "warn");
    for (id, reason) in [
        ("3", "(US): too few digits"),
        ("7", "not a phone number"),
        ("9", "unknown international calling code"),
        ("12", "too many digits"),
        ("16", "too many digits"),
        ("18", "(DE): not a valid number for its country"),
    ] {
        let text = message(&run, "DQ002", "contacts", "phone", id);
        assert!(text.contains(reason), "{id}: {text}");
    }
    // DQ002 gives no fix; the E.164 form is DQ020's suggestion.
    assert!(
        suggestions(&run, "DQ002", "contacts", "phone")
            .iter()
            .all(|(_, s)| s.is_empty())
    );
}

#[test]
fn dq003_invalid_date() {
    let run = audit_rules("dq003-invalid-date");
    assert_flagged(
        &run,
        "DQ003",
        "contacts",
        "created_at",
        &["3", "4", "5", "6", "11", "12", "15", "19", "25", "27"],
        // 21 is `2024-01-13 10:30 PM`: a 12-hour clock after an ISO date (was reported).
        &[
            "2", "16", "7", "8", "9", "20", "10", "17", "18", "21", "22", "23", "24", "26", "14",
            "13",
        ],
    );
    assert_rule(&run, "DQ003", "contacts.created_at", 10, 26, "fail");
    for (id, reason) in [
        (
            "3",
            "29 February 2023 does not exist (2023 is not a leap year)",
        ),
        ("4", "30 February does not exist"),
        ("5", "month 13 does not exist"),
        ("6", "31 April does not exist"),
        ("11", "not a recognised date format"),
        ("12", "invalid time of day"),
        ("19", "day 0 does not exist"),
        ("27", "invalid time of day"),
    ] {
        let text = message(&run, "DQ003", "contacts", "created_at", id);
        assert!(text.contains(reason), "{id}: {text}");
    }
    // The Excel serial is DQ005's finding.
    assert_eq!(flagged(&run, "DQ005", "contacts", "created_at"), ["14"]);
}

#[test]
fn dq004_ambiguous_date() {
    let run = audit_rules("dq004-ambiguous-date");
    assert_flagged(
        &run,
        "DQ004",
        "contacts",
        "created_at",
        &["1", "4", "7", "8", "10"],
        &["2", "3", "5", "6", "9", "11", "12"],
    );
    assert_eq!(
        suggestions(&run, "DQ004", "contacts", "created_at"),
        pairs(&[
            ("1", "2024-02-01"),
            ("4", "2024-06-05"),
            ("7", "2024-02-01"),
            ("8", "2024-08-07"),
            ("10", "2024-04-03"),
        ])
    );
    let text = message(&run, "DQ004", "contacts", "created_at", "1");
    assert!(
        text.contains("2024-02-01 (day first) or 2024-01-02 (month first)")
            && text.contains("3 other values in this column can only be day-first"),
        "{text}"
    );
    assert_rule(&run, "DQ004", "contacts.created_at", 5, 11, "warn");

    assert_eq!(
        suggestions(&run, "DQ004", "deals", "created_at"),
        pairs(&[("D2", "2024-03-04")])
    );
    assert!(
        message(&run, "DQ004", "deals", "created_at", "D2")
            .contains("2 other values in this column can only be month-first")
    );
    assert_rule(&run, "DQ004", "deals.created_at", 1, 4, "warn");

    // Conflicting evidence: reported, but no reading is suggested.
    assert_eq!(
        suggestions(&run, "DQ004", "companies", "created_at"),
        pairs(&[("C3", "")])
    );
    assert_rule(&run, "DQ004", "companies.created_at", 1, 3, "warn");

    // With each table's order configured nothing is ambiguous, and nothing becomes invalid.
    let ordered = audit_rules("dq004-ambiguous-date/crmaudit-ordered.toml");
    assert!(ordered.findings("DQ004").is_empty());
    assert!(ordered.findings("DQ003").is_empty());
    assert_rule(&ordered, "DQ004", "contacts.created_at", 0, 11, "pass");
    assert_rule(&ordered, "DQ004", "deals.created_at", 0, 4, "pass");
    assert_rule(&ordered, "DQ004", "companies.created_at", 0, 3, "pass");
}

#[test]
fn dq005_excel_serial_date() {
    let run = audit_rules("dq005-excel-serial");
    assert_flagged(
        &run,
        "DQ005",
        "contacts",
        "created_at",
        &["1", "2", "3", "4", "10"],
        &["5", "6", "7", "9", "8", "11"],
    );
    assert_eq!(
        suggestions(&run, "DQ005", "contacts", "created_at"),
        pairs(&[
            ("1", "2024-01-01"),
            ("2", "2025-01-01"),
            ("3", "1927-05-18"),
            ("4", "2119-01-11"),
            ("10", "2024-02-29"),
        ])
    );
    assert!(
        message(&run, "DQ005", "contacts", "created_at", "1")
            .contains("set excel_serial_dates = true on table `contacts`")
    );
    assert_rule(&run, "DQ005", "contacts.created_at", 5, 10, "warn");
    // The near misses are invalid dates instead.
    assert_eq!(
        flagged(&run, "DQ003", "contacts", "created_at"),
        ["5", "6", "7", "9"]
    );

    // Accepted serials are dates: neither DQ005 nor DQ003 reports C1.
    assert!(flagged(&run, "DQ005", "companies", "created_at").is_empty());
    assert_rule(&run, "DQ005", "companies.created_at", 0, 3, "pass");
    assert_eq!(flagged(&run, "DQ003", "companies", "created_at"), ["C3"]);
}

#[test]
fn dq006_value_not_allowed() {
    let run = audit_rules("dq006-allowed");
    assert_flagged(
        &run,
        "U006",
        "deals",
        "stage",
        &["4", "5", "6", "8", "11", "12"],
        &["1", "2", "3", "7", "9", "10"],
    );
    assert_eq!(
        suggestions(&run, "U006", "deals", "stage"),
        pairs(&[
            ("4", "Closed Won"),
            ("5", "Closed Won"),
            ("6", "Closed Lost"),
            ("8", ""),
            ("11", "Closed Won"),
            ("12", ""),
        ])
    );
    assert_eq!(
        message(&run, "U006", "deals", "stage", "4"),
        "Deal stage must be a pipeline stage: `closed won` is a variant of the allowed value `Closed Won`"
    );
    assert!(
        message(&run, "U006", "deals", "stage", "8")
            .contains("`Negotiation` is not one of the allowed values (Prospecting, Qualification, Closed Won, Closed Lost)")
    );
    assert_rule(&run, "U006", "deals.stage", 6, 10, "fail");

    // case_sensitive = false accepts case variants only: spacing and `_`/`-` variants are still
    // reported, with the allowed spelling.
    assert_flagged(
        &run,
        "U106",
        "deals",
        "type",
        &["5", "6", "9", "11", "12"],
        &["1", "2", "3", "4", "10", "7", "8"],
    );
    assert_eq!(
        suggestions(&run, "U106", "deals", "type"),
        pairs(&[
            ("5", "New Business"),
            ("6", ""),
            ("9", ""),
            ("11", "New Business"),
            ("12", "New Business"),
        ])
    );
    assert_rule(&run, "U106", "deals.type", 5, 10, "warn");
}

#[test]
fn dq007_pattern_mismatch() {
    let run = audit_rules("dq007-regex");
    assert_flagged(
        &run,
        "U007",
        "contacts",
        "postal_code",
        &["2", "3", "6", "7", "9"],
        &["1", "5", "10", "4", "8"],
    );
    assert_eq!(
        message(&run, "U007", "contacts", "postal_code", "2"),
        "US postal codes are five digits: `02139-1234` does not match the pattern `\\d{5}`"
    );
    assert_rule(&run, "U007", "contacts.postal_code", 5, 8, "fail");

    assert_flagged(
        &run,
        "U107",
        "contacts",
        "external_id",
        &["3", "4", "5", "6", "9", "10"],
        &["1", "2", "7", "8"],
    );
    assert_rule(&run, "U107", "contacts.external_id", 6, 9, "warn");
    // Pattern rules give no fix.
    assert!(
        suggestions(&run, "U107", "contacts", "external_id")
            .iter()
            .all(|(_, s)| s.is_empty())
    );
}

#[test]
fn dq008_out_of_range() {
    let run = audit_rules("dq008-range");
    assert_flagged(
        &run,
        "DQ008",
        "deals",
        "amount",
        &["3", "6", "7", "12"],
        &["2", "4", "5", "9", "10", "11", "8"],
    );
    assert_rule(&run, "DQ008", "deals.amount", 4, 11, "fail");
    assert_eq!(
        message(&run, "DQ008", "deals", "amount", "3"),
        "`-1` is below the minimum 0"
    );
    assert_eq!(
        message(&run, "DQ008", "deals", "amount", "6"),
        "`ten` is not a number, so it cannot be in range"
    );

    assert_flagged(
        &run,
        "DQ008",
        "deals",
        "probability",
        &["3", "5", "8"],
        &["1", "2", "4", "9", "10", "11", "6", "7"],
    );
    assert_rule(&run, "DQ008", "deals.probability", 3, 10, "fail");
    assert_eq!(
        message(&run, "DQ008", "deals", "probability", "3"),
        "`101` is above the maximum 100"
    );

    assert_flagged(
        &run,
        "DQ008",
        "surveys",
        "nps_score",
        &["S3", "S4", "S8", "S9"],
        &["S1", "S2", "S5", "S6", "S10", "S7"],
    );
    assert_rule(&run, "DQ008", "surveys.nps_score", 4, 9, "fail");
    assert_flagged(
        &run,
        "DQ008",
        "surveys",
        "csat_score",
        &["S3", "S4"],
        &["S1", "S2", "S5", "S6", "S9", "S10", "S7", "S8"],
    );
    assert_rule(&run, "DQ008", "surveys.csat_score", 2, 8, "fail");

    assert_flagged(
        &run,
        "U008",
        "surveys",
        "effort",
        &["S3", "S4", "S8"],
        &["S1", "S2", "S5", "S6", "S9", "S10", "S7"],
    );
    assert_rule(&run, "U008", "surveys.effort", 3, 9, "warn");
    assert_eq!(
        message(&run, "U008", "surveys", "effort", "S3"),
        "Customer effort answers are 1-7: `8` is above the maximum 7"
    );
}

#[test]
fn dq009_invalid_number() {
    let run = audit_rules("dq009-number");
    assert_flagged(
        &run,
        "U009",
        "deals",
        "amount",
        &["3", "4", "5", "6", "10", "14", "16", "17"],
        &["1", "2", "7", "8", "9", "11", "13", "15", "18", "12"],
    );
    assert_rule(&run, "U009", "deals.amount", 8, 17, "fail");
    for (id, reason) in [
        ("4", "percentage"),
        (
            "5",
            "thousands separators are not in groups of three digits",
        ),
        ("6", "uses the other decimal separator"),
        ("10", "misplaced or repeated decimal separator"),
        ("14", "malformed exponent"),
        ("17", "misplaced or repeated sign"),
    ] {
        let text = message(&run, "U009", "deals", "amount", id);
        assert!(
            text.contains("(read with decimal point)") && text.contains(reason),
            "{id}: {text}"
        );
    }

    assert_flagged(
        &run,
        "U109",
        "spend",
        "amount",
        &["P3", "P6"],
        &["P1", "P2", "P4", "P5"],
    );
    // Within tolerance: pass, with the findings still listed.
    assert_rule(&run, "U109", "spend.amount", 2, 6, "pass");
    assert_eq!(
        message(&run, "U109", "spend", "amount", "P3"),
        "Spend must be a number: `10.5` is not a number (read with decimal comma): uses the other decimal separator than the rest of the column"
    );
}

#[test]
fn dq010_surrounding_whitespace() {
    let run = audit_rules("dq010-whitespace");
    assert_eq!(
        suggestions(&run, "DQ010", "contacts", "first_name"),
        pairs(&[("2", "Bob"), ("3", "Cara"), ("8", "Gil")])
    );
    assert_eq!(
        suggestions(&run, "DQ010", "contacts", "last_name"),
        pairs(&[("9", "Stone")])
    );
    assert_eq!(
        suggestions(&run, "DQ010", "contacts", "email"),
        pairs(&[("4", "dan@example.com")])
    );
    assert_flagged(&run, "DQ010", "contacts", "last_name", &["9"], &["5", "10"]);
    // The raw value is kept as written in the worklist.
    assert_eq!(
        rows(&run, "DQ010", "contacts", "last_name")[0]["value"],
        "\u{a0}Stone"
    );
    assert_eq!(
        rows(&run, "DQ010", "contacts", "first_name")[2]["value"],
        "Gil\t"
    );
    // Nothing else: not the blank first name (7), not the unmapped padded notes (6).
    assert_eq!(run.findings("DQ010").len(), 5);
    assert_rule(&run, "DQ010", "contacts.first_name", 3, 9, "warn");
    assert_rule(&run, "DQ010", "contacts.last_name", 1, 10, "warn");
    assert_rule(&run, "DQ010", "contacts.email", 1, 10, "warn");
    assert_rule(&run, "DQ010", "contacts.id", 0, 10, "pass");
    assert!(run.rules("DQ010").iter().all(|r| r["field"] != "notes"));
}

#[test]
fn dq011_invalid_encoding() {
    let run = audit_rules("dq011-encoding");
    let found = cells(&run, "DQ011");
    let expected: Vec<(String, String, String, String)> = [
        ("2", "3", "first_name", "François"),
        ("2", "3", "notes", "déjà vu"),
        ("4", "5", "last_name", "Müller"),
        ("5", "6", "notes", "café"),
    ]
    .iter()
    .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
    .collect();
    assert_eq!(found, expected);
    assert_eq!(
        message(&run, "DQ011", "contacts", "last_name", "4"),
        "line 5 column `last_name` is not valid UTF-8; read as windows-1252"
    );
    // Violations count records, like the denominator: record 2 has two bad cells.
    let rule = assert_rule(&run, "DQ011", "contacts.", 3, 6, "warn");
    assert_eq!(rule["violation_share"], 0.5);
    // Each bad cell weighs on its own field's validity (it used to weigh on none: every field
    // valid, the table scored 100); a field without a bad cell is untouched.
    assert_eq!(validity(&run, "contacts", "first_name"), Some(0.8333));
    assert_eq!(validity(&run, "contacts", "last_name"), Some(0.8333));
    let email = validity(&run, "contacts", "email");
    assert!(email.is_none() || email == Some(1.0), "{email:?}");
    // A table declared windows-1252 is read without findings.
    assert_rule(&run, "DQ011", "companies.", 0, 2, "pass");
    assert!(
        run.findings("DQ011")
            .iter()
            .all(|r| r["table"] == "contacts")
    );
}

#[test]
fn dq012_ragged_row() {
    let run = audit_rules("dq012-ragged");
    assert_flagged(
        &run,
        "DQ012",
        "contacts",
        "",
        &["2", "3", "7", "9"],
        &["1", "4", "5", "6", "8"],
    );
    let lines: Vec<String> = rows(&run, "DQ012", "contacts", "")
        .into_iter()
        .map(|r| r["row"].clone())
        .collect();
    assert_eq!(lines, ["3", "4", "9", "11"]);
    assert_eq!(
        message(&run, "DQ012", "contacts", "", "2"),
        "record has 3 fields where the header has 4"
    );
    assert_eq!(
        message(&run, "DQ012", "contacts", "", "3"),
        "record has 6 fields where the header has 4; extra values: `extra | more`"
    );
    assert_rule(&run, "DQ012", "contacts.", 4, 9, "fail");
    // Every record is kept.
    assert_eq!(run.report()["inputs"][0]["rows"], 9);
}

#[test]
fn dq013_broken_quote() {
    let run = audit_rules("dq013-broken-quote");
    let broken = rows(&run, "DQ013", "contacts", "last_name");
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0]["record_id"], "4");
    assert_eq!(broken[0]["row"], "6");
    assert!(
        broken[0]["value"].contains("5,Eve,Price,eve@example.com"),
        "{}",
        broken[0]["value"]
    );
    assert_eq!(
        broken[0]["message"],
        "a quoted field opened in the record at line 6 is never closed; the rest of the file was read into it"
    );
    assert_eq!(run.findings("DQ013").len(), 1);
    assert_rule(&run, "DQ013", "contacts.", 1, 4, "fail");
    assert_rule(&run, "DQ013", "notes.", 0, 4, "pass");
    // The swallowed record also makes the record short.
    assert_eq!(flagged(&run, "DQ012", "contacts", ""), ["4"]);
    assert_rule(&run, "DQ012", "notes.", 0, 4, "pass");
}

#[test]
fn dq016_stray_quote() {
    let run = audit_rules("dq016-stray-quote");
    let found = cells(&run, "DQ016");
    let expected = [
        ("1", "2", "company", "Acme Inc"),
        ("3", "4", "name", "He said hi\" to me\""),
        ("5", "6", "company", "Stark "),
    ];
    assert_eq!(
        found,
        expected
            .iter()
            .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
            .collect::<Vec<_>>()
    );
    assert!(
        message(&run, "DQ016", "contacts", "company", "1")
            .starts_with("line 2 column `company`: text follows the field's closing quote"),
        "{}",
        message(&run, "DQ016", "contacts", "company", "1")
    );
    assert_rule(&run, "DQ016", "contacts.", 3, 7, "warn");
    // The fields read without their quotes lose validity; the others do not.
    assert_eq!(validity(&run, "contacts", "company"), Some(0.7143));
    assert_eq!(validity(&run, "contacts", "name"), Some(0.8571));
    // Every record is kept, and none is ragged: the stray text stays in its field.
    assert_eq!(run.report()["inputs"][0]["rows"], 7);
    assert!(run.findings("DQ012").is_empty());
}

#[test]
fn dq020_inconsistent_format() {
    let run = audit_rules("dq020-inconsistent-format");
    assert_eq!(
        suggestions(&run, "DQ020", "contacts", "status"),
        pairs(&[("7", "Closed"), ("9", "In Progress")])
    );
    assert_rule(&run, "DQ020", "contacts.status", 2, 12, "warn");

    assert_eq!(
        suggestions(&run, "DQ020", "contacts", "lead_source"),
        // `trade show` has no capitalised spelling in the column: it is recased.
        pairs(&[("6", "Web"), ("8", "Trade Show")])
    );
    assert_flagged(
        &run,
        "DQ020",
        "contacts",
        "lead_source",
        &["6", "8"],
        &["2", "3", "5", "7", "11"],
    );
    assert_rule(&run, "DQ020", "contacts.lead_source", 2, 11, "warn");

    assert_eq!(
        suggestions(&run, "DQ020", "contacts", "country"),
        pairs(&[("6", "US"), ("7", "US"), ("8", "DE")])
    );
    assert_flagged(
        &run,
        "DQ020",
        "contacts",
        "country",
        &["6", "7", "8"],
        &["9", "11"],
    );
    let country = assert_rule(&run, "DQ020", "contacts.country", 3, 11, "warn");
    assert!(
        country["detail"]
            .as_str()
            .unwrap()
            .starts_with("3 styles: alpha-2 (8), alpha-3 (1), name (2)"),
        "{country}"
    );

    assert_eq!(
        suggestions(&run, "DQ020", "contacts", "created_at"),
        pairs(&[("7", "2024-01-13"), ("8", "2024-01-05"), ("9", "")])
    );
    assert_rule(&run, "DQ020", "contacts.created_at", 3, 12, "warn");
    assert_eq!(
        message(&run, "DQ020", "contacts", "status", "7"),
        "`closed` is written as lowercase word; the column's most common style is Capitalised (10 of 12 values)"
    );
}

/// Formulas in a phone column (`=1+1`, `@SUM(1+1)`) and a picklist (`@SUM(A1:B2)`), made-up
/// countries and words in a date column outnumber the real values 3 to 2: they are off-style, never the style the two valid
/// values are flagged against. Accepted Excel serials are dates, off the ISO style, fixed to the
/// ISO date they stand for.
#[test]
fn dq020_no_unrecognised_style_dominates() {
    let run = audit_rules("dq020-no-style-dominates");
    for field in ["phone", "country", "created_at", "status"] {
        assert_flagged(
            &run,
            "DQ020",
            "contacts",
            field,
            &["1", "2", "3"],
            &["4", "5"],
        );
        assert_rule(&run, "DQ020", &format!("contacts.{field}"), 3, 5, "warn");
    }
    assert_eq!(
        message(&run, "DQ020", "contacts", "phone", "1"),
        "`=1+1` is written as other; the column's most common recognised style is +international with separators (2 of 5 values)"
    );
    assert!(
        suggestions(&run, "DQ020", "contacts", "phone")
            .iter()
            .all(|(_, s)| s.is_empty()),
        "a formula has no phone number to suggest"
    );
    // The formulas are invalid phones: that is DQ002's finding.
    assert_eq!(flagged(&run, "DQ002", "contacts", "phone"), ["1", "2", "3"]);
    // Formulas in a picklist are no casing convention, whatever their capitals.
    assert_eq!(
        suggestions(&run, "DQ020", "contacts", "status"),
        pairs(&[("1", ""), ("2", ""), ("3", "")])
    );
    assert!(
        message(&run, "DQ020", "contacts", "status", "2")
            .ends_with("the column's most common recognised style is Capitalised (2 of 5 values)")
    );

    assert_eq!(
        suggestions(&run, "DQ020", "deals", "created_at"),
        pairs(&[
            ("D3", "2024-01-01"),
            ("D4", "2024-01-02"),
            ("D5", "2024-02-29")
        ])
    );
    assert_rule(&run, "DQ020", "deals.created_at", 3, 5, "warn");
    assert!(flagged(&run, "DQ005", "deals", "created_at").is_empty());
}

#[test]
fn dq101_missing_required() {
    let run = audit_rules("dq101-required");
    assert_flagged(
        &run,
        "DQ101",
        "contacts",
        "last_name",
        &["2", "3", "4", "5", "6", "7", "8", "9", "13"],
        &["10", "11", "12", "14", "15", "16"],
    );
    assert_eq!(flagged(&run, "DQ101", "contacts", "email"), ["13", "14"]);
    assert_eq!(
        message(&run, "DQ101", "contacts", "last_name", "5"),
        "`last_name` holds the missing-value token `NULL`"
    );
    assert_eq!(
        message(&run, "DQ101", "contacts", "last_name", "3"),
        "`last_name` is empty"
    );
    assert_eq!(
        message(&run, "DQ101", "contacts", "email", "14"),
        "`email` holds the missing-value token `--`"
    );
    // The denominator is every record.
    assert_rule(&run, "DQ101", "contacts.last_name", 9, 16, "fail");
    assert_rule(&run, "DQ101", "contacts.email", 2, 16, "fail");
}

#[test]
fn dq102_empty_column() {
    let run = audit_rules("dq102-empty-column");
    for field in ["budgeted_cost", "actual_cost"] {
        let rule = assert_rule(&run, "DQ102", &format!("campaigns.{field}"), 4, 4, "warn");
        assert_eq!(
            rule["detail"],
            format!("column `{field}` is empty in all 4 records")
        );
    }
    for field in ["expected_revenue", "id", "name"] {
        let rule = assert_rule(&run, "DQ102", &format!("campaigns.{field}"), 0, 4, "pass");
        assert!(rule["detail"].is_null(), "{rule}");
    }
    // Unmapped columns are not read; the outcome is column-level: no worklist rows.
    assert_eq!(run.rules("DQ102").len(), 5);
    assert!(run.findings("DQ102").is_empty());
}

#[test]
fn dq201_duplicate_value() {
    let run = audit_rules("dq201-unique");
    let lines = |field: &str| -> Vec<(String, String)> {
        rows(&run, "DQ201", "contacts", field)
            .into_iter()
            .map(|r| (r["row"].clone(), r["suggestion"].clone()))
            .collect()
    };
    // Ids exactly (trimmed; case matters): row 3 `0035g00000ABCDE` is another id.
    assert_eq!(
        lines("id"),
        pairs(&[
            ("4", "merge into record 0035g00000ABCde"),
            ("6", "merge into record 7"),
        ])
    );
    let id = assert_rule(&run, "DQ201", "contacts.id", 2, 12, "fail");
    assert!(
        id["detail"]
            .as_str()
            .unwrap()
            .starts_with("2 duplicate groups, 4 records involved, 2 surplus records")
    );
    // Emails trimmed and case-folded; missing values are never duplicates. Each group keeps
    // its lowest id (natural order: `7` and `11` before `0035g...`, whose first number is 35),
    // not its first line.
    assert_eq!(
        lines("email"),
        pairs(&[
            ("2", "merge into record 7"),
            ("3", "merge into record 11"),
            ("4", "merge into record 7"),
            ("12", "merge into record 12"),
        ])
    );
    let email = assert_rule(&run, "DQ201", "contacts.email", 4, 8, "warn");
    assert!(
        email["detail"]
            .as_str()
            .unwrap()
            .starts_with("3 duplicate groups, 7 records involved, 4 surplus records")
    );
    assert!(
        message(&run, "DQ201", "contacts", "email", "0035g00000ABCde")
            .contains("same `email` as record 7 (line 5): 3 records share `ann@example.com`")
    );

    assert_eq!(
        suggestions(&run, "DQ201", "companies", "name"),
        pairs(&[("C2", "merge into record C1")])
    );
    assert_rule(&run, "DQ201", "companies.name", 1, 5, "warn");
    assert_eq!(
        suggestions(&run, "DQ201", "companies", "domain"),
        pairs(&[("C3", "merge into record C1")])
    );
    assert_rule(&run, "DQ201", "companies.domain", 1, 3, "warn");
    assert_rule(&run, "DQ201", "companies.id", 0, 5, "pass");

    // The email groups, the kept record (lowest id) as survivor.
    let survivors: Vec<(String, String)> = run
        .csv("duplicates.csv")
        .into_iter()
        .filter(|m| m["table"] == "contacts" && m["is_survivor"] == "true")
        .map(|m| (m["cluster_id"].clone(), m["row"].clone()))
        .collect();
    assert_eq!(
        survivors,
        pairs(&[
            ("contacts-email-1", "5"),
            ("contacts-email-2", "10"),
            ("contacts-email-3", "11"),
        ])
    );
}

#[test]
fn dq301_stale_record() {
    let run = audit_rules("dq301-stale");
    assert_flagged(
        &run,
        "DQ301",
        "contacts",
        "last_activity_at",
        &["2", "11", "12"],
        &["1", "8", "10", "13"],
    );
    assert_eq!(flagged(&run, "DQ301", "contacts", "updated_at"), ["4"]);
    assert_eq!(flagged(&run, "DQ301", "contacts", "created_at"), ["5", "9"]);
    // 13's last activity is ambiguous but recent either way: its old updated_at does not count.
    assert!(run.ids("DQ301").iter().all(|id| id != "13" && id != "3"));
    assert_eq!(
        message(&run, "DQ301", "contacts", "updated_at", "4"),
        "last sign of life `updated_at` 2023-12-31 is 366 days before 2024-12-31 (limit 365)"
    );
    assert_eq!(
        message(&run, "DQ301", "contacts", "last_activity_at", "11"),
        "last sign of life `last_activity_at` 2020-02-01 (the later reading of an ambiguous date) is 1795 days before 2024-12-31 (limit 365)"
    );
    let rule = assert_rule(&run, "DQ301", "contacts.last_activity_at", 6, 12, "warn");
    assert_eq!(
        rule["detail"],
        "1 record has no readable date in `last_activity_at`, `updated_at`, `created_at` and was not checked"
    );

    // Tuned in the workspace: 180 days, fail.
    let tuned = audit_rules("dq301-stale/crmaudit-180.toml");
    let mut ids = tuned.ids("DQ301");
    ids.sort_by_key(|id| id.parse::<u32>().unwrap());
    assert_eq!(ids, ["1", "2", "3", "4", "5", "9", "11", "12", "13"]);
    assert_rule(&tuned, "DQ301", "contacts.last_activity_at", 9, 12, "fail");
}

#[test]
fn dq401_field_order() {
    let run = audit_rules("dq401-compare");
    assert_flagged(
        &run,
        "DQ401",
        "deals",
        "close_date",
        &["2", "7", "8"],
        &["1", "3", "4", "5", "6", "9", "10"],
    );
    assert_eq!(
        message(&run, "DQ401", "deals", "close_date", "2"),
        "`close_date` 2023-01-05 is before `created_at` 2024-02-01 (expected close_date >= created_at)"
    );
    assert_rule(&run, "DQ401", "deals.close_date", 3, 6, "fail");

    assert_flagged(
        &run,
        "U401",
        "deals",
        "discount",
        &["2", "5", "8"],
        &["1", "3", "4", "7", "9", "6", "10"],
    );
    // Numbers are compared as numbers, and said so.
    assert_eq!(
        message(&run, "U401", "deals", "discount", "5"),
        "A discount cannot exceed the deal amount: `discount` 1000 is greater than `amount` 100 (expected discount <= amount)"
    );
    assert_rule(&run, "U401", "deals.discount", 3, 8, "warn");
}

#[test]
fn dq402_orphan_reference() {
    let run = audit_rules("dq402-reference");
    assert_flagged(
        &run,
        "DQ402",
        "deals",
        "account_id",
        &["D2", "D5", "D9", "D10"],
        &["D1", "D3", "D4", "D8", "D6", "D7"],
    );
    assert_eq!(
        message(&run, "DQ402", "deals", "account_id", "D2"),
        "`C-999` matches no record in companies.id"
    );
    assert_rule(&run, "DQ402", "deals.account_id", 4, 8, "fail");

    assert_flagged(&run, "U402", "tickets", "requester", &["T2"], &["T1", "T3"]);
    assert_eq!(
        message(&run, "U402", "tickets", "requester", "T2"),
        "`carter@example.com` matches no record in contacts.email"
    );
    assert_rule(&run, "U402", "tickets.requester", 1, 3, "pass");
}

#[test]
fn dq014_dq015_dq103_file_faults_that_used_to_pass_silently() {
    let dir = fixture("rules/dq014-dq015-dq103-file-faults");
    let run = audit(&dir, &["--as-of", "2024-12-31"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // DQ014: a NUL byte and a zero-width space, each with the clean value as the fix.
    assert_eq!(
        suggestions(&run, "DQ014", "contacts", "name"),
        pairs(&[("1", "Ann"), ("2", "Bob")])
    );
    assert_rule(&run, "DQ014", "contacts.name", 2, 3, "warn");
    // DQ015: the repeated and the empty header, one column-level outcome, no worklist rows.
    let headers = assert_rule(&run, "DQ015", "contacts.", 2, 5, "warn");
    assert_eq!(
        headers["detail"],
        "column 3 repeats `email`, read as `email_2`; column 4 is empty, read as `column_4`"
    );
    assert!(run.findings("DQ015").is_empty());
    // DQ101 on the id of every table: the record without one is listed by its line.
    let ids = run.findings("DQ101");
    assert_eq!(ids.len(), 1);
    assert_eq!(
        (ids[0]["record_id"].as_str(), ids[0]["row"].as_str()),
        ("#4", "4")
    );
    // DQ103: the header-only deals file fails and scores 0.
    assert_rule(&run, "DQ103", "deals.", 1, 1, "fail");
    assert_rule(&run, "DQ103", "contacts.", 0, 1, "pass");
    let report = run.report();
    let deals = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "deals")
        .unwrap();
    assert_eq!(deals["score"], 0.0);
}

#[test]
fn dq401_names_a_shared_import_date_and_dq102_reads_empty_flags_as_false() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("deals.csv"),
        "id,created_at,close_date,is_won\n\
         D1,2024-01-22,2023-05-01,\n\
         D2,2024-01-22,2023-06-01,\n\
         D3,2024-01-22,2023-07-01,\n\
         D4,2024-02-01,2024-01-15,\n\
         D5,2024-02-01,2024-03-01,\n",
    )
    .unwrap();
    let run = audit(&dir.path().join("deals.csv"), &["--as-of", "2024-12-31"]);
    let order = assert_rule(&run, "DQ401", "deals.close_date", 4, 5, "fail");
    assert_eq!(
        order["detail"],
        "3 of the 4 records share `created_at` 2024-01-22: probably a bulk import or migration stamp rather than 4 separate mistakes"
    );
    let flag = assert_rule(&run, "DQ102", "deals.is_won", 0, 5, "pass");
    assert!(
        flag["detail"]
            .as_str()
            .unwrap()
            .contains("read as false everywhere"),
        "{flag}"
    );
}
