//! Reading a file into a [`RawTable`]: encoding, dialect, header, then every record.

use std::collections::VecDeque;
use std::path::Path;

use crate::table::{Column, RawTable, SourceInfo, SourceIssue, SourceIssueKind};

use super::ReadOptions;
use super::dialect;
use super::encoding::{self, CellDecoding, FALLBACK_LABEL, Stream, UTF16_REPLACEMENT_LABEL};
use super::error::ReadError;
use super::estimate::{self, Estimate};
use super::headers;
use super::input::{self, Prefixed, Source};
use super::records::{BUFFER_BYTES, Record, RecordInfo, RecordReader};
use super::transcode::Utf16ToUtf8;

/// UTF-8 bytes of U+FFFD, which marks where malformed UTF-16 was replaced.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// Reads `path` into a table.
///
/// Every record of the file is in the table, in order; problems in the data are listed in
/// `RawTable::issues`. Errors are only for files that cannot be read at all (see
/// [`ReadError`]).
pub fn read_table(path: &Path, opts: &ReadOptions) -> Result<RawTable, ReadError> {
    if let Some(d) = opts.delimiter
        && matches!(d, b'"' | b'\r' | b'\n')
    {
        return Err(ReadError::InvalidDelimiter {
            path: path.to_path_buf(),
            delimiter: d,
        });
    }
    let file = input::open(path)?;
    // Only used to size the columns; a wrong value (a growing file) costs speed, not data.
    let file_len = file.metadata().map_or(0, |m| m.len());
    read_stream(path, file, file_len, opts)
}

/// Reads a table from bytes already in memory, named `path` in issues and errors. The same
/// reader as [`read_table`]: used by the fuzz targets and by callers that hold the bytes.
pub fn read_bytes(path: &Path, bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, ReadError> {
    if let Some(d) = opts.delimiter
        && matches!(d, b'"' | b'\r' | b'\n')
    {
        return Err(ReadError::InvalidDelimiter {
            path: path.to_path_buf(),
            delimiter: d,
        });
    }
    read_stream(path, bytes, bytes.len() as u64, opts)
}

fn read_stream<R: std::io::Read>(
    path: &Path,
    mut file: R,
    file_len: u64,
    opts: &ReadOptions,
) -> Result<RawTable, ReadError> {
    let io_err = |e| ReadError::from_io(path, e);
    let mut head = Vec::new();
    input::read_up_to(&mut file, &mut head, dialect::SAMPLE_BYTES).map_err(io_err)?;
    if head.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_path_buf(),
        });
    }
    let plan = encoding::plan(opts.encoding, &head);
    let rest = Prefixed::new(head, plan.skip, file);
    let (mut source, cells, strict_name) = match plan.stream {
        Stream::Bytes(cells) => (Source::Bytes(rest), cells, "UTF-8"),
        Stream::Utf16(enc) => (
            Source::Utf16(Box::new(Utf16ToUtf8::new(rest, enc))),
            CellDecoding::Utf8,
            enc.name(),
        ),
    };

    // The sample is also the parser's first buffer, so nothing is read twice.
    let mut sample = Vec::with_capacity(BUFFER_BYTES);
    let complete =
        input::read_up_to(&mut source, &mut sample, dialect::SAMPLE_BYTES).map_err(io_err)?;
    let (delimiter, delimiter_sniffed) = match opts.delimiter {
        Some(d) => (d, false),
        None => (dialect::sniff(&sample, complete), true),
    };
    let estimate = match plan.stream {
        Stream::Bytes(_) => {
            let stream_len = file_len.saturating_sub(plan.skip as u64);
            estimate::estimate(&sample, complete, delimiter, stream_len)
        }
        // The UTF-8 size of a UTF-16 file is not known up front; let the columns grow.
        Stream::Utf16(_) => None,
    };
    let mut records = RecordReader::new(source, sample, complete, delimiter);

    let mut rec = Record::default();
    let Some(header_info) = records.next_record(&mut rec).map_err(io_err)? else {
        return Err(ReadError::NoHeader {
            path: path.to_path_buf(),
        });
    };
    let mut builder = Builder {
        path,
        strict: opts.strict_encoding,
        cells,
        strict_name,
        columns: Vec::new(),
        lines: Vec::new(),
        issues: Vec::new(),
        malformed: VecDeque::new(),
    };
    records.source_mut().take_malformed(&mut builder.malformed);
    let raw_headers = builder.header(&rec, &header_info)?;
    let (names, renamed_headers) = headers::clean(&raw_headers);
    builder.columns = new_columns(names, estimate.as_ref());
    if let Some(e) = &estimate {
        builder.lines.reserve(e.rows);
    }

    while let Some(info) = records.next_record(&mut rec).map_err(io_err)? {
        records.source_mut().take_malformed(&mut builder.malformed);
        builder.push(&rec, &info)?;
    }

    let Builder {
        mut columns,
        mut lines,
        mut issues,
        ..
    } = builder;
    // Columns grew by doubling; give the slack back before the checks run.
    columns.iter_mut().for_each(Column::shrink_to_fit);
    lines.shrink_to_fit();
    issues.shrink_to_fit();
    Ok(RawTable {
        path: path.to_path_buf(),
        columns,
        lines,
        info: SourceInfo {
            encoding: plan.label.to_string(),
            delimiter,
            delimiter_sniffed,
            renamed_headers,
        },
        issues,
    })
}

/// Accumulates records into columns and issues.
struct Builder<'a> {
    path: &'a Path,
    strict: bool,
    cells: CellDecoding,
    /// The encoding named in a strict-encoding error.
    strict_name: &'static str,
    columns: Vec<Column>,
    lines: Vec<u64>,
    issues: Vec<SourceIssue>,
    /// Stream offsets of malformed UTF-16 not yet attributed to a record.
    malformed: VecDeque<u64>,
}

impl Builder<'_> {
    fn strict_error(&self, line: u64, column: String) -> ReadError {
        ReadError::StrictEncoding {
            path: self.path.to_path_buf(),
            line,
            column,
            encoding: self.strict_name,
        }
    }

    /// How a cell at field index `i` is named in errors.
    fn column_name(&self, i: usize) -> String {
        match self.columns.get(i) {
            Some(c) => c.header.clone(),
            None => format!(
                "field {} (beyond the {} header columns)",
                i + 1,
                self.columns.len()
            ),
        }
    }

    /// Decodes the header cells.
    ///
    /// `SourceIssue` can only point at a record, so an invalid header cell or an open quote in
    /// the header has nowhere to go in lenient mode; the header text is still decoded the same
    /// way as cells (Windows-1252 fallback) so it stays readable.
    fn header(&mut self, rec: &Record, info: &RecordInfo) -> Result<Vec<String>, ReadError> {
        let malformed = self.take_malformed_until(info.end);
        let mut names = Vec::with_capacity(rec.len());
        for i in 0..rec.len() {
            let bytes = rec.field(i);
            let bad_utf16 = malformed && contains_replacement(bytes);
            let name = match self.cells.cell(bytes) {
                Ok(text) if !bad_utf16 => text.into_owned(),
                Ok(_) | Err(_) if self.strict => {
                    return Err(self.strict_error(info.line, format!("header of column {}", i + 1)));
                }
                Ok(text) => text.into_owned(),
                Err(fallback) => fallback,
            };
            names.push(name);
        }
        Ok(names)
    }

    /// Pops malformed-UTF-16 offsets before `end`; true if there were any.
    fn take_malformed_until(&mut self, end: u64) -> bool {
        let mut any = false;
        while self.malformed.front().is_some_and(|&off| off < end) {
            self.malformed.pop_front();
            any = true;
        }
        any
    }

    /// Records (or, in strict mode, refuses) a cell that was not valid in the file's encoding.
    fn invalid_cell(
        &mut self,
        record: usize,
        line: u64,
        field: usize,
        decoded_as: &'static str,
    ) -> Result<(), ReadError> {
        if self.strict {
            return Err(self.strict_error(line, self.column_name(field)));
        }
        self.issues.push(SourceIssue {
            record,
            line,
            column: (field < self.columns.len()).then_some(field),
            kind: SourceIssueKind::InvalidUtf8 { decoded_as },
        });
        Ok(())
    }

    /// Adds one record to the table. This is the hot loop: the common case (every cell valid,
    /// width matching) validates the record once and copies each cell straight into its column.
    fn push(&mut self, rec: &Record, info: &RecordInfo) -> Result<(), ReadError> {
        let record = self.lines.len();
        let width = self.columns.len();
        let found = rec.len();
        let kept = found.min(width);

        if let Some(text) = self.cells.whole_record(rec.bytes(), rec.ends()) {
            let mut start = 0;
            for (column, &end) in self.columns.iter_mut().zip(rec.ends()) {
                // `whole_record` checked that every end is a char boundary, so this never
                // falls back to "".
                column.push(text.get(start..end).unwrap_or_default());
                start = end;
            }
        } else {
            for i in 0..kept {
                match self.cells.cell(rec.field(i)) {
                    Ok(text) => self.columns[i].push(&text),
                    Err(fallback) => {
                        self.invalid_cell(record, info.line, i, FALLBACK_LABEL)?;
                        self.columns[i].push(&fallback);
                    }
                }
            }
        }
        // Missing trailing fields read as empty so every column keeps one cell per record.
        for column in &mut self.columns[kept..] {
            column.push("");
        }

        if self.take_malformed_until(info.end) {
            // Only cells holding U+FFFD can hold the replacement. A genuine U+FFFD in another
            // cell of the same record would be reported too; that is rare enough to accept.
            for i in 0..found {
                if contains_replacement(rec.field(i)) {
                    self.invalid_cell(record, info.line, i, UTF16_REPLACEMENT_LABEL)?;
                }
            }
        }

        if found != width {
            let mut extra = Vec::with_capacity(found.saturating_sub(width));
            for i in width..found {
                match self.cells.cell(rec.field(i)) {
                    Ok(text) => extra.push(text.into_owned()),
                    Err(fallback) => {
                        self.invalid_cell(record, info.line, i, FALLBACK_LABEL)?;
                        extra.push(fallback);
                    }
                }
            }
            self.issues.push(SourceIssue {
                record,
                line: info.line,
                column: None,
                kind: SourceIssueKind::Ragged {
                    expected: width,
                    found,
                    extra,
                },
            });
        }

        if info.unterminated_quote {
            let open_field = found.saturating_sub(1);
            self.issues.push(SourceIssue {
                record,
                line: info.line,
                column: (open_field < width).then_some(open_field),
                kind: SourceIssueKind::UnterminatedQuote,
            });
        }

        if let Some(field) = info.stray_quote {
            self.issues.push(SourceIssue {
                record,
                line: info.line,
                column: (field < width).then_some(field),
                kind: SourceIssueKind::StrayQuote,
            });
        }

        self.lines.push(info.line);
        Ok(())
    }
}

/// Empty columns, pre-sized when there is an estimate.
fn new_columns(names: Vec<String>, estimate: Option<&Estimate>) -> Vec<Column> {
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| match estimate {
            Some(e) => {
                let bytes = e.column_bytes.get(i).copied().unwrap_or(0);
                Column::with_capacity(name, e.rows, bytes)
            }
            None => Column::new(name),
        })
        .collect()
}

fn contains_replacement(bytes: &[u8]) -> bool {
    bytes.windows(REPLACEMENT.len()).any(|w| w == REPLACEMENT)
}
