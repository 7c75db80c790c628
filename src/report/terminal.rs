//! Text for a terminal that the data cannot take over.
//!
//! A CRM cell holding `ESC[2J` clears the screen of whoever reads the audit, `ESC]0;...BEL`
//! sets the window title, and other escape sequences move the cursor or rewrite lines above.
//! Every text output (audit and KPI summaries, `dedupe`, `history`) goes through
//! [`Printable`], which writes control characters as visible escapes (`\u{1b}`), the way the
//! JSON output does, and so are the characters that reorder a line (bidi overrides) or break
//! it invisibly (U+2028). The colour codes crmaudit itself writes (SGR: `ESC[...m`) pass when colour
//! is on; a colour code from the data can then only restyle text, never move or erase it.

use std::io::{self, Write};

/// Wraps a writer; see the module documentation.
pub struct Printable<W: Write> {
    inner: W,
    /// Let SGR sequences through (colour is on).
    color: bool,
}

impl<W: Write> Printable<W> {
    pub fn new(inner: W, color: bool) -> Self {
        Printable { inner, color }
    }
}

/// The length of an SGR sequence (`ESC [ digits and ; m`) at the start of `bytes`.
fn sgr_len(bytes: &[u8]) -> Option<usize> {
    let body = bytes.strip_prefix(b"\x1b[")?;
    let params = body
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b';')
        .count();
    (body.get(params) == Some(&b'm')).then_some(params + 3)
}

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        let mut i = 0;
        while i < buf.len() {
            let b = buf[i];
            // C0 controls but the line break, DEL, and the C1 controls (U+0080-U+009F, two
            // bytes in UTF-8: C2 80-9F).
            let (len, code) = match b {
                b'\n' => (0, 0),
                0x1b if self.color => match sgr_len(&buf[i..]) {
                    Some(n) => {
                        i += n;
                        continue;
                    }
                    None => (1, u32::from(b)),
                },
                0x00..=0x1f | 0x7f => (1, u32::from(b)),
                0xc2 if matches!(buf.get(i + 1), Some(0x80..=0x9f)) => (2, u32::from(buf[i + 1])),
                // Bidi embeddings, overrides, isolates and the line/paragraph separators
                // (E2 80 A8-AE, E2 81 A6-A9): text that displays in another order or breaks
                // where no line break is seen.
                0xe2 => match (buf.get(i + 1), buf.get(i + 2)) {
                    (Some(0x80), Some(&b3 @ 0xa8..=0xae)) => (3, 0x2000 + u32::from(b3 - 0x80)),
                    (Some(0x81), Some(&b3 @ 0xa6..=0xa9)) => (3, 0x2040 + u32::from(b3 - 0x80)),
                    _ => (0, 0),
                },
                _ => (0, 0),
            };
            if len == 0 {
                i += 1;
                continue;
            }
            self.inner.write_all(&buf[start..i])?;
            write!(self.inner, "\\u{{{code:x}}}")?;
            i += len;
            start = i;
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, color: bool) -> String {
        let mut out = Vec::new();
        Printable::new(&mut out, color)
            .write_all(text.as_bytes())
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn control_characters_become_visible_escapes() {
        let hostile = "0\x1b[2J\x1b]0;PWNED\x07 tab\there\rcr \u{9b}31m é € 日本\n";
        let expected =
            "0\\u{1b}[2J\\u{1b}]0;PWNED\\u{7} tab\\u{9}here\\u{d}cr \\u{9b}31m é € 日本\n";
        assert_eq!(shown(hostile, false), expected);
        // With colour on, only complete SGR sequences pass.
        assert_eq!(shown(hostile, true), expected);
        assert_eq!(
            shown("\x1b[1;32mPASS\x1b[0m \x1b[2J", true),
            "\x1b[1;32mPASS\x1b[0m \\u{1b}[2J"
        );
        assert_eq!(
            shown("\x1b[1;32mPASS\x1b[0m", false),
            "\\u{1b}[1;32mPASS\\u{1b}[0m"
        );
        assert_eq!(shown("plain text\n", false), "plain text\n");
        // Reordering and line-breaking characters; the marks and other punctuation pass.
        assert_eq!(
            shown(
                "a\u{202e}b\u{2066}c\u{2069}d\u{2028}e\u{2029}f\u{202a}",
                true
            ),
            "a\\u{202e}b\\u{2066}c\\u{2069}d\\u{2028}e\\u{2029}f\\u{202a}"
        );
        let fine = "x\u{200f}y \u{2014} \u{2026} \u{20ac} \u{2070}";
        assert_eq!(shown(fine, false), fine);
    }
}
