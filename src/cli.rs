//! Raw command-line arguments (clap derive only; resolved in `app`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "crmaudit",
    version,
    about = "Tells CRM teams whether their data can be trusted before they report on it",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit a workspace folder, a crmaudit.toml, or one CSV file.
    Audit(AuditArgs),
    /// Fuzzy duplicates of one table: clusters, survivors, explanations; --truth scores them.
    Dedupe(DedupeArgs),
    /// The rule catalogue.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// KPIs with their confidence annotations (runs the checks their inputs need).
    Kpi(AuditArgs),
    /// Past runs from the history store: scores and KPIs over time, what is new and what got fixed.
    History(HistoryArgs),
    /// Write a starter crmaudit.toml for the CSV files in DIR.
    Init {
        /// Folder holding the CSV exports.
        dir: PathBuf,
        /// Overwrite an existing crmaudit.toml.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the built-in rules and the check kinds user packs may use.
    List,
    /// Print what one rule does, why it matters for KPIs, an example and its options.
    Explain {
        /// A built-in code (DQ001) or, with --config, a user rule's code.
        code: String,
        /// A workspace (crmaudit.toml or its folder, not a rule pack) whose rule packs declare
        /// user rules.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Validate a user rule pack (syntax, codes, options, regexes).
    Check {
        /// The rule pack (TOML).
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// JUnit XML: a test suite per table, a test case per rule (audit and kpi only).
    Junit,
    /// GitHub-flavoured Markdown for pull-request comments and CI step summaries (audit and kpi only).
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Warn,
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A folder holding crmaudit.toml, a config file, or one CSV file (default: current folder).
    pub path: Option<PathBuf>,
    /// Workspace config file (default: PATH/crmaudit.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Reference date for staleness and periods, YYYY-MM-DD (default: the config's as_of, else today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    /// What goes to stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write report.json, report.html, worklist.csv and duplicates.csv in DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Fail the run when the overall score (0-100) is below SCORE.
    #[arg(long, value_name = "SCORE", allow_negative_numbers = true)]
    pub fail_under: Option<f64>,
    /// The lowest rule outcome that fails the run.
    #[arg(long, value_enum, default_value_t = FailOn::Fail)]
    pub fail_on: FailOn,
    /// An extra user rule pack (repeatable), on top of the config's rule_packs.
    #[arg(long = "rules", value_name = "FILE")]
    pub rule_packs: Vec<PathBuf>,
    /// Phone region for numbers written without + (ISO code, e.g. US); overrides the config.
    #[arg(long, value_name = "CODE")]
    pub default_region: Option<String>,
    /// Stop with an error on bytes that are not valid UTF-8 instead of reporting them.
    #[arg(long)]
    pub strict_encoding: bool,
    /// KPI period: all, 2024, 2024-Q3, 2024-07 or last-90d, relative to --as-of (default: each
    /// KPI's own, see `[kpis.<id>] period`).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Write CSV cells exactly as held, without the leading `'` that keeps a spreadsheet from
    /// evaluating cells starting with = + - @ (for programs that read the files).
    #[arg(long)]
    pub raw_csv: bool,
    /// No progress bar on stderr.
    #[arg(long)]
    pub no_progress: bool,
    /// Print the verdict only.
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour in the terminal summary: auto = only on a terminal; never with NO_COLOR set.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Append this run to a history store (SQLite file, created if missing) and compare it with
    /// the store's previous run.
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Compare with a previous run's report.json (and the worklist.csv beside it); the gate then
    /// fails only on problems that are new since it.
    #[arg(long, value_name = "REPORT")]
    pub baseline: Option<PathBuf>,
    /// Fail the run (exit 1) when an [alerts] regression triggers.
    #[arg(long)]
    pub fail_on_regression: bool,
    /// Run CMD (split like a shell command line, never run through a shell) with the alert JSON
    /// on its stdin when an alert triggers.
    #[arg(long, value_name = "CMD")]
    pub alert_cmd: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The history store (written by `audit --history FILE`).
    #[arg(long, value_name = "FILE")]
    pub history: PathBuf,
    /// What goes to stdout.
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
    pub format: HistoryFormat,
    /// Compare the latest run with this run id (default: the run before it).
    #[arg(long, value_name = "RUN")]
    pub since: Option<i64>,
    /// Show the last N runs (default: 20 in text and markdown, every run in JSON).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub last: Option<u32>,
}

#[derive(Debug, Args)]
pub struct DedupeArgs {
    /// The CSV file (kind, preset and fields recognised as `audit FILE` does).
    pub file: PathBuf,
    /// Take the table's settings (mapping, [tables.NAME.dedupe]) from this workspace config.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// With --config: the table to match (default: the one whose path is FILE).
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// A ground-truth entity column: print pairwise precision, recall, F1 and blocking recall.
    #[arg(long, value_name = "COLUMN")]
    pub truth: Option<String>,
    /// Explain two records field by field, whether they matched or not (record ids, or #LINE;
    /// repeatable).
    #[arg(long, value_name = "ID,ID")]
    pub pair: Vec<String>,
    /// What goes to stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write duplicates.csv and dedupe.json in DIR.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write CSV cells exactly as held (no leading `'` before = + - @).
    #[arg(long)]
    pub raw_csv: bool,
    /// Phone region for numbers written without + (ISO code, e.g. US).
    #[arg(long, value_name = "CODE")]
    pub default_region: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}
