//! Cells of the CSV files crmaudit writes, made safe to open in a spreadsheet.
//!
//! A CRM value such as `=HYPERLINK("http://x","y")` or `@SUM(A1)` becomes a live formula when a
//! sales manager opens the worklist in Excel, LibreOffice or Google Sheets. Following the OWASP
//! guidance on CSV injection, a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is written with a leading `'`, which spreadsheets read as "this is text" and do not
//! display; the CSV quoting of the cell itself is the csv writer's job. A value that already
//! starts with quotes before a formula start (`'=1`) gets one more, so that every cell reads
//! back as the value it was written from ([`unneutralised`], for `--baseline`). `--raw-csv`
//! writes the values untouched for programs that read the files.

use std::borrow::Cow;

/// How cells are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvCells {
    /// Cells a spreadsheet would evaluate get a leading `'` (the default).
    #[default]
    SpreadsheetSafe,
    /// Every cell exactly as held (`--raw-csv`), for machine consumers.
    Raw,
}

impl CsvCells {
    pub fn cell<'a>(self, value: &'a str) -> Cow<'a, str> {
        match self {
            CsvCells::Raw => Cow::Borrowed(value),
            CsvCells::SpreadsheetSafe if needs_quote(value) => Cow::Owned(format!("'{value}")),
            CsvCells::SpreadsheetSafe => Cow::Borrowed(value),
        }
    }
}

/// The value a spreadsheet-safe cell was written from: the leading `'` before a formula start
/// removed. For reading back files crmaudit wrote (a `--baseline` worklist).
pub fn unneutralised(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

/// A formula start, or a value that would read back as one (`'=1` is written `''=1`, shown by
/// a spreadsheet as `'=1`), so that every written cell reads back as the value it came from.
fn needs_quote(value: &str) -> bool {
    let quotes = value.bytes().take_while(|&b| b == b'\'').count();
    starts_a_formula(&value[quotes..])
}

/// The characters OWASP lists as the start of a formula in spreadsheet software.
pub fn starts_a_formula(value: &str) -> bool {
    matches!(
        value.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_the_rest_left_alone() {
        let safe = CsvCells::SpreadsheetSafe;
        for formula in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(safe.cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for text in [
            "",
            "Ann",
            "a=b",
            " =1",
            "1-2",
            "'quoted",
            "''",
            "jane@acme.com",
        ] {
            assert_eq!(safe.cell(text), text, "{text:?}");
        }
        assert_eq!(CsvCells::Raw.cell("=1+1"), "=1+1");
        // Reading back gives the value written, for every value.
        assert_eq!(safe.cell("'=1"), "''=1");
        for value in [
            "=1", "+1", "-2", "@a", "\t=1", "\r=1", "Ann", "'quoted", "", "'", "'=1", "''@x",
        ] {
            assert_eq!(unneutralised(&safe.cell(value)), value, "{value:?}");
        }
    }
}
