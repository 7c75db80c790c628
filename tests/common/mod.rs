//! A small harness for end-to-end tests: runs the real binary in a temporary output folder and
//! reads back what a user or CI job would (exit code, stdout, stderr, report.json, worklist.csv).

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
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
