//! What a comparison does to the gate.
//!
//! - `--fail-on-regression`: every triggered alert becomes a gate reason (`regression: ...`)
//!   and fails the run. Without the flag alerts are reported (`regression.alerts`, the
//!   terminal, `--alert-cmd`) but the gate is unchanged, so `gate.passed` is still exactly
//!   "no reasons".
//! - `--baseline`: a rule outcome or a score under `--fail-under` that the baseline already had
//!   no longer fails the run. It still does when it is new: the rule did not fail the gate in
//!   the baseline, it has findings the baseline did not have (or, compared by counts, more
//!   violations), or the score fell below the baseline's.

use crate::report::AuditReport;
use crate::report::build::{
    GateSettings, fails_gate, rule_reason, score_reason, score_reason_below_baseline,
};
use crate::report::history::{Alert, Changes};
use crate::report::model::Gate;

use super::snapshot::Snapshot;

pub fn add_alerts(gate: &mut Gate, alerts: &[Alert]) {
    for alert in alerts {
        gate.reasons.push(format!("regression: {}", alert.message));
    }
    gate.passed = gate.reasons.is_empty();
}

/// Removes from the gate the reasons the baseline already had; returns them.
pub fn accept_known_problems(
    report: &mut AuditReport,
    settings: GateSettings,
    baseline: &Snapshot,
    changes: &Changes,
) -> Vec<String> {
    let mut known = Vec::new();
    for rule in &report.rules {
        if !fails_gate(rule, settings) {
            continue;
        }
        let before = baseline.rule(&rule.code, &rule.table, &rule.field);
        let failed_before = before.is_some_and(|b| {
            b.outcome != crate::findings::Outcome::Pass && b.outcome >= settings.fail_on
        });
        let new_findings = changes.findings.groups.iter().any(|g| {
            g.code == rule.code && g.table == rule.table && g.field == rule.field && g.new > 0
        });
        if failed_before && !new_findings {
            known.push(rule_reason(rule));
        }
    }
    if let Some(min) = settings.fail_under
        && report.score < min
    {
        let plain = score_reason(report.score, min);
        if baseline.score < min && report.score >= baseline.score {
            known.push(plain);
        } else if let Some(reason) = report.gate.reasons.iter_mut().find(|r| **r == plain) {
            // Under the floor and below the baseline (which may have been over it): say both,
            // since the baseline is why a score under the floor can otherwise pass.
            *reason = score_reason_below_baseline(report.score, min, baseline.score);
        }
    }
    report.gate.reasons.retain(|r| !known.contains(r));
    report.gate.passed = report.gate.reasons.is_empty();
    known
}
