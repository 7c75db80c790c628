//! `crmaudit init DIR`: a starter crmaudit.toml from the CSV files in DIR.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::config::Presets;
use crate::error::{Error, Result, usage, usage_help};
use crate::kind::Kind;
use crate::source::{self, ReadOptions};

struct Recognised {
    file: String,
    stem: String,
    kind: Kind,
    preset: Option<String>,
    id: Option<String>,
    mapped: usize,
    columns: usize,
    unmapped: Vec<String>,
    delimiter: u8,
    encoding: String,
}

fn snake(stem: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in stem.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && prev_lower {
                out.push('_');
            }
            out.extend(c.to_lowercase());
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() { "table".into() } else { out }
}

fn csv_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|err| usage(format!("cannot read folder {}: {err}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| ["csv", "tsv"].contains(&e.to_lowercase().as_str()))
        })
        .collect();
    files.sort();
    Ok(files)
}

fn recognise(path: &Path) -> Result<Recognised> {
    let raw = source::read_table(path, &ReadOptions::default()).map_err(Error::from)?;
    let headers: Vec<String> = raw.columns.iter().map(|c| c.header.clone()).collect();
    let file = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let stem = snake(&path.file_stem().unwrap_or_default().to_string_lossy());
    let presets = Presets::get();
    let found = presets.recognise(&file, &headers);
    let (kind, preset) = match &found {
        Some(r) => (r.kind, Some(r.preset)),
        None => (Kind::Other, None),
    };
    // Which headers the preset (then the generic preset) maps, as the audit will.
    let mut mapped_headers: Vec<(&String, &String)> = Vec::new();
    for p in [preset, presets.by_name("generic")].into_iter().flatten() {
        if let Some(part) = p.kind(kind) {
            for h in &headers {
                if let Some(canonical) = part.fields.get(&crate::config::preset::header_key(h))
                    && !mapped_headers
                        .iter()
                        .any(|(mh, mc)| *mh == h || *mc == canonical)
                {
                    mapped_headers.push((h, canonical));
                }
            }
        }
    }
    let id = mapped_headers
        .iter()
        .find(|(_, c)| c.as_str() == "id")
        .map(|(h, _)| (*h).clone());
    let unmapped = headers
        .iter()
        .filter(|h| !mapped_headers.iter().any(|(mh, _)| mh == h))
        .cloned()
        .collect();
    Ok(Recognised {
        file,
        stem,
        kind,
        preset: preset.map(|p| p.name.clone()),
        id,
        mapped: mapped_headers.len(),
        columns: headers.len(),
        unmapped,
        delimiter: raw.info.delimiter,
        encoding: raw.info.encoding.clone(),
    })
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Text from the files (header names, file names, error messages) made safe for a TOML comment
/// and a terminal line: a header holding a newline must not end the comment and write keys of
/// its own (`"note\n[rules.DQ001]\nenabled = false"` would switch a rule off), and control
/// characters are not allowed in TOML comments at all. They are shown escaped instead.
fn comment_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // Control characters, and the invisible ones that reorder or hide text in an editor
            // or a terminal (bidi overrides, zero-width spaces, the BOM).
            c if c.is_control()
                || matches!(
                    c,
                    '\u{200B}'..='\u{200F}'
                        | '\u{202A}'..='\u{202E}'
                        | '\u{2060}'..='\u{2064}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{FEFF}'
                ) =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Writes DIR/crmaudit.toml and returns a summary for the terminal.
pub fn init(dir: &Path, force: bool) -> Result<String> {
    if !dir.is_dir() {
        return Err(usage(format!("{} is not a folder", dir.display())));
    }
    let target = dir.join("crmaudit.toml");
    if target.exists() && !force {
        return Err(usage_help(
            format!("{} already exists", target.display()),
            "pass --force to overwrite it",
        ));
    }
    let files = csv_files(dir)?;
    if files.is_empty() {
        return Err(usage(format!(
            "{} holds no .csv or .tsv file",
            dir.display()
        )));
    }
    // A file that cannot be read as a table (empty, no header) is left out with a note, so one
    // bad export does not stop the others from being set up.
    let mut found: Vec<Recognised> = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    for file in &files {
        match recognise(file) {
            Ok(r) => found.push(r),
            Err(Error::Read(err)) => {
                let name = file.file_name().unwrap_or_default().to_string_lossy();
                skipped.push((name.into_owned(), err.to_string()));
            }
            Err(other) => return Err(other),
        }
    }
    if found.is_empty() {
        let reasons: Vec<String> = skipped.iter().map(|(_, why)| why.clone()).collect();
        return Err(usage(format!(
            "no file in {} can be read as a table: {}",
            dir.display(),
            reasons.join("; ")
        )));
    }
    let mut per_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for r in &found {
        *per_kind.entry(r.kind).or_default() += 1;
    }
    let dir_name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "workspace".into());

    let mut toml = String::new();
    let _ = writeln!(
        toml,
        "# Written by `crmaudit init`. Check the kinds and mappings, then run `crmaudit audit`."
    );
    let _ = writeln!(toml, "# Keys: see the README section \"Configuration\".\n");
    let _ = writeln!(toml, "[workspace]\nname = {}", toml_string(&dir_name));
    let _ = writeln!(
        toml,
        "# as_of = \"2024-12-31\"      # reference date for staleness (default: today, UTC)"
    );
    let _ = writeln!(
        toml,
        "# default_region = \"US\"     # phone region for numbers written without +"
    );
    let _ = writeln!(
        toml,
        "# date_order = \"mdy\"        # dmy | mdy | ymd, if dates such as 01/02/2024 appear"
    );
    let _ = writeln!(
        toml,
        "rule_packs = []            # your own rule packs, relative to this file\n"
    );
    let mut summary = String::new();
    let mut used_names: Vec<String> = Vec::new();
    for r in &found {
        let mut name = if r.kind != Kind::Other && per_kind[&r.kind] == 1 {
            r.kind.to_string()
        } else {
            r.stem.clone()
        };
        while used_names.contains(&name) {
            name.push('_');
        }
        used_names.push(name.clone());
        let _ = writeln!(toml, "[tables.{}]", toml_string(&name));
        let _ = writeln!(toml, "path = {}", toml_string(&r.file));
        let _ = writeln!(toml, "kind = \"{}\"", r.kind);
        if let Some(preset) = &r.preset {
            let _ = writeln!(toml, "preset = \"{preset}\"");
        }
        match &r.id {
            Some(id) => {
                let _ = writeln!(toml, "id = {}", toml_string(id));
            }
            None => {
                let _ = writeln!(
                    toml,
                    "# id = \"...\"                # no id column recognised: findings will name records by line"
                );
            }
        }
        let _ = writeln!(
            toml,
            "# read as {}, delimiter '{}'; {} of {} mapped to canonical fields",
            r.encoding,
            if r.delimiter == b'\t' {
                "\\t".to_string()
            } else {
                (r.delimiter as char).to_string()
            },
            r.mapped,
            crate::wording::plural(r.columns, "column", "columns")
        );
        if !r.unmapped.is_empty() {
            let shown: Vec<String> = r
                .unmapped
                .iter()
                .take(12)
                .map(|h| comment_safe(h))
                .collect();
            let more = r.unmapped.len().saturating_sub(12);
            let _ = writeln!(
                toml,
                "# unmapped (kept, listed in the report): {}{}",
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            );
            let _ = writeln!(
                toml,
                "# [tables.{}.columns]  # map more: \"Header\" = \"canonical_field\"",
                toml_string(&name)
            );
        }
        toml.push('\n');
        let _ = writeln!(
            summary,
            "  {:<18} {:<28} {:<16} {}",
            comment_safe(&name),
            comment_safe(&r.file),
            r.kind,
            r.preset.as_deref().unwrap_or("(not recognised)")
        );
    }
    for (file, why) in &skipped {
        let (file, why) = (comment_safe(file), comment_safe(why));
        let _ = writeln!(toml, "# skipped {file}: {why}");
        let _ = writeln!(summary, "  skipped {file}: {why}");
    }
    // What init writes must read back as the tables it found, nothing more: a config that does
    // not parse, or parses into other settings, is a bug here, never a file to leave behind.
    match crate::config::WorkspaceConfig::parse(&target, toml.clone()) {
        Ok(config) if config.tables.len() == found.len() => {}
        Ok(config) => {
            return Err(usage(format!(
                "internal error: the config init wrote reads back as {}, not {}; nothing written",
                crate::wording::plural(config.tables.len(), "table", "tables"),
                found.len()
            )));
        }
        Err(err) => {
            return Err(usage(format!(
                "internal error: the config init wrote does not read back ({err}); nothing written"
            )));
        }
    }
    crate::report::write_atomic(dir, "crmaudit.toml", |w| w.write_all(toml.as_bytes()))?;
    Ok(format!(
        "wrote {} with {}:\n{summary}",
        target.display(),
        crate::wording::plural(found.len(), "table", "tables")
    ))
}

#[cfg(test)]
mod tests {
    use super::snake;

    #[test]
    fn table_names_are_snake_case() {
        assert_eq!(snake("CampaignMember"), "campaign_member");
        assert_eq!(snake("Telco-Customer-Churn"), "telco_customer_churn");
        assert_eq!(snake("---"), "table");
    }
}
