//! Every case in ../shared/cases (copied into fixtures/cases) as an end-to-end test that asserts
//! what its EXPECT.md says.

mod common;

use common::{audit, fixture};

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn case_01_duplicate_counts_say_what_they_count() {
    let run = audit(
        &fixture("cases/01-duplicate-count-semantics/contacts.csv"),
        &["--as-of", "2024-12-31"],
    );
    let rule = run.rule("DQ201", "email");
    // Violations count surplus records: 6 emails, 3 distinct, 3 records would go after merging.
    assert_eq!(rule["violations"], 3);
    assert_eq!(rule["checked"], 6);
    let detail = rule["detail"].as_str().unwrap();
    assert!(
        detail.contains("2 duplicate groups, 5 records involved, 3 surplus"),
        "{detail}"
    );
    let report = run.report();
    let dup = report["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["field"] == "email")
        .expect("duplicates entry for email");
    assert_eq!(dup["clusters"], 2);
    assert_eq!(dup["records_in_clusters"], 5);
    assert_eq!(dup["surplus_records"], 3);
    // Uniqueness = 1 - surplus / records, with the definition printed beside it.
    let field = report["tables"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "email")
        .unwrap()
        .clone();
    assert_eq!(field["uniqueness"], 0.5);
    assert!(
        report["score_definitions"]["uniqueness"]
            .as_str()
            .unwrap()
            .contains("surplus")
    );
    // The surplus records are the ones listed, each pointing at the record it duplicates.
    assert_eq!(run.ids("DQ201"), ids(&["2", "4", "5"]));
    // duplicates.csv holds the groups the summary counts, whole, even though entity matching
    // (which runs on contacts) found no cluster here: it once held its header alone.
    let rows = run.csv("duplicates.csv");
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for r in &rows {
        match groups.iter_mut().find(|g| g.0 == r["cluster_id"]) {
            Some(g) => g.1.push(r["record_id"].clone()),
            None => groups.push((r["cluster_id"].clone(), vec![r["record_id"].clone()])),
        }
    }
    let members: Vec<Vec<String>> = groups.into_iter().map(|g| g.1).collect();
    assert_eq!(
        members,
        [ids(&["1", "2"]), ids(&["3", "4", "5"])],
        "{rows:?}"
    );
    // And the worklist points each surplus record at its group.
    let worklist = run.worklist();
    for r in worklist.iter().filter(|r| r["code"] == "DQ201") {
        assert!(!r["cluster_id"].is_empty(), "{r:?}");
    }
}

#[test]
fn case_02_email_validity() {
    let run = audit(
        &fixture("cases/02-email-validity/contacts.csv"),
        &["--as-of", "2024-12-31"],
    );
    assert_eq!(run.ids("DQ001"), ids(&["5", "6", "7", "8"]));
    let padded = run.findings("DQ010");
    assert_eq!(padded.len(), 1);
    assert_eq!(padded[0]["record_id"], "9");
    assert_eq!(padded[0]["suggestion"], "padded@example.com");
    let two = run
        .findings("DQ001")
        .into_iter()
        .find(|r| r["record_id"] == "6")
        .unwrap();
    assert!(
        two["message"].contains("two") || two["message"].contains("more than one"),
        "{}",
        two["message"]
    );
}

#[test]
fn case_03_phone_validity_by_row_country() {
    let run = audit(
        &fixture("cases/03-phone-validity/contacts.csv"),
        &["--as-of", "2024-12-31"],
    );
    // Only the too-short number is invalid; `n/a` is a missing value, not an invalid phone.
    assert_eq!(run.ids("DQ002"), ids(&["3"]));
    let rule = run.rule("DQ002", "phone");
    assert_eq!(rule["checked"], 7);
    let report = run.report();
    let phone = report["tables"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "phone")
        .unwrap()
        .clone();
    assert_eq!(phone["completeness"], 0.875);
    // One number written four ways: the consistency rule says so.
    let consistency = run.rule("DQ020", "phone");
    let detail = consistency["detail"].as_str().unwrap();
    assert!(detail.contains("+14155551234"), "{detail}");
    for spelling in [
        "4155551234",
        "(415) 555-1234 x204",
        "+1 415 555 1234",
        "415.555.1234",
    ] {
        assert!(
            detail.contains(spelling),
            "{spelling} missing from: {detail}"
        );
    }
    // Suggestions are E.164, keeping the extension.
    for row in run.findings("DQ020") {
        let suggestion = &row["suggestion"];
        match row["record_id"].as_str() {
            "4" => assert_eq!(suggestion, "+14155551234 x204"),
            "2" | "6" | "7" => assert_eq!(suggestion, "+14155551234"),
            "1" => assert_eq!(suggestion, "+442079460958"),
            "5" => assert_eq!(suggestion, "+49301234567"),
            _ => {}
        }
    }
}

#[test]
fn case_04_semicolon_and_decimal_comma() {
    let run = audit(&fixture("cases/04-semicolon-decimal-comma"), &[]);
    let report = run.report();
    let input = &report["inputs"][0];
    assert_eq!(input["delimiter"], ";");
    assert_eq!(input["delimiter_sniffed"], true);
    assert_eq!(input["number_locale"], "comma (detected)");
    assert_eq!(input["rows"], 3);
    // `Company;Amount;Notes` in deals.csv: no header spelled as only one CRM spells it, no file
    // name only one CRM uses: the tie names the generic preset (it was `zoho`, the last of the
    // tied presets).
    assert_eq!(input["preset"], "generic");
    // 10,5 -> 10.5, 1.250,00 -> 1250, 7 -> 7: a [7.5, 1249] window flags exactly rows 2 and 3.
    let flagged: Vec<String> = run
        .findings("X001")
        .iter()
        .map(|r| r["value"].clone())
        .collect();
    assert_eq!(flagged, ids(&["1.250,00", "7"]));
    // `Initech, LLC` stayed one value in one column.
    assert!(
        input["mapped_columns"].as_object().unwrap().len()
            + input["unmapped_columns"].as_array().unwrap().len()
            == 3
    );
    // n/a and the empty cell are missing values.
    let notes: Vec<String> = run
        .findings("X002")
        .iter()
        .map(|r| r["row"].clone())
        .collect();
    assert_eq!(notes, ids(&["2", "3"]));
}

#[test]
fn case_05_bom_then_invalid_byte_late() {
    let target = fixture("cases/05-bom-then-latin1-late/contacts.csv");
    let run = audit(&target, &["--as-of", "2024-12-31"]);
    let report = run.report();
    assert_eq!(report["inputs"][0]["rows"], 3001);
    assert_eq!(report["inputs"][0]["encoding"], "utf-8 (bom)");
    // `id` is addressable: the BOM is not part of the header.
    assert_eq!(report["inputs"][0]["mapped_columns"]["id"], "id");
    let bad = run.findings("DQ011");
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0]["row"], "3002");
    assert_eq!(bad[0]["field"], "name");
    assert!(
        bad[0]["value"].contains('ç'),
        "decoded as windows-1252: {}",
        bad[0]["value"]
    );
    assert!(bad[0]["message"].contains("windows-1252"));
    // The terminal summary says where: the one column holding the bad byte, not the table.
    let row = run
        .stdout
        .lines()
        .find(|l| l.contains("DQ011"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(row.contains(" contacts.name "), "{row}");
    // Strict mode stops with a clear error naming the line.
    let strict = audit(&target, &["--strict-encoding"]);
    assert_eq!(strict.code, 2);
    assert!(strict.stderr.contains("3002"), "{}", strict.stderr);
}

#[test]
fn case_06_bom_before_quoted_header() {
    let run = audit(
        &fixture("cases/06-bom-quoted-header/contacts.csv"),
        &["--as-of", "2024-12-31"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    assert_eq!(report["inputs"][0]["rows"], 1);
    let mut columns: Vec<String> = report["inputs"][0]["unmapped_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    columns.extend(
        report["inputs"][0]["mapped_columns"]
            .as_object()
            .unwrap()
            .keys()
            .cloned(),
    );
    columns.sort();
    assert_eq!(columns, ids(&["first_column", "second_column"]));
    assert!(run.findings("DQ012").is_empty() && run.findings("DQ013").is_empty());
}

#[test]
fn case_07_crlf_with_embedded_lf() {
    let run = audit(&fixture("cases/07-crlf-with-embedded-lf"), &[]);
    let report = run.report();
    assert_eq!(report["inputs"][0]["rows"], 2);
    let rows = run.findings("X001");
    let lines: Vec<&str> = rows.iter().map(|r| r["row"].as_str()).collect();
    assert_eq!(lines, ["2", "4"]);
    assert_eq!(rows[0]["value"], "Boff\n");
    assert_eq!(rows[1]["value"], "z");
    assert!(run.findings("DQ012").is_empty() && run.findings("DQ013").is_empty());
    // The user rule flags every record on a column no preset maps: the column is scored (it
    // was left out, and the table scored 100 with both records failing), on validity only,
    // since nothing says it must be filled.
    let table = &report["tables"][0];
    let fields = table["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 1, "{table}");
    assert_eq!(fields[0]["name"], "c");
    assert_eq!(fields[0]["validity"], 0.0);
    assert!(fields[0]["completeness"].is_null());
    assert_eq!(table["score"], 0.0);
}

#[test]
fn case_08_patterns_match_the_whole_value() {
    let run = audit(&fixture("cases/08-regex-full-match"), &[]);
    assert_eq!(run.ids("X001"), ids(&["2", "3"]));
    let picklist = run.findings("X002");
    assert_eq!(picklist.len(), 1);
    assert_eq!(picklist[0]["record_id"], "3");
    assert_eq!(picklist[0]["suggestion"], "New");
    assert!(picklist[0]["message"].contains("variant"));
    // The empty postal code is no pattern failure.
    assert!(run.findings("X001").iter().all(|r| r["record_id"] != "4"));
}

#[test]
fn case_09_mixed_date_formats_nothing_guessed() {
    let dir = fixture("cases/09-mixed-date-formats");
    let run = audit(&dir, &[]);
    assert_eq!(run.ids("DQ004"), ids(&["1", "4"]));
    assert_eq!(run.ids("DQ003"), ids(&["5"]));
    let serial = run.findings("DQ005");
    assert_eq!(serial.len(), 1);
    assert_eq!(serial[0]["record_id"], "6");
    assert_eq!(serial[0]["suggestion"], "2024-01-01");
    // The column's formats are listed with their counts.
    let consistency = run.rule("DQ020", "created");
    let detail = consistency["detail"].as_str().unwrap();
    assert!(detail.contains("YYYY-MM-DD (2)"), "{detail}");
    // Two ISO values against two NN/NN/YYYY: the tie goes to the unambiguous ISO style, so the
    // ISO values are never told to become day-first, and 13/01/2024 is told its ISO date.
    let off_style: Vec<(String, String)> = run
        .findings("DQ020")
        .into_iter()
        .map(|r| (r["record_id"].clone(), r["suggestion"].clone()))
        .collect();
    assert_eq!(
        off_style,
        [
            ("1".to_string(), String::new()),
            ("2".to_string(), "2024-01-13".to_string()),
            ("4".to_string(), String::new()),
            ("6".to_string(), String::new()),
        ],
        "ambiguous values get no suggestion; the ISO row 3 is not flagged"
    );
    // Rows 2 and 3 (13 January) are the only dated records, both stale at 2024-02-15 + 20 days.
    assert_eq!(run.ids("DQ301"), ids(&["2", "3"]));

    // Configured day-first: no ambiguity, and 01/02/2024 reads 1 February (not stale).
    let dmy = audit(&dir.join("crmaudit-dmy.toml"), &[]);
    assert!(dmy.ids("DQ004").is_empty());
    assert_eq!(dmy.ids("DQ301"), ids(&["2", "3"]));
    let stale = dmy.rule("DQ301", "created");
    assert_eq!(
        stale["checked"], 4,
        "rows 1-4 are dated once the order is known"
    );
}

#[test]
fn case_10_case_and_whitespace_do_not_make_an_email_unique() {
    let run = audit(
        &fixture("cases/10-email-case-duplicates/contacts.csv"),
        &["--as-of", "2024-12-31"],
    );
    let rule = run.rule("DQ201", "email");
    assert_eq!(rule["violations"], 2);
    let report = run.report();
    let dup = &report["duplicates"][0];
    assert_eq!(dup["clusters"], 1);
    assert_eq!(dup["records_in_clusters"], 3);
    assert_eq!(dup["surplus_records"], 2);
    let members = run.csv("duplicates.csv");
    assert_eq!(members.len(), 3);
    let survivors: Vec<&str> = members
        .iter()
        .filter(|m| m["is_survivor"] == "true")
        .map(|m| m["record_id"].as_str())
        .collect();
    assert_eq!(survivors, ["1"]);
}
