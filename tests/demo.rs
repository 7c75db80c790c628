//! The demo workspace (`fixtures/demo`) end to end, against what `fixtures/demo/PROBLEMS.md`
//! says about it: every seeded problem the audit core detects is reported under its rule, table
//! and field on exactly the rows listed there, nothing else is reported, the gate fails with
//! exit code 1, the JSON is schema 1, and two runs give the same output.
//!
//! Every set below is asserted *exactly*. PROBLEMS.md says anything it does not list is meant to
//! be clean, so a rule/field's findings must be the ids of the sections that feed it. Where two
//! sections feed one rule and field (contacts `Phone Number` under DQ020: sections 5 and 6;
//! contacts `Email` under DQ010: sections 1 and 17) the expected set is the union of the ids
//! both sections list, which is still exact. `nothing_else_is_reported` then checks that no
//! rule/field outside this list has findings.
//!
//! Sections 1 and 2 together feed DQ202 (probable duplicates, record-level): the 6 exact and the
//! 3 fuzzy duplicates are its 9 surplus records, each in a cluster of two with its original as
//! survivor, and nothing else in contacts, leads or companies is a probable duplicate.
//!
//! Out of scope (future feature, no rule code yet): KPIs.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Row, Run, audit, fixture};
use serde_json::Value;

/// The demo's reference date (also its config's `as_of`; passed explicitly so the test does
/// not depend on that).
const AS_OF: &str = "2024-12-31";

/// `crmaudit audit fixtures/demo --as-of 2024-12-31`, with the demo's own `crmaudit.toml`.
fn demo() -> Run {
    audit(&fixture("demo"), &["--as-of", AS_OF])
}

/// One seeded problem as PROBLEMS.md states it: rule code, table, field (the CSV header, as
/// reports name fields), the record ids (the table's `id` column; `Record ID` for contacts).
struct Seeded {
    section: &'static str,
    code: &'static str,
    table: &'static str,
    field: &'static str,
    ids: &'static [&'static str],
}

const SEEDED: &[Seeded] = &[
    // 1. Exact duplicate contacts: the later re-import is the surplus record.
    Seeded {
        section: "1 exact duplicates",
        code: "DQ201",
        table: "contacts",
        field: "Email",
        ids: &[
            "100000416",
            "100000982",
            "100001229",
            "100001851",
            "100003480",
            "100004671",
        ],
    },
    // 1 and 2. Exact and fuzzy duplicate contacts, matched record by record (DQ202 is
    // record-level: its worklist rows have no field).
    Seeded {
        section: "1+2 probable duplicates",
        code: "DQ202",
        table: "contacts",
        field: "",
        ids: &[
            "100000416",
            "100000982",
            "100001229",
            "100001851",
            "100003480",
            "100004671",
            "100000440",
            "100002729",
            "100004762",
        ],
    },
    // 3. Invalid e-mail addresses.
    Seeded {
        section: "3 invalid e-mails",
        code: "DQ001",
        table: "contacts",
        field: "Email",
        ids: &[
            "100000460",
            "100000645",
            "100002347",
            "100002391",
            "100003948",
            "100004370",
        ],
    },
    // 4. Missing required values.
    Seeded {
        section: "4 missing e-mail",
        code: "DQ101",
        table: "contacts",
        field: "Email",
        ids: &[
            "100000136",
            "100000660",
            "100002954",
            "100003241",
            "100004262",
            "100004500",
            "100004768",
        ],
    },
    Seeded {
        section: "4 missing amount",
        code: "DQ101",
        table: "deals",
        field: "amount",
        ids: &["D-20009", "D-20030", "D-20039"],
    },
    // 5. Invalid phone numbers.
    Seeded {
        section: "5 invalid phones",
        code: "DQ002",
        table: "contacts",
        field: "Phone Number",
        ids: &[
            "100000079",
            "100000386",
            "100003114",
            "100003321",
            "100004455",
        ],
    },
    // 6. Phone numbers in mixed styles: the 19 listed plus the four invalid numbers of
    // section 5 that PROBLEMS.md says are not in the usual style either (`(000) ...`,
    // `702-5880`). `+1 212 3554` is in the usual style and is not a style finding.
    Seeded {
        section: "6 phone styles (+ 4 of section 5)",
        code: "DQ020",
        table: "contacts",
        field: "Phone Number",
        ids: &[
            "100000440",
            "100000469",
            "100000847",
            "100001014",
            "100001977",
            "100002033",
            "100002075",
            "100002095",
            "100002297",
            "100002447",
            "100002681",
            "100002719",
            "100002729",
            "100002770",
            "100003072",
            "100004075",
            "100004148",
            "100004590",
            "100004762",
            // from section 5
            "100000386",
            "100003114",
            "100003321",
            "100004455",
        ],
    },
    // 7. Country spelled several ways: DQ020 classifies countries by how they are named
    // (alpha-2, alpha-3, name), not by letter case, so the lowercase name `united states`
    // (100002502) is in the dominant style and is no finding (see PROBLEMS.md section 7 and
    // `country_lowercase_name_is_only_in_the_detail`).
    Seeded {
        section: "7 country spellings",
        code: "DQ020",
        table: "contacts",
        field: "Country/Region",
        ids: &["100000208", "100000814", "100001986"],
    },
    // 8. Stale contacts.
    Seeded {
        section: "8 stale contacts",
        code: "DQ301",
        table: "contacts",
        field: "Last Activity Date",
        ids: &[
            "100000031",
            "100001784",
            "100002455",
            "100002702",
            "100002749",
            "100003014",
            "100003836",
            "100004298",
            "100004487",
            "100004527",
        ],
    },
    // 9. Day/month dates in leads.created_at: the ambiguous three under DQ004, all twelve
    // (off the ISO style) under DQ020.
    Seeded {
        section: "9 ambiguous dates",
        code: "DQ004",
        table: "leads",
        field: "created_at",
        ids: &["L-10099", "L-10140", "L-10158"],
    },
    Seeded {
        section: "9 date formats",
        code: "DQ020",
        table: "leads",
        field: "created_at",
        ids: &[
            "L-10054", "L-10059", "L-10092", "L-10093", "L-10099", "L-10140", "L-10147", "L-10158",
            "L-10173", "L-10174", "L-10176", "L-10195",
        ],
    },
    // 10. Impossible dates.
    Seeded {
        section: "10 impossible dates",
        code: "DQ003",
        table: "deals",
        field: "close_date",
        ids: &["D-20025", "D-20042"],
    },
    // 11. Status picklist case variants.
    Seeded {
        section: "11 status casing",
        code: "DQ020",
        table: "tickets",
        field: "status",
        ids: &[
            "T-30031", "T-30044", "T-30054", "T-30072", "T-30114", "T-30182", "T-30200", "T-30228",
            "T-30241",
        ],
    },
    // 12. Deals that close before they were created (the impossible dates of section 10
    // cannot be compared and are not among them).
    Seeded {
        section: "12 close before create",
        code: "DQ401",
        table: "deals",
        field: "close_date",
        ids: &["D-20013", "D-20097", "D-20114"],
    },
    // 13. Orphan references.
    Seeded {
        section: "13 orphan deals",
        code: "DQ402",
        table: "deals",
        field: "account_id",
        ids: &["D-20034", "D-20117"],
    },
    Seeded {
        section: "13 orphan tickets",
        code: "DQ402",
        table: "tickets",
        field: "account_id",
        ids: &["T-30040", "T-30048"],
    },
    // 14. Negative amounts.
    Seeded {
        section: "14 negative amounts",
        code: "DQ008",
        table: "deals",
        field: "amount",
        ids: &["D-20031", "D-20103"],
    },
    // 15. NPS outside 0-10.
    Seeded {
        section: "15 NPS range",
        code: "DQ008",
        table: "surveys",
        field: "nps_score",
        ids: &["S-40029", "S-40034", "S-40037", "S-40046", "S-40198"],
    },
    // 16. Missing-value tokens have no rule of their own (job title and industry are not
    // required): see `missing_value_tokens_count_as_missing`.
    //
    // 17. Whitespace-padded values, plus the three padded e-mails of section 1.
    Seeded {
        section: "17 padded city",
        code: "DQ010",
        table: "contacts",
        field: "City",
        ids: &["100001179", "100002617", "100004185"],
    },
    Seeded {
        section: "17 padded company name",
        code: "DQ010",
        table: "companies",
        field: "name",
        ids: &["8000000674", "8000001371"],
    },
    Seeded {
        section: "17 (and 1) padded e-mail",
        code: "DQ010",
        table: "contacts",
        field: "Email",
        ids: &["100000982", "100001851", "100003480"],
    },
    // 18. Deal stages: the two case variants are a style finding; `Contract Sent` (D-20098)
    // is only caught by the user picklist X001.
    Seeded {
        section: "18 stage casing",
        code: "DQ020",
        table: "deals",
        field: "stage",
        ids: &["D-20011", "D-20096"],
    },
    // 19. The demo's user rules (rules.toml). Not audit-core codes, but PROBLEMS.md states
    // their rows, and `nothing_else_is_reported` needs them listed.
    Seeded {
        section: "19 X001",
        code: "X001",
        table: "deals",
        field: "stage",
        ids: &["D-20011", "D-20096", "D-20098"],
    },
    Seeded {
        section: "19 X002",
        code: "X002",
        table: "surveys",
        field: "nps_score",
        ids: &["S-40029", "S-40034", "S-40037", "S-40046", "S-40198"],
    },
    Seeded {
        section: "19 X003",
        code: "X003",
        table: "deals",
        field: "close_date",
        ids: &["D-20013", "D-20097", "D-20114"],
    },
    Seeded {
        section: "19 X004",
        code: "X004",
        table: "tickets",
        field: "account_id",
        ids: &["T-30040", "T-30048"],
    },
];

/// Worklist rows of `code` on `table`.`field`.
fn rows<'a>(worklist: &'a [Row], code: &str, table: &str, field: &str) -> Vec<&'a Row> {
    worklist
        .iter()
        .filter(|r| r["code"] == code && r["table"] == table && r["field"] == field)
        .collect()
}

/// Worklist row of one record under `code` on `table`.`field`.
fn row<'a>(worklist: &'a [Row], code: &str, table: &str, field: &str, id: &str) -> &'a Row {
    let found = rows(worklist, code, table, field);
    let mut hits = found.into_iter().filter(|r| r["record_id"] == id);
    let first = hits
        .next()
        .unwrap_or_else(|| panic!("no {code} finding on {table}.{field} for {id}"));
    assert!(hits.next().is_none(), "{id} reported twice by {code}");
    first
}

#[test]
fn each_seeded_problem_is_reported_on_exactly_its_rows() {
    let run = demo();
    let worklist = run.worklist();
    let mut failures = Vec::new();
    for s in SEEDED {
        let found = rows(&worklist, s.code, s.table, s.field);
        let got: Vec<&str> = found.iter().map(|r| r["record_id"].as_str()).collect();
        let got_set: BTreeSet<&str> = got.iter().copied().collect();
        let want: BTreeSet<&str> = s.ids.iter().copied().collect();
        assert_eq!(
            want.len(),
            s.ids.len(),
            "section {}: ids repeated",
            s.section
        );
        if got_set != want || got.len() != got_set.len() {
            failures.push(format!(
                "section {} ({} on {}.{}):\n  missing {:?}\n  unexpected {:?}\n  rows {}",
                s.section,
                s.code,
                s.table,
                s.field,
                want.difference(&got_set).collect::<Vec<_>>(),
                got_set.difference(&want).collect::<Vec<_>>(),
                got.len(),
            ));
            continue;
        }
        // The rule outcome counts the same records as violations.
        let outcome = run.rule(s.code, &format!("{}.{}", s.table, s.field));
        if outcome["violations"] != s.ids.len() {
            failures.push(format!(
                "section {} ({} on {}.{}): outcome counts {} violations, worklist {}",
                s.section,
                s.code,
                s.table,
                s.field,
                outcome["violations"],
                s.ids.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nothing_else_is_reported() {
    // Section 20 ("not problems") and the "anything not listed is meant to be clean" promise:
    // no rule/field outside SEEDED has a finding or a violation, on any table.
    let run = demo();
    let expected: BTreeSet<(&str, &str, &str)> =
        SEEDED.iter().map(|s| (s.code, s.table, s.field)).collect();
    let worklist = run.worklist();
    let in_worklist: BTreeSet<(&str, &str, &str)> = worklist
        .iter()
        .map(|r| (r["code"].as_str(), r["table"].as_str(), r["field"].as_str()))
        .collect();
    assert_eq!(in_worklist, expected);
    // Outcomes too, which also covers column-level rules that write no worklist rows (DQ102).
    let report = run.report();
    let violated: BTreeSet<(String, String, String)> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["violations"].as_u64().unwrap() > 0)
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("code"), s("table"), s("field"))
        })
        .collect();
    let expected_owned: BTreeSet<(String, String, String)> = expected
        .iter()
        .map(|(c, t, f)| (c.to_string(), t.to_string(), f.to_string()))
        .collect();
    assert_eq!(violated, expected_owned);
    // No file faults: the CSV files are clean as files.
    for code in ["DQ011", "DQ012", "DQ013"] {
        assert!(
            run.rules(code).iter().all(|r| r["violations"] == 0),
            "{code}"
        );
    }
}

#[test]
fn gate_fails_with_exit_1_on_a_schema_1_report() {
    let run = demo();
    assert_eq!(run.code, 1, "README: the demo exits 1\n{}", run.stderr);
    let report = run.report();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["as_of"], AS_OF);
    assert_eq!(report["gate"]["passed"], false);
    // The reasons are the rules whose outcome is `fail`, one line each.
    let reasons: Vec<&str> = report["gate"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let failing: BTreeSet<(String, String, String)> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "fail")
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("code"), s("table"), s("field"))
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("DQ001", "contacts", "Email"),
        ("DQ003", "deals", "close_date"),
        ("DQ008", "deals", "amount"),
        ("DQ401", "deals", "close_date"),
        ("DQ402", "deals", "account_id"),
        ("DQ008", "surveys", "nps_score"),
        ("X001", "deals", "stage"),
        ("X002", "surveys", "nps_score"),
    ]
    .iter()
    .map(|(c, t, f)| (c.to_string(), t.to_string(), f.to_string()))
    .collect();
    assert_eq!(failing, want);
    assert_eq!(reasons.len(), want.len(), "{reasons:#?}");
    for (code, table, field) in &want {
        let place = format!("{code} ");
        let at = format!(" on {table}.{field}: fail");
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with(&place) && r.contains(&at)),
            "no gate reason for {code} on {table}.{field}: {reasons:#?}"
        );
    }
    assert!(run.stdout.contains("Gate FAILED"), "{}", run.stdout);
}

/// Strips the timings, the only part of report.json allowed to differ between runs.
fn without_timings(mut report: Value) -> Value {
    report.as_object_mut().unwrap().remove("timings");
    report
}

#[test]
fn two_runs_give_identical_output() {
    let one = demo();
    let two = demo();
    assert_eq!((one.code, two.code), (1, 1));
    for name in ["worklist.csv", "duplicates.csv"] {
        let read = |run: &Run| std::fs::read(run.out.path().join(name)).unwrap();
        assert!(read(&one) == read(&two), "{name} differs between runs");
    }
    assert_eq!(without_timings(one.report()), without_timings(two.report()));
    // The text summary names the temporary output folder; nothing else may differ.
    let strip = |run: &Run| run.stdout.replace(run.out.path().to_str().unwrap(), "OUT");
    assert_eq!(strip(&one), strip(&two));
    assert_eq!(one.stderr, two.stderr);
}

#[test]
fn duplicates_point_at_their_original() {
    // Section 1: duplicate -> original, found exactly (DQ201) and record by record (DQ202).
    let exact = [
        ("100000416", "100000362"),
        ("100000982", "100000034"),
        ("100001229", "100000489"),
        ("100001851", "100001045"),
        ("100003480", "100003361"),
        ("100004671", "100000376"),
    ];
    // Section 2: the fuzzy duplicates (nickname, e-mail built from it, phone in another style).
    let fuzzy = [
        ("100000440", "100000322"),
        ("100002729", "100000573"),
        ("100004762", "100003783"),
    ];
    let run = demo();
    let worklist = run.worklist();
    for (dup, original) in exact {
        let r = row(&worklist, "DQ201", "contacts", "Email", dup);
        assert_eq!(r["suggestion"], format!("merge into record {original}"));
    }
    let mut pairs: Vec<(&str, &str)> = exact.iter().chain(&fuzzy).copied().collect();
    pairs.sort();
    for &(dup, original) in &pairs {
        let r = row(&worklist, "DQ202", "contacts", "", dup);
        assert_eq!(r["suggestion"], format!("merge into record {original}"));
        assert!(
            r["message"].contains(&format!("probable duplicate of record {original}")),
            "{}",
            r["message"]
        );
        assert!(!r["cluster_id"].is_empty(), "{dup} has its cluster id");
    }
    // Bob Smith / Robert Smith, explained field by field: the nickname and the phone read as
    // E.164 are what make them one person.
    let bob = row(&worklist, "DQ202", "contacts", "", "100002729");
    assert!(
        bob["message"].contains("First Name alias"),
        "{}",
        bob["message"]
    );
    assert!(
        bob["message"].contains("Phone Number exact"),
        "{}",
        bob["message"]
    );
    // duplicates.csv: nine clusters of two, the original (created first) kept as survivor.
    let members = run.csv("duplicates.csv");
    let mut clusters: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for m in &members {
        assert_eq!(m["table"], "contacts");
        clusters
            .entry(m["cluster_id"].as_str())
            .or_default()
            .push((m["record_id"].as_str(), m["is_survivor"].as_str()));
    }
    let mut got: Vec<(&str, &str)> = clusters
        .values()
        .map(|members| {
            assert_eq!(members.len(), 2, "{members:?}");
            let survivor = members.iter().find(|m| m.1 == "true").expect("survivor");
            let other = members.iter().find(|m| m.1 == "false").expect("surplus");
            (other.0, survivor.0)
        })
        .collect();
    got.sort();
    assert_eq!(got, pairs);
    let report = run.report();
    let summary = |field: &str| {
        report["duplicates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["table"] == "contacts" && d["field"] == field)
            .unwrap_or_else(|| panic!("contacts {field} duplicates"))
            .clone()
    };
    let exact = summary("Email");
    assert_eq!(exact["method"], "exact");
    assert_eq!(exact["clusters"], 6);
    assert_eq!(exact["records_in_clusters"], 12);
    assert_eq!(exact["surplus_records"], 6);
    let fuzzy = summary("record");
    assert_eq!(fuzzy["method"], "fuzzy");
    assert_eq!(fuzzy["clusters"], 9);
    assert_eq!(fuzzy["records_in_clusters"], 18);
    assert_eq!(fuzzy["surplus_records"], 9);
    assert_eq!(fuzzy["matching"]["sample"].as_array().unwrap().len(), 5);
    // Leads and companies have no probable duplicates.
    for table in ["leads", "companies"] {
        let d = report["duplicates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["table"] == table && d["method"] == "fuzzy")
            .unwrap_or_else(|| panic!("{table} fuzzy duplicates"))
            .clone();
        assert_eq!(d["clusters"], 0, "{table}");
    }
}

#[test]
fn phone_style_findings_suggest_e164() {
    // Sections 5 and 6: valid numbers in another style get their E.164 form (bare US numbers
    // read with default_region = "US"); the invalid ones have no suggestion.
    let run = demo();
    let worklist = run.worklist();
    for r in rows(&worklist, "DQ020", "contacts", "Phone Number") {
        let raw = r["value"].trim();
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let expected = if raw.starts_with("(000)") || digits.len() == 7 {
            String::new()
        } else if raw.starts_with('+') {
            format!("+{digits}")
        } else {
            format!("+1{digits}")
        };
        assert_eq!(r["suggestion"], expected, "{}", r["record_id"]);
    }
}

#[test]
fn country_variants_suggest_the_dominant_spelling() {
    // Section 7.
    let run = demo();
    let worklist = run.worklist();
    for (id, value) in [
        ("100000208", "USA"),
        ("100000814", "US"),
        ("100001986", "U.S."),
    ] {
        let r = row(&worklist, "DQ020", "contacts", "Country/Region", id);
        assert_eq!(r["value"], value);
        assert_eq!(r["suggestion"], "United States");
    }
}

#[test]
fn country_lowercase_name_is_only_in_the_detail() {
    // Section 7: `united states` is a name, like the dominant `United States`; DQ020 does not
    // judge the letter case of country names, so it is no finding, but the rule's detail lists
    // it among the ways US is written.
    let run = demo();
    let worklist = run.worklist();
    assert!(
        worklist
            .iter()
            .all(|r| !(r["record_id"] == "100002502" && r["field"] == "Country/Region")),
    );
    let detail = run.rule("DQ020", "contacts.Country/Region")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.contains("`united states`"), "{detail}");
}

#[test]
fn mixed_date_formats_suggest_the_actual_date() {
    // Section 9: unambiguous day/month dates get their ISO date; the ambiguous three have no
    // suggestion (nothing is guessed) and are DQ004 findings; none is an invalid date.
    let actual = [
        ("L-10054", "23/10/2023", "2023-10-23"),
        ("L-10059", "14/03/2023", "2023-03-14"),
        ("L-10092", "10/14/2024", "2024-10-14"),
        ("L-10093", "15/07/2023", "2023-07-15"),
        ("L-10099", "01/07/2024", ""),
        ("L-10140", "07/01/2024", ""),
        ("L-10147", "07/16/2024", "2024-07-16"),
        ("L-10158", "01/03/2024", ""),
        ("L-10173", "11/24/2024", "2024-11-24"),
        ("L-10174", "03/27/2024", "2024-03-27"),
        ("L-10176", "01/30/2024", "2024-01-30"),
        ("L-10195", "13/01/2023", "2023-01-13"),
    ];
    let run = demo();
    let worklist = run.worklist();
    for (id, value, iso) in actual {
        let r = row(&worklist, "DQ020", "leads", "created_at", id);
        assert_eq!(r["value"], value, "{id}");
        assert_eq!(r["suggestion"], iso, "{id}");
    }
    assert_eq!(run.rule("DQ003", "leads.created_at")["violations"], 0);
}

#[test]
fn picklist_case_variants_suggest_the_intended_value() {
    // Sections 11 and 18.
    let tickets = [
        ("T-30031", "Closed"),
        ("T-30044", "Waiting on Customer"),
        ("T-30054", "Closed"),
        ("T-30072", "In Progress"),
        ("T-30114", "Closed"),
        ("T-30182", "Closed"),
        ("T-30200", "Closed"),
        ("T-30228", "In Progress"),
        ("T-30241", "Closed"),
    ];
    let run = demo();
    let worklist = run.worklist();
    for (id, intended) in tickets {
        let r = row(&worklist, "DQ020", "tickets", "status", id);
        assert_eq!(r["suggestion"], intended, "{id}");
    }
    for id in ["D-20011", "D-20096"] {
        let r = row(&worklist, "DQ020", "deals", "stage", id);
        assert_eq!(r["suggestion"], "Closed Lost", "{id}");
    }
}

#[test]
fn whitespace_findings_suggest_the_trimmed_value() {
    // Section 17 (and the padded e-mails of section 1).
    let run = demo();
    let worklist = run.worklist();
    let padded: Vec<&Row> = worklist.iter().filter(|r| r["code"] == "DQ010").collect();
    assert_eq!(padded.len(), 8);
    for r in padded {
        assert_ne!(r["value"], r["value"].trim());
        assert_eq!(r["suggestion"], r["value"].trim(), "{}", r["record_id"]);
    }
}

#[test]
fn checked_counts_leave_out_what_is_not_there() {
    // Section 14: 3 empty amounts are not range-checked; section 15: 88 CSAT rows have no NPS
    // answer; section 12: the two impossible close dates cannot be ordered.
    let run = demo();
    assert_eq!(run.rule("DQ008", "deals.amount")["checked"], 117);
    assert_eq!(run.rule("DQ008", "surveys.nps_score")["checked"], 112);
    assert_eq!(run.rule("X002", "surveys.nps_score")["checked"], 112);
    assert_eq!(run.rule("DQ401", "deals.close_date")["checked"], 118);
    assert_eq!(run.rule("X003", "deals.close_date")["checked"], 118);
}

#[test]
fn missing_value_tokens_count_as_missing() {
    // Section 16: `n/a` / `N/A` in contacts `Job Title` (6 of 300) and companies `industry`
    // (2 of 60). Neither field is required, so no rule reports them: they show as missing in
    // completeness and are not checked as values.
    let run = demo();
    let report = run.report();
    let field = |table: &str, name: &str| -> Value {
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == table)
            .unwrap()["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("no field {table}.{name}"))
            .clone()
    };
    let completeness = |table: &str, name: &str| field(table, name)["completeness"].as_f64();
    assert_eq!(completeness("contacts", "Job Title"), Some(0.98));
    let industry = completeness("companies", "industry").unwrap();
    assert!((industry - 58.0 / 60.0).abs() < 1e-4, "{industry}");
    assert_eq!(run.rule("DQ010", "contacts.Job Title")["checked"], 294);
    assert_eq!(run.rule("DQ010", "companies.industry")["checked"], 58);
    let worklist = run.worklist();
    assert!(worklist.iter().all(
        |r| !((r["table"] == "contacts" && r["field"] == "Job Title")
            || (r["table"] == "companies" && r["field"] == "industry"))
    ));
}
