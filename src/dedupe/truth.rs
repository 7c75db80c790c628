//! The accuracy harness: clusters scored against a ground-truth entity column, pair by pair.
//!
//! A *pair* is two records of one table. True pairs are the pairs of records sharing a truth
//! label (records with an empty label are entities of their own); predicted pairs are the pairs
//! of records in one cluster. Precision = true predicted pairs / predicted pairs, recall = true
//! predicted pairs / true pairs, F1 their harmonic mean. Blocking recall = true pairs among the
//! candidate pairs / true pairs: the recall ceiling that blocking leaves to scoring.

use foldhash::{HashMap, HashMapExt};
use serde::Serialize;

use super::blocking::pack;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Accuracy {
    pub truth_column: String,
    pub records: usize,
    pub true_entities_with_duplicates: usize,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub true_positive_pairs: u64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub candidate_pairs: u64,
    pub true_pairs_in_candidates: u64,
    pub blocking_recall: f64,
}

fn pairs_of(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// `labels[record]`: the truth label, `None` for an empty cell.
pub fn evaluate(
    truth_column: &str,
    labels: &[Option<&str>],
    clusters: &[Vec<u32>],
    candidates: &[u64],
) -> Accuracy {
    let mut entity: HashMap<&str, Vec<u32>> = HashMap::new();
    for (r, label) in labels.iter().enumerate() {
        if let Some(l) = label {
            entity.entry(l).or_default().push(r as u32);
        }
    }
    let true_pairs: u64 = entity.values().map(|m| pairs_of(m.len() as u64)).sum();
    let with_dups = entity.values().filter(|m| m.len() >= 2).count();
    let mut predicted = 0;
    let mut true_positive = 0;
    for cluster in clusters {
        predicted += pairs_of(cluster.len() as u64);
        let mut by_label: HashMap<&str, u64> = HashMap::new();
        for &r in cluster {
            if let Some(l) = labels[r as usize] {
                *by_label.entry(l).or_insert(0) += 1;
            }
        }
        true_positive += by_label.values().map(|&n| pairs_of(n)).sum::<u64>();
    }
    // Candidates are sorted and distinct: look each true pair up.
    let mut in_candidates = 0;
    for members in entity.values() {
        for i in 0..members.len() {
            for j in i + 1..members.len() {
                if candidates
                    .binary_search(&pack(members[i], members[j]))
                    .is_ok()
                {
                    in_candidates += 1;
                }
            }
        }
    }
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let precision = ratio(true_positive, predicted);
    let recall = ratio(true_positive, true_pairs);
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
    Accuracy {
        truth_column: truth_column.to_string(),
        records: labels.len(),
        true_entities_with_duplicates: with_dups,
        true_pairs,
        predicted_pairs: predicted,
        true_positive_pairs: true_positive,
        precision: round(precision),
        recall: round(recall),
        f1: round(f1),
        candidate_pairs: candidates.len() as u64,
        true_pairs_in_candidates: in_candidates,
        blocking_recall: round(ratio(in_candidates, true_pairs)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_counts_match_a_hand_computation() {
        // Truth: A = {0,1,2}, B = {3,4}, 5 and 6 alone (6 has an empty label).
        // True pairs: 3 (A) + 1 (B) = 4.
        let labels = [
            Some("A"),
            Some("A"),
            Some("A"),
            Some("B"),
            Some("B"),
            Some("C"),
            None,
        ];
        // Predicted: {0,1} (1 pair, true), {2,3,5} (3 pairs, none true), {4,6} (1 pair, false).
        let clusters = vec![vec![0, 1], vec![2, 3, 5], vec![4, 6]];
        // Candidates hold 0-1, 0-2, 3-4 of the true pairs (not 1-2), plus 2-3.
        let mut candidates = vec![pack(0, 1), pack(0, 2), pack(3, 4), pack(2, 3)];
        candidates.sort();
        let a = evaluate("entity", &labels, &clusters, &candidates);
        assert_eq!(a.true_pairs, 4);
        assert_eq!(a.predicted_pairs, 5);
        assert_eq!(a.true_positive_pairs, 1);
        assert_eq!(a.precision, 0.2);
        assert_eq!(a.recall, 0.25);
        // 2 * 0.2 * 0.25 / 0.45 = 0.2222...
        assert_eq!(a.f1, 0.2222);
        assert_eq!(a.true_pairs_in_candidates, 3);
        assert_eq!(a.blocking_recall, 0.75);
        assert_eq!(a.true_entities_with_duplicates, 2);
    }
}
