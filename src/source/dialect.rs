//! Delimiter sniffing.
//!
//! Each candidate parses the sample for real (quotes respected), and the winner is the one whose
//! records most often have the header's width. Counting raw delimiter characters instead would
//! pick `,` for `Initech, LLC;10,5` (two commas, one semicolon) in a European export.

/// Candidates in tie-breaking order.
pub(crate) const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Rarer delimiters, tried only when none of [`CANDIDATES`] splits the header, and taken only
/// when every record agrees with the header's width: `:` also appears in times and notes.
pub(crate) const FALLBACKS: [u8; 3] = [b':', b'^', b'~'];

/// How much decoded text the sniffer looks at.
pub(crate) const SAMPLE_BYTES: usize = 64 * 1024;

/// Records beyond this add nothing to the decision and only cost time.
const MAX_RECORDS: usize = 2_000;

/// Picks the delimiter for `sample`, the start of the decoded stream. `complete` says whether the
/// sample is the whole file; if not, its last record may be cut and is not counted.
///
/// A candidate qualifies when it splits the header into more than one field; the qualifier with
/// the most data records matching the header width wins, ties going to the earlier candidate.
/// No qualifier means a single-column file, read with `,`.
pub(crate) fn sniff(sample: &[u8], complete: bool) -> u8 {
    let mut best: Option<(u8, usize)> = None;
    for &delimiter in &CANDIDATES {
        let widths = field_counts(sample, complete, delimiter);
        let Some((&header, data)) = widths.split_first() else {
            continue;
        };
        if header <= 1 {
            continue;
        }
        let agreeing = data.iter().filter(|&&w| w == header).count();
        if best.is_none_or(|(_, score)| agreeing > score) {
            best = Some((delimiter, agreeing));
        }
    }
    if let Some((delimiter, _)) = best {
        return delimiter;
    }
    for &delimiter in &FALLBACKS {
        let widths = field_counts(sample, complete, delimiter);
        if let Some((&header, data)) = widths.split_first()
            && header > 1
            && !data.is_empty()
            && data.iter().all(|&w| w == header)
        {
            return delimiter;
        }
    }
    b','
}

/// Field count of each record in `sample` parsed with `delimiter`, blank lines skipped.
fn field_counts(sample: &[u8], complete: bool, delimiter: u8) -> Vec<usize> {
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    // A record's output never exceeds its input, and it has at most one field per input byte
    // plus one, so these buffers never fill up.
    let mut out = vec![0u8; sample.len() + 1];
    let mut ends = vec![0usize; sample.len() + 2];
    let mut counts = Vec::new();
    let mut pos = 0;
    let mut fields = 0;
    while counts.len() < MAX_RECORDS {
        let input = &sample[pos..];
        if input.is_empty() && !complete {
            // The last record may continue past the sample: leave it out.
            break;
        }
        let (result, nin, _, nend) = core.read_record(input, &mut out, &mut ends[fields..]);
        pos += nin;
        fields += nend;
        match result {
            csv_core::ReadRecordResult::Record => {
                counts.push(fields);
                fields = 0;
            }
            csv_core::ReadRecordResult::InputEmpty => {}
            // Unreachable given the buffer sizes; stop rather than loop if it ever happens.
            csv_core::ReadRecordResult::OutputFull
            | csv_core::ReadRecordResult::OutputEndsFull
            | csv_core::ReadRecordResult::End => break,
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_inside_values_does_not_beat_semicolon() {
        let s = b"Company;Amount;Notes\nInitech, LLC;10,5;n/a\nGlobex;1.250,00;\n";
        assert_eq!(sniff(s, true), b';');
    }

    #[test]
    fn quoted_delimiters_are_respected() {
        let s = b"a|b\n\"x;y;z\"|1\n\"p;q;r\"|2\n";
        assert_eq!(sniff(s, true), b'|');
    }

    #[test]
    fn colon_is_taken_only_when_every_record_agrees() {
        assert_eq!(
            sniff(b"id:email:name\n1:a@x.com:Ann\n2:b@x.com:Bob\n", true),
            b':'
        );
        // One note with a colon is a single-column file, not a colon-delimited one.
        assert_eq!(sniff(b"note\nCall at 10:30\nNo answer\n", true), b',');
        assert_eq!(sniff(b"a:b\n1:2\nfree text\n", true), b',');
    }

    #[test]
    fn single_column_falls_back_to_comma() {
        assert_eq!(sniff(b"name\nSmith, John\nDoe; Jane\n", true), b',');
        assert_eq!(sniff(b"", true), b',');
    }

    #[test]
    fn ties_follow_candidate_order_and_tabs_work() {
        assert_eq!(sniff(b"a,b;c\n", true), b',');
        assert_eq!(sniff(b"a\tb\n1\t2\n", true), b'\t');
    }

    #[test]
    fn most_agreeing_records_win() {
        // ',' splits the header in 2 but no record; ';' splits all in 3.
        let s = b"a;b, c;d\n1;2;3\n4;5;6\n";
        assert_eq!(sniff(s, true), b';');
    }

    #[test]
    fn incomplete_sample_ignores_the_cut_record() {
        // Cut in the middle of the last record, which would look like width 2.
        assert_eq!(sniff(b"a;b;c\n1;2;3\n4;5", false), b';');
    }
}
