//! Choosing the encoding from the BOM and the user's choice, and decoding cells.
//!
//! Without a BOM the file is read as UTF-8 *cell by cell*: a CRM export that is UTF-8 except for
//! one pasted Latin-1 name must keep its other 99.99% as UTF-8, and the odd cell must be
//! reported. Re-decoding the whole file as Windows-1252 would silently corrupt every accented
//! character in every other cell.

use std::borrow::Cow;

use super::EncodingChoice;

/// What invalid UTF-8 cells are decoded as; also the label in their `SourceIssue`.
pub(crate) const FALLBACK_LABEL: &str = "windows-1252";

/// The label recorded for a cell holding a malformed UTF-16 sequence (replaced by U+FFFD).
pub(crate) const UTF16_REPLACEMENT_LABEL: &str = "U+FFFD (malformed UTF-16)";

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const UTF16LE_BOM: &[u8] = b"\xFF\xFE";
const UTF16BE_BOM: &[u8] = b"\xFE\xFF";

/// How the file's bytes become the byte stream the parser sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stream {
    /// Parse the file's bytes directly; cells are decoded afterwards by a [`CellDecoding`].
    Bytes(CellDecoding),
    /// Transcode UTF-16 to UTF-8 first; cells are then always valid UTF-8.
    Utf16(&'static encoding_rs::Encoding),
}

/// How one cell's bytes become text when the stream is the file's own bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellDecoding {
    /// UTF-8, with Windows-1252 as the recorded fallback for invalid cells.
    Utf8,
    /// Windows-1252; every byte sequence is valid.
    Windows1252,
}

/// The encoding decision for one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    pub stream: Stream,
    /// Bytes of BOM to skip at the start of the file.
    pub skip: usize,
    /// The `SourceInfo.encoding` value.
    pub label: &'static str,
}

/// Decides the encoding from the user's choice and the first bytes of the file.
pub(crate) fn plan(choice: EncodingChoice, head: &[u8]) -> Plan {
    let utf8_bom = head.starts_with(UTF8_BOM);
    let le_bom = head.starts_with(UTF16LE_BOM);
    let be_bom = head.starts_with(UTF16BE_BOM);
    let utf8 = Stream::Bytes(CellDecoding::Utf8);
    let utf16le = Stream::Utf16(encoding_rs::UTF_16LE);
    let utf16be = Stream::Utf16(encoding_rs::UTF_16BE);
    match choice {
        EncodingChoice::Auto | EncodingChoice::Utf8 if utf8_bom => Plan {
            stream: utf8,
            skip: UTF8_BOM.len(),
            label: "utf-8 (bom)",
        },
        EncodingChoice::Auto if le_bom => Plan {
            stream: utf16le,
            skip: 2,
            label: "utf-16le (bom)",
        },
        EncodingChoice::Auto if be_bom => Plan {
            stream: utf16be,
            skip: 2,
            label: "utf-16be (bom)",
        },
        EncodingChoice::Auto if bomless_utf16(head) == Some(Endian::Little) => Plan {
            stream: utf16le,
            skip: 0,
            label: "utf-16le (no bom, detected)",
        },
        EncodingChoice::Auto if bomless_utf16(head) == Some(Endian::Big) => Plan {
            stream: utf16be,
            skip: 0,
            label: "utf-16be (no bom, detected)",
        },
        EncodingChoice::Auto | EncodingChoice::Utf8 => Plan {
            stream: utf8,
            skip: 0,
            label: "utf-8",
        },
        EncodingChoice::Windows1252 => Plan {
            stream: Stream::Bytes(CellDecoding::Windows1252),
            // A UTF-8 BOM is never part of a header; the CSV parser would drop it anyway, so
            // drop it here where the decision is visible.
            skip: if utf8_bom { UTF8_BOM.len() } else { 0 },
            label: "windows-1252",
        },
        EncodingChoice::Utf16Le => Plan {
            stream: utf16le,
            skip: if le_bom { 2 } else { 0 },
            label: if le_bom { "utf-16le (bom)" } else { "utf-16le" },
        },
        EncodingChoice::Utf16Be => Plan {
            stream: utf16be,
            skip: if be_bom { 2 } else { 0 },
            label: if be_bom { "utf-16be (bom)" } else { "utf-16be" },
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

/// UTF-16 written without a BOM (some Windows tools do): text that is mostly Latin letters then
/// has a zero byte in every other position. Read as UTF-8 it would give headers such as
/// `e\0m\0a\0i\0l\0`, so the pattern is worth recognising. The thresholds leave binary files
/// and UTF-8 alone: at least 8 code units, a zero in the high byte of at least 70% of them and
/// in the low byte of none but a few.
fn bomless_utf16(head: &[u8]) -> Option<Endian> {
    let units = head.len().min(4096) / 2;
    if units < 8 {
        return None;
    }
    let pairs = head[..units * 2].chunks_exact(2);
    let (mut zero_first, mut zero_second) = (0usize, 0usize);
    for pair in pairs {
        zero_first += usize::from(pair[0] == 0);
        zero_second += usize::from(pair[1] == 0);
    }
    let mostly = |n: usize| n * 10 >= units * 7;
    let rarely = |n: usize| n * 20 <= units;
    if mostly(zero_second) && rarely(zero_first) {
        Some(Endian::Little)
    } else if mostly(zero_first) && rarely(zero_second) {
        Some(Endian::Big)
    } else {
        None
    }
}

impl CellDecoding {
    /// The whole record's bytes as text when every cell is valid as-is, which is the case for
    /// nearly every record; `None` sends the caller to the per-cell path.
    ///
    /// Validating the record once is much cheaper than once per cell, but a record can be valid
    /// while a cell is not (`\xC3,\xA9`: the parser removed the comma between the two halves of
    /// `é`), so every cell end must also fall on a character boundary.
    pub(crate) fn whole_record<'a>(self, bytes: &'a [u8], ends: &[usize]) -> Option<&'a str> {
        let text = match self {
            CellDecoding::Utf8 => std::str::from_utf8(bytes).ok()?,
            // ASCII is the same in Windows-1252 and UTF-8, and splits at any byte.
            CellDecoding::Windows1252 if bytes.is_ascii() => std::str::from_utf8(bytes).ok()?,
            CellDecoding::Windows1252 => return None,
        };
        if matches!(self, CellDecoding::Utf8) && !ends.iter().all(|&e| text.is_char_boundary(e)) {
            return None;
        }
        Some(text)
    }

    /// Decodes one cell. `Err` carries the Windows-1252 text of a cell that is not valid UTF-8,
    /// so the caller can both keep the value and record (or refuse) it.
    pub(crate) fn cell(self, bytes: &[u8]) -> Result<Cow<'_, str>, String> {
        match self {
            CellDecoding::Utf8 => match std::str::from_utf8(bytes) {
                Ok(s) => Ok(Cow::Borrowed(s)),
                Err(_) => Err(windows_1252(bytes).into_owned()),
            },
            CellDecoding::Windows1252 => Ok(windows_1252(bytes)),
        }
    }
}

fn windows_1252(bytes: &[u8]) -> Cow<'_, str> {
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn utf16_without_bom_is_recognised_and_other_bytes_are_not() {
        let le = plan(
            EncodingChoice::Auto,
            &utf16("email,name\na@x.com,Zoë\n", false),
        );
        assert_eq!(le.label, "utf-16le (no bom, detected)");
        let be = plan(
            EncodingChoice::Auto,
            &utf16("email,name\na@x.com,Zoë\n", true),
        );
        assert_eq!(be.label, "utf-16be (no bom, detected)");
        // UTF-8, a few NULs in UTF-8 text, and short inputs stay UTF-8.
        assert_eq!(
            plan(EncodingChoice::Auto, "email,name\n".as_bytes()).label,
            "utf-8"
        );
        assert_eq!(
            plan(EncodingChoice::Auto, b"id,note\n1,a\0b\n2,c\0d\n").label,
            "utf-8"
        );
        assert_eq!(
            plan(EncodingChoice::Auto, &utf16("id", false)).label,
            "utf-8"
        );
        // An explicit choice is never second-guessed.
        assert_eq!(
            plan(EncodingChoice::Utf8, &utf16("email,name\n", false)).label,
            "utf-8"
        );
    }

    #[test]
    fn bom_decides_in_auto_mode() {
        assert_eq!(
            plan(EncodingChoice::Auto, b"\xEF\xBB\xBFid").label,
            "utf-8 (bom)"
        );
        assert_eq!(plan(EncodingChoice::Auto, b"\xEF\xBB\xBFid").skip, 3);
        assert_eq!(
            plan(EncodingChoice::Auto, b"\xFF\xFEi\0").label,
            "utf-16le (bom)"
        );
        assert_eq!(
            plan(EncodingChoice::Auto, b"\xFE\xFF\0i").label,
            "utf-16be (bom)"
        );
        assert_eq!(plan(EncodingChoice::Auto, b"id").label, "utf-8");
        assert_eq!(plan(EncodingChoice::Auto, b"\xEF\xBB").skip, 0);
        assert_eq!(plan(EncodingChoice::Auto, b"").label, "utf-8");
    }

    #[test]
    fn explicit_choice_wins_over_bom() {
        let p = plan(EncodingChoice::Utf8, b"\xFF\xFEi\0");
        assert_eq!((p.label, p.skip), ("utf-8", 0));
        let p = plan(EncodingChoice::Windows1252, b"\xEF\xBB\xBFid");
        assert_eq!((p.label, p.skip), ("windows-1252", 3));
        let p = plan(EncodingChoice::Utf16Be, b"\0i");
        assert_eq!((p.label, p.skip), ("utf-16be", 0));
    }

    #[test]
    fn record_fast_path_rejects_a_character_split_by_a_delimiter() {
        let bytes = b"\xC3\xA9";
        assert!(CellDecoding::Utf8.whole_record(bytes, &[1, 2]).is_none());
        assert_eq!(CellDecoding::Utf8.whole_record(bytes, &[2]), Some("é"));
        assert!(
            CellDecoding::Windows1252
                .whole_record(bytes, &[2])
                .is_none()
        );
        assert_eq!(
            CellDecoding::Windows1252.whole_record(b"ab", &[1, 2]),
            Some("ab")
        );
    }

    #[test]
    fn invalid_utf8_cell_falls_back_to_windows_1252() {
        assert_eq!(
            CellDecoding::Utf8.cell(b"Fran\xE7ois"),
            Err("François".to_string())
        );
        assert_eq!(CellDecoding::Utf8.cell("é".as_bytes()).unwrap(), "é");
        assert_eq!(CellDecoding::Windows1252.cell(b"\x80").unwrap(), "€");
    }
}
