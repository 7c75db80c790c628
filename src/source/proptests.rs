//! Property tests: any bytes read without panicking, and the reader keeps exactly the records
//! the `csv` crate sees.

use proptest::prelude::*;

use super::{EncodingChoice, ReadError, ReadOptions, read_table};

/// Bytes that matter to CSV parsing and decoding, weighted so files have structure.
fn csv_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => prop::sample::select(b"abcxyz019 ".to_vec()),
        2 => prop::sample::select(b",;\t|".to_vec()),
        2 => Just(b'"'),
        2 => prop::sample::select(b"\r\n".to_vec()),
        // Invalid or partial UTF-8 and Latin-1 letters.
        1 => prop::sample::select(vec![0xE7, 0xE9, 0xC3, 0xA9, 0xFF, 0x80]),
        1 => any::<u8>(),
    ]
}

fn prefix() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b""[..],
        b"\xEF\xBB\xBF",
        b"\xEF\xBB\xBF\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\xFE\xFF",
    ])
}

fn encoding() -> impl Strategy<Value = EncodingChoice> {
    prop::sample::select(vec![
        EncodingChoice::Auto,
        EncodingChoice::Auto,
        EncodingChoice::Utf8,
        EncodingChoice::Windows1252,
        EncodingChoice::Utf16Le,
        EncodingChoice::Utf16Be,
    ])
}

fn delimiter() -> impl Strategy<Value = Option<u8>> {
    prop_oneof![
        3 => Just(None),
        2 => prop::sample::select(b",;\t|".to_vec()).prop_map(Some),
        1 => any::<u8>().prop_map(Some),
    ]
}

/// The stream the parser should see, decoded independently of the reader's streaming code:
/// BOM rules as documented on `EncodingChoice`, UTF-16 decoded in one go.
fn expected_stream(file: &[u8], choice: EncodingChoice) -> Vec<u8> {
    let utf16 = |enc: &'static encoding_rs::Encoding, bom: &[u8]| {
        let body = file.strip_prefix(bom).unwrap_or(file);
        enc.decode_without_bom_handling(body)
            .0
            .into_owned()
            .into_bytes()
    };
    let utf8_body = || file.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(file).to_vec();
    match choice {
        EncodingChoice::Auto if file.starts_with(b"\xEF\xBB\xBF") => utf8_body(),
        EncodingChoice::Auto if file.starts_with(b"\xFF\xFE") => {
            utf16(encoding_rs::UTF_16LE, b"\xFF\xFE")
        }
        EncodingChoice::Auto if file.starts_with(b"\xFE\xFF") => {
            utf16(encoding_rs::UTF_16BE, b"\xFE\xFF")
        }
        EncodingChoice::Auto | EncodingChoice::Utf8 | EncodingChoice::Windows1252 => utf8_body(),
        EncodingChoice::Utf16Le => utf16(encoding_rs::UTF_16LE, b"\xFF\xFE"),
        EncodingChoice::Utf16Be => utf16(encoding_rs::UTF_16BE, b"\xFE\xFF"),
    }
}

/// Records the `csv` crate reads from `stream` (it skips blank lines itself).
fn csv_record_count(stream: &[u8], delimiter: u8) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(stream);
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record).unwrap() {
        n += 1;
    }
    n
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_input_reads_without_panic_and_keeps_every_csv_record(
        prefix in prefix(),
        body in prop::collection::vec(csv_byte(), 0..300),
        utf16_text in any::<bool>(),
        choice in encoding(),
        delimiter in delimiter(),
        strict in any::<bool>(),
    ) {
        let mut file = prefix.to_vec();
        let utf16_prefix = prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF");
        if utf16_prefix && utf16_text {
            // Structured UTF-16: each body byte as one character, so delimiters and quotes
            // survive as such.
            let big_endian = prefix.starts_with(b"\xFE\xFF");
            for unit in body.iter().map(|&b| u16::from(b)) {
                file.extend_from_slice(&if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
            }
        } else {
            file.extend_from_slice(&body);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        std::fs::write(&path, &file).unwrap();
        let opts = ReadOptions { encoding: choice, delimiter, strict_encoding: strict };

        match read_table(&path, &opts) {
            Ok(t) => {
                let stream = expected_stream(&file, choice);
                let records = csv_record_count(&stream, t.info.delimiter);
                prop_assert_eq!(t.rows(), records.saturating_sub(1));
                let width = t.columns.len();
                prop_assert!(width >= 1);
                for c in &t.columns {
                    prop_assert_eq!(c.len(), t.rows());
                }
                prop_assert!(t.lines.windows(2).all(|w| w[0] < w[1]), "{:?}", t.lines);
                prop_assert!(t.lines.first().is_none_or(|&l| l >= 2));
                for issue in &t.issues {
                    prop_assert!(issue.record < t.rows());
                    prop_assert_eq!(issue.line, t.lines[issue.record]);
                    prop_assert!(issue.column.is_none_or(|c| c < width));
                }
            }
            Err(ReadError::Empty { .. }) => prop_assert!(file.is_empty()),
            Err(ReadError::NoHeader { .. }) => {
                let d = delimiter.unwrap_or(b',');
                prop_assert_eq!(csv_record_count(&expected_stream(&file, choice), d), 0);
            }
            Err(ReadError::InvalidDelimiter { delimiter: d, .. }) => {
                prop_assert!(matches!(d, b'"' | b'\r' | b'\n'));
            }
            Err(ReadError::StrictEncoding { .. }) => prop_assert!(strict),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }
}
