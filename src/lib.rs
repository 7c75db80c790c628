//! crmaudit: tells CRM teams whether their data can be trusted before they report on it.
//!
//! The pipeline flows one way:
//! **source → table → checks → findings → scores → KPIs → report → renderers.**
//!
//! - [`source`] reads a CSV export (encodings, dialect sniffing, ragged rows) into a
//!   [`table::RawTable`], keeping every record and turning file faults into issues;
//! - [`dataset`] maps headers to canonical fields by [`config`] presets and the workspace file;
//! - [`checks`] binds rule packs to tables and runs every rule in parallel, producing
//!   [`findings`] and rule outcomes;
//! - [`score`] rolls findings up into quality dimensions per field and table;
//! - [`kpi`] computes the KPI catalogue with statistical intervals, data-quality bounds,
//!   confidence grades and annotations, from the dataset, the findings and duplicate clusters;
//! - [`report`] assembles the [`report::AuditReport`] that every renderer reads;
//! - [`history`] keeps runs in a SQLite store, compares a run with the previous one or a
//!   baseline, and turns regressions into alerts and gate reasons.
//!
//! [`app`] wires the stages for the binary; tests and benches use the same functions.
//! [`wording`] puts counts in sentences (`1 table`, `3 tables`) for every text output.

// Diagnostics go through `stderr::line`, which cannot panic (see there).
#![deny(clippy::print_stderr)]

pub mod app;
pub mod builtin;
pub mod checks;
pub mod cli;
pub mod config;
pub mod dataset;
pub mod dedupe;
pub mod error;
pub mod findings;
pub mod history;
pub mod init;
pub mod kind;
pub mod kpi;
pub mod normalize;
pub mod report;
pub mod rules_cmd;
pub mod score;
pub mod source;
pub mod stderr;
pub mod table;
pub mod wording;
