//! Generic create: validate, fill defaults, resolve refs, run the behaviour,
//! answer 201 with a `Location`.

use axum::response::Response;
use harvest_spec::ir::{ParamBinding, PathSegment, RefSource};

use super::{Ctx, json, with_location};
use crate::errors::{ApiError, ApiResult};
use crate::plan::Plan;
use crate::store::{Cell, Rec, Store, ref_id};
use crate::values::now;

pub fn create(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Response> {
    let plan = ctx.plan;
    let r = ctx.res()?;
    let res = &plan.spec.resources[r];
    for pp in &ctx.op.parents {
        let pid = ctx.params.get(pp.param).copied().ok_or(ApiError::NotFound)?;
        store.get(pp.target.0, pid).ok_or(ApiError::NotFound)?;
    }
    let mut rec: Rec = vec![None; res.fields.len()];
    let mut problems = crate::validate::apply_body(ctx, store, r, &mut rec, true);
    for pp in &ctx.op.parents {
        rec[pp.field_ix] = ctx.params.get(pp.param).map(|p| Cell::Int(*p));
    }
    crate::behaviors::hooks::before_create(ctx, store, r, &mut rec, &mut problems);
    problems.extend(duplicates(plan, store, r, &rec));
    if !problems.is_empty() {
        return Err(ApiError::problems(&problems));
    }
    let stamp = now();
    for (ix, f) in res.fields.iter().enumerate() {
        if rec[ix].is_some() || f.name == "id" {
            continue;
        }
        rec[ix] = Some(match f.name.as_str() {
            "created_at" | "updated_at" => Cell::from(stamp.as_str()),
            _ if f.default.is_some() => f.default.as_ref().map_or(Cell::Null, Cell::from),
            _ if f.nullable => Cell::Null,
            _ if f.optional => continue,
            _ => Cell::from(crate::validate::zero(plan, store, &f.ty, f.fake)),
        });
    }
    let unresolved = relink(plan, store, r, &mut rec);
    if !unresolved.is_empty() {
        return Err(ApiError::problems(&unresolved));
    }
    let id = if res.singleton { 1 } else { store.alloc(r) };
    if let Some(ix) = plan.res[r].id_ix {
        rec[ix] = Some(Cell::Int(id));
    }
    store.put(plan, r, id, rec);
    crate::behaviors::hooks::after_write(ctx, store, r, id, true);
    let rec = store.get(r, id).ok_or(ApiError::NotFound)?;
    let body = crate::render::RecordView { plan, store, r, rec };
    let loc = location(ctx, store, r, id);
    Ok(with_location(json(ctx.op.status, &body), &loc))
}

/// Records that `match` refs must find uniquely (one user assignment per
/// project and user): a second one is "User has already been taken".
fn duplicates(plan: &Plan, store: &Store, r: usize, rec: &Rec) -> Vec<String> {
    let mut out = Vec::new();
    for key in &plan.res[r].unique_keys {
        let vals: Option<Vec<i64>> = key.iter().map(|ix| ref_id(rec.get(*ix))).collect();
        let (Some(vals), Some(&first)) = (vals, key.first()) else { continue };
        let taken = store.referring(r, first, vals[0]).into_iter().any(|other| {
            store.get(r, other).is_some_and(|o| key.iter().zip(&vals).all(|(ix, v)| ref_id(o.get(*ix)) == Some(*v)))
        });
        if taken && let Some(last) = key.last() {
            out.push(format!(
                "{} has already been taken",
                crate::plan::humanize(&plan.spec.resources[r].fields[*last].name)
            ));
        }
    }
    out
}

/// Recomputes `derive` and `match` refs from the record's other refs; returns a problem
/// (`User assignment must exist`) for each one the spec says is never null that finds nothing,
/// so a record never breaks its own schema (a time entry needs its user's assignment).
pub fn relink(plan: &Plan, store: &Store, r: usize, rec: &mut Rec) -> Vec<String> {
    let info = &plan.res[r];
    let fields = &plan.spec.resources[r].fields;
    for rf in &info.refs {
        match &rf.source {
            RefSource::Derive { through, field } => {
                let v = info.ix(through).and_then(|tix| {
                    let tid = ref_id(rec.get(tix))?;
                    let tr = info.ref_at(tix)?.target.0;
                    store.field(plan, tr, tid, field).cloned()
                });
                rec[rf.ix] = Some(v.unwrap_or(Cell::Null));
            }
            RefSource::Match(pairs) => {
                let t = rf.target.0;
                let mut found: Option<Vec<i64>> = None;
                for (tf, of) in pairs {
                    let (Some(tix), Some(oix)) = (plan.res[t].ix(tf), info.ix(of)) else { continue };
                    let Some(v) = ref_id(rec.get(oix)) else {
                        found = Some(Vec::new());
                        continue;
                    };
                    let ids = store.referring(t, tix, v);
                    found = Some(match found {
                        Some(f) => f.into_iter().filter(|x| ids.contains(x)).collect(),
                        None => ids,
                    });
                }
                let v = found.and_then(|f| f.first().copied()).map_or(Cell::Null, Cell::Int);
                rec[rf.ix] = Some(v);
            }
            _ => {}
        }
    }
    info.refs
        .iter()
        .filter(|rf| matches!(rf.source, RefSource::Derive { .. } | RefSource::Match(_)))
        .filter(|rf| rec.get(rf.ix).is_some_and(|v| v.as_ref().is_none_or(Cell::is_null)))
        .filter_map(|rf| fields.get(rf.ix).filter(|f| !f.nullable && !f.optional))
        .map(|f| format!("{} must exist", crate::plan::humanize(&f.name)))
        .collect()
}

/// After record `id` of `r` changed, records whose `derive` refs go through it follow
/// (a time entry's client is its project's client, also after the project moves).
pub fn relink_dependants(plan: &Plan, store: &mut Store, r: usize, id: i64) {
    for (dr, info) in plan.res.iter().enumerate() {
        for rf in &info.refs {
            let RefSource::Derive { through, .. } = &rf.source else { continue };
            let Some(tix) = info.ix(through).filter(|tix| info.ref_at(*tix).is_some_and(|t| t.target.0 == r)) else {
                continue;
            };
            for did in store.referring(dr, tix, id) {
                let Some(mut rec) = store.get(dr, did).cloned() else { continue };
                relink(plan, store, dr, &mut rec);
                store.put(plan, dr, did, rec);
            }
        }
    }
}

/// `http://host/api/v2/<path of the record's get operation>`.
fn location(ctx: &Ctx<'_>, store: &Store, r: usize, id: i64) -> String {
    let plan = ctx.plan;
    let prefix =
        plan.spec.api.path_prefixes.iter().find(|p| p.starts_with("/api")).or(plan.spec.api.path_prefixes.first());
    let prefix = prefix.map(String::as_str).unwrap_or("");
    let get_op = plan.spec.resources[r].operations.iter().map(|o| plan.spec.operation(*o)).find(|o| {
        o.kind == harvest_spec::ir::OpKind::Get && o.path_params.iter().any(|p| p.binding == ParamBinding::SelfId)
    });
    let path = match get_op {
        Some(op) => op
            .path
            .segments
            .iter()
            .map(|s| match s {
                PathSegment::Literal(l) => l.clone(),
                PathSegment::Param(i) => match op.path_params.get(*i).map(|p| &p.binding) {
                    Some(ParamBinding::SelfId) => id.to_string(),
                    Some(ParamBinding::Parent(f)) => {
                        store.ref_of(plan, r, id, f).map(|x| x.to_string()).unwrap_or_default()
                    }
                    None => String::new(),
                },
            })
            .collect::<Vec<_>>()
            .join("/"),
        // No get operation (messages, payments): the collection it was created in.
        None => {
            let op = plan.spec.operations.iter().zip(&plan.ops).find(|(_, p)| std::ptr::eq(*p, ctx.op)).map(|(o, _)| o);
            let base: Vec<String> = op
                .map(|o| {
                    o.path
                        .segments
                        .iter()
                        .map(|s| match s {
                            PathSegment::Literal(l) => l.clone(),
                            PathSegment::Param(i) => ctx.params.get(*i).map(|v| v.to_string()).unwrap_or_default(),
                        })
                        .collect()
                })
                .unwrap_or_else(|| vec![plan.spec.resources[r].plural.clone()]);
            format!("{}/{id}", base.join("/"))
        }
    };
    format!("{}{prefix}/{path}", ctx.origin)
}
