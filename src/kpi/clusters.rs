//! Duplicate clusters as the KPI stage takes them: per table, groups of record indices that are
//! one entity. Today they come from the exact groups of the uniqueness rules (DQ201: same id,
//! same normalised e-mail); fuzzy clusters from the dedupe stage plug in with
//! [`Clusters::with_fuzzy`], and the duplicate bound of every KPI then spans both answers.

use crate::checks::engine::RuleOutcome;
use crate::config::CheckKind;
use crate::dataset::Dataset;

/// Groups of records of one table that are the same entity.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableClusters {
    pub table: usize,
    /// Each group: record indices, the survivor (kept record) first.
    pub groups: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Default)]
pub struct Clusters {
    pub exact: Vec<TableClusters>,
    pub fuzzy: Option<Vec<TableClusters>>,
}

impl Clusters {
    /// The exact duplicate groups the engine found (every DQ201 outcome, ids included: the same
    /// id twice is the same record exported twice, and counts once in a KPI).
    pub fn from_exact(dataset: &Dataset, outcomes: &[RuleOutcome]) -> Clusters {
        Clusters {
            exact: groups_of(dataset, outcomes, CheckKind::Unique),
            fuzzy: None,
        }
    }

    /// The exact groups of DQ201 and, where entity matching (DQ202) ran, its fuzzy clusters.
    pub fn from_outcomes(dataset: &Dataset, outcomes: &[RuleOutcome]) -> Clusters {
        let exact = Clusters::from_exact(dataset, outcomes);
        let matched = outcomes.iter().any(|o| o.check == CheckKind::Entity);
        if matched {
            exact.with_fuzzy(groups_of(dataset, outcomes, CheckKind::Entity))
        } else {
            exact
        }
    }

    /// Adds the fuzzy clusters of the dedupe stage (entity matching).
    pub fn with_fuzzy(mut self, fuzzy: Vec<TableClusters>) -> Clusters {
        self.fuzzy = Some(fuzzy);
        self
    }
}

/// The duplicate groups the rules of one check kind found, per table.
fn groups_of(dataset: &Dataset, outcomes: &[RuleOutcome], check: CheckKind) -> Vec<TableClusters> {
    let mut clusters: Vec<TableClusters> = Vec::new();
    for o in outcomes.iter().filter(|o| o.check == check) {
        let Some(counts) = &o.duplicates else {
            continue;
        };
        let Some(table) = dataset.table_by_name(&o.table) else {
            continue;
        };
        match clusters.iter_mut().find(|c| c.table == table) {
            Some(c) => c.groups.extend(counts.members.iter().cloned()),
            None => clusters.push(TableClusters {
                table,
                groups: counts.members.clone(),
            }),
        }
    }
    clusters.sort_by_key(|c| c.table);
    clusters
}

/// Per record, the record that stands for its cluster (itself when in none). Overlapping groups
/// (same id and same e-mail) merge: union-find with the smallest record index as the root, so
/// the survivor does not depend on the order groups arrive in.
#[derive(Debug, Clone)]
pub struct Dedup {
    pub survivor: Vec<u32>,
}

impl Dedup {
    pub fn none(rows: usize) -> Dedup {
        Dedup {
            survivor: (0..rows as u32).collect(),
        }
    }

    pub fn from_groups<'a>(rows: usize, groups: impl IntoIterator<Item = &'a Vec<usize>>) -> Dedup {
        let mut parent: Vec<u32> = (0..rows as u32).collect();
        fn find(parent: &mut [u32], mut x: u32) -> u32 {
            while parent[x as usize] != x {
                let next = parent[x as usize];
                parent[x as usize] = parent[next as usize];
                x = next;
            }
            x
        }
        for group in groups {
            let mut members = group.iter().filter(|&&r| r < rows);
            let Some(&first) = members.next() else {
                continue;
            };
            for &other in members {
                let (a, b) = (
                    find(&mut parent, first as u32),
                    find(&mut parent, other as u32),
                );
                let (root, child) = (a.min(b), a.max(b));
                parent[child as usize] = root;
            }
        }
        let survivor = (0..rows as u32).map(|r| find(&mut parent, r)).collect();
        Dedup { survivor }
    }

    /// A record another record of its cluster stands for: it would go after merging.
    pub fn is_surplus(&self, record: usize) -> bool {
        self.survivor[record] as usize != record
    }

    pub fn surplus(&self) -> usize {
        (0..self.survivor.len())
            .filter(|&r| self.is_surplus(r))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_groups_merge_into_the_smallest_record() {
        let groups = vec![vec![4, 2], vec![2, 7], vec![1, 3]];
        let d = Dedup::from_groups(8, &groups);
        assert_eq!(d.survivor, [0, 1, 2, 1, 2, 5, 6, 2]);
        assert_eq!(d.surplus(), 3);
        assert!(d.is_surplus(7) && !d.is_surplus(2));
    }
}
