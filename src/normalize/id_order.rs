//! An order of record ids that does not depend on where the records sit in the file.
//!
//! When records are duplicates, one is kept and the others are reported; if the kept one were
//! the first in the file, re-exporting the same records in another order would report other
//! records, and history would call the same data new and fixed findings. Ids give an order the
//! data carries itself; compared naturally (`C-9` before `C-10`, `9` before `10`), the lowest is
//! usually the oldest record, since CRMs hand out ids in increasing order.

use std::cmp::Ordering;

/// Compares two ids: runs of digits by their number, everything else byte by byte.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let (da, ra) = split_digits(a);
                let (db, rb) = split_digits(b);
                let (ta, tb) = (trim_zeros(da), trim_zeros(db));
                // More significant digits is a bigger number; then digit by digit; then the
                // shorter spelling (`7` before `007`) so that distinct ids never tie.
                let order = ta
                    .len()
                    .cmp(&tb.len())
                    .then_with(|| ta.cmp(tb))
                    .then_with(|| da.len().cmp(&db.len()));
                if order != Ordering::Equal {
                    return order;
                }
                (a, b) = (ra, rb);
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                (a, b) = (&a[1..], &b[1..]);
            }
        }
    }
}

fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    s.split_at(n)
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let n = digits.iter().take_while(|&&b| b == b'0').count();
    &digits[n.min(digits.len().saturating_sub(1))..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_inside_ids_compare_as_numbers() {
        let mut ids = vec![
            "C-10", "C-9", "10", "9", "007", "7", "B", "A-2", "A-10", "", "0",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "", "0", "7", "007", "9", "10", "A-2", "A-10", "B", "C-9", "C-10"
            ]
        );
        assert_eq!(natural_cmp("0031", "0031"), Ordering::Equal);
        // Salesforce ids differ by case: distinct ids never tie.
        assert_ne!(natural_cmp("003Ax", "003aX"), Ordering::Equal);
    }

    proptest::proptest! {
        #[test]
        fn it_is_a_total_order(a in "[0-9A-C-]{0,6}", b in "[0-9A-C-]{0,6}", c in "[0-9A-C-]{0,6}") {
            proptest::prop_assert_eq!(natural_cmp(&a, &b), natural_cmp(&b, &a).reverse());
            proptest::prop_assert_eq!(natural_cmp(&a, &b) == Ordering::Equal, a == b);
            if natural_cmp(&a, &b) != Ordering::Greater && natural_cmp(&b, &c) != Ordering::Greater {
                proptest::prop_assert_ne!(natural_cmp(&a, &c), Ordering::Greater);
            }
        }
    }
}
