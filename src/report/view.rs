//! Views of the report model that several renderers share (text, Markdown, HTML, JUnit): which
//! rules to show and in what order, the worst fields, per-table dimension means. Derived from
//! [`AuditReport`] alone, so every renderer tells the same story in the same order.

use crate::findings::Outcome;
use crate::score::FieldScore;

use super::AuditReport;
use super::history::{Regression, RuleChange};
use super::model::RuleReport;

/// The five score dimensions, in the order reports show them.
pub const DIMENSIONS: [&str; 5] = [
    "completeness",
    "validity",
    "uniqueness",
    "timeliness",
    "consistency",
];

pub fn dimension(field: &FieldScore, name: &str) -> Option<f64> {
    match name {
        "completeness" => field.completeness,
        "validity" => field.validity,
        "uniqueness" => field.uniqueness,
        "timeliness" => field.timeliness,
        "consistency" => field.consistency,
        _ => None,
    }
}

/// `table.field`, or the table alone for record-level rules.
pub fn place(rule: &RuleReport) -> String {
    if rule.field.is_empty() {
        rule.table.clone()
    } else {
        format!("{}.{}", rule.table, rule.field)
    }
}

/// `place` of each rule, except that a table-level outcome (no field: DQ011's invalid bytes)
/// whose findings are all in one column names it: `contacts.name`. Findings in several columns
/// keep the table (a list would be cut in an 80-column table). Read from the findings, so a
/// report read back from JSON (which has none) gets `place`.
pub fn finding_places(report: &AuditReport, rules: &[&RuleReport]) -> Vec<String> {
    use std::collections::{BTreeSet, HashMap};
    let mut fields: HashMap<(&str, &str), BTreeSet<&str>> = rules
        .iter()
        .filter(|r| r.field.is_empty() && r.violations > 0)
        .map(|r| ((r.code.as_str(), r.table.as_str()), BTreeSet::new()))
        .collect();
    if !fields.is_empty() {
        for f in &report.findings {
            if let Some(seen) = fields.get_mut(&(&*f.code, &*f.table)) {
                seen.insert(&f.field);
            }
        }
    }
    rules
        .iter()
        .map(|r| match fields.get(&(r.code.as_str(), r.table.as_str())) {
            Some(seen) if seen.len() == 1 && !seen.contains("") => {
                format!("{}.{}", r.table, seen.first().expect("one field"))
            }
            _ => place(r),
        })
        .collect()
}

/// Rules that did not pass or found something: worst outcome first, then the larger share of
/// violations (what to fix first), then by place so that ties read in a stable order.
pub fn rules_with_findings(report: &AuditReport) -> Vec<&RuleReport> {
    let mut rules: Vec<&RuleReport> = report
        .rules
        .iter()
        .filter(|r| r.outcome != Outcome::Pass || r.violations > 0)
        .collect();
    rules.sort_by(|a, b| {
        b.outcome
            .cmp(&a.outcome)
            .then(b.violation_share.total_cmp(&a.violation_share))
            .then(a.table.cmp(&b.table))
            .then(a.code.cmp(&b.code))
            .then(a.field.cmp(&b.field))
    });
    rules
}

/// The KPIs whose value changed (or appeared, or went) since the compared run, or that left its
/// interval.
pub fn kpis_that_moved(r: &super::history::Regression) -> Vec<&super::history::KpiChange> {
    r.changes
        .kpis
        .iter()
        .filter(|k| {
            k.outside_previous_interval
                || match (k.previous, k.current) {
                    (Some(p), Some(c)) => (p - c).abs() > 1e-9 * p.abs().max(1.0),
                    (None, None) => false,
                    _ => true,
                }
        })
        .collect()
}

/// The heading of the comparison: "Since the last run" against a history store, "Since the
/// baseline" against `--baseline`.
pub fn since_title(r: &super::history::Regression) -> &'static str {
    if r.compared_with.source == "baseline" {
        "Since the baseline"
    } else {
        "Since the last run"
    }
}

/// Whether a rule outcome is one of the gate's reasons to fail: at or above `--fail-on`, and not
/// a problem that the `--baseline` already had (`regression.known_problems`, which no longer
/// fail the run).
pub fn fails_gate(report: &AuditReport, rule: &RuleReport) -> bool {
    report.gate.fails(rule.outcome) && !is_known_problem(report, &super::build::rule_reason(rule))
}

/// Whether the score under `--fail-under` fails the gate (not when the baseline had it too).
pub fn score_fails_gate(report: &AuditReport) -> bool {
    report.gate.fail_under.is_some_and(|min| {
        report.score < min
            && !is_known_problem(report, &super::build::score_reason(report.score, min))
    })
}

fn is_known_problem(report: &AuditReport, reason: &str) -> bool {
    report
        .regression
        .as_ref()
        .is_some_and(|r| r.known_problems.iter().any(|k| k == reason))
}

/// A stable anchor for a rule's examples (`rule-3-dq001`): the index in `report.rules` keeps
/// it unique, and only ASCII letters, digits and dashes reach the id, whatever the names hold.
pub fn rule_anchor(report: &AuditReport, rule: &RuleReport) -> String {
    let index = report
        .rules
        .iter()
        .position(|r| std::ptr::eq(r, rule))
        .unwrap_or(0);
    format!("rule-{index}-{}", slug(&rule.code))
}

pub fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// How a rule outcome changed since the compared run (`regression.changes.rules`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleMove {
    /// Fails now, and did not (or did not run) then.
    NewlyFailing,
    /// Passes now, and warned or failed then.
    Fixed,
    /// Anything else: more or fewer violations, warn and fail swapped, ran in one run only.
    Other,
}

pub fn rule_move(c: &RuleChange) -> RuleMove {
    let fails = |o: Option<Outcome>| o == Some(Outcome::Fail);
    if fails(c.current) && !fails(c.previous) {
        RuleMove::NewlyFailing
    } else if c.current == Some(Outcome::Pass) && c.previous.is_some_and(|p| p != Outcome::Pass) {
        RuleMove::Fixed
    } else {
        RuleMove::Other
    }
}

/// What a comparison was made with, in words: `run 3 (as of 2024-12-31)`,
/// `the baseline out/report.json (as of 2024-12-31)`; no wall-clock time, so that the same store
/// state gives the same text.
pub fn compared_with(r: &Regression) -> String {
    let c = &r.compared_with;
    let as_of = c
        .as_of
        .as_ref()
        .map_or(String::new(), |d| format!(" (as of {d})"));
    match (c.source.as_str(), c.run_id, &c.path) {
        ("history", Some(id), _) => format!("run {id}{as_of}"),
        ("baseline", _, Some(path)) => format!("the baseline {path}{as_of}"),
        _ => "nothing: the first run of the store".to_string(),
    }
}

/// One field of one table with its score.
pub struct FieldView<'a> {
    pub table: &'a str,
    pub field: &'a FieldScore,
    /// The dimension that pulls the score down most, and its share.
    pub weakest: Option<(&'static str, f64)>,
}

/// The fields scoring under 100, lowest first (ties by table and name), at most `limit`.
pub fn worst_fields(report: &AuditReport, limit: usize) -> Vec<FieldView<'_>> {
    let mut fields: Vec<FieldView> = report
        .tables
        .iter()
        .flat_map(|t| {
            t.fields.iter().map(move |f| FieldView {
                table: &t.name,
                field: f,
                weakest: DIMENSIONS
                    .iter()
                    .filter_map(|&d| dimension(f, d).map(|v| (d, v)))
                    .min_by(|a, b| a.1.total_cmp(&b.1)),
            })
        })
        .filter(|v| v.field.score < 100.0)
        .collect();
    fields.sort_by(|a, b| {
        a.field
            .score
            .total_cmp(&b.field.score)
            .then(a.table.cmp(b.table))
            .then(a.field.name.cmp(&b.field.name))
    });
    fields.truncate(limit);
    fields
}

/// The mean of a dimension over a table's fields where it applies; none where no field has it.
pub fn table_dimension(table: &crate::score::TableScore, name: &str) -> Option<f64> {
    let values: Vec<f64> = table
        .fields
        .iter()
        .filter_map(|f| dimension(f, name))
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Cuts `text` to `width` characters, ending in an ellipsis when it had to cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// One decimal that never rounds an imperfect value up to perfect: 99.98 is `99.9`, not
/// `100.0` (a table with 11 missing values of 7,043 must not read as flawless). Other values
/// round as usual.
fn one_decimal_below(value: f64, perfect: f64) -> String {
    let shown = format!("{value:.1}");
    if value < perfect && shown == format!("{perfect:.1}") {
        format!("{:.1}", perfect - 0.1)
    } else {
        shown
    }
}

/// A score 0-100 with one decimal (see [`one_decimal_below`]).
pub fn score(score: f64) -> String {
    one_decimal_below(score, 100.0)
}

/// The overall score in a verdict: one decimal, unless that would read as meeting a
/// `--fail-under` it misses (97.998 against 98 is `97.998`, not `98.0` beside "FAILED").
pub fn gate_score(report: &AuditReport) -> String {
    match report.gate.fail_under {
        Some(min)
            if report.score < min && score(report.score).parse::<f64>().unwrap_or(0.0) >= min =>
        {
            let places = super::build::places_apart(report.score, &[min]);
            format!("{:.places$}", report.score)
        }
        _ => score(report.score),
    }
}

/// Percent with one decimal, from a share 0-1; an imperfect share never shows as 100.0%.
pub fn percent(share: f64) -> String {
    format!("{}%", one_decimal_below(share * 100.0, 100.0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn imperfect_never_shows_as_perfect() {
        assert_eq!(super::score(99.98), "99.9");
        assert_eq!(super::score(100.0), "100.0");
        assert_eq!(super::score(98.04), "98.0");
        assert_eq!(super::score(91.65), "91.7");
        assert_eq!(super::percent(0.99984), "99.9%");
        assert_eq!(super::percent(1.0), "100.0%");
        assert_eq!(super::percent(0.045), "4.5%");
    }

    use super::*;

    #[test]
    fn truncate_cuts_with_an_ellipsis_and_counts_characters() {
        assert_eq!(truncate("case-closes-after-creation", 10), "case-clos…");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("Müller", 6), "Müller");
        assert_eq!(truncate("Müllerstraße", 6).chars().count(), 6);
    }

    #[test]
    fn slug_keeps_only_ascii_letters_digits_and_dashes() {
        assert_eq!(slug("X001"), "x001");
        assert_eq!(slug("<script>\"é"), "-script---");
    }

    fn change(previous: Option<Outcome>, current: Option<Outcome>) -> RuleChange {
        RuleChange {
            code: "DQ001".into(),
            name: "invalid-email".into(),
            table: "contacts".into(),
            field: "Email".into(),
            previous,
            current,
            previous_violations: None,
            violations: None,
        }
    }

    #[test]
    fn rule_moves_are_newly_failing_fixed_or_other() {
        use Outcome::*;
        assert_eq!(
            rule_move(&change(Some(Pass), Some(Fail))),
            RuleMove::NewlyFailing
        );
        assert_eq!(rule_move(&change(None, Some(Fail))), RuleMove::NewlyFailing);
        assert_eq!(
            rule_move(&change(Some(Warn), Some(Fail))),
            RuleMove::NewlyFailing
        );
        assert_eq!(rule_move(&change(Some(Fail), Some(Pass))), RuleMove::Fixed);
        assert_eq!(rule_move(&change(Some(Warn), Some(Pass))), RuleMove::Fixed);
        assert_eq!(rule_move(&change(Some(Fail), Some(Fail))), RuleMove::Other);
        assert_eq!(rule_move(&change(Some(Fail), Some(Warn))), RuleMove::Other);
        assert_eq!(rule_move(&change(Some(Fail), None)), RuleMove::Other);
        assert_eq!(rule_move(&change(None, Some(Pass))), RuleMove::Other);
    }
}

/// A violation share and the tolerance it is compared with, as percentages with the fewest
/// decimals (one to four) that show the share above the tolerance: `1.02% > 1.00%`, never
/// `1.0% > 1.0%`.
pub fn share_and_tolerance(share: f64, tolerance: f64) -> (String, String) {
    let (s, t) = (share * 100.0, tolerance * 100.0);
    let places = super::build::places_within(s, &[t], 1, 4);
    (format!("{s:.places$}%"), format!("{t:.places$}%"))
}

#[cfg(test)]
mod share_tests {
    use super::share_and_tolerance;

    #[test]
    fn a_share_over_the_tolerance_never_reads_as_equal() {
        let pair = |s, t| share_and_tolerance(s, t);
        assert_eq!(pair(3.0 / 293.0, 0.01), ("1.02%".into(), "1.00%".into()));
        assert_eq!(pair(0.333, 0.02), ("33.3%".into(), "2.0%".into()));
        assert_eq!(pair(0.050001, 0.05), ("5.0001%".into(), "5.0000%".into()));
    }
}
