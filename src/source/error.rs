//! Errors that stop a file from being read at all.
//!
//! Bad data inside a readable file is deliberately not here: it becomes a `SourceIssue` so the
//! audit can still run and report it.

use std::io;
use std::path::PathBuf;

/// Why a file could not be read. Every variant names the file, and its message is one sentence
/// a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: file not found", .path.display())]
    NotFound { path: PathBuf },

    #[error("{}: is a directory, not a CSV file", .path.display())]
    IsDirectory { path: PathBuf },

    #[error("{}: permission denied while opening or reading the file", .path.display())]
    PermissionDenied {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("{}: could not read the file: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "{}: line {line}, column `{column}` is not valid {encoding} \
         (strict encoding was requested)",
        .path.display()
    )]
    StrictEncoding {
        path: PathBuf,
        /// Physical 1-based line where the offending record (or the header) starts.
        line: u64,
        /// The column's header, or a description when the cell is outside the header's width.
        column: String,
        /// The encoding the cell failed to decode in, e.g. "UTF-8".
        encoding: &'static str,
    },

    #[error("{}: the file is empty (0 bytes)", .path.display())]
    Empty { path: PathBuf },

    #[error(
        "{}: the file has no header line (it holds only blank lines or a byte-order mark)",
        .path.display()
    )]
    NoHeader { path: PathBuf },

    #[error(
        "{}: `{}` cannot be the delimiter because it is a quote or line-break character",
        .path.display(),
        (*.delimiter as char).escape_default()
    )]
    InvalidDelimiter { path: PathBuf, delimiter: u8 },
}

impl ReadError {
    /// Maps an I/O error met while opening or reading `path` to the variant that says what
    /// happened, so callers never have to inspect `io::ErrorKind` themselves.
    pub(crate) fn from_io(path: &std::path::Path, err: io::Error) -> Self {
        let path = path.to_path_buf();
        match err.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound { path },
            io::ErrorKind::IsADirectory => ReadError::IsDirectory { path },
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied { path, source: err },
            _ => ReadError::Io { path, source: err },
        }
    }
}
