//! The in-memory table the checks read.
//!
//! Cells are stored column by column, each column as one string buffer plus end offsets
//! (Arrow-style). A million rows of fifteen columns then cost two allocations per column instead
//! of fifteen million small strings, which is what keeps the 1M-row benchmark inside its memory
//! budget. Cells hold the raw text exactly as decoded from the file: normalisation happens in the
//! checks, never here, so findings can always show what the user wrote.

use std::path::PathBuf;

/// One column: its header as written in the file, and its cells.
#[derive(Debug, Clone, Default)]
pub struct Column {
    /// The header as it appears in the file (BOM removed, otherwise untouched).
    pub header: String,
    data: String,
    /// Where each cell ends in `data`, low [`SEGMENT_BITS`] bits only: 4 bytes a cell instead
    /// of 8 is 60 MB on a million rows of 15 columns.
    ends: Vec<u32>,
    /// (first row, high bits) wherever the high bits of the end offsets change: empty unless a
    /// column holds more than 4 GiB of text.
    segments: Vec<(usize, usize)>,
}

/// Bits of a cell's end offset kept per cell. Unit tests use 4, so that every test that reads a
/// table also crosses segments.
#[cfg(not(test))]
const SEGMENT_BITS: u32 = 32;
#[cfg(test)]
const SEGMENT_BITS: u32 = 4;
const LOW_MASK: usize = (1usize << SEGMENT_BITS) - 1;

impl Column {
    pub fn new(header: impl Into<String>) -> Self {
        Column {
            header: header.into(),
            data: String::new(),
            ends: Vec::new(),
            segments: Vec::new(),
        }
    }

    pub fn with_capacity(header: impl Into<String>, rows: usize, bytes: usize) -> Self {
        Column {
            header: header.into(),
            data: String::with_capacity(bytes),
            ends: Vec::with_capacity(rows),
            segments: Vec::new(),
        }
    }

    pub fn push(&mut self, cell: &str) {
        self.data.push_str(cell);
        let end = self.data.len();
        let high = end >> SEGMENT_BITS;
        if high != self.segments.last().map_or(0, |s| s.1) {
            self.segments.push((self.ends.len(), high));
        }
        self.ends.push((end & LOW_MASK) as u32);
    }

    fn end(&self, row: usize) -> usize {
        let high = if self.segments.is_empty() {
            0
        } else {
            // The last segment starting at or before `row`.
            match self.segments.partition_point(|s| s.0 <= row) {
                0 => 0,
                i => self.segments[i - 1].1,
            }
        };
        (high << SEGMENT_BITS) | self.ends[row] as usize
    }

    /// The raw cell of record `row` (0-based record index, not the file line).
    pub fn get(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.end(row - 1) };
        &self.data[start..self.end(row)]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.ends.len()).map(move |row| self.get(row))
    }

    pub fn shrink_to_fit(&mut self) {
        self.data.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.segments.shrink_to_fit();
    }
}

/// A problem the reader met in the file itself. These become findings (family 0xx); they are
/// never errors, and the record they concern is always kept.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceIssueKind {
    /// Bytes that are not valid UTF-8; the cell was decoded as `decoded_as` (e.g. windows-1252).
    InvalidUtf8 { decoded_as: &'static str },
    /// The record has `found` fields where the header has `expected`. Missing fields are read as
    /// empty; extra fields are dropped from the table and kept in `extra`.
    Ragged {
        expected: usize,
        found: usize,
        extra: Vec<String>,
    },
    /// A quoted field was still open at the end of the file.
    UnterminatedQuote,
    /// Text follows the closing quote of a field (`"Acme" Inc`); the parser read the field
    /// without its quotes (`Acme Inc`).
    StrayQuote,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SourceIssue {
    /// 0-based record index into the table.
    pub record: usize,
    /// Physical 1-based line where the record starts in the source file.
    pub line: u64,
    /// Column index, when the issue concerns one cell.
    pub column: Option<usize>,
    pub kind: SourceIssueKind,
}

/// How the file was read; every field ends up in the report's `inputs` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceInfo {
    /// "utf-8", "utf-8 (bom)", "utf-16le (bom)", "utf-16be (bom)", "windows-1252".
    pub encoding: String,
    pub delimiter: u8,
    /// True when the delimiter was sniffed, false when configured.
    pub delimiter_sniffed: bool,
    /// Header names that were renamed because they were empty or repeated: (index, original, new).
    pub renamed_headers: Vec<(usize, String, String)>,
}

/// A table as read from one file, before any mapping to canonical fields.
#[derive(Debug, Clone)]
pub struct RawTable {
    pub path: PathBuf,
    pub columns: Vec<Column>,
    /// Physical 1-based line on which each record starts (quoted newlines make this differ from
    /// record index + 2).
    pub lines: Vec<u64>,
    pub info: SourceInfo,
    pub issues: Vec<SourceIssue>,
}

impl RawTable {
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    pub fn column_index(&self, header: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.header == header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_round_trips_cells_including_empty_ones() {
        let mut col = Column::new("email");
        for cell in ["a@x.com", "", "b@x.com", ""] {
            col.push(cell);
        }
        let cells: Vec<&str> = col.iter().collect();
        assert_eq!(cells, ["a@x.com", "", "b@x.com", ""]);
        assert_eq!(col.len(), 4);
    }

    #[test]
    fn cells_across_offset_segments_read_back_whole() {
        // Unit tests keep 4 bits per end offset: cells shorter than, equal to and many times a
        // segment, empty ones on a boundary, and a run of one-byte cells.
        let long = "x".repeat(3 * (1 << SEGMENT_BITS) + 5);
        let mut cells: Vec<String> = vec![
            "a".repeat((1 << SEGMENT_BITS) - 1),
            String::new(),
            "b".into(),
            String::new(),
            long.clone(),
            "c".repeat(1 << SEGMENT_BITS),
        ];
        cells.extend((0..40).map(|i| (i % 10).to_string()));
        cells.push(long);
        let mut col = Column::new("notes");
        for c in &cells {
            col.push(c);
        }
        let back: Vec<&str> = col.iter().collect();
        assert_eq!(back, cells);
        assert!(col.segments.len() > 5, "{:?}", col.segments);
    }
}
