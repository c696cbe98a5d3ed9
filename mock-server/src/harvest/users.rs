//! Users: project assignments (their own or another user's) and teammates.

use harvest_spec::ir::{ResourceId, Response as Shape, Schema, TypeRef};
use serde_json::{Map, Value, json};

use super::{item_schema, resource_named};
use crate::engine::{ApiError, ApiResult, Behavior, Ctx, Output, Rows};
use crate::render;
use crate::store::{Cell, Store};
use crate::values::parse_datetime;

/// The users resource and the user the path (or the token) names.
fn user(ctx: &Ctx<'_>, store: &Store, me: bool) -> ApiResult<(ResourceId, i64)> {
    let u = ctx.plan.current_user.ok_or(ApiError::NotFound)?;
    let user = if me { ctx.me(store) } else { ctx.self_id()? };
    store.get(u, user).ok_or(ApiError::NotFound)?;
    Ok((u, user))
}

/// `user_project_assignments` (`me: false`) and `current_user_project_assignments`
/// (`me: true`): a user's active assignments with their project's task assignments.
pub struct ProjectAssignments {
    /// Whether the token's own user is meant.
    pub me: bool,
}

impl Behavior for ProjectAssignments {
    fn list(&self, ctx: &Ctx<'_>, store: &Store) -> Option<ApiResult<Rows>> {
        Some(assignments(ctx, store, self.me))
    }
}

fn assignments(ctx: &Ctx<'_>, store: &Store, me: bool) -> ApiResult<Rows> {
    let plan = ctx.plan;
    let (_, user) = user(ctx, store, me)?;
    let schema = item_schema(ctx).ok_or(ApiError::NotFound)?;
    let ua = resource_named(plan, "user_assignment").ok_or(ApiError::NotFound)?;
    let user_ix = plan.res[ua].ix("user").ok_or(ApiError::NotFound)?;
    let mut ids: Vec<i64> = store
        .referring(ua, user_ix, user)
        .into_iter()
        .filter(|id| store.field(plan, ua, *id, "is_active") != Some(&Cell::Bool(false)))
        .collect();
    if let Some(since) = ctx.q("updated_since").and_then(parse_datetime) {
        let since = crate::values::fmt_datetime(since);
        ids.retain(|id| {
            store.field(plan, ua, *id, "updated_at").and_then(Cell::as_str).is_some_and(|u| u >= since.as_str())
        });
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    let items = ids.iter().map(|id| copy_fields(ctx, store, schema, ua, *id)).collect();
    Ok(Rows { ids, items })
}

/// `teammates_list`: a manager's teammates.
pub struct TeammatesList;

impl Behavior for TeammatesList {
    fn list(&self, ctx: &Ctx<'_>, store: &Store) -> Option<ApiResult<Rows>> {
        Some((|| {
            let (u, user) = user(ctx, store, false)?;
            let schema = item_schema(ctx).ok_or(ApiError::NotFound)?;
            let ids = store.teammates.get(&user).cloned().unwrap_or_default();
            let items = ids.iter().map(|id| copy_fields(ctx, store, schema, u, *id)).collect();
            Ok(Rows { ids, items })
        })())
    }
}

/// `teammates_update`: replaces a manager's teammates.
pub struct TeammatesUpdate;

impl Behavior for TeammatesUpdate {
    fn write(&self, ctx: &Ctx<'_>, store: &mut Store) -> Option<ApiResult<Output>> {
        Some(update_teammates(ctx, store))
    }
}

fn update_teammates(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Output> {
    let (u, user) = user(ctx, store, false)?;
    let ids = match ctx.body.get("teammate_ids") {
        Some(Value::Array(a)) => {
            a.iter().map(|v| crate::values::num(Some(v)).map(|x| x as i64)).collect::<Option<Vec<_>>>()
        }
        Some(Value::String(s)) if s.is_empty() => Some(Vec::new()),
        _ => None,
    };
    let Some(mut ids) = ids else { return Err(ApiError::Unprocessable("Teammate ids can't be blank".into())) };
    if ids.iter().any(|id| store.get(u, *id).is_none() || *id == user) {
        return Err(ApiError::Unprocessable("Teammate ids is invalid".into()));
    }
    ids.sort_unstable();
    ids.dedup();
    store.teammates.insert(user, ids.clone());
    let schema = item_schema(ctx).ok_or(ApiError::NotFound)?;
    let items: Vec<Value> = ids.iter().map(|id| copy_fields(ctx, store, schema, u, *id)).collect();
    let key = match &ctx.op.response {
        Shape::BareList { key, .. } => key.clone(),
        _ => "teammates".into(),
    };
    Ok(Output::doc(&json!({ key: items })))
}

/// Renders record `id` of `r` as the value type `schema`: same-named fields
/// copied, derived refs followed, arrays of a resource's plural filled from
/// the records that share the project.
fn copy_fields(ctx: &Ctx<'_>, store: &Store, schema: Schema, r: ResourceId, id: i64) -> Value {
    render::object(ctx.plan, store, schema, &raw_fields(ctx, store, schema, r, id), 0)
}

/// The stored (unrendered) form of [`copy_fields`].
fn raw_fields(ctx: &Ctx<'_>, store: &Store, schema: Schema, r: ResourceId, id: i64) -> Value {
    let plan = ctx.plan;
    let mut m = Map::new();
    for f in plan.spec.fields_of(schema) {
        let v = match &f.ty {
            TypeRef::Ref(rt) => match &rt.source {
                harvest_spec::ir::RefSource::Derive { through, field } => store
                    .ref_of(plan, r, id, through)
                    .and_then(|t| {
                        let tr = plan.res[r].ix(through).and_then(|ix| plan.res[r].ref_at(ix))?.target;
                        store.field(plan, tr, t, field).map(Cell::to_value)
                    })
                    .unwrap_or(Value::Null),
                _ => store.field(plan, r, id, &f.name).map_or(Value::Null, Cell::to_value),
            },
            TypeRef::Array(inner) => {
                match (inner.as_ref(), plan.spec.resources.iter().position(|x| x.plural == f.name).map(ResourceId)) {
                    (TypeRef::Object(t), Some(tr)) => {
                        let project = store.ref_of(plan, r, id, "project");
                        let pix = plan.res[tr].ix("project");
                        let mut kids = match (project, pix) {
                            (Some(p), Some(ix)) => store.referring(tr, ix, p),
                            _ => Vec::new(),
                        };
                        kids.sort_unstable();
                        Value::Array(kids.iter().map(|k| raw_fields(ctx, store, Schema::Type(*t), tr, *k)).collect())
                    }
                    _ => store.field(plan, r, id, &f.name).map_or(Value::Array(Vec::new()), Cell::to_value),
                }
            }
            _ => store.field(plan, r, id, &f.name).map_or(Value::Null, Cell::to_value),
        };
        m.insert(f.name.clone(), v);
    }
    Value::Object(m)
}
