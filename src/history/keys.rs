//! Finding keys: what makes two runs' findings "the same finding", and how a run's keys are
//! stored compactly.
//!
//! A finding's key is (table, record id, field, code). The row number is not part of it: a
//! record that moves down the export because rows were added above it is the same record.
//! Keys are grouped by (table, field, code), one group per rule and field, and each group keeps
//! its record ids sorted. That makes the comparison of two runs a merge of sorted lists, and the
//! stored form small: sorted ids share long prefixes (`100004762`, `100004770`), so the store
//! keeps each id as the length of the prefix it shares with the previous one plus the rest
//! (front coding). A million 9-digit ids take about 4 MB.
//!
//! A record id can repeat (the same id exported twice): the lists are multisets, so fixing one
//! of two identical keys is one fixed finding.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::findings::{Finding, Severity};

/// The ids of one group, sorted, in one buffer (no allocation per id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdList {
    bytes: Vec<u8>,
    /// End offset of each id in `bytes`.
    ends: Vec<usize>,
}

impl IdList {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        // Only ever built from `&str` pieces (push) or checked UTF-8 (decode).
        std::str::from_utf8(&self.bytes[start..self.ends[i]]).unwrap_or("")
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    fn push(&mut self, id: &str) {
        self.bytes.extend_from_slice(id.as_bytes());
        self.ends.push(self.bytes.len());
    }

    /// From ids in any order: sorted here.
    pub fn from_unsorted(mut ids: Vec<&str>) -> IdList {
        ids.sort_unstable();
        let mut list = IdList {
            bytes: Vec::with_capacity(ids.iter().map(|s| s.len()).sum()),
            ends: Vec::with_capacity(ids.len()),
        };
        for id in ids {
            list.push(id);
        }
        list
    }

    /// Front coding: per id, varint(shared prefix with the previous id), varint(length of the
    /// rest), the rest. The first byte is the format (1).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + self.bytes.len() / 2 + self.len() * 2);
        out.push(FORMAT);
        let mut previous: &[u8] = &[];
        for i in 0..self.len() {
            let start = if i == 0 { 0 } else { self.ends[i - 1] };
            let id = &self.bytes[start..self.ends[i]];
            let shared = previous.iter().zip(id).take_while(|(a, b)| a == b).count();
            put_varint(&mut out, shared as u64);
            put_varint(&mut out, (id.len() - shared) as u64);
            out.extend_from_slice(&id[shared..]);
            previous = id;
        }
        out
    }

    /// The inverse of [`IdList::encode`]; `count` is the number of ids stored beside the blob,
    /// which a damaged blob cannot match.
    pub fn decode(blob: &[u8], count: usize) -> Result<IdList, &'static str> {
        let Some((&format, mut rest)) = blob.split_first() else {
            return Err("empty finding-key list");
        };
        if format != FORMAT {
            return Err("unknown finding-key format");
        }
        let mut list = IdList {
            bytes: Vec::with_capacity(blob.len() * 2),
            ends: Vec::with_capacity(count),
        };
        let mut previous_start = 0;
        while !rest.is_empty() {
            let shared = take_varint(&mut rest)? as usize;
            let len = take_varint(&mut rest)? as usize;
            let previous_len = list.bytes.len() - previous_start;
            if shared > previous_len || len > rest.len() {
                return Err("damaged finding-key list");
            }
            let start = list.bytes.len();
            list.bytes
                .extend_from_within(previous_start..previous_start + shared);
            list.bytes.extend_from_slice(&rest[..len]);
            rest = &rest[len..];
            if std::str::from_utf8(&list.bytes[start..]).is_err() {
                return Err("damaged finding-key list");
            }
            list.ends.push(list.bytes.len());
            previous_start = start;
        }
        if list.len() != count {
            return Err("finding-key list does not hold the count stored beside it");
        }
        Ok(list)
    }
}

const FORMAT: u8 = 1;

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn take_varint(input: &mut &[u8]) -> Result<u64, &'static str> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let Some((&byte, rest)) = input.split_first() else {
            return Err("damaged finding-key list");
        };
        *input = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("damaged finding-key list")
}

/// A group of keys: one rule on one table and field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub table: String,
    pub field: String,
    pub code: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub rule: String,
    pub severity: Severity,
    pub ids: IdList,
}

/// Keys being grouped: (table, field, code) -> (rule, severity, record ids in any order).
pub type Grouping<'a> = BTreeMap<(&'a str, &'a str, &'a str), (&'a str, Severity, Vec<&'a str>)>;

/// Every finding key of a run, grouped and sorted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FindingKeys {
    pub groups: BTreeMap<GroupKey, Group>,
}

impl FindingKeys {
    /// From a run's findings (any order).
    pub fn from_findings(findings: &[Finding]) -> FindingKeys {
        let mut grouped = Grouping::new();
        for f in findings {
            grouped
                .entry((&f.table, &f.field, &f.code))
                .or_insert_with(|| (&f.rule, f.severity, Vec::new()))
                .2
                .push(&f.record_id);
        }
        Self::from_grouped(grouped)
    }

    /// From (table, field, code) -> (rule, severity, ids), e.g. a baseline's worklist.
    pub fn from_grouped(grouped: Grouping<'_>) -> Self {
        let groups = grouped
            .into_par_iter()
            .map(|((table, field, code), (rule, severity, ids))| {
                (
                    GroupKey {
                        table: table.to_string(),
                        field: field.to_string(),
                        code: code.to_string(),
                    },
                    Group {
                        rule: rule.to_string(),
                        severity,
                        ids: IdList::from_unsorted(ids),
                    },
                )
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        FindingKeys { groups }
    }

    pub fn total(&self) -> usize {
        self.groups.values().map(|g| g.ids.len()).sum()
    }
}

/// New and fixed ids of one group: a merge of two sorted multisets.
pub fn diff<'a>(previous: &'a IdList, current: &'a IdList) -> (Vec<&'a str>, Vec<&'a str>) {
    let (mut new, mut fixed) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < previous.len() && j < current.len() {
        let (p, c) = (previous.get(i), current.get(j));
        match p.cmp(c) {
            std::cmp::Ordering::Less => {
                fixed.push(p);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                new.push(c);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    fixed.extend((i..previous.len()).map(|k| previous.get(k)));
    new.extend((j..current.len()).map(|k| current.get(k)));
    (new, fixed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn list(ids: &[&str]) -> IdList {
        IdList::from_unsorted(ids.to_vec())
    }

    #[test]
    fn front_coding_shares_prefixes() {
        let ids = list(&["100004770", "100004762", "100004762", "L-1", ""]);
        let blob = ids.encode();
        // format, then per id (shared, rest length, rest), sorted: "", "100004762" twice,
        // "100004770", "L-1".
        assert_eq!(
            blob,
            [
                &[1u8, 0, 0][..],
                &[0, 9],
                b"100004762",
                &[9, 0],
                &[7, 2],
                b"70",
                &[0, 3],
                b"L-1"
            ]
            .concat()
        );
        assert_eq!(IdList::decode(&blob, 5).unwrap(), ids);
        assert!(IdList::decode(&blob, 4).is_err(), "count must match");
        assert!(IdList::decode(&blob[..blob.len() - 1], 5).is_err());
        assert!(IdList::decode(&[2, 0, 0], 1).is_err(), "unknown format");
    }

    #[test]
    fn diff_is_a_multiset_difference() {
        let before = list(&["a", "b", "b", "d"]);
        let after = list(&["b", "c", "d", "e"]);
        let (new, fixed) = diff(&before, &after);
        assert_eq!(new, ["c", "e"]);
        assert_eq!(fixed, ["a", "b"]);
    }

    proptest! {
        #[test]
        fn encode_then_decode_is_identity(ids in proptest::collection::vec("[0-9A-Za-zé#-]{0,12}", 0..60)) {
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let l = IdList::from_unsorted(refs);
            prop_assert_eq!(IdList::decode(&l.encode(), l.len()).unwrap(), l);
        }

        #[test]
        fn diff_matches_counting(a in proptest::collection::vec("[a-d]{1,2}", 0..30), b in proptest::collection::vec("[a-d]{1,2}", 0..30)) {
            // Reference: per distinct id, new = max(0, count after - count before).
            let count = |v: &[String], k: &str| v.iter().filter(|x| *x == k).count();
            let (la, lb) = (
                IdList::from_unsorted(a.iter().map(String::as_str).collect()),
                IdList::from_unsorted(b.iter().map(String::as_str).collect()),
            );
            let (new, fixed) = diff(&la, &lb);
            let mut keys: Vec<&String> = a.iter().chain(&b).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (ca, cb) = (count(&a, k), count(&b, k));
                prop_assert_eq!(new.iter().filter(|x| **x == k.as_str()).count(), cb.saturating_sub(ca));
                prop_assert_eq!(fixed.iter().filter(|x| **x == k.as_str()).count(), ca.saturating_sub(cb));
            }
        }
    }
}
