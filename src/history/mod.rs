//! Audit history: runs kept in a local SQLite store, compared with each other or with a
//! baseline report, and regression alerts that can gate CI.
//!
//! - [`store`]: the SQLite file (identity checks, one transaction per run); [`schema`] its
//!   versions and forward migrations;
//! - [`keys`]: finding keys (table, record id, field, code) and their compact stored form;
//! - [`snapshot`]: a run as two runs are compared; [`compare`] compares them;
//! - [`alerts`]: the `[alerts]` settings checked against a comparison; [`gate`] what they and
//!   `--baseline` do to the gate;
//! - [`baseline`]: `--baseline report.json`; [`alert_cmd`]: `--alert-cmd`;
//! - [`command`] and [`view`]: `crmaudit history`.
//!
//! Everything here runs after the report is built and reads only the report (and the input
//! files, to fingerprint them).

pub mod alert_cmd;
pub mod alerts;
pub mod baseline;
pub mod command;
pub mod compare;
pub mod fingerprint;
pub mod gate;
pub mod keys;
pub mod schema;
pub mod snapshot;
pub mod store;
pub mod view;

use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::cli::AuditArgs;
use crate::config::WorkspaceConfig;
use crate::config::alerts::AlertSettings;
use crate::error::{Error, Result, usage_help};
use crate::report::AuditReport;
use crate::report::build::GateSettings;
use crate::report::history::{
    Alert, AlertCheck, Changes, HistorySummary, Reference, Regression, SAMPLE_IDS, TREND_POINTS,
};
use crate::report::model::{Gate, Tool};

use alert_cmd::AlertCommand;
use baseline::Baseline;
use keys::FindingKeys;
use snapshot::{InputPrint, Snapshot};
use store::{InputRecord, NewRun, Store};

/// What `--history`, `--baseline`, `--alert-cmd` and `--fail-on-regression` asked for,
/// checked before the audit's work.
pub struct HistoryPlan {
    store: Option<Store>,
    /// `--history` as given, for the report.
    store_arg: Option<String>,
    baseline: Option<Baseline>,
    alert_cmd: Option<AlertCommand>,
    fail_on_regression: bool,
    settings: AlertSettings,
    workspace: Option<String>,
    config: Option<String>,
    /// (table, input file) for the fingerprints.
    inputs: Vec<(String, PathBuf)>,
}

impl HistoryPlan {
    /// None when no history flag was given. Opens and checks the store (without creating it),
    /// reads the baseline and parses the alert command, so a bad flag costs no audit.
    pub fn from_args(args: &AuditArgs, workspace: &WorkspaceConfig) -> Result<Option<HistoryPlan>> {
        let wants = args.history.is_some() || args.baseline.is_some();
        if !wants {
            if args.fail_on_regression || args.alert_cmd.is_some() {
                let flag = if args.fail_on_regression {
                    "--fail-on-regression"
                } else {
                    "--alert-cmd"
                };
                return Err(usage_help(
                    format!("{flag} needs a run to compare with"),
                    "add --history FILE (the previous run of the store) or --baseline report.json",
                ));
            }
            return Ok(None);
        }
        let alert_cmd = args
            .alert_cmd
            .as_deref()
            .map(AlertCommand::parse)
            .transpose()?;
        let baseline = args.baseline.as_deref().map(baseline::load).transpose()?;
        let store = args
            .history
            .as_deref()
            .map(Store::open_for_append)
            .transpose()?;
        Ok(Some(HistoryPlan {
            store,
            store_arg: args.history.as_ref().map(|p| p.display().to_string()),
            baseline,
            alert_cmd,
            fail_on_regression: args.fail_on_regression,
            settings: workspace.alerts.clone(),
            workspace: workspace.name.clone(),
            config: workspace
                .source
                .as_ref()
                .map(|s| s.path.display().to_string()),
            inputs: workspace
                .tables
                .iter()
                .map(|t| (t.name.clone(), t.path.clone()))
                .collect(),
        }))
    }
}

/// When the run was recorded: UTC to the second.
fn now_utc() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn fingerprints(inputs: &[(String, PathBuf)]) -> Result<Vec<InputPrint>> {
    let mut prints = inputs
        .par_iter()
        .map(|(table, path)| {
            fingerprint::fingerprint(table, path)
                .map_err(|e| Error::Read(crate::source::ReadError::from_io(path, e)))
        })
        .collect::<Result<Vec<_>>>()?;
    prints.sort_by(|a, b| a.table.cmp(&b.table));
    Ok(prints)
}

/// The comparison of this run with `reference`, its alerts, and the alerts' effect on the gate.
fn regression(
    report: &mut AuditReport,
    plan: &HistoryPlan,
    gate_settings: GateSettings,
    current: &Snapshot,
    reference: Option<(&Snapshot, Reference)>,
) -> Regression {
    let checks = |evaluated: bool| -> Vec<AlertCheck> {
        plan.settings
            .enabled()
            .into_iter()
            .map(|(kind, setting)| AlertCheck {
                kind: kind.to_string(),
                setting,
                evaluated,
            })
            .collect()
    };
    let Some((previous, compared_with)) = reference else {
        return Regression {
            compared_with: Reference {
                source: "none".into(),
                run_id: None,
                recorded_at: None,
                as_of: None,
                path: None,
                finding_keys: false,
                note: Some("the first run of the store: nothing to compare with".into()),
            },
            fail_on_regression: plan.fail_on_regression,
            alerts: Vec::new(),
            checks: checks(false),
            changes: Changes::default(),
            known_problems: Vec::new(),
        };
    };
    let name = match compared_with.run_id {
        Some(id) => format!("run {id}"),
        None => "the baseline".to_string(),
    };
    let changes = compare::compare(
        current,
        previous,
        plan.settings.kpi_interval,
        Some(SAMPLE_IDS),
    );
    let alerts = alerts::evaluate(&plan.settings, &changes, current, previous, &name);
    let known_problems = if compared_with.source == "baseline" {
        gate::accept_known_problems(report, gate_settings, previous, &changes)
    } else {
        Vec::new()
    };
    if plan.fail_on_regression {
        gate::add_alerts(&mut report.gate, &alerts);
    }
    Regression {
        compared_with,
        fail_on_regression: plan.fail_on_regression,
        alerts,
        checks: checks(true),
        changes,
        known_problems,
    }
}

fn baseline_reference(b: &Baseline) -> Reference {
    Reference {
        source: "baseline".into(),
        run_id: None,
        recorded_at: None,
        as_of: Some(b.snapshot.as_of.clone()),
        path: Some(b.path.clone()),
        finding_keys: b.snapshot.keys.is_some(),
        note: b.note.clone(),
    }
}

/// After the report is built, before it is written: compare, gate, append to the store, then
/// run the alert command. Fills `report.history` and `report.regression`.
pub fn record(report: &mut AuditReport, plan: &mut HistoryPlan, gate: GateSettings) -> Result<()> {
    let start = std::time::Instant::now();
    let keys = FindingKeys::from_findings(&report.findings);
    let prints = if plan.store.is_some() {
        fingerprints(&plan.inputs)?
    } else {
        Vec::new()
    };
    let current = Snapshot::from_report(report, keys, prints.clone());

    let mut regression_report = None;
    if let Some(b) = &plan.baseline {
        regression_report = Some(regression(
            report,
            plan,
            gate,
            &current,
            Some((&b.snapshot, baseline_reference(b))),
        ));
    }
    let mut history = None;
    if let Some(mut store) = plan.store.take() {
        let keys = current.keys.as_ref().expect("this run's keys");
        let encoded = store::encode_keys(keys);
        let tx = store.begin_append()?;
        // Inside the write lock: the run compared with is the one this run really follows.
        let previous = tx.latest()?;
        if regression_report.is_none() {
            let reference = previous.as_ref().map(|p| {
                (
                    p,
                    Reference {
                        source: "history".into(),
                        run_id: p.run_id,
                        recorded_at: p.recorded_at.clone(),
                        as_of: Some(p.as_of.clone()),
                        path: None,
                        finding_keys: true,
                        note: None,
                    },
                )
            });
            regression_report = Some(regression(report, plan, gate, &current, reference));
        }
        let r = regression_report.as_ref().expect("set above");
        let compared_with = match (&r.compared_with.run_id, &r.compared_with.path) {
            (Some(id), _) => format!("run {id}"),
            (None, Some(path)) => format!("baseline {path}"),
            _ => String::new(),
        };
        let inputs = report
            .inputs
            .iter()
            .map(|i| InputRecord {
                table: i.table.clone(),
                kind: i.kind.clone(),
                path: i.path.clone(),
                rows: i.rows,
                print: prints
                    .iter()
                    .find(|p| p.table == i.table)
                    .cloned()
                    .unwrap_or(InputPrint {
                        table: i.table.clone(),
                        bytes: 0,
                        fingerprint: String::new(),
                    }),
            })
            .collect();
        let alerts: Vec<Alert> = r.alerts.clone();
        let run_id = tx.insert(&NewRun {
            report,
            recorded_at: now_utc(),
            workspace: plan.workspace.clone(),
            config: plan.config.clone(),
            inputs,
            keys: encoded,
            alerts: &alerts,
            compared_with,
        })?;
        let (points, runs) = tx.points(TREND_POINTS)?;
        tx.commit()?;
        history = Some(HistorySummary {
            store: plan.store_arg.clone().unwrap_or_default(),
            run_id,
            runs,
            points,
        });
    }
    report.history = history;
    report.regression = regression_report;
    report.timings.history_ms = start.elapsed().as_millis() as u64;
    if let (Some(cmd), Some(r)) = (&plan.alert_cmd, &report.regression)
        && !r.alerts.is_empty()
    {
        let payload = alert_payload(report, plan, r);
        if let Err(message) = cmd.run(&payload) {
            crate::stderr::line(format_args!(
                "crmaudit: --alert-cmd: {message} (the audit's result is unchanged)"
            ));
        }
    }
    Ok(())
}

/// What `--alert-cmd` reads on stdin.
#[derive(Serialize)]
struct AlertPayload<'a> {
    tool: &'a Tool,
    workspace: Option<&'a str>,
    as_of: &'a str,
    score: f64,
    gate: &'a Gate,
    store: Option<&'a str>,
    run_id: Option<i64>,
    compared_with: &'a Reference,
    fail_on_regression: bool,
    alerts: &'a [Alert],
}

fn alert_payload(report: &AuditReport, plan: &HistoryPlan, r: &Regression) -> Vec<u8> {
    let payload = AlertPayload {
        tool: &report.tool,
        workspace: plan.workspace.as_deref(),
        as_of: &report.as_of,
        score: report.score,
        gate: &report.gate,
        store: plan.store_arg.as_deref(),
        run_id: report.history.as_ref().map(|h| h.run_id),
        compared_with: &r.compared_with,
        fail_on_regression: r.fail_on_regression,
        alerts: &r.alerts,
    };
    let mut out = serde_json::to_vec_pretty(&payload).unwrap_or_default();
    out.push(b'\n');
    out
}
