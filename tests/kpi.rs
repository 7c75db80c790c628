//! KPIs end to end, checked against answers computed by hand or by a reference implementation
//! (the Python calls are named beside each number; the tests themselves need no Python).

mod common;

use std::path::Path;

use common::{audit, fixture, run, shared};
use serde_json::Value;

fn kpi<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("no KPI {id}"))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(got: &Value, want: f64, tolerance: f64, what: &str) {
    let got = num(got);
    assert!(
        (got - want).abs() <= tolerance,
        "{what}: {got} vs {want} (+- {tolerance})"
    );
}

fn demo() -> Value {
    let run = audit(&fixture("demo"), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.report()
}

/// The Telco file as one CSV: 1,869 of 7,043 customers churned.
/// statsmodels.stats.proportion.proportion_confint(1869, 7043, method="wilson")
/// = (0.255188, 0.275807).
#[test]
fn telco_churn_is_26_54_percent_between_25_52_and_27_58() {
    let file = shared("data/real/telco-churn/Telco-Customer-Churn.csv");
    let run = audit(&file, &["--as-of", "2024-12-31"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.report();
    let churn = kpi(&report, "churn");
    assert_eq!(churn["status"], "ok");
    assert_eq!(churn["unit"], "percent");
    assert_eq!(churn["n"], 7043);
    close(&churn["value"], 100.0 * 1869.0 / 7043.0, 1e-4, "churn");
    assert_eq!(format!("{:.2}", num(&churn["value"])), "26.54");
    close(&churn["ci"]["low"], 25.5188, 1e-3, "ci low");
    close(&churn["ci"]["high"], 27.5807, 1e-3, "ci high");
    assert_eq!(churn["ci"]["method"], "wilson");
    assert_eq!(churn["ci"]["level"], 0.95);
    let notes = churn["annotations"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|a| a.as_str().unwrap().contains("1,869 of 7,043")),
        "{notes:?}"
    );
    // No start dates: the period cannot apply, and the report says so.
    assert!(
        churn["period"]["description"]
            .as_str()
            .unwrap()
            .starts_with("not applied")
    );
    // Retention is its complement here: 5,174 of 7,043.
    close(
        &kpi(&report, "retention")["value"],
        100.0 * 5174.0 / 7043.0,
        1e-4,
        "retention",
    );
}

/// Salesforce sample through `crmaudit init`: 12 of 15 closed opportunities won
/// (proportion_confint(12, 15, method="wilson") = (0.548146, 0.929525)); the campaigns'
/// BudgetedCost/ActualCost are empty, so CAC cannot be computed.
#[test]
fn salesforce_win_rate_is_12_of_15_and_cac_is_not_computable() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(shared("data/real/salesforce-sample")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let (code, _, stderr) = run(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let run = audit(dir.path(), &["--as-of", "2024-12-31"]);
    let report = run.report();
    let win = kpi(&report, "win_rate");
    assert_eq!(win["status"], "ok");
    assert_eq!(win["n"], 15);
    assert_eq!(win["n_of"], "closed deals");
    close(&win["value"], 80.0, 1e-9, "win rate");
    close(&win["ci"]["low"], 54.8146, 1e-3, "ci low");
    close(&win["ci"]["high"], 92.9525, 1e-3, "ci high");
    let notes: Vec<&str> = win["annotations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().any(|a| a.contains("12 of 15 deals")),
        "{notes:?}"
    );
    // IsWon is `1` or empty: the empty cells are false, and the annotation says why.
    assert!(
        notes.iter().any(|a| a.contains("read as false")),
        "{notes:?}"
    );

    let cac = kpi(&report, "cac");
    assert_eq!(cac["status"], "not_computable");
    assert!(cac["value"].is_null() && cac["confidence"].is_null());
    let reason = cac["reason"].as_str().unwrap();
    assert!(
        reason.contains("ActualCost") && reason.contains("empty in all 8 records"),
        "{reason}"
    );
}

/// Every KPI on the demo, each with a grade and annotations; values checked against an
/// independent Python reading of the demo's CSV files (/tmp-free: the numbers are pasted):
/// NPS: 62 promoters, 23 passives, 22 detractors among the 107 NPS rows scoring 0-10
/// -> 100 x (62 - 22) / 107 = 37.3832; CSAT: 73 of 88 CSAT rows score 4-5 -> 82.9545,
/// proportion_confint(73, 88, method="wilson") = (0.737631, 0.893892); win rate: 37 of 95
/// closed deals; churn (last-365d = 2024-01-02..2024-12-31): 6 of the 36 subscriptions active
/// on 2024-01-02; ticket resolution: lifelines.KaplanMeierFitter on hours created -> closed,
/// the 73 open tickets censored at 2025-01-01 00:00: median 212.6128, median_survival_times(
/// confidence_interval_) = (190.9636, 229.3078); time to market: median of the 16 release
/// durations = 27 days, order statistics 4 and 13 = 14 and 35 days; uptime (last-365d):
/// 14.6528 hours down over 7 incidents in 365 days = 99.8327%; CLV: ARPA 1,890.57 over 49
/// active subscriptions x 774.1766 months of exposure / 11 churned = 133,057.83; CAC:
/// 2,056,685.60 spend / 60 new accounts = 34,278.09; sales growth (last-365d): won 447,700
/// against 424,300 (deals closing before their creation have no valid close date) = 5.515%;
/// lead conversion (90-day cohort): 23 of 183 leads old enough; raw active users in the last
/// 30 days: 104 distinct user ids.
#[test]
fn every_kpi_is_computed_on_the_demo_with_a_grade_and_annotations() {
    let report = demo();
    let kpis = report["kpis"].as_array().unwrap();
    let ids: Vec<&str> = kpis.iter().map(|k| k["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "csat",
            "nps",
            "user_adoption",
            "cac",
            "clv",
            "lead_conversion",
            "win_rate",
            "active_users",
            "feature_adoption",
            "retention",
            "churn",
            "time_to_market",
            "uptime",
            "ticket_resolution_time",
            "sales_growth"
        ]
    );
    for k in kpis {
        let id = k["id"].as_str().unwrap();
        assert_eq!(k["status"], "ok", "{id}: {}", k["reason"]);
        assert!(
            ["high", "medium", "low"].contains(&k["confidence"].as_str().unwrap()),
            "{id}"
        );
        assert!(!k["annotations"].as_array().unwrap().is_empty(), "{id}");
        let value = num(&k["value"]);
        let ci = &k["ci"];
        assert!(
            num(&ci["low"]) <= value && value <= num(&ci["high"]),
            "{id}: {ci}"
        );
        let dq = &k["dq_bounds"];
        assert!(
            num(&dq["low"]) <= value && value <= num(&dq["high"]),
            "{id}: {dq}"
        );
        let outer = &k["outer"];
        assert!(num(&outer["low"]) <= num(&ci["low"]) + 1e-9, "{id}");
        assert!(num(&outer["high"]) >= num(&ci["high"]) - 1e-9, "{id}");
        let q = num(&k["input_quality"]);
        assert!((0.0..=1.0).contains(&q), "{id}");
        assert!(
            !k["inputs"].as_array().unwrap().is_empty(),
            "{id}: inputs read"
        );
    }
    let v = |id: &str| num(&kpi(&report, id)["value"]);
    assert!((v("nps") - 37.3832).abs() < 1e-3);
    assert_eq!(kpi(&report, "nps")["n"], 107);
    assert!((v("csat") - 82.9545).abs() < 1e-3);
    close(&kpi(&report, "csat")["ci"]["low"], 73.7631, 1e-3, "csat ci");
    close(
        &kpi(&report, "csat")["ci"]["high"],
        89.3892,
        1e-3,
        "csat ci",
    );
    assert!((v("win_rate") - 100.0 * 37.0 / 95.0).abs() < 1e-3);
    assert!((v("churn") - 100.0 / 6.0).abs() < 1e-3);
    assert_eq!(kpi(&report, "churn")["n"], 36);
    let tickets = kpi(&report, "ticket_resolution_time");
    close(&tickets["value"], 212.6128, 1e-3, "ticket median");
    close(&tickets["ci"]["low"], 190.9636, 1e-3, "ticket ci low");
    close(&tickets["ci"]["high"], 229.3078, 1e-3, "ticket ci high");
    assert!(
        tickets["ci"]["method"]
            .as_str()
            .unwrap()
            .contains("73 censored")
    );
    let ttm = kpi(&report, "time_to_market");
    assert_eq!(num(&ttm["value"]), 27.0);
    assert_eq!(
        (num(&ttm["ci"]["low"]), num(&ttm["ci"]["high"])),
        (14.0, 35.0)
    );
    assert!((v("uptime") - 99.8327).abs() < 1e-3);
    assert!((v("clv") - 133_057.83).abs() < 0.5);
    assert!((v("cac") - 34_278.09).abs() < 0.01);
    assert!((v("sales_growth") - 5.515).abs() < 1e-2);
    assert!((v("lead_conversion") - 100.0 * 23.0 / 183.0).abs() < 1e-3);
    assert_eq!(num(&kpi(&report, "active_users")["raw_value"]), 104.0);

    // The NPS scores outside 0-10 (5 of the 112 NPS rows) widen its bounds: all five as
    // detractors gives (62 - 27) / 112 = 31.25, all as promoters (67 - 22) / 112 = 40.18.
    let nps = kpi(&report, "nps");
    close(&nps["dq_bounds"]["low"], 31.25, 1e-3, "nps low");
    close(
        &nps["dq_bounds"]["high"],
        100.0 * 45.0 / 112.0,
        1e-3,
        "nps high",
    );
    // As the data stands, 15, 12, 100, 12 and 100 all read as promoters.
    close(&nps["raw_value"], 100.0 * 45.0 / 112.0, 1e-3, "nps raw");
    let notes = nps["annotations"].to_string();
    assert!(
        notes.contains("5 of 112 NPS responses have an invalid score"),
        "{notes}"
    );
}

#[test]
fn the_issue_csat_example_reads_as_its_sentence() {
    // 2,000 closed tickets: 779 score 5, 396 score 2, 825 have no score.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,status,created_at,closed_at,csat_score\n");
    for i in 0..2000 {
        let score = match i {
            0..779 => "5",
            779..1175 => "2",
            _ => "",
        };
        csv.push_str(&format!(
            "T-{i},Closed,2024-03-01 09:00,2024-03-02 10:30,{score}\n"
        ));
    }
    let file = dir.path().join("tickets.csv");
    std::fs::write(&file, csv).unwrap();
    let run = audit(&file, &["--as-of", "2024-12-31"]);
    let report = run.report();
    let csat = kpi(&report, "csat");
    assert_eq!(csat["status"], "ok");
    // 779 / 1175 = 66.298%; worst 779 / 2000 = 38.95%; best 1604 / 2000 = 80.2%.
    close(&csat["value"], 100.0 * 779.0 / 1175.0, 1e-3, "csat");
    close(&csat["dq_bounds"]["low"], 38.95, 1e-9, "low");
    close(&csat["dq_bounds"]["high"], 80.2, 1e-9, "high");
    let notes = csat["annotations"].to_string();
    assert!(
        notes.contains(
            "825 of 2,000 closed tickets have no satisfaction score: CSAT 66.3% among responders, between 39.0% and 80.2% over all closed tickets."
        ),
        "{notes}"
    );
    // 41% of the tickets lack a score: low confidence, and the grade says so.
    assert_eq!(csat["confidence"], "low");
    assert!(
        notes.contains("59% of the records in scope have every input usable"),
        "{notes}"
    );
    // Every ticket: 1 day 1.5 hours to close.
    assert_eq!(num(&kpi(&report, "ticket_resolution_time")["value"]), 25.5);
}

fn workspace(files: &[(&str, &str)], config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("crmaudit.toml"), config).unwrap();
    dir
}

const SURVEYS: &str = "id,submitted_at,survey_type,nps_score\n\
S-1,2024-03-01,NPS,10\n\
S-2,2024-03-02,NPS,9\n\
S-2,2024-03-02,NPS,9\n\
S-3,2024-03-03,NPS,3\n\
S-4,2024-07-03,NPS,8\n\
S-5,2024-08-03,NPS,\n";

const SURVEYS_CONFIG: &str = "[workspace]\nas_of = \"2024-12-31\"\n\n[tables.surveys]\npath = \"surveys.csv\"\nkind = \"surveys\"\n";

/// By hand: S-2 is exported twice and counts once: 2 promoters, 1 passive, 1 detractor of 4
/// = 25 points; as the data stands 3 promoters of 5 = 40; S-5 has no score: all detractors
/// (2 - 2) / 5 = 0, all promoters (3 - 1) / 5 = 40. n = 4 < 30: adjusted Wald.
#[test]
fn duplicates_count_once_and_missing_scores_bound_nps() {
    let dir = workspace(&[("surveys.csv", SURVEYS)], SURVEYS_CONFIG);
    let run = audit(dir.path(), &[]);
    let report = run.report();
    let nps = kpi(&report, "nps");
    assert_eq!(num(&nps["value"]), 25.0);
    assert_eq!(num(&nps["raw_value"]), 40.0);
    assert_eq!(num(&nps["dq_bounds"]["low"]), 0.0);
    assert_eq!(num(&nps["dq_bounds"]["high"]), 40.0);
    assert_eq!(nps["n"], 4);
    assert!(
        nps["ci"]["method"]
            .as_str()
            .unwrap()
            .contains("adjusted Wald")
    );
    assert_eq!(nps["confidence"], "low");
    let notes = nps["annotations"].to_string();
    assert!(
        notes.contains("1 response duplicated another (same id) and counted once"),
        "{notes}"
    );
    assert!(notes.contains("4 NPS responses (fewer than 30)"), "{notes}");

    // --period 2024-Q3 keeps S-4 and S-5 only: one passive, one unknown -> 0 points.
    let run = audit(dir.path(), &["--period", "2024-Q3"]);
    let nps = kpi(&run.report(), "nps").clone();
    assert_eq!(nps["period"]["label"], "2024-Q3");
    assert_eq!(nps["period"]["start"], "2024-07-01");
    assert_eq!(nps["period"]["end"], "2024-09-30");
    assert_eq!(nps["n"], 1);
    assert_eq!(num(&nps["value"]), 0.0);
    assert_eq!(
        (
            num(&nps["dq_bounds"]["low"]),
            num(&nps["dq_bounds"]["high"])
        ),
        (-50.0, 50.0)
    );
}

#[test]
fn targets_say_whether_the_gap_exceeds_the_uncertainty() {
    let config =
        format!("{SURVEYS_CONFIG}\n[kpis.nps]\ntarget = 95\n\n[kpis.csat]\nenabled = false\n");
    let dir = workspace(&[("surveys.csv", SURVEYS)], &config);
    let report = audit(dir.path(), &[]).report();
    let nps = kpi(&report, "nps");
    assert_eq!(nps["target"]["value"], 95.0);
    assert_eq!(num(&nps["target"]["gap"]), -70.0);
    assert_eq!(nps["target"]["verdict"], "missed");
    assert_eq!(nps["target"]["exceeds_uncertainty"], true);
    assert!(
        nps["annotations"]
            .to_string()
            .contains("the gap exceeds the uncertainty")
    );
    // Disabled KPIs are left out of the report.
    assert!(
        report["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["id"] != "csat")
    );

    // A target inside the outer interval cannot be called.
    let config = format!("{SURVEYS_CONFIG}\n[kpis.nps]\ntarget = 30\n");
    let dir = workspace(&[("surveys.csv", SURVEYS)], &config);
    let nps = kpi(&audit(dir.path(), &[]).report(), "nps").clone();
    assert_eq!(nps["target"]["verdict"], "undetermined");
    assert!(
        nps["annotations"]
            .to_string()
            .contains("cannot tell whether it is met")
    );
}

const SUBSCRIPTIONS: &str = "id,account_id,start_date,cancelled_at,mrr,churned\n\
SUB-1,A1,2023-01-15,,100.00,false\n\
SUB-2,A2,2023-03-01,2024-03-01,200.00,true\n\
SUB-3,A3,2023-06-01,,300.00,false\n\
SUB-4,A4,2024-02-01,2024-06-01,400.00,true\n";

/// By hand, period 2024 (2024-01-01..2024-12-31): active on 2024-01-01 are SUB-1, 2, 3;
/// SUB-2 churns in March: customer churn 1/3; revenue churn 200 / 600 = 33.3%. Exposure in
/// 2024: SUB-1 365 days, SUB-2 60 days (Jan 1 - Mar 1), SUB-3 365 days, SUB-4 121 days
/// (Feb 1 - Jun 1) = 911 days = 29.930 months; 2 churned -> 6.682 per 100 customer-months,
/// exact Poisson interval chi2.ppf(0.025, 4)/2 = 0.242209, chi2.ppf(0.975, 6)/2 = 7.224688
/// -> 0.809% .. 24.138%.
#[test]
fn churn_variants_are_selected_in_the_config() {
    let base = "[workspace]\nas_of = \"2024-12-31\"\n\n[tables.subscriptions]\npath = \"subscriptions.csv\"\nkind = \"subscriptions\"\n";
    let dir = workspace(&[("subscriptions.csv", SUBSCRIPTIONS)], base);
    let report = audit(dir.path(), &["--period", "2024"]).report();
    close(
        &kpi(&report, "churn")["value"],
        100.0 / 3.0,
        1e-3,
        "customer churn",
    );
    close(
        &kpi(&report, "retention")["value"],
        200.0 / 3.0,
        1e-3,
        "retention",
    );

    let config = format!(
        "{base}\n[kpis.churn]\nvariant = \"exposure\"\n\n[kpis.retention]\nvariant = \"revenue\"\n"
    );
    let dir = workspace(&[("subscriptions.csv", SUBSCRIPTIONS)], &config);
    let report = audit(dir.path(), &["--period", "2024"]).report();
    let churn = kpi(&report, "churn");
    assert_eq!(churn["variant"], "exposure");
    let months = 911.0 / 30.4375;
    close(&churn["value"], 200.0 / months, 1e-3, "exposure churn");
    close(&churn["ci"]["low"], 100.0 * 0.242209 / months, 1e-3, "low");
    close(
        &churn["ci"]["high"],
        100.0 * 7.224688 / months,
        1e-3,
        "high",
    );
    assert_eq!(churn["ci"]["method"], "exact Poisson");
    // Gross revenue retention: 400 of the 600 MRR active on 2024-01-01 stayed.
    close(
        &kpi(&report, "retention")["value"],
        400.0 / 6.0,
        1e-3,
        "revenue retention",
    );
}

#[test]
fn bad_kpi_settings_are_diagnostics_at_their_place() {
    let cases = [
        (
            // The id as written in the header, not the header's `[`.
            "[kpis.nsp]\ntarget = 1\n",
            "crmaudit.toml:8:7",
            "no KPI has the id `nsp`",
        ),
        (
            "[kpis.churn]\nvariant = \"monthly\"\n",
            "crmaudit.toml:9:11",
            "expected one of: customer, exposure, revenue",
        ),
        (
            "[kpis.nps]\nperiod = \"2024-Q5\"\n",
            "crmaudit.toml:9:10",
            "is not a period",
        ),
        (
            "[kpi]\nlevel = 95\n",
            "crmaudit.toml:9:9",
            "not a confidence level",
        ),
        (
            "[scores]\nvalidity = -1\n",
            "crmaudit.toml:9:12",
            "not a non-negative number",
        ),
        (
            // The table name (the key) is what is wrong, not its weight.
            "[scores.tables]\ndeals = 2\n",
            "crmaudit.toml:9:1",
            "does not define",
        ),
        (
            // No dimension left: at the last weight written, not at 1:1.
            "[scores]\ncompleteness = 0\nvalidity = 0\nuniqueness = 0\ntimeliness = 0\nconsistency = 0\n",
            "crmaudit.toml:13:15",
            "gives every dimension weight 0",
        ),
        (
            "[kpis.nps]\ncolour = 1\n",
            "crmaudit.toml:9:1",
            "unknown field `colour`",
        ),
    ];
    for (section, place, message) in cases {
        let config = format!("{SURVEYS_CONFIG}\n{section}");
        let dir = workspace(&[("surveys.csv", SURVEYS)], &config);
        let (code, _, stderr) = run(&["kpi", dir.path().to_str().unwrap(), "--no-progress"]);
        assert_eq!(code, 2, "{section}: {stderr}");
        assert!(
            stderr.contains(place),
            "{section}: want {place} in\n{stderr}"
        );
        let joined = stderr
            .split_whitespace()
            .filter(|w| *w != "|")
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            joined.contains(message),
            "{section}: want {message} in\n{stderr}"
        );
    }
    let (code, _, stderr) = run(&["kpi", fixture("demo").to_str().unwrap(), "--period", "Q3"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--period") && stderr.contains("is not a period"),
        "{stderr}"
    );
}

#[test]
fn the_kpi_command_prints_every_kpi_within_80_columns() {
    let (code, stdout, stderr) = run(&["kpi", fixture("demo").to_str().unwrap(), "--no-progress"]);
    assert_eq!(code, 1, "the demo's gate fails, as for audit: {stderr}");
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    for name in [
        "Net Promoter Score (NPS) = 37.4 points",
        "Ticket resolution time = 212.6 hours",
        "Confidence",
    ] {
        assert!(stdout.contains(name), "{name} not in\n{stdout}");
    }
    let (_, audit_text, _) = run(&["audit", fixture("demo").to_str().unwrap(), "--no-progress"]);
    assert!(
        audit_text.contains("KPIs (crmaudit kpi for the annotations)"),
        "{audit_text}"
    );
    for line in audit_text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    let (_, json, _) = run(&["kpi", fixture("demo").to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["kpis"].as_array().unwrap().len(), 15);
}

#[test]
fn same_seed_same_intervals_whatever_the_thread_count() {
    let kpis = |threads: &str| {
        let (_, json, _) = run(&[
            "kpi",
            fixture("demo").to_str().unwrap(),
            "--format",
            "json",
            "--threads",
            threads,
        ]);
        let report: Value = serde_json::from_str(&json).unwrap();
        report["kpis"].clone()
    };
    let one = kpis("1");
    assert_eq!(one, kpis("2"));
    // The bootstrap intervals are there, and another seed moves them.
    let clv = one
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "clv")
        .unwrap()
        .clone();
    assert!(clv["ci"]["method"].as_str().unwrap().contains("seed 42"));
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("demo")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let config = dir.path().join("crmaudit.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\n[kpi]\nseed = 7\n")).unwrap();
    let (_, json, _) = run(&["kpi", dir.path().to_str().unwrap(), "--format", "json"]);
    let other: Value = serde_json::from_str(&json).unwrap();
    let other = other["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "clv")
        .unwrap()
        .clone();
    assert_eq!(other["value"], clv["value"]);
    assert_ne!(other["ci"], clv["ci"]);
}

/// Score weights: completeness weighted 0 leaves a field's score to its other dimensions.
#[test]
fn score_weights_change_the_roll_up() {
    let csv = "id,email\n1,a@x.com\n2,\n3,b@x.com\n4,b@x.com\n";
    let base = "[workspace]\nas_of = \"2024-12-31\"\n\n[tables.contacts]\npath = \"contacts.csv\"\nkind = \"contacts\"\n";
    let score = |config: &str| -> (f64, f64) {
        let dir = workspace(&[("contacts.csv", csv)], config);
        let report = audit(dir.path(), &[]).report();
        let email = report["tables"][0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "email")
            .unwrap()
            .clone();
        (num(&email["score"]), num(&report["score"]))
    };
    // email: completeness 3/4, validity 1, uniqueness 1 - 1/4 (records 3 and 4 are one person:
    // one surplus record; entity matching looks at all 4 records, DQ201 at the 3 with an email,
    // and the dimension takes the union of surplus records over the larger denominator),
    // consistency 1 (no padding): plain mean 87.5.
    let (plain, _) = score(base);
    let want = 100.0 * (0.75 + 1.0 + 0.75 + 1.0) / 4.0;
    close(&serde_json::json!(plain), want, 1e-3, "plain");
    let (weighted, _) = score(&format!("{base}\n[scores]\ncompleteness = 0\n"));
    let want = 100.0 * (1.0 + 0.75 + 1.0) / 3.0;
    close(&serde_json::json!(weighted), want, 1e-3, "weighted");
    // Uniqueness counted twice: (0.75 + 1 + 2 x 0.75 + 1) / 5.
    let (double, _) = score(&format!("{base}\n[scores]\nuniqueness = 2\n"));
    let want = 100.0 * (0.75 + 1.0 + 1.5 + 1.0) / 5.0;
    close(&serde_json::json!(double), want, 1e-3, "double");
}

/// Fuzzy clusters from the dedupe stage plug in as one more input: the bounds then span the
/// exact-key and the fuzzy-deduplicated answers.
#[test]
fn fuzzy_clusters_widen_the_duplicate_bounds() {
    use clap::Parser;
    use crmaudit::cli::{Cli, Command};
    use crmaudit::kpi::{Clusters, KpiRun, TableClusters};

    let dir = workspace(&[("surveys.csv", SURVEYS)], SURVEYS_CONFIG);
    let cli = Cli::try_parse_from(["crmaudit", "kpi", dir.path().to_str().unwrap()]).unwrap();
    let Command::Kpi(args) = cli.command else {
        panic!("kpi args");
    };
    let plan = crmaudit::app::AuditPlan::from_args(&args).unwrap();
    let specs = crmaudit::app::rule_specs(&plan).unwrap();
    let dataset = crmaudit::app::load_dataset(&plan).unwrap();
    let rules =
        crmaudit::checks::plan::bind(&specs, &dataset, &plan.workspace.rule_overrides).unwrap();
    let cache = crmaudit::checks::Cache::new(&dataset);
    let output = crmaudit::checks::engine::run(&dataset, &rules, &cache, &|| {});
    let run = KpiRun {
        as_of: plan.as_of,
        period: None,
        overrides: &plan.workspace.kpis,
        settings: &plan.workspace.kpi_settings,
    };
    let exact = Clusters::from_exact(&dataset, &output.outcomes);
    let nps = |clusters: &Clusters| {
        crmaudit::kpi::compute(&dataset, &cache, &output.outcomes, clusters, &run)
            .into_iter()
            .find(|k| k.id == "nps")
            .unwrap()
    };
    let plain = nps(&exact);
    assert_eq!(plain.value, Some(25.0));
    // Records 0 (S-1, a 10) and 3 (S-3, a 3) declared one respondent by fuzzy matching: without
    // S-3, 2 promoters and a passive of 3 = 66.67, and with S-5 unknown 33.3 .. 75.
    let fuzzy = exact.with_fuzzy(vec![TableClusters {
        table: 0,
        groups: vec![vec![0, 3]],
    }]);
    let widened = nps(&fuzzy);
    assert_eq!(
        widened.value,
        Some(25.0),
        "value stays the exact-key answer"
    );
    let dq = widened.dq_bounds.unwrap();
    assert_eq!(dq.low, 0.0);
    assert_eq!(dq.high, Some(75.0));
    assert!(
        widened
            .annotations
            .iter()
            .any(|a| a.contains("fuzzy duplicates")),
        "{:?}",
        widened.annotations
    );
    let _ = Path::new(".");
}

/// End to end: the audit's own entity matching (DQ202) feeds the duplicate bound. Robert and Bob
/// Smith (same phone and company) are one lead; counted once, 2 of 4 leads converted.
#[test]
fn the_audits_fuzzy_duplicates_reach_the_kpi_bounds() {
    let leads = "id,first_name,last_name,email,phone,company,created_at,is_converted,converted_at\n\
        L1,Robert,Smith,robert.smith@acme.com,+1 617-542-8923,Acme Inc.,2024-01-10,true,2024-02-01\n\
        L2,Bob,Smith,bob.smith@acme.com,(617) 542-8923,ACME,2024-01-12,false,\n\
        L3,Jane,Doe,jane@globex.com,+1 415-555-2671,Globex,2024-01-15,false,\n\
        L4,Ann,Lee,ann@initech.com,+1 212-555-0143,Initech,2024-02-01,true,2024-03-01\n\
        L5,Tom,Hanks,tom@umbrella.com,+1 312-555-0199,Umbrella,2024-02-03,false,\n";
    let config = "[workspace]\nas_of = \"2024-12-31\"\ndefault_region = \"US\"\n\n[tables.leads]\npath = \"leads.csv\"\nkind = \"leads\"\n";
    let dir = workspace(&[("leads.csv", leads)], config);
    let report = audit(dir.path(), &[]).report();
    let kpi = report["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "lead_conversion")
        .unwrap()
        .clone();
    // 2 of 5 as the data stands; 2 of 4 once L2 merges into L1.
    assert_eq!(num(&kpi["value"]), 40.0);
    assert_eq!(num(&kpi["dq_bounds"]["low"]), 40.0);
    assert_eq!(num(&kpi["dq_bounds"]["high"]), 50.0);
    assert!(
        kpi["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.as_str().unwrap().contains("fuzzy duplicates")),
        "{kpi}"
    );
}

/// A period that begins after the as-of date holds no records: `--period 2025` at an as-of of
/// 2024-12-31 once graded user adoption 0.0% with high confidence, retention 100% and churn 0%.
#[test]
fn a_period_that_has_not_begun_measures_nothing() {
    let (code, _, stderr) = run(&["kpi", fixture("demo").to_str().unwrap(), "--period", "2025"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--period 2025 starts on 2025-01-01, after the as-of date 2024-12-31"),
        "{stderr}"
    );
    // Set in the config, where the as-of date may come later from the command line: the KPI is
    // not computable and says why, and the others are unaffected.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("demo")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let config_path = dir.path().join("crmaudit.toml");
    let config = std::fs::read_to_string(&config_path).unwrap();
    let config = config.replacen("[kpis.churn]\n", "[kpis.churn]\nperiod = \"2025-Q1\"\n", 1);
    assert!(
        config.contains("period = \"2025-Q1\""),
        "the demo config has [kpis.churn]"
    );
    std::fs::write(&config_path, config).unwrap();
    let run = audit(dir.path(), &[]);
    let report = run.report();
    let churn = kpi(&report, "churn");
    assert_eq!(churn["status"], "not_computable", "{churn}");
    assert!(churn["confidence"].is_null());
    assert!(
        churn["reason"]
            .as_str()
            .unwrap()
            .contains("starts on 2025-01-01, after the as-of date 2024-12-31"),
        "{churn}"
    );
    assert_eq!(kpi(&report, "retention")["status"], "ok");

    // A period the usage log does not reach (its events end in 2024): user adoption once read
    // "0.0% · high confidence" beside active users' "no usage event"; both now say why not.
    let run = audit(&fixture("demo"), &["--as-of", "2025-04-30"]);
    let report = run.report();
    for id in ["user_adoption", "active_users"] {
        let k = kpi(&report, id);
        assert_eq!(k["status"], "not_computable", "{k}");
        assert!(
            k["reason"]
                .as_str()
                .unwrap()
                .starts_with("no usage event in"),
            "{k}"
        );
    }
}
