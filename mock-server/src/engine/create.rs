//! The create executor: validate, fill defaults, resolve refs, run the
//! behaviour, answer with the record and where it can be read.

use harvest_spec::ir::{FieldRole, PathSegment, ResourceId};

use super::{ApiError, ApiResult, Ctx, Output, compute, relations, validate};
use crate::plan::FieldIx;
use crate::store::{Cell, Rec, Store, ref_id};

/// Answers a create operation.
pub fn create(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Output> {
    let plan = ctx.plan;
    let r = ctx.res()?;
    let res = &plan.spec.resource(r);
    for pp in &ctx.op.parents {
        let pid = ctx.params.get(pp.param).copied().ok_or(ApiError::NotFound)?;
        store.get(pp.target, pid).ok_or(ApiError::NotFound)?;
    }
    let mut rec = Rec::absent(res.fields.len());
    let mut problems = validate::apply_body(ctx, store, r, &mut rec, true);
    for pp in &ctx.op.parents {
        rec[pp.field_ix] = ctx.params.get(pp.param).map(|p| Cell::Int(*p));
    }
    if let Some(b) = ctx.behavior() {
        b.before_create(ctx, store, &mut rec, &mut problems);
    }
    let stamp = ctx.stamp();
    let id_ix = plan.res[r].id_ix;
    for (ix, f) in res.fields.iter().enumerate() {
        if rec[FieldIx(ix)].is_some() || Some(FieldIx(ix)) == id_ix {
            continue;
        }
        rec[FieldIx(ix)] = Some(match f.role {
            Some(FieldRole::CreatedAt | FieldRole::UpdatedAt) => Cell::from(stamp.as_str()),
            _ if f.default.is_some() => f.default.as_ref().map_or(Cell::Null, Cell::from),
            _ if f.nullable => Cell::Null,
            _ if f.optional => continue,
            _ => Cell::from(validate::zero(ctx, store, &f.ty, f.fake)),
        });
    }
    // Who may write comes before what is wrong with the record, as in Harvest.
    if !super::access::scope(ctx, store)?.admits(&rec) {
        return Err(ApiError::Forbidden);
    }
    problems.extend(relations::duplicates(plan, store, r, &rec));
    if !problems.is_empty() {
        return Err(ApiError::problems(&problems));
    }
    let unresolved = relations::relink(plan, store, r, &mut rec);
    if !unresolved.is_empty() {
        return Err(ApiError::problems(&unresolved));
    }
    compute::apply(plan, store, r, &mut rec);
    let id = if res.singleton { 1 } else { store.alloc(r) };
    if let Some(ix) = id_ix {
        rec[ix] = Some(Cell::Int(id));
    }
    store.put(plan, r, id, rec);
    compute::stored(plan, store, r, id, None);
    if let Some(b) = ctx.behavior() {
        b.after_write(ctx, store, id, true);
    }
    let rec = store.get(r, id).ok_or(ApiError::NotFound)?;
    let body = super::to_bytes(&crate::render::RecordView { plan, store, r, rec }, 1024);
    Ok(Output::Created { body, location: location(ctx, store, r, id) })
}

/// The path of the new record below the API prefix: its get operation's path,
/// or (no get operation: messages, payments) the collection it was created in.
fn location(ctx: &Ctx<'_>, store: &Store, r: ResourceId, id: i64) -> String {
    let plan = ctx.plan;
    let segments: Vec<String> = match plan.res[r].get_op {
        Some(o) => {
            let get = &plan.ops[o.0];
            plan.spec
                .operation(o)
                .path
                .segments
                .iter()
                .map(|s| match s {
                    PathSegment::Literal(l) => l.clone(),
                    PathSegment::Param(i) if get.self_param == Some(*i) => id.to_string(),
                    PathSegment::Param(i) => get
                        .parents
                        .iter()
                        .find(|pp| pp.param == *i)
                        .and_then(|pp| store.get(r, id).and_then(|rec| ref_id(rec.get(pp.field_ix))))
                        .map(|x| x.to_string())
                        .unwrap_or_default(),
                })
                .collect()
        }
        None => {
            let op = plan.spec.operation(ctx.op.id);
            let mut base: Vec<String> = op
                .path
                .segments
                .iter()
                .map(|s| match s {
                    PathSegment::Literal(l) => l.clone(),
                    PathSegment::Param(i) => ctx.params.get(*i).map(|v| v.to_string()).unwrap_or_default(),
                })
                .collect();
            base.push(id.to_string());
            base
        }
    };
    format!("/{}", segments.join("/"))
}
