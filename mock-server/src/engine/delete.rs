//! The delete executor with the spec's rules (block, cascade, nullify and
//! what a nullify also sets); answers with the deleted record.

use std::collections::BTreeSet;

use harvest_spec::ir::{DeleteAction, ResourceId};

use super::{ApiError, ApiResult, Ctx, Output, compute};
use crate::plan::{FieldIx, Plan};
use crate::store::{Cell, Store};

/// Answers a delete operation.
pub fn delete(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Output> {
    let plan = ctx.plan;
    let r = ctx.res()?;
    let id = super::get::find(ctx, store, r)?;
    let (order, doomed) = doomed(plan, store, r, id);
    // Block rules, the record's own first: a dependant that is not deleted along with it.
    for &(dr, did) in &order {
        for rule in &plan.spec.resource(dr).delete_rules {
            let DeleteAction::Block(message) = &rule.action else { continue };
            let Some(ix) = plan.res[rule.resource].ix(&rule.field) else { continue };
            if store.referring(rule.resource, ix, did).iter().any(|x| !doomed.contains(&(rule.resource, *x))) {
                return Err(ApiError::Unprocessable(message.clone()));
            }
        }
    }
    let rec = store.get(r, id).ok_or(ApiError::NotFound)?;
    let body = super::to_bytes(&crate::render::RecordView { plan, store, r, rec }, 1024);
    for &(dr, did) in &doomed {
        for rule in &plan.spec.resource(dr).delete_rules {
            if rule.action != DeleteAction::Nullify {
                continue;
            }
            let dep = rule.resource;
            let Some(ix) = plan.res[dep].ix(&rule.field) else { continue };
            for x in store.referring(dep, ix, did) {
                if !doomed.contains(&(dep, x)) {
                    store.set_at(plan, dep, x, ix, Cell::Null);
                    for (also_ix, v) in &rule.also {
                        store.set_at(plan, dep, x, FieldIx(*also_ix), Cell::from(v));
                    }
                }
            }
        }
    }
    let shares: Vec<_> = doomed
        .iter()
        .filter(|(dr, _)| !plan.res[*dr].shares_of.is_empty())
        .filter_map(|&(dr, did)| Some((dr, store.get(dr, did)?.clone())))
        .collect();
    for &(dr, did) in &doomed {
        store.remove(plan, dr, did);
    }
    for (dr, rec) in shares {
        compute::refresh_parents(plan, store, dr, &rec);
    }
    if let Some(b) = ctx.behavior() {
        b.after_delete(ctx, store);
    }
    Ok(Output::Doc(body))
}

/// A record of a resource: (resource index, id).
type Key = (ResourceId, i64);

/// The record and everything its cascade rules delete with it: in visiting order, and as a set.
fn doomed(plan: &Plan, store: &Store, r: ResourceId, id: i64) -> (Vec<Key>, BTreeSet<Key>) {
    let mut out = BTreeSet::new();
    let mut order = Vec::new();
    let mut todo = std::collections::VecDeque::from([(r, id)]);
    while let Some((cr, cid)) = todo.pop_front() {
        if !out.insert((cr, cid)) {
            continue;
        }
        order.push((cr, cid));
        for rule in &plan.spec.resource(cr).delete_rules {
            if rule.action != DeleteAction::Cascade {
                continue;
            }
            let Some(ix) = plan.res[rule.resource].ix(&rule.field) else { continue };
            for x in store.referring(rule.resource, ix, cid) {
                todo.push_back((rule.resource, x));
            }
        }
    }
    (order, out)
}
