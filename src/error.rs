//! Errors that stop a run (exit 2). Bad data is never one of these: it becomes findings.
//!
//! Config and rule-pack errors carry the file's text and a span, so miette can print the file,
//! line and column with the offending text underlined.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use miette::{Diagnostic, NamedSource, SourceSpan};
use thiserror::Error;

use crate::source::ReadError;

/// Malformed or inconsistent configuration or rule pack, pointing into the file.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(crmaudit::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<Arc<String>>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

#[derive(Debug, Error, Diagnostic)]
pub enum Error {
    /// Boxed: the source text and span would make every `Result` of the crate large.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),
    /// A configuration problem that has no place in a file (e.g. a command-line value).
    #[error("{message}")]
    #[diagnostic(code(crmaudit::usage))]
    Usage {
        message: String,
        #[help]
        help: Option<String>,
    },
    /// An input file that cannot be read at all.
    #[error(transparent)]
    #[diagnostic(code(crmaudit::input))]
    Read(#[from] ReadError),
    /// The OS error is part of the message; it is not a `source` because miette would then
    /// print it a second time as the cause.
    #[error("could not write {path}: {reason}")]
    #[diagnostic(code(crmaudit::output))]
    Output {
        path: String,
        reason: std::io::Error,
    },
    /// The history store (`--history FILE`) cannot be used: not a store, damaged, locked,
    /// written by a newer crmaudit. The file is left as it was.
    #[error("history store {path}: {message}")]
    #[diagnostic(code(crmaudit::history))]
    History {
        path: String,
        message: String,
        #[help]
        help: Option<String>,
    },
}

/// A config or rule-pack file kept in memory so that later validation steps can point into it.
#[derive(Debug, Clone)]
pub struct SourceText {
    pub path: Arc<Path>,
    pub text: Arc<String>,
}

impl SourceText {
    pub fn new(path: &Path, text: String) -> Self {
        SourceText {
            path: Arc::from(path),
            text: Arc::new(text),
        }
    }

    /// Takes the bytes of a text file crmaudit reads as UTF-8 (crmaudit.toml, a rule pack, a
    /// `--baseline` report). Bytes that are not UTF-8 are an error at the first of them: the
    /// file is shown with `\u{FFFD}` in their place, so line and column point at the byte.
    /// `what` names the file's role in the message ("config", "rule pack").
    pub fn from_bytes(path: &Path, bytes: Vec<u8>, what: &str) -> Result<SourceText> {
        let err = match String::from_utf8(bytes) {
            Ok(text) => return Ok(SourceText::new(path, text)),
            Err(err) => err,
        };
        let offset = err.utf8_error().valid_up_to();
        let bytes = err.as_bytes();
        let first_bad = bytes[offset];
        // Up to the first invalid byte the lossy text is the file itself, so `offset` is the
        // invalid byte's place in it too; its replacement character is what gets underlined.
        let text = String::from_utf8_lossy(bytes).into_owned();
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        let help = if utf16 {
            "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8"
        } else {
            "save the file as UTF-8 (bytes such as 0xE9 for `é` are windows-1252 or Latin-1 text)"
        };
        let source = SourceText::new(path, text);
        let end = offset + '\u{FFFD}'.len_utf8();
        Err(source.error(
            offset..end,
            format!(
                "{what} {} is not UTF-8 text: byte 0x{first_bad:02X} at line {line}, column {column}",
                path.display()
            ),
            "expected UTF-8 text",
            Some(help.into()),
        ))
    }

    /// An error pointing at `span` in this file.
    pub fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Error {
        let end = span.end.min(self.text.len());
        let start = span.start.min(end);
        Error::Config(Box::new(ConfigError {
            message: message.into(),
            src: NamedSource::new(self.path.display().to_string(), self.text.clone()),
            span: (start, end - start).into(),
            label: label.into(),
            help,
        }))
    }

    /// Turns a TOML parse error (syntax, unknown key, wrong type) into a diagnostic at its place.
    pub fn toml_error(&self, err: toml::de::Error, what: &str) -> Error {
        let span = err.span().unwrap_or(0..0);
        let detail = err.message().trim().to_string();
        let help = expected_keys_help(&detail);
        self.error(
            span,
            format!("{what} {} is not valid: {detail}", self.path.display()),
            detail,
            help,
        )
    }
}

/// serde's "unknown field `x`, expected one of `a`, `b`" already names the expected keys; for a
/// missing field we add what the section needs so the user does not have to open the README.
fn expected_keys_help(detail: &str) -> Option<String> {
    if detail.starts_with("missing field") {
        Some("see the README section \"Configuration\" for the keys each section takes".into())
    } else {
        None
    }
}

pub fn usage(message: impl Into<String>) -> Error {
    Error::Usage {
        message: message.into(),
        help: None,
    }
}

pub fn usage_help(message: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Usage {
        message: message.into(),
        help: Some(help.into()),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn place(bytes: &[u8]) -> (String, usize, usize) {
        match SourceText::from_bytes(Path::new("c.toml"), bytes.to_vec(), "config") {
            Err(Error::Config(e)) => (e.message, e.span.offset(), e.span.len()),
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_an_error_at_the_first_bad_byte() {
        assert!(SourceText::from_bytes(Path::new("c.toml"), b"a = 1\n".to_vec(), "config").is_ok());
        // Columns count characters: `é` written in UTF-8 before the bad byte is one column.
        let (message, offset, len) = place(b"[x]\nname = \"\xc3\xa9t\xe9\"\n");
        assert!(
            message.ends_with("is not UTF-8 text: byte 0xE9 at line 2, column 11"),
            "{message}"
        );
        assert_eq!((offset, len), (15, 3), "the replacement character");
        // A sequence cut short by the end of the file.
        let (message, offset, _) = place(b"a = 1\n\xe2\x82");
        assert!(
            message.ends_with("byte 0xE2 at line 2, column 1"),
            "{message}"
        );
        assert_eq!(offset, 6);
        // UTF-16 gets its own advice.
        match SourceText::from_bytes(Path::new("c.toml"), b"\xff\xfea\x00".to_vec(), "config") {
            Err(Error::Config(e)) => assert!(e.help.unwrap().contains("UTF-16")),
            other => panic!("{other:?}"),
        }
    }
}
