//! Fellegi-Sunter scoring: each field's agreement level adds its match weight log2(m/u) to the
//! prior log-odds; the exact level of term-frequency fields uses the value's own frequency as u;
//! optionally m, u and the prior are first estimated on the data by expectation-maximisation.

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use crate::config::dedupe::{Comparison, FieldRule};

use super::compare::{cross_name_level, level};
use super::keys::{FieldKeys, NULL};

/// Pseudo-records of the default u blended into a value's observed frequency. A frequency
/// measured on a handful of records says little (in a table of three records that all say
/// `Ann Lee`, `Ann` is not "common"); from a few thousand records on, the data speaks.
const TF_PRIOR_RECORDS: f64 = 1_000.0;

/// One compared field with its weights.
pub struct ScoredField<'a> {
    pub header: String,
    pub keys: FieldKeys,
    pub rule: &'a FieldRule,
    pub m: Vec<f64>,
    pub u: Vec<f64>,
    /// log2(m / u) per level.
    pub weights: Vec<f64>,
}

impl ScoredField<'_> {
    fn reweigh(&mut self) {
        self.weights = self
            .m
            .iter()
            .zip(&self.u)
            .map(|(m, u)| (m / u).log2())
            .collect();
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
        Some(level(
            self.keys.compare,
            &self.keys.keys[ka as usize],
            &self.keys.keys[kb as usize],
        ))
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
    /// The identity fields disagree overall: never a match, whatever else is shared.
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
        };
        scorer.set_prior(prior);
        for f in &mut scorer.fields {
            f.reweigh();
        }
        scorer
    }

    fn set_prior(&mut self, prior: f64) {
        self.prior_probability = prior;
        self.prior = (prior / (1.0 - prior)).log2();
    }

    /// Total weight only (the hot path: no allocation).
    pub fn total(&self, a: usize, b: usize) -> (f64, bool) {
        let mut total = self.prior;
        let mut identity = 0.0;
        let mut identity_seen = false;
        for (i, f) in self.fields.iter().enumerate() {
            if let Some(l) = f.level(a, b) {
                let w = f.weight(l, a, self.records);
                total += w;
                if f.rule.identity && !self.is_swap_field(i) {
                    identity += w;
                    identity_seen = true;
                }
            }
        }
        if let Some((fi, li)) = self.swap {
            let (straight, swapped) = self.name_weights(fi, li, a, b);
            let best = match swapped {
                Some(s) if s > straight => s,
                _ => straight,
            };
            total += best - straight;
            if self.fields[fi].rule.identity || self.fields[li].rule.identity {
                identity += best;
                identity_seen |=
                    self.fields[fi].level(a, b).is_some() || self.fields[li].level(a, b).is_some();
            }
        }
        (total, identity_seen && identity < 0.0)
    }

    fn is_swap_field(&self, i: usize) -> bool {
        self.swap.is_some_and(|(f, l)| f == i || l == i)
    }

    /// The straight name weights of a pair, and the swapped ones when both names agree across.
    fn name_weights(&self, fi: usize, li: usize, a: usize, b: usize) -> (f64, Option<f64>) {
        let (first, last) = (&self.fields[fi], &self.fields[li]);
        let straight = first
            .level(a, b)
            .map_or(0.0, |l| first.weight(l, a, self.records))
            + last
                .level(a, b)
                .map_or(0.0, |l| last.weight(l, a, self.records));
        let swapped = (|| {
            let fa = first.keys.key(a)?;
            let lb = last.keys.key(b)?;
            let la = last.keys.key(a)?;
            let fb = first.keys.key(b)?;
            let l1 = cross_name_level(fa, lb)?;
            let l2 = cross_name_level(la, fb)?;
            // Levels of the first-name kind: exact 0, typo 2; of the last-name kind: exact 0,
            // typo 1. Swapped values carry no frequency adjustment (they live in two columns).
            let w1 = first.weights[if l1 == 0 { 0 } else { 2 }];
            let w2 = last.weights[if l2 == 0 { 0 } else { 1 }];
            Some(w1 + w2)
        })();
        (straight, swapped)
    }

    /// Everything about one pair, for explanations and clustering.
    pub fn score(&self, a: usize, b: usize) -> PairScore {
        let (total, vetoed) = self.total(a, b);
        let mut fields: Vec<(Option<u8>, f64)> = self
            .fields
            .iter()
            .map(|f| match f.level(a, b) {
                Some(l) => (Some(l), f.weight(l, a, self.records)),
                None => (None, 0.0),
            })
            .collect();
        let mut swapped = false;
        if let Some((fi, li)) = self.swap {
            let (straight, alt) = self.name_weights(fi, li, a, b);
            if let Some(s) = alt
                && s > straight
            {
                swapped = true;
                let (first, last) = (&self.fields[fi], &self.fields[li]);
                let fa = first.keys.key(a).expect("swapped names exist");
                let lb = last.keys.key(b).expect("swapped names exist");
                let la = last.keys.key(a).expect("swapped names exist");
                let fb = first.keys.key(b).expect("swapped names exist");
                let l1 = if cross_name_level(fa, lb) == Some(0) {
                    0
                } else {
                    2
                };
                let l2 = if cross_name_level(la, fb) == Some(0) {
                    0
                } else {
                    1
                };
                fields[fi] = (Some(l1), first.weights[l1 as usize]);
                fields[li] = (Some(l2), last.weights[l2 as usize]);
            }
        }
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
        for f in &mut self.fields {
            f.reweigh();
        }
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
