//! Fields with text after their closing quote.
//!
//! `"Acme" Inc` is not valid CSV: a field that starts with a quote must end with one. The
//! parser (`csv_core`, like Excel) reads it as `Acme Inc`: the quotes vanish and nothing says
//! so. An export that does not double the quotes inside a quoted field (`"He said "hi" to me"`)
//! comes out changed the same way. This scanner finds the first such field of each record so
//! that the change is reported (DQ016) instead of silent.
//!
//! It runs beside the parser over the same bytes and follows the parser's states (start of
//! field, unquoted, quoted, a quote inside a quoted field), so it agrees with what the parser
//! did. A record without any quote costs one `memchr` over its bytes.

/// Where the scanner stands in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field: a quote here opens a quoted field.
    Start,
    /// In an unquoted field: quotes are data until the delimiter.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: `"` is an escaped quote, the delimiter or a
    /// line break ends the field, anything else is text after the closing quote.
    QuoteSeen,
}

/// Scans one record at a time, fed chunk by chunk (a record may span buffer refills).
#[derive(Debug)]
pub(crate) struct StrayQuotes {
    delimiter: u8,
    /// A quote has been seen in this record, so every byte since is followed.
    active: bool,
    /// Index of the field the scanner is in.
    field: usize,
    state: State,
    /// The last byte of the record fed so far, while not `active`.
    last: Option<u8>,
    /// The first field of the record with text after its closing quote.
    stray: Option<usize>,
}

impl StrayQuotes {
    pub(crate) fn new(delimiter: u8) -> Self {
        StrayQuotes {
            delimiter,
            active: false,
            field: 0,
            state: State::Start,
            last: None,
            stray: None,
        }
    }

    /// Forgets the previous record.
    pub(crate) fn start_record(&mut self) {
        self.active = false;
        self.field = 0;
        self.state = State::Start;
        self.last = None;
        self.stray = None;
    }

    /// The first field of the record with text after its closing quote.
    pub(crate) fn stray_field(&self) -> Option<usize> {
        self.stray
    }

    /// Follows the next bytes the parser consumed for this record. `more` says the record goes
    /// on in a later chunk.
    pub(crate) fn feed(&mut self, bytes: &[u8], more: bool) {
        if !self.active {
            let Some(q) = memchr::memchr(b'"', bytes) else {
                if more {
                    // No quote so far, so every delimiter was a real one.
                    self.field += memchr::memchr_iter(self.delimiter, bytes).count();
                    self.last = bytes.last().copied().or(self.last);
                }
                return;
            };
            self.field += memchr::memchr_iter(self.delimiter, &bytes[..q]).count();
            let before = if q > 0 { Some(bytes[q - 1]) } else { self.last };
            self.state = match before {
                None | Some(b'\r' | b'\n') => State::Start,
                Some(b) if b == self.delimiter => State::Start,
                Some(_) => State::Unquoted,
            };
            self.active = true;
            self.run(&bytes[q..]);
        } else {
            self.run(bytes);
        }
    }

    fn run(&mut self, bytes: &[u8]) {
        let d = self.delimiter;
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                State::Quoted => match memchr::memchr(b'"', &bytes[i..]) {
                    Some(q) => {
                        self.state = State::QuoteSeen;
                        i += q + 1;
                    }
                    None => return,
                },
                State::Unquoted => match memchr::memchr3(d, b'\r', b'\n', &bytes[i..]) {
                    Some(at) => {
                        self.end_field(bytes[i + at]);
                        i += at + 1;
                    }
                    None => return,
                },
                // At the start of a field a quote opens it; after a quote inside a quoted field
                // it is an escaped quote: quoted either way. Other text after a closing quote is
                // stray, and the parser goes on reading the field unquoted, as we do.
                State::Start | State::QuoteSeen => {
                    let b = bytes[i];
                    if b == b'"' {
                        self.state = State::Quoted;
                    } else if b == d || b == b'\r' || b == b'\n' {
                        self.end_field(b);
                    } else {
                        if self.state == State::QuoteSeen {
                            self.stray.get_or_insert(self.field);
                        }
                        self.state = State::Unquoted;
                    }
                    i += 1;
                }
            }
        }
    }

    /// A delimiter starts the next field; a line break ends the record (nothing follows it in
    /// the bytes the parser consumed for it).
    fn end_field(&mut self, b: u8) {
        if b == self.delimiter {
            self.field += 1;
        }
        self.state = State::Start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stray(record: &[u8]) -> Option<usize> {
        let mut s = StrayQuotes::new(b',');
        s.start_record();
        s.feed(record, false);
        s.stray_field()
    }

    #[test]
    fn text_after_a_closing_quote_is_found_in_its_field() {
        assert_eq!(stray(b"1,\"Acme\" Inc,a@x.com\n"), Some(1));
        assert_eq!(stray(b"\"He said \"hi\" to me\",2\n"), Some(0));
        assert_eq!(stray(b"a,b,c,\"d\"x\r\n"), Some(3));
    }

    #[test]
    fn valid_quoting_and_literal_quotes_in_unquoted_fields_are_not_stray() {
        assert_eq!(stray(b"1,\"Acme, Inc\",\"say \"\"hi\"\"\"\n"), None);
        assert_eq!(stray(b"1,Big \"Q\" Co,x\n"), None);
        assert_eq!(stray(b"\"a\nb\",\"\"\r\n"), None);
        assert_eq!(
            stray(b"1, \"x\" y,2\n"),
            None,
            "a quote after a space is data"
        );
        assert_eq!(stray(b"\"open to the end"), None);
        assert_eq!(stray(b"plain,record\n"), None);
    }

    #[test]
    fn a_record_split_across_chunks_gives_the_same_answer() {
        let records: [&[u8]; 4] = [
            b"1,22,333,\"Acme\" Inc,5\n",
            b"1,\"a,b\",\"c\"\"d\"x,e\n",
            b"1,Big \"Q\" Co,\"ok\"\n",
            b"x,y,\"\"\"quoted\"\"\",\"z\"\"\"w\n",
        ];
        for record in records {
            let whole = stray(record);
            for split in 0..=record.len() {
                for second in split..=record.len() {
                    let mut s = StrayQuotes::new(b',');
                    s.start_record();
                    s.feed(&record[..split], true);
                    s.feed(&record[split..second], true);
                    s.feed(&record[second..], false);
                    assert_eq!(
                        s.stray_field(),
                        whole,
                        "{record:?} split at {split}/{second}"
                    );
                }
            }
        }
        assert_eq!(stray(records[0]), Some(3));
        assert_eq!(stray(records[1]), Some(2));
        assert_eq!(stray(records[2]), None);
        assert_eq!(stray(records[3]), Some(3));
    }

    #[test]
    fn other_delimiters() {
        let mut s = StrayQuotes::new(b';');
        s.start_record();
        s.feed(b"1;\"a,b\" c;x\n", false);
        assert_eq!(s.stray_field(), Some(1));
    }
}
