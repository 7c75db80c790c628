//! A small harness for end-to-end tests: runs the real binary in a temporary output folder and
//! reads back what a user or CI job would (exit code, stdout, stderr, report.json, worklist.csv).

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(path: &str) -> PathBuf {
    root().join("fixtures").join(path)
}

/// `../shared/data/real/...` beside the repository, as in CI.
pub fn shared(path: &str) -> PathBuf {
    root().join("..").join("shared").join(path)
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub out: tempfile::TempDir,
}

pub type Row = HashMap<String, String>;

impl Run {
    pub fn report(&self) -> Value {
        let text = std::fs::read_to_string(self.out.path().join("report.json"))
            .unwrap_or_else(|e| panic!("no report.json ({e}); stderr:\n{}", self.stderr));
        serde_json::from_str(&text).expect("report.json is JSON")
    }

    /// The rows of a CSV output as a spreadsheet shows them: a cell crmaudit wrote with a
    /// leading `'` (so that `=`, `+`, `-`, `@` are not evaluated) reads without it.
    pub fn csv(&self, name: &str) -> Vec<Row> {
        self.raw_csv(name)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|(h, v)| {
                        let shown = match v.strip_prefix('\'') {
                            Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
                                rest.to_string()
                            }
                            _ => v,
                        };
                        (h, shown)
                    })
                    .collect()
            })
            .collect()
    }

    /// The rows of a CSV output byte for byte.
    pub fn raw_csv(&self, name: &str) -> Vec<Row> {
        let mut reader = csv::Reader::from_path(self.out.path().join(name)).expect(name);
        let headers = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                headers
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    pub fn worklist(&self) -> Vec<Row> {
        self.csv("worklist.csv")
    }

    /// Worklist rows of one code.
    pub fn findings(&self, code: &str) -> Vec<Row> {
        self.worklist()
            .into_iter()
            .filter(|r| r["code"] == code)
            .collect()
    }

    /// The record ids a code was reported on, in worklist order.
    pub fn ids(&self, code: &str) -> Vec<String> {
        self.findings(code)
            .into_iter()
            .map(|r| r["record_id"].clone())
            .collect()
    }

    /// The rule outcomes of one code (one per table and field).
    pub fn rules(&self, code: &str) -> Vec<Value> {
        self.report()["rules"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["code"] == code)
            .cloned()
            .collect()
    }

    /// The outcome of `code` on `field`, or on `table.field` where several tables have it.
    pub fn rule(&self, code: &str, place: &str) -> Value {
        let (table, field) = match place.split_once('.') {
            Some((t, f)) => (Some(t), f),
            None => (None, place),
        };
        self.rules(code)
            .into_iter()
            .find(|r| r["field"] == field && table.is_none_or(|t| r["table"] == t))
            .unwrap_or_else(|| panic!("no outcome for {code} on {place}"))
    }
}

pub fn crmaudit() -> Command {
    let mut cmd = Command::cargo_bin("crmaudit").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// `crmaudit audit TARGET --out TMP --no-progress ARGS...`
pub fn audit(target: &Path, args: &[&str]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let output = crmaudit()
        .arg("audit")
        .arg(target)
        .arg("--out")
        .arg(out.path())
        .arg("--no-progress")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        out,
    }
}

/// Runs any crmaudit command and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let output = crmaudit().args(args).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A copy of the demo workspace to edit.
pub fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("demo")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

/// Replaces the one occurrence of `from` in `file`.
pub fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from} once in {}",
        file.display()
    );
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// Markup, quotes, entities, pipes, backticks and a control character in names, companies,
/// e-mails, ids and headers: what a renderer must show as text and never interpret. The two
/// `C-3`/`C-4` records are one person entered twice, so their values reach the duplicate
/// clusters too; `C-1`'s e-mail and `<b>C|2</b>`'s phone are invalid, so they reach the rule
/// samples; `C-5` holds a control character (U+0001).
pub fn hostile_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crmaudit.toml"),
        r#"[workspace]
name = "Acme <script>document.title='PWN'+'ED'</script> & \"Co\" | `x`"
as_of = "2024-12-31"
default_region = "US"

[tables.contacts]
path = "contacts.csv"
kind = "contacts"
"#,
    )
    .unwrap();
    let script = "<script>document.title='PWN'+'ED'</script>";
    let rows = [
        "id,first_name,last_name,email,phone,company,created_at,Notes <b>|`x`</b>".to_string(),
        format!(
            "C-1,\"{script}\",Smith,\"<img src=x onerror=document.title='PWN'+'ED'>@evil.com\",+1 415 555 0100,Globex,2024-01-02,a"
        ),
        "\"<b>C|2</b>\",Bob|Pipe,`tick`,\"bob`x`@example.com\",555,\"\"\"Acme\"\" & Sons | `rm` &amp; <i>Co</i>\",2024-01-03,b".to_string(),
        format!(
            "C-3,\"{script}\",\"O'Brien & <i>Sons</i>\",ann.obrien@example.com,+1 415 555 0102,\"Initech | <u>Ltd</u>\",2024-01-04,c"
        ),
        format!(
            "C-4,\"{script}\",\"O'Brien & <i>Sons</i>\",ANN.OBRIEN@EXAMPLE.COM,(415) 555-0102,\"Initech | <u>Ltd</u>\",2024-02-04,d"
        ),
        "C-5,Dana,\"Ctrl\u{1}Char\",dana@example.com,+1 415 555 0104,\"  Padded & <s>Co</s>  \",2024-01-06,e".to_string(),
    ];
    std::fs::write(dir.path().join("contacts.csv"), rows.join("\n") + "\n").unwrap();
    dir
}

// ---------------------------------------------------------------- JUnit and Markdown

pub fn xmllint() -> Option<&'static str> {
    let found = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok();
    match found {
        true => Some("xmllint"),
        false if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) => panic!(
            "xmllint not found: the JUnit schema test needs Debian's libxml2-utils; .ci/run installs it"
        ),
        false => {
            eprintln!("skipped: xmllint not found (apt-get install libxml2-utils)");
            None
        }
    }
}

pub fn validate_junit(xml: &str) {
    let Some(xmllint) = xmllint() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).unwrap();
    let output = std::process::Command::new(xmllint)
        .arg("--noout")
        .arg("--schema")
        .arg(fixture("junit/junit-10.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "junit-10.xsd rejects the report:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// (suite name, tests, failures, [(case name, failure message and body)]) from the XML.
pub type Suites = Vec<(String, usize, usize, Vec<(String, Option<String>)>)>;

pub fn parse_junit(xml: &str) -> Suites {
    use quick_xml::XmlVersion;
    use quick_xml::events::Event as X;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut suites: Suites = Vec::new();
    let mut in_failure = false;
    loop {
        match reader.read_event().unwrap() {
            X::Eof => break,
            X::Start(e) | X::Empty(e) => {
                let attr = |name: &str| {
                    e.try_get_attribute(name).unwrap().map(|a| {
                        a.normalized_value(XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned()
                    })
                };
                match e.name().as_ref() {
                    "testsuite" => suites.push((
                        attr("name").unwrap(),
                        attr("tests").unwrap().parse().unwrap(),
                        attr("failures").unwrap().parse().unwrap(),
                        Vec::new(),
                    )),
                    "testcase" => suites
                        .last_mut()
                        .unwrap()
                        .3
                        .push((attr("name").unwrap(), None)),
                    "failure" => {
                        in_failure = true;
                        let case = suites.last_mut().unwrap().3.last_mut().unwrap();
                        case.1 = Some(attr("message").unwrap_or_default());
                    }
                    _ => {}
                }
            }
            X::Text(t) if in_failure => {
                let case = suites.last_mut().unwrap().3.last_mut().unwrap();
                let failure = case.1.as_mut().unwrap();
                if !failure.contains('\n') {
                    failure.push('\n');
                }
                failure.push_str(&t.xml_content(XmlVersion::Implicit1_0));
            }
            // Entities come as events of their own: `&lt;` in a sample value.
            X::GeneralRef(r) if in_failure => {
                let case = suites.last_mut().unwrap().3.last_mut().unwrap();
                let text = match &*r as &str {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    other => other,
                };
                case.1.as_mut().unwrap().push_str(text);
            }
            X::End(e) if e.name().as_ref() == "failure" => in_failure = false,
            _ => {}
        }
    }
    suites
}

/// Every table parses as a GFM table and every row has the header's number of cells: a pipe
/// that escaped the escaping would add one.
pub fn tables_are_rectangular(markdown: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cell = String::new();
    let mut in_cell = false;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Table(_)) => rows.clear(),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => {
                in_cell = true;
                cell.clear();
            }
            Event::End(TagEnd::TableCell) => {
                in_cell = false;
                rows.last_mut().unwrap().push(cell.clone());
            }
            Event::End(TagEnd::Table) => {
                let width = rows[0].len();
                for row in &rows {
                    assert_eq!(row.len(), width, "ragged table row {row:?}");
                }
                tables.push(rows.clone());
            }
            Event::Text(t) | Event::Code(t) if in_cell => cell.push_str(&t),
            _ => {}
        }
    }
    tables
}
