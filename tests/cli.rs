//! The command line as users and CI scripts rely on it: exit codes, diagnostics, determinism.

mod common;

use common::{audit, fixture, run};

fn invalid(name: &str) -> String {
    fixture(&format!("invalid/{name}"))
        .to_str()
        .unwrap()
        .to_string()
}

/// stderr with miette's wrapped message lines joined: where it wraps depends on the length of
/// the checkout's path.
fn unwrapped(stderr: &str) -> String {
    stderr
        .split_whitespace()
        .filter(|w| *w != "|")
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `audit --config FILE` and returns stderr, asserting exit 2.
fn config_error(name: &str) -> String {
    let (code, stdout, stderr) = run(&["audit", "--no-progress", "--config", &invalid(name)]);
    assert_eq!(code, 2, "{name}: stdout {stdout}\nstderr {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
    stderr
}

#[test]
fn malformed_config_points_at_file_line_and_column_with_expected_keys() {
    let stderr = config_error("unknown-key.toml");
    assert!(stderr.contains("unknown-key.toml:7:1"), "{stderr}");
    assert!(stderr.contains("unknown field `delimeter`"), "{stderr}");
    assert!(
        stderr.contains("`delimiter`"),
        "expected keys listed: {stderr}"
    );

    let stderr = config_error("bad-kind.toml");
    assert!(stderr.contains("bad-kind.toml:3:8"), "{stderr}");
    assert!(stderr.contains("expected one of `contacts`"), "{stderr}");

    let stderr = config_error("syntax.toml");
    assert!(stderr.contains("syntax.toml:1:"), "{stderr}");

    let stderr = config_error("bad-as-of.toml");
    assert!(
        stderr.contains("bad-as-of.toml:2:9") && stderr.contains("YYYY-MM-DD"),
        "{stderr}"
    );
}

#[test]
fn mapping_to_a_missing_column_is_an_error_naming_the_headers() {
    let stderr = config_error("missing-column.toml");
    assert!(stderr.contains("missing-column.toml:6:12"), "{stderr}");
    assert!(
        stderr.contains("`E-Mail`") && stderr.contains("its headers are: x, y"),
        "{stderr}"
    );
}

#[test]
fn missing_input_file_points_at_its_path_in_the_config() {
    let stderr = config_error("missing-file.toml");
    assert!(
        stderr.contains("missing-file.toml:2:8") && unwrapped(&stderr).contains("file not found"),
        "{stderr}"
    );
}

#[test]
fn invalid_regex_and_unknown_field_in_a_user_pack_are_errors_at_their_place() {
    let stderr = config_error("bad-regex.toml");
    assert!(
        stderr.contains("bad-regex-pack.toml:7:11") && stderr.contains("unclosed group"),
        "{stderr}"
    );
    let stderr = config_error("unknown-field.toml");
    assert!(
        stderr.contains("unknown-field-pack.toml:6:9") && stderr.contains("`email_address`"),
        "{stderr}"
    );
}

#[test]
fn paths_that_cannot_be_audited_exit_2_with_a_clear_message() {
    let (code, _, stderr) = run(&["audit", "/no/such/path"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("does not exist"), "{stderr}");

    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["audit", empty.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("has no crmaudit.toml") && stderr.contains("crmaudit init"),
        "{stderr}"
    );

    let (code, _, stderr) = run(&["audit", "--format", "yaml", "."]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(&[
        "audit",
        "--as-of",
        "yesterday",
        &fixture("demo").display().to_string(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--as-of"), "{stderr}");
}

#[test]
fn exit_codes_follow_the_gate() {
    // Case 02 has invalid emails: 4 of 10, over the 2% tolerance of DQ001 (fail).
    let emails = fixture("cases/02-email-validity/contacts.csv");
    assert_eq!(audit(&emails, &["--as-of", "2024-12-31"]).code, 1);
    // Case 06 is clean: passes, and a score floor above its score fails it.
    let clean = fixture("cases/06-bom-quoted-header/contacts.csv");
    let run = audit(&clean, &["--as-of", "2024-12-31"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.report()["gate"]["passed"], true);
    // Case 03 has only warnings: exit 0, unless --fail-on warn.
    let phones = fixture("cases/03-phone-validity/contacts.csv");
    let warn_only = audit(&phones, &["--as-of", "2024-12-31"]);
    assert_eq!(warn_only.code, 0, "{}", warn_only.stdout);
    let strict = audit(&phones, &["--as-of", "2024-12-31", "--fail-on", "warn"]);
    assert_eq!(strict.code, 1);
    let reasons = strict.report()["gate"]["reasons"].to_string();
    assert!(
        reasons.contains("DQ002") || reasons.contains("DQ020"),
        "{reasons}"
    );
    // A score floor: the score is printed with the reason.
    let floor = audit(&phones, &["--as-of", "2024-12-31", "--fail-under", "99.9"]);
    assert_eq!(floor.code, 1);
    assert!(
        floor.report()["gate"]["reasons"]
            .to_string()
            .contains("--fail-under 99.9")
    );
    let (code, _, _) = common::run(&["audit", phones.to_str().unwrap(), "--fail-under", "120"]);
    assert_eq!(code, 2);
}

#[test]
fn demo_json_report_has_every_contract_key_and_schema_version_1() {
    let (code, stdout, stderr) = run(&[
        "audit",
        fixture("demo").to_str().unwrap(),
        "--format",
        "json",
        "--no-progress",
    ]);
    assert!(code == 0 || code == 1, "{stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&stdout).expect("stdout is the JSON report");
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["as_of"], "2024-12-31", "the config's as_of applies");
    for key in [
        "tool",
        "inputs",
        "score",
        "gate",
        "tables",
        "rules",
        "duplicates",
        "kpis",
    ] {
        assert!(report.get(key).is_some(), "missing {key}");
    }
    for input in report["inputs"].as_array().unwrap() {
        for key in [
            "table",
            "kind",
            "path",
            "rows",
            "encoding",
            "delimiter",
            "preset",
            "unmapped_columns",
        ] {
            assert!(input.get(key).is_some(), "input lacks {key}");
        }
    }
    for rule in report["rules"].as_array().unwrap() {
        for key in [
            "code",
            "name",
            "table",
            "field",
            "severity",
            "outcome",
            "violations",
            "checked",
            "threshold",
            "sample",
        ] {
            assert!(rule.get(key).is_some(), "rule lacks {key}");
        }
        assert!(
            rule["violations"].as_u64() <= rule["checked"].as_u64().max(Some(0)).or(Some(u64::MAX))
        );
    }
    for table in report["tables"].as_array().unwrap() {
        for field in table["fields"].as_array().unwrap() {
            for dim in [
                "completeness",
                "validity",
                "uniqueness",
                "timeliness",
                "consistency",
            ] {
                let v = &field[dim];
                assert!(
                    v.is_null() || (0.0..=1.0).contains(&v.as_f64().unwrap()),
                    "{dim} {v}"
                );
            }
        }
    }
}

/// Strips the timings, the only part allowed to differ between identical runs.
fn without_timings(json: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
    value.as_object_mut().unwrap().remove("timings");
    value
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let demo = fixture("demo");
    let one = audit(&demo, &["--threads", "1"]);
    let two = audit(&demo, &["--threads", "2"]);
    let four = audit(&demo, &["--threads", "4"]);
    let read =
        |run: &common::Run, name: &str| std::fs::read_to_string(run.out.path().join(name)).unwrap();
    for name in ["worklist.csv", "duplicates.csv"] {
        assert_eq!(read(&one, name), read(&two, name), "{name}");
        assert_eq!(read(&one, name), read(&four, name), "{name}");
    }
    assert_eq!(
        without_timings(&read(&one, "report.json")),
        without_timings(&read(&two, "report.json"))
    );
    assert_eq!(
        without_timings(&read(&one, "report.json")),
        without_timings(&read(&four, "report.json"))
    );
    // The summary names the (temporary) output folder; everything else is identical.
    let strip = |run: &common::Run| run.stdout.replace(run.out.path().to_str().unwrap(), "OUT");
    assert_eq!(strip(&one), strip(&four));
}

#[test]
fn out_dir_holds_complete_files_and_no_temporaries() {
    let run = audit(&fixture("demo"), &[]);
    let mut names: Vec<String> = std::fs::read_dir(run.out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "duplicates.csv",
            "report.html",
            "report.json",
            "worklist.csv"
        ]
    );
    let worklist = run.worklist();
    assert_eq!(
        worklist.len() as u64,
        run.report()["summary"]["findings"].as_u64().unwrap()
    );
    // Sorted by table, row, field, code.
    let keys: Vec<(String, u64, String, String)> = worklist
        .iter()
        .map(|r| {
            (
                r["table"].clone(),
                r["row"].parse().unwrap(),
                r["field"].clone(),
                r["code"].clone(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn quiet_prints_the_verdict_only() {
    let (code, stdout, _) = run(&["audit", fixture("demo").to_str().unwrap(), "--quiet"]);
    assert_eq!(code, 1);
    assert!(stdout.starts_with("Gate FAILED"), "{stdout}");
    assert!(!stdout.contains("Rules:"));
}

#[test]
fn text_summary_fits_80_columns_and_has_no_colour_without_a_terminal() {
    let (_, stdout, _) = run(&["audit", fixture("demo").to_str().unwrap()]);
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
        assert!(!line.contains('\u{1b}'), "colour escape in {line:?}");
    }
    // NO_COLOR (set by every test run) wins even over --color always...
    let (_, no_color, _) = run(&[
        "audit",
        fixture("demo").to_str().unwrap(),
        "--color",
        "always",
    ]);
    assert!(!no_color.contains('\u{1b}'));
    // ...which colours when NO_COLOR is not set.
    let coloured = common::crmaudit()
        .env_remove("NO_COLOR")
        .args([
            "audit",
            fixture("demo").to_str().unwrap(),
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains('\u{1b}'));
}

#[test]
fn rules_list_explain_and_check() {
    let (code, stdout, _) = run(&["rules", "list"]);
    assert_eq!(code, 0);
    for code in [
        "DQ001", "DQ020", "DQ101", "DQ201", "DQ301", "DQ401", "DQ402",
    ] {
        assert!(stdout.contains(code), "{code} not listed");
    }
    let (code, stdout, _) = run(&["rules", "explain", "dq201"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("## Why it matters for KPIs") && stdout.contains("surplus"));
    let (code, _, stderr) = run(&["rules", "explain", "DQ999"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("DQ999"));
    // User rules are explained from the workspace's packs.
    let config = fixture("demo/crmaudit.toml");
    let (code, stdout, _) = run(&[
        "rules",
        "explain",
        "X001",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("user rule"));

    let (code, stdout, _) = run(&[
        "rules",
        "check",
        fixture("salesforce/rules.toml").to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("4 rules, all valid"), "{stdout}");
    let (code, _, stderr) = run(&["rules", "check", &invalid("bad-regex-pack.toml")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad-regex-pack.toml:7:11"), "{stderr}");
}

#[test]
fn init_writes_a_config_that_audits_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("cases/10-email-case-duplicates/contacts.csv"),
        dir.path().join("contacts.csv"),
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = run(&["init", path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("contacts"), "{stdout}");
    let config = std::fs::read_to_string(dir.path().join("crmaudit.toml")).unwrap();
    assert!(config.contains("kind = \"contacts\""), "{config}");
    let audit_run = audit(dir.path(), &["--as-of", "2024-12-31"]);
    assert_ne!(audit_run.code, 2, "{}", audit_run.stderr);
    assert_eq!(audit_run.rule("DQ201", "email")["violations"], 2);

    let (code, _, stderr) = run(&["init", path]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    let (code, _, _) = run(&["init", path, "--force"]);
    assert_eq!(code, 0);
}

/// A typo in crmaudit.toml must stop the run (exit 2) at its place: accepted silently, it would
/// switch a check off while the CI gate stays green.
#[test]
fn config_typos_are_errors_at_their_place() {
    let stderr = config_error("unknown-canonical.toml");
    assert!(
        stderr.contains("unknown-canonical.toml:6:7")
            && stderr.contains("`emial` is not a canonical field")
            && stderr.contains("did you mean `email`?"),
        "{stderr}"
    );
    let stderr = config_error("bad-tolerance.toml");
    assert!(
        stderr.contains("bad-tolerance.toml:6:13")
            && stderr.contains("tolerance 2 is not a share between 0 and 1"),
        "{stderr}"
    );
    let stderr = config_error("unknown-rule-code.toml");
    assert!(
        stderr.contains("unknown-rule-code.toml:5:8")
            && stderr.contains("[rules.dq001] tunes no rule of this run")
            && stderr.contains("did you mean `DQ001`?"),
        "{stderr}"
    );
    let stderr = config_error("after-days-misplaced.toml");
    assert!(
        stderr.contains("after-days-misplaced.toml:6:14")
            && stderr.contains("after_days does not apply to DQ001"),
        "{stderr}"
    );
    let stderr = config_error("no-such-kind-table.toml");
    assert!(
        stderr.contains("deals-pack.toml:5:9")
            && stderr.contains("rule X001 names table `deals`")
            && stderr.contains("contacts (kind contacts)"),
        "{stderr}"
    );
    // At the second rule's `code`, not at its `[[rule]]` header.
    let stderr = config_error("code-reused.toml");
    assert!(
        stderr.contains("code-reused-b.toml:2:8")
            && stderr.contains("code X001 is used by two different rules"),
        "{stderr}"
    );
}

/// A config or rule pack saved as windows-1252 (`Démo` with a lone 0xE9 byte) is a diagnostic at
/// the first byte that is not UTF-8, not an OS error without a place.
#[test]
fn config_and_rule_packs_that_are_not_utf8_point_at_the_first_invalid_byte() {
    let stderr = unwrapped(&config_error("not-utf8.toml"));
    assert!(
        stderr.contains("not-utf8.toml:2:10")
            && stderr.contains("byte 0xE9 at line 2, column 10")
            && stderr.contains("expected UTF-8 text")
            && stderr.contains("crmaudit::config")
            && !stderr.contains("stream did not contain valid UTF-8"),
        "{stderr}"
    );
    // The same pack read by an audit and by `rules check`.
    let stderr = unwrapped(&config_error("not-utf8-pack-ws.toml"));
    assert!(
        stderr.contains("not-utf8-pack.toml:8:21") && stderr.contains("byte 0xFC"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["rules", "check", &invalid("not-utf8-pack.toml")]);
    assert_eq!(code, 2, "{stderr}");
    let stderr = unwrapped(&stderr);
    assert!(
        stderr.contains("not-utf8-pack.toml:8:21") && stderr.contains("expected UTF-8 text"),
        "{stderr}"
    );
}

/// Errors about a rule's options point at the option's value, not at the rule's `[[rule]]`
/// header (which for the first rule of a pack is 1:1).
#[test]
fn rule_option_errors_point_at_the_offending_value() {
    let stderr = config_error("range-min-over-max.toml");
    assert!(
        stderr.contains("range-min-over-max-pack.toml:8:7")
            && stderr.contains("min 10 is greater than max 5"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["rules", "check", &invalid("range-min-over-max-pack.toml")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("range-min-over-max-pack.toml:8:7"),
        "{stderr}"
    );
    let stderr = unwrapped(&config_error("reference-no-table.toml"));
    assert!(
        stderr.contains("reference-no-table-pack.toml:8:6")
            && stderr.contains("refers to table `accounts`")
            && stderr.contains("contacts (kind contacts)"),
        "{stderr}"
    );
    let stderr = unwrapped(&config_error("reference-no-field.toml"));
    assert!(
        stderr.contains("reference-no-field-pack.toml:8:6")
            && stderr.contains("refers to field `account` of table `contacts`")
            && stderr.contains("its headers are: x, y"),
        "{stderr}"
    );
}

#[test]
fn as_of_may_be_a_bare_toml_date() {
    let (code, stdout, stderr) = run(&[
        "audit",
        "--no-progress",
        "--format",
        "json",
        "--config",
        &invalid("bare-date.toml"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["as_of"], "2024-12-31");
}

#[test]
fn command_line_values_are_checked_before_the_work() {
    let demo = fixture("demo");
    let demo = demo.to_str().unwrap();
    let (code, _, stderr) = run(&["audit", demo, "--threads", "0"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--threads"), "{stderr}");
    // A negative score reaches the range check instead of looking like a flag.
    let (code, _, stderr) = run(&["audit", demo, "--fail-under", "-5"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--fail-under -5 is not a score between 0 and 100"),
        "{stderr}"
    );
    // --out naming a file: one clear message, said once.
    let file = tempfile::NamedTempFile::new().unwrap();
    let (code, _, stderr) = run(&["audit", demo, "--out", file.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is a file, not a folder"), "{stderr}");
    assert_eq!(stderr.matches("not a folder").count(), 1, "{stderr}");
}

#[cfg(unix)]
#[test]
fn written_reports_are_readable_by_the_team() {
    use std::os::unix::fs::PermissionsExt;
    let run = audit(&fixture("demo"), &[]);
    for name in ["report.json", "worklist.csv", "duplicates.csv"] {
        let mode = std::fs::metadata(run.out.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "{name}: {mode:o}");
    }
}

#[test]
fn rules_list_fits_80_columns_and_survives_a_closed_pipe() {
    let (code, stdout, _) = run(&["rules", "list"]);
    assert_eq!(code, 0);
    for line in stdout.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    assert!(stdout.contains("default: fail, 2% on email in contacts, leads, other"));
    assert!(stdout.contains("DQ006  value-not-allowed"));
    // `rules list | head -1`: the reader closing the pipe is not an error.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_crmaudit"))
        .args(["rules", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn rules_explain_takes_a_workspace_folder_and_lists_default_use() {
    let case07 = fixture("cases/07-crlf-with-embedded-lf");
    let (code, stdout, stderr) = run(&[
        "rules",
        "explain",
        "X001",
        "--config",
        case07.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("X001 show-every-record"), "{stdout}");
    let (code, stdout, _) = run(&["rules", "explain", "DQ201"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("## Default use\n- every table: id (fail)"),
        "{stdout}"
    );
    // Entity matching is declared for every table but runs where matching is configured: the
    // kinds with defaults in rules/dedupe/, with the fields those compare.
    let (code, stdout, _) = run(&["rules", "explain", "DQ202"]);
    assert_eq!(code, 0);
    let default_use = stdout.split("## Default use\n").nth(1).unwrap_or("");
    let scopes: Vec<&str> = default_use
        .lines()
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        scopes,
        [
            "- companies",
            "- contacts",
            "- leads",
            "- other tables with [tables.NAME.dedupe]"
        ],
        "{stdout}"
    );
    assert!(
        default_use.contains("- contacts: birthdate, city, company, email, first_name"),
        "{stdout}"
    );
    assert!(!stdout.contains("every table"), "{stdout}");
}

#[test]
fn a_known_file_name_decides_the_kind_of_a_single_csv() {
    // Few recognisable headers, but `deals.csv` says what it holds: deal rules run on it.
    let dir = tempfile::tempdir().unwrap();
    let deals = dir.path().join("deals.csv");
    std::fs::write(&deals, "Company;Amount;Notes\nAcme;-7;x\nGlobex;abc;y\n").unwrap();
    let run = audit(&deals, &["--as-of", "2024-12-31"]);
    let report = run.report();
    assert_eq!(report["inputs"][0]["kind"], "deals");
    assert_eq!(run.ids("DQ008").len(), 2, "{}", run.stdout);
    // Headers every preset knows do not make a file a Salesforce export.
    let plain = dir.path().join("people.csv");
    std::fs::write(&plain, "id,email\n1,a@x.com\n").unwrap();
    let report = audit(&plain, &[]).report();
    assert_eq!(report["inputs"][0]["preset"], "generic");
}

#[test]
fn init_skips_a_file_it_cannot_read_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("contacts.csv"), "id,email\n1,a@x.com\n").unwrap();
    std::fs::write(dir.path().join("empty.csv"), "").unwrap();
    let (code, stdout, stderr) = run(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("skipped empty.csv"), "{stdout}");
    let toml = std::fs::read_to_string(dir.path().join("crmaudit.toml")).unwrap();
    assert!(toml.contains("# skipped empty.csv: "), "{toml}");
    assert!(!toml.contains("path = \"empty.csv\""));
    // The written config audits the readable file.
    let (code, _, stderr) = run(&["audit", dir.path().to_str().unwrap(), "--no-progress", "-q"]);
    assert!(code == 0 || code == 1, "{stderr}");
}

/// Header names reach the config `init` writes only inside comments. A header holding a newline
/// once ended its comment and wrote `[rules.DQ001] enabled = false` into the config, switching
/// the e-mail check off with the gate green; control characters made the next audit refuse the
/// config. Both files of the fixture must still fail DQ001 after `init`.
#[test]
fn init_keeps_header_names_from_writing_config_keys() {
    let dir = tempfile::tempdir().unwrap();
    for file in ["contacts.csv", "leads.csv"] {
        std::fs::copy(
            fixture(&format!("init-injection/{file}")),
            dir.path().join(file),
        )
        .unwrap();
    }
    let (code, stdout, stderr) = run(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    let toml = std::fs::read_to_string(dir.path().join("crmaudit.toml")).unwrap();
    assert!(
        !toml.lines().any(|l| l.trim_start().starts_with("[rules")),
        "{toml}"
    );
    assert!(
        toml.contains(r"note\n[rules.DQ001]\nenabled = false"),
        "{toml}"
    );
    assert!(toml.contains(r"na\u{1}me\u{1b}[31m"), "{toml}");
    // A right-to-left override would make the comment display other than it reads.
    assert!(
        toml.contains(r"x\u{202e}y") && !toml.contains('\u{202e}'),
        "{toml}"
    );
    let run = audit(dir.path(), &["--as-of", "2024-12-31"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for table in ["contacts", "leads"] {
        let rule = run.report()["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == "DQ001" && r["table"] == table)
            .cloned()
            .unwrap_or_else(|| panic!("DQ001 ran on {table}"));
        assert_eq!(rule["outcome"], "fail", "{rule}");
    }
}

/// Counts agree with their nouns in what a person reads: the terminal summary, `dedupe` and
/// `init` on one table of two records that are one person (a 1 that reads `1 tables`,
/// `1 clusters` or `cluster(s)` is a bug), and the KPI block is a section of its own.
#[test]
fn counts_in_terminal_output_agree_with_their_nouns() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("contacts.csv"),
        "id,first_name,last_name,email,phone,company\n\
         1,Robert,Smith,robert.smith@summitpayments.com,+1 617-542-8923,Summit Payments LLC\n\
         2,Bob,Smith,bob.smith@summitpayments.com,6175428923,Summit Payments\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let (code, stdout, stderr) = run(&["init", path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("crmaudit.toml with 1 table:"), "{stdout}");

    let (code, stdout, stderr) = run(&[
        "audit",
        path,
        "--no-progress",
        "--as-of",
        "2024-12-31",
        "--default-region",
        "US",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let flat = unwrapped(&stdout);
    for said in [
        "· 1 table, 2 records",
        // One rule runs once per table and field: those are outcomes.
        "Rules: 33 rule outcomes · ",
        "1 cluster of probable duplicates, 2 records involved, 1 surplus record",
        "1 candidate pair compared",
        "1 value written several ways",
        "(fuzzy, record-level): 1 cluster, 2 records involved, 1 surplus",
        "Worklist: 2 findings on 1 record;",
    ] {
        assert!(flat.contains(said), "{said} not in\n{stdout}");
    }
    assert!(stdout.contains("1 surplus\n\nKPIs ("), "{stdout}");
    for wrong in [
        "(s)",
        "1 tables",
        "1 clusters",
        "1 records",
        "1 values",
        "1 findings",
    ] {
        assert!(!flat.contains(wrong), "{wrong} in\n{stdout}");
    }

    let file = dir.path().join("contacts.csv");
    let (code, stdout, stderr) = run(&["dedupe", file.to_str().unwrap(), "--default-region", "US"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("  1 cluster, 2 records in clusters, 1 surplus\n  1 candidate pair ("),
        "{stdout}"
    );
    assert!(!stdout.contains("(s)"), "{stdout}");

    // Markdown says `1 table, 2 records` too.
    let (_, markdown, _) = run(&[
        "audit",
        path,
        "--no-progress",
        "--format",
        "markdown",
        "--default-region",
        "US",
    ]);
    assert!(markdown.contains(" · 1 table, 2 records · "), "{markdown}");

    // A file with no candidate pair says so without an empty `()`.
    let lone = dir.path().join("lone.csv");
    std::fs::write(
        &lone,
        "id,first_name,last_name,email\n1,Ann,Lee,ann@x.com\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(&["dedupe", lone.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("  0 candidate pairs, 0 matched"),
        "{stdout}"
    );
    assert!(!stdout.contains("()"), "{stdout}");
}

/// A verdict never shows a score that meets the `--fail-under` it failed (97.998 printed as
/// `98.0` beside "FAILED" and "under --fail-under 98"). (Shares against tolerances: the unit
/// test of `view::share_and_tolerance`.)
#[test]
fn a_failed_threshold_never_reads_as_met() {
    let demo = fixture("demo");
    let demo = demo.to_str().unwrap();
    let (_, json, _) = run(&["audit", demo, "--no-progress", "--format", "json"]);
    let score = serde_json::from_str::<serde_json::Value>(&json).unwrap()["score"]
        .as_f64()
        .unwrap();
    let min = format!("{:.1}", score);
    assert!(
        min.parse::<f64>().unwrap() > score,
        "the demo's score rounds up: {score}"
    );
    for format in ["text", "markdown"] {
        let (code, out, _) = run(&[
            "audit",
            demo,
            "--no-progress",
            "--fail-under",
            &min,
            "--format",
            format,
        ]);
        assert_eq!(code, 1);
        let verdict = if format == "text" {
            "Gate FAILED · score "
        } else {
            "**Gate FAILED** · score **"
        };
        let shown: f64 = out
            .split(verdict)
            .nth(1)
            .unwrap_or_else(|| panic!("{format}: no verdict: {out:.300}"))
            .split(['/', '*'])
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|e| panic!("{format}: {e}: {out:.300}"));
        assert!(
            shown < min.parse::<f64>().unwrap(),
            "{format}: {shown} vs {min}"
        );
    }
}

/// One code, one name, two rules: `required`/fail on email and `regex`/warn on Name both ran as
/// X001 (`rules check` said "2 rules, all valid"), so the worklist mixed them. A second entry
/// under a code must be the same rule: same name, check and severity.
#[test]
fn a_code_with_one_name_for_two_different_rules_is_an_error() {
    let (code, _, stderr) = run(&["rules", "check", &invalid("code-two-rules-same-name.toml")]);
    assert_eq!(code, 2, "{stderr}");
    let stderr = unwrapped(&stderr);
    assert!(
        stderr.contains("code-two-rules-same-name.toml:10:8")
            && stderr.contains(
                "code X001 is used by two different rules (`r-one` checks `required` in one and `regex` in the other)"
            ),
        "{stderr}"
    );
}

/// A diagnostic nobody can read does not change the exit code: stderr closed early
/// (`2>&1 | head -1`) or full (`2>/dev/full`) used to abort the process (exit 134) because
/// `eprintln!` panicked and the panic hook printed again. And `| head` on an informational
/// command is the reader's choice: exit 0, no complaint.
#[test]
fn unwritable_stderr_or_closed_stdout_never_aborts() {
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_crmaudit");
    let bad = invalid("unknown-key.toml");
    let cases: [&[&str]; 2] = [
        &["audit", "--no-progress", "--config", &bad],
        &["audit", "--no-progress", "/nonexistent/contacts.csv"],
    ];
    for args in cases {
        // stderr a pipe whose reader is gone.
        let mut child = Command::new(bin)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(
            status.code(),
            Some(2),
            "{args:?} with stderr closed: {status:?}"
        );
        // stderr a full device.
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let status = Command::new(bin)
            .args(args)
            .stdout(Stdio::null())
            .stderr(full)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2), "{args:?} 2>/dev/full: {status:?}");
    }
    // stdout closed by the reader: the informational commands end quietly with 0.
    for args in [&["rules", "explain", "DQ202"][..], &["rules", "list"][..]] {
        let mut child = Command::new(bin)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `--config` given a folder says so (it said "does not exist" of a folder that does).
#[test]
fn config_given_a_folder_says_what_to_pass() {
    let demo = fixture("demo");
    let (code, _, stderr) = run(&["audit", "--no-progress", "--config", demo.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    let stderr = unwrapped(&stderr);
    assert!(
        stderr.contains("is a folder: pass its crmaudit.toml, or the folder as PATH"),
        "{stderr}"
    );
}

/// A user pack's unknown check lists the seven kinds a user pack may use (it listed all 25,
/// then refused most of them as built in), and an `allowed` rule with `values = []` is an
/// error instead of a rule that fails every record.
#[test]
fn pack_errors_name_what_a_user_pack_may_write() {
    let (code, _, stderr) = run(&["rules", "check", &invalid("unknown-check-pack.toml")]);
    assert_eq!(code, 2, "{stderr}");
    let flat = unwrapped(&stderr);
    assert!(flat.contains("unknown-check-pack.toml:5:9"), "{flat}");
    assert!(
        flat.contains(
            "expected one of number, regex, allowed, range, required, compare, reference"
        ),
        "{flat}"
    );
    assert!(
        !flat.contains("`entity`") && !flat.contains("email,"),
        "{flat}"
    );

    let (code, _, stderr) = run(&["rules", "check", &invalid("empty-values-pack.toml")]);
    assert_eq!(code, 2, "{stderr}");
    let flat = unwrapped(&stderr);
    assert!(flat.contains("empty-values-pack.toml:9:8"), "{flat}");
    assert!(flat.contains("rule X001 allows no value"), "{flat}");

    let (code, _, stderr) = run(&["rules", "check", &invalid("nan-bound-pack.toml")]);
    assert_eq!(code, 2, "{stderr}");
    let flat = unwrapped(&stderr);
    assert!(flat.contains("nan-bound-pack.toml:9:7"), "{flat}");
    assert!(flat.contains("bound NaN is not a finite number"), "{flat}");
}
