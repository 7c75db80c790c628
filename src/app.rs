//! Turns raw arguments and config into a resolved run, runs the pipeline, owns progress bars.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::checks::{engine, plan};
use crate::cli::{AuditArgs, Color, FailOn, Format};
use crate::config::rule_pack::load_user_pack;
use crate::config::workspace::parse_iso_date;
use crate::config::{RuleSpec, TableConfig, WorkspaceConfig};
use crate::dataset::{self, Dataset};
use crate::error::{Error, Result, usage, usage_help};
use crate::findings::Outcome;
use crate::kpi::period::PeriodSpec;
use crate::report::build::GateSettings;
use crate::report::model::Timings;
use crate::report::{self, AuditReport};
use crate::source::{self, ReadOptions};
use crate::{builtin, kpi, score};

/// Resolves PATH / --config into a workspace: a folder with crmaudit.toml, a config file, or one
/// CSV file audited with everything inferred.
pub fn load_workspace(path: Option<&Path>, config: Option<&Path>) -> Result<WorkspaceConfig> {
    if let Some(config) = config {
        if config.is_dir() {
            return Err(usage(format!(
                "--config {} is a folder: pass its crmaudit.toml, or the folder as PATH",
                config.display()
            )));
        }
        if !config.is_file() {
            return Err(usage(format!(
                "config file {} does not exist",
                config.display()
            )));
        }
        return WorkspaceConfig::load(config);
    }
    let path = path.unwrap_or(Path::new("."));
    if path.is_dir() {
        let config = path.join("crmaudit.toml");
        if !config.is_file() {
            return Err(usage_help(
                format!("folder {} has no crmaudit.toml", path.display()),
                format!(
                    "run `crmaudit init {}` to write one, or pass a CSV file to audit it on its own",
                    path.display()
                ),
            ));
        }
        return WorkspaceConfig::load(&config);
    }
    if !path.exists() {
        // `exists` follows links: a link that leads nowhere (or to itself) is there but unusable.
        if let Ok(meta) = std::fs::symlink_metadata(path)
            && meta.file_type().is_symlink()
        {
            return Err(usage(format!(
                "{} is a symbolic link that leads to no file (broken, or a loop)",
                path.display()
            )));
        }
        return Err(usage(format!("{} does not exist", path.display())));
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        return WorkspaceConfig::load(path);
    }
    Ok(single_file_workspace(path))
}

fn single_file_workspace(path: &Path) -> WorkspaceConfig {
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "table".into());
    WorkspaceConfig {
        source: None,
        name: None,
        as_of: None,
        default_region: None,
        tables: vec![TableConfig {
            name,
            path: path.to_path_buf(),
            path_span: 0..0,
            kind: None,
            preset: None,
            id: None,
            date_order: None,
            default_region: None,
            number_locale: None,
            encoding: Default::default(),
            delimiter: None,
            excel_serial_dates: false,
            columns: Vec::new(),
            dedupe: None,
        }],
        rule_packs: Vec::new(),
        default_rules: true,
        rule_overrides: Default::default(),
        kpi_settings: Default::default(),
        kpis: Default::default(),
        score_weights: Default::default(),
        alerts: Default::default(),
    }
}

fn today_utc() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// Everything an audit needs, resolved and validated.
pub struct AuditPlan {
    pub workspace: WorkspaceConfig,
    pub as_of: jiff::civil::Date,
    pub extra_packs: Vec<PathBuf>,
    pub strict_encoding: bool,
    pub gate: GateSettings,
    pub progress: bool,
    /// `--period` for the KPIs (each KPI's own period otherwise).
    pub period: Option<PeriodSpec>,
}

impl AuditPlan {
    pub fn from_args(args: &AuditArgs) -> Result<AuditPlan> {
        let mut workspace = load_workspace(args.path.as_deref(), args.config.as_deref())?;
        if let Some(region) = &args.default_region {
            let code = crate::normalize::country::country_code(region)
                .filter(|_| region.len() == 2)
                .ok_or_else(|| {
                    usage(format!(
                        "--default-region `{region}` is not a two-letter ISO region code"
                    ))
                })?;
            for table in &mut workspace.tables {
                table.default_region = Some(code.to_string());
            }
        }
        let as_of = match &args.as_of {
            Some(text) => parse_iso_date(text).ok_or_else(|| {
                usage(format!(
                    "--as-of `{text}` is not a date (expected YYYY-MM-DD)"
                ))
            })?,
            None => workspace.as_of.unwrap_or_else(today_utc),
        };
        let period = match &args.period {
            Some(text) => Some(PeriodSpec::parse(text).map_err(|message| {
                usage_help(
                    format!("--period: {message}"),
                    "periods are relative to --as-of: `last-90d` is the 90 days ending on it",
                )
            })?),
            None => None,
        };
        if let Some(start) = period.as_ref().and_then(|p| p.starts_after(as_of)) {
            return Err(usage_help(
                format!(
                    "--period {} starts on {start}, after the as-of date {as_of}: no KPI can be measured in it yet",
                    args.period.as_deref().unwrap_or_default().trim()
                ),
                "pass an --as-of inside or after the period, or a period that has begun",
            ));
        }
        if let Some(score) = args.fail_under
            && !(0.0..=100.0).contains(&score)
        {
            return Err(usage(format!(
                "--fail-under {score} is not a score between 0 and 100"
            )));
        }
        Ok(AuditPlan {
            workspace,
            as_of,
            extra_packs: args.rule_packs.clone(),
            strict_encoding: args.strict_encoding,
            gate: GateSettings {
                fail_on: match args.fail_on {
                    FailOn::Warn => Outcome::Warn,
                    FailOn::Fail => Outcome::Fail,
                },
                fail_under: args.fail_under,
            },
            progress: !args.no_progress && !args.quiet && std::io::stderr().is_terminal(),
            period,
        })
    }
}

/// The rule specs of a run: built-in packs (unless disabled), then the user's.
pub fn rule_specs(plan: &AuditPlan) -> Result<Vec<Arc<RuleSpec>>> {
    let mut specs: Vec<Arc<RuleSpec>> = Vec::new();
    if plan.workspace.default_rules {
        specs.extend(builtin::default_rules().iter().cloned());
    }
    for pack in &plan.workspace.rule_packs {
        if !pack.value.is_file() {
            return Err(plan.workspace.error_at(
                pack.span.clone(),
                format!("rule pack {} does not exist", pack.value.display()),
                "no such file",
                Some("rule_packs paths are relative to the folder of crmaudit.toml".into()),
            ));
        }
        specs.extend(load_user_pack(&pack.value)?.into_iter().map(Arc::new));
    }
    for pack in &plan.extra_packs {
        if !pack.is_file() {
            return Err(usage(format!(
                "rule pack {} does not exist",
                pack.display()
            )));
        }
        specs.extend(load_user_pack(pack)?.into_iter().map(Arc::new));
    }
    // A code names one rule across every pack of the run, as within one pack: otherwise
    // `[rules.X001]`, the worklist and the history could not tell the two apart.
    let mut first: std::collections::HashMap<&str, &RuleSpec> = std::collections::HashMap::new();
    for spec in &specs {
        match first.get(&*spec.code) {
            Some(other) => crate::config::rule_pack::check_same_rule(other, spec)?,
            None => {
                first.insert(&spec.code, spec);
            }
        }
    }
    Ok(specs)
}

/// Reads every table (in parallel, each file once) and maps it.
pub fn load_dataset(plan: &AuditPlan) -> Result<Dataset> {
    let ws = &plan.workspace;
    let tables = ws
        .tables
        .par_iter()
        .map(|cfg| {
            let options = ReadOptions {
                encoding: cfg.encoding,
                delimiter: cfg.delimiter,
                strict_encoding: plan.strict_encoding,
            };
            let raw = source::read_table(&cfg.path, &options).map_err(|err| match err {
                // Point at the table's `path` in crmaudit.toml: that is where the fix goes.
                source::ReadError::NotFound { .. } | source::ReadError::IsDirectory { .. }
                    if ws.source.is_some() =>
                {
                    ws.error_at(
                        cfg.path_span.clone(),
                        format!("table `{}`: {err}", cfg.name),
                        "this path",
                        Some("paths are relative to the folder of crmaudit.toml".into()),
                    )
                }
                other => Error::from(other),
            })?;
            dataset::bind(raw, cfg, ws)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Dataset {
        tables,
        as_of: plan.as_of,
    })
}

/// The whole audit: read → checks → scores → report.
pub fn run_audit(plan: &AuditPlan) -> Result<AuditReport> {
    let start = Instant::now();
    let specs = rule_specs(plan)?;
    plan::validate_overrides(&specs, &plan.workspace)?;
    let dataset = load_dataset(plan)?;
    let read_ms = start.elapsed().as_millis() as u64;
    let rules = plan::bind(&specs, &dataset, &plan.workspace.rule_overrides)?;

    let checks_start = Instant::now();
    let bar = if plan.progress {
        let bar = ProgressBar::new(rules.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{spinner} checks {bar:30} {pos}/{len} rules {elapsed}")
                .expect("static template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    // One memo of normalised values for the whole run: the checks fill it, the KPIs read it.
    let cache = crate::checks::Cache::new(&dataset);
    let output = engine::run(&dataset, &rules, &cache, &|| bar.inc(1));
    bar.finish_and_clear();
    let (tables, overall) =
        score::score_weighted(&dataset, &output.outcomes, &plan.workspace.score_weights);
    let checks_ms = checks_start.elapsed().as_millis() as u64;
    let dedupe_ms = output.entity_ms;

    let kpi_start = Instant::now();
    // Exact groups (DQ201) and fuzzy clusters (DQ202): the duplicate bounds span both answers.
    let clusters = kpi::Clusters::from_outcomes(&dataset, &output.outcomes);
    let kpis = kpi::compute(
        &dataset,
        &cache,
        &output.outcomes,
        &clusters,
        &kpi::KpiRun {
            as_of: plan.as_of,
            period: plan.period.as_ref(),
            overrides: &plan.workspace.kpis,
            settings: &plan.workspace.kpi_settings,
        },
    );
    let kpi_ms = kpi_start.elapsed().as_millis() as u64;
    let mut report = report::build::build(
        &dataset,
        output,
        tables,
        overall,
        plan.gate,
        Timings {
            read_ms,
            checks_ms,
            dedupe_ms,
            kpi_ms,
            total_ms: start.elapsed().as_millis() as u64,
            history_ms: 0,
        },
    );
    report.kpis = kpis;
    report.workspace = plan.workspace.name.clone();
    Ok(report)
}

/// How `--raw-csv` maps to the CSV writers.
pub fn csv_cells(raw: bool) -> report::csv_cells::CsvCells {
    if raw {
        report::csv_cells::CsvCells::Raw
    } else {
        report::csv_cells::CsvCells::SpreadsheetSafe
    }
}

/// NO_COLOR (no-color.org) wins over everything, `--color always` included: a user who set it
/// never wants escape codes, and a CI log is where they are most often set by a wrapper script.
fn no_color_unset() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => no_color_unset(),
        Color::Never => false,
        Color::Auto => no_color_unset() && std::io::stdout().is_terminal(),
    }
}

/// `crmaudit audit`: returns whether the gate passed.
pub fn audit(args: &AuditArgs) -> Result<bool> {
    run_command(args, false)
}

/// `crmaudit kpi`: the same run, the KPIs with their annotations on stdout. The gate applies as
/// for `audit`, so CI reads one exit code convention.
pub fn kpi(args: &AuditArgs) -> Result<bool> {
    run_command(args, true)
}

fn run_command(args: &AuditArgs, kpi_view: bool) -> Result<bool> {
    if let Some(threads) = args.threads {
        // Only fails if a pool exists already, which cannot happen this early in `main`.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(threads))
            .build_global();
    }
    let plan = AuditPlan::from_args(args)?;
    if let Some(dir) = &args.out {
        // Before the work: a bad --out must not cost a full audit to find out.
        report::prepare_out_dir(dir)?;
    }
    // Likewise a bad store, baseline or alert command.
    let mut history = crate::history::HistoryPlan::from_args(args, &plan.workspace)?;
    let mut report = run_audit(&plan)?;
    if let Some(history) = &mut history {
        crate::history::record(&mut report, history, plan.gate)?;
    }
    if let Some(dir) = &args.out {
        report::write_outputs(&report, dir, csv_cells(args.raw_csv))?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.format {
        Format::Json => report::json::write(&report, &mut out),
        Format::Junit => report::junit::write(&report, &mut out),
        Format::Markdown => report::markdown::write(&report, &mut out),
        Format::Text => {
            let options = report::text::TextOptions {
                color: use_color(args.color),
                quiet: args.quiet,
                out_dir: args.out.as_ref().map(|d| d.display().to_string()),
            };
            // The data cannot write escape sequences to the reader's terminal.
            let mut shown = report::terminal::Printable::new(&mut out, options.color);
            if kpi_view {
                report::kpi_text::write(&report, &options, &mut shown)
            } else {
                report::text::write(&report, &options, &mut shown)
            }
        }
    };
    // A closed pipe (`| head`) is not a failure of the audit.
    match written.and_then(|_| out.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(Error::Output {
                path: "stdout".into(),
                reason: err,
            });
        }
        _ => {}
    }
    Ok(report.gate.passed)
}
