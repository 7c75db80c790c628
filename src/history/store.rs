//! The history store: one SQLite file, appended to one run per transaction.
//!
//! Integrity, in the order a run meets it:
//! - **Identity before anything else.** A file that does not start with the SQLite magic is
//!   refused without handing it to SQLite at all; an SQLite file is a store only if its header
//!   carries crmaudit's `application_id` (or it is empty: a new store). Nothing is written to a
//!   file that failed these checks, and `quick_check` runs before a store is appended to or
//!   read, so a damaged store is refused before it could be made worse, and `crmaudit history`
//!   never shows runs from a file whose pages it cannot trust.
//! - **One transaction per run.** `BEGIN IMMEDIATE` takes the write lock up front, so two audits
//!   appending at once queue (busy timeout [`BUSY_TIMEOUT`]) instead of failing, and each one
//!   compares itself with the run that really precedes it. A reader sees whole runs only; a run
//!   killed before its commit leaves a rollback journal that SQLite plays back on the next open,
//!   restoring the file as it was.
//! - **Rollback journal, not WAL**: the store is one self-contained file at rest (no `-wal` and
//!   `-shm` beside it to lose when a CI job caches or copies it), and `synchronous = FULL` (the
//!   default) makes a commit durable. Appends are one per audit, so WAL's concurrency buys
//!   nothing here.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params,
};

use crate::error::{Error, Result};
use crate::findings::{Outcome, Severity};
use crate::kpi::result::{Interval, Range};
use crate::report::AuditReport;
use crate::report::history::{Alert, KpiPoint, RunPoint, TablePoint};

use super::keys::{FindingKeys, Group, GroupKey, IdList};
use super::schema::{self, APPLICATION_ID, SCHEMA_VERSION};
use super::snapshot::{InputPrint, KpiState, RuleState, Snapshot, sort_rules};

/// How long a run waits for another process's append before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

pub struct Store {
    path: PathBuf,
    /// None until the first append when the file does not exist yet.
    conn: Option<Connection>,
}

/// What the header of an SQLite file says it is.
enum Identity {
    /// No schema at all: a file SQLite (or another crmaudit run) just created, or an empty file.
    Empty,
    Store(i32),
}

impl Store {
    /// For `audit --history FILE`: checks an existing file now (before the audit's work) and
    /// migrates it; a file that does not exist is created by the first append.
    pub fn open_for_append(path: &Path) -> Result<Store> {
        if !path.exists() {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if !parent.is_dir() {
                return Err(history_error(
                    path,
                    format!("folder {} does not exist", parent.display()),
                    Some("the store is created on the first run, in a folder that exists".into()),
                ));
            }
            return Ok(Store {
                path: path.to_path_buf(),
                conn: None,
            });
        }
        Ok(Store::open_existing(path)?.0)
    }

    /// For `crmaudit history`: the store must exist, and passes the same identity and
    /// integrity checks as for an append. Migrates an older store.
    pub fn open(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(history_error(
                path,
                "no such file".to_string(),
                Some("`crmaudit audit --history FILE` creates the store with its first run".into()),
            ));
        }
        match Store::open_existing(path)? {
            (_, Identity::Empty) => {
                Err(not_a_store(path, "it is empty (no run was ever recorded)"))
            }
            (store, Identity::Store(_)) => Ok(store),
        }
    }

    /// Identifies the file (refusing anything that is not a store), checks its integrity
    /// (`quick_check`: a damaged page anywhere, not only in what a query happens to read), then
    /// migrates an older store.
    fn open_existing(path: &Path) -> Result<(Store, Identity)> {
        precheck(path)?;
        let conn = connect(path, false)?;
        let identity = identify(&conn, path)?;
        if matches!(identity, Identity::Store(_)) {
            let verdict: String = conn
                .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
                .map_err(|e| sqlite_error(path, e))?;
            if verdict != "ok" {
                return Err(damaged(path, &verdict));
            }
        }
        let mut store = Store {
            path: path.to_path_buf(),
            conn: Some(conn),
        };
        if let Identity::Store(version) = identity
            && version < SCHEMA_VERSION
        {
            // Under the write lock, re-reading the version: another run may have migrated it
            // meanwhile.
            let path = store.path.clone();
            let tx = store.begin(TransactionBehavior::Immediate)?;
            prepare(&tx, &path)?;
            tx.commit().map_err(|e| sqlite_error(&path, e))?;
        }
        Ok((store, identity))
    }

    fn begin(&mut self, behavior: TransactionBehavior) -> Result<Transaction<'_>> {
        if self.conn.is_none() {
            self.conn = Some(connect(&self.path, true)?);
        }
        let path = self.path.clone();
        self.conn
            .as_mut()
            .expect("connected above")
            .transaction_with_behavior(behavior)
            .map_err(|e| sqlite_error(&path, e))
    }

    /// Starts the transaction of one run: takes the write lock, creates or migrates the schema.
    /// Nothing is visible to others until [`Append::commit`]; dropping it rolls back.
    pub fn begin_append(&mut self) -> Result<Append<'_>> {
        let path = self.path.clone();
        let tx = self.begin(TransactionBehavior::Immediate)?;
        prepare(&tx, &path)?;
        Ok(Append { tx, path })
    }

    /// A consistent read of the store (one read transaction).
    pub fn read(&mut self) -> Result<Reader<'_>> {
        let path = self.path.clone();
        let tx = self.begin(TransactionBehavior::Deferred)?;
        Ok(Reader { tx, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Refuses, without opening it as a database, a path that is not a regular file or whose
/// first bytes are not SQLite's.
fn precheck(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| history_error(path, e.to_string(), None))?;
    if !meta.is_file() {
        return Err(history_error(
            path,
            "is not a file".to_string(),
            Some("--history names the store's file, e.g. audit-history.db".into()),
        ));
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let mut head = Vec::with_capacity(16);
    std::fs::File::open(path)
        .and_then(|f| f.take(16).read_to_end(&mut head))
        .map_err(|e| history_error(path, e.to_string(), None))?;
    if head.as_slice() != SQLITE_MAGIC {
        return Err(not_a_store(path, "it is not an SQLite database"));
    }
    Ok(())
}

fn connect(path: &Path, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| sqlite_error(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| sqlite_error(path, e))?;
    Ok(conn)
}

fn identify(conn: &Connection, path: &Path) -> Result<Identity> {
    let read = || -> rusqlite::Result<(i32, i32, i64)> {
        let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok((app, version, objects))
    };
    let (app, version, objects) = read().map_err(|e| sqlite_error(path, e))?;
    if app == APPLICATION_ID {
        if version > SCHEMA_VERSION {
            return Err(history_error(
                path,
                format!(
                    "was written by a newer crmaudit (store schema v{version}; this one knows up to v{SCHEMA_VERSION})"
                ),
                Some("upgrade crmaudit; the store was left as it was".into()),
            ));
        }
        return Ok(Identity::Store(version));
    }
    if app == 0 && version == 0 && objects == 0 {
        return Ok(Identity::Empty);
    }
    Err(not_a_store(
        path,
        &format!(
            "it is an SQLite database of another application (application_id {app:#x}, {objects} schema objects)"
        ),
    ))
}

/// Inside a write transaction: create an empty store's schema, or migrate an older one.
fn prepare(tx: &Transaction<'_>, path: &Path) -> Result<()> {
    match identify(tx, path)? {
        Identity::Empty => schema::migrate(tx, 0, SCHEMA_VERSION),
        Identity::Store(v) if v < SCHEMA_VERSION => schema::migrate(tx, v, SCHEMA_VERSION),
        Identity::Store(_) => Ok(()),
    }
    .map_err(|e| sqlite_error(path, e))
}

fn history_error(path: &Path, message: String, help: Option<String>) -> Error {
    Error::History {
        path: path.display().to_string(),
        message,
        help,
    }
}

fn not_a_store(path: &Path, why: &str) -> Error {
    history_error(
        path,
        format!("is not a crmaudit history store: {why}"),
        Some(
            "crmaudit left the file untouched; pass --history a new path (the store is created there) or the right file"
                .into(),
        ),
    )
}

fn damaged(path: &Path, detail: &str) -> Error {
    history_error(
        path,
        format!("is damaged (truncated or corrupt): {detail}"),
        Some("crmaudit left the file untouched; restore it from a backup, or start a new store at another path".into()),
    )
}

/// SQLite's errors in the user's terms.
pub(crate) fn sqlite_error(path: &Path, err: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    match err.sqlite_error_code() {
        Some(C::NotADatabase) => not_a_store(path, "it is not an SQLite database"),
        Some(C::DatabaseCorrupt) => damaged(path, &err.to_string()),
        Some(C::DatabaseBusy | C::DatabaseLocked) => history_error(
            path,
            format!(
                "is locked by another process for more than {} s",
                BUSY_TIMEOUT.as_secs()
            ),
            Some("another crmaudit run may be appending to it; try again when it is done".into()),
        ),
        Some(C::ReadOnly) => history_error(
            path,
            "cannot be written (read-only file or folder)".into(),
            Some(
                "the folder needs write access too: SQLite keeps its journal beside the store"
                    .into(),
            ),
        ),
        Some(C::DiskFull) => history_error(
            path,
            "the disk is full; the run was not recorded and the store is as it was".into(),
            None,
        ),
        Some(C::CannotOpen) => history_error(path, format!("cannot be opened: {err}"), None),
        _ => history_error(path, err.to_string(), None),
    }
}

/// What a run writes besides its report: input fingerprints, finding keys, alerts.
pub struct NewRun<'a> {
    pub report: &'a AuditReport,
    pub recorded_at: String,
    pub workspace: Option<String>,
    pub config: Option<String>,
    pub inputs: Vec<InputRecord>,
    /// Per group, the front-coded ids (encoded before the lock is taken).
    pub keys: Vec<(&'a GroupKey, &'a Group, Vec<u8>)>,
    pub alerts: &'a [Alert],
    /// The compared run's id or the baseline's path, stored with the alerts.
    pub compared_with: String,
}

#[derive(Debug, Clone)]
pub struct InputRecord {
    pub table: String,
    pub kind: String,
    pub path: String,
    pub rows: usize,
    pub print: InputPrint,
}

/// Encodes a run's keys (in parallel, outside the store's lock).
pub fn encode_keys(keys: &FindingKeys) -> Vec<(&GroupKey, &Group, Vec<u8>)> {
    use rayon::prelude::*;
    keys.groups
        .par_iter()
        .map(|(k, g)| (k, g, g.ids.encode()))
        .collect()
}

/// The transaction of one run being appended.
pub struct Append<'s> {
    tx: Transaction<'s>,
    path: PathBuf,
}

impl Append<'_> {
    /// The latest run before this one, with its finding keys.
    pub fn latest(&self) -> Result<Option<Snapshot>> {
        let latest: Option<i64> = self
            .tx
            .query_row("SELECT max(run_id) FROM runs", [], |r| r.get(0))
            .map_err(|e| sqlite_error(&self.path, e))?;
        match latest {
            Some(id) => load_snapshot(&self.tx, &self.path, id, true).map(Some),
            None => Ok(None),
        }
    }

    /// Writes the run; returns its id.
    pub fn insert(&self, run: &NewRun<'_>) -> Result<i64> {
        insert_run(&self.tx, run).map_err(|e| sqlite_error(&self.path, e))
    }

    /// The latest `limit` runs as trend points, and how many runs the store holds.
    pub fn points(&self, limit: usize) -> Result<(Vec<RunPoint>, usize)> {
        load_points(&self.tx, &self.path, limit)
    }

    pub fn commit(self) -> Result<()> {
        self.tx.commit().map_err(|e| sqlite_error(&self.path, e))
    }
}

/// One consistent read of the store.
pub struct Reader<'s> {
    tx: Transaction<'s>,
    path: PathBuf,
}

/// A run as `crmaudit history` lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunRow {
    pub run_id: i64,
    pub recorded_at: String,
    pub as_of: String,
    pub tool_version: String,
    pub workspace: Option<String>,
    pub config: Option<String>,
    pub score: f64,
    pub gate_passed: bool,
    pub records: usize,
    pub findings: usize,
    pub inputs: Vec<InputRow>,
    pub alerts: Vec<AlertRow>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct InputRow {
    pub table: String,
    pub kind: String,
    pub path: String,
    pub rows: usize,
    pub bytes: u64,
    pub fingerprint: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AlertRow {
    pub kind: String,
    pub subject: String,
    pub message: String,
    pub compared_with: String,
}

impl Reader<'_> {
    pub fn runs(&self) -> Result<Vec<RunRow>> {
        load_runs(&self.tx).map_err(|e| sqlite_error(&self.path, e))
    }

    pub fn snapshot(&self, run_id: i64) -> Result<Snapshot> {
        load_snapshot(&self.tx, &self.path, run_id, true)
    }

    pub fn points(&self, limit: usize) -> Result<(Vec<RunPoint>, usize)> {
        load_points(&self.tx, &self.path, limit)
    }

    /// Ends the read (nothing was written).
    pub fn finish(self) -> Result<()> {
        self.tx.commit().map_err(|e| sqlite_error(&self.path, e))
    }
}

fn insert_run(tx: &Transaction<'_>, run: &NewRun<'_>) -> rusqlite::Result<i64> {
    let r = run.report;
    tx.execute(
        "INSERT INTO runs (recorded_at, as_of, tool_version, workspace, config, score, gate_passed, records, findings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            run.recorded_at,
            r.as_of,
            r.tool.version,
            run.workspace,
            run.config,
            r.score,
            r.gate.passed,
            r.summary.records as i64,
            r.summary.findings as i64,
        ],
    )?;
    let run_id = tx.last_insert_rowid();
    {
        let mut stmt = tx.prepare(
            "INSERT INTO run_inputs (run_id, table_name, kind, path, rows, bytes, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for i in &run.inputs {
            stmt.execute(params![
                run_id,
                i.table,
                i.kind,
                i.path,
                i.rows as i64,
                i.print.bytes as i64,
                i.print.fingerprint
            ])?;
        }
    }
    {
        let mut stmt = tx.prepare(
            "INSERT INTO run_scores (run_id, table_name, field, score, completeness, validity, uniqueness, timeliness, consistency)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for t in &r.tables {
            stmt.execute(params![
                run_id,
                t.name,
                None::<String>,
                t.score,
                None::<f64>,
                None::<f64>,
                None::<f64>,
                None::<f64>,
                None::<f64>
            ])?;
            for f in &t.fields {
                stmt.execute(params![
                    run_id,
                    t.name,
                    f.name,
                    f.score,
                    f.completeness,
                    f.validity,
                    f.uniqueness,
                    f.timeliness,
                    f.consistency
                ])?;
            }
        }
    }
    {
        let mut stmt = tx.prepare(
            "INSERT INTO run_rules (run_id, code, name, table_name, field, severity, outcome, violations, checked, threshold)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for rule in &r.rules {
            stmt.execute(params![
                run_id,
                rule.code,
                rule.name,
                rule.table,
                rule.field,
                rule.severity.as_str(),
                rule.outcome.as_str(),
                rule.violations as i64,
                rule.checked as i64,
                rule.threshold
            ])?;
        }
    }
    {
        let mut stmt = tx.prepare(
            "INSERT INTO run_findings (run_id, table_name, field, code, rule, severity, count, record_ids)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (key, group, blob) in &run.keys {
            stmt.execute(params![
                run_id,
                key.table,
                key.field,
                key.code,
                group.rule,
                group.severity.as_str(),
                group.ids.len() as i64,
                blob
            ])?;
        }
    }
    {
        let mut stmt = tx.prepare(
            "INSERT INTO run_kpis (run_id, kpi_id, name, status, unit, variant, period, value, n, ci_level, ci_low, ci_high, ci_method,
                                   dq_low, dq_high, outer_low, outer_high, raw_value, input_quality, confidence, higher_is_better)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        )?;
        for k in &r.kpis {
            stmt.execute(params![
                run_id,
                k.id,
                k.name,
                k.status,
                k.unit,
                k.variant,
                k.period.label,
                k.value,
                k.n.map(|n| n as i64),
                k.ci.as_ref().map(|c| c.level),
                k.ci.as_ref().map(|c| c.low),
                k.ci.as_ref().and_then(|c| c.high),
                k.ci.as_ref().map(|c| c.method.clone()),
                k.dq_bounds.as_ref().map(|b| b.low),
                k.dq_bounds.as_ref().and_then(|b| b.high),
                k.outer.as_ref().map(|b| b.low),
                k.outer.as_ref().and_then(|b| b.high),
                k.raw_value,
                k.input_quality,
                k.confidence,
                k.higher_is_better
            ])?;
        }
    }
    {
        let mut stmt = tx.prepare(
            "INSERT INTO run_alerts (run_id, kind, subject, message, compared_with) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for a in run.alerts {
            stmt.execute(params![
                run_id,
                a.kind,
                a.subject,
                a.message,
                run.compared_with
            ])?;
        }
    }
    Ok(run_id)
}

fn parse_outcome(text: &str) -> Outcome {
    match text {
        "fail" => Outcome::Fail,
        "warn" => Outcome::Warn,
        _ => Outcome::Pass,
    }
}

fn parse_severity(text: &str) -> Severity {
    match text {
        "fail" => Severity::Fail,
        _ => Severity::Warn,
    }
}

fn load_runs(conn: &Connection) -> rusqlite::Result<Vec<RunRow>> {
    let mut runs: Vec<RunRow> = conn
        .prepare(
            "SELECT run_id, recorded_at, as_of, tool_version, workspace, config, score, gate_passed, records, findings
             FROM runs ORDER BY run_id",
        )?
        .query_map([], |r| {
            Ok(RunRow {
                run_id: r.get(0)?,
                recorded_at: r.get(1)?,
                as_of: r.get(2)?,
                tool_version: r.get(3)?,
                workspace: r.get(4)?,
                config: r.get(5)?,
                score: r.get(6)?,
                gate_passed: r.get(7)?,
                records: r.get::<_, i64>(8)? as usize,
                findings: r.get::<_, i64>(9)? as usize,
                inputs: Vec::new(),
                alerts: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let index = |runs: &[RunRow], id: i64| runs.binary_search_by_key(&id, |r| r.run_id).ok();
    let mut stmt = conn.prepare(
        "SELECT run_id, table_name, kind, path, rows, bytes, fingerprint FROM run_inputs ORDER BY run_id, table_name",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(i) = index(&runs, r.get(0)?) {
            runs[i].inputs.push(InputRow {
                table: r.get(1)?,
                kind: r.get(2)?,
                path: r.get(3)?,
                rows: r.get::<_, i64>(4)? as usize,
                bytes: r.get::<_, i64>(5)? as u64,
                fingerprint: r.get(6)?,
            });
        }
    }
    let mut stmt = conn.prepare(
        "SELECT run_id, kind, subject, message, compared_with FROM run_alerts ORDER BY run_id, rowid",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(i) = index(&runs, r.get(0)?) {
            runs[i].alerts.push(AlertRow {
                kind: r.get(1)?,
                subject: r.get(2)?,
                message: r.get(3)?,
                compared_with: r.get(4)?,
            });
        }
    }
    Ok(runs)
}

fn kpi_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<KpiState> {
    let level: Option<f64> = r.get(at + 5)?;
    let low: Option<f64> = r.get(at + 6)?;
    let ci = match (level, low) {
        (Some(level), Some(low)) => Some(Interval {
            level,
            low,
            high: r.get(at + 7)?,
            method: r.get::<_, Option<String>>(at + 8)?.unwrap_or_default(),
        }),
        _ => None,
    };
    let outer = r
        .get::<_, Option<f64>>(at + 9)?
        .map(|low| -> rusqlite::Result<Range> {
            Ok(Range {
                low,
                high: r.get(at + 10)?,
            })
        })
        .transpose()?;
    Ok(KpiState {
        id: r.get(at)?,
        name: r.get(at + 1)?,
        status: r.get(at + 2)?,
        unit: r.get(at + 3)?,
        value: r.get(at + 4)?,
        ci,
        outer,
        confidence: r.get(at + 11)?,
    })
}

const KPI_COLUMNS: &str = "kpi_id, name, status, unit, value, ci_level, ci_low, ci_high, ci_method, outer_low, outer_high, confidence";

fn load_snapshot(conn: &Connection, path: &Path, run_id: i64, with_keys: bool) -> Result<Snapshot> {
    let load = || -> rusqlite::Result<Option<Snapshot>> {
        let Some((recorded_at, as_of, score)) = conn
            .query_row(
                "SELECT recorded_at, as_of, score FROM runs WHERE run_id = ?1",
                [run_id],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let tables = conn
            .prepare("SELECT table_name, score FROM run_scores WHERE run_id = ?1 AND field IS NULL ORDER BY table_name")?
            .query_map([run_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<(String, f64)>>>()?;
        let mut rules = conn
            .prepare("SELECT code, name, table_name, field, severity, outcome, violations, checked FROM run_rules WHERE run_id = ?1")?
            .query_map([run_id], |r| {
                Ok(RuleState {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    table: r.get(2)?,
                    field: r.get(3)?,
                    severity: parse_severity(&r.get::<_, String>(4)?),
                    outcome: parse_outcome(&r.get::<_, String>(5)?),
                    violations: r.get::<_, i64>(6)? as usize,
                    checked: r.get::<_, i64>(7)? as usize,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        sort_rules(&mut rules);
        let kpis = conn
            .prepare(&format!(
                "SELECT {KPI_COLUMNS} FROM run_kpis WHERE run_id = ?1 ORDER BY kpi_id"
            ))?
            .query_map([run_id], |r| kpi_from_row(r, 0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let inputs = conn
            .prepare("SELECT table_name, bytes, fingerprint FROM run_inputs WHERE run_id = ?1 ORDER BY table_name")?
            .query_map([run_id], |r| {
                Ok(InputPrint {
                    table: r.get(0)?,
                    bytes: r.get::<_, i64>(1)? as u64,
                    fingerprint: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(Snapshot {
            run_id: Some(run_id),
            recorded_at: Some(recorded_at),
            as_of,
            score,
            tables,
            rules,
            kpis,
            keys: None,
            inputs,
        }))
    };
    let mut snapshot = load()
        .map_err(|e| sqlite_error(path, e))?
        .ok_or_else(|| history_error(path, format!("has no run {run_id}"), None))?;
    if with_keys {
        snapshot.keys = Some(load_keys(conn, path, run_id)?);
    }
    Ok(snapshot)
}

fn load_keys(conn: &Connection, path: &Path, run_id: i64) -> Result<FindingKeys> {
    /// (key, rule, severity, count, front-coded ids).
    type StoredGroup = (GroupKey, String, String, i64, Vec<u8>);
    let rows = (|| -> rusqlite::Result<Vec<StoredGroup>> {
        conn.prepare("SELECT table_name, field, code, rule, severity, count, record_ids FROM run_findings WHERE run_id = ?1")?
            .query_map([run_id], |r| {
                Ok((
                    GroupKey {
                        table: r.get(0)?,
                        field: r.get(1)?,
                        code: r.get(2)?,
                    },
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect()
    })()
    .map_err(|e| sqlite_error(path, e))?;
    use rayon::prelude::*;
    let groups = rows
        .into_par_iter()
        .map(|(key, rule, severity, count, blob)| {
            let ids = IdList::decode(&blob, count.max(0) as usize)
                .map_err(|why| damaged(path, &format!("run {run_id}: {why}")))?;
            Ok((
                key,
                Group {
                    rule,
                    severity: parse_severity(&severity),
                    ids,
                },
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(FindingKeys {
        groups: groups.into_iter().collect(),
    })
}

fn load_points(conn: &Connection, path: &Path, limit: usize) -> Result<(Vec<RunPoint>, usize)> {
    let load = || -> rusqlite::Result<(Vec<RunPoint>, usize)> {
        let total: i64 = conn.query_row("SELECT count(*) FROM runs", [], |r| r.get(0))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut points = conn
            .prepare(
                "SELECT run_id, recorded_at, as_of, score, gate_passed, findings FROM
                   (SELECT * FROM runs ORDER BY run_id DESC LIMIT ?1) ORDER BY run_id",
            )?
            .query_map([limit], |r| {
                Ok(RunPoint {
                    run_id: r.get(0)?,
                    recorded_at: r.get(1)?,
                    as_of: r.get(2)?,
                    score: r.get(3)?,
                    gate_passed: r.get(4)?,
                    findings: r.get::<_, i64>(5)? as usize,
                    tables: Vec::new(),
                    kpis: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let Some(first) = points.first().map(|p| p.run_id) else {
            return Ok((points, total as usize));
        };
        let index =
            |points: &[RunPoint], id: i64| points.binary_search_by_key(&id, |p| p.run_id).ok();
        let mut stmt = conn.prepare(
            "SELECT run_id, table_name, score FROM run_scores WHERE run_id >= ?1 AND field IS NULL ORDER BY run_id, table_name",
        )?;
        let mut rows = stmt.query([first])?;
        while let Some(r) = rows.next()? {
            if let Some(i) = index(&points, r.get(0)?) {
                points[i].tables.push(TablePoint {
                    name: r.get(1)?,
                    score: r.get(2)?,
                });
            }
        }
        let mut stmt = conn.prepare(&format!(
            "SELECT run_id, {KPI_COLUMNS} FROM run_kpis WHERE run_id >= ?1 ORDER BY run_id, kpi_id"
        ))?;
        let mut rows = stmt.query([first])?;
        while let Some(r) = rows.next()? {
            if let Some(i) = index(&points, r.get(0)?) {
                let k = kpi_from_row(r, 1)?;
                points[i].kpis.push(KpiPoint {
                    id: k.id,
                    name: k.name,
                    unit: k.unit,
                    status: k.status,
                    value: k.value,
                    ci: k.ci,
                    outer: k.outer,
                    confidence: k.confidence,
                });
            }
        }
        Ok((points, total as usize))
    };
    load().map_err(|e| sqlite_error(path, e))
}
