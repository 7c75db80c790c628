//! Dense numbering of equal strings, the core of every per-distinct-value memo.
//!
//! A million-row column is hashed in parallel first; the sequential pass then only probes a
//! table of `u32` ids with the precomputed hashes, so growing the table never hashes a string
//! again and the table itself stays small (4 bytes a slot instead of a fat `(&str, u32)` pair).

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use hashbrown::hash_table::Entry;
use rayon::prelude::*;

/// Strings numbered in order of first occurrence.
pub struct Interned {
    /// Per input position: its string's number.
    pub ids: Vec<u32>,
    /// Per number: the first position holding that string.
    pub first: Vec<u32>,
    /// Per number: how many positions hold that string.
    pub counts: Vec<u32>,
}

/// Numbers the `len` strings `get(0..len)`. Equal strings get equal numbers; numbers follow the
/// order of first occurrence, so the result does not depend on the thread count.
pub fn intern<'a>(len: usize, get: impl Fn(usize) -> &'a str + Sync) -> Interned {
    let state = FixedState::default();
    let hashes: Vec<u64> = (0..len)
        .into_par_iter()
        .with_min_len(4096)
        .map(|i| state.hash_one(get(i)))
        .collect();
    // Size the table from a sample: a column of ids or emails is nearly all distinct, and
    // growing a table of a million entries step by step rehashes it some twenty times.
    let sample = len.min(4096);
    let sample_distinct = {
        let mut seen: HashTable<u32> = HashTable::with_capacity(sample);
        for (i, &hash) in hashes.iter().enumerate().take(sample) {
            let value = get(i);
            if let Entry::Vacant(e) =
                seen.entry(hash, |&j| get(j as usize) == value, |&j| hashes[j as usize])
            {
                e.insert(i as u32);
            }
        }
        seen.len()
    };
    let expected = if sample == 0 {
        0
    } else {
        (len as u64 * sample_distinct as u64 / sample as u64) as usize
    };
    let mut table: HashTable<u32> = HashTable::with_capacity(expected);
    let mut ids = Vec::with_capacity(len);
    let mut first: Vec<u32> = Vec::new();
    let mut counts: Vec<u32> = Vec::new();
    for (i, &hash) in hashes.iter().enumerate() {
        let value = get(i);
        let id = match table.entry(
            hash,
            |&id| get(first[id as usize] as usize) == value,
            |&id| hashes[first[id as usize] as usize],
        ) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let id = first.len() as u32;
                e.insert(id);
                first.push(i as u32);
                counts.push(0);
                id
            }
        };
        counts[id as usize] += 1;
        ids.push(id);
    }
    Interned { ids, first, counts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_a_number_in_order_of_first_occurrence() {
        let cells = ["b", "a", "b", "", "a", "c", ""];
        let got = intern(cells.len(), |i| cells[i]);
        assert_eq!(got.ids, [0, 1, 0, 2, 1, 3, 2]);
        assert_eq!(got.first, [0, 1, 3, 5]);
        assert_eq!(got.counts, [2, 2, 2, 1]);
    }

    #[test]
    fn many_distinct_values_survive_table_growth() {
        let cells: Vec<String> = (0..50_000).map(|i| format!("v{}", i % 20_000)).collect();
        let got = intern(cells.len(), |i| cells[i].as_str());
        assert_eq!(got.first.len(), 20_000);
        for (i, &id) in got.ids.iter().enumerate() {
            assert_eq!(cells[got.first[id as usize] as usize], cells[i]);
        }
        assert!(got.counts.iter().all(|&c| c == 3 || c == 2));
        assert_eq!(got.counts.iter().sum::<u32>(), 50_000);
    }
}
