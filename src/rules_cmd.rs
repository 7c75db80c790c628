//! `crmaudit rules list | explain | check`.

use std::io::Write;
use std::path::Path;

use crate::builtin;
use crate::checks::registry;
use crate::config::rule_pack::load_user_pack;
use crate::config::{CheckKind, TableScope};
use crate::error::{Result, usage_help};
use crate::kind::Kind;
use crate::report::text::wrap;

/// The catalogue, wrapped to 80 columns: per rule its summary and where it runs by default,
/// with which fields, severity and tolerance.
pub fn list(out: &mut dyn Write) -> std::io::Result<()> {
    const WIDTH: usize = 80;
    const INDENT: &str = "       ";
    writeln!(
        out,
        "Built-in rules (tune them in crmaudit.toml with [rules.CODE]; explain one with\n`crmaudit rules explain CODE`):\n"
    )?;
    for check in registry::ALL {
        writeln!(out, "{}  {}", check.code(), check.name())?;
        for line in wrap(&summary(check.explain()), WIDTH - INDENT.len()) {
            writeln!(out, "{INDENT}{line}")?;
        }
        let defaults = default_uses(check.code());
        let text = if defaults.is_empty() {
            "default: none (declare it in a rule pack)".to_string()
        } else {
            format!("default: {}", defaults.join("; "))
        };
        for line in wrap(&text, WIDTH - INDENT.len()) {
            writeln!(out, "{INDENT}{line}")?;
        }
    }
    writeln!(out)?;
    let generic: Vec<&str> = CheckKind::GENERIC.iter().map(|k| k.as_str()).collect();
    for line in wrap(
        &format!(
            "User rule packs may declare checks of these kinds under their own codes: {}",
            generic.join(", ")
        ),
        WIDTH,
    ) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// One default use of a built-in rule: its scope, fields and outcome settings.
struct DefaultUse {
    /// Sorts the uses: every table, then kinds by name, then tables configured to have it.
    order: u8,
    scope: String,
    fields: String,
    setting: String,
}

/// Where a built-in rule runs by default, read from the embedded packs and, for entity matching
/// (declared for every table but run only where matching is configured), from the kinds'
/// matching defaults in `rules/dedupe/`: the same data the audit reads, so the two cannot drift.
fn default_use_list(code: &str) -> Vec<DefaultUse> {
    let mut uses: Vec<DefaultUse> = Vec::new();
    for spec in builtin::default_rules().iter().filter(|s| &*s.code == code) {
        let setting = if spec.tolerance > 0.0 {
            format!("{}, {}%", spec.severity.as_str(), spec.tolerance * 100.0)
        } else {
            spec.severity.as_str().to_string()
        };
        let fields = match spec.fields.as_slice() {
            [] => String::new(),
            [all] if all == "*" => "every mapped field".to_string(),
            fields => fields.join(", "),
        };
        if spec.check == CheckKind::Entity {
            for kind in Kind::ALL {
                let in_scope = match &spec.scope {
                    TableScope::All => true,
                    TableScope::Kind(k) => k == kind,
                    TableScope::Named(n) => n == kind.as_str(),
                };
                if let Some(matching) =
                    crate::config::dedupe::default_for(*kind).filter(|m| in_scope && m.enabled)
                {
                    let compared: Vec<&str> = matching
                        .fields
                        .iter()
                        .map(|f| f.field.value.as_str())
                        .collect();
                    uses.push(DefaultUse {
                        order: 1,
                        scope: kind.to_string(),
                        fields: compared.join(", "),
                        setting: setting.clone(),
                    });
                }
            }
            uses.push(DefaultUse {
                order: 2,
                scope: "other tables with [tables.NAME.dedupe]".to_string(),
                fields: String::new(),
                setting,
            });
            continue;
        }
        let (order, scope) = match &spec.scope {
            TableScope::Kind(k) => (1, k.to_string()),
            TableScope::All => (0, "every table".to_string()),
            TableScope::Named(n) => (1, n.clone()),
        };
        uses.push(DefaultUse {
            order,
            scope,
            fields,
            setting,
        });
    }
    uses.sort_by(|a, b| (a.order, &a.scope).cmp(&(b.order, &b.scope)));
    uses
}

/// For `rules list`: per severity and tolerance, the scopes, and the fields where every scope
/// of the group reads the same ones (else `rules explain` has them).
fn default_uses(code: &str) -> Vec<String> {
    let mut groups: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for u in default_use_list(code) {
        match groups.iter_mut().find(|g| g.0 == u.setting) {
            Some(group) => {
                if !group.1.contains(&u.scope) {
                    group.1.push(u.scope);
                }
                group.2.push(u.fields);
            }
            None => groups.push((u.setting, vec![u.scope], vec![u.fields])),
        }
    }
    groups
        .into_iter()
        .map(|(setting, scopes, fields)| {
            let same = fields.iter().all(|f| *f == fields[0]);
            let on = if same && !fields[0].is_empty() {
                format!(" on {}", fields[0])
            } else {
                String::new()
            };
            format!("{setting}{on} in {}", scopes.join(", "))
        })
        .collect()
}

/// The first sentence of a check's "What it does".
fn summary(explain: &str) -> String {
    let body = explain
        .split("## What it does")
        .nth(1)
        .unwrap_or(explain)
        .trim_start();
    let sentence = body.split(". ").next().unwrap_or(body).trim_end();
    let sentence = sentence.split("\n\n").next().unwrap_or(sentence);
    let one_line = sentence.replace('\n', " ");
    if one_line.ends_with('.') {
        one_line
    } else {
        format!("{one_line}.")
    }
}

pub fn explain(code: &str, config: Option<&Path>, out: &mut dyn Write) -> Result<()> {
    let code_upper = code.to_uppercase();
    if let Some(check) = registry::by_code(&code_upper) {
        write_explain(
            out,
            check.code(),
            check.name(),
            check.kind(),
            check.explain(),
        )
        .map_err(output_error)?;
        return Ok(());
    }
    if let Some(config) = config {
        // A workspace folder works as for `audit`.
        let config = if config.is_dir() {
            config.join("crmaudit.toml")
        } else {
            config.to_path_buf()
        };
        let ws = crate::config::WorkspaceConfig::load(&config)?;
        for pack in &ws.rule_packs {
            for spec in load_user_pack(&pack.value)? {
                if *spec.code == *code_upper {
                    let check = registry::by_kind(spec.check);
                    writeln!(
                        out,
                        "{} {} — user rule from {} (check `{}`, severity {}, tolerance {})\n{}\n",
                        spec.code,
                        spec.name,
                        pack.value.display(),
                        spec.check.as_str(),
                        spec.severity.as_str(),
                        spec.tolerance,
                        spec.message.as_deref().unwrap_or("")
                    )
                    .map_err(output_error)?;
                    write_explain(
                        out,
                        check.code(),
                        check.name(),
                        check.kind(),
                        check.explain(),
                    )
                    .map_err(output_error)?;
                    return Ok(());
                }
            }
        }
    }
    Err(usage_help(
        format!("no rule has code `{code}`"),
        "`crmaudit rules list` shows the built-in codes; pass --config FILE to look up user rules",
    ))
}

fn write_explain(
    out: &mut dyn Write,
    code: &str,
    name: &str,
    kind: CheckKind,
    text: &str,
) -> std::io::Result<()> {
    writeln!(out, "{code} {name} (check kind `{}`)\n", kind.as_str())?;
    writeln!(out, "{}", text.trim_end())?;
    let uses = default_use_list(code);
    if !uses.is_empty() {
        writeln!(out, "\n## Default use")?;
        for u in uses {
            let fields = if u.fields.is_empty() {
                String::new()
            } else {
                format!(" {}", u.fields)
            };
            writeln!(out, "- {}:{fields} ({})", u.scope, u.setting)?;
        }
    }
    Ok(())
}

pub fn check(file: &Path, out: &mut dyn Write) -> Result<()> {
    if !file.is_file() {
        return Err(usage_help(
            format!("rule pack {} does not exist", file.display()),
            "pass the path of a TOML file with [[rule]] entries",
        ));
    }
    let specs = load_user_pack(file)?;
    writeln!(
        out,
        "{}: {}, all valid",
        file.display(),
        crate::wording::plural(specs.len(), "rule", "rules")
    )
    .map_err(output_error)?;
    for spec in &specs {
        writeln!(
            out,
            "  {} {:<28} {:<10} {}",
            spec.code,
            spec.name,
            spec.check.as_str(),
            spec.severity.as_str()
        )
        .map_err(output_error)?;
    }
    Ok(())
}

fn output_error(source: std::io::Error) -> crate::error::Error {
    crate::error::Error::Output {
        path: "stdout".into(),
        reason: source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rules explain DQ202` and the rule's own text name the kinds the audit matches by
    /// default (`config::dedupe::default_for`, which `dataset::bind` reads too).
    #[test]
    fn entity_matching_default_use_is_the_kinds_matched_by_default() {
        let mut matched: Vec<String> = Kind::ALL
            .iter()
            .filter(|k| crate::config::dedupe::default_for(**k).is_some_and(|m| m.enabled))
            .map(|k| k.to_string())
            .collect();
        matched.sort();
        let listed: Vec<String> = default_use_list("DQ202")
            .into_iter()
            .filter(|u| u.order == 1)
            .map(|u| u.scope)
            .collect();
        assert_eq!(listed, matched);
        let text = registry::by_code("DQ202").unwrap().explain();
        let sentence = text
            .split("Runs by default on ")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .expect("DQ202's text says where it runs by default");
        let mut named: Vec<String> = sentence
            .split([',', ' '])
            .filter(|w| !w.is_empty() && *w != "and")
            .map(str::to_string)
            .collect();
        named.sort();
        assert_eq!(named, matched, "DQ202's text: {sentence}");
    }
}
