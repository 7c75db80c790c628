use std::sync::Arc;

use crate::config::CheckKind;
use crate::dedupe;

use super::{Check, Ctx, DuplicateCounts, Entities, RuleResult};
use crate::wording::{count, plural};

/// DQ202: records that are probably one entity entered more than once (fuzzy, record-level).
pub struct ProbableDuplicate;

impl Check for ProbableDuplicate {
    fn code(&self) -> &'static str {
        "DQ202"
    }
    fn name(&self) -> &'static str {
        "probable-duplicate"
    }
    fn kind(&self) -> CheckKind {
        CheckKind::Entity
    }
    fn explain(&self) -> &'static str {
        "## What it does\n\
Matches whole records, not one field: names (case, accents, titles, nicknames such as \
Bob/Robert), e-mails (case, Gmail dots and +tags), phones (E.164), companies (legal forms, \
`The`, `&`), addresses, postcodes, dates and ids are compared field by field, each agreement \
level adds a Fellegi-Sunter match weight (a shared common name or a shared `info@` mailbox \
counts less), and pairs whose match probability reaches the threshold are clustered into \
entities without chaining through weak links. Names, birth dates and id numbers must not \
disagree: family members sharing a home phone or colleagues sharing a switchboard stay apart. \
Each cluster gets a suggested survivor; every other record of the cluster is reported, with \
its cluster id, the survivor to merge into and the field-by-field reasons. Violations count \
those *surplus* records. Runs by default on contacts, leads and companies; exact DQ201 counts \
are reported beside it.\n\n\
## Why it matters for KPIs\n\
Duplicate people and companies split activity histories, inflate lead and customer counts, \
deflate conversion and win rates and send two reps to one buyer. Most are not exact copies.\n\n\
## Example\n\
`Robert Smith <robert.smith@summitpayments.com> +1 617-542-8923` and \
`Bob Smith <bob.smith@summitpayments.com> 6175428923` at Summit Payments LLC: first name \
alias, same surname, same phone once read as E.164, the same e-mail pattern at one domain, \
same company: one cluster of 2, 1 surplus record.\n\n\
## Options\n\
In crmaudit.toml, `[tables.NAME.dedupe]`: `enabled`, `threshold` (match probability, default \
0.9), `prior`, `cohesion`, `max_block`, `window`, `max_cluster`, `survivor` (criteria in order: \
most_complete, most_recent, oldest, first), `block_on` (extra blocking keys), `estimate` (EM \
estimation of the weights on the data) and `fields = { FIELD = \"comparison\" }` with \
comparisons first_name, last_name, full_name, email, phone, company, domain, address, city, \
postcode, date, id, text, exact (or `{ compare = .., m = [..], u = [..], tf = .., identity = .. }`). \
Severity and tolerance with `[rules.DQ202]`.\n"
    }
    fn run(&self, ctx: &Ctx) -> RuleResult {
        let table = ctx.table;
        let Some(config) = &table.dedupe else {
            return RuleResult::default();
        };
        let result = dedupe::run(table, ctx.table_index, ctx.cache, config, false, &[]);
        let mut findings = Vec::new();
        for cluster in &result.clusters {
            let survivor = cluster
                .members
                .iter()
                .find(|m| m.is_survivor)
                .expect("every cluster has a survivor");
            for member in cluster.members.iter().filter(|m| !m.is_survivor) {
                let reasons = member
                    .explanation
                    .as_ref()
                    .map(dedupe::explain::to_text)
                    .unwrap_or_default();
                findings.push(ctx.finding(
                    member.record,
                    None,
                    format!(
                        "probable duplicate of record {} (line {}) in cluster {} of {}: {reasons}",
                        survivor.record_id,
                        survivor.row,
                        cluster.cluster_id,
                        cluster.members.len()
                    ),
                    Some(format!("merge into record {}", survivor.record_id)),
                ));
            }
        }
        let clusters = result.clusters.len();
        let involved = result.records_in_clusters();
        RuleResult {
            violations: findings.len(),
            checked: table.rows(),
            detail: Some(format!(
                "{} of probable duplicates, {} involved, {} (violations count the surplus); {} compared, {} matched at p >= {}",
                plural(clusters, "cluster", "clusters"),
                plural(involved, "record", "records"),
                plural(findings.len(), "surplus record", "surplus records"),
                plural(result.candidate_pairs, "candidate pair", "candidate pairs"),
                count(result.matched_pairs),
                result.threshold
            )),
            duplicates: Some(DuplicateCounts {
                groups: clusters,
                records_in_groups: involved,
                surplus_records: findings.len(),
                members: result
                    .clusters
                    .iter()
                    .map(|c| c.members.iter().map(|m| m.record).collect())
                    .collect(),
                entities: Some(Entities(Arc::new(result))),
            }),
            findings,
        }
    }
}
