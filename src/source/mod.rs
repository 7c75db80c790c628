//! Reading one CRM export into a [`RawTable`](crate::table::RawTable).
//!
//! The reader turns whatever the CRM wrote (UTF-8 with or without BOM, UTF-16, Windows-1252,
//! any of four delimiters, ragged rows, stray quotes) into columns of text plus a list of
//! [`SourceIssue`](crate::table::SourceIssue)s. Problems in the *data* are never errors and never
//! drop a record: the checks report them as findings. Only problems with the *file* (missing,
//! unreadable, empty, no header, strict encoding violated) are a [`ReadError`].
//!
//! One job per file:
//! - `input`: opening the file and mapping OS errors to [`ReadError`]s.
//! - `encoding`: BOM detection and per-cell decoding.
//! - `transcode`: streaming UTF-16 to UTF-8 conversion.
//! - `dialect`: delimiter sniffing.
//! - `estimate`: sizing the columns up front from the sample.
//! - `records`: splitting the byte stream into records with exact line numbers.
//! - `quotes`: finding fields with text after their closing quote, which the parser reads silently.
//! - `headers`: header cleaning and renaming.
//! - `reader`: putting it together into a table.

mod dialect;
mod encoding;
mod error;
mod estimate;
mod headers;
mod input;
mod quotes;
mod reader;
mod records;
mod transcode;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use error::ReadError;
pub use reader::{read_bytes, read_table};

/// Which text encoding to read the file in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EncodingChoice {
    /// Use the byte-order mark when there is one (UTF-8, UTF-16 LE or BE); otherwise read UTF-8
    /// cell by cell and decode the rare invalid cell as Windows-1252, recording an issue for it.
    #[default]
    Auto,
    /// UTF-8 (a UTF-8 BOM is skipped). Invalid cells are handled as in `Auto`.
    Utf8,
    /// Every byte is Windows-1252; no cell can be invalid, so no issue is ever recorded.
    Windows1252,
    /// UTF-16 little-endian (a `FF FE` BOM is skipped).
    Utf16Le,
    /// UTF-16 big-endian (a `FE FF` BOM is skipped).
    Utf16Be,
}

/// How to read a file. `Default` sniffs everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Text encoding; `Auto` by default.
    pub encoding: EncodingChoice,
    /// Field delimiter; `None` sniffs it among `,` `;` `\t` `|`.
    pub delimiter: Option<u8>,
    /// When true, a cell that is not valid in the file's encoding stops the read with
    /// [`ReadError::StrictEncoding`] instead of being decoded as Windows-1252 with an issue.
    pub strict_encoding: bool,
}
