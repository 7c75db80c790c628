//! Binds rule declarations to the tables and columns of one run.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::WorkspaceConfig;
use crate::config::workspace::{Placed, RuleOverride};
use crate::config::{CheckKind, RuleSpec, TableScope};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::findings::Severity;
use crate::kind::Kind;

use super::Check;
use super::registry;

/// One rule bound to one table and its columns: the unit the engine runs in parallel.
pub struct Rule {
    pub spec: Arc<RuleSpec>,
    pub check: &'static dyn Check,
    pub table: usize,
    /// The field the rule reports on first; compare rules add the right-hand field, stale rules
    /// the fallback date fields.
    pub columns: Vec<usize>,
    pub severity: Severity,
    pub tolerance: f64,
    /// Reference rules: the (table, column) whose values must contain ours.
    pub target: Option<(usize, usize)>,
}

/// Resolves every spec against the dataset. Built-in rules whose field a table lacks simply do
/// not apply; a user rule naming a table or field that is not there is a config error, since it
/// would otherwise pass while checking nothing.
pub fn bind(
    specs: &[Arc<RuleSpec>],
    dataset: &Dataset,
    overrides: &BTreeMap<String, Placed<RuleOverride>>,
) -> Result<Vec<Rule>> {
    let mut rules: Vec<Rule> = Vec::new();
    for spec in specs {
        let over = overrides.get(&*spec.code).map(|o| &o.value);
        if over.and_then(|o| o.enabled) == Some(false) {
            continue;
        }
        let severity = over.and_then(|o| o.severity).unwrap_or(spec.severity);
        let tolerance = over.and_then(|o| o.tolerance).unwrap_or(spec.tolerance);
        let spec = match over.and_then(|o| o.after_days) {
            Some(days) if spec.check == CheckKind::Stale => {
                let mut tuned = (**spec).clone();
                tuned.options.after_days = Some(days);
                Arc::new(tuned)
            }
            _ => spec.clone(),
        };
        let check = registry::by_kind(spec.check);
        for table_index in scope_tables(&spec, dataset)? {
            let table = &dataset.tables[table_index];
            let resolve = |i: usize, field: &str| -> Result<Option<usize>> {
                match table.resolve_field(field) {
                    Some(col) => Ok(Some(col)),
                    None if spec.builtin => Ok(None),
                    None => Err(spec.error(
                        spec.field_spans.get(i).cloned(),
                        format!(
                            "rule {} reads field `{field}`, which table `{}` ({}) does not have",
                            spec.code,
                            table.name,
                            table.raw.path.display()
                        ),
                        "no such field or header",
                    )),
                }
            };
            let mut push = |columns: Vec<usize>, target: Option<(usize, usize)>| {
                let duplicate = rules.iter().any(|r| {
                    r.spec.code == spec.code && r.table == table_index && r.columns == columns
                });
                if !duplicate {
                    rules.push(Rule {
                        spec: spec.clone(),
                        check,
                        table: table_index,
                        columns,
                        severity,
                        tolerance,
                        target,
                    });
                }
            };
            match spec.check {
                // Entity matching reads the fields its table's dedupe settings name; a table
                // with matching switched off (or no settings for its kind) has no such rule.
                CheckKind::Entity => {
                    if let Some(config) = table.dedupe.as_ref().filter(|c| c.enabled) {
                        let columns: Vec<usize> = crate::dedupe::resolve_fields(table, config)
                            .into_iter()
                            .map(|(col, _)| col)
                            .collect();
                        if !columns.is_empty() {
                            push(columns, None);
                        }
                    }
                }
                kind if kind.is_table_level() => push(Vec::new(), None),
                CheckKind::Compare => {
                    let (left, right) =
                        (resolve(0, &spec.fields[0])?, resolve(1, &spec.fields[1])?);
                    if let (Some(l), Some(r)) = (left, right) {
                        push(vec![l, r], None);
                    }
                }
                CheckKind::Stale => {
                    // The fields are tried in order: the first date a record has is its last sign
                    // of life.
                    let mut chain = Vec::new();
                    for (i, field) in spec.fields.iter().enumerate() {
                        if let Some(col) = table.resolve_field(field) {
                            chain.push(col);
                        } else if !spec.builtin && chain.is_empty() && i + 1 == spec.fields.len() {
                            resolve(i, field)?;
                        }
                    }
                    if !chain.is_empty() {
                        push(chain, None);
                    }
                }
                CheckKind::Reference => {
                    let Some(column) = resolve(0, &spec.fields[0])? else {
                        continue;
                    };
                    let (target_table, target_field) = spec
                        .options
                        .reference
                        .as_ref()
                        .expect("validated in rule_pack");
                    match resolve_target(dataset, target_table, target_field) {
                        Some(target) => push(vec![column], Some(target)),
                        None if spec.builtin => {}
                        None => {
                            return Err(missing_target(&spec, dataset, target_table, target_field));
                        }
                    }
                }
                _ => {
                    for (i, field) in spec.fields.iter().enumerate() {
                        if field == "*" {
                            for col in table.mapped_columns() {
                                push(vec![col], None);
                            }
                        } else if let Some(col) = resolve(i, field)? {
                            push(vec![col], None);
                        }
                    }
                }
            }
        }
    }
    Ok(rules)
}

/// `[rules.CODE]` must tune a rule of this run, with options its check has: a typo would
/// otherwise leave the rule untuned while the run looks configured.
pub fn validate_overrides(specs: &[Arc<RuleSpec>], ws: &WorkspaceConfig) -> Result<()> {
    for (code, placed) in &ws.rule_overrides {
        let over = &placed.value;
        let of_code: Vec<&Arc<RuleSpec>> = specs.iter().filter(|s| &*s.code == code).collect();
        if of_code.is_empty() {
            let mut codes: Vec<&str> = specs.iter().map(|s| &*s.code).collect();
            codes.sort_unstable();
            codes.dedup();
            let hint = codes
                .iter()
                .find(|c| c.eq_ignore_ascii_case(code))
                .map(|c| format!("codes are case-sensitive: did you mean `{c}`? "))
                .unwrap_or_default();
            return Err(ws.error_at(
                over.code_span.clone(),
                format!("[rules.{code}] tunes no rule of this run"),
                "unknown rule code",
                Some(format!(
                    "{hint}the rules of this run are: {}",
                    codes.join(", ")
                )),
            ));
        }
        if let Some(span) = &over.after_days_span
            && of_code.iter().any(|s| s.check != CheckKind::Stale)
        {
            return Err(ws.error_at(
                span.clone(),
                format!("after_days does not apply to {code}: only stale-record rules have it"),
                "not an option of this rule",
                Some(
                    "[rules.CODE] takes enabled, severity and tolerance, plus after_days for stale-record rules"
                        .into(),
                ),
            ));
        }
    }
    Ok(())
}

/// The tables `to = "TABLE.FIELD"` may name: a table of the workspace, else every table of
/// that kind.
fn target_tables(dataset: &Dataset, table: &str) -> Vec<usize> {
    match dataset.table_by_name(table) {
        Some(t) => vec![t],
        None => match Kind::parse(table) {
            Some(kind) => (0..dataset.tables.len())
                .filter(|&t| dataset.tables[t].kind == kind)
                .collect(),
            None => Vec::new(),
        },
    }
}

fn resolve_target(dataset: &Dataset, table: &str, field: &str) -> Option<(usize, usize)> {
    target_tables(dataset, table)
        .into_iter()
        .find_map(|t| dataset.tables[t].resolve_field(field).map(|c| (t, c)))
}

/// A user reference rule whose `to` names a table or field the workspace lacks, at its `to`.
fn missing_target(
    spec: &RuleSpec,
    dataset: &Dataset,
    table: &str,
    field: &str,
) -> crate::error::Error {
    let tables = target_tables(dataset, table);
    let (message, label, help) = match tables.first() {
        None => {
            let names: Vec<String> = dataset
                .tables
                .iter()
                .map(|t| format!("{} (kind {})", t.name, t.kind))
                .collect();
            (
                format!(
                    "rule {} refers to table `{table}`, which is neither a table of the workspace nor the kind of one",
                    spec.code
                ),
                "no such table".to_string(),
                format!("the tables are: {}", names.join(", ")),
            )
        }
        Some(&t) => {
            let target = &dataset.tables[t];
            let headers: Vec<&str> = target
                .raw
                .columns
                .iter()
                .map(|c| c.header.as_str())
                .collect();
            (
                format!(
                    "rule {} refers to field `{field}` of table `{}`, which {} does not have",
                    spec.code,
                    target.name,
                    target.raw.path.display()
                ),
                "no such field or header".to_string(),
                format!("its headers are: {}", headers.join(", ")),
            )
        }
    };
    match &spec.origin {
        Some((source, rule_span)) => source.error(
            spec.to_span.clone().unwrap_or_else(|| rule_span.clone()),
            message,
            label,
            Some(help),
        ),
        None => crate::error::usage(message),
    }
}

fn scope_tables(spec: &RuleSpec, dataset: &Dataset) -> Result<Vec<usize>> {
    let all = 0..dataset.tables.len();
    Ok(match &spec.scope {
        TableScope::All => all.collect(),
        TableScope::Kind(kind) => all.filter(|&t| dataset.tables[t].kind == *kind).collect(),
        TableScope::Named(name) => {
            let of_kind: Vec<usize> = match Kind::parse(name) {
                Some(kind) => all
                    .clone()
                    .filter(|&t| dataset.tables[t].kind == kind)
                    .collect(),
                None => Vec::new(),
            };
            if let Some(t) = dataset.table_by_name(name) {
                vec![t]
            } else if !of_kind.is_empty() || spec.builtin {
                of_kind
            } else {
                // A user rule that applies to no table would pass while checking nothing.
                let names: Vec<String> = dataset
                    .tables
                    .iter()
                    .map(|t| format!("{} (kind {})", t.name, t.kind))
                    .collect();
                return Err(spec.error(
                    spec.table_span.clone(),
                    format!(
                        "rule {} names table `{name}`, which is neither a table of the workspace nor the kind of one",
                        spec.code
                    ),
                    &format!("expected one of: {}", names.join(", ")),
                ));
            }
        }
    })
}
