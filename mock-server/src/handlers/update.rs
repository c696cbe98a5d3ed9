//! Generic partial update; `updated_at` always advances.

use axum::response::Response;

use super::{Ctx, json};
use crate::errors::{ApiError, ApiResult};
use crate::store::{Cell, Store};
use crate::values::{fmt_datetime, now, parse_datetime};

pub fn update(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Response> {
    let plan = ctx.plan;
    let r = ctx.res()?;
    let id = super::get::find(ctx, store, r)?;
    let mut rec = store.get(r, id).cloned().ok_or(ApiError::NotFound)?;
    let mut problems = crate::validate::apply_body(ctx, store, r, &mut rec, false);
    crate::behaviors::hooks::before_update(ctx, store, r, id, &mut rec, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::problems(&problems));
    }
    if let Some(ix) = plan.res[r].ix("updated_at") {
        let old = rec[ix].as_ref().and_then(Cell::as_str).and_then(parse_datetime);
        let mut stamp = now();
        if let Some(old) = old
            && let Some(n) = parse_datetime(&stamp)
            && n <= old
        {
            stamp = fmt_datetime(old + chrono::Duration::seconds(1));
        }
        rec[ix] = Some(Cell::from(stamp));
    }
    let unresolved = super::create::relink(plan, store, r, &mut rec);
    if !unresolved.is_empty() {
        return Err(ApiError::problems(&unresolved));
    }
    store.put(plan, r, id, rec);
    super::create::relink_dependants(plan, store, r, id);
    crate::behaviors::hooks::after_write(ctx, store, r, id, false);
    let rec = store.get(r, id).ok_or(ApiError::NotFound)?;
    Ok(json(ctx.op.status, &crate::render::RecordView { plan, store, r, rec }))
}
