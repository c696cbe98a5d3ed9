//! Generic delete with the spec's rules (block, cascade, nullify); answers
//! with the deleted record.

use std::collections::BTreeSet;

use axum::response::Response;
use harvest_spec::ir::DeleteAction;
use serde_json::Value;

use super::{Ctx, json};
use crate::errors::{ApiError, ApiResult};
use crate::plan::Plan;
use crate::store::Store;

pub fn delete(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Response> {
    let plan = ctx.plan;
    let r = ctx.res()?;
    let id = super::get::find(ctx, store, r)?;
    crate::behaviors::hooks::before_delete(ctx, store, r, id)?;
    let (order, doomed) = doomed(plan, store, r, id);
    // Block rules, the record's own first: a dependant that is not deleted along with it.
    for &(dr, did) in &order {
        for rule in &plan.spec.resources[dr].delete_rules {
            let DeleteAction::Block(message) = &rule.action else { continue };
            let Some(ix) = plan.res[rule.resource.0].ix(&rule.field) else { continue };
            if store.referring(rule.resource.0, ix, did).iter().any(|x| !doomed.contains(&(rule.resource.0, *x))) {
                return Err(ApiError::Unprocessable(message.clone()));
            }
        }
    }
    let rec = store.get(r, id).ok_or(ApiError::NotFound)?;
    let body = crate::render::record(plan, store, r, rec);
    for &(dr, did) in &doomed {
        for rule in &plan.spec.resources[dr].delete_rules {
            if rule.action != DeleteAction::Nullify {
                continue;
            }
            let Some(ix) = plan.res[rule.resource.0].ix(&rule.field) else { continue };
            for x in store.referring(rule.resource.0, ix, did) {
                if !doomed.contains(&(rule.resource.0, x)) {
                    store.set(plan, rule.resource.0, x, &rule.field, Value::Null);
                    store.set(plan, rule.resource.0, x, "is_billed", Value::Bool(false));
                }
            }
        }
    }
    let parent_hook = crate::behaviors::hooks::delete_parent(ctx, store, r, id);
    for (dr, did) in doomed {
        store.remove(plan, dr, did);
    }
    if let Some((inv, iid)) = parent_hook {
        crate::behaviors::settle(plan, store, inv, iid);
    }
    Ok(json(ctx.op.status, &body))
}

/// The record and everything its cascade rules delete with it.
/// A record of a resource: (resource index, id).
type Key = (usize, i64);

fn doomed(plan: &Plan, store: &Store, r: usize, id: i64) -> (Vec<Key>, BTreeSet<Key>) {
    let mut out = BTreeSet::new();
    let mut order = Vec::new();
    let mut todo = std::collections::VecDeque::from([(r, id)]);
    while let Some((cr, cid)) = todo.pop_front() {
        if !out.insert((cr, cid)) {
            continue;
        }
        order.push((cr, cid));
        for rule in &plan.spec.resources[cr].delete_rules {
            if rule.action != DeleteAction::Cascade {
                continue;
            }
            let Some(ix) = plan.res[rule.resource.0].ix(&rule.field) else { continue };
            for x in store.referring(rule.resource.0, ix, cid) {
                todo.push_back((rule.resource.0, x));
            }
        }
    }
    (order, out)
}
