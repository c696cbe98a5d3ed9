//! Generic list: parent scoping, filters, spec sort order, pagination.

use std::cmp::Ordering;

use axum::response::Response;
use harvest_spec::ir::{Behavior, FilterOp, Pagination, TypeRef};
use serde::Serialize;
use serde_json::Value;

use super::{Ctx, json_sized};
use crate::errors::{ApiError, ApiResult};
use crate::pagination::{self, LinkBase, PageReq};
use crate::plan::{FilterPlan, Plan};
use std::sync::Arc;

use crate::rendered::Json;
use crate::store::{Cell, Order, Store, cmp_json};
use crate::values::{Bad, coerce};

pub fn list(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Response> {
    let p = ctx.op.pagination.as_ref().ok_or(ApiError::NotFound)?;
    let req = pagination::parse(&ctx.query, p)?;
    if let Some(
        b @ (Behavior::UserProjectAssignments | Behavior::CurrentUserProjectAssignments | Behavior::TeammatesList),
    ) = ctx.op.behavior
    {
        let (ids, items) = crate::behaviors::actions::behavior_list(ctx, store, b)?;
        return Ok(page(ctx, p, &req, &ids, |i| items.get(i).cloned().unwrap_or(Value::Null)));
    }
    let r = ctx.res()?;
    // Unfiltered lists page straight over the cached order: O(per_page) per request.
    let unfiltered = ctx.op.parents.is_empty() && parsed_filters(ctx)?.iter().all(|(f, _)| f.top_ix.is_none());
    let (cached, filtered);
    let (ids, pos): (&[i64], _) = if unfiltered {
        cached = order(ctx.plan, store, r);
        (&cached.ids, Some(&*cached))
    } else {
        filtered = filter_ids(ctx, store, r)?;
        (&filtered, None)
    };
    Ok(page_of(ctx, p, &req, ids, pos, |window| ctx.rendered.records(ctx.plan, store, r, window)))
}

/// One page of stored records inside the envelope, their JSON taken whole from the cache.
fn page_of(
    ctx: &Ctx<'_>,
    p: &Pagination,
    req: &PageReq,
    ids: &[i64],
    pos: Option<&Order>,
    render: impl Fn(&[i64]) -> Vec<Option<Json>>,
) -> Response {
    let descending = ids.first().zip(ids.last()).is_none_or(|(a, b)| a >= b);
    let (start, end) = pagination::window(req, ids, pos, descending);
    let items = render(ids.get(start..end).unwrap_or_default());
    let size: usize = items.iter().flatten().map(Json::len).sum();
    envelope_response(ctx, p, req, ids, (start, end), items, size)
}

/// Renders one page of `ids` (`item(i)` renders the i-th) inside the envelope.
pub fn page<T: Serialize>(
    ctx: &Ctx<'_>,
    p: &Pagination,
    req: &PageReq,
    ids: &[i64],
    item: impl Fn(usize) -> T,
) -> Response {
    let descending = ids.first().zip(ids.last()).is_none_or(|(a, b)| a >= b);
    let (start, end) = pagination::window(req, ids, None, descending);
    let items: Vec<T> = (start..end).map(item).collect();
    envelope_response(ctx, p, req, ids, (start, end), items, 0)
}

/// The envelope around `items`, the page `start..end` of `ids`; `size` is
/// roughly how many bytes the items take.
fn envelope_response<T: Serialize>(
    ctx: &Ctx<'_>,
    p: &Pagination,
    req: &PageReq,
    ids: &[i64],
    window: (usize, usize),
    items: Vec<T>,
    size: usize,
) -> Response {
    let filters = ctx
        .query
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "page" | "per_page" | "cursor" | "ref"))
        .cloned()
        .collect();
    let base = LinkBase { url: format!("{}{}", ctx.origin, ctx.path), filters };
    json_sized(ctx.op.status, &pagination::envelope(p, req, &base, ids, window, items), size + 1024)
}

/// Parses the operation's filters from the query; bad values are a 422.
pub fn parsed_filters<'a>(ctx: &'a Ctx<'_>) -> ApiResult<Vec<(&'a FilterPlan, Value)>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for f in &ctx.op.filters {
        match ctx.q(&f.name) {
            None | Some("") if f.required => {
                problems.push(format!("{} can't be blank", crate::plan::humanize(&f.name)))
            }
            None | Some("") => {}
            Some(raw) => match coerce(ctx.plan, &f.ty, &Value::String(raw.to_string())) {
                Ok(v) => out.push((f, v)),
                Err(Bad::Date) => problems.push(format!("{} is not a valid date", crate::plan::humanize(&f.name))),
                Err(Bad::Invalid) => problems.push(format!("{} is invalid", crate::plan::humanize(&f.name))),
            },
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(ApiError::problems(&problems)) }
}

/// Ids of the records of `r` selected by the path parents and filters, in list order.
pub fn filter_ids(ctx: &Ctx<'_>, store: &Store, r: usize) -> ApiResult<Vec<i64>> {
    let mut scope: Option<Vec<i64>> = None;
    for pp in &ctx.op.parents {
        let pid = ctx.params.get(pp.param).copied().ok_or(ApiError::NotFound)?;
        store.get(pp.target.0, pid).ok_or(ApiError::NotFound)?;
        scope = Some(store.referring(r, pp.field_ix, pid));
    }
    let mut filters: Vec<_> = parsed_filters(ctx)?.into_iter().filter(|(f, _)| f.top_ix.is_some()).collect();
    if scope.is_none()
        && let Some(i) = filters.iter().position(|(f, _)| f.top_is_ref && f.rest.is_empty() && f.op == FilterOp::Eq)
        && let Some((f, v)) = filters.get(i)
        && let (Some(ix), Some(id)) = (f.top_ix, v.as_i64())
    {
        scope = Some(store.referring(r, ix, id));
        // Every id the index gives holds that value: the filter need not be checked again.
        filters.remove(i);
    }
    let table = &store.tables[r];
    let keep = |id: &i64| {
        table.rows.get(id).is_some_and(|rec| {
            filters.iter().all(|(f, want)| {
                let Some(ix) = f.top_ix else { return true };
                match rec.get(ix).and_then(Option::as_ref) {
                    Some(Cell::Json(top)) => {
                        let mut vals = Vec::new();
                        collect(Some(top), &f.rest, &mut vals);
                        vals.iter().any(|v| compare(v, want, f.op))
                    }
                    Some(cell) if f.rest.is_empty() => compare_cell(cell, want, f.op),
                    _ => false,
                }
            })
        })
    };
    let order = order(ctx.plan, store, r);
    Ok(match scope {
        Some(ids) if filters.is_empty() => in_order(&order, ids.into_iter()),
        Some(ids) => in_order(&order, ids.into_iter().filter(|id| keep(id))),
        None if filters.is_empty() => order.ids.clone(),
        None => match leading_range(ctx, store, r, &order, &filters) {
            // A range on the leading sort key is a slice of the list order.
            Some((slice, true)) => slice.to_vec(),
            Some((slice, false)) => slice.iter().copied().filter(|id| keep(id)).collect(),
            None => {
                // Scan in id order (sequential), then put the matches in list order.
                in_order(&order, table.rows.keys().copied().filter(|id| keep(id)))
            }
        },
    })
}

/// `ids` in list order (each position looked up once).
fn in_order(order: &Order, ids: impl Iterator<Item = i64>) -> Vec<i64> {
    let mut keyed: Vec<(usize, i64)> = ids.map(|id| (order.pos(id).unwrap_or(usize::MAX), id)).collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, id)| id).collect()
}

/// The part of the list order that filters on the leading sort key (`from`
/// and `to` on `spent_date`, say) can match, found by binary search; `None`
/// when no filter names that key. Exactly the matches (`true`) when every
/// filter names that key and every record has a value there; otherwise a
/// superset the caller still filters.
fn leading_range<'o>(
    ctx: &Ctx<'_>,
    store: &Store,
    r: usize,
    order: &'o Order,
    filters: &[(&FilterPlan, Value)],
) -> Option<(&'o [i64], bool)> {
    let &(key, desc) = ctx.plan.res[r].sort.first()?;
    let field = ctx.plan.spec.resources[r].fields.get(key)?;
    let always_set = !field.nullable && !field.optional && !matches!(field.ty, TypeRef::Object(_) | TypeRef::Array(_));
    let exact = always_set && filters.iter().all(|(f, _)| f.top_ix == Some(key) && f.rest.is_empty());
    let table = &store.tables[r];
    let ids = &order.ids;
    let (mut lo, mut hi, mut used) = (0, ids.len(), false);
    for (f, want) in filters.iter().filter(|(f, _)| f.top_ix == Some(key) && f.rest.is_empty()) {
        // Missing values sort first and never match.
        let ord = |id: &i64| {
            table
                .rows
                .get(id)
                .and_then(|rec| rec.get(key))
                .and_then(Option::as_ref)
                .and_then(|c| ord_cell(c, want))
                .unwrap_or(Ordering::Less)
        };
        // In descending order the values above `want` come first, in ascending order those below.
        let (before, after) =
            if desc { (Ordering::Greater, Ordering::Less) } else { (Ordering::Less, Ordering::Greater) };
        if matches!(f.op, FilterOp::Eq) || (f.op == FilterOp::Gte) != desc {
            lo = lo.max(ids.partition_point(|id| ord(id) == before));
        }
        if matches!(f.op, FilterOp::Eq) || (f.op == FilterOp::Gte) == desc {
            hi = hi.min(ids.partition_point(|id| ord(id) != after));
        }
        used = true;
    }
    used.then(|| ids.get(lo..hi.max(lo))).flatten().map(|slice| (slice, exact))
}

/// Builds every table's list order ahead of the first request.
pub fn warm(plan: &Plan, store: &Store) {
    for r in 0..store.tables.len() {
        order(plan, store, r);
    }
}

/// The table's ids in list order (cached until the next write).
pub fn order(plan: &Plan, store: &Store, r: usize) -> Arc<Order> {
    store.tables[r]
        .order
        .get_or_init(|| {
            Arc::new(Order::new(sorted_ids(plan, store, r, store.tables[r].rows.keys().copied().collect())))
        })
        .clone()
}

fn collect<'v>(v: Option<&'v Value>, rest: &[String], out: &mut Vec<&'v Value>) {
    let Some(v) = v else { return };
    match (v, rest.split_first()) {
        (Value::Array(items), _) => items.iter().for_each(|x| collect(Some(x), rest, out)),
        (_, None) => out.push(v),
        (Value::Object(m), Some((head, tail))) => collect(m.get(head.as_str()), tail, out),
        _ => {}
    }
}

/// [`compare`] for a stored scalar.
fn compare_cell(c: &Cell, want: &Value, op: FilterOp) -> bool {
    match (c, want) {
        (Cell::Json(v), _) => compare(v, want, op),
        (Cell::Null, _) => false,
        _ => holds(op, ord_cell(c, want)),
    }
}

/// How a stored scalar compares with a filter value; a timestamp against a
/// date compares its date part.
fn ord_cell(c: &Cell, want: &Value) -> Option<Ordering> {
    match (c.str_bytes(), want) {
        (Some(a), Value::String(b)) if b.len() == 10 && a.len() > 10 => a.get(..10).map(|p| p.cmp(b.as_bytes())),
        _ => c.cmp_value(want),
    }
}

fn compare(v: &Value, want: &Value, op: FilterOp) -> bool {
    let ord = match (v, want) {
        (Value::Null, _) => return false,
        (Value::String(a), Value::String(b)) if a.len() > b.len() && b.len() == 10 => {
            a.get(..10).map(|p| p.cmp(b.as_str()))
        }
        _ => cmp_json(v, want),
    };
    holds(op, ord)
}

/// Whether an ordering satisfies a filter operator.
fn holds(op: FilterOp, ord: Option<Ordering>) -> bool {
    match (op, ord) {
        (FilterOp::Eq, Some(o)) => o == Ordering::Equal,
        (FilterOp::Gte, Some(o)) => o != Ordering::Less,
        (FilterOp::Lte, Some(o)) => o != Ordering::Greater,
        (_, None) => false,
    }
}

/// Ids in the resource's default order.
pub fn sorted_ids(plan: &Plan, store: &Store, r: usize, mut ids: Vec<i64>) -> Vec<i64> {
    let sort = &plan.res[r].sort;
    let is_id_desc = sort.len() == 1 && Some(sort[0].0) == plan.res[r].id_ix && sort[0].1;
    if is_id_desc {
        ids.sort_unstable_by(|a, b| b.cmp(a));
        return ids;
    }
    let table = &store.tables[r];
    let null = Cell::Null;
    // Look every record up once (no per-record allocation: this runs over whole tables), then sort.
    let mut keyed: Vec<(&[Option<Cell>], i64)> =
        ids.iter().map(|id| (table.rows.get(id).map_or(&[][..], |rec| rec.as_slice()), *id)).collect();
    fn key<'a>(rec: &'a [Option<Cell>], ix: usize, null: &'a Cell) -> &'a Cell {
        rec.get(ix).and_then(Option::as_ref).unwrap_or(null)
    }
    keyed.sort_by(|(ra, a), (rb, b)| {
        for (ix, desc) in sort {
            let o = key(ra, *ix, &null).cmp_cell(key(rb, *ix, &null)).unwrap_or(Ordering::Equal);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        b.cmp(a)
    });
    keyed.into_iter().map(|(_, id)| id).collect()
}
