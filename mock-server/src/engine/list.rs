//! The list executor: parent scoping, filters, the spec's sort order and one
//! page of the result.

use super::access::Scope;
use super::paging::{self, PageReq};
use super::query;
use super::{ApiError, ApiResult, Ctx, Items, Output, Page, Rows};
use crate::render::Json;
use crate::store::{Order, Store};

/// Answers a list operation.
pub fn list(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Output> {
    let p = ctx.op.pagination.as_ref().ok_or(ApiError::NotFound)?;
    let req = paging::parse(&ctx.query, p)?;
    let filters = query::parsed_filters(ctx)?;
    if let Some(rows) = ctx.behavior().and_then(|b| b.list(ctx, store)) {
        return Ok(Output::Page(page_of_rows(req, rows?)));
    }
    let r = ctx.res()?;
    let scope = super::access::scope(ctx, store)?;
    // Unfiltered lists page straight over the cached order: O(per_page) per request.
    let unfiltered = ctx.op.parents.is_empty() && filters.iter().all(|(f, _)| f.top_ix.is_none());
    let page = if scope != Scope::All {
        let table = &store.tables[r];
        let ids: Vec<i64> = query::filter_ids(ctx, store, r, filters)?
            .into_iter()
            .filter(|id| table.rows.get(id).is_some_and(|rec| scope.admits(rec)))
            .collect();
        page_of(&req, &ids, None, |w| ctx.rendered.records(ctx.plan, store, r, w))
    } else if unfiltered {
        let order = store.order(ctx.plan, r);
        page_of(&req, &order.ids, Some(&order), |w| ctx.rendered.records(ctx.plan, store, r, w))
    } else {
        let ids = query::filter_ids(ctx, store, r, filters)?;
        page_of(&req, &ids, None, |w| ctx.rendered.records(ctx.plan, store, r, w))
    };
    Ok(Output::Page(page))
}

/// One page of stored records, their JSON taken whole from the cache.
fn page_of(req: &PageReq, ids: &[i64], pos: Option<&Order>, render: impl Fn(&[i64]) -> Vec<Option<Json>>) -> Page {
    let (start, end) = paging::window(req, ids, pos, descending(ids));
    let items = render(ids.get(start..end).unwrap_or_default());
    let size: usize = items.iter().flatten().map(Json::len).sum();
    Page {
        items: Items::Cached(items),
        req: req.clone(),
        total: ids.len(),
        window: (start, end),
        last_id: last(ids, end),
        size,
    }
}

/// One page of computed rows.
pub fn page_of_rows(req: PageReq, rows: Rows) -> Page {
    let Rows { ids, mut items } = rows;
    let (start, end) = paging::window(&req, &ids, None, descending(&ids));
    let last_id = last(&ids, end);
    items.truncate(end);
    let items: Vec<_> = items.drain(start.min(items.len())..).collect();
    Page { items: Items::Values(items), req, total: ids.len(), window: (start, end), last_id, size: 0 }
}

/// Whether ids run downwards (where a cursor's vanished id would be placed).
fn descending(ids: &[i64]) -> bool {
    ids.first().zip(ids.last()).is_none_or(|(a, b)| a >= b)
}

/// The id a next cursor continues after: the page's last, when more follow.
fn last(ids: &[i64], end: usize) -> Option<i64> {
    if end < ids.len() { end.checked_sub(1).and_then(|i| ids.get(i)).copied() } else { None }
}

/// Builds every table's list order ahead of the first request.
pub fn warm(plan: &crate::plan::Plan, store: &Store) {
    for r in store.tables.ids() {
        store.order(plan, r);
    }
}
