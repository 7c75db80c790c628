//! The worklist as a sales manager opens it: in a real spreadsheet (LibreOffice Calc, headless).
//! A CRM value such as `=HYPERLINK("http://x","y")` must show as text, not become a live link.
//!
//! Needs `soffice` (Debian: libreoffice-calc-nogui, installed by `.ci/run`). Without it the test
//! fails when `CI` is set and is skipped otherwise.

mod common;

use std::path::Path;
use std::process::Command;

use common::audit;

const FORMULA: &str = r#"=HYPERLINK("http://x","y")"#;

fn soffice() -> Option<&'static str> {
    let found = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    match (found, std::env::var_os("CI").is_some()) {
        (true, _) => Some("soffice"),
        (false, true) => panic!(
            "soffice (LibreOffice) is required in CI: apt-get install libreoffice-calc-nogui"
        ),
        (false, false) => {
            eprintln!("skipped: soffice not installed");
            None
        }
    }
}

/// Opens `csv` in Calc (comma-separated, UTF-8) and returns the sheet as HTML.
fn open_in_calc(soffice: &str, csv: &Path) -> String {
    let out = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "html",
        ])
        .arg("--outdir")
        .arg(out.path())
        .arg(csv)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let html = out
        .path()
        .join(csv.file_stem().unwrap())
        .with_extension("html");
    std::fs::read_to_string(html).unwrap()
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // The formula sits in the email column: DQ001 lists it, raw value and all, in the worklist.
    let contacts = format!(
        "id,first_name,last_name,email\n1,Ann,Lee,ann@example.com\n2,Bob,Roe,\"{}\"\n",
        FORMULA.replace('"', "\"\"")
    );
    std::fs::write(dir.path().join("contacts.csv"), contacts).unwrap();
    dir
}

#[test]
fn a_formula_in_the_worklist_shows_as_text_in_a_spreadsheet() {
    let Some(soffice) = soffice() else {
        return;
    };
    let dir = workspace();
    let run = audit(&dir.path().join("contacts.csv"), &["--as-of", "2024-12-31"]);
    let html = open_in_calc(soffice, &run.out.path().join("worklist.csv"));
    assert!(
        !html.contains("<a href=\"http://x\""),
        "a live link: {html}"
    );
    assert!(
        html.contains("=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)"),
        "the formula's text is not shown: {html}"
    );

    // --raw-csv writes the value as is: the same spreadsheet then makes it a link, which is
    // what the default protects against (and shows this test can tell the two apart).
    let raw = audit(
        &dir.path().join("contacts.csv"),
        &["--as-of", "2024-12-31", "--raw-csv"],
    );
    let html = open_in_calc(soffice, &raw.out.path().join("worklist.csv"));
    assert!(html.contains("<a href=\"http://x\""), "{html}");
}

#[test]
fn every_csv_cell_that_starts_a_formula_is_neutralised() {
    let dir = workspace();
    let run = audit(&dir.path().join("contacts.csv"), &["--as-of", "2024-12-31"]);
    let rows = run.raw_csv("worklist.csv");
    let row = rows
        .iter()
        .find(|r| r["code"] == "DQ001")
        .expect("the formula is an invalid email");
    assert_eq!(row["value"], format!("'{FORMULA}"));
    let raw = audit(
        &dir.path().join("contacts.csv"),
        &["--as-of", "2024-12-31", "--raw-csv"],
    );
    let rows = raw.raw_csv("worklist.csv");
    let row = rows.iter().find(|r| r["code"] == "DQ001").unwrap();
    assert_eq!(row["value"], FORMULA);
}
