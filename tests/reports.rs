//! The renderers people and CI read: report.html (self-contained, escaped), JUnit XML (valid
//! against the Jenkins junit-10.xsd, one suite per table, one case per rule outcome), Markdown
//! (GFM tables that parse, every cell escaped), the terminal summary (80 columns), and the same
//! bytes for the same input. Expected counts come from report.json, written by another renderer
//! from the same model, so a renderer that drops or invents a rule fails here.

mod common;

use std::path::Path;

use common::{
    audit, crmaudit, fixture, hostile_workspace, parse_junit, root, run, tables_are_rectangular,
    validate_junit,
};
use pulldown_cmark::{Event, Options, Parser};
use serde_json::Value;

fn demo_stdout(format: &str) -> String {
    let output = crmaudit()
        .current_dir(root())
        .args([
            "audit",
            "fixtures/demo",
            "--no-progress",
            "--format",
            format,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{format}");
    String::from_utf8(output.stdout).unwrap()
}

fn stdout_of(path: &Path, format: &str) -> String {
    let output = crmaudit()
        .arg("audit")
        .arg(path)
        .args(["--no-progress", "--format", format])
        .output()
        .unwrap();
    assert!(matches!(output.status.code(), Some(0 | 1)), "{format}");
    String::from_utf8(output.stdout).unwrap()
}

// ---------------------------------------------------------------- HTML

#[test]
fn html_report_is_written_beside_the_others_and_is_self_contained() {
    let run = audit(&fixture("demo"), &[]);
    let html = std::fs::read_to_string(run.out.path().join("report.html")).expect("report.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    for forbidden in [
        "<script",
        "<link",
        "<iframe",
        "<object",
        "<embed",
        "<img",
        "@import",
        "url(",
        " src=",
        "http://",
        "https://",
        "javascript:",
    ] {
        assert!(
            !html.contains(forbidden),
            "report.html contains {forbidden:?}"
        );
    }
    // Links are in-page anchors only, and each one lands on an id of the page.
    for href in html.split("href=\"").skip(1) {
        let target = &href[..href.find('"').unwrap()];
        assert!(target.starts_with('#'), "external link {target:?}");
        assert!(
            html.contains(&format!("id=\"{}\"", &target[1..])),
            "dangling link {target}"
        );
    }
    // Every chart is titled.
    let svgs = html.matches("<svg").count();
    assert!(svgs > 20, "{svgs} charts");
    assert_eq!(
        html.matches("<svg").count(),
        html.split("<svg")
            .skip(1)
            .filter(|s| s.contains("<title"))
            .count()
    );
}

#[test]
fn html_report_shows_what_the_model_holds() {
    let run = audit(&fixture("demo"), &[]);
    let html = std::fs::read_to_string(run.out.path().join("report.html")).unwrap();
    let report = run.report();
    assert!(html.contains("Gate FAILED"));
    assert!(html.contains(&format!("{:.1}", report["score"].as_f64().unwrap())));
    // Every gate-failing rule is in "Fix first" with a link to its examples.
    for reason in report["gate"]["reasons"].as_array().unwrap() {
        let code = reason.as_str().unwrap().split(' ').next().unwrap();
        assert!(
            html.contains(&format!("<strong>{code} ")),
            "{code} not listed"
        );
    }
    // Every table is a heatmap row, every KPI a card, every sample record id is shown.
    for table in report["tables"].as_array().unwrap() {
        let name = table["name"].as_str().unwrap();
        assert!(
            html.contains(&format!(">{name}<tspan")),
            "{name} not in the heatmap"
        );
    }
    for kpi in report["kpis"].as_array().unwrap() {
        let id = kpi["id"].as_str().unwrap();
        assert!(
            html.contains(&format!("id=\"kpi-{}\"", id.replace('_', "-"))),
            "{id}"
        );
    }
    for rule in report["rules"].as_array().unwrap() {
        for sample in rule["sample"].as_array().unwrap() {
            let id = sample["record_id"].as_str().unwrap();
            assert!(html.contains(&format!("<code>{id}</code>")), "sample {id}");
        }
    }
    // The nickname duplicate of PROBLEMS.md section 2 is shown field by field: Bob/Robert Smith.
    let cluster = html
        .split("<div class=\"cluster\">")
        .find(|c| c.contains("100002729"))
        .expect("the Bob/Robert Smith cluster");
    assert!(cluster.contains("100000573") && cluster.contains("keep (survivor)"));
    assert!(
        cluster.contains(">Robert<")
            && cluster.contains("Bob <span class=\"lvl strong\">alias +5.1")
    );
    // No history store, no trends section.
    assert!(!html.contains("id=\"trends\""));
}

#[test]
fn html_and_markdown_show_hostile_text_and_interpret_none_of_it() {
    let ws = hostile_workspace();
    let run = audit(ws.path(), &[]);
    let html = std::fs::read_to_string(run.out.path().join("report.html")).unwrap();
    for raw in [
        "<script",
        "<img",
        "<b>",
        "<i>",
        "<u>",
        "<s>",
        "onerror=document",
    ] {
        // `onerror=` may only appear inside escaped text (`&lt;img src=x onerror=...`).
        if raw == "onerror=document" {
            assert!(
                html.contains("&lt;img src=x onerror=document.title="),
                "e-mail not shown"
            );
            continue;
        }
        assert!(!html.contains(raw), "raw {raw:?} in report.html");
    }
    for shown in [
        "&lt;script&gt;document.title='PWN'+'ED'&lt;/script&gt;",
        "&lt;b&gt;C|2&lt;/b&gt;",
        "O'Brien &amp; &lt;i&gt;Sons&lt;/i&gt;",
        "Initech | &lt;u&gt;Ltd&lt;/u&gt;",
        "Notes &lt;b&gt;|`x`&lt;/b&gt;",
        "&amp; &quot;Co&quot; | `x`",
    ] {
        assert!(html.contains(shown), "{shown:?} not shown as text");
    }

    let markdown = stdout_of(ws.path(), "markdown");
    let mut in_html = Vec::new();
    let mut text = String::new();
    for event in Parser::new_ext(&markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => in_html.push(h.to_string()),
            Event::Text(t) => text.push_str(&t),
            Event::Code(c) => in_html.push(format!("code span {c}")),
            _ => {}
        }
    }
    assert_eq!(
        in_html,
        Vec::<String>::new(),
        "markup or code spans from the data"
    );
    assert!(
        text.contains("<script>document.title='PWN'+'ED'</script>"),
        "{text}"
    );
    assert!(
        text.contains("<b>C|2</b>"),
        "the id with a pipe reads whole: {text}"
    );
    assert!(text.contains("& \"Co\" | `x`"));
    tables_are_rectangular(&markdown);
}

// ---------------------------------------------------------------- JUnit

#[test]
fn junit_has_a_suite_per_table_a_case_per_rule_and_validates_against_the_schema() {
    let run = audit(&fixture("demo"), &[]);
    let report = run.report();
    let xml = demo_stdout("junit");
    validate_junit(&xml);
    let suites = parse_junit(&xml);

    let mut tables: Vec<String> = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    tables.sort();
    let names: Vec<String> = suites.iter().map(|s| s.0.clone()).collect();
    assert_eq!(names, tables);

    let rules = report["rules"].as_array().unwrap();
    for (table, tests, failures, cases) in &suites {
        let of_table: Vec<&Value> = rules
            .iter()
            .filter(|r| r["table"] == table.as_str())
            .collect();
        assert_eq!(*tests, of_table.len(), "{table}: tests");
        assert_eq!(cases.len(), of_table.len(), "{table}: test cases");
        let failing: Vec<&&Value> = of_table.iter().filter(|r| r["outcome"] == "fail").collect();
        assert_eq!(
            *failures,
            failing.len(),
            "{table}: failures (--fail-on fail)"
        );
        assert_eq!(
            cases.iter().filter(|c| c.1.is_some()).count(),
            failing.len()
        );
        for rule in failing {
            let name = format!(
                "{} {} [{}]",
                rule["code"].as_str().unwrap(),
                rule["name"].as_str().unwrap(),
                rule["field"].as_str().unwrap()
            );
            let (_, failure) = cases.iter().find(|c| c.0 == name).expect(&name);
            let failure = failure.as_ref().unwrap();
            // Counts, denominator and the sample's record ids.
            let counts = format!("{} of {} checked", rule["violations"], rule["checked"]);
            assert!(failure.starts_with(&counts), "{name}: {failure}");
            for sample in rule["sample"].as_array().unwrap() {
                let id = sample["record_id"].as_str().unwrap();
                assert!(
                    failure.contains(&format!("  {id} (row {})", sample["row"])),
                    "{id}"
                );
            }
        }
    }
    let total: usize = suites.iter().map(|s| s.2).sum();
    assert_eq!(total, report["gate"]["reasons"].as_array().unwrap().len());
}

#[test]
fn junit_follows_fail_on_and_fail_under_and_stays_valid_with_control_characters() {
    let ws = hostile_workspace();
    let output = crmaudit()
        .arg("audit")
        .arg(ws.path())
        .args([
            "--no-progress",
            "--format",
            "junit",
            "--fail-on",
            "warn",
            "--fail-under",
            "99",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let xml = String::from_utf8(output.stdout).unwrap();
    validate_junit(&xml);
    assert!(
        xml.contains("Ctrl\\u{1}Char"),
        "the control character is written visibly"
    );
    let suites = parse_junit(&xml);
    // --fail-under is a case of its own, in a suite named crmaudit, failing here (score < 99).
    let gate = suites
        .iter()
        .find(|s| s.0 == "crmaudit")
        .expect("gate suite");
    assert_eq!((gate.1, gate.2), (1, 1));
    // --fail-on warn: warnings fail too.
    let contacts = suites.iter().find(|s| s.0 == "contacts").unwrap();
    let warned = contacts
        .3
        .iter()
        .filter(|c| c.1.as_deref().is_some_and(|f| f.contains("warn")))
        .count();
    assert!(warned >= 4, "{warned} warnings as failures");
    assert!(
        xml.contains("&lt;b&gt;C|2&lt;/b&gt;"),
        "the hostile id, escaped"
    );
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_renders_as_tables_that_match_the_report() {
    let markdown = demo_stdout("markdown");
    let report = audit(&fixture("demo"), &[]).report();
    let tables = tables_are_rectangular(&markdown);
    let header = |t: &Vec<Vec<String>>| t[0][0].clone();
    let find = |name: &str| {
        tables
            .iter()
            .find(|t| header(t) == name)
            .unwrap_or_else(|| panic!("no table headed {name}"))
    };
    // Rules that fail or warn: one row each (plus the header), worst first.
    let not_passing = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] != "pass")
        .count();
    let rules = find("outcome");
    assert_eq!(rules.len() - 1, not_passing);
    assert_eq!(rules[1][0], "FAIL");
    // Table scores: every table.
    assert_eq!(
        find("table").len() - 1,
        report["tables"].as_array().unwrap().len()
    );
    // KPIs: every KPI, with its interval and grade.
    let kpis = find("KPI");
    assert_eq!(kpis.len() - 1, report["kpis"].as_array().unwrap().len());
    let nps = kpis
        .iter()
        .find(|r| r[0].starts_with("Net Promoter"))
        .unwrap();
    assert_eq!(nps[2], "22.2 to 52.6", "{nps:?}");
    assert_eq!(nps[5], "medium");
    // Duplicates: the fuzzy clusters (9, PROBLEMS.md sections 1 and 2) and the exact e-mail groups (6).
    let dups = tables.iter().find(|t| t[0][1] == "matched on").unwrap();
    assert!(
        dups.iter()
            .any(|r| r[1] == "whole record (fuzzy)" && r[2] == "9")
    );
    assert!(dups.iter().any(|r| r[1] == "Email (exact)" && r[2] == "6"));
    assert!(markdown.contains("**Gate FAILED** · score **98.0**/100"));
}

#[test]
fn markdown_and_junit_are_for_audits_not_for_dedupe() {
    let (code, _, stderr) = run(&[
        "dedupe",
        fixture("demo/contacts.csv").to_str().unwrap(),
        "--format",
        "junit",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("crmaudit audit"), "{stderr}");
}

// ---------------------------------------------------------------- text, determinism

#[test]
fn text_summary_of_a_real_export_fits_80_columns_without_breaking_words() {
    let dir = tempfile::tempdir().unwrap();
    let source = common::shared("data/real/salesforce-sample");
    for entry in std::fs::read_dir(&source).expect("../shared/data/real/salesforce-sample") {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let (code, _, stderr) = run(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let output = crmaudit()
        .arg("audit")
        .arg(dir.path())
        .args(["--no-progress", "--as-of", "2024-12-31", "--rules"])
        .arg(fixture("salesforce/rules.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
        assert_eq!(line, line.trim_end(), "trailing blanks: {line:?}");
    }
    // Each rule row is one line: a rule name cut short ends in an ellipsis, it never wraps
    // onto a line of its own (the old table split `case-closes-after-c` / `reation`).
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(" FAIL ") || l.starts_with(" WARN ") || l.starts_with(" PASS "))
        .collect();
    assert!(
        rows.iter().any(|l| l.contains("SF002 case-closes-after-")),
        "{text}"
    );
    for row in &rows {
        assert!(
            row.trim_end().ends_with(')'),
            "a row without its count: {row:?}"
        );
    }
    let header = text
        .lines()
        .position(|l| l.contains("rule") && l.contains("violations"))
        .unwrap();
    let after: Vec<&str> = text
        .lines()
        .skip(header + 1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        after.len(),
        rows.len(),
        "continuation lines in the rules table:\n{text}"
    );
}

/// The KPI table keeps every row on one line whatever the period (a not-computable KPI's
/// 14-character grade used to squeeze the interval to `26,630–44,91` / `9`), and a rule's place
/// keeps its field when the table name is long (`Telco-C…` said nothing).
#[test]
fn kpi_rows_and_rule_places_are_never_cut_into_other_values() {
    for period in ["all", "2024-Q4", "last-90d"] {
        let (_, text, stderr) = run(&[
            "audit",
            fixture("demo").to_str().unwrap(),
            "--no-progress",
            "--period",
            period,
        ]);
        let lines: Vec<&str> = text.lines().collect();
        for line in &lines {
            assert!(line.chars().count() <= 80, "{period}: too wide: {line:?}");
        }
        let header = lines
            .iter()
            .position(|l| l.contains("interval") && l.contains("grade"))
            .unwrap_or_else(|| panic!("{period}: no KPI table: {stderr}\n{text}"));
        let rows: Vec<&str> = lines[header + 1..]
            .iter()
            .take_while(|l| l.starts_with(' ') && !l.starts_with("  "))
            .copied()
            .collect();
        assert_eq!(rows.len(), 15, "{period}: one line per KPI:\n{text}");
        for row in rows {
            let cells: Vec<&str> = row.split_whitespace().collect();
            assert!(
                ["high", "medium", "low", "-"].contains(cells.last().unwrap()),
                "{period}: {row:?}"
            );
        }
    }
    let (_, text, _) = run(&[
        "audit",
        common::shared("data/real/telco-churn/Telco-Customer-Churn.csv")
            .to_str()
            .unwrap(),
        "--no-progress",
    ]);
    assert!(
        text.contains("Telco-Customer….TotalCharges  11 of 7,043 (0.2%)"),
        "{text}"
    );
}

#[test]
fn every_format_gives_the_same_bytes_twice_and_whatever_the_thread_count() {
    let outputs = |threads: &str| {
        let out = tempfile::tempdir().unwrap();
        let mut texts = Vec::new();
        for format in ["text", "junit", "markdown"] {
            let output = crmaudit()
                .current_dir(root())
                .args([
                    "audit",
                    "fixtures/demo",
                    "--no-progress",
                    "--threads",
                    threads,
                ])
                .args(["--format", format, "--out"])
                .arg(out.path())
                .output()
                .unwrap();
            let stdout = String::from_utf8(output.stdout).unwrap();
            texts.push(stdout.replace(out.path().to_str().unwrap(), "OUT"));
        }
        texts.push(std::fs::read_to_string(out.path().join("report.html")).unwrap());
        texts
    };
    let one = outputs("1");
    let two = outputs("2");
    let again = outputs("2");
    for (i, name) in ["text", "junit", "markdown", "report.html"]
        .iter()
        .enumerate()
    {
        assert!(one[i] == two[i], "{name} differs between 1 and 2 threads");
        assert!(two[i] == again[i], "{name} differs between two runs");
    }
}

#[test]
fn quiet_junit_and_markdown_still_print_the_whole_document() {
    // --quiet shortens the terminal summary only: a CI step piping JUnit must get all of it.
    let output = crmaudit()
        .current_dir(root())
        .args([
            "audit",
            "fixtures/demo",
            "--no-progress",
            "--quiet",
            "--format",
            "junit",
        ])
        .output()
        .unwrap();
    let xml = String::from_utf8(output.stdout).unwrap();
    assert!(xml.starts_with("<?xml") && xml.trim_end().ends_with("</testsuites>"));
}
