//! Estimating the table's size from the sniffing sample, to allocate each column once.
//!
//! Growing fifteen columns by doubling means repeated reallocations; once glibc has raised its
//! mmap threshold (after a first large table was freed), those reallocations copy inside the
//! heap and peak memory rises by a fifth. An estimate from the first 64 KiB is usually within a
//! few percent; if it is low the columns still grow, and unused capacity is given back at the end.

/// Expected records and text bytes per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Estimate {
    pub rows: usize,
    pub column_bytes: Vec<usize>,
}

/// Head-room over the extrapolation so a slightly low estimate does not trigger a doubling.
const SLACK_PERCENT: u64 = 5;

/// Estimates the table for a stream of `stream_len` bytes whose start is `sample`.
///
/// Returns `None` when there is nothing to extrapolate from, or when the estimate would reserve
/// more than a few times the file size: a sample that is not representative (short rows first,
/// then huge ones) must not reserve gigabytes up front.
pub(crate) fn estimate(
    sample: &[u8],
    complete: bool,
    delimiter: u8,
    stream_len: u64,
) -> Option<Estimate> {
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    // Output never exceeds input, and there is at most one field per input byte plus one.
    let mut out = vec![0u8; sample.len() + 1];
    let mut ends = vec![0usize; sample.len() + 2];
    let mut pos = 0;
    let mut header_end = None;
    let mut data_end = 0;
    let mut rows: u64 = 0;
    let mut column_bytes: Vec<u64> = Vec::new();
    let (mut out_len, mut ends_len) = (0, 0);
    loop {
        let input = &sample[pos..];
        if input.is_empty() && !complete {
            break;
        }
        let (result, nin, nout, nend) =
            core.read_record(input, &mut out[out_len..], &mut ends[ends_len..]);
        pos += nin;
        out_len += nout;
        ends_len += nend;
        match result {
            csv_core::ReadRecordResult::Record => {
                if header_end.is_none() {
                    header_end = Some(pos);
                    column_bytes = vec![0; ends_len];
                } else {
                    rows += 1;
                    data_end = pos;
                    let mut start = 0;
                    for (total, &end) in column_bytes.iter_mut().zip(&ends[..ends_len]) {
                        *total += end.saturating_sub(start) as u64;
                        start = end;
                    }
                }
                out_len = 0;
                ends_len = 0;
            }
            csv_core::ReadRecordResult::InputEmpty => {}
            csv_core::ReadRecordResult::OutputFull
            | csv_core::ReadRecordResult::OutputEndsFull
            | csv_core::ReadRecordResult::End => break,
        }
    }
    let header_end = header_end? as u64;
    let sampled = (data_end as u64)
        .checked_sub(header_end)
        .filter(|&b| b > 0)?;
    if rows == 0 {
        return None;
    }
    let remaining = stream_len.saturating_sub(header_end);
    let scale = |n: u64| -> u64 {
        let scaled = (n as u128 * remaining as u128 / sampled as u128) as u64;
        scaled
            .saturating_add(scaled * SLACK_PERCENT / 100)
            .saturating_add(16)
    };
    let est_rows = scale(rows);
    let est_bytes: Vec<u64> = column_bytes.iter().map(|&b| scale(b)).collect();
    let width = est_bytes.len() as u64;
    let reserved = est_rows
        .saturating_mul(width)
        .saturating_mul(std::mem::size_of::<usize>() as u64)
        .saturating_add(est_bytes.iter().sum());
    if reserved > stream_len.saturating_mul(4).saturating_add(1 << 20) {
        return None;
    }
    Some(Estimate {
        rows: usize::try_from(est_rows).ok()?,
        column_bytes: est_bytes
            .into_iter()
            .map(usize::try_from)
            .collect::<Result<_, _>>()
            .ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extrapolates_rows_and_column_bytes_from_the_sample() {
        // Header 4 bytes, then records of 6 bytes: "1,abc\n".
        let sample = b"a,b\n1,abc\n2,abc\n3,abc\n4,a";
        let e = estimate(sample, false, b',', 4 + 6 * 1000).unwrap();
        assert!((1000..1100).contains(&e.rows), "{e:?}");
        assert_eq!(e.column_bytes.len(), 2);
        assert!((1000..1100).contains(&e.column_bytes[0]), "{e:?}");
        assert!((3000..3300).contains(&e.column_bytes[1]), "{e:?}");
    }

    #[test]
    fn nothing_to_extrapolate_or_absurd_estimates_give_none() {
        assert_eq!(estimate(b"a,b\n", true, b',', 4), None);
        assert_eq!(estimate(b"", true, b',', 0), None);
        // 200 empty columns per 200-byte row would reserve far more than 4x the file size
        // if the rest of the file were 2-byte rows; here the sample itself is that.
        let header: String = (0..200).map(|i| format!("c{i},")).collect();
        let sample = format!("{header}\n1\n2\n3\n");
        assert_eq!(estimate(sample.as_bytes(), false, b',', 10_000_000), None);
    }
}
