//! Proportions with data-quality bounds: every unit of a KPI's scope is a success, a failure,
//! or uncertain because an input is missing or invalid. The bounds are the worst and best
//! answers over every way the uncertain units could resolve, never a guess: an unknown outcome
//! is a success or a failure, an unknown membership (no valid date to place it in the period)
//! is in or out.

use super::stats::Bounds;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub successes: usize,
    pub failures: usize,
    /// In scope, outcome unknown (missing or invalid input).
    pub unknown_outcome: usize,
    /// Outcome known, membership unknown.
    pub maybe_successes: usize,
    pub maybe_failures: usize,
    /// Neither known.
    pub maybe_unknown: usize,
}

impl Tally {
    pub fn n(&self) -> usize {
        self.successes + self.failures
    }

    /// Units in scope for sure (known or not).
    pub fn scope(&self) -> usize {
        self.successes + self.failures + self.unknown_outcome
    }

    pub fn uncertain(&self) -> usize {
        self.unknown_outcome + self.maybe_successes + self.maybe_failures + self.maybe_unknown
    }

    /// The share among known units; `None` without any.
    pub fn share(&self) -> Option<f64> {
        (self.n() > 0).then(|| self.successes as f64 / self.n() as f64)
    }

    /// Worst and best shares (0-1). Worst: unknown outcomes fail, doubtful failures are in,
    /// doubtful successes out; best the other way round.
    pub fn bounds(&self) -> Bounds {
        let worst_num = self.successes;
        let worst_den = self.n() + self.unknown_outcome + self.maybe_failures + self.maybe_unknown;
        let best_num =
            self.successes + self.unknown_outcome + self.maybe_successes + self.maybe_unknown;
        let best_den = self.n() + self.unknown_outcome + self.maybe_successes + self.maybe_unknown;
        let share = |num: usize, den: usize| {
            if den == 0 {
                None
            } else {
                Some(num as f64 / den as f64)
            }
        };
        match (share(worst_num, worst_den), share(best_num, best_den)) {
            (Some(w), Some(b)) => Bounds::new(w, b),
            _ => Bounds::new(0.0, 1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example: 2,000 tickets, 825 without a score, 779 of the 1,175 responders
    /// satisfied: 779/1175 = 66.3% among responders; worst 779/2000 = 39.0%, best
    /// (779 + 825)/2000 = 80.2% over all tickets.
    #[test]
    fn missing_scores_bound_the_share_both_ways() {
        let t = Tally {
            successes: 779,
            failures: 396,
            unknown_outcome: 825,
            ..Tally::default()
        };
        assert!((t.share().unwrap() - 0.66298).abs() < 1e-4);
        let b = t.bounds();
        assert!((b.low - 0.3895).abs() < 1e-9);
        assert!((b.high - 0.802).abs() < 1e-9);
    }

    /// By hand: 6 won, 4 lost, 1 won deal and 1 lost deal with an unreadable close date.
    /// Worst: 6 / (10 + 1) = 0.5455 (the doubtful loss in, the doubtful win out); best:
    /// 7 / 11 = 0.6364.
    #[test]
    fn doubtful_membership_counts_only_where_it_hurts_or_helps() {
        let t = Tally {
            successes: 6,
            failures: 4,
            maybe_successes: 1,
            maybe_failures: 1,
            ..Tally::default()
        };
        let b = t.bounds();
        assert!((b.low - 6.0 / 11.0).abs() < 1e-12);
        assert!((b.high - 7.0 / 11.0).abs() < 1e-12);
    }
}
