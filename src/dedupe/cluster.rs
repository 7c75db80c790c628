//! Clustering of matched pairs into entities without long chains.
//!
//! Plain connected components let one weak link merge two different people (Bob Smith ~ Robert
//! Smith ~ Roberta Smith). Instead links are taken strongest first, and two groups merge only
//! if *every* pair across them is at least `cohesion` likely a match (scored on demand when
//! blocking did not propose it), and the merged group stays within `max_cluster`.

use super::weights::Scorer;

pub struct Clustering {
    /// Groups of two or more records, each sorted by record, ordered by their first record.
    pub groups: Vec<Vec<u32>>,
    /// Links refused because a pair across the two groups was unlikely.
    pub refused_merges: usize,
}

/// `edges`: matched pairs (weight in bits, a, b).
pub fn cluster(
    scorer: &Scorer,
    mut edges: Vec<(f64, u32, u32)>,
    cohesion: f64,
    max_cluster: usize,
) -> Clustering {
    // Strongest first; ties by record so the result never depends on thread timing.
    edges.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut group_of: foldhash::HashMap<u32, usize> = foldhash::HashMap::default();
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut refused = 0;
    let cohesion_bits = if cohesion <= 0.0 {
        f64::NEG_INFINITY
    } else {
        (cohesion / (1.0 - cohesion)).log2()
    };
    for &(_, a, b) in &edges {
        let (ga, gb) = (group_of.get(&a).copied(), group_of.get(&b).copied());
        if ga.is_some() && ga == gb {
            continue;
        }
        let members_a: Vec<u32> = ga.map_or_else(|| vec![a], |g| groups[g].clone());
        let members_b: Vec<u32> = gb.map_or_else(|| vec![b], |g| groups[g].clone());
        if members_a.len() + members_b.len() > max_cluster {
            refused += 1;
            continue;
        }
        let coherent = members_a.iter().all(|&x| {
            members_b.iter().all(|&y| {
                (x == a && y == b)
                    || scorer
                        .reaches(x as usize, y as usize, cohesion_bits)
                        .is_some()
            })
        });
        if !coherent {
            refused += 1;
            continue;
        }
        // Merge into a's group (or a new one), emptying b's.
        let target = match ga {
            Some(g) => g,
            None => {
                groups.push(vec![a]);
                group_of.insert(a, groups.len() - 1);
                groups.len() - 1
            }
        };
        if let Some(g) = gb {
            let moved = std::mem::take(&mut groups[g]);
            for &r in &moved {
                group_of.insert(r, target);
            }
            groups[target].extend(moved);
        } else {
            group_of.insert(b, target);
            groups[target].push(b);
        }
    }
    let mut groups: Vec<Vec<u32>> = groups.into_iter().filter(|g| g.len() >= 2).collect();
    for g in &mut groups {
        g.sort_unstable();
    }
    groups.sort_unstable_by_key(|g| g[0]);
    Clustering {
        groups,
        refused_merges: refused,
    }
}
