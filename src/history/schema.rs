//! The store's schema and its forward migrations.
//!
//! A store is an SQLite file whose header says it is one: `application_id` is [`APPLICATION_ID`]
//! and `user_version` the schema version. Both live in the file header, so a file is identified
//! before any table of it is read. Migrations only ever add (tables, columns, indexes); each runs
//! in the transaction that uses the store, so a store is at one version or the next, never in
//! between, and the data of older runs is never rewritten.
//!
//! - v1: runs, their inputs (size and fingerprint), scores per table and field, rule outcomes,
//!   finding keys (front-coded record ids per table, field and code).
//! - v2: KPI values with intervals and grades; the alerts each run triggered.

use rusqlite::Transaction;

/// "CRMA" in ASCII.
pub const APPLICATION_ID: i32 = 0x4352_4D41;

/// The version this crmaudit writes; it reads stores at this version or older (migrating them).
pub const SCHEMA_VERSION: i32 = 2;

/// `MIGRATIONS[v]` brings a store from version v to v + 1.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    // v0 -> v1
    r#"
    CREATE TABLE runs (
        run_id       INTEGER PRIMARY KEY AUTOINCREMENT,
        recorded_at  TEXT NOT NULL,     -- UTC, RFC 3339
        as_of        TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        workspace    TEXT,              -- [workspace] name
        config       TEXT,              -- the config file, as given
        score        REAL NOT NULL,
        gate_passed  INTEGER NOT NULL,
        records      INTEGER NOT NULL,
        findings     INTEGER NOT NULL   -- worklist rows
    );
    CREATE TABLE run_inputs (
        run_id      INTEGER NOT NULL REFERENCES runs(run_id),
        table_name  TEXT NOT NULL,
        kind        TEXT NOT NULL,
        path        TEXT NOT NULL,
        rows        INTEGER NOT NULL,
        bytes       INTEGER NOT NULL,
        fingerprint TEXT NOT NULL       -- xxh3-128 of the file's bytes, hex
    );
    CREATE INDEX run_inputs_run ON run_inputs(run_id);
    CREATE TABLE run_scores (
        run_id       INTEGER NOT NULL REFERENCES runs(run_id),
        table_name   TEXT NOT NULL,
        field        TEXT,              -- NULL: the table's own score
        score        REAL NOT NULL,
        completeness REAL,
        validity     REAL,
        uniqueness   REAL,
        timeliness   REAL,
        consistency  REAL
    );
    CREATE INDEX run_scores_run ON run_scores(run_id);
    CREATE TABLE run_rules (
        run_id     INTEGER NOT NULL REFERENCES runs(run_id),
        code       TEXT NOT NULL,
        name       TEXT NOT NULL,
        table_name TEXT NOT NULL,
        field      TEXT NOT NULL,       -- '' for record-level rules
        severity   TEXT NOT NULL,
        outcome    TEXT NOT NULL,
        violations INTEGER NOT NULL,
        checked    INTEGER NOT NULL,
        threshold  REAL NOT NULL
    );
    CREATE INDEX run_rules_run ON run_rules(run_id);
    CREATE TABLE run_findings (
        run_id     INTEGER NOT NULL REFERENCES runs(run_id),
        table_name TEXT NOT NULL,
        field      TEXT NOT NULL,
        code       TEXT NOT NULL,
        rule       TEXT NOT NULL,
        severity   TEXT NOT NULL,
        count      INTEGER NOT NULL,
        record_ids BLOB NOT NULL        -- sorted ids, front-coded (history/keys.rs)
    );
    CREATE INDEX run_findings_run ON run_findings(run_id);
    "#,
    // v1 -> v2
    r#"
    CREATE TABLE run_kpis (
        run_id           INTEGER NOT NULL REFERENCES runs(run_id),
        kpi_id           TEXT NOT NULL,
        name             TEXT NOT NULL,
        status           TEXT NOT NULL,
        unit             TEXT NOT NULL,
        variant          TEXT NOT NULL,
        period           TEXT NOT NULL,
        value            REAL,
        n                INTEGER,
        ci_level         REAL,
        ci_low           REAL,
        ci_high          REAL,
        ci_method        TEXT,
        dq_low           REAL,
        dq_high          REAL,
        outer_low        REAL,
        outer_high       REAL,
        raw_value        REAL,
        input_quality    REAL,
        confidence       TEXT,
        higher_is_better INTEGER NOT NULL
    );
    CREATE INDEX run_kpis_run ON run_kpis(run_id);
    CREATE TABLE run_alerts (
        run_id        INTEGER NOT NULL REFERENCES runs(run_id),
        kind          TEXT NOT NULL,
        subject       TEXT NOT NULL,
        message       TEXT NOT NULL,
        compared_with TEXT NOT NULL     -- history run id, or the baseline's path
    );
    CREATE INDEX run_alerts_run ON run_alerts(run_id);
    "#,
];

/// Brings the store from `from` to `to` inside `tx` (the caller commits).
pub fn migrate(tx: &Transaction<'_>, from: i32, to: i32) -> rusqlite::Result<()> {
    if from == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    for version in from..to {
        tx.execute_batch(MIGRATIONS[version as usize])?;
        tx.pragma_update(None, "user_version", version + 1)?;
    }
    Ok(())
}
