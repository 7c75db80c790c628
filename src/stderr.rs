//! Lines on stderr that never fail the run.
//!
//! `eprintln!` panics when stderr cannot be written (`2>&1 | head -1` closed the pipe,
//! `2>/dev/full`), and a panic inside the panic hook aborts: exit 134 instead of the exit code
//! the run earned. A diagnostic nobody can read is dropped instead.

use std::io::Write;

/// Writes one line to stderr, ignoring a failed write.
pub fn line(args: std::fmt::Arguments) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}
