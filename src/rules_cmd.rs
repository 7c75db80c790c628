//! `crmaudit rules list | explain | check`.

use std::io::Write;
use std::path::Path;

use crate::builtin;
use crate::checks::registry;
use crate::config::CheckKind;
use crate::config::rule_pack::load_user_pack;
use crate::error::{Result, usage_help};
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
    scope: String,
    fields: String,
    setting: String,
}

fn default_use_list(code: &str) -> Vec<DefaultUse> {
    let mut uses: Vec<DefaultUse> = builtin::default_rules()
        .iter()
        .filter(|s| &*s.code == code)
        .map(|spec| DefaultUse {
            scope: match &spec.scope {
                crate::config::TableScope::Kind(k) => k.to_string(),
                crate::config::TableScope::All => "every table".to_string(),
                crate::config::TableScope::Named(n) => n.clone(),
            },
            fields: match spec.fields.as_slice() {
                [] => String::new(),
                [all] if all == "*" => "every mapped field".to_string(),
                fields => fields.join(", "),
            },
            setting: if spec.tolerance > 0.0 {
                format!("{}, {}%", spec.severity.as_str(), spec.tolerance * 100.0)
            } else {
                spec.severity.as_str().to_string()
            },
        })
        .collect();
    // Every table first, then the kinds in name order.
    uses.sort_by(|a, b| {
        (a.scope != "every table", &a.scope).cmp(&(b.scope != "every table", &b.scope))
    });
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
        "{}: {} rule(s), all valid",
        file.display(),
        specs.len()
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
