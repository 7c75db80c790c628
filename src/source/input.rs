//! Opening the file and producing the byte stream the parser reads.
//!
//! The file is streamed, never loaded whole: the parser holds one buffer of it at a time, so the
//! table is the only large allocation.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::error::ReadError;
use super::transcode::Utf16ToUtf8;

/// Opens `path` for reading, turning "missing", "directory" and "permission" into their own
/// errors. The directory check comes first because `File::open` succeeds on a directory on Linux
/// and only the first read would fail, with a less clear message.
pub(crate) fn open(path: &Path) -> Result<File, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::from_io(path, e))?;
    if meta.is_dir() {
        return Err(ReadError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    File::open(path).map_err(|e| ReadError::from_io(path, e))
}

/// Appends bytes from `src` to `buf` until it holds `want` bytes or `src` ends.
/// Returns true when `src` ended. A single `read` may return fewer bytes than asked (pipes,
/// the transcoder), so one call is not enough to fill a sample.
pub(crate) fn read_up_to(src: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> io::Result<bool> {
    let start = buf.len();
    if start >= want {
        return Ok(false);
    }
    buf.resize(want, 0);
    let mut filled = start;
    let result = loop {
        if filled == want {
            break Ok(false);
        }
        match src.read(&mut buf[filled..]) {
            Ok(0) => break Ok(true),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    buf.truncate(filled);
    result
}

/// A reader that first replays bytes already read (the head used for BOM detection), then
/// continues with the rest of the underlying reader. This avoids seeking, so any `Read` works.
pub(crate) struct Prefixed<R> {
    head: Vec<u8>,
    pos: usize,
    rest: R,
}

impl<R: Read> Prefixed<R> {
    /// Replays `head[skip..]`, then `rest`. `skip` drops a BOM without copying the head.
    pub(crate) fn new(head: Vec<u8>, skip: usize, rest: R) -> Self {
        let pos = skip.min(head.len());
        Prefixed { head, pos, rest }
    }
}

impl<R: Read> Read for Prefixed<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.head.len() {
            let n = (self.head.len() - self.pos).min(out.len());
            out[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
            self.pos += n;
            if self.pos == self.head.len() {
                // The head is no longer needed; free it rather than keep it for the whole read.
                self.head = Vec::new();
                self.pos = 0;
            }
            return Ok(n);
        }
        self.rest.read(out)
    }
}

/// The byte stream the CSV parser sees: either the file's own bytes (UTF-8 or Windows-1252,
/// decoded later cell by cell) or UTF-16 transcoded to UTF-8 on the fly.
pub(crate) enum Source<R> {
    Bytes(Prefixed<R>),
    Utf16(Box<Utf16ToUtf8<Prefixed<R>>>),
}

impl<R: Read> Source<R> {
    /// Moves the stream offsets of malformed UTF-16 sequences found so far into `out`.
    /// Each offset is where a U+FFFD was written in the transcoded stream.
    pub(crate) fn take_malformed(&mut self, out: &mut std::collections::VecDeque<u64>) {
        if let Source::Utf16(t) = self {
            t.take_malformed(out);
        }
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Bytes(r) => r.read(out),
            Source::Utf16(t) => t.read(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixed_replays_head_after_skip_then_rest() {
        let mut r = Prefixed::new(b"\xEF\xBB\xBFab".to_vec(), 3, &b"cd"[..]);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"abcd");
    }

    #[test]
    fn skip_longer_than_head_is_clamped() {
        let mut r = Prefixed::new(b"ab".to_vec(), 9, &b"c"[..]);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"c");
    }

    #[test]
    fn read_up_to_stops_at_want_or_eof() {
        let mut buf = Vec::new();
        let eof = read_up_to(&mut &b"hello"[..], &mut buf, 3).unwrap();
        assert!(!eof);
        assert_eq!(buf, b"hel");
        let mut buf = Vec::new();
        let eof = read_up_to(&mut &b"hi"[..], &mut buf, 10).unwrap();
        assert!(eof);
        assert_eq!(buf, b"hi");
    }
}
