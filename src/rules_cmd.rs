//! `crmaudit rules list | explain | check`.

use std::io::Write;
use std::path::Path;

use crate::builtin;
use crate::checks::registry;
use crate::config::CheckKind;
use crate::config::rule_pack::load_user_pack;
use crate::error::{Result, usage_help};

pub fn list(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "Built-in rules (tune in crmaudit.toml with [rules.CODE]):"
    )?;
    for check in registry::ALL {
        let kinds: Vec<String> = {
            let mut scopes: Vec<String> = builtin::default_rules()
                .iter()
                .filter(|s| &*s.code == check.code())
                .map(|s| match &s.scope {
                    crate::config::TableScope::Kind(k) => k.to_string(),
                    crate::config::TableScope::All => "every table".to_string(),
                    crate::config::TableScope::Named(n) => n.clone(),
                })
                .collect();
            scopes.sort();
            scopes.dedup();
            scopes
        };
        let first_line = summary(check.explain());
        writeln!(
            out,
            "  {}  {:<24} {}",
            check.code(),
            check.name(),
            first_line
        )?;
        if !kinds.is_empty() {
            writeln!(out, "         default on: {}", kinds.join(", "))?;
        }
    }
    writeln!(out)?;
    let generic: Vec<&str> = CheckKind::GENERIC.iter().map(|k| k.as_str()).collect();
    writeln!(
        out,
        "User rule packs may declare checks of these kinds under their own codes: {}",
        generic.join(", ")
    )?;
    Ok(())
}

/// The first sentence of a check's "What it does".
fn summary(explain: &str) -> String {
    let body = explain
        .split("## What it does")
        .nth(1)
        .unwrap_or(explain)
        .trim_start();
    let sentence = body.split(". ").next().unwrap_or(body);
    let one_line = sentence.replace('\n', " ");
    if one_line.chars().count() > 90 {
        format!("{}…", one_line.chars().take(89).collect::<String>())
    } else {
        one_line
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
        let ws = crate::config::WorkspaceConfig::load(config)?;
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
    writeln!(out, "{}", text.trim_end())
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
        source,
    }
}
