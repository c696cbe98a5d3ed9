//! The update executor: a partial update; the `updated_at` role always advances.

use harvest_spec::ir::FieldRole;

use super::{ApiError, ApiResult, Ctx, Output, compute, relations, validate};
use crate::store::{Cell, Store};
use crate::values::{fmt_datetime, parse_datetime};

/// Answers an update operation.
pub fn update(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Output> {
    let plan = ctx.plan;
    let r = ctx.res()?;
    let id = super::get::find(ctx, store, r)?;
    let mut rec = store.get(r, id).cloned().ok_or(ApiError::NotFound)?;
    let mut problems = validate::apply_body(ctx, store, r, &mut rec, false);
    for b in ctx.bound.of_resource(r) {
        b.before_update(ctx, store, &mut rec, &mut problems);
    }
    if !problems.is_empty() {
        return Err(ApiError::problems(&problems));
    }
    if let Some(ix) = plan.res[r].role(FieldRole::UpdatedAt) {
        let old = rec[ix].as_ref().and_then(Cell::as_str).and_then(parse_datetime);
        let mut stamp = ctx.stamp();
        if let Some(old) = old
            && let Some(n) = parse_datetime(&stamp)
            && n <= old
        {
            stamp = fmt_datetime(old + chrono::Duration::seconds(1));
        }
        rec[ix] = Some(Cell::from(stamp));
    }
    let unresolved = relations::relink(plan, store, r, &mut rec);
    if !unresolved.is_empty() {
        return Err(ApiError::problems(&unresolved));
    }
    if !super::access::scope(ctx, store)?.admits(&rec) {
        // A record of one's own cannot be handed to someone else.
        return Err(ApiError::Forbidden);
    }
    compute::apply(plan, store, r, &mut rec);
    let before = if plan.res[r].shares_of.is_empty() { None } else { store.get(r, id).cloned() };
    store.put(plan, r, id, rec);
    compute::stored(plan, store, r, id, before.as_ref());
    relations::relink_dependants(plan, store, r, id);
    if let Some(b) = ctx.behavior() {
        b.after_write(ctx, store, id, false);
    }
    super::record_doc(ctx, store, r, id)
}
