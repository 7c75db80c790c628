//! Fellegi-Sunter scoring: each field's agreement level adds its match weight log2(m/u) to the
//! prior log-odds; the exact level of term-frequency fields uses the value's own frequency as u;
//! optionally m, u and the prior are first estimated on the data by expectation-maximisation.

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use crate::config::dedupe::{Comparison, FieldRule};

use super::compare::{cross_first, cross_last, level};
use super::keys::{FieldKeys, NULL};

/// Pseudo-records of the default u blended into a value's observed frequency. A frequency
/// measured on a handful of records says little (in a table of three records that all say
/// `Ann Lee`, `Ann` is not "common"); from a few thousand records on, the data speaks.
const TF_PRIOR_RECORDS: f64 = 1_000.0;

/// Fields one table may compare (a fixed bound keeps the per-pair levels on the stack).
pub const MAX_FIELDS: usize = 32;

/// One compared field with its weights.
pub struct ScoredField<'a> {
    pub header: String,
    pub keys: FieldKeys,
    pub rule: &'a FieldRule,
    pub m: Vec<f64>,
    pub u: Vec<f64>,
    /// log2(m / u) per level.
    pub weights: Vec<f64>,
    /// The most this field can add to a pair (for pruning).
    pub max_weight: f64,
    pub memo: LevelMemo,
}

/// A lock-free, direct-mapped memo of levels by pair of keys. Names repeat (a thousand Smiths
/// meet a thousand Smyths), so most name comparisons are answered without computing a
/// similarity again. It memoises a pure function: results never depend on what it holds.
pub struct LevelMemo {
    slots: Vec<std::sync::atomic::AtomicU64>,
}

impl LevelMemo {
    const BITS: u32 = 20;

    pub fn new() -> LevelMemo {
        LevelMemo {
            slots: (0..1usize << Self::BITS)
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect(),
        }
    }

    fn slot(lo: u32, hi: u32) -> usize {
        let h = (u64::from(lo) << 32 | u64::from(hi)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - Self::BITS)) as usize
    }

    /// Entries pack lo (30 bits), hi (30 bits) and level + 1 (4 bits); 0 is empty. Keys beyond
    /// 30 bits are not memoised.
    fn pack(lo: u32, hi: u32, level: u8) -> Option<u64> {
        (hi < 1 << 30).then(|| u64::from(lo) << 34 | u64::from(hi) << 4 | u64::from(level + 1))
    }

    fn get(&self, lo: u32, hi: u32) -> Option<u8> {
        let entry = self.slots[Self::slot(lo, hi)].load(std::sync::atomic::Ordering::Relaxed);
        let want = Self::pack(lo, hi, 0)?;
        (entry != 0 && entry & !0xF == want & !0xF).then(|| (entry & 0xF) as u8 - 1)
    }

    fn put(&self, lo: u32, hi: u32, level: u8) {
        if let Some(entry) = Self::pack(lo, hi, level) {
            self.slots[Self::slot(lo, hi)].store(entry, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

impl Default for LevelMemo {
    fn default() -> Self {
        LevelMemo::new()
    }
}

impl ScoredField<'_> {
    fn reweigh(&mut self) {
        self.weights = self
            .m
            .iter()
            .zip(&self.u)
            .map(|(m, u)| (m / u).log2())
            .collect();
        let best = self.weights.iter().copied().fold(0.0, f64::max);
        // The exact level of a frequency-adjusted field can weigh up to m / tf_floor.
        let tf_best = if self.rule.tf {
            (self.m[0] / self.rule.tf_floor).log2()
        } else {
            0.0
        };
        self.max_weight = best.max(tf_best);
    }

    /// The level of two records on this field, `None` when either value is missing.
    pub fn level(&self, a: usize, b: usize) -> Option<u8> {
        let (ka, kb) = (self.keys.record_key[a], self.keys.record_key[b]);
        if ka == NULL || kb == NULL {
            return None;
        }
        if ka == kb {
            return Some(0);
        }
        let (lo, hi) = if ka < kb { (ka, kb) } else { (kb, ka) };
        // Only fields whose values repeat gain from the memo; for e-mails and phones (one per
        // person) a lookup would be a cache miss every time.
        let memo = self.keys.keys.len() * 4 < self.keys.record_key.len();
        if memo && let Some(l) = self.memo.get(lo, hi) {
            return Some(l);
        }
        let l = level(
            self.keys.compare,
            &self.keys.keys[lo as usize],
            &self.keys.keys[hi as usize],
        );
        if memo {
            self.memo.put(lo, hi, l);
        }
        Some(l)
    }

    /// The weight of `level` for record `a`'s value; the exact level of a term-frequency field
    /// uses how often that value occurs.
    pub fn weight(&self, level: u8, a: usize, records: f64) -> f64 {
        if level == 0 && self.rule.tf {
            let key = self.keys.record_key[a];
            let count = self.keys.counts[key as usize] as f64;
            let u = ((count + TF_PRIOR_RECORDS * self.u[0]) / (records + TF_PRIOR_RECORDS))
                .max(self.rule.tf_floor);
            (self.m[0] / u).log2()
        } else {
            self.weights[level as usize]
        }
    }
}

/// A pair's evidence, field by field.
#[derive(Debug, Clone, PartialEq)]
pub struct PairScore {
    /// Prior log-odds plus every field's weight, in bits.
    pub total: f64,
    pub probability: f64,
    /// Per field: its level (None = missing on a side) and weight.
    pub fields: Vec<(Option<u8>, f64)>,
    /// First and last names matched across (`Smith John` / `John Smith`).
    pub swapped: bool,
    /// A name disagrees outright and no birth date or id agrees: never a match, whatever else
    /// is shared.
    pub vetoed: bool,
}

pub struct Scorer<'a> {
    pub fields: Vec<ScoredField<'a>>,
    /// Prior log-odds that two records of one block are one entity.
    pub prior: f64,
    pub prior_probability: f64,
    pub records: f64,
    /// Indices of the first- and last-name fields, for swapped names.
    swap: Option<(usize, usize)>,
    /// Field order for [`Scorer::reaches`]: identity fields first, then by largest weight.
    order: Vec<usize>,
    /// The last identity field in `order` (usize::MAX when there is none).
    last_identity: usize,
    /// Sum of the fields' largest weights: the most a pair can still gain.
    max_total: f64,
}

/// A birth date or id number that overrides a disagreeing name: the same value, or a date with
/// day and month swapped. One slip in a date or id is too weak (relatives are born close
/// together, ids are sequential).
fn strong(f: &ScoredField, level: u8) -> bool {
    level == 0 || (f.keys.compare == Comparison::Date && level == 1)
}

pub fn probability(bits: f64) -> f64 {
    1.0 / (1.0 + (-bits).exp2())
}

impl<'a> Scorer<'a> {
    pub fn new(fields: Vec<ScoredField<'a>>, prior: f64, records: usize) -> Scorer<'a> {
        let find = |c: Comparison| fields.iter().position(|f| f.keys.compare == c);
        let swap = find(Comparison::FirstName).zip(find(Comparison::LastName));
        let mut scorer = Scorer {
            fields,
            prior: 0.0,
            prior_probability: 0.0,
            records: records.max(1) as f64,
            swap,
            order: Vec::new(),
            last_identity: usize::MAX,
            max_total: 0.0,
        };
        scorer.set_prior(prior);
        scorer.reweigh();
        scorer
    }

    /// Weights from m and u, and the bounds and field order that pruning uses.
    fn reweigh(&mut self) {
        for f in &mut self.fields {
            f.reweigh();
        }
        let mut order: Vec<usize> = (0..self.fields.len()).collect();
        order.sort_by(|&x, &y| {
            let (fx, fy) = (&self.fields[x], &self.fields[y]);
            fy.rule
                .identity
                .cmp(&fx.rule.identity)
                .then(fy.max_weight.total_cmp(&fx.max_weight))
                .then(x.cmp(&y))
        });
        self.last_identity = order
            .iter()
            .copied()
            .rfind(|&i| self.fields[i].rule.identity)
            .unwrap_or(usize::MAX);
        self.max_total = self.fields.iter().map(|f| f.max_weight).sum();
        self.order = order;
    }

    fn set_prior(&mut self, prior: f64) {
        self.prior_probability = prior;
        self.prior = (prior / (1.0 - prior)).log2();
    }

    /// Levels of every field for a pair (swapped names resolved), the total weight and whether
    /// the identity gate vetoes the pair. No allocation: this is the hot path.
    fn evaluate(
        &self,
        a: usize,
        b: usize,
        levels: &mut [Option<u8>; MAX_FIELDS],
    ) -> (f64, bool, bool) {
        for (i, f) in self.fields.iter().enumerate() {
            levels[i] = f.level(a, b);
        }
        let mut swapped = false;
        if let Some((fi, li)) = self.swap
            && let Some((l1, l2)) = self.swapped_levels(fi, li, a, b)
        {
            let (first, last) = (&self.fields[fi], &self.fields[li]);
            let straight = levels[fi].map_or(0.0, |l| first.weight(l, a, self.records))
                + levels[li].map_or(0.0, |l| last.weight(l, a, self.records));
            // Swapped values carry no frequency adjustment: they live in two columns.
            if first.weights[l1 as usize] + last.weights[l2 as usize] > straight {
                levels[fi] = Some(l1);
                levels[li] = Some(l2);
                swapped = true;
            }
        }
        let mut total = self.prior;
        // The identity gate: a name (or a company's name) that disagrees outright means two
        // entities, unless a birth date or id number agrees. Shared contact points (a home phone,
        // a switchboard, an address, a company) never outweigh that.
        let mut name_disagrees = false;
        let mut strong_agrees = false;
        for (i, f) in self.fields.iter().enumerate() {
            let Some(l) = levels[i] else {
                continue;
            };
            total += if swapped && self.is_swap_field(i) {
                f.weights[l as usize]
            } else {
                f.weight(l, a, self.records)
            };
            if f.rule.identity {
                let last_level = l as usize + 1 == f.m.len();
                match f.keys.compare {
                    Comparison::Date | Comparison::Id => strong_agrees |= strong(f, l),
                    _ => name_disagrees |= last_level,
                }
            }
        }
        (total, name_disagrees && !strong_agrees, swapped)
    }

    /// The total weight of a pair when it can reach `min_bits` and is not vetoed; `None` as
    /// soon as that is impossible. Identity fields go first (the veto), then the others by how
    /// much they can still add, so most candidate pairs stop after two or three fields.
    pub fn reaches(&self, a: usize, b: usize, min_bits: f64) -> Option<f64> {
        let mut levels = [None; MAX_FIELDS];
        let mut swapped = false;
        let mut total = self.prior;
        let mut name_disagrees = false;
        let mut strong_agrees = false;
        if let Some((fi, li)) = self.swap {
            levels[fi] = self.fields[fi].level(a, b);
            levels[li] = self.fields[li].level(a, b);
            let differs =
                |i: usize| levels[i].is_some_and(|l| l as usize + 1 == self.fields[i].m.len());
            // Swapped names are worth looking for only when the straight ones fall short.
            if (differs(fi) || differs(li))
                && let Some((l1, l2)) = self.swapped_levels(fi, li, a, b)
            {
                let (first, last) = (&self.fields[fi], &self.fields[li]);
                let straight = levels[fi].map_or(0.0, |l| first.weight(l, a, self.records))
                    + levels[li].map_or(0.0, |l| last.weight(l, a, self.records));
                if first.weights[l1 as usize] + last.weights[l2 as usize] > straight {
                    levels[fi] = Some(l1);
                    levels[li] = Some(l2);
                    swapped = true;
                }
            }
        }
        let mut remaining = self.max_total;
        for &i in &self.order {
            let f = &self.fields[i];
            remaining -= f.max_weight;
            let level = if self.is_swap_field(i) {
                levels[i]
            } else {
                f.level(a, b)
            };
            if let Some(l) = level {
                total += if swapped && self.is_swap_field(i) {
                    f.weights[l as usize]
                } else {
                    f.weight(l, a, self.records)
                };
                if f.rule.identity {
                    let last_level = l as usize + 1 == f.m.len();
                    match f.keys.compare {
                        Comparison::Date | Comparison::Id => strong_agrees |= strong(f, l),
                        _ => name_disagrees |= last_level,
                    }
                }
            }
            // Identity fields come first: once they are done, the veto is known.
            if i == self.last_identity && name_disagrees && !strong_agrees {
                return None;
            }
            if total + remaining < min_bits {
                return None;
            }
        }
        ((strong_agrees || !name_disagrees) && total >= min_bits).then_some(total)
    }

    /// Total weight and veto only.
    pub fn total(&self, a: usize, b: usize) -> (f64, bool) {
        let mut levels = [None; MAX_FIELDS];
        let (total, vetoed, _) = self.evaluate(a, b, &mut levels);
        (total, vetoed)
    }

    fn is_swap_field(&self, i: usize) -> bool {
        self.swap.is_some_and(|(f, l)| f == i || l == i)
    }

    /// The swapped levels of a pair (a's first name against b's last-name field and a's last
    /// name against b's first-name field), when both agree across.
    fn swapped_levels(&self, fi: usize, li: usize, a: usize, b: usize) -> Option<(u8, u8)> {
        let (first, last) = (&self.fields[fi], &self.fields[li]);
        let l1 = cross_first(first.keys.key(a)?, last.keys.key(b)?)?;
        let l2 = cross_last(last.keys.key(a)?, first.keys.key(b)?)?;
        Some((l1, l2))
    }

    /// Everything about one pair, for explanations and clustering.
    pub fn score(&self, a: usize, b: usize) -> PairScore {
        let mut levels = [None; MAX_FIELDS];
        let (total, vetoed, swapped) = self.evaluate(a, b, &mut levels);
        let fields = self
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| match levels[i] {
                Some(l) if swapped && self.is_swap_field(i) => (Some(l), f.weights[l as usize]),
                Some(l) => (Some(l), f.weight(l, a, self.records)),
                None => (None, 0.0),
            })
            .collect();
        PairScore {
            total,
            probability: if vetoed { 0.0 } else { probability(total) },
            fields,
            swapped,
            vetoed,
        }
    }

    /// Match probability of a pair, 0 when vetoed.
    pub fn probability(&self, a: usize, b: usize) -> f64 {
        let (total, vetoed) = self.total(a, b);
        if vetoed { 0.0 } else { probability(total) }
    }

    /// Estimates m, u and the prior on the candidate pairs by expectation-maximisation over the
    /// patterns of levels (Fellegi-Sunter with conditional independence, as in Splink's
    /// unsupervised training). Starts from the configured values; returns the iterations run.
    pub fn estimate(&mut self, pairs: &[u64]) -> usize {
        let n_fields = self.fields.len();
        // Count distinct level patterns: there are few, so EM runs on counts, not pairs.
        let patterns: HashMap<Vec<u8>, u64> = pairs
            .par_chunks(4096)
            .map(|chunk| {
                let mut local: HashMap<Vec<u8>, u64> = HashMap::new();
                let mut pattern = vec![0u8; n_fields];
                for &pair in chunk {
                    let (a, b) = ((pair >> 32) as usize, (pair & 0xFFFF_FFFF) as usize);
                    for (i, f) in self.fields.iter().enumerate() {
                        pattern[i] = f.level(a, b).unwrap_or(u8::MAX);
                    }
                    *local.entry(pattern.clone()).or_insert(0) += 1;
                }
                local
            })
            .reduce(HashMap::new, |mut acc, other| {
                for (k, v) in other {
                    *acc.entry(k).or_insert(0) += v;
                }
                acc
            });
        let mut patterns: Vec<(Vec<u8>, f64)> =
            patterns.into_iter().map(|(k, v)| (k, v as f64)).collect();
        // Deterministic order whatever the thread count (sums of floats depend on order).
        patterns.sort_by(|a, b| a.0.cmp(&b.0));
        let total: f64 = patterns.iter().map(|p| p.1).sum();
        if total == 0.0 {
            return 0;
        }
        let mut lambda = self.prior_probability;
        let clamp = |p: f64| p.clamp(1e-6, 1.0 - 1e-6);
        let mut iterations = 0;
        for _ in 0..50 {
            iterations += 1;
            let mut m_acc: Vec<Vec<f64>> =
                self.fields.iter().map(|f| vec![0.0; f.m.len()]).collect();
            let mut u_acc = m_acc.clone();
            let mut matched = 0.0;
            for (pattern, count) in &patterns {
                let mut pm = lambda;
                let mut pu = 1.0 - lambda;
                for (i, &l) in pattern.iter().enumerate() {
                    if l != u8::MAX {
                        pm *= self.fields[i].m[l as usize];
                        pu *= self.fields[i].u[l as usize];
                    }
                }
                let p = pm / (pm + pu);
                matched += p * count;
                for (i, &l) in pattern.iter().enumerate() {
                    if l != u8::MAX {
                        m_acc[i][l as usize] += p * count;
                        u_acc[i][l as usize] += (1.0 - p) * count;
                    }
                }
            }
            let mut change: f64 = 0.0;
            for (i, f) in self.fields.iter_mut().enumerate() {
                let (ms, us): (f64, f64) = (m_acc[i].iter().sum(), u_acc[i].iter().sum());
                if ms <= 0.0 || us <= 0.0 {
                    continue;
                }
                for l in 0..f.m.len() {
                    let (m, u) = (clamp(m_acc[i][l] / ms), clamp(u_acc[i][l] / us));
                    change = change.max((m - f.m[l]).abs()).max((u - f.u[l]).abs());
                    f.m[l] = m;
                    f.u[l] = u;
                }
            }
            let new_lambda = clamp(matched / total);
            change = change.max((new_lambda - lambda).abs());
            lambda = new_lambda;
            if change < 1e-6 {
                break;
            }
        }
        self.set_prior(lambda);
        self.reweigh();
        iterations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probability_is_the_logistic_of_bits() {
        assert_eq!(probability(0.0), 0.5);
        // 2^10 : 1 odds.
        assert!((probability(10.0) - 1024.0 / 1025.0).abs() < 1e-12);
        assert!((probability(-10.0) - 1.0 / 1025.0).abs() < 1e-12);
    }
}
