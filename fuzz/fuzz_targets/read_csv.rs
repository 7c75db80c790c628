//! The CSV reader on arbitrary bytes: encoding detection, dialect sniffing, quoting, ragged
//! rows. It must never panic, and every record it reports must be a line of the input.
#![no_main]

use std::path::Path;

use crmaudit::source::{EncodingChoice, ReadOptions, read_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.csv");
    let sniffed = read_bytes(path, data, &ReadOptions::default());
    if let Ok(table) = &sniffed {
        let lines = data.iter().filter(|&&b| b == b'\n' || b == b'\r').count() as u64 + 1;
        assert!(table.lines.iter().all(|&l| l >= 2 && l <= lines + 1));
        assert!(table.lines.windows(2).all(|w| w[0] < w[1]));
        for column in &table.columns {
            assert_eq!(column.len(), table.rows());
        }
    }
    // The first byte picks a fixed dialect too, so each input also runs the other paths.
    let Some(&first) = data.first() else { return };
    let options = ReadOptions {
        encoding: match first % 5 {
            0 => EncodingChoice::Auto,
            1 => EncodingChoice::Utf8,
            2 => EncodingChoice::Windows1252,
            3 => EncodingChoice::Utf16Le,
            _ => EncodingChoice::Utf16Be,
        },
        delimiter: [None, Some(b','), Some(b';'), Some(b'\t'), Some(b'|'), Some(b':')]
            [usize::from(first / 5 % 6)],
        strict_encoding: first & 0x80 != 0,
    };
    let _ = read_bytes(path, &data[1..], &options);
});
