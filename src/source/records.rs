//! Splitting the byte stream into records, with the physical line each record starts on.
//!
//! This drives `csv_core` (the parser inside the `csv` crate) directly instead of going through
//! `csv::Reader`, for two facts `csv::Reader` cannot give:
//! - **Start lines.** `csv::Reader`'s record position is taken *before* the blank lines the
//!   parser skips, and after a CR the LF is counted only on the next call; both shift line
//!   numbers. Here blank-line bytes are skipped by us before the parser sees the record, so the
//!   line of its first byte is known exactly.
//! - **An open quote at end of file.** The parser silently closes it. We feed one synthetic `\n`
//!   at the end: outside a quoted field it ends the record (or is a skipped blank line) and
//!   writes nothing; inside one it is written to the field as data. So "the `\n` produced a byte
//!   of output" means exactly "the file ended inside quotes", and that byte is removed again.
//!
//! Parsing itself (quotes, `""` escapes, CR/LF/CRLF terminators, flexible widths) is
//! `csv_core`'s, with the `csv` crate's defaults, so records are the ones `csv` would produce.

use std::io::{self, Read};

use csv_core::ReadRecordResult;

use super::quotes::StrayQuotes;

/// Bytes read from the source per refill.
pub(crate) const BUFFER_BYTES: usize = 256 * 1024;

/// One record's fields, reused from record to record so the hot loop does not allocate.
#[derive(Debug)]
pub(crate) struct Record {
    bytes: Vec<u8>,
    bytes_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
}

impl Default for Record {
    fn default() -> Self {
        Record {
            bytes: vec![0; 4096],
            bytes_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
        }
    }
}

impl Record {
    fn clear(&mut self) {
        self.bytes_len = 0;
        self.ends_len = 0;
    }

    /// Number of fields.
    pub(crate) fn len(&self) -> usize {
        self.ends_len
    }

    /// All field bytes, concatenated.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes[..self.bytes_len]
    }

    /// End offset of each field in [`Record::bytes`].
    pub(crate) fn ends(&self) -> &[usize] {
        &self.ends[..self.ends_len]
    }

    /// Byte range of field `i` in [`Record::bytes`]; empty when out of range.
    pub(crate) fn range(&self, i: usize) -> std::ops::Range<usize> {
        let ends = self.ends();
        match ends.get(i) {
            Some(&end) => {
                let start = if i == 0 { 0 } else { ends[i - 1] };
                start.min(end)..end
            }
            None => 0..0,
        }
    }

    /// The bytes of field `i`; empty when out of range.
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        &self.bytes()[self.range(i)]
    }
}

/// Where a record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordInfo {
    /// Physical 1-based line of the record's first byte.
    pub line: u64,
    /// Stream offset of the record's first byte.
    pub start: u64,
    /// Stream offset just past the record's last consumed byte.
    pub end: u64,
    /// The file ended inside a quoted field of this record.
    pub unterminated_quote: bool,
    /// The first field of this record with text after its closing quote (`"Acme" Inc`), which
    /// the parser read without its quotes.
    pub stray_quote: Option<usize>,
}

/// Reads records from a byte stream that is UTF-8 or another ASCII-compatible encoding.
pub(crate) struct RecordReader<R> {
    src: R,
    core: csv_core::Reader,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    src_done: bool,
    final_newline_fed: bool,
    done: bool,
    started: bool,
    /// Line breaks consumed so far: `\n`, `\r\n` and a lone `\r` each count once, like the
    /// parser's record terminators, so CR-only (old Mac Excel) files get real line numbers.
    breaks: u64,
    prev_cr: bool,
    offset: u64,
    quotes: StrayQuotes,
}

impl<R: Read> RecordReader<R> {
    /// `head` is what was already read from `src` (the sniffing sample); it is parsed first.
    pub(crate) fn new(src: R, mut head: Vec<u8>, src_done: bool, delimiter: u8) -> Self {
        let end = head.len();
        if head.len() < BUFFER_BYTES {
            head.resize(BUFFER_BYTES, 0);
        }
        RecordReader {
            src,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            buf: head,
            pos: 0,
            end,
            src_done,
            final_newline_fed: false,
            done: false,
            started: false,
            breaks: 0,
            prev_cr: false,
            offset: 0,
            quotes: StrayQuotes::new(delimiter),
        }
    }

    /// The underlying stream, e.g. to collect transcoding problems.
    pub(crate) fn source_mut(&mut self) -> &mut R {
        &mut self.src
    }

    /// Refills the buffer once it is fully consumed. Returns false at end of stream.
    fn refill(&mut self) -> io::Result<bool> {
        if self.src_done {
            return Ok(false);
        }
        loop {
            match self.src.read(&mut self.buf) {
                Ok(0) => {
                    self.src_done = true;
                    self.pos = 0;
                    self.end = 0;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Counts the blank-line bytes at the start of the first record without consuming them:
    /// the parser must see the very first bytes itself so that it treats a leading BOM-like
    /// sequence exactly as the `csv` crate does. Exact unless the file starts with more blank
    /// lines than one buffer holds.
    fn peek_leading_breaks(&self) -> u64 {
        let lead = self.buf[self.pos..self.end]
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let bytes = &self.buf[self.pos..self.pos + lead];
        let crlf = bytes.windows(2).filter(|w| w == b"\r\n").count();
        (lead - crlf) as u64
    }

    /// Skips the blank lines before a record, counting them, so the record's line is known.
    /// The parser would skip exactly these bytes (CR and LF at the start of a record) itself.
    fn skip_blank_lines(&mut self) -> io::Result<()> {
        loop {
            let lead = self.buf[self.pos..self.end]
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            if lead > 0 {
                let to = self.pos + lead;
                self.breaks += count_breaks(&self.buf[self.pos..to], &mut self.prev_cr);
                self.pos = to;
                self.offset += lead as u64;
            }
            if self.pos < self.end || !self.refill()? {
                return Ok(());
            }
        }
    }

    /// Reads the next record into `rec`. `None` at end of stream.
    pub(crate) fn next_record(&mut self, rec: &mut Record) -> io::Result<Option<RecordInfo>> {
        rec.clear();
        if self.done {
            return Ok(None);
        }
        let line = if self.started {
            self.skip_blank_lines()?;
            self.breaks + 1
        } else {
            self.started = true;
            if self.pos == self.end {
                self.refill()?;
            }
            self.breaks + self.peek_leading_breaks() + 1
        };
        let start = self.offset;
        let mut unterminated_quote = false;
        self.quotes.start_record();
        loop {
            if self.pos == self.end && !self.src_done {
                self.refill()?;
                continue;
            }
            let synthetic = self.pos == self.end && !self.final_newline_fed;
            let input: &[u8] = if self.pos < self.end {
                &self.buf[self.pos..self.end]
            } else if synthetic {
                b"\n"
            } else {
                &[]
            };
            let (result, nin, nout, nend) = self.core.read_record(
                input,
                &mut rec.bytes[rec.bytes_len..],
                &mut rec.ends[rec.ends_len..],
            );
            if synthetic {
                if nin > 0 {
                    self.final_newline_fed = true;
                    unterminated_quote = nout > 0;
                }
            } else if nin > 0 {
                let to = self.pos + nin;
                let consumed = &self.buf[self.pos..to];
                self.breaks += count_breaks(consumed, &mut self.prev_cr);
                self.quotes
                    .feed(consumed, !matches!(result, ReadRecordResult::Record));
                self.pos = to;
                self.offset += nin as u64;
            }
            rec.bytes_len += nout;
            rec.ends_len += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let len = rec.bytes.len();
                    rec.bytes.resize(len * 2, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = rec.ends.len();
                    rec.ends.resize(len * 2, 0);
                }
                ReadRecordResult::Record => {
                    if unterminated_quote {
                        // Remove the synthetic newline that landed in the last field.
                        rec.bytes_len = rec.bytes_len.saturating_sub(1);
                        if let Some(last) = rec.ends[..rec.ends_len].last_mut() {
                            *last = last.saturating_sub(1);
                        }
                    }
                    return Ok(Some(RecordInfo {
                        line,
                        start,
                        end: self.offset,
                        unterminated_quote,
                        stray_quote: self.quotes.stray_field(),
                    }));
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
    }
}

/// Counts line breaks in `bytes`, continuing from the previous call (`prev_cr`: the byte before
/// `bytes` was a CR) so that a CRLF split across two buffers counts once.
///
/// A break is every CR plus every LF not preceded by a CR. This runs over every byte of the
/// file, so it is written to vectorise: one pass comparing each byte with its predecessor, and
/// per-chunk `u8` counters (at most 255 hits fit) instead of a `u64` per byte, so the compiler
/// can process 16 bytes per instruction.
fn count_breaks(bytes: &[u8], prev_cr: &mut bool) -> u64 {
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return 0;
    };
    let mut total = u64::from(first == b'\r' || (first == b'\n' && !*prev_cr));
    for (prev, cur) in bytes.chunks(255).zip(bytes[1..].chunks(255)) {
        // Bitwise `|` and `&` on bools, not `||` and `&&`: short-circuiting adds branches, and
        // branches stop the loop from vectorising.
        let hits = prev.iter().zip(cur).fold(0u8, |acc, (&p, &c)| {
            acc + u8::from((c == b'\r') | ((c == b'\n') & (p != b'\r')))
        });
        total += u64::from(hits);
    }
    *prev_cr = last == b'\r';
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obvious per-byte definition, to check the vectorised one against.
    fn slow_breaks(bytes: &[u8], mut prev_cr: bool) -> u64 {
        let mut n = 0;
        for &b in bytes {
            n += u64::from(b == b'\r' || (b == b'\n' && !prev_cr));
            prev_cr = b == b'\r';
        }
        n
    }

    #[test]
    fn count_breaks_matches_the_definition_across_chunk_and_call_boundaries() {
        let pattern = b"ab\r\ncd\n\r\r\n\n\rx";
        let data: Vec<u8> = pattern.iter().cycle().take(5000).copied().collect();
        for split in [0, 1, 2, 3, 254, 255, 256, 511, 4999] {
            let mut prev = false;
            let n =
                count_breaks(&data[..split], &mut prev) + count_breaks(&data[split..], &mut prev);
            assert_eq!(n, slow_breaks(&data, false), "split at {split}");
        }
        let mut prev = true;
        assert_eq!(count_breaks(b"\n", &mut prev), 0);
        assert!(!prev);
    }

    fn records(data: &[u8]) -> Vec<(Vec<Vec<u8>>, RecordInfo)> {
        let mut reader = RecordReader::new(data, Vec::new(), false, b',');
        let mut rec = Record::default();
        let mut out = Vec::new();
        while let Some(info) = reader.next_record(&mut rec).unwrap() {
            let fields = (0..rec.len()).map(|i| rec.field(i).to_vec()).collect();
            out.push((fields, info));
        }
        out
    }

    #[test]
    fn start_lines_offsets_and_open_quote() {
        let got = records(b"\r\na,b\r\n\r\n\"x\ny\",2\n3,\"open");
        let lines: Vec<u64> = got.iter().map(|(_, i)| i.line).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(got[1].0, [b"x\ny".to_vec(), b"2".to_vec()]);
        assert_eq!(got[2].0, [b"3".to_vec(), b"open".to_vec()]);
        assert!(got[2].1.unterminated_quote);
        assert!(!got[1].1.unterminated_quote);
        assert_eq!((got[1].1.start, got[1].1.end), (9, 17));
    }

    #[test]
    fn field_out_of_range_is_empty() {
        let rec = Record::default();
        assert!(rec.field(3).is_empty());
        assert_eq!(rec.range(0), 0..0);
    }
}
