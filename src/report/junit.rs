//! `--format junit`: the audit as JUnit XML, the format every CI system can show as tests.
//!
//! One `<testsuite>` per table (sorted by name, like every report), one `<testcase>` per rule
//! outcome on that table (a rule on each field it checks), in the order of the JSON `rules`.
//! A rule outcome that fails the gate (`--fail-on`) is a `<failure>` carrying the violation count,
//! the denominator, the tolerance and a sample of failing record ids; a warning under
//! `--fail-on fail` passes and says so in `<system-out>`. `--fail-under` becomes a test case of
//! its own in a `crmaudit` suite. With `--history` or `--baseline`, a `regression` suite has one
//! case per `[alerts]` setting that is on: a triggered alert is a `<failure>` under
//! `--fail-on-regression` and `<system-out>` otherwise; on the first run of a store (nothing to
//! compare with) the cases are `<skipped>`. In baseline mode a rule outcome the baseline already
//! had passes, and says so, as it no longer fails the run. No timestamps or durations: the same input and `--as-of` give
//! the same bytes, and the suites validate against the Jenkins xUnit `junit-10.xsd`.

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::findings::Outcome;

use super::AuditReport;
use super::history::{Alert, Regression};
use super::model::RuleReport;
use super::view;

/// XML 1.0 cannot carry most control characters even escaped (a DQ014 sample may hold a NUL):
/// they are written as `\u{1}` so the document stays well-formed and the reader still sees them.
fn xml_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// One line for an attribute: parsers turn newlines in attributes into spaces anyway.
/// `<property name=.. value=../>` for each pair, inside a `<properties>` element.
fn write_properties<W: std::io::Write>(
    w: &mut Writer<W>,
    props: &[(&str, String)],
) -> std::io::Result<()> {
    for (name, value) in props {
        w.create_element("property")
            .with_attribute(("name", *name))
            .with_attribute(("value", value.as_str()))
            .write_empty()?;
    }
    Ok(())
}

fn one_line(text: &str) -> String {
    xml_safe(&text.replace(['\n', '\r'], " "))
}

/// `DQ001 invalid-email [Email]`; record-level rules (ragged rows...) have no field.
fn case_name(rule: &RuleReport) -> String {
    if rule.field.is_empty() {
        format!("{} {}", rule.code, rule.name)
    } else {
        format!("{} {} [{}]", rule.code, rule.name, rule.field)
    }
}

fn counts(rule: &RuleReport) -> String {
    let (share, tolerance) = super::view::share_and_tolerance(rule.violation_share, rule.threshold);
    format!(
        "{} of {} checked ({share}) > tolerance {tolerance}",
        rule.violations, rule.checked,
    )
}

/// The failure's body: what the rule says, the column-level detail, the sample of records.
fn body(rule: &RuleReport, verdict: &str) -> String {
    let (share, tolerance) = super::view::share_and_tolerance(rule.violation_share, rule.threshold);
    let mut text = format!(
        "{verdict}: {} violations of {} checked ({share}), tolerance {tolerance}\n",
        rule.violations, rule.checked,
    );
    if let Some(message) = &rule.message {
        text.push_str(&format!("rule: {message}\n"));
    }
    if let Some(detail) = &rule.detail {
        text.push_str(&format!("detail: {detail}\n"));
    }
    if !rule.sample.is_empty() {
        text.push_str(&format!(
            "sample of failing records ({} of {}; all in worklist.csv):\n",
            rule.sample.len(),
            rule.violations
        ));
        for s in &rule.sample {
            text.push_str(&format!(
                "  {} (row {}): `{}`\n",
                s.record_id, s.row, s.value
            ));
        }
    }
    xml_safe(&text)
}

pub fn write(report: &AuditReport, out: &mut dyn Write) -> std::io::Result<()> {
    let mut writer = Writer::new_with_indent(&mut *out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;

    let mut tables: Vec<&str> = report.rules.iter().map(|r| r.table.as_str()).collect();
    tables.sort_unstable();
    tables.dedup();
    let gate_case = report.gate.fail_under.is_some();
    let failed = |r: &&RuleReport| view::fails_gate(report, r);
    let score_failed = view::score_fails_gate(report);
    let regression = report.regression.as_ref().map(regression_cases);
    let (regression_tests, regression_failures) = regression.as_ref().map_or((0, 0), |cases| {
        let r = report.regression.as_ref().expect("cases come from it");
        let failing = cases
            .iter()
            .filter(|c| r.fail_on_regression && !c.alerts.is_empty())
            .count();
        (cases.len(), failing)
    });
    let tests = report.rules.len() + usize::from(gate_case) + regression_tests;
    let failures = report.rules.iter().filter(failed).count()
        + usize::from(score_failed)
        + regression_failures;

    let name = format!(
        "crmaudit {}{}",
        report.workspace.as_deref().unwrap_or("audit"),
        format_args!(" as of {}", report.as_of)
    );
    writer
        .create_element("testsuites")
        .with_attribute(("name", one_line(&name).as_str()))
        .with_attribute(("tests", tests.to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .write_inner_content(|w| {
            if gate_case {
                write_gate_suite(report, score_failed, w)?;
            }
            if let (Some(r), Some(cases)) = (&report.regression, &regression) {
                write_regression_suite(r, cases, regression_failures, w)?;
            }
            for table in &tables {
                let rules: Vec<&RuleReport> =
                    report.rules.iter().filter(|r| r.table == *table).collect();
                write_table_suite(report, table, &rules, w)?;
            }
            Ok(())
        })?;
    drop(writer);
    out.write_all(b"\n")
}

fn write_gate_suite<W: Write>(
    report: &AuditReport,
    failed: bool,
    w: &mut Writer<W>,
) -> std::io::Result<()> {
    let min = report.gate.fail_under.unwrap_or_default();
    w.create_element("testsuite")
        .with_attribute(("name", "crmaudit"))
        .with_attribute(("tests", "1"))
        .with_attribute(("failures", if failed { "1" } else { "0" }))
        .with_attribute(("errors", "0"))
        .with_attribute(("skipped", "0"))
        .write_inner_content(|w| {
            let case = w
                .create_element("testcase")
                .with_attribute((
                    "name",
                    format!("overall score >= {min} (--fail-under)").as_str(),
                ))
                .with_attribute(("classname", "crmaudit.gate"));
            let known = !failed && report.score < min;
            if known {
                case.write_inner_content(|w| {
                    w.create_element("system-out").write_text_content(BytesText::new(&format!(
                        "score {:.1} is under {min}, as it was in the baseline: a known problem, not a gate reason\n",
                        report.score
                    )))?;
                    Ok(())
                })?;
            } else if failed {
                case.write_inner_content(|w| {
                    // The gate's own reason, with the decimals that tell the score from the floor.
                    let message = super::build::score_reason(report.score, min);
                    w.create_element("failure")
                        .with_attribute(("type", "fail-under"))
                        .with_attribute(("message", message.as_str()))
                        .write_text_content(BytesText::new(&message))?;
                    Ok(())
                })?;
            } else {
                case.write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_table_suite<W: Write>(
    report: &AuditReport,
    table: &str,
    rules: &[&RuleReport],
    w: &mut Writer<W>,
) -> std::io::Result<()> {
    let failures = rules.iter().filter(|r| view::fails_gate(report, r)).count();
    let input = report.inputs.iter().find(|i| i.table == table);
    let score = report.tables.iter().find(|t| t.name == table);
    let classname = format!("crmaudit.{}", one_line(table));
    w.create_element("testsuite")
        .with_attribute(("name", one_line(table).as_str()))
        .with_attribute(("tests", rules.len().to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("skipped", "0"))
        .write_inner_content(|w| {
            w.create_element("properties").write_inner_content(|w| {
                let mut props: Vec<(&str, String)> = vec![("as_of", report.as_of.clone())];
                if let Some(input) = input {
                    props.push(("file", one_line(&input.path)));
                    props.push(("kind", input.kind.clone()));
                    props.push(("rows", input.rows.to_string()));
                }
                if let Some(score) = score {
                    props.push(("score", format!("{:.1}", score.score)));
                }
                write_properties(w, &props)
            })?;
            for rule in rules {
                let case = w
                    .create_element("testcase")
                    .with_attribute(("name", one_line(&case_name(rule)).as_str()))
                    .with_attribute(("classname", classname.as_str()));
                if view::fails_gate(report, rule) {
                    case.write_inner_content(|w| {
                        w.create_element("failure")
                            .with_attribute(("type", rule.outcome.as_str()))
                            .with_attribute(("message", one_line(&counts(rule)).as_str()))
                            .write_text_content(BytesText::new(&body(
                                rule,
                                rule.outcome.as_str(),
                            )))?;
                        Ok(())
                    })?;
                } else if report.gate.fails(rule.outcome) {
                    // --baseline: the baseline had it, so it no longer fails the run.
                    let verdict = format!(
                        "{} (a known problem: the baseline already had it, so it does not fail the run)",
                        rule.outcome.as_str()
                    );
                    case.write_inner_content(|w| {
                        w.create_element("system-out")
                            .write_text_content(BytesText::new(&body(rule, &verdict)))?;
                        Ok(())
                    })?;
                } else if rule.outcome == Outcome::Warn {
                    // A warning the gate lets through: a passing test that says what it saw.
                    case.write_inner_content(|w| {
                        w.create_element("system-out")
                            .write_text_content(BytesText::new(&body(rule, "warn")))?;
                        Ok(())
                    })?;
                } else {
                    case.write_empty()?;
                }
            }
            Ok(())
        })?;
    Ok(())
}

/// One `[alerts]` setting as a test case, with the alerts it triggered.
struct RegressionCase<'a> {
    name: String,
    kind: &'a str,
    evaluated: bool,
    alerts: Vec<&'a Alert>,
}

/// A case per setting that is on, in the order they are evaluated; an alert of a kind the
/// model does not list (a report from before `checks`) still gets a case of its own.
fn regression_cases(r: &Regression) -> Vec<RegressionCase<'_>> {
    let mut cases: Vec<RegressionCase> = r
        .checks
        .iter()
        .map(|c| RegressionCase {
            name: c.setting.clone(),
            kind: &c.kind,
            evaluated: c.evaluated,
            alerts: Vec::new(),
        })
        .collect();
    for alert in &r.alerts {
        match cases.iter_mut().find(|c| c.kind == alert.kind) {
            Some(case) => case.alerts.push(alert),
            None => cases.push(RegressionCase {
                name: alert.kind.clone(),
                kind: &alert.kind,
                evaluated: true,
                alerts: vec![alert],
            }),
        }
    }
    cases
}

fn write_regression_suite<W: Write>(
    r: &Regression,
    cases: &[RegressionCase],
    failures: usize,
    w: &mut Writer<W>,
) -> std::io::Result<()> {
    let skipped = cases.iter().filter(|c| !c.evaluated).count();
    w.create_element("testsuite")
        .with_attribute(("name", "regression"))
        .with_attribute(("tests", cases.len().to_string().as_str()))
        .with_attribute(("failures", failures.to_string().as_str()))
        .with_attribute(("errors", "0"))
        .with_attribute(("skipped", skipped.to_string().as_str()))
        .write_inner_content(|w| {
            w.create_element("properties").write_inner_content(|w| {
                let f = &r.changes.findings;
                let mut props: Vec<(&str, String)> = vec![
                    ("compared_with", one_line(&view::compared_with(r))),
                    ("fail_on_regression", r.fail_on_regression.to_string()),
                ];
                if r.compared_with.source != "none" {
                    props.push(("finding_keys", r.compared_with.finding_keys.to_string()));
                    props.push(("new_findings", f.new.to_string()));
                    props.push(("fixed_findings", f.fixed.to_string()));
                    if let Some(s) = &r.changes.score {
                        props.push(("score_change", format!("{:+.2}", s.change)));
                    }
                    props.push(("known_problems", r.known_problems.len().to_string()));
                }
                write_properties(w, &props)
            })?;
            for case in cases {
                let element = w
                    .create_element("testcase")
                    .with_attribute(("name", one_line(&case.name).as_str()))
                    .with_attribute(("classname", "crmaudit.regression"));
                let listed: String = case
                    .alerts
                    .iter()
                    .map(|a| format!("{}\n", a.message))
                    .collect();
                if !case.evaluated {
                    element.write_inner_content(|w| {
                        w.create_element("skipped")
                            .with_attribute((
                                "message",
                                "the first run of the store: nothing to compare with",
                            ))
                            .write_empty()?;
                        Ok(())
                    })?;
                } else if case.alerts.is_empty() {
                    element.write_empty()?;
                } else if r.fail_on_regression {
                    let message = match case.alerts.as_slice() {
                        [one] => one.message.clone(),
                        many => format!("{} alerts: {}", many.len(), many[0].message),
                    };
                    element.write_inner_content(|w| {
                        w.create_element("failure")
                            .with_attribute(("type", case.kind))
                            .with_attribute(("message", one_line(&message).as_str()))
                            .write_text_content(BytesText::new(&xml_safe(&listed)))?;
                        Ok(())
                    })?;
                } else {
                    // Reported, not gated: a passing test that says what it saw.
                    let text = format!(
                        "triggered; reported only (--fail-on-regression makes it fail the run):\n{listed}"
                    );
                    element.write_inner_content(|w| {
                        w.create_element("system-out")
                            .write_text_content(BytesText::new(&xml_safe(&text)))?;
                        Ok(())
                    })?;
                }
            }
            Ok(())
        })?;
    Ok(())
}
