//! Behaviour tests for `read_table`, on the bug-report fixtures in `fixtures/encodings/` and on
//! small files written by the tests.

use std::path::{Path, PathBuf};

use super::{EncodingChoice, ReadError, ReadOptions, read_table};
use crate::table::{RawTable, SourceIssue, SourceIssueKind};

/// `fixtures/encodings/<name>` in the crate this module is compiled into.
///
/// Found from this file's own path rather than `CARGO_MANIFEST_DIR`, so the tests also run when
/// the module is compiled into a scratch crate with `#[path]`; `file!()` is then absolute, and
/// in the main crate it is relative to the package root, which is the test's working directory.
fn fixture(name: &str) -> PathBuf {
    let root = Path::new(file!())
        .ancestors()
        .nth(3)
        .unwrap_or(Path::new(""));
    root.join("fixtures").join("encodings").join(name)
}

fn read(path: &Path) -> RawTable {
    read_table(path, &ReadOptions::default()).unwrap()
}

/// Writes `bytes` to a file in a fresh temp dir; the dir lives as long as the returned guard.
fn temp_file(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.csv");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn read_bytes(bytes: &[u8], opts: &ReadOptions) -> Result<RawTable, ReadError> {
    let (_dir, path) = temp_file(bytes);
    read_table(&path, opts)
}

fn headers(t: &RawTable) -> Vec<&str> {
    t.columns.iter().map(|c| c.header.as_str()).collect()
}

fn row(t: &RawTable, r: usize) -> Vec<&str> {
    t.columns.iter().map(|c| c.get(r)).collect()
}

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

// --- 1. Encoding -----------------------------------------------------------------------------

#[test]
fn case05_bom_is_stripped_and_late_latin1_cell_is_one_issue_with_all_records_kept() {
    let t = read(&fixture("case05-bom-then-latin1-late.csv"));
    assert_eq!(headers(&t), ["id", "name"]);
    assert_eq!(t.column_index("id"), Some(0));
    assert_eq!(t.info.encoding, "utf-8 (bom)");
    assert_eq!(t.rows(), 3001);
    assert_eq!(
        t.issues,
        vec![SourceIssue {
            record: 3000,
            line: 3002,
            column: Some(1),
            kind: SourceIssueKind::InvalidUtf8 {
                decoded_as: "windows-1252"
            },
        }]
    );
    assert_eq!(row(&t, 3000), ["3001", "François"]);
    // Every other cell stayed UTF-8: nothing was re-decoded wholesale.
    assert_eq!(row(&t, 2999), ["3000", "name3000"]);
}

#[test]
fn case05_strict_encoding_is_an_error_naming_line_and_column() {
    let path = fixture("case05-bom-then-latin1-late.csv");
    let opts = ReadOptions {
        strict_encoding: true,
        ..ReadOptions::default()
    };
    let err = read_table(&path, &opts).unwrap_err();
    match &err {
        ReadError::StrictEncoding { line, column, .. } => {
            assert_eq!((*line, column.as_str()), (3002, "name"));
        }
        other => panic!("unexpected error {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("case05-bom-then-latin1-late.csv"), "{msg}");
    assert!(msg.contains("line 3002"), "{msg}");
}

#[test]
fn case06_bom_before_quoted_header() {
    let t = read(&fixture("case06-bom-quoted-header.csv"));
    assert_eq!(headers(&t), ["first_column", "second_column"]);
    assert_eq!(t.rows(), 1);
    assert_eq!(row(&t, 0), ["Hello", "how are you"]);
    assert!(t.issues.is_empty(), "{:?}", t.issues);
}

#[test]
fn utf16_le_and_be_with_bom_are_transcoded() {
    for (name, label) in [
        ("utf16le-bom-semicolon.csv", "utf-16le (bom)"),
        ("utf16be-bom-semicolon.csv", "utf-16be (bom)"),
    ] {
        let t = read(&fixture(name));
        assert_eq!(t.info.encoding, label);
        assert_eq!(t.info.delimiter, b';');
        assert_eq!(headers(&t), ["id", "name", "city"]);
        assert_eq!(row(&t, 0), ["1", "Zoë", "Köln"]);
        assert_eq!(row(&t, 1), ["2", "Müller; Hans", "Zürich 😀"]);
        assert_eq!(t.lines, [2, 3]);
        assert!(t.issues.is_empty());
    }
}

#[test]
fn malformed_utf16_is_an_issue_on_its_cell_or_a_strict_error() {
    let path = fixture("utf16le-bom-lone-surrogate.csv");
    let t = read(&path);
    assert_eq!(t.rows(), 2);
    assert_eq!(row(&t, 1), ["2", "A\u{FFFD}B"]);
    assert_eq!(t.issues.len(), 1);
    assert_eq!((t.issues[0].record, t.issues[0].line), (1, 3));
    assert_eq!(t.issues[0].column, Some(1));
    let opts = ReadOptions {
        strict_encoding: true,
        ..ReadOptions::default()
    };
    match read_table(&path, &opts) {
        Err(ReadError::StrictEncoding {
            line,
            column,
            encoding,
            ..
        }) => assert_eq!((line, column.as_str(), encoding), (3, "name", "UTF-16LE")),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn explicit_utf16_without_bom() {
    let bytes = utf16("a,b\n1,é\n", true, false);
    let opts = ReadOptions {
        encoding: EncodingChoice::Utf16Be,
        ..ReadOptions::default()
    };
    let t = read_bytes(&bytes, &opts).unwrap();
    assert_eq!(t.info.encoding, "utf-16be");
    assert_eq!(row(&t, 0), ["1", "é"]);
}

#[test]
fn utf16_larger_than_every_buffer_matches_the_utf8_read() {
    let mut text = String::from("id,name,notes\r\n");
    for i in 0..40_000 {
        text.push_str(&format!("{i},Zoë {i},\"multi\nline ✓ {i}\"\r\n"));
    }
    let from_utf8 = read_bytes(text.as_bytes(), &ReadOptions::default()).unwrap();
    let from_utf16 = read_bytes(&utf16(&text, false, true), &ReadOptions::default()).unwrap();
    assert_eq!(from_utf16.rows(), 40_000);
    assert_eq!(from_utf16.lines, from_utf8.lines);
    assert_eq!(from_utf16.lines[39_999], 2 + 2 * 39_999);
    for c in 0..3 {
        assert!(from_utf16.columns[c].iter().eq(from_utf8.columns[c].iter()));
    }
    assert!(from_utf16.issues.is_empty());
}

#[test]
fn windows_1252_choice_decodes_everything_without_issues() {
    let path = fixture("windows1252-no-bom.csv");
    let opts = ReadOptions {
        encoding: EncodingChoice::Windows1252,
        ..ReadOptions::default()
    };
    let t = read_table(&path, &opts).unwrap();
    assert_eq!(t.info.encoding, "windows-1252");
    assert_eq!(row(&t, 0), ["1", "François", "prix 5€"]);
    assert_eq!(row(&t, 1), ["2", "Zoë", ""]);
    assert!(t.issues.is_empty());
}

#[test]
fn windows_1252_file_in_auto_mode_reports_each_invalid_cell() {
    let t = read(&fixture("windows1252-no-bom.csv"));
    assert_eq!(t.info.encoding, "utf-8");
    assert_eq!(row(&t, 0), ["1", "François", "prix 5€"]);
    let cells: Vec<(usize, Option<usize>, u64)> = t
        .issues
        .iter()
        .map(|i| (i.record, i.column, i.line))
        .collect();
    assert_eq!(cells, [(0, Some(1), 2), (0, Some(2), 2), (1, Some(1), 3)]);
}

#[test]
fn character_split_by_a_delimiter_is_not_glued_back_together() {
    // `\xC3,\xA9` is valid UTF-8 once the comma is removed, but each cell alone is not.
    let t = read_bytes(b"a,b\n\xC3,\xA9\n", &ReadOptions::default()).unwrap();
    assert_eq!(row(&t, 0), ["Ã", "©"]);
    assert_eq!(t.issues.len(), 2);
}

// --- 2. Dialect ------------------------------------------------------------------------------

#[test]
fn case04_semicolon_is_sniffed_despite_commas_in_values() {
    let t = read(&fixture("case04-semicolon-decimal-comma.csv"));
    assert_eq!(t.info.delimiter, b';');
    assert!(t.info.delimiter_sniffed);
    assert_eq!(headers(&t), ["Company", "Amount", "Notes"]);
    assert_eq!(t.rows(), 3);
    assert_eq!(row(&t, 0), ["Initech, LLC", "10,5", "n/a"]);
    assert_eq!(row(&t, 1), ["Globex", "1.250,00", ""]);
    assert!(t.issues.is_empty());
}

#[test]
fn configured_delimiter_is_used_and_not_marked_sniffed() {
    let opts = ReadOptions {
        delimiter: Some(b'|'),
        ..ReadOptions::default()
    };
    let t = read_bytes(b"a,b|c\n1,2|3\n", &opts).unwrap();
    assert_eq!(t.info.delimiter, b'|');
    assert!(!t.info.delimiter_sniffed);
    assert_eq!(headers(&t), ["a,b", "c"]);
}

#[test]
fn tab_and_pipe_are_sniffed_and_single_column_uses_comma() {
    let t = read_bytes(b"a\tb\n1\t2\n", &ReadOptions::default()).unwrap();
    assert_eq!(t.info.delimiter, b'\t');
    let t = read_bytes(b"a|b\n1|2\n", &ReadOptions::default()).unwrap();
    assert_eq!(t.info.delimiter, b'|');
    let t = read_bytes(b"name\nSmith, John\n", &ReadOptions::default()).unwrap();
    assert_eq!(t.info.delimiter, b',');
    assert_eq!(headers(&t), ["name"]);
    // Sniffing picked ',' for a single column, so the comma splits the record: reported, kept.
    assert_eq!(row(&t, 0), ["Smith"]);
    assert!(matches!(t.issues[0].kind, SourceIssueKind::Ragged { .. }));
}

// --- 3. Parsing and line numbers -------------------------------------------------------------

#[test]
fn case07_crlf_records_with_an_embedded_lf() {
    let t = read(&fixture("case07-crlf-with-embedded-lf.csv"));
    assert_eq!(t.rows(), 2);
    assert_eq!(t.lines, [2, 4]);
    assert_eq!(row(&t, 0), ["Biff", "Baff", "Boff\n"]);
    assert_eq!(row(&t, 1), ["x", "y", "z"]);
    assert!(t.issues.is_empty());
}

#[test]
fn blank_lines_are_skipped_and_later_lines_stay_right() {
    let t = read_bytes(
        b"\n\r\na,b\r\n\r\n1,2\n\n\n3,\"x\r\ny\"\r\n\r4,5\r\n\r\n",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(headers(&t), ["a", "b"]);
    assert_eq!(t.rows(), 3);
    assert_eq!(t.lines, [5, 8, 11]);
    assert_eq!(row(&t, 1), ["3", "x\r\ny"]);
    assert_eq!(row(&t, 2), ["4", "5"]);
}

#[test]
fn cr_only_line_endings_count_as_lines() {
    let t = read_bytes(b"a,b\r1,2\r3,4\r", &ReadOptions::default()).unwrap();
    assert_eq!(t.lines, [2, 3]);
}

#[test]
fn line_numbers_stay_exact_across_buffer_boundaries() {
    // Rows of varying length so CRLFs land on every offset of the 256 KiB buffer boundaries.
    let mut data = b"id,text\r\n".to_vec();
    let rows = 60_000;
    for i in 0..rows {
        data.extend_from_slice(format!("{i},{}\r\n", "x".repeat(i % 13)).as_bytes());
        if i % 1000 == 0 {
            data.extend_from_slice(b"\r\n");
        }
    }
    let t = read_bytes(&data, &ReadOptions::default()).unwrap();
    assert_eq!(t.rows(), rows);
    for (i, &line) in t.lines.iter().enumerate() {
        let blanks_before = (i as u64).div_ceil(1000);
        assert_eq!(line, i as u64 + 2 + blanks_before, "record {i}");
    }
}

#[test]
fn long_fields_and_wide_records_grow_the_record_buffer() {
    let long = "y".repeat(100_000);
    let header: Vec<String> = (0..200).map(|i| format!("c{i}")).collect();
    let values: Vec<String> = (0..200).map(|i| i.to_string()).collect();
    let data = format!("{}\n{}\nx,{long}\n", header.join(","), values.join(","));
    let t = read_bytes(data.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(t.columns.len(), 200);
    assert_eq!(t.columns[199].get(0), "199");
    assert_eq!(t.columns[1].get(1), long);
}

// --- 4. Ragged rows --------------------------------------------------------------------------

#[test]
fn short_rows_are_padded_and_long_rows_keep_their_extra_fields() {
    let t = read_bytes(b"a,b,c\n1\n1,2,3,4,5\n", &ReadOptions::default()).unwrap();
    assert_eq!(t.rows(), 2);
    assert_eq!(row(&t, 0), ["1", "", ""]);
    assert_eq!(row(&t, 1), ["1", "2", "3"]);
    assert_eq!(
        t.issues,
        vec![
            SourceIssue {
                record: 0,
                line: 2,
                column: None,
                kind: SourceIssueKind::Ragged {
                    expected: 3,
                    found: 1,
                    extra: vec![]
                },
            },
            SourceIssue {
                record: 1,
                line: 3,
                column: None,
                kind: SourceIssueKind::Ragged {
                    expected: 3,
                    found: 5,
                    extra: vec!["4".into(), "5".into()]
                },
            },
        ]
    );
}

// --- 5. Unterminated quote -------------------------------------------------------------------

#[test]
fn quote_open_at_eof_keeps_the_record_and_reports_it() {
    let t = read_bytes(
        b"a,b\n1,2\n3,\"never closed\nstill\n",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(t.rows(), 2);
    assert_eq!(row(&t, 1), ["3", "never closed\nstill\n"]);
    assert_eq!(
        t.issues,
        vec![SourceIssue {
            record: 1,
            line: 3,
            column: Some(1),
            kind: SourceIssueKind::UnterminatedQuote,
        }]
    );
}

#[test]
fn closed_quotes_at_eof_are_not_reported() {
    for data in [
        &b"a,b\n1,\"x\""[..],
        b"a,b\n1,\"x\"\n",
        b"a,b\n1,\"x\"\"\"",
        b"a,b\n1,2",
    ] {
        let t = read_bytes(data, &ReadOptions::default()).unwrap();
        assert_eq!(t.rows(), 1);
        assert!(t.issues.is_empty(), "{:?}: {:?}", data, t.issues);
    }
}

#[test]
fn escaped_quote_just_before_eof_is_still_open() {
    // `"x""` is an open field holding `x"`.
    let t = read_bytes(b"a,b\n1,\"x\"\"", &ReadOptions::default()).unwrap();
    assert_eq!(row(&t, 0), ["1", "x\""]);
    assert_eq!(t.issues[0].kind, SourceIssueKind::UnterminatedQuote);
}

// --- 6. Headers ------------------------------------------------------------------------------

#[test]
fn empty_and_repeated_headers_are_renamed_and_recorded() {
    let t = read_bytes(b" id ,,email,id,\n1,2,3,4,5\n", &ReadOptions::default()).unwrap();
    assert_eq!(headers(&t), ["id", "column_2", "email", "id_2", "column_5"]);
    assert_eq!(
        t.info.renamed_headers,
        vec![
            (1, String::new(), "column_2".to_string()),
            (3, "id".to_string(), "id_2".to_string()),
            (4, String::new(), "column_5".to_string()),
        ]
    );
    assert_eq!(t.column_index("email"), Some(2));
}

// --- Errors ----------------------------------------------------------------------------------

#[test]
fn missing_file_directory_and_empty_file_are_errors_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.csv");
    let err = read_table(&missing, &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ReadError::NotFound { .. }));
    assert!(err.to_string().contains("nope.csv"));

    let err = read_table(dir.path(), &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ReadError::IsDirectory { .. }), "{err:?}");

    let err = read_bytes(b"", &ReadOptions::default()).unwrap_err();
    assert!(matches!(err, ReadError::Empty { .. }));
    assert!(err.to_string().contains("input.csv"));
}

#[test]
fn files_without_a_header_line_are_errors() {
    for data in [
        &b"\n\r\n\n"[..],
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xEF\xBB\xBF\r\n",
    ] {
        let err = read_bytes(data, &ReadOptions::default()).unwrap_err();
        assert!(
            matches!(err, ReadError::NoHeader { .. }),
            "{data:?}: {err:?}"
        );
    }
}

#[test]
fn header_only_file_has_no_rows() {
    let t = read_bytes(b"a,b\n", &ReadOptions::default()).unwrap();
    assert_eq!(t.rows(), 0);
    assert_eq!(headers(&t), ["a", "b"]);
}

#[test]
fn quote_or_newline_delimiter_is_refused() {
    for d in [b'"', b'\n', b'\r'] {
        let opts = ReadOptions {
            delimiter: Some(d),
            ..ReadOptions::default()
        };
        let err = read_bytes(b"a\n", &opts).unwrap_err();
        assert!(matches!(err, ReadError::InvalidDelimiter { .. }));
    }
}

#[test]
fn strict_mode_rejects_an_invalid_header_cell() {
    let opts = ReadOptions {
        strict_encoding: true,
        ..ReadOptions::default()
    };
    match read_bytes(b"id,na\xE7me\n1,2\n", &opts) {
        Err(ReadError::StrictEncoding { line, column, .. }) => {
            assert_eq!((line, column.as_str()), (1, "header of column 2"));
        }
        other => panic!("unexpected {other:?}"),
    }
    // Lenient mode keeps the header readable.
    let t = read_bytes(b"id,na\xE7me\n1,2\n", &ReadOptions::default()).unwrap();
    assert_eq!(headers(&t), ["id", "naçme"]);
}
