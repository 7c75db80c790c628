//! Blocking: which pairs get compared. Several passes, each grouping records by one key, and a
//! sorted-neighbourhood pass on a name key; the candidate pairs are the union. A block larger
//! than `max_block` is not compared pair by pair (it would cost its size squared and is mostly a
//! shared generic value such as a switchboard number); such blocks are counted and reported.

use std::hash::{BuildHasher, Hash, Hasher};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::dedupe::Comparison;

use super::keys::{FieldKeys, work_domain};

/// What one pass did, for the report.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PassStats {
    pub pass: String,
    /// Blocks of two or more records.
    pub blocks: usize,
    /// Pairs the pass proposed (before the union with other passes).
    pub pairs: usize,
    /// Blocks over `max_block`, and the records in them, left out.
    pub capped_blocks: usize,
    pub capped_records: usize,
}

/// A pair `a < b` packed as `a << 32 | b`, so that sorting orders by record.
pub fn pack(a: u32, b: u32) -> u64 {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    (u64::from(a) << 32) | u64::from(b)
}

pub fn unpack(pair: u64) -> (usize, usize) {
    ((pair >> 32) as usize, (pair & 0xFFFF_FFFF) as usize)
}

/// A fixed hasher: block keys must not depend on a random seed (determinism).
fn hasher() -> impl Hasher {
    foldhash::fast::FixedState::with_seed(0x0D0D_0E0E).build_hasher()
}

fn key_hash(tag: u8, parts: &[&str]) -> u64 {
    let mut h = hasher();
    tag.hash(&mut h);
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

/// The largest name block compared pair by pair. A bigger one is a crowd of namesakes (forty
/// John Smiths): their duplicates share an e-mail, a phone or a company, which other passes
/// block on, while comparing the crowd pair by pair would cost its size squared.
const NAME_BLOCK: usize = 32;

/// Name keys one record may emit: its own, one per formal name its given name stands for (the
/// nickname table has at most a few per name), and the swapped one.
const KEYS_PER_RECORD: usize = 8;

/// Groups `(key, record)` entries into blocks and emits every pair of each block.
fn pass(
    name: &str,
    mut entries: Vec<(u64, u32)>,
    max_block: usize,
    pairs: &mut Vec<u64>,
) -> PassStats {
    entries.par_sort_unstable();
    entries.dedup();
    let mut stats = PassStats {
        pass: name.to_string(),
        ..PassStats::default()
    };
    // Reserve exactly what this pass adds: growing by doubling would leave up to half of the
    // largest allocation of entity matching unused (tens of millions of pairs at 1M records).
    let mut adds = 0usize;
    let mut start = 0;
    while start < entries.len() {
        let mut end = start + 1;
        while end < entries.len() && entries[end].0 == entries[start].0 {
            end += 1;
        }
        let size = end - start;
        if (2..=max_block).contains(&size) {
            adds += size * (size - 1) / 2;
        }
        start = end;
    }
    pairs.reserve_exact(adds);
    let mut start = 0;
    while start < entries.len() {
        let key = entries[start].0;
        let mut end = start + 1;
        while end < entries.len() && entries[end].0 == key {
            end += 1;
        }
        let size = end - start;
        if size >= 2 {
            if size > max_block {
                stats.capped_blocks += 1;
                stats.capped_records += size;
            } else {
                stats.blocks += 1;
                for i in start..end {
                    for j in i + 1..end {
                        if entries[i].1 != entries[j].1 {
                            pairs.push(pack(entries[i].1, entries[j].1));
                            stats.pairs += 1;
                        }
                    }
                }
            }
        }
        start = end;
    }
    stats
}

/// The fields blocking reads, found among the compared ones.
pub struct BlockingInput<'k> {
    pub fields: Vec<&'k FieldKeys>,
    /// User-declared keys: per key, its name and the fields whose keys concatenate.
    pub declared: Vec<(String, Vec<&'k FieldKeys>)>,
    pub records: usize,
    pub max_block: usize,
    pub window: usize,
}

impl<'k> BlockingInput<'k> {
    fn of(&self, compare: Comparison) -> impl Iterator<Item = &'k FieldKeys> + '_ {
        self.fields
            .iter()
            .copied()
            .filter(move |f| f.compare == compare)
    }
}

/// Entries of a pass whose key is one field's exact key text.
fn exact_entries(fields: &[&FieldKeys], tag: u8) -> Vec<(u64, u32)> {
    let mut entries = Vec::new();
    for f in fields {
        let hashes: Vec<u64> = f
            .keys
            .par_iter()
            .map(|k| key_hash(tag, &[k.text()]))
            .collect();
        entries.extend(
            f.record_key
                .iter()
                .enumerate()
                .filter(|(_, k)| **k != super::keys::NULL)
                .map(|(r, &k)| (hashes[k as usize], r as u32)),
        );
    }
    entries
}

/// Runs every pass and returns the union of candidate pairs (sorted, distinct) and the passes'
/// statistics.
pub fn candidates(input: &BlockingInput) -> (Vec<u64>, Vec<PassStats>) {
    let mut pairs: Vec<u64> = Vec::new();
    let mut stats = Vec::new();
    let max = input.max_block;

    let emails: Vec<&FieldKeys> = input.of(Comparison::Email).collect();
    if !emails.is_empty() {
        stats.push(pass("email", exact_entries(&emails, 1), max, &mut pairs));
    }
    let phones: Vec<&FieldKeys> = input.of(Comparison::Phone).collect();
    if !phones.is_empty() {
        stats.push(pass("phone", exact_entries(&phones, 2), max, &mut pairs));
    }

    // Phonetic surname + the first three letters of the given name (and of the formal names a
    // nickname stands for, so Bob Smith meets Robert Smith), and the same with the names
    // swapped.
    let first = input.of(Comparison::FirstName).next();
    let last = input.of(Comparison::LastName).next();
    if let (Some(first), Some(last)) = (first, last) {
        let nick = &*super::aliases::NICKNAME_TABLE;
        let entries: Vec<(u64, u32)> = (0..input.records)
            .into_par_iter()
            .with_min_len(1024)
            .flat_map_iter(|r| {
                // At most a handful of keys per record: kept on the stack, no allocation.
                let mut out = [(0u64, 0u32); KEYS_PER_RECORD];
                let mut n = 0;
                let mut add = |key: u64| {
                    if n < KEYS_PER_RECORD && !out[..n].iter().any(|e| e.0 == key) {
                        out[n] = (key, r as u32);
                        n += 1;
                    }
                };
                if let (Some(f), Some(l)) = (first.key(r), last.key(r)) {
                    // Three letters keep blocks small on big tables; a typo there is rare, and
                    // the other passes (e-mail, phone, sorted names) catch it.
                    add(key_hash(3, &[l.alt(), &f.text()[..f.text().len().min(3)]]));
                    for &g in f.groups.iter() {
                        let formal = nick.formal_name(g);
                        add(key_hash(3, &[l.alt(), &formal[..formal.len().min(3)]]));
                    }
                    // Swapped names: both names as formal names, in sorted order, so that
                    // `Smith, John` meets `John Smith` (and `Stone, Tony` meets Anthony Stone).
                    let (x, y) = (f.canon(), l.canon());
                    let pair = if x <= y { [x, y] } else { [y, x] };
                    add(key_hash(9, &pair));
                } else if let Some(l) = last.key(r) {
                    add(key_hash(4, &[l.alt()]));
                }
                out.into_iter().take(n)
            })
            .collect();
        stats.push(pass("name", entries, max.min(NAME_BLOCK), &mut pairs));
    } else if let Some(full) = input.of(Comparison::FullName).next() {
        let entries: Vec<(u64, u32)> = (0..input.records)
            .into_par_iter()
            .with_min_len(1024)
            .flat_map_iter(|r| {
                let mut out = Vec::new();
                if let Some(k) = full.key(r) {
                    let first = k.text().split(' ').next().unwrap_or("");
                    let last = k.aux();
                    out.push((key_hash(3, &[last, &k.canon()[..1]]), r as u32));
                    out.push((key_hash(3, &[first, &last[..1]]), r as u32));
                }
                out
            })
            .collect();
        stats.push(pass("name", entries, max.min(NAME_BLOCK), &mut pairs));
    }

    // Company domain: from a domain/website field, else from work e-mail addresses.
    let domains: Vec<&FieldKeys> = input.of(Comparison::Domain).collect();
    if !domains.is_empty() {
        stats.push(pass("domain", exact_entries(&domains, 5), max, &mut pairs));
    } else if !emails.is_empty() {
        let mut entries = Vec::new();
        for f in &emails {
            for (r, &k) in f.record_key.iter().enumerate() {
                if k != super::keys::NULL
                    && let Some(d) = work_domain(&f.keys[k as usize])
                {
                    entries.push((key_hash(5, &[d]), r as u32));
                }
            }
        }
        stats.push(pass("domain", entries, max, &mut pairs));
    }
    // Company names too: a personal address gives no domain, and people re-entered with one
    // are found among their colleagues.
    let companies: Vec<&FieldKeys> = input.of(Comparison::Company).collect();
    if !companies.is_empty() {
        stats.push(pass(
            "company",
            exact_entries(&companies, 6),
            max,
            &mut pairs,
        ));
    }
    let postcodes: Vec<&FieldKeys> = input.of(Comparison::Postcode).collect();
    if !postcodes.is_empty() {
        stats.push(pass(
            "postcode",
            exact_entries(&postcodes, 7),
            max,
            &mut pairs,
        ));
    }
    for (i, (name, declared)) in input.declared.iter().enumerate() {
        let entries: Vec<(u64, u32)> = (0..input.records)
            .into_par_iter()
            .with_min_len(1024)
            .filter_map(|r| {
                let mut h = hasher();
                (8 + i as u64).hash(&mut h);
                for f in declared {
                    f.key(r)?.text().hash(&mut h);
                }
                Some((h.finish(), r as u32))
            })
            .collect();
        stats.push(pass(&format!("block_on {name}"), entries, max, &mut pairs));
    }
    if input.window > 1
        && let Some(s) = sorted_neighbourhood(input, &mut pairs)
    {
        stats.push(s);
    }

    pairs.par_sort_unstable();
    pairs.dedup();
    // The passes overlap (a pair found by e-mail and by name): give back what dedup freed.
    pairs.shrink_to_fit();
    (pairs, stats)
}

/// Records sorted by (formal first name, surname), or by the company or full name key, and
/// every record paired with the next `window - 1`: catches typos that change a phonetic code.
fn sorted_neighbourhood(input: &BlockingInput, pairs: &mut Vec<u64>) -> Option<PassStats> {
    let first = input.of(Comparison::FirstName).next();
    let last = input.of(Comparison::LastName).next();
    let single = input
        .of(Comparison::FullName)
        .next()
        .or_else(|| input.of(Comparison::Company).next());
    let mut order: Vec<u32> = (0..input.records as u32).collect();
    let sort_key = |r: u32| -> Option<(&str, &str)> {
        let r = r as usize;
        match (first, last) {
            (Some(f), Some(l)) => {
                let fk = f.key(r).map_or("", |k| k.canon());
                let lk = l.key(r).map_or("", |k| k.text());
                (!fk.is_empty() || !lk.is_empty()).then_some((fk, lk))
            }
            (None, Some(l)) => l.key(r).map(|k| (k.text(), "")),
            (Some(f), None) => f.key(r).map(|k| (k.canon(), "")),
            (None, None) => single?.key(r).map(|k| (k.canon(), k.text())),
        }
    };
    if first.is_none() && last.is_none() && single.is_none() {
        return None;
    }
    order.retain(|&r| sort_key(r).is_some());
    order.par_sort_unstable_by(|&a, &b| sort_key(a).cmp(&sort_key(b)).then(a.cmp(&b)));
    let mut stats = PassStats {
        pass: "sorted_name".into(),
        ..PassStats::default()
    };
    pairs.reserve_exact(order.len().saturating_mul(input.window - 1));
    for i in 0..order.len() {
        for j in i + 1..(i + input.window).min(order.len()) {
            pairs.push(pack(order[i], order[j]));
            stats.pairs += 1;
        }
    }
    stats.blocks = usize::from(!order.is_empty());
    Some(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_pack_in_order() {
        assert_eq!(unpack(pack(7, 3)), (3, 7));
        assert!(pack(1, 9) < pack(2, 3));
    }

    #[test]
    fn a_pass_pairs_each_block_and_caps_big_ones() {
        // Block 10: records 0,1,2 (3 pairs); block 20: records 3..8 (6 records > cap 5).
        let mut entries = vec![(10, 0), (10, 1), (10, 2), (30, 9)];
        entries.extend((3..9).map(|r| (20, r)));
        let mut pairs = Vec::new();
        let stats = pass("t", entries, 5, &mut pairs);
        assert_eq!(stats.blocks, 1);
        assert_eq!(stats.pairs, 3);
        assert_eq!(stats.capped_blocks, 1);
        assert_eq!(stats.capped_records, 6);
        pairs.sort();
        assert_eq!(pairs, vec![pack(0, 1), pack(0, 2), pack(1, 2)]);
    }
}
