//! The history store end to end: runs appended with `audit --history`, compared, gated,
//! alerted, listed by `crmaudit history`; stores that are not stores; concurrency; migration.
//!
//! Expected values come from `fixtures/demo/PROBLEMS.md` (which record carries which seeded
//! fault) and from the edits each test makes to a copy of the demo.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Run, audit, crmaudit, demo_copy, edit, fixture, run};
use serde_json::Value;

fn audit_with(dir: &Path, store: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["--history", store.to_str().unwrap()];
    args.extend_from_slice(extra);
    audit(dir, &args)
}

fn history_json(store: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "history",
        "--history",
        store.to_str().unwrap(),
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("history JSON")
}

/// (code, table, field, new ids, fixed ids) of one finding group of a comparison.
type GroupRow = (String, String, String, Vec<String>, Vec<String>);

/// The finding groups of a comparison.
fn groups(findings: &Value) -> Vec<GroupRow> {
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    findings["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["code"].as_str().unwrap().to_string(),
                g["table"].as_str().unwrap().to_string(),
                g["field"].as_str().unwrap().to_string(),
                ids(&g["new_ids"]),
                ids(&g["fixed_ids"]),
            )
        })
        .collect()
}

#[test]
fn one_fault_fixed_and_one_introduced_are_reported_as_exactly_that() {
    let ws = demo_copy();
    let store = ws.path().join("history.db");
    let first = audit_with(ws.path(), &store, &[]);
    assert_eq!(first.code, 1, "the demo fails its gate: {}", first.stderr);
    let r1 = first.report();
    assert_eq!(r1["history"]["run_id"], 1);
    assert_eq!(r1["regression"]["compared_with"]["source"], "none");

    // PROBLEMS.md section 14: D-20031's negative amount is the DQ008 finding we fix. A clean
    // contact (100000057, in no section) gets an e-mail without a domain, like section 3's.
    edit(&ws.path().join("deals.csv"), ",-75700.00,", ",75700.00,");
    edit(
        &ws.path().join("contacts.csv"),
        "michael.arnold@sparrowpartners.ca",
        "michael.arnold@",
    );
    let second = audit_with(ws.path(), &store, &[]);
    assert_eq!(second.code, 1, "{}", second.stderr);
    let r2 = second.report();
    let reg = &r2["regression"];
    assert_eq!(reg["compared_with"]["source"], "history");
    assert_eq!(reg["compared_with"]["run_id"], 1);
    assert_eq!(reg["compared_with"]["finding_keys"], true);
    let f = &reg["changes"]["findings"];
    assert_eq!(f["new"], 1);
    assert_eq!(f["fixed"], 1);
    assert_eq!(f["no_longer_checked"], 0);
    assert_eq!(
        groups(f),
        [
            (
                "DQ001".into(),
                "contacts".into(),
                "Email".into(),
                vec!["100000057".to_string()],
                vec![]
            ),
            (
                "DQ008".into(),
                "deals".into(),
                "amount".into(),
                vec![],
                vec!["D-20031".to_string()]
            ),
        ]
    );
    // The two edited files, and only they, changed.
    assert_eq!(
        reg["changes"]["inputs_changed"],
        serde_json::json!(["contacts", "deals"])
    );
    // DQ008 on deals.amount drops to 1 of 117 (0.9%, under its 1% tolerance): pass now.
    let dq008 = reg["changes"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "DQ008" && r["table"] == "deals")
        .expect("DQ008 deals changed");
    assert_eq!(dq008["previous"], "fail");
    assert_eq!(dq008["current"], "pass");
    assert_eq!(dq008["previous_violations"], 2);
    assert_eq!(dq008["violations"], 1);
    // The new DQ001 finding is of a fail-severity rule: the default alert.
    let alerts = reg["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["kind"], "new_fail_findings");
    assert_eq!(alerts[0]["count"], 1);
    assert!(
        alerts[0]["message"]
            .as_str()
            .unwrap()
            .contains("DQ001 contacts.Email 1: 100000057"),
        "{}",
        alerts[0]["message"]
    );
    // Reported, but without --fail-on-regression not a gate reason.
    let reasons = r2["gate"]["reasons"].as_array().unwrap();
    assert!(
        !reasons
            .iter()
            .any(|r| r.as_str().unwrap().starts_with("regression:"))
    );

    // `crmaudit history` says the same from the store alone.
    let view = history_json(&store, &[]);
    assert_eq!(view["runs_total"], 2);
    assert_eq!(view["comparison"]["from_run"], 1);
    assert_eq!(view["comparison"]["to_run"], 2);
    assert_eq!(
        groups(&view["comparison"]["changes"]["findings"]),
        groups(f)
    );
    assert_eq!(view["runs"][1]["alerts"][0]["kind"], "new_fail_findings");
    let text = run(&["history", "--history", store.to_str().unwrap()]).1;
    assert!(text.contains("Findings: 1 new, 1 fixed."), "{text}");
    assert!(text.contains("new 1"), "{text}");
    assert!(text.contains("100000057"), "{text}");
    assert!(text.contains("D-20031"), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line}");
    }
    let md = run(&[
        "history",
        "--history",
        store.to_str().unwrap(),
        "--format",
        "markdown",
    ])
    .1;
    assert!(md.starts_with("## History store"), "{md}");
    assert!(
        md.contains("| fixed 1 | DQ008 out-of-range (fail) | deals.amount | D-20031 |"),
        "{md}"
    );
}

/// A small workspace whose gate passes: 20 clean contacts.
fn clean_workspace(alerts: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "Ann", "Bob", "Cara", "Dan", "Eve", "Finn", "Gail", "Hugo", "Ida", "Jon", "Kim", "Lee",
        "Max", "Nia", "Oli", "Pia", "Quin", "Rob", "Sue", "Tom",
    ];
    let mut csv = String::from("id,first_name,last_name,email,created_at,last_activity_at\n");
    for (i, n) in names.iter().enumerate() {
        csv.push_str(&format!(
            "C{},{n},Lee{i},{}.lee{i}@example.com,2024-01-{:02},2024-12-{:02}\n",
            100 + i,
            n.to_lowercase(),
            i + 1,
            i + 1
        ));
    }
    std::fs::write(dir.path().join("contacts.csv"), csv).unwrap();
    std::fs::write(
        dir.path().join("crmaudit.toml"),
        format!(
            "[workspace]\nas_of = \"2024-12-31\"\n\n[tables.contacts]\npath = \"contacts.csv\"\nkind = \"contacts\"\n\n{alerts}"
        ),
    )
    .unwrap();
    dir
}

/// Five contacts not active since 2022: stale (DQ301 warns, 25% tolerance, so no rule fails)
/// and the timeliness of `last_activity_at` falls from 1 to 0.75.
fn make_five_stale(dir: &Path) {
    let path = dir.join("contacts.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let stale: String = text
        .lines()
        .map(|l| {
            let mut l = l.to_string();
            for d in 1..=5 {
                let from = format!(",2024-12-0{d}");
                if l.ends_with(&from) {
                    l = l.replace(&from, &format!(",2022-12-0{d}"));
                }
            }
            l + "\n"
        })
        .collect();
    std::fs::write(&path, stale).unwrap();
}

#[test]
fn a_score_drop_past_the_threshold_fails_the_run_with_the_reason() {
    let ws = clean_workspace("[alerts]\nscore_drop = 0.5\n");
    let store = ws.path().join("h.db");
    let first = audit_with(ws.path(), &store, &["--fail-on-regression"]);
    assert_eq!(first.code, 0, "{}", first.stdout);
    let before = first.report()["score"].as_f64().unwrap();
    make_five_stale(ws.path());
    let second = audit_with(ws.path(), &store, &["--fail-on-regression"]);
    assert_eq!(
        second.code, 1,
        "the regression fails the run: {}",
        second.stdout
    );
    let r = second.report();
    let after = r["score"].as_f64().unwrap();
    assert!(before - after > 0.5, "{before} -> {after}");
    assert_eq!(r["gate"]["passed"], false);
    let reasons: Vec<&str> = r["gate"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].starts_with(&format!(
            "regression: overall score fell {:.2} points since run 1 ({before:.2} -> {after:.2})",
            before - after
        )),
        "{}",
        reasons[0]
    );
    assert!(reasons[0].ends_with("more than [alerts] score_drop = 0.5"));
    assert!(second.stdout.contains("Gate FAILED"));

    // The same drop without --fail-on-regression: reported, the gate passes.
    let ws = clean_workspace("[alerts]\nscore_drop = 0.5\n");
    let store = ws.path().join("h.db");
    assert_eq!(audit_with(ws.path(), &store, &[]).code, 0);
    make_five_stale(ws.path());
    let quiet = audit_with(ws.path(), &store, &[]);
    assert_eq!(quiet.code, 0);
    let r = quiet.report();
    assert_eq!(r["gate"]["reasons"], serde_json::json!([]));
    assert_eq!(r["regression"]["alerts"][0]["kind"], "score_drop");
    assert!(
        quiet
            .stdout
            .contains("--fail-on-regression makes them fail the run")
    );

    // A threshold the drop does not exceed: no alert.
    let ws = clean_workspace("[alerts]\nscore_drop = 5\n");
    let store = ws.path().join("h.db");
    assert_eq!(audit_with(ws.path(), &store, &[]).code, 0);
    make_five_stale(ws.path());
    let under = audit_with(ws.path(), &store, &["--fail-on-regression"]);
    assert_eq!(under.code, 0, "{}", under.stdout);
    assert_eq!(
        under.report()["regression"]["alerts"],
        serde_json::json!([])
    );
}

#[test]
fn table_score_and_kpi_alerts_trigger_on_their_settings() {
    let ws = demo_copy();
    let config = ws.path().join("crmaudit.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n[alerts]\ntable_score_drop = 1\nkpi_outside_previous_interval = true\nkpis = [\"win_rate\"]\nnew_fail_findings = false\nrule_newly_failing = false\n",
    );
    std::fs::write(&config, text).unwrap();
    let store = ws.path().join("h.db");
    assert_eq!(audit_with(ws.path(), &store, &[]).code, 1);
    // Every closed deal won: the win rate leaves its interval; no deals field gets worse.
    let deals = ws.path().join("deals.csv");
    let text = std::fs::read_to_string(&deals).unwrap();
    let all_won = text
        .replace(",Closed Lost,", ",Closed Won,")
        .replace(",true,false,", ",true,true,");
    std::fs::write(&deals, all_won).unwrap();
    // Half the subscriptions lose their MRR: that table's completeness, hence its score, falls.
    let subs = ws.path().join("subscriptions.csv");
    let text = std::fs::read_to_string(&subs).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let mrr = header.iter().position(|h| *h == "mrr").expect("mrr column");
    let blanked: String = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if (1..=30).contains(&i) {
                let mut cells: Vec<&str> = line.split(',').collect();
                cells[mrr] = "";
                cells.join(",") + "\n"
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    std::fs::write(&subs, blanked).unwrap();
    let second = audit_with(ws.path(), &store, &[]);
    let r = second.report();
    let alerts = r["regression"]["alerts"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = alerts
        .iter()
        .map(|a| (a["kind"].as_str().unwrap(), a["subject"].as_str().unwrap()))
        .collect();
    assert!(
        kinds.contains(&("kpi_outside_previous_interval", "win_rate")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("table_score_drop", "subscriptions")),
        "{kinds:?}"
    );
    // Only the watched KPI, and only tables that fell by more than 1 point.
    for a in alerts {
        match a["kind"].as_str().unwrap() {
            "kpi_outside_previous_interval" => assert_eq!(a["subject"], "win_rate"),
            "table_score_drop" => {
                assert!(a["previous"].as_f64().unwrap() - a["current"].as_f64().unwrap() > 1.0)
            }
            other => panic!("unexpected alert {other}"),
        }
    }
    let k = r["regression"]["changes"]["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == "win_rate")
        .unwrap()
        .clone();
    let (v, hi) = (
        k["current"].as_f64().unwrap(),
        k["previous_interval"]["high"].as_f64().unwrap(),
    );
    assert!(
        v > hi,
        "win rate {v} above the previous interval's high {hi}"
    );
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

fn side_files(path: &Path) -> Vec<PathBuf> {
    ["-journal", "-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", path.display())))
        .filter(|p| p.exists())
        .collect()
}

/// Deterministic pseudo-random bytes (xorshift), so the test needs no RNG crate.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

/// A diagnostic's text on one line (miette wraps long messages behind `|` margins).
fn flat(stderr: &str) -> String {
    stderr
        .lines()
        .map(|l| l.trim().trim_start_matches('|').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_refused(store: &Path, what: &str) {
    let before = bytes(store);
    let mut r = audit_with(&fixture("demo"), store, &[]);
    r.stderr = flat(&r.stderr);
    assert_eq!(r.code, 2, "{what}: {}", r.stderr);
    assert!(
        r.stderr.contains("history store") && r.stderr.contains(what),
        "{what}: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        !r.out.path().join("report.json").exists(),
        "refused before the audit's work"
    );
    let (code, _, stderr) = run(&["history", "--history", store.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(flat(&stderr).contains(what), "{stderr}");
    assert_eq!(
        bytes(store),
        before,
        "{what}: the file is byte-for-byte unchanged"
    );
    assert_eq!(
        side_files(store),
        Vec::<PathBuf>::new(),
        "no journal left beside it"
    );
}

#[test]
fn files_that_are_not_stores_are_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();

    let random = dir.path().join("random.db");
    std::fs::write(&random, noise(64 * 1024, 0x5eed)).unwrap();
    assert_refused(
        &random,
        "is not a crmaudit history store: it is not an SQLite database",
    );

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "SQLite format 2 is not this\n").unwrap();
    assert_refused(&text, "it is not an SQLite database");

    // Another application's SQLite database.
    let other = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
    assert_refused(&other, "an SQLite database of another application");

    // A real store, truncated (a copy cut short by a full disk).
    let store = dir.path().join("store.db");
    assert_eq!(audit_with(&fixture("demo"), &store, &[]).code, 1);
    let full = bytes(&store);
    assert!(full.len() > 8192, "{}", full.len());
    let cut = dir.path().join("cut.db");
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
    assert_refused(&cut, "is damaged");

    // Any page of the store overwritten with noise, not only one a query happens to read:
    // `history` runs the same quick_check as `audit --history` (it showed the runs, exit 0, of
    // a store whose page 3 was overwritten). Page 1 holds the header: an identity failure.
    let page = 4096;
    assert_eq!(full.len() % page, 0);
    for number in 2..=full.len() / page {
        let damaged = dir.path().join(format!("damaged-page-{number}.db"));
        let mut spoiled = full.clone();
        let at = (number - 1) * page;
        spoiled[at..at + page].copy_from_slice(&noise(page, 7 + number as u64));
        std::fs::write(&damaged, &spoiled).unwrap();
        assert_refused(&damaged, "is damaged");
    }

    // A folder, and a path in a folder that does not exist.
    let r = audit_with(&fixture("demo"), dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not a file"), "{}", r.stderr);
    let r = audit_with(&fixture("demo"), &dir.path().join("no/such/h.db"), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    let (code, _, stderr) = run(&["history", "--history", "/no/such/store.db"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no such file"), "{stderr}");
}

#[test]
fn concurrent_appends_all_land_and_readers_see_whole_runs() {
    let dir = tempfile::tempdir().unwrap();
    // A new store: the first appenders also race to create it.
    let store = dir.path().join("h.db");
    let outs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut children: Vec<std::process::Child> = outs
        .iter()
        .map(|out| {
            Command::new(env!("CARGO_BIN_EXE_crmaudit"))
                .args(["audit"])
                .arg(fixture("demo"))
                .args(["--no-progress", "--quiet", "--history"])
                .arg(&store)
                .arg("--out")
                .arg(out.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Meanwhile a reader: every run it sees is whole (its findings all stored).
    let mut reads = 0;
    while children.iter_mut().any(|c| c.try_wait().unwrap().is_none()) {
        if let Some(seen) = whole_runs(&store) {
            reads += 1;
            assert!(
                seen.iter()
                    .all(|(f, stored, rules)| f == stored && *rules > 0),
                "{seen:?}"
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "the demo's gate; not 2: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let view = history_json(&store, &[]);
    assert_eq!(view["runs_total"], 3, "all three runs landed");
    // Each run compared itself with the run it really follows.
    let mut ids: Vec<i64> = outs
        .iter()
        .map(|o| {
            let report: Value =
                serde_json::from_slice(&bytes(&o.path().join("report.json"))).unwrap();
            let id = report["history"]["run_id"].as_i64().unwrap();
            let compared = &report["regression"]["compared_with"];
            if id == 1 {
                assert_eq!(compared["source"], "none");
            } else {
                assert_eq!(compared["run_id"].as_i64(), Some(id - 1));
                assert_eq!(report["regression"]["changes"]["findings"]["new"], 0);
            }
            id
        })
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [1, 2, 3]);
    let seen = whole_runs(&store).unwrap();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter().all(|(f, s, _)| *f == 135 && *s == 135),
        "{seen:?}"
    );
    eprintln!("{reads} consistent reads during the appends");
}

/// Per run: (findings the run row counts, finding keys stored, rule outcomes stored), read in
/// one transaction; None while there is no store to read yet.
fn whole_runs(store: &Path) -> Option<Vec<(i64, i64, i64)>> {
    if std::fs::metadata(store).map_or(true, |m| m.len() == 0) {
        return None;
    }
    let mut conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.busy_timeout(std::time::Duration::from_secs(30)).ok()?;
    let tx = conn.transaction().ok()?;
    let mut stmt = tx
        .prepare(
            "SELECT findings,
                    (SELECT coalesce(sum(count), 0) FROM run_findings f WHERE f.run_id = r.run_id),
                    (SELECT count(*) FROM run_rules u WHERE u.run_id = r.run_id)
             FROM runs r ORDER BY run_id",
        )
        .ok()?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .ok()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .ok()?;
    Some(rows)
}

#[test]
fn a_version_1_store_is_migrated_forward_and_its_runs_kept() {
    use crmaudit::history::keys::IdList;
    use crmaudit::history::schema;

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("v1.db");
    // A store as crmaudit wrote it before KPIs were recorded (schema v1): one run whose DQ001
    // findings on contacts.Email were five of the demo's six (section 3 less 100004370).
    {
        let mut conn = rusqlite::Connection::open(&store).unwrap();
        let tx = conn.transaction().unwrap();
        schema::migrate(&tx, 0, 1).unwrap();
        tx.execute(
            "INSERT INTO runs (recorded_at, as_of, tool_version, workspace, config, score, gate_passed, records, findings)
             VALUES ('2024-12-01T08:00:00Z', '2024-11-30', '0.0.9', 'Demo SaaS Inc.', NULL, 97.5, 0, 3488, 5)",
            [],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO run_scores (run_id, table_name, field, score) VALUES (1, 'contacts', NULL, 97.0)",
            [],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO run_rules (run_id, code, name, table_name, field, severity, outcome, violations, checked, threshold)
             VALUES (1, 'DQ001', 'invalid-email', 'contacts', 'Email', 'fail', 'fail', 5, 293, 0.02)",
            [],
        )
        .unwrap();
        let ids = IdList::from_unsorted(vec![
            "100000460",
            "100000645",
            "100002347",
            "100002391",
            "100003948",
        ]);
        tx.execute(
            "INSERT INTO run_findings (run_id, table_name, field, code, rule, severity, count, record_ids)
             VALUES (1, 'contacts', 'Email', 'DQ001', 'invalid-email', 'fail', 5, ?1)",
            [ids.encode()],
        )
        .unwrap();
        tx.commit().unwrap();
        let version: i32 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, 1);
    }
    let r = audit_with(&fixture("demo"), &store, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.report();
    assert_eq!(report["history"]["run_id"], 2);
    assert_eq!(report["regression"]["compared_with"]["run_id"], 1);
    let dq001: Vec<_> = groups(&report["regression"]["changes"]["findings"])
        .into_iter()
        .filter(|g| g.0 == "DQ001")
        .collect();
    assert_eq!(
        dq001,
        [(
            "DQ001".into(),
            "contacts".into(),
            "Email".into(),
            vec!["100004370".to_string()],
            vec![]
        )]
    );
    let conn = rusqlite::Connection::open(&store).unwrap();
    let version: i32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::SCHEMA_VERSION);
    let view = history_json(&store, &[]);
    assert_eq!(view["runs"][0]["tool_version"], "0.0.9");
    assert_eq!(view["runs"][0]["as_of"], "2024-11-30");
    assert_eq!(
        view["trends"][0]["kpis"],
        serde_json::json!([]),
        "v1 kept no KPIs"
    );
    assert_eq!(view["trends"][1]["kpis"].as_array().unwrap().len(), 15);

    // A store from a newer crmaudit is refused, unchanged.
    let newer = dir.path().join("v9.db");
    std::fs::copy(&store, &newer).unwrap();
    {
        let conn = rusqlite::Connection::open(&newer).unwrap();
        conn.pragma_update(None, "user_version", 9).unwrap();
    }
    let before = bytes(&newer);
    let r = audit_with(&fixture("demo"), &newer, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("newer crmaudit") && r.stderr.contains("schema v9"),
        "{}",
        r.stderr
    );
    assert_eq!(bytes(&newer), before);
}

#[test]
fn alert_cmd_gets_the_alert_json_on_stdin_and_nothing_in_its_arguments() {
    let ws = demo_copy();
    let store = ws.path().join("h.db");
    assert_eq!(audit_with(ws.path(), &store, &[]).code, 1);
    edit(
        &ws.path().join("contacts.csv"),
        "michael.arnold@sparrowpartners.ca",
        "michael.arnold@",
    );
    let script = ws.path().join("post alert.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\n# argv as received, one per line, then stdin\nprintf '%s\\n' \"$@\" > \"$1.args\"\ncat > \"$1\"\necho 'posted' \n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let got = ws.path().join("got.json");
    let marker = ws.path().join("pwned");
    let cmd = format!(
        "'{}' '{}' '$(touch {})' ';' 'rm -rf /'",
        script.display(),
        got.display(),
        marker.display()
    );
    let output = crmaudit()
        .arg("audit")
        .arg(ws.path())
        .args(["--no-progress", "--format", "json", "--history"])
        .arg(&store)
        .args(["--alert-cmd", &cmd])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // stdout is still exactly the JSON report; the command's own output went to stderr.
    let report: Value = serde_json::from_slice(&output.stdout).expect("clean JSON on stdout");
    assert!(String::from_utf8_lossy(&output.stderr).contains("posted"));
    let alert: Value = serde_json::from_slice(&bytes(&got)).expect("alert JSON on stdin");
    assert_eq!(alert["alerts"], report["regression"]["alerts"]);
    assert_eq!(alert["alerts"][0]["kind"], "new_fail_findings");
    assert_eq!(alert["run_id"], 2);
    assert_eq!(alert["compared_with"]["run_id"], 1);
    assert_eq!(alert["workspace"], "Demo SaaS Inc.");
    assert_eq!(alert["as_of"], "2024-12-31");
    assert_eq!(alert["gate"], report["gate"]);
    // The arguments arrived literally: nothing expanded, nothing run by a shell.
    let args = std::fs::read_to_string(format!("{}.args", got.display())).unwrap();
    assert_eq!(
        args,
        format!(
            "{}\n$(touch {})\n;\nrm -rf /\n",
            got.display(),
            marker.display()
        )
    );
    assert!(!marker.exists());

    // No alert (same data as run 2): the command is not run. A failing command is reported
    // and changes nothing else.
    let r = audit_with(ws.path(), &store, &["--alert-cmd", "false"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.report()["regression"]["alerts"], serde_json::json!([]));
    assert!(
        !r.stderr.contains("--alert-cmd"),
        "not run without alerts: {}",
        r.stderr
    );
    edit(
        &ws.path().join("deals.csv"),
        ",100002447,4100.00,",
        ",100002447,-4100.00,",
    );
    let r = audit_with(ws.path(), &store, &["--alert-cmd", "false"]);
    assert_eq!(r.code, 1, "unchanged by the failing command");
    assert!(
        r.stderr.contains("--alert-cmd: `false` failed"),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.report()["history"]["run_id"],
        4,
        "the run was still recorded"
    );
}

#[test]
fn flags_are_checked_before_the_work() {
    let demo = fixture("demo");
    let (code, _, err) = run(&["audit", demo.to_str().unwrap(), "--fail-on-regression"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--fail-on-regression needs a run to compare with"),
        "{err}"
    );
    let (code, _, err) = run(&["audit", demo.to_str().unwrap(), "--alert-cmd", "x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--alert-cmd needs a run to compare with"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.db");
    let r = audit_with(&demo, &store, &["--alert-cmd", "say 'unbalanced"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unbalanced quote"), "{}", r.stderr);
    assert!(
        !store.exists(),
        "no store created by a run that did not happen"
    );

    // [alerts] errors point into crmaudit.toml.
    let ws = clean_workspace("[alerts]\nscore_drop = \"five\"\nkpis = [\"nps\"]\n");
    let r = audit_with(ws.path(), &store, &[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("crmaudit.toml:9:14"), "{}", r.stderr);
    let ws = clean_workspace("[alerts]\nkpis = [\"npss\"]\n");
    let r = audit_with(ws.path(), &store, &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no KPI has the id `npss`"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("crmaudit.toml:9:9"), "{}", r.stderr);

    // --since names a run of the store.
    assert_eq!(audit_with(&demo, &store, &[]).code, 1);
    assert_eq!(audit_with(&demo, &store, &[]).code, 1);
    let s = store.to_str().unwrap();
    let (code, _, err) = run(&["history", "--history", s, "--since", "7"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the store has no run 7") && err.contains("runs 1 to 2"),
        "{err}"
    );
    let (code, _, err) = run(&["history", "--history", s, "--since", "2"]);
    assert_eq!(code, 2);
    assert!(err.contains("is the latest run"), "{err}");
    let view = history_json(&store, &["--since", "1"]);
    assert_eq!(view["comparison"]["from_run"], 1);
}

#[test]
fn history_output_is_the_same_bytes_whatever_the_thread_count() {
    let ws = demo_copy();
    let store = ws.path().join("h.db");
    assert_eq!(audit_with(ws.path(), &store, &["--threads", "1"]).code, 1);
    let second = audit_with(ws.path(), &store, &["--threads", "2"]);
    // Same data on 1 and 2 threads: the same findings, keys and scores.
    let reg = &second.report()["regression"]["changes"];
    assert_eq!(reg["findings"]["new"], 0);
    assert_eq!(reg["findings"]["fixed"], 0);
    assert_eq!(reg["rules"], serde_json::json!([]));
    assert_eq!(reg["score"]["change"], 0.0);
    let s = store.to_str().unwrap();
    for format in ["json", "text", "markdown"] {
        let a = run(&["history", "--history", s, "--format", format]);
        let b = run(&["history", "--history", s, "--format", format]);
        assert_eq!(a.0, 0, "{}", a.2);
        assert_eq!(a.1, b.1, "{format} output differs between two reads");
    }
    // The store file itself is not changed by reading it.
    let before = bytes(&store);
    run(&["history", "--history", s]);
    assert_eq!(bytes(&store), before);
}

#[test]
fn baseline_mode_fails_only_on_problems_new_since_the_baseline() {
    let ws = demo_copy();
    let base = tempfile::tempdir().unwrap();
    let out = base.path().to_str().unwrap();
    let (code, _, _) = run(&[
        "audit",
        ws.path().to_str().unwrap(),
        "--no-progress",
        "-q",
        "--out",
        out,
    ]);
    assert_eq!(code, 1, "the demo's own gate fails");
    let baseline = base.path().join("report.json");
    let b = baseline.to_str().unwrap();

    // Same data: every gate reason is known, the run passes.
    let same = audit(ws.path(), &["--baseline", b]);
    assert_eq!(same.code, 0, "{}", same.stdout);
    let r = same.report();
    assert_eq!(r["gate"]["reasons"], serde_json::json!([]));
    assert_eq!(r["regression"]["compared_with"]["finding_keys"], true);
    assert_eq!(
        r["regression"]["known_problems"].as_array().unwrap().len(),
        8,
        "the demo's 8 failing rules (see its gate)"
    );

    // One new invalid e-mail: DQ001 has a finding the baseline did not; only it fails.
    edit(
        &ws.path().join("contacts.csv"),
        "michael.arnold@sparrowpartners.ca",
        "michael.arnold@",
    );
    let worse = audit(ws.path(), &["--baseline", b]);
    assert_eq!(worse.code, 1);
    let r = worse.report();
    let reasons: Vec<&str> = r["gate"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].starts_with("DQ001 invalid-email on contacts.Email: fail (7 of 293"),
        "{}",
        reasons[0]
    );
    assert_eq!(
        r["regression"]["known_problems"].as_array().unwrap().len(),
        7
    );

    // A score floor the baseline was under too: the score fell below the baseline's, by a
    // hundredth or less, and the reason says so with the decimals that show it.
    let floor = audit(ws.path(), &["--baseline", b, "--fail-under", "99"]);
    assert_eq!(floor.code, 1);
    let r = floor.report();
    let (now, before) = (
        r["score"].as_f64().unwrap(),
        same.report()["score"].as_f64().unwrap(),
    );
    assert!(now < before && before < 99.0, "{now} {before}");
    let reason = r["gate"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x.as_str())
        .find(|x| x.starts_with("score "))
        .unwrap_or_else(|| panic!("{}", r["gate"]))
        .to_string();
    let shown: Vec<&str> = reason
        .split(' ')
        .filter(|w| w.contains('.'))
        .map(|w| w.trim_end_matches('.'))
        .collect();
    assert_eq!(
        reason,
        format!(
            "score {} is under --fail-under 99 and below the baseline's {}",
            shown[0], shown[1]
        )
    );
    assert_ne!(shown[0], shown[1], "the drop is visible: {reason}");
    assert!(shown[0].parse::<f64>().unwrap() < shown[1].parse::<f64>().unwrap());

    // Fixing one of the known ones while adding that one: still fails on the new one only.
    // Without the worklist beside it, the baseline compares violation counts per rule.
    let alone = tempfile::tempdir().unwrap();
    let lone = alone.path().join("report.json");
    std::fs::copy(&baseline, &lone).unwrap();
    let counted = audit(ws.path(), &["--baseline", lone.to_str().unwrap()]);
    assert_eq!(counted.code, 1);
    let r = counted.report();
    assert_eq!(r["regression"]["compared_with"]["finding_keys"], false);
    assert!(
        r["regression"]["compared_with"]["note"]
            .as_str()
            .unwrap()
            .contains("no worklist.csv beside"),
    );
    assert_eq!(r["gate"]["reasons"].as_array().unwrap().len(), 1);
    assert_eq!(r["regression"]["changes"]["findings"]["new"], 1);

    // --fail-on-regression with a baseline: alerts against it become reasons too.
    let gated = audit(ws.path(), &["--baseline", b, "--fail-on-regression"]);
    let reasons = gated.report()["gate"]["reasons"].clone();
    assert!(
        reasons
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str().unwrap().starts_with(
                "regression: 1 new finding of fail-severity rules since the baseline"
            )),
        "{reasons}"
    );

    // A file that is not a report: exit 2 at its place.
    let junk = alone.path().join("junk.json");
    std::fs::write(&junk, "{\n  \"schema_version\": 1,\n  \"as_of\": 20\n}\n").unwrap();
    let r = audit(ws.path(), &["--baseline", junk.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("is not a crmaudit JSON report"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("junk.json:3:"), "{}", r.stderr);
    // Not UTF-8 (a report re-saved as windows-1252): at the first bad byte, not an OS error.
    let latin = alone.path().join("latin.json");
    std::fs::write(
        &latin,
        b"{\n  \"schema_version\": 1,\n  \"name\": \"D\xe9mo\"\n}\n",
    )
    .unwrap();
    let r = audit(ws.path(), &["--baseline", latin.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("latin.json:3:13") && r.stderr.contains("expected UTF-8 text"),
        "{}",
        r.stderr
    );
    // Another schema: at its schema_version.
    let newer = alone.path().join("newer.json");
    std::fs::write(
        &newer,
        "{\n  \"schema_version\": 2,\n  \"as_of\": \"2024-12-31\",\n  \"score\": 1,\n  \"tables\": [],\n  \"rules\": []\n}\n",
    )
    .unwrap();
    let r = audit(ws.path(), &["--baseline", newer.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("newer.json:2:21") && r.stderr.contains("schema_version 2"),
        "{}",
        r.stderr
    );
    // A worklist from another run beside the report: refused, not silently wrong.
    std::fs::write(
        alone.path().join("worklist.csv"),
        "table,record_id,row,field,value,code,rule,severity,message,suggestion,cluster_id\n",
    )
    .unwrap();
    let r = audit(ws.path(), &["--baseline", lone.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not from the same run"), "{}", r.stderr);
}

/// Re-run by the test below as a child process: appends a large run and dies before its
/// commit, as a killed audit would (no destructor, no rollback of its own).
fn append_and_abort(store: &Path) -> ! {
    use crmaudit::history::keys::FindingKeys;
    use crmaudit::history::store::{self, NewRun, Store};
    let args = <crmaudit::cli::Cli as clap::Parser>::parse_from([
        "crmaudit",
        "audit",
        fixture("demo").to_str().unwrap(),
        "--no-progress",
    ]);
    let crmaudit::cli::Command::Audit(args) = args.command else {
        unreachable!()
    };
    let plan = crmaudit::app::AuditPlan::from_args(&args).unwrap();
    let report = crmaudit::app::run_audit(&plan).unwrap();
    // 600,000 keys: megabytes of pages, more than SQLite's page cache holds, so pages reach
    // the store file itself before the commit.
    let ids: Vec<String> = (0..600_000u64)
        .map(|i| format!("{:09}", i * 7919 % 1_000_003))
        .collect();
    let mut keys = FindingKeys::from_findings(&report.findings);
    let (_, group) = keys.groups.iter_mut().next().unwrap();
    group.ids =
        crmaudit::history::keys::IdList::from_unsorted(ids.iter().map(String::as_str).collect());
    let mut s = Store::open_for_append(store).unwrap();
    let tx = s.begin_append().unwrap();
    tx.insert(&NewRun {
        report: &report,
        recorded_at: "2024-12-31T00:00:00Z".into(),
        workspace: None,
        config: None,
        inputs: Vec::new(),
        keys: store::encode_keys(&keys),
        alerts: &[],
        compared_with: String::new(),
    })
    .unwrap();
    std::process::abort();
}

#[test]
fn an_interrupted_run_leaves_the_store_as_it_was() {
    if let Some(store) = std::env::var_os("CRMAUDIT_TEST_ABORT_STORE") {
        append_and_abort(Path::new(&store));
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h.db");
    assert_eq!(audit_with(&fixture("demo"), &store, &[]).code, 1);
    let before = bytes(&store);
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "an_interrupted_run_leaves_the_store_as_it_was",
            "--nocapture",
        ])
        .env("CRMAUDIT_TEST_ABORT_STORE", &store)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(6),
            "the child aborted (SIGABRT) before its commit: {status}"
        );
    }
    assert!(!status.success());
    // It got as far as writing: a hot journal beside a store it had changed.
    assert_eq!(side_files(&store).len(), 1, "{:?}", side_files(&store));
    assert_ne!(
        bytes(&store),
        before,
        "pages of the unfinished run reached the file"
    );
    // The next use plays the journal back: one run, the file as it was.
    let view = history_json(&store, &[]);
    assert_eq!(view["runs_total"], 1);
    assert_eq!(
        bytes(&store),
        before,
        "byte for byte as before the interrupted run"
    );
    assert_eq!(side_files(&store), Vec::<PathBuf>::new());
    let next = audit_with(&fixture("demo"), &store, &[]);
    assert_eq!(next.report()["history"]["run_id"], 2);
}

/// `crmaudit history` in a terminal: with runs far apart, dozens of records become stale at
/// once and their ids once made rows of 150 to 185 characters. Every line fits 80 columns, the
/// ids wrap under their rule, and the score change is the change of the scores as shown.
#[test]
fn history_text_fits_80_columns_with_many_changed_records() {
    let ws = demo_copy();
    let store = ws.path().join("audits.db");
    let store_arg = store.to_str().unwrap();
    for as_of in ["2024-12-31", "2025-01-31", "2025-03-31"] {
        let (code, _, stderr) = run(&[
            "audit",
            ws.path().to_str().unwrap(),
            "--history",
            store_arg,
            "--as-of",
            as_of,
            "--no-progress",
            "-q",
        ]);
        assert!(code <= 1, "{stderr}");
    }
    let (code, stdout, stderr) = run(&["history", "--history", store_arg]);
    assert_eq!(code, 0, "{stderr}");
    for line in stdout.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    assert!(stdout.contains("and 23 more"), "{stdout}");
    // Every row of ids continues on indented lines, never past the width.
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("      100000") && l.contains(", ")),
        "{stdout}"
    );
}

/// A baseline made from the same data passes, whatever the ids and table names hold: the
/// worklist beside report.json writes `=9` as `'=9` for spreadsheets, and the baseline used to
/// read the `'` back as part of the id, so every finding on such a record was new (and failed
/// the gate) and its old key fixed. Both worklist modes, and a value that starts with `'`.
#[test]
fn baseline_of_the_same_data_passes_when_ids_start_like_formulas() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(
        ws.path().join("crmaudit.toml"),
        "[workspace]\nas_of = \"2024-12-31\"\n\n[tables.\"=cmd|x\"]\npath = \"contacts.csv\"\nkind = \"contacts\"\n",
    )
    .unwrap();
    std::fs::write(
        ws.path().join("contacts.csv"),
        "id,first_name,last_name,email\n\
         =9,Ann,Lee,ann@example\n\
         =9,Ann,Lee,ann@example\n\
         +1,Bob,Marsh,bob@@example.com\n\
         '=5,Cara,Nunez,cara@example\n\
         @x,Dan,Oakes,dan@example.com\n",
    )
    .unwrap();
    for extra in [&[][..], &["--raw-csv"][..]] {
        let base = tempfile::tempdir().unwrap();
        let mut args = vec![
            "audit",
            ws.path().to_str().unwrap(),
            "--no-progress",
            "-q",
            "--out",
            base.path().to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, _, stderr) = run(&args);
        assert_eq!(code, 1, "the data fails its own gate: {stderr}");
        let worklist = std::fs::read_to_string(base.path().join("worklist.csv")).unwrap();
        if extra.is_empty() {
            assert!(worklist.contains("'=cmd|x,'=9,"), "{worklist}");
            assert!(worklist.contains(",''=5,"), "{worklist}");
        }
        let baseline = base.path().join("report.json");
        let same = audit(ws.path(), &["--baseline", baseline.to_str().unwrap()]);
        let r = same.report();
        let f = &r["regression"]["changes"]["findings"];
        assert_eq!(
            (f["new"].as_u64(), f["fixed"].as_u64()),
            (Some(0), Some(0)),
            "{extra:?}: {}",
            r["regression"]
        );
        assert_eq!(same.code, 0, "{extra:?}: {}", r["gate"]);
    }
}

/// The same records exported in another order are the same data: no new and no fixed
/// findings. Duplicates used to keep the first record in the file and report the later ones,
/// so reversing an export swapped which copies were reported (6 new, 6 fixed on the demo) and
/// could fail `--fail-on-regression` with nothing changed.
#[test]
fn reordered_export_gives_no_new_and_no_fixed_findings() {
    let ws = demo_copy();
    let store = ws.path().join("history.db");
    let first = audit_with(ws.path(), &store, &[]);
    assert_eq!(first.code, 1, "the demo fails its own gate");
    let mut reversed = 0;
    for entry in std::fs::read_dir(ws.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut lines: Vec<&str> = text.lines().collect();
            lines[1..].reverse();
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
            reversed += 1;
        }
    }
    assert!(reversed >= 10, "{reversed} tables");
    let second = audit_with(ws.path(), &store, &["--fail-on-regression"]);
    let r = second.report();
    let f = &r["regression"]["changes"]["findings"];
    assert_eq!(
        (f["new"].as_u64(), f["fixed"].as_u64()),
        (Some(0), Some(0)),
        "{:#}",
        f["groups"]
    );
    assert!(
        r["gate"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| !x.as_str().unwrap().starts_with("regression")),
        "{}",
        r["gate"]
    );
    // Same findings, same counts: only the lines moved. Same KPIs and intervals too: the
    // bootstrap (CLV, sales growth) drew its units in the file's order.
    let before = first.report();
    assert_eq!(r["summary"]["findings"], before["summary"]["findings"]);
    let kpis = |report: &Value| -> Vec<(String, Value, Value)> {
        report["kpis"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| (k["id"].to_string(), k["value"].clone(), k["ci"].clone()))
            .collect()
    };
    assert_eq!(kpis(&r), kpis(&before));
    assert_eq!(r["score"], before["score"]);
}

/// The documented decision: an empty (0-byte) file is a new store, as SQLite takes it, so
/// `touch store.db` before the first run works; a file with any byte that is not a store is
/// refused (the tests above).
#[test]
fn an_empty_file_becomes_a_new_store() {
    let ws = demo_copy();
    let store = ws.path().join("empty.db");
    std::fs::write(&store, b"").unwrap();
    let first = audit_with(ws.path(), &store, &[]);
    assert_eq!(first.code, 1, "the demo's gate");
    let view = history_json(&store, &[]);
    assert_eq!(view["runs"].as_array().map(Vec::len), Some(1), "{view}");
}
