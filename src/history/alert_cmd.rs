//! `--alert-cmd CMD`: the user's command, run with the alert JSON on its stdin.
//!
//! CMD is split into a program and its arguments once, with POSIX shell quoting rules (shlex),
//! and run directly: no shell ever sees it, and nothing from the data is put into the command
//! line. The data goes to stdin only. The command's stdout goes to crmaudit's stderr, so
//! `--format json > report.json` stays clean; a command that fails, is not found or hangs past
//! [`TIMEOUT`] is reported on stderr and does not change the audit's exit code.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Result, usage_help};

/// How long the command may run before it is killed.
pub const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertCommand {
    /// As the user wrote it, for messages.
    pub text: String,
    pub program: String,
    pub args: Vec<String>,
}

impl AlertCommand {
    /// Checked before the audit's work: unbalanced quotes or an empty command are usage errors.
    pub fn parse(text: &str) -> Result<AlertCommand> {
        let words = shlex::split(text).ok_or_else(|| {
            usage_help(
                format!("--alert-cmd `{text}` has an unbalanced quote or a trailing backslash"),
                "quote as in a POSIX shell: --alert-cmd \"./post-alert.sh '#data-quality'\"",
            )
        })?;
        let mut words = words.into_iter();
        let Some(program) = words.next().filter(|p| !p.is_empty()) else {
            return Err(usage_help(
                "--alert-cmd is empty",
                "name a program, e.g. --alert-cmd ./post-alert.sh",
            ));
        };
        Ok(AlertCommand {
            text: text.to_string(),
            program,
            args: words.collect(),
        })
    }

    /// Runs the command with `payload` on stdin. Err is a sentence for stderr.
    pub fn run(&self, payload: &[u8]) -> std::result::Result<(), String> {
        let stdout = match stderr_handle() {
            Some(s) => s,
            None => Stdio::null(),
        };
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start `{}`: {e}", self.program))?;
        // A writer thread: a command that does not read its stdin must not block us past the
        // timeout, and one that exits early closes the pipe (not an error of ours).
        let mut stdin = child.stdin.take().expect("piped above");
        let data = payload.to_vec();
        let writer = std::thread::spawn(move || {
            let result = stdin.write_all(&data);
            drop(stdin);
            match result {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
                _ => Ok(()),
            }
        });
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if start.elapsed() >= TIMEOUT => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "`{}` was still running after {} s and was stopped",
                        self.text,
                        TIMEOUT.as_secs()
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => return Err(format!("could not wait for `{}`: {e}", self.text)),
            }
        };
        let written = writer.join().unwrap_or(Ok(()));
        if !status.success() {
            return Err(format!("`{}` failed ({status})", self.text));
        }
        written.map_err(|e| format!("could not write the alert to `{}`: {e}", self.text))
    }
}

/// Our stderr, duplicated, as the child's stdout.
fn stderr_handle() -> Option<Stdio> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stderr().as_fd().try_clone_to_owned().ok()?;
        Some(Stdio::from(fd))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell_without_running_one() {
        let c = AlertCommand::parse(r#"./post.sh '#data quality' "a b" c\ d $HOME;rm"#).unwrap();
        assert_eq!(c.program, "./post.sh");
        // `$HOME` and `;` are plain characters: no shell expands or splits on them.
        assert_eq!(c.args, ["#data quality", "a b", "c d", "$HOME;rm"]);
        assert!(AlertCommand::parse("say 'unbalanced").is_err());
        assert!(AlertCommand::parse("   ").is_err());
        assert!(AlertCommand::parse("''").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn the_payload_arrives_on_stdin_and_failures_are_sentences() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got.json");
        let cmd = AlertCommand {
            text: "tee".into(),
            program: "sh".into(),
            args: vec![
                "-c".into(),
                "cat > \"$1\"".into(),
                "sh".into(),
                out.display().to_string(),
            ],
        };
        cmd.run(b"{\"alerts\":[]}").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"{\"alerts\":[]}");

        let failing = AlertCommand::parse("false").unwrap();
        let err = failing.run(b"{}").unwrap_err();
        assert!(err.contains("`false` failed"), "{err}");
        let missing = AlertCommand::parse("/no/such/program-crmaudit").unwrap();
        assert!(missing.run(b"{}").unwrap_err().contains("could not start"));
        // A command that ignores its stdin and exits: a closed pipe is not a failure.
        let ignoring = AlertCommand::parse("true").unwrap();
        assert!(ignoring.run(&vec![b'x'; 1 << 20]).is_ok());
    }
}
