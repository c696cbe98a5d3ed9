//! Billable and cost rate histories: a rate cannot start in the future, a
//! new one replaces the rates that start on or after it, and each rate ends
//! the day before the next one starts.

use std::collections::BTreeMap;

use harvest_spec::ir::ResourceId;
use serde_json::Value;

use super::get;
use crate::engine::{Behavior, Ctx};
use crate::plan::Plan;
use crate::store::{Cell, Rec, Store, ref_id};
use crate::values::parse_date;

/// `rate_create`.
pub struct RateCreate;

impl Behavior for RateCreate {
    fn before_create(&self, ctx: &Ctx<'_>, _store: &Store, rec: &mut Rec, problems: &mut Vec<String>) {
        let Some(r) = ctx.op.resource else { return };
        if let Some(d) = get(ctx.plan, r, rec, "start_date").and_then(Cell::as_str).and_then(parse_date)
            && d > ctx.now.date_naive()
        {
            problems.push("Start date can't be in the future".into());
        }
    }

    fn after_write(&self, ctx: &Ctx<'_>, store: &mut Store, id: i64, _created: bool) {
        let plan = ctx.plan;
        let Some(r) = ctx.op.resource else { return };
        let Some(user_ix) = plan.res[r].refs.first().map(|rf| rf.ix) else { return };
        let Some(user) = store.get(r, id).and_then(|x| ref_id(x.get(user_ix))) else { return };
        let start = store.field(plan, r, id, "start_date").and_then(Cell::as_str).map(str::to_string);
        for other in store.referring(r, user_ix, user) {
            if other == id {
                continue;
            }
            let os = store.field(plan, r, other, "start_date").and_then(Cell::as_str).unwrap_or("").to_string();
            // No start date replaces the history; an earlier one replaces the later rates.
            if start.as_ref().is_none_or(|s| os.as_str() >= s.as_str()) {
                store.remove(plan, r, other);
            }
        }
        close_rates(plan, store, r);
    }
}

/// Rate histories: each rate ends the day before the next one starts.
pub fn close_rates(plan: &Plan, store: &mut Store, r: ResourceId) {
    let Some(user_ix) = plan.res[r].refs.first().map(|rf| rf.ix) else { return };
    let mut by_user: BTreeMap<i64, Vec<(String, i64)>> = BTreeMap::new();
    for (id, rec) in &store.tables[r].rows {
        let u = ref_id(rec.get(user_ix)).unwrap_or(0);
        let start = store.field(plan, r, *id, "start_date").and_then(Cell::as_str).unwrap_or("").to_string();
        by_user.entry(u).or_default().push((start, *id));
    }
    for (_, mut rates) in by_user {
        rates.sort();
        for w in 0..rates.len() {
            let end = rates
                .get(w + 1)
                .and_then(|(s, _)| parse_date(s))
                .and_then(|d| d.pred_opt())
                .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                .unwrap_or(Value::Null);
            super::put(plan, store, r, rates[w].1, "end_date", end);
        }
    }
}
