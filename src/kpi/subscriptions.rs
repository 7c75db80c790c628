//! The customer lifecycle read from a subscriptions table, shared by churn, retention, CLV and
//! CAC: when each customer started, whether and when it ended, its MRR and tenure.
//!
//! A customer's end is its cancellation date, else its end date when that is on or before the
//! as-of date (a later end date is a renewal term, not a churn). A churn flag without a date
//! says it ended, not when. Without a start date column the table is a snapshot (the Telco
//! file): churn is then the share flagged churned, and exposure is the tenure in months.

use jiff::civil::Date;

use super::Ctx;
use super::input::{ColumnView, Value};
use super::quality::FieldQuality;
use crate::kind::Kind;

/// Average days in a month, for customer-months of exposure.
pub const DAYS_PER_MONTH: f64 = 30.4375;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum End {
    /// Still active at the as-of date.
    Active,
    Ended(Date),
    /// Flagged churned (or the end date unreadable): ended, date unknown.
    EndedUnknown,
    /// Nothing says whether it ended.
    Unknown,
}

#[derive(Debug, Clone, Copy)]
pub struct Customer {
    pub record: usize,
    pub start: Value<Date>,
    pub end: End,
    pub mrr: Value<f64>,
    pub tenure: Value<f64>,
}

pub struct Book<'a> {
    pub table: usize,
    pub dated: bool,
    pub customers: Vec<Customer>,
    /// Surplus duplicates left out.
    pub merged: usize,
    pub views: Vec<FieldView<'a>>,
}

pub enum FieldView<'a> {
    Date(ColumnView<'a, Date>),
    Number(ColumnView<'a, f64>),
    Bool(ColumnView<'a, bool>),
}

impl Book<'_> {
    pub fn fields(&self, ctx: &Ctx, records: &[usize]) -> Vec<FieldQuality> {
        self.views
            .iter()
            .map(|v| match v {
                FieldView::Date(v) => ctx.field(v, records),
                FieldView::Number(v) => ctx.field(v, records),
                FieldView::Bool(v) => ctx.field(v, records),
            })
            .collect()
    }
}

pub fn book<'a>(ctx: &'a Ctx) -> Result<Book<'a>, String> {
    let inputs = ctx.inputs;
    let t = ctx
        .source_table()
        .or_else(|| inputs.tables_of(Kind::Subscriptions).first().copied())
        .ok_or("no subscriptions table")?;
    let table = inputs.table(t);
    let raw = ctx.raw();
    let start = inputs
        .column(t, "start_date")
        .map(|c| inputs.dates(t, c, raw));
    let cancelled = inputs
        .column(t, "cancelled_at")
        .map(|c| inputs.dates(t, c, raw));
    let end_date = inputs
        .column(t, "end_date")
        .map(|c| inputs.dates(t, c, raw));
    let churned = inputs
        .column(t, "churned")
        .map(|c| inputs.booleans(t, c, raw));
    let mrr = inputs.column(t, "mrr").map(|c| inputs.numbers(t, c, raw));
    let tenure = inputs
        .column(t, "tenure_months")
        .map(|c| inputs.numbers(t, c, raw));
    if churned.is_none() && cancelled.is_none() && end_date.is_none() {
        return Err(format!(
            "table {} has no churn flag, cancellation date or end date",
            table.name
        ));
    }
    let dated = start.is_some();
    let mut customers = Vec::with_capacity(table.rows());
    let mut merged = 0;
    for r in 0..table.rows() {
        if ctx.is_surplus(t, r) {
            merged += 1;
            continue;
        }
        let date_end = |v: &Option<ColumnView<Date>>| v.as_ref().map(|v| v.get(r));
        let flag = churned.as_ref().map(|v| v.get(r));
        let end = match (date_end(&cancelled), date_end(&end_date)) {
            (Some(Value::Ok(d)), _) => End::Ended(d),
            (_, Some(Value::Ok(d))) if d <= ctx.as_of => End::Ended(d),
            (c, e) => {
                let unreadable =
                    c.is_some_and(|v| v.is_invalid()) || e.is_some_and(|v| v.is_invalid());
                match flag {
                    Some(Value::Ok(true)) => End::EndedUnknown,
                    Some(Value::Ok(false)) if !unreadable => End::Active,
                    _ if unreadable => End::EndedUnknown,
                    None => End::Active,
                    _ => End::Unknown,
                }
            }
        };
        customers.push(Customer {
            record: r,
            start: start.as_ref().map_or(Value::Missing, |v| v.get(r)),
            end,
            mrr: mrr.as_ref().map_or(Value::Missing, |v| v.get(r)),
            tenure: tenure.as_ref().map_or(Value::Missing, |v| v.get(r)),
        });
    }
    let mut views = Vec::new();
    for v in [start, cancelled, end_date].into_iter().flatten() {
        views.push(FieldView::Date(v));
    }
    if let Some(v) = churned {
        views.push(FieldView::Bool(v));
    }
    for v in [mrr, tenure].into_iter().flatten() {
        views.push(FieldView::Number(v));
    }
    Ok(Book {
        table: t,
        dated,
        customers,
        merged,
        views,
    })
}

/// Where a customer stands against a period: active at its start, and churned during it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not a customer at the period start (started later, or ended before).
    Outside,
    Retained,
    Churned,
    /// Active at the start for sure; whether it churned during the period is unknown.
    UnknownOutcome,
    /// Whether it was a customer at the start is unknown; the outcome if it was.
    Maybe(Option<bool>),
}

impl Customer {
    /// Against the period. Under `all` (or without dates), every customer who started by the
    /// as-of date counts, and churned means ended by then.
    pub fn standing(&self, ctx: &Ctx, dated: bool) -> Standing {
        let all = ctx.period.is_all() || !dated;
        if all {
            if let Value::Ok(s) = self.start
                && s > ctx.as_of
            {
                return Standing::Outside;
            }
            return match self.end {
                End::Active => Standing::Retained,
                End::Ended(d) if d <= ctx.as_of => Standing::Churned,
                End::Ended(_) => Standing::Retained,
                End::EndedUnknown => Standing::Churned,
                End::Unknown => Standing::UnknownOutcome,
            };
        }
        let (first, last) = (ctx.period.start, ctx.period.end);
        let outcome = match self.end {
            End::Active => Some(Some(false)),
            End::Ended(d) if d < first => None,
            End::Ended(d) if d <= last => Some(Some(true)),
            End::Ended(_) => Some(Some(false)),
            End::EndedUnknown | End::Unknown => Some(None),
        };
        let Some(outcome) = outcome else {
            return Standing::Outside;
        };
        match self.start {
            Value::Ok(s) if s >= first => Standing::Outside,
            Value::Ok(_) => match outcome {
                Some(true) => Standing::Churned,
                Some(false) => Standing::Retained,
                None => {
                    // Ended at an unknown date: before the period (not a customer at its
                    // start) or during it.
                    if self.end == End::EndedUnknown {
                        Standing::Maybe(Some(true))
                    } else {
                        Standing::UnknownOutcome
                    }
                }
            },
            _ => Standing::Maybe(outcome),
        }
    }

    /// Months of exposure within the period (or the whole history under `all`), and whether
    /// the customer churned in it; `None` where a date is missing.
    pub fn exposure(&self, ctx: &Ctx, dated: bool) -> Option<(f64, bool)> {
        if !dated || ctx.period.is_all() && !matches!(self.start, Value::Ok(_)) {
            let churned = match self.end {
                End::Active => false,
                End::Ended(_) | End::EndedUnknown => true,
                End::Unknown => return None,
            };
            return self.tenure.ok().map(|m| (m.max(0.0), churned));
        }
        let start = self.start.ok()?;
        let (first, last) = if ctx.period.is_all() {
            (start, ctx.as_of)
        } else {
            (ctx.period.start, ctx.period.end)
        };
        let (until, churned) = match self.end {
            End::Active => (last, false),
            End::Ended(d) if d > last => (last, false),
            End::Ended(d) => (d, d >= first),
            End::EndedUnknown | End::Unknown => return None,
        };
        let from = start.max(first);
        if until < from {
            return Some((0.0, false));
        }
        let days = super::input::days_between(from, until);
        Some((days / DAYS_PER_MONTH, churned))
    }
}
