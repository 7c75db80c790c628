//! Real exports nobody here wrote (../shared/data/real), audited as a new user would: a config
//! written by `crmaudit init`, plus the small user rule pack in fixtures/salesforce.

mod common;

use std::path::Path;

use common::{audit, fixture, run, shared};

/// Copies the Salesforce sample into a temporary folder (shared/ is read-only in CI), runs
/// `crmaudit init` there and adds the user rule pack to the written config.
fn salesforce_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = shared("data/real/salesforce-sample");
    for entry in std::fs::read_dir(&source).expect("../shared/data/real/salesforce-sample") {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let (code, stdout, stderr) = run(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "init failed: {stderr}");
    assert!(stdout.contains("campaign_members"), "{stdout}");
    let config_path = dir.path().join("crmaudit.toml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    let pack = fixture("salesforce/rules.toml");
    let config = config.replacen(
        "rule_packs = []",
        &format!("rule_packs = [{:?}]", pack.to_str().unwrap()),
        1,
    );
    std::fs::write(&config_path, config).unwrap();
    dir
}

fn kinds_of(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"]
                    .as_str()
                    .map(|p| {
                        Path::new(p)
                            .file_name()
                            .unwrap()
                            .to_string_lossy()
                            .into_owned()
                    })
                    .unwrap(),
                i["kind"].as_str().unwrap().to_string(),
                i["preset"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn salesforce_sample_as_a_new_user_would_run_it() {
    let dir = salesforce_workspace();
    let run = audit(dir.path(), &["--as-of", "2024-12-31"]);
    assert_eq!(run.code, 1, "the case rules fail the gate\n{}", run.stderr);
    let report = run.report();
    assert_eq!(report["schema_version"], 1);

    // init recognised every export by its Salesforce file name and headers.
    let mut kinds = kinds_of(&report);
    kinds.sort();
    let expected = [
        ("Account.csv", "companies"),
        ("Campaign.csv", "campaigns"),
        ("CampaignMember.csv", "campaign_members"),
        ("Case.csv", "tickets"),
        ("Contact.csv", "contacts"),
        ("Lead.csv", "leads"),
        ("Opportunity.csv", "deals"),
        ("Task.csv", "activities"),
    ];
    for ((file, kind, preset), (want_file, want_kind)) in kinds.iter().zip(expected) {
        assert_eq!((file.as_str(), kind.as_str()), (want_file, want_kind));
        assert_eq!(preset, "salesforce", "{file}");
    }
    // Every input was read as UTF-8 with its BOM; unmapped headers are listed, not dropped.
    for input in report["inputs"].as_array().unwrap() {
        assert_eq!(input["encoding"], "utf-8 (bom)");
        assert!(input["mapped_columns"]["Id"] == "id", "{}", input["path"]);
    }
    let contacts = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["table"] == "contacts")
        .unwrap()
        .clone();
    assert_eq!(contacts["rows"], 102);
    assert!(
        contacts["unmapped_columns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "Jigsaw")
    );

    // Case Status: one picklist written three ways.
    let status = run.rule("DQ020", "tickets.Status");
    let detail = status["detail"].as_str().unwrap();
    assert!(detail.starts_with("3 styles"), "{detail}");
    for style in ["Capitalised (14)", "lowercase word (15)", "snake_case (11)"] {
        assert!(detail.contains(style), "{style} not in {detail}");
    }
    // `open` is valid snake_case too, so snake_case (26 of 40) is the column's convention and
    // the 14 `Closed` are the values written otherwise, each with its snake_case spelling.
    let off_style: Vec<_> = run
        .findings("DQ020")
        .into_iter()
        .filter(|r| r["table"] == "tickets" && r["field"] == "Status")
        .collect();
    assert_eq!(off_style.len(), 14);
    assert!(
        off_style
            .iter()
            .all(|r| r["value"] == "Closed" && r["suggestion"] == "closed"),
        "{off_style:?}"
    );
    assert!(off_style[0]["message"].contains("most common style is snake_case (26 of 40 values)"));
    let picklist = run.findings("SF001");
    let values: std::collections::BTreeSet<&str> =
        picklist.iter().map(|r| r["value"].as_str()).collect();
    assert_eq!(
        values.into_iter().collect::<Vec<_>>(),
        ["in_progress", "open"]
    );
    assert_eq!(picklist.len(), 26);

    // The 14 cases whose CloseDate__c precedes createddate__c.
    let order = run.findings("SF002");
    assert_eq!(order.len(), 14);
    assert!(
        order
            .iter()
            .all(|r| r["table"] == "tickets" && r["field"] == "CloseDate__c")
    );
    assert_eq!(run.rule("SF002", "CloseDate__c")["checked"], 14);

    // Contacts without an account: 84 of 102.
    let orphans = run.findings("SF003");
    assert_eq!(orphans.len(), 84);
    assert!(orphans.iter().all(|r| r["value"].is_empty()));

    // The empty campaign cost columns.
    for column in ["BudgetedCost", "ActualCost"] {
        let rule = run.rule("DQ102", &format!("campaigns.{column}"));
        assert_eq!(rule["violations"], 8);
        assert_eq!(rule["checked"], 8);
        assert!(
            rule["detail"]
                .as_str()
                .unwrap()
                .contains("empty in all 8 records")
        );
    }
    // Every opportunity's account exists.
    assert_eq!(run.rule("SF004", "AccountId")["violations"], 0);
}

#[test]
fn telco_churn_blank_total_charges_are_missing_values_and_nothing_else_breaks() {
    let file = shared("data/real/telco-churn/Telco-Customer-Churn.csv");
    let run = audit(&file, &["--as-of", "2024-12-31"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    let input = &report["inputs"][0];
    assert_eq!(input["rows"], 7043);
    assert_eq!(input["kind"], "subscriptions");
    assert_eq!(input["mapped_columns"]["TotalCharges"], "total_charges");
    // The 11 cells holding a single space are missing values...
    let missing = run.findings("DQ101");
    assert_eq!(missing.len(), 11);
    assert!(
        missing
            .iter()
            .all(|r| r["field"] == "TotalCharges" && r["value"] == " ")
    );
    // ...and nothing else in the file is a finding.
    let other: Vec<_> = run
        .worklist()
        .into_iter()
        .filter(|r| r["code"] != "DQ101")
        .collect();
    assert!(other.is_empty(), "{other:?}");
    let total = report["tables"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "TotalCharges")
        .unwrap()
        .clone();
    assert_eq!(total["completeness"], 0.9984);
    assert_eq!(total["validity"], 1.0);
}
