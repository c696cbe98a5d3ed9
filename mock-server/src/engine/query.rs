//! Query planning: the operation's filters parsed from the query string, and
//! the ids they select, answered from indexes and the list order where they can be.

use std::cmp::Ordering;

use harvest_spec::ir::{FilterOp, ResourceId, TypeRef};
use serde_json::Value;

use super::{ApiError, ApiResult, Ctx};
use crate::plan::{FilterPlan, humanize};
use crate::store::{Cell, Order, Store, cmp_json};
use crate::values::{Bad, coerce};

/// Filters with their parsed values.
pub type Filters<'a> = Vec<(&'a FilterPlan, Value)>;

/// Parses the operation's filters from the query; bad values are a 422.
pub fn parsed_filters<'a>(ctx: &'a Ctx<'_>) -> ApiResult<Filters<'a>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for f in &ctx.op.filters {
        // An empty value is the same as none; a repeated parameter counts its last value,
        // and every value must be valid (TESTING.md, "What the OpenAPI document and the
        // mock agree on").
        let mut last = None;
        let mut bad = None;
        for (_, raw) in ctx.query.iter().filter(|(k, v)| *k == f.name && !v.is_empty()) {
            match coerce(ctx.plan, &f.ty, &Value::String(raw.clone())) {
                Ok(v) => last = Some(v),
                Err(e) => bad = Some(e),
            }
        }
        match (bad, last) {
            (Some(Bad::Date), _) => problems.push(format!("{} is not a valid date", humanize(&f.name))),
            (Some(Bad::Invalid), _) => problems.push(format!("{} is invalid", humanize(&f.name))),
            (None, Some(v)) => out.push((f, v)),
            (None, None) if f.required => problems.push(format!("{} can't be blank", humanize(&f.name))),
            (None, None) => {}
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(ApiError::problems(&problems)) }
}

/// Ids of the records of `r` selected by the path parents and filters, in list order.
pub fn filter_ids(ctx: &Ctx<'_>, store: &Store, r: ResourceId, filters: Filters<'_>) -> ApiResult<Vec<i64>> {
    let mut scope: Option<Vec<i64>> = None;
    for pp in &ctx.op.parents {
        let pid = ctx.params.get(pp.param).copied().ok_or(ApiError::NotFound)?;
        store.get(pp.target, pid).ok_or(ApiError::NotFound)?;
        scope = Some(store.referring(r, pp.field_ix, pid));
    }
    let mut filters: Vec<_> = filters.into_iter().filter(|(f, _)| f.top_ix.is_some()).collect();
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
    let order = store.order(ctx.plan, r);
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
    r: ResourceId,
    order: &'o Order,
    filters: &[(&FilterPlan, Value)],
) -> Option<(&'o [i64], bool)> {
    let &(key, desc) = ctx.plan.res[r].sort.first()?;
    let field = ctx.plan.spec.resource(r).fields.get(key.0)?;
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

/// How a stored scalar compares with a filter value.
fn ord_cell(c: &Cell, want: &Value) -> Option<Ordering> {
    match (c.str_bytes(), want) {
        (Some(a), Value::String(b)) => date_prefix_cmp(a, b.as_bytes()),
        _ => c.cmp_value(want),
    }
}

/// How a JSON value inside a nested cell compares with a filter value.
fn compare(v: &Value, want: &Value, op: FilterOp) -> bool {
    let ord = match (v, want) {
        (Value::Null, _) => return false,
        (Value::String(a), Value::String(b)) => date_prefix_cmp(a.as_bytes(), b.as_bytes()),
        _ => cmp_json(v, want),
    };
    holds(op, ord)
}

/// Strings compare as bytes, except that a timestamp compared with a date
/// (`YYYY-MM-DD`) compares its date part.
fn date_prefix_cmp(a: &[u8], b: &[u8]) -> Option<Ordering> {
    if b.len() == 10 && a.len() > 10 { a.get(..10).map(|p| p.cmp(b)) } else { Some(a.cmp(b)) }
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
