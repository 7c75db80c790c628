//! What changed since the last run, as report.html, Markdown and JUnit show it: the demo
//! audited twice into a history store, with one fault fixed and one introduced in between
//! (PROBLEMS.md section 14's negative amount on D-20031 fixed; contact 100000057's e-mail
//! broken), a first run with nothing to compare with, baseline mode's known problems, hostile
//! names in every new section, and the same page for the same store state.
//!
//! Expected values come from report.json, written from the same model, and from the edits.

mod common;

use std::path::Path;

use common::{
    Run, audit, demo_copy, edit, hostile_workspace, parse_junit, tables_are_rectangular,
    validate_junit,
};
use pulldown_cmark::{Event, Options, Parser};
use serde_json::Value;

fn history_run(dir: &Path, store: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["--history", store.to_str().unwrap()];
    args.extend_from_slice(extra);
    audit(dir, &args)
}

fn page(run: &Run) -> String {
    std::fs::read_to_string(run.out.path().join("report.html")).expect("report.html")
}

/// The HTML from `id="NAME"` to the end of the element that carries it (a section or div;
/// none of them nests another of its own tag name).
fn block<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no element with {marker}"));
    let open = html[..at].rfind('<').unwrap();
    let tag: String = html[open + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let close = format!("</{tag}>");
    let end = html[at..].find(&close).unwrap() + at + close.len();
    &html[open..end]
}

/// The demo's store after its first run, and the workspace edited for the second: D-20031's
/// DQ008 finding fixed, 100000057's DQ001 finding new.
fn demo_with_one_run() -> (tempfile::TempDir, std::path::PathBuf) {
    let ws = demo_copy();
    let store = ws.path().join("history.db");
    let first = history_run(ws.path(), &store, &[]);
    assert_eq!(first.code, 1, "the demo fails its gate: {}", first.stderr);
    edit(&ws.path().join("deals.csv"), ",-75700.00,", ",75700.00,");
    edit(
        &ws.path().join("contacts.csv"),
        "michael.arnold@sparrowpartners.ca",
        "michael.arnold@",
    );
    (ws, store)
}

/// Runs the second audit from a copy of the store as it was after the first, at the same path,
/// so that several second runs see the same store state.
fn second_run(ws: &Path, store: &Path, saved: &Path, extra: &[&str]) -> Run {
    std::fs::copy(saved, store).unwrap();
    history_run(ws, store, extra)
}

fn svg_count_with_titles(html: &str) -> (usize, usize) {
    let svgs = html.matches("<svg").count();
    let titled = html
        .split("<svg")
        .skip(1)
        .filter(|s| s[..s.find("</svg>").unwrap()].contains("<title"))
        .count();
    (svgs, titled)
}

#[test]
fn report_html_shows_what_changed_since_the_last_run() {
    let (ws, store) = demo_with_one_run();
    let saved = ws.path().join("after-first-run.db");
    std::fs::copy(&store, &saved).unwrap();
    let second = second_run(ws.path(), &store, &saved, &[]);
    assert_eq!(second.code, 1, "{}", second.stderr);
    let html = page(&second);
    let report = second.report();
    let reg = &report["regression"];

    // Linked from the nav, right after the verdict and before the scores.
    assert!(html.contains("<a href=\"#since\">Since the last run</a>"));
    let (verdict, since_at, scores) = (
        html.find("id=\"verdict\"").unwrap(),
        html.find("id=\"since\"").unwrap(),
        html.find("id=\"scores\"").unwrap(),
    );
    assert!(verdict < since_at && since_at < scores);
    let since = block(&html, "since");
    assert!(
        since.contains("compared with run <strong>1</strong> of the history store, as of <strong>2024-12-31</strong>"),
        "{since:.600}"
    );
    assert!(since.contains("Input files changed since then: contacts, deals."));

    // The alert, word for word, reported but not gating (no --fail-on-regression).
    let alert = reg["alerts"][0]["message"].as_str().unwrap();
    assert!(since.contains(alert), "the alert text: {alert}");
    assert!(since.contains("Reported only"));
    assert!(since.contains("Watched: new_fail_findings, rule_newly_failing."));

    // New and fixed findings in their own places, with their record ids.
    let new = block(&html, "since-new");
    let fixed = block(&html, "since-fixed");
    assert!(new.contains("<h3>New findings (1)</h3>"), "{new}");
    assert!(new.contains("<code>100000057</code>") && new.contains("contacts.Email"));
    assert!(!new.contains("D-20031"));
    assert!(fixed.contains("<h3>Fixed findings (1)</h3>"), "{fixed}");
    assert!(fixed.contains("<code>D-20031</code>") && fixed.contains("deals.amount"));
    assert!(!fixed.contains("100000057"));
    assert!(
        since.find("id=\"since-new\"").unwrap() < since.find("id=\"since-fixed\"").unwrap(),
        "new first"
    );

    // Scores: the overall, and only the tables that moved (contacts and deals, by the edits).
    let scores_table = since
        .split("<h3 id=\"since-scores\">")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    // The overall row only when the overall score moved.
    let overall = reg["changes"]["score"]["change"].as_f64().unwrap();
    assert_eq!(
        scores_table.contains("<strong>overall</strong>"),
        overall.abs() >= 0.005,
        "overall changed by {overall}: {scores_table}"
    );
    let scores_block = since.split("<h3 id=\"since-scores\">").nth(1).unwrap();
    assert_eq!(
        scores_block.contains("Overall score unchanged at "),
        overall.abs() < 0.005,
        "{scores_block:.2000}"
    );
    let moved: Vec<&str> = reg["changes"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["change"].as_f64().unwrap().abs() >= 0.005)
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(moved, ["contacts", "deals"]);
    for t in reg["changes"]["tables"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        assert_eq!(
            scores_table.contains(&format!("<td>{name}</td>")),
            moved.contains(&name),
            "{name} in the score table"
        );
    }
    // Rules: DQ008 on deals.amount fixed, DQ001 with one more violation.
    let rule_rows = since
        .split("<h3 id=\"since-rules\">")
        .nth(1)
        .unwrap()
        .split("</table>")
        .next()
        .unwrap();
    let dq008 = rule_rows
        .split("<tr")
        .find(|r| r.contains("deals.amount"))
        .unwrap();
    assert!(
        dq008.contains("FIXED") && dq008.contains("2 → 1"),
        "{dq008}"
    );
    let dq001 = rule_rows
        .split("<tr")
        .find(|r| r.contains("contacts.Email"))
        .unwrap();
    assert!(
        dq001.contains("more violations") && dq001.contains("6 → 7"),
        "{dq001}"
    );
    // The tiles: 0 rules newly failing, 1 fixed, 1 otherwise changed; 1 new, 1 fixed finding.
    assert!(
        since.contains("<span class=\"good\">1</span> / 1</div>"),
        "{since:.2000}"
    );

    // No wall-clock time on the page: it stays the same for the same store state.
    for point in report["history"]["points"].as_array().unwrap() {
        let at = point["recorded_at"].as_str().unwrap();
        assert!(!html.contains(at), "recorded_at {at} on the page");
    }
    let again = second_run(ws.path(), &store, &saved, &[]);
    assert_eq!(page(&again), html, "same store state, same page");

    // Trends: the score line, one chart per table and one per KPI with a value, all titled.
    let trends = block(&html, "trends");
    let tables = report["tables"].as_array().unwrap();
    assert_eq!(
        trends.matches("class=\"multiple table-trend\"").count(),
        tables.len()
    );
    for t in tables {
        let name = t["name"].as_str().unwrap();
        assert!(
            trends.contains(&format!("<title>{name} score per run</title>")),
            "{name}"
        );
    }
    let kpis: Vec<&Value> = report["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["status"] == "ok")
        .collect();
    assert!(kpis.len() >= 10, "the demo computes most KPIs");
    assert_eq!(
        trends.matches("class=\"multiple kpi-trend\"").count(),
        kpis.len()
    );
    for k in &kpis {
        let name = k["name"].as_str().unwrap();
        let title = format!("<title>{name} per run, with its interval</title>");
        let chart = trends
            .split("<figure")
            .find(|f| f.contains(&title))
            .unwrap_or_else(|| panic!("no trend for {name}"));
        assert!(
            chart.contains("id=\"trend-kpi-")
                && chart.contains(k["id"].as_str().unwrap().replace('_', "-").as_str()),
            "{name}"
        );
        // The interval of each run, as a band across the runs and a whisker on each.
        if k["ci"].is_object() {
            assert!(chart.contains("<polygon"), "{name}: no interval band");
            assert!(
                chart.matches("stroke-width=\"1.25\"").count() >= 4,
                "{name}: whiskers"
            );
        }
    }
    // Both runs have the same as-of date: the x labels carry the run ids.
    assert!(trends.contains(">2024-12-31</text>"));
    assert!(trends.contains(">run 1</text>") && trends.contains(">run 2</text>"));
    let (svgs, titled) = svg_count_with_titles(&html);
    assert_eq!(svgs, titled, "every chart has a <title>");
    // No element carries an attribute twice (a browser would drop the second class).
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| &t[..t.find('>').unwrap_or(t.len())])
    {
        for attr in [" class=", " id=", " style="] {
            assert!(tag.matches(attr).count() <= 1, "{attr} twice in <{tag}>");
        }
    }
    // Every in-page link lands on an id of the page.
    for href in html.split("href=\"").skip(1) {
        let target = &href[..href.find('"').unwrap()];
        assert!(
            html.contains(&format!("id=\"{}\"", &target[1..])),
            "dangling link {target}"
        );
    }
}

#[test]
fn markdown_and_junit_show_the_comparison() {
    let (ws, store) = demo_with_one_run();
    let saved = ws.path().join("after-first-run.db");
    std::fs::copy(&store, &saved).unwrap();

    let md_run = second_run(ws.path(), &store, &saved, &["--format", "markdown"]);
    let markdown = &md_run.stdout;
    let report = md_run.report();
    assert!(markdown.contains("### Since the last run"), "{markdown}");
    assert!(markdown.contains(
        "Compared with run 1 (as of 2024-12-31) · score 98.00 → 98.00 (0.00) · **1 new** finding, **1 fixed** · rules: 0 newly failing, 1 fixed, 1 changed"
    ), "{markdown}");
    assert!(markdown.contains(
        "Table scores that moved: contacts 98.54 → 98.53 (-0.01), deals 99.68 → 99.70 (+0.02)."
    ));
    assert!(markdown.contains(
        "- new\\_fail\\_findings: 1 new finding of fail-severity rules since run 1 (DQ001 contacts.Email 1: 100000057)"
    ), "{markdown}");
    let since = markdown
        .split("### Since the last run")
        .nth(1)
        .unwrap()
        .split("\n### ")
        .next()
        .unwrap();
    let tables = tables_are_rectangular(since);
    // New and fixed findings, then the KPIs that moved (the HTML had them, Markdown did not).
    assert_eq!(tables.len(), 2, "{since}");
    assert_eq!(
        tables[1][0],
        ["kpi", "previous", "current", "previous interval", ""]
    );
    assert!(
        tables[1][1..].iter().any(|r| r[0] == "sales_growth"),
        "{since}"
    );
    let rows = &tables[0];
    assert_eq!(
        rows[0],
        [
            "rule",
            "where",
            "severity",
            "new",
            "fixed",
            "new records",
            "fixed records"
        ]
    );
    // New first, then fixed; the counts are those of report.json.
    assert_eq!(
        rows[1..],
        [
            [
                "DQ001 invalid-email",
                "contacts.Email",
                "fail",
                "1",
                "0",
                "100000057",
                "–"
            ],
            [
                "DQ008 out-of-range",
                "deals.amount",
                "fail",
                "0",
                "1",
                "–",
                "D-20031"
            ]
        ]
    );
    let f = &report["regression"]["changes"]["findings"];
    let new: usize = rows[1..]
        .iter()
        .map(|r| r[3].parse::<usize>().unwrap())
        .sum();
    let fixed: usize = rows[1..]
        .iter()
        .map(|r| r[4].parse::<usize>().unwrap())
        .sum();
    assert_eq!((new, fixed), (1, 1));
    assert_eq!((f["new"].as_u64(), f["fixed"].as_u64()), (Some(1), Some(1)));
    tables_are_rectangular(markdown);

    // JUnit: a regression suite, a case per [alerts] setting that is on (the defaults).
    let junit = second_run(ws.path(), &store, &saved, &["--format", "junit"]);
    let xml = &junit.stdout;
    validate_junit(xml);
    let suites = parse_junit(xml);
    let regression = suites
        .iter()
        .find(|s| s.0 == "regression")
        .expect("a regression suite");
    let names: Vec<&str> = regression.3.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["new_fail_findings", "rule_newly_failing"]);
    assert_eq!((regression.1, regression.2), (2, 0), "reported, not failed");
    let case = xml
        .split("<testcase name=\"new_fail_findings\"")
        .nth(1)
        .unwrap()
        .split("</testcase>")
        .next()
        .unwrap();
    assert!(
        case.contains("<system-out>triggered; reported only"),
        "{case}"
    );
    assert!(case.contains("DQ001 contacts.Email 1: 100000057"));
    assert!(xml.contains("<property name=\"compared_with\" value=\"run 1 (as of 2024-12-31)\"/>"));
    assert!(xml.contains("<property name=\"new_findings\" value=\"1\"/>"));

    // --fail-on-regression: the triggered alert is a failure, and a gate reason.
    let gated = second_run(
        ws.path(),
        &store,
        &saved,
        &["--format", "junit", "--fail-on-regression"],
    );
    assert_eq!(gated.code, 1);
    validate_junit(&gated.stdout);
    let suites = parse_junit(&gated.stdout);
    let regression = suites.iter().find(|s| s.0 == "regression").unwrap();
    assert_eq!((regression.1, regression.2), (2, 1));
    let failure = regression.3[0].1.as_deref().expect("a failure");
    assert!(
        failure.starts_with("1 new finding of fail-severity rules since run 1"),
        "{failure}"
    );
    assert!(gated.stdout.contains("<failure type=\"new_fail_findings\""));
    let total: usize = suites.iter().map(|s| s.2).sum();
    let reasons = gated.report()["gate"]["reasons"].as_array().unwrap().len();
    assert_eq!(total, reasons, "one failure per gate reason");
    // ...and the page says the alert fails the gate, from the verdict on.
    let html = page(&gated);
    assert!(html.contains("<a href=\"#since-alerts\">1 regression alert</a>"));
    assert!(block(&html, "since").contains("They fail the gate"));
}

#[test]
fn a_first_run_says_there_is_nothing_to_compare_with() {
    let ws = demo_copy();
    let store = ws.path().join("history.db");
    let first = history_run(ws.path(), &store, &["--format", "markdown"]);
    assert_eq!(first.code, 1);
    let html = page(&first);
    let since = block(&html, "since");
    assert!(since.contains("nothing to compare with yet"), "{since}");
    assert!(since.contains("(run 1)"));
    assert!(!since.contains("<table"), "no empty tables: {since}");
    assert_eq!(since.matches("<p").count(), 1, "one line: {since}");
    // One run: the trends are there, each with its single point.
    assert!(block(&html, "trends").contains(">2024-12-31</text>"));
    assert!(
        !block(&html, "trends").contains(">run 1</text>"),
        "no repeated date"
    );

    let since_md = first
        .stdout
        .split("### Since the last run\n\n")
        .nth(1)
        .unwrap();
    assert!(
        since_md.starts_with("The first run of the history store ")
            && since_md.contains("(run 1): nothing to compare with yet.\n\n### "),
        "{since_md:.300}"
    );

    let other = ws.path().join("other.db");
    let junit = history_run(ws.path(), &other, &["--format", "junit"]);
    validate_junit(&junit.stdout);
    let suites = parse_junit(&junit.stdout);
    let regression = suites.iter().find(|s| s.0 == "regression").unwrap();
    assert_eq!((regression.1, regression.2), (2, 0));
    assert_eq!(
        junit
            .stdout
            .matches("<skipped message=\"the first run of the store: nothing to compare with\"/>")
            .count(),
        2
    );
    assert!(junit.stdout.contains("skipped=\"2\""));
}

#[test]
fn baseline_mode_shows_the_known_problems_and_fails_only_on_the_new_one() {
    let ws = demo_copy();
    let base = tempfile::tempdir().unwrap();
    let made = audit(ws.path(), &[]);
    assert_eq!(made.code, 1);
    for name in ["report.json", "worklist.csv"] {
        std::fs::copy(made.out.path().join(name), base.path().join(name)).unwrap();
    }
    let baseline = base.path().join("report.json");
    edit(
        &ws.path().join("contacts.csv"),
        "michael.arnold@sparrowpartners.ca",
        "michael.arnold@",
    );
    let b = baseline.to_str().unwrap();
    let run = audit(ws.path(), &["--baseline", b, "--format", "junit"]);
    assert_eq!(run.code, 1, "the new DQ001 finding fails");
    let report = run.report();
    let known = report["regression"]["known_problems"].as_array().unwrap();
    assert_eq!(known.len(), 7);

    let html = page(&run);
    let since = block(&html, "since");
    assert!(since.contains(&format!("the baseline report <code>{b}</code>")));
    let list = since
        .split("<h3 id=\"since-known\">")
        .nth(1)
        .expect("a known-problems list");
    assert_eq!(list.matches("<li>").count(), 7);
    for k in known {
        let reason = k.as_str().unwrap().replace('>', "&gt;");
        assert!(list.contains(&reason), "{reason}");
    }
    // The verdict counts only the new failure; the known ones are marked in "Fix first".
    assert!(html.contains("1 rule outcome at fail or worse exceeds its tolerance"));
    assert_eq!(html.matches(">known: in the baseline</a>").count(), 7);
    assert!(block(&html, "since-new").contains("<code>100000057</code>"));
    assert!(!html.contains("id=\"trends\""), "no store, no trends");

    // JUnit: one failure, as one gate reason; the known problems pass and say why.
    validate_junit(&run.stdout);
    let suites = parse_junit(&run.stdout);
    let total: usize = suites.iter().map(|s| s.2).sum();
    assert_eq!(total, 1);
    assert_eq!(report["gate"]["reasons"].as_array().unwrap().len(), 1);
    assert_eq!(
        run.stdout
            .matches("a known problem: the baseline already had it")
            .count(),
        7
    );
    assert!(run.stdout.contains(&format!(
        "<property name=\"compared_with\" value=\"the baseline {b} (as of 2024-12-31)\"/>"
    )));

    // Markdown: the rules table marks the known problems instead of shouting FAIL at them.
    let md = audit(ws.path(), &["--baseline", b, "--format", "markdown"]);
    assert_eq!(md.code, 1);
    assert_eq!(
        md.stdout
            .matches("| FAIL (known: in the baseline) |")
            .count(),
        7
    );
    assert_eq!(
        md.stdout.matches("| **FAIL** |").count(),
        1,
        "{}",
        md.stdout
    );
    // Compared with a baseline, not a last run: the headings say so.
    assert!(
        md.stdout.contains("### Since the baseline"),
        "{}",
        md.stdout
    );
    assert!(html.contains("<a href=\"#since\">Since the baseline</a>"));
    assert!(!html.contains(">Since the last run<"));
}

/// A workspace whose table, field and record ids are hostile: markup, pipes and backticks.
fn hostile_names() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crmaudit.toml"),
        "[workspace]\nas_of = \"2024-12-31\"\ndefault_region = \"US\"\n\n\
         [tables.\"<script>alert(1)</script>|`t`\"]\npath = \"contacts.csv\"\nkind = \"contacts\"\n\
         [tables.\"<script>alert(1)</script>|`t`\".columns]\n\"Mail <b>|`m`</b>\" = \"email\"\n",
    )
    .unwrap();
    let rows = [
        "id,first_name,last_name,Mail <b>|`m`</b>,created_at",
        "C-1,Ann,Smith,ann@example.com,2024-01-02",
        "\"<b>C|2</b>\",Bob,Lee,bob@example.com,2024-01-03",
        "C`3`<i>,Cy,Ray,cy@,2024-01-04",
        "C-4,Di,Fox,di@example.com,2024-01-05",
    ];
    std::fs::write(dir.path().join("contacts.csv"), rows.join("\n") + "\n").unwrap();
    dir
}

#[test]
fn hostile_names_are_escaped_in_the_new_sections() {
    let ws = hostile_names();
    let store = ws.path().join("h.db");
    let first = history_run(ws.path(), &store, &[]);
    assert!(matches!(first.code, 0 | 1), "{}", first.stderr);
    // <b>C|2</b> gets a broken e-mail (new), C`3`<i> a valid one (fixed).
    edit(&ws.path().join("contacts.csv"), "bob@example.com", "bob@");
    edit(&ws.path().join("contacts.csv"), ",cy@,", ",cy@example.com,");
    let saved = ws.path().join("saved.db");
    std::fs::copy(&store, &saved).unwrap();
    let second = second_run(ws.path(), &store, &saved, &["--format", "markdown"]);
    let f = &second.report()["regression"]["changes"]["findings"];
    assert_eq!((f["new"].as_u64(), f["fixed"].as_u64()), (Some(1), Some(1)));

    let html = page(&second);
    for raw in ["<script", "<b>", "<i>", "</b>"] {
        assert!(!html.contains(raw), "raw {raw:?} in report.html");
    }
    let table = "&lt;script&gt;alert(1)&lt;/script&gt;|`t`";
    let field = "Mail &lt;b&gt;|`m`&lt;/b&gt;";
    let new = block(&html, "since-new");
    assert!(new.contains("<code>&lt;b&gt;C|2&lt;/b&gt;</code>"), "{new}");
    assert!(
        new.contains(&format!("<code>{table}.{field}</code>")),
        "{new}"
    );
    let fixed = block(&html, "since-fixed");
    assert!(fixed.contains("<code>C`3`&lt;i&gt;</code>"), "{fixed}");
    let since = block(&html, "since");
    assert!(
        since.contains(&format!("DQ001 {table}.{field} 1: &lt;b&gt;C|2&lt;/b&gt;)")),
        "the alert, escaped: {since:.3000}"
    );
    // One invalid e-mail in each run: the score did not move, so no `+0.00` rows.
    let scores = since
        .split("<h3 id=\"since-scores\">")
        .nth(1)
        .unwrap()
        .split("<h3")
        .next()
        .unwrap();
    assert!(scores.contains("No score moved: overall "), "{scores}");
    assert!(
        !scores.contains("<table") && !scores.contains("+0.00"),
        "{scores}"
    );
    assert!(block(&html, "trends").contains(&format!("<title>{table} score per run</title>")));
    // Ids built from the names are slugs.
    assert!(html.contains("id=\"trend-table-0--script-alert-1---script---t-\""));

    // Markdown: no markup and no code span from the data; the names read whole.
    let markdown = &second.stdout;
    let mut interpreted = Vec::new();
    let mut text = String::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => interpreted.push(h.to_string()),
            Event::Code(c) => interpreted.push(format!("code span {c}")),
            Event::Text(t) => text.push_str(&t),
            _ => {}
        }
    }
    assert_eq!(interpreted, Vec::<String>::new());
    let since = markdown.split("### Since the last run").nth(1).unwrap();
    let since = since.split("\n### ").next().unwrap();
    let tables = tables_are_rectangular(since);
    let rows = &tables[0];
    // One rule and field: one row, with the new and the fixed record.
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1], "<script>alert(1)</script>|`t`.Mail <b>|`m`</b>");
    assert_eq!((rows[1][3].as_str(), rows[1][4].as_str()), ("1", "1"));
    assert_eq!(rows[1][5], "<b>C|2</b>");
    assert_eq!(rows[1][6], "C`3`<i>");
    assert!(
        text.contains("DQ001 <script>alert(1)</script>|`t`.Mail <b>|`m`</b> 1: <b>C|2</b>"),
        "{text}"
    );

    // JUnit: valid, and the names escaped.
    let junit = second_run(ws.path(), &store, &saved, &["--format", "junit"]);
    validate_junit(&junit.stdout);
    assert!(junit.stdout.contains("&lt;b&gt;C|2&lt;/b&gt;"));
    assert!(
        parse_junit(&junit.stdout)
            .iter()
            .any(|s| s.0 == "regression")
    );
}

#[test]
fn many_runs_thin_the_labels_and_keep_every_point() {
    // Twelve runs, a month apart: every run is a point, about ten carry a label.
    let ws = hostile_workspace();
    let store = ws.path().join("h.db");
    let mut last = None;
    for month in 1..=12 {
        let as_of = format!("2024-{month:02}-28");
        last = Some(history_run(ws.path(), &store, &["--as-of", &as_of]));
    }
    let last = last.unwrap();
    let html = page(&last);
    let trends = block(&html, "trends");
    let chart = trends
        .split("<svg")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    assert_eq!(chart.matches("<circle").count(), 12, "a point per run");
    let labels = chart.matches(">2024-").count();
    assert!((2..=10).contains(&labels), "{labels} labels");
    assert!(chart.contains(">2024-01-28</text>") && chart.contains(">2024-12-28</text>"));
    assert!(trends.contains("12 runs in the history store"));
}
