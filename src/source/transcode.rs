//! Streaming UTF-16 to UTF-8 conversion.
//!
//! The CSV parser works on ASCII-compatible bytes, so UTF-16 files are converted as they are
//! read, a buffer at a time, instead of decoding the whole file into a second full-size copy.
//! Malformed input (an unpaired surrogate, an odd trailing byte) becomes U+FFFD like every
//! UTF-16 decoder does, but its position in the output stream is remembered so the reader can
//! tell which cell it landed in and record an issue instead of hiding it.

use std::collections::VecDeque;
use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding};

/// UTF-8 bytes of U+FFFD REPLACEMENT CHARACTER.
const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

/// Raw bytes read from the file per refill. Large enough that the per-call overhead is noise.
const INPUT_CHUNK: usize = 64 * 1024;

/// A `Read` that yields the UTF-8 form of a UTF-16 stream (BOM already removed).
///
/// Output goes through an internal buffer: a caller may ask for fewer bytes than one character
/// needs (`read` into a 2-byte tail), and returning 0 then would wrongly signal end of file.
pub(crate) struct Utf16ToUtf8<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    in_pos: usize,
    in_end: usize,
    inner_done: bool,
    finished: bool,
    output: Vec<u8>,
    out_pos: usize,
    out_end: usize,
    /// A replacement character still to be written because the output had no room for it.
    pending_replacement: bool,
    /// Bytes decoded before the current output batch: the stream offset of `output[0]`.
    produced: u64,
    malformed: Vec<u64>,
}

impl<R: Read> Utf16ToUtf8<R> {
    /// `encoding` is `encoding_rs::UTF_16LE` or `UTF_16BE`. BOM handling is off because the
    /// caller already chose the encoding (and skipped the BOM) and a second `FF FE` in the data
    /// must stay data.
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        Utf16ToUtf8 {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; INPUT_CHUNK],
            in_pos: 0,
            in_end: 0,
            inner_done: false,
            finished: false,
            // Two UTF-16 bytes never make more than three UTF-8 bytes.
            output: vec![0; INPUT_CHUNK * 3 / 2 + 16],
            out_pos: 0,
            out_end: 0,
            pending_replacement: false,
            produced: 0,
            malformed: Vec::new(),
        }
    }

    /// Moves the output offsets of replacement characters written for malformed input into `out`.
    pub(crate) fn take_malformed(&mut self, out: &mut VecDeque<u64>) {
        out.extend(self.malformed.drain(..));
    }

    fn refill_input(&mut self) -> io::Result<()> {
        loop {
            match self.inner.read(&mut self.input) {
                Ok(n) => {
                    self.inner_done = n == 0;
                    self.in_pos = 0;
                    self.in_end = n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Decodes the next batch into `output`, which the caller has fully drained.
    fn decode_batch(&mut self) -> io::Result<()> {
        self.produced += self.out_end as u64;
        self.out_pos = 0;
        self.out_end = 0;
        loop {
            if self.pending_replacement {
                if self.output.len() - self.out_end < REPLACEMENT.len() {
                    break;
                }
                self.output[self.out_end..self.out_end + REPLACEMENT.len()]
                    .copy_from_slice(REPLACEMENT);
                self.malformed.push(self.produced + self.out_end as u64);
                self.out_end += REPLACEMENT.len();
                self.pending_replacement = false;
            }
            if self.finished {
                break;
            }
            if self.in_pos == self.in_end && !self.inner_done {
                self.refill_input()?;
            }
            let (result, read, wrote) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_pos..self.in_end],
                &mut self.output[self.out_end..],
                self.inner_done,
            );
            self.in_pos += read;
            self.out_end += wrote;
            match result {
                DecoderResult::InputEmpty => {
                    if self.inner_done {
                        self.finished = true;
                    } else if self.out_end > 0 {
                        // Hand back what we have rather than block on another file read.
                        break;
                    }
                }
                DecoderResult::OutputFull => break,
                DecoderResult::Malformed(_, _) => self.pending_replacement = true,
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.out_pos == self.out_end {
            self.decode_batch()?;
        }
        let n = (self.out_end - self.out_pos).min(out.len());
        out[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcode(bytes: &[u8], enc: &'static Encoding, chunk: usize) -> (String, Vec<u64>) {
        let mut t = Utf16ToUtf8::new(bytes, enc);
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            let n = t.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let mut bad = VecDeque::new();
        t.take_malformed(&mut bad);
        (String::from_utf8(out).unwrap(), bad.into_iter().collect())
    }

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
    }

    #[test]
    fn converts_le_and_be_including_astral_chars() {
        let text = "id,name\n1,Zoë 😀\n";
        assert_eq!(
            transcode(&utf16le(text), encoding_rs::UTF_16LE, 7),
            (text.to_string(), vec![])
        );
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(
            transcode(&be, encoding_rs::UTF_16BE, 4096),
            (text.to_string(), vec![])
        );
    }

    #[test]
    fn unpaired_surrogate_and_odd_byte_become_replacements_at_known_offsets() {
        let mut bytes = utf16le("a,");
        bytes.extend_from_slice(&0xD800u16.to_le_bytes()); // lone high surrogate
        bytes.extend_from_slice(&utf16le("b"));
        bytes.push(0x41); // odd trailing byte
        // A read size smaller than one character must still make progress.
        let (text, bad) = transcode(&bytes, encoding_rs::UTF_16LE, 3);
        assert_eq!(text, "a,\u{FFFD}b\u{FFFD}");
        assert_eq!(bad, vec![2, 6]);
    }
}
