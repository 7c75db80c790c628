//! Configuration: the workspace file `crmaudit.toml`, rule packs and header presets.
//!
//! Everything here is parsed with serde (`deny_unknown_fields`, so a typo lists the expected keys)
//! and validated before any data is read; every error points at the place in its file.

pub mod alerts;
pub mod dedupe;
pub mod kpis;
pub mod preset;
pub mod rule_pack;
pub mod workspace;

pub use preset::{Preset, Presets};
pub use rule_pack::{CheckKind, CompareOp, RuleOptions, RuleSpec, StyleKind, TableScope};
pub use workspace::{TableConfig, WorkspaceConfig};
