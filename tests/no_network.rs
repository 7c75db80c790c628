//! crmaudit never opens a network connection and sends no telemetry (issue 7): the audit, the
//! KPI and dedupe commands run under strace, and not one socket is created.
//!
//! Needs `strace` (Debian package, installed by `.ci/run`). Without it the test fails when `CI`
//! is set and is skipped otherwise.

mod common;

use std::process::Command;

use common::fixture;

fn strace_available() -> bool {
    let found = Command::new("strace")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("strace is required in CI: apt-get install strace");
    }
    found
}

#[test]
fn no_command_opens_a_socket() {
    if !strace_available() {
        eprintln!("skipped: strace not installed");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let demo = fixture("demo");
    let demo = demo.to_str().unwrap();
    let contacts = fixture("demo/contacts.csv");
    let commands: [Vec<&str>; 3] = [
        vec!["audit", demo, "--out", out.path().to_str().unwrap()],
        vec!["kpi", demo],
        vec!["dedupe", contacts.to_str().unwrap()],
    ];
    for args in commands {
        let log = out.path().join("strace.log");
        let status = Command::new("strace")
            .args(["-f", "-qq", "-e", "trace=%network", "-o"])
            .arg(&log)
            .arg(env!("CARGO_BIN_EXE_crmaudit"))
            .args(&args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            status.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {status:?}"
        );
        let calls = std::fs::read_to_string(&log).unwrap();
        assert!(
            calls.trim().is_empty(),
            "{args:?} made network system calls:\n{calls}"
        );
    }
}
