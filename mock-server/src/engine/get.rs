//! The get executor, and the record lookup every single-record executor shares.

use super::{ApiError, ApiResult, Ctx, Output};
use crate::store::{Store, ref_id};
use harvest_spec::ir::ResourceId;

/// The id of the record the path selects (404 when it does not exist or has
/// another parent than the path says).
pub fn find(ctx: &Ctx<'_>, store: &Store, r: ResourceId) -> ApiResult<i64> {
    let res = &ctx.plan.spec.resource(r);
    let id = if ctx.op.selects_current_user {
        ctx.me(store)
    } else if let Some(p) = ctx.op.self_param {
        ctx.params.get(p).copied().ok_or(ApiError::NotFound)?
    } else if res.singleton {
        store.tables[r].rows.keys().next().copied().ok_or(ApiError::NotFound)?
    } else {
        return Err(ApiError::NotFound);
    };
    let rec = store.get(r, id).ok_or(ApiError::NotFound)?;
    if !super::access::scope(ctx, store)?.admits(rec) {
        return Err(ApiError::Forbidden);
    }
    for pp in &ctx.op.parents {
        let want = ctx.params.get(pp.param).copied();
        if ref_id(rec.get(pp.field_ix)) != want {
            return Err(ApiError::NotFound);
        }
    }
    Ok(id)
}

/// Answers a get operation, from the rendered-record cache when it can.
pub fn get(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Output> {
    let r = ctx.res()?;
    let id = find(ctx, store, r)?;
    match ctx.rendered.record(ctx.plan, store, r, id) {
        Some(body) => Ok(Output::doc(&body)),
        None => super::record_doc(ctx, store, r, id),
    }
}
