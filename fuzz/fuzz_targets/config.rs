//! crmaudit.toml and rule packs from arbitrary text: parsing, validation, and the diagnostic a
//! user would see. A malformed file must be an error with a place, never a panic, and rendering
//! that error (spans into the text) must not panic either.
#![no_main]

use std::path::Path;

use crmaudit::config::WorkspaceConfig;
use crmaudit::config::rule_pack::parse_pack;
use crmaudit::error::SourceText;
use libfuzzer_sys::fuzz_target;

fn render(err: crmaudit::error::Error) {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor());
    let mut out = String::new();
    let _ = handler.render_report(&mut out, &err);
}

fuzz_target!(|data: &[u8]| {
    // The bytes as read from disk: not UTF-8 is an error at the first bad byte.
    if let Err(err) =
        SourceText::from_bytes(Path::new("fuzz/crmaudit.toml"), data.to_vec(), "config")
    {
        render(err);
    }
    let text = String::from_utf8_lossy(data).into_owned();
    if let Err(err) = WorkspaceConfig::parse(Path::new("fuzz/crmaudit.toml"), text.clone()) {
        render(err);
    }
    let source = SourceText::new(Path::new("fuzz/rules.toml"), text);
    if let Err(err) = parse_pack(&source, false) {
        render(err);
    }
});
