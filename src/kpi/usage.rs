//! Who used the product in a period, read from a usage table and shared by active users, user
//! adoption and feature adoption. Users are the contacts their `user_id` names, merged through
//! the contacts' duplicate clusters (the same person under two contact ids is one user); ids no
//! contact has still count as users of their own.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::quality::FieldQuality;
use super::{Ctx, Member};
use crate::kind::Kind;

/// Keys at or above this are user ids that no contact has.
pub const ORPHAN: u64 = 1 << 40;

#[derive(Debug, Clone, Copy, Default)]
pub struct UserActivity {
    /// An event in the period.
    pub active: bool,
    /// Only events whose date cannot be read: maybe active.
    pub maybe: bool,
    /// A feature event in the period (for the adoption being measured).
    pub adopted: bool,
    /// An in-period event whose feature cannot be read.
    pub adoption_unknown: bool,
}

pub struct Activity {
    pub usage_table: usize,
    pub contacts: Option<usize>,
    pub users: HashMap<u64, UserActivity>,
    /// In-period events with no readable user id, and how many of them were feature events.
    pub anonymous_events: usize,
    pub anonymous_feature_events: usize,
    pub undated_events: usize,
    pub orphan_users: usize,
    /// (user, feature) pairs seen in the period, for the per-feature breakdown.
    pub features: HashMap<String, HashSet<u64>>,
    pub events_in_period: usize,
    pub fields: Vec<FieldQuality>,
}

/// How an event counts for adoption: `Some(true)` a feature event, `None` unknown.
pub type FeatureTest<'a> = &'a (dyn Fn(usize) -> Option<bool> + Sync);

pub fn activity(ctx: &Ctx, feature_test: Option<FeatureTest>) -> Result<Activity, String> {
    let inputs = ctx.inputs;
    let t = inputs
        .table_with(Kind::Usage, &["user_id"])
        .ok_or("no usage table with a user_id field")?;
    let table = inputs.table(t);
    let user_col = inputs.column(t, "user_id").expect("checked");
    let when_col = inputs.require_column(t, "event_at")?;
    let raw = ctx.raw();
    let when = inputs.datetimes(t, when_col, raw);
    let contacts = inputs.tables_of(Kind::Contacts).first().copied();
    // One key per distinct user id, not per event.
    let distinct = inputs.cache.distinct(table, t, user_col);
    let ucol = &table.raw.columns[user_col];
    let keys: Vec<Option<u64>> = distinct
        .first
        .iter()
        .enumerate()
        .map(|(id, &first)| {
            if distinct.missing[id] {
                return None;
            }
            let text = ucol.get(first as usize);
            if raw {
                return Some(ORPHAN + id as u64);
            }
            match contacts.and_then(|c| inputs.record_by_id(c, text).map(|r| (c, r))) {
                Some((c, r)) => Some(ctx.dedup(c).map_or(r, |d| d.survivor[r as usize]) as u64),
                None => Some(ORPHAN + id as u64),
            }
        })
        .collect();
    let feature_col = inputs.column(t, "feature");
    let mut a = Activity {
        usage_table: t,
        contacts,
        users: HashMap::new(),
        anonymous_events: 0,
        anonymous_feature_events: 0,
        undated_events: 0,
        orphan_users: 0,
        features: HashMap::new(),
        events_in_period: 0,
        fields: Vec::new(),
    };
    let mut scope = Vec::new();
    for r in 0..table.rows() {
        if ctx.is_surplus(t, r) {
            continue;
        }
        let member = ctx.member(when.get(r).map_date());
        if member == Member::Out {
            continue;
        }
        scope.push(r);
        let feature = feature_test.map(|f| f(r));
        let Some(key) = keys[distinct.ids[r] as usize] else {
            if member == Member::In {
                a.anonymous_events += 1;
                if feature == Some(Some(true)) {
                    a.anonymous_feature_events += 1;
                }
            }
            continue;
        };
        let user = a.users.entry(key).or_default();
        if member == Member::Unknown {
            a.undated_events += 1;
            user.maybe = true;
            continue;
        }
        a.events_in_period += 1;
        user.active = true;
        match feature {
            Some(Some(true)) => user.adopted = true,
            Some(None) => user.adoption_unknown = true,
            _ => {}
        }
        if let Some(fc) = feature_col
            && !inputs.is_missing(t, fc, r)
        {
            let name = table.cell(r, fc).trim();
            match a.features.get_mut(name) {
                Some(set) => {
                    set.insert(key);
                }
                None => {
                    let mut set = HashSet::new();
                    set.insert(key);
                    a.features.insert(name.to_string(), set);
                }
            }
        }
    }
    a.orphan_users = a
        .users
        .iter()
        .filter(|(k, u)| **k >= ORPHAN && u.active && contacts.is_some())
        .count();
    a.fields
        .push(ctx.field(&inputs.presence(t, user_col), &scope));
    a.fields.push(ctx.field(&when, &scope));
    Ok(a)
}
