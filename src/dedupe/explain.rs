//! Why a pair matched (or did not): each field's level and contribution in bits.

use serde::Serialize;

use super::weights::Scorer;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Contribution {
    /// The column header.
    pub field: String,
    pub comparison: &'static str,
    /// The agreement level, or "missing" when either record lacks the value.
    pub level: &'static str,
    /// Match weight in bits (log2 of the likelihood ratio); 0 for missing values.
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    pub probability: f64,
    /// Prior plus contributions, in bits.
    pub total: f64,
    pub prior: f64,
    pub fields: Vec<Contribution>,
    /// First and last names agree across (one record has them swapped).
    pub swapped_names: bool,
    /// The identity fields (names, birth date, id) disagree overall: never a match.
    pub vetoed: bool,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub fn explain(scorer: &Scorer, a: usize, b: usize) -> Explanation {
    let score = scorer.score(a, b);
    Explanation {
        probability: (score.probability * 10_000.0).round() / 10_000.0,
        total: round2(score.total),
        prior: round2(scorer.prior),
        fields: scorer
            .fields
            .iter()
            .zip(&score.fields)
            .map(|(f, &(level, weight))| Contribution {
                field: f.header.clone(),
                comparison: f.keys.compare.as_str(),
                level: level.map_or("missing", |l| f.keys.compare.levels()[l as usize]),
                weight: round2(weight),
            })
            .collect(),
        swapped_names: score.swapped,
        vetoed: score.vetoed,
    }
}

/// One line for a CSV cell: strongest evidence first, missing fields last.
pub fn to_text(e: &Explanation) -> String {
    let mut fields: Vec<&Contribution> = e.fields.iter().collect();
    fields.sort_by(|x, y| {
        (x.level == "missing")
            .cmp(&(y.level == "missing"))
            .then(y.weight.abs().total_cmp(&x.weight.abs()))
            .then(x.field.cmp(&y.field))
    });
    let mut parts: Vec<String> = fields
        .iter()
        .map(|c| {
            if c.level == "missing" {
                format!("{} missing", c.field)
            } else {
                format!("{} {} {:+.1}", c.field, c.level, c.weight)
            }
        })
        .collect();
    parts.push(format!("prior {:+.1}", e.prior));
    let mut text = format!(
        "p={:.4} ({:+.1} bits): {}",
        e.probability,
        e.total,
        parts.join("; ")
    );
    if e.swapped_names {
        text.push_str(" [first and last names swapped]");
    }
    if e.vetoed {
        text.push_str(" [names disagree: not the same person]");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_puts_strong_evidence_first_and_missing_last() {
        let e = Explanation {
            probability: 0.99,
            total: 12.3,
            prior: -9.97,
            fields: vec![
                Contribution {
                    field: "City".into(),
                    comparison: "city",
                    level: "missing",
                    weight: 0.0,
                },
                Contribution {
                    field: "Email".into(),
                    comparison: "email",
                    level: "exact",
                    weight: 16.2,
                },
                Contribution {
                    field: "First".into(),
                    comparison: "first_name",
                    level: "alias",
                    weight: 5.1,
                },
            ],
            swapped_names: false,
            vetoed: false,
        };
        assert_eq!(
            to_text(&e),
            "p=0.9900 (+12.3 bits): Email exact +16.2; First alias +5.1; City missing; prior -10.0"
        );
    }
}
