//! Customer acquisition cost: sales and marketing spend in the period / new customers acquired
//! in it. Spend comes from a spend table (variant `marketing`: its marketing rows only), else
//! from campaign actual costs; new customers are accounts whose first subscription started in
//! the period, else accounts with a deal won in it. The interval divides the spend by the exact
//! Poisson interval of the new-customer count.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::input::Value;
use super::stats::{Bounds, poisson};
use super::{Ctx, Estimate, Kpi, Member, NONNEGATIVE, fault_note, format};
use crate::kind::Kind;

pub struct Cac;

struct Spend {
    total: f64,
    low: f64,
    high: f64,
    rows: usize,
    faults: usize,
    table: usize,
    scope: Vec<usize>,
}

fn spend(ctx: &Ctx) -> Result<(Spend, Vec<super::quality::FieldQuality>, Vec<String>), String> {
    let inputs = ctx.inputs;
    let raw = ctx.raw();
    let marketing_only = ctx.variant == "marketing";
    let spend_table = inputs.table_with(Kind::Spend, &["amount"]);
    let campaign_table = inputs.table_with(Kind::Campaigns, &["actual_cost"]);
    let (t, amount_field, date_field) = match (spend_table, campaign_table) {
        (Some(t), _) => (t, "amount", "date"),
        (None, Some(t)) => (t, "actual_cost", "start_date"),
        (None, None) => {
            return Err(
                "no spend table (spend.amount) and no campaign costs (campaigns.actual_cost)"
                    .into(),
            );
        }
    };
    let table = inputs.table(t);
    let amount_col = inputs.column(t, amount_field).expect("checked above");
    let amounts = inputs.numbers(t, amount_col, raw);
    let dates = inputs
        .column(t, date_field)
        .map(|c| inputs.dates(t, c, raw));
    let category = inputs.column(t, "category");
    let present = (0..table.rows())
        .filter(|&r| !amounts.get(r).is_missing())
        .count();
    if present == 0 {
        let mut reason = format!(
            "{}.{} is empty in all {} records",
            table.name,
            table.header(amount_col),
            format::count(table.rows())
        );
        if spend_table.is_none() {
            reason.push_str(" and there is no spend table");
        }
        return Err(reason);
    }
    let max_amount = (0..table.rows())
        .filter_map(|r| amounts.get(r).ok())
        .fold(0.0f64, f64::max);
    let mut s = Spend {
        total: 0.0,
        low: 0.0,
        high: 0.0,
        rows: 0,
        faults: 0,
        table: t,
        scope: Vec::new(),
    };
    let mut undated = 0;
    for r in 0..table.rows() {
        if ctx.is_surplus(t, r) {
            continue;
        }
        if marketing_only
            && let Some(c) = category
            && !table.cell(r, c).trim().eq_ignore_ascii_case("marketing")
        {
            continue;
        }
        let member = dates.as_ref().map_or(Member::In, |d| ctx.member(d.get(r)));
        if member == Member::Out {
            continue;
        }
        s.scope.push(r);
        match (member, amounts.get(r)) {
            (Member::In, Value::Ok(a)) => {
                s.total += a;
                s.low += a;
                s.high += a;
                s.rows += 1;
            }
            (Member::In, _) => {
                s.faults += 1;
                s.high += max_amount;
            }
            (_, v) => {
                undated += 1;
                s.high += v.ok().unwrap_or(max_amount);
            }
        }
    }
    let mut notes = Vec::new();
    if let Some(note) = fault_note(0, s.faults, s.scope.len(), "spend rows", "amount") {
        notes.push(format!("{note} (missing or flagged): each adds 0 to the lower bound and the largest amount seen to the upper."));
    }
    if undated > 0 {
        notes.push(format!(
            "{} no readable date and may belong to the period.",
            format::plural(undated, "spend row has", "spend rows have")
        ));
    }
    let mut fields = vec![ctx.field(&amounts, &s.scope)];
    if let Some(d) = &dates {
        fields.push(ctx.field(d, &s.scope));
    }
    Ok((s, fields, notes))
}

/// New customers: (sure, doubtful) account counts, and the records read.
fn new_customers(
    ctx: &Ctx,
) -> Result<(usize, usize, String, Vec<super::quality::FieldQuality>), String> {
    let inputs = ctx.inputs;
    let raw = ctx.raw();
    if let Some(t) = inputs.table_with(Kind::Subscriptions, &["start_date"]) {
        let table = inputs.table(t);
        let starts = inputs.dates(t, inputs.column(t, "start_date").unwrap(), raw);
        let account = inputs.column(t, "account_id");
        // An account is new in the period when its first start falls in it.
        let mut first: HashMap<(&str, u32), (Option<jiff::civil::Date>, bool)> = HashMap::new();
        let mut records = Vec::new();
        for r in 0..table.rows() {
            if ctx.is_surplus(t, r) {
                continue;
            }
            records.push(r);
            let key = inputs.group_key(t, account, r);
            let entry = first.entry(key).or_insert((None, false));
            match starts.get(r).ok() {
                Some(d) => entry.0 = Some(entry.0.map_or(d, |e: jiff::civil::Date| e.min(d))),
                None => entry.1 = true,
            }
        }
        let (mut sure, mut doubtful) = (0, 0);
        for (start, unknown) in first.values() {
            match start {
                Some(d) if ctx.period.contains(*d) => sure += 1,
                Some(_) if *unknown => doubtful += 1,
                None => doubtful += 1,
                _ => {}
            }
        }
        let fields = vec![ctx.field(&starts, &records)];
        return Ok((
            sure,
            doubtful,
            format!(
                "accounts whose first subscription in {} started in the period",
                table.name
            ),
            fields,
        ));
    }
    if let Some(t) = inputs.table_with(Kind::Deals, &["close_date"]) {
        let table = inputs.table(t);
        let close = inputs.dates(t, inputs.column(t, "close_date").unwrap(), raw);
        let won = inputs
            .column(t, "is_won")
            .map(|c| inputs.booleans(t, c, raw));
        let closed = inputs
            .column(t, "is_closed")
            .map(|c| inputs.booleans(t, c, raw));
        let stage = inputs.column(t, "stage");
        let stages = stage.map(|c| inputs.classify(t, c, super::win_rate::stage_says));
        let account = inputs.column(t, "account_id");
        let (mut sure, mut doubtful) = (HashSet::new(), HashSet::new());
        let mut records = Vec::new();
        for r in 0..table.rows() {
            let (_, is_won) = super::win_rate::closed_won(
                closed.as_ref().map(|v| v.get(r)),
                won.as_ref().map(|v| v.get(r)),
                stages.as_ref().map(|v| v.get(r)),
            );
            if is_won != Value::Ok(true) || ctx.is_surplus(t, r) {
                continue;
            }
            records.push(r);
            let key = inputs.group_key(t, account, r);
            match ctx.member(close.get(r)) {
                Member::In => {
                    sure.insert(key);
                }
                Member::Unknown => {
                    doubtful.insert(key);
                }
                Member::Out => {}
            }
        }
        let doubtful = doubtful.difference(&sure).count();
        let fields = vec![ctx.field(&close, &records)];
        return Ok((
            sure.len(),
            doubtful,
            format!("accounts with a deal won in {} in the period", table.name),
            fields,
        ));
    }
    Err("no subscriptions with start dates and no deals to count new customers".into())
}

impl Kpi for Cac {
    fn id(&self) -> &'static str {
        "cac"
    }

    fn evaluate(&self, ctx: &Ctx) -> Result<Estimate, String> {
        let (spend, mut fields, mut notes) = spend(ctx)?;
        let (customers, doubtful, what, customer_fields) = new_customers(ctx)?;
        fields.extend(customer_fields);
        if customers == 0 {
            return Err(format!(
                "no new customers in {} ({what})",
                ctx.period.describe()
            ));
        }
        let value = spend.total / customers as f64;
        notes.insert(
            0,
            format!(
                "{} spent ({} of {}) over {} ({what}).",
                format::value(spend.total, "currency"),
                format::plural(spend.rows, "row", "rows"),
                ctx.table_name(spend.table),
                format::plural(customers, "new customer", "new customers")
            ),
        );
        if doubtful > 0 {
            notes.push(format!(
                "{} no readable start date and may be new in the period: counted for the lower bound.",
                format::plural(doubtful, "account has", "accounts have")
            ));
        }
        let dq = Bounds::new(
            spend.low / (customers + doubtful) as f64,
            spend.high / customers as f64,
        );
        let ci = ctx.intervals().then(|| {
            let b = poisson::poisson_exact(customers as u64, ctx.level());
            Bounds::new(
                spend.total / b.high,
                if b.low > 0.0 {
                    spend.total / b.low
                } else {
                    f64::INFINITY
                },
            )
        });
        Ok(Estimate {
            value,
            n: customers,
            n_of: "new customers".into(),
            ci,
            method: "spend / exact Poisson interval of the new-customer count".into(),
            dq,
            limits: NONNEGATIVE,
            scope: spend.scope.len(),
            usable: spend.scope.len() - spend.faults,
            fields,
            notes,
            period_applied: true,
        })
    }
}
