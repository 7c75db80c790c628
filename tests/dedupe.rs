//! Fuzzy duplicates end to end: `crmaudit dedupe FILE` and DQ202 in audits, on small inputs
//! whose answer is written down beside them (EXPECT.md): true duplicates of each kind the issue
//! names, the hard negatives that must stay apart, person records with declared fields, the
//! shared case 10, config errors, determinism.

mod common;

use std::collections::BTreeSet;

use common::{audit, crmaudit, fixture, run, shared};
use serde_json::Value;

/// `crmaudit dedupe FILE ARGS... --format json`, parsed.
fn dedupe_json(file: &std::path::Path, args: &[&str]) -> Value {
    let output = crmaudit()
        .arg("dedupe")
        .arg(file)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

/// Clusters as sets of record ids, sorted.
fn clusters(report: &Value) -> BTreeSet<Vec<String>> {
    report["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut ids: Vec<String> = c["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["record_id"].as_str().unwrap().to_string())
                .collect();
            ids.sort();
            ids
        })
        .collect()
}

fn set(groups: &[&[&str]]) -> BTreeSet<Vec<String>> {
    groups
        .iter()
        .map(|g| {
            let mut ids: Vec<String> = g.iter().map(|s| s.to_string()).collect();
            ids.sort();
            ids
        })
        .collect()
}

#[test]
fn true_duplicates_cluster_and_hard_negatives_stay_apart() {
    // fixtures/dedupe/hard-negatives/EXPECT.md
    let file = fixture("dedupe/hard-negatives/contacts.csv");
    let report = dedupe_json(&file, &["--truth", "entity"]);
    assert_eq!(
        clusters(&report),
        set(&[
            &["1", "2"],
            &["9", "10"],
            &["11", "12"],
            &["13", "14"],
            &["15", "16"]
        ])
    );
    // The hard negatives one by one, so a failure names the case.
    let together = |a: &str, b: &str| {
        clusters(&report)
            .iter()
            .any(|c| c.contains(&a.to_string()) && c.contains(&b.to_string()))
    };
    assert!(!together("3", "4"), "namesakes at different companies");
    assert!(!together("5", "6"), "family members sharing a home phone");
    assert!(
        !together("7", "8"),
        "colleagues sharing a switchboard and domain"
    );
    assert!(
        !together("1", "17") && !together("2", "17"),
        "no chain to Roberta"
    );
    assert!(!together("18", "19"), "namesakes in other cities");
    // Pairwise accuracy, counted by hand in EXPECT.md: 5 true pairs, all found, nothing else.
    let a = &report["accuracy"];
    assert_eq!(a["true_pairs"], 5);
    assert_eq!(a["predicted_pairs"], 5);
    assert_eq!(a["true_positive_pairs"], 5);
    assert_eq!(a["precision"], 1.0);
    assert_eq!(a["recall"], 1.0);
    assert_eq!(a["f1"], 1.0);
    assert_eq!(a["blocking_recall"], 1.0);
    assert_eq!(report["surplus_records"], 5);
}

#[test]
fn family_members_with_different_first_names_stay_apart() {
    // fixtures/dedupe/family/EXPECT.md: relatives share a last name, home phone and city; their
    // first names are different known given names (John / Jane, Tom / Tim, Mark / Mary...).
    let file = fixture("dedupe/family/contacts.csv");
    let report = dedupe_json(&file, &["--truth", "entity"]);
    let found = clusters(&report);
    for (a, b) in [
        ("1", "2"),
        ("3", "4"),
        ("5", "6"),
        ("7", "8"),
        ("9", "10"),
        ("11", "12"),
        ("13", "14"),
    ] {
        assert!(
            !found.iter().any(|c| c.contains(&a.to_string())),
            "{a} / {b} clustered: {found:?}"
        );
    }
    assert_eq!(
        found,
        set(&[
            &["15", "16"],
            &["17", "18"],
            &["19", "20"],
            &["21", "22"],
            &["23", "24"],
            &["25", "26"],
            &["27", "28"],
            &["29", "30"],
            &["31", "32"],
            &["33", "34"],
            &["35", "36"],
        ])
    );
    assert_eq!(report["accuracy"]["precision"], 1.0);
    assert_eq!(report["accuracy"]["recall"], 1.0);
    // The pairs say why: the first names disagree outright, so the shared phone is vetoed.
    let explained = dedupe_json(&file, &["--pair", "1,2", "--pair", "3,4", "--pair", "5,6"]);
    for e in explained["explained"].as_array().unwrap() {
        assert_eq!(e["same_cluster"], false, "{e}");
        assert_eq!(e["explanation"]["vetoed"], true, "{e}");
        let first = e["explanation"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == "first_name")
            .unwrap();
        assert_eq!(first["level"], "different", "{e}");
    }
}

#[test]
fn every_pair_says_why_field_by_field() {
    let file = fixture("dedupe/hard-negatives/contacts.csv");
    // Bare US numbers need a region to be read as E.164.
    let report = dedupe_json(
        &file,
        &[
            "--default-region",
            "US",
            "--pair",
            "1,2",
            "--pair",
            "5,6",
            "--pair",
            "9,10",
        ],
    );
    let explained = report["explained"].as_array().unwrap();
    let level = |e: &Value, field: &str| -> String {
        e["explanation"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == field)
            .map(|f| f["level"].as_str().unwrap().to_string())
            .unwrap()
    };
    // Bob / Robert Smith: nickname, one phone in two styles, the company without `LLC`.
    let bob = &explained[0];
    assert_eq!(bob["same_cluster"], true);
    assert_eq!(level(bob, "first_name"), "alias");
    assert_eq!(level(bob, "phone"), "exact");
    assert_eq!(level(bob, "company"), "exact");
    assert_eq!(level(bob, "email"), "similar");
    // The contributions add up to the total (prior included), to the rounding of each.
    let e = &bob["explanation"];
    let sum: f64 = e["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["weight"].as_f64().unwrap())
        .sum::<f64>()
        + e["prior"].as_f64().unwrap();
    assert!(
        (sum - e["total"].as_f64().unwrap()).abs() < 0.1,
        "{sum} vs {}",
        e["total"]
    );
    // Mary / Peter Jones share a home phone, but their first names disagree: vetoed.
    let family = &explained[1];
    assert_eq!(family["same_cluster"], false);
    assert_eq!(family["explanation"]["vetoed"], true);
    assert_eq!(level(family, "phone"), "exact");
    assert_eq!(level(family, "first_name"), "different");
    // `Smith, Anna` / `Anna Smith`.
    assert_eq!(explained[2]["explanation"]["swapped_names"], true);
}

#[test]
fn person_records_match_on_declared_fields() {
    // fixtures/dedupe/person-records/EXPECT.md: a benchmark-like layout, fields declared in
    // crmaudit.toml (birth dates as YYYYMMDD, id numbers, address lines).
    let dir = fixture("dedupe/person-records");
    let report = dedupe_json(
        &dir.join("people.csv"),
        &[
            "--config",
            dir.join("crmaudit.toml").to_str().unwrap(),
            "--truth",
            "entity",
        ],
    );
    assert_eq!(
        clusters(&report),
        set(&[
            &["rec-1-org", "rec-1-dup-0"],
            &["rec-2-org", "rec-2-dup-0"],
            &["rec-3-org", "rec-3-dup-0"],
            &["rec-7-org", "rec-7-dup-0"],
        ])
    );
    assert_eq!(report["accuracy"]["f1"], 1.0);
    let fields: Vec<&str> = report["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"soc_sec_id") && fields.contains(&"date_of_birth"));
    // The declared blocking keys ran as passes of their own.
    let passes: Vec<&str> = report["blocking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pass"].as_str().unwrap())
        .collect();
    assert!(passes.contains(&"block_on date_of_birth"), "{passes:?}");
}

#[test]
fn shared_case_10_is_one_cluster_of_three() {
    // ../shared/cases/10: three records of Ann Lee whose e-mails differ in case and spaces.
    let case = shared("cases/10-email-case-duplicates");
    let case = if case.is_dir() {
        case
    } else {
        fixture("cases/10-email-case-duplicates")
    };
    let report = dedupe_json(&case.join("contacts.csv"), &[]);
    assert_eq!(clusters(&report), set(&[&["1", "2", "3"]]));
    assert_eq!(report["surplus_records"], 2);
    // In an audit: duplicates.csv holds that cluster, DQ202 flags the two surplus records.
    let run = audit(&case.join("contacts.csv"), &[]);
    let members = run.csv("duplicates.csv");
    assert_eq!(members.len(), 3);
    let ids: BTreeSet<&str> = members.iter().map(|m| m["cluster_id"].as_str()).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(
        members
            .iter()
            .filter(|m| m["is_survivor"] == "true")
            .count(),
        1
    );
    let mut flagged = run.ids("DQ202");
    flagged.sort();
    assert_eq!(flagged, ["2", "3"]);
}

#[test]
fn outputs_are_identical_whatever_the_thread_count() {
    let file = fixture("dedupe/hard-negatives/contacts.csv");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "4"] {
        let out = tempfile::tempdir().unwrap();
        let (code, stdout, stderr) = run(&[
            "dedupe",
            file.to_str().unwrap(),
            "--threads",
            threads,
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{stderr}");
        let csv = std::fs::read_to_string(out.path().join("duplicates.csv")).unwrap();
        assert!(out.path().join("dedupe.json").is_file());
        outputs.push((stdout, csv));
    }
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    // duplicates.csv has the contract's columns; each member row carries its own reasons.
    let csv = &outputs[0].1;
    assert!(csv.starts_with("table,cluster_id,record_id,row,is_survivor,score,reasons\n"));
    assert!(csv.contains("first_name alias"), "{csv}");
}

#[test]
fn bad_dedupe_settings_are_diagnostics_at_their_place() {
    for (file, place, what) in [
        (
            "dedupe-unknown-field.toml",
            "dedupe-unknown-field.toml:6:50",
            "dedupe field `birthday`",
        ),
        (
            "dedupe-bad-threshold.toml",
            "dedupe-bad-threshold.toml:6:13",
            "not a probability",
        ),
        (
            "dedupe-bad-comparison.toml",
            "dedupe-bad-comparison.toml:6:25",
            "unknown comparison `soundex`",
        ),
    ] {
        let (code, _, stderr) = run(&[
            "audit",
            fixture("invalid").join(file).to_str().unwrap(),
            "--no-progress",
        ]);
        assert_eq!(code, 2, "{file}: {stderr}");
        assert!(stderr.contains(place), "{file}: {stderr}");
        assert!(stderr.contains(what), "{file}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // Usage errors of the command itself.
    let file = fixture("dedupe/hard-negatives/contacts.csv");
    let (code, _, stderr) = run(&["dedupe", file.to_str().unwrap(), "--truth", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--truth `nope`") && stderr.contains("its headers are"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["dedupe", fixture("dedupe").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a file"), "{stderr}");
}

#[test]
fn rules_explain_documents_dq202() {
    let (code, stdout, _) = run(&["rules", "explain", "DQ202"]);
    assert_eq!(code, 0);
    for needle in [
        "probable-duplicate",
        "Fellegi-Sunter",
        "survivor",
        "threshold",
    ] {
        assert!(stdout.contains(needle), "{needle}: {stdout}");
    }
    let (_, list, _) = run(&["rules", "list"]);
    assert!(list.contains("DQ202"), "{list}");
}

#[test]
fn estimated_weights_are_probabilities() {
    // `estimate = true`: m, u and the prior re-estimated by EM on the candidate pairs.
    let dir = fixture("dedupe/hard-negatives");
    let report = dedupe_json(
        &dir.join("contacts.csv"),
        &["--config", dir.join("crmaudit-em.toml").to_str().unwrap()],
    );
    assert_eq!(report["estimated"], true);
    assert!(report["em_iterations"].as_u64().unwrap() >= 1);
    let prior = report["prior"].as_f64().unwrap();
    assert!(prior > 0.0 && prior < 1.0, "{prior}");
    for field in report["fields"].as_array().unwrap() {
        for key in ["m", "u"] {
            let sum: f64 = field["levels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l[key].as_f64().unwrap())
                .sum();
            assert!(
                (sum - 1.0).abs() < 1e-3,
                "{} {key} sums to {sum}",
                field["field"]
            );
        }
    }
    // The hard negatives stay apart whatever the weights: the identity gate does not depend on
    // them.
    let groups = clusters(&report);
    for (a, b) in [("5", "6"), ("7", "8")] {
        assert!(
            !groups
                .iter()
                .any(|c| c.contains(&a.to_string()) && c.contains(&b.to_string())),
            "{a}/{b}"
        );
    }
}

/// Every count `dedupe` prints has thousands separators, the surplus and the pair counts too
/// (they printed `22290 surplus` and `30514 predicted` beside `15,524 clusters`).
#[test]
fn text_counts_have_thousands_separators() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.csv");
    let mut csv = String::from("id,first_name,last_name,email,phone,entity_id\n");
    for i in 0..1500 {
        for copy in 0..2 {
            csv.push_str(&format!(
                "C{i}-{copy},Given{i},Family{i},person{i}@example{i}.com,+1 415 555 {:04},E{i}\n",
                i % 10_000
            ));
        }
    }
    std::fs::write(&file, csv).unwrap();
    let (code, stdout, stderr) = run(&["dedupe", file.to_str().unwrap(), "--truth", "entity_id"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("1,500 clusters, 3,000 records in clusters, 1,500 surplus\n"),
        "{stdout}"
    );
    assert!(stdout.contains(", 1,500 matched at p >= "), "{stdout}");
    assert!(
        stdout.contains("  1,500 true pairs, 1,500 predicted, 1,500 correct\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(": 1,500 of 1,500 true pairs among "),
        "{stdout}"
    );
    // No run of four digits anywhere: every count of a thousand or more is grouped.
    let ungrouped = regex::Regex::new(r"(^|[ (])\d{4,}\b").unwrap();
    for line in stdout.lines().take(4) {
        assert!(!ungrouped.is_match(line), "{line}");
    }
}
