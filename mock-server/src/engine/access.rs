//! Who may do what: the spec's `access:` rules (an operation's, else its
//! resource's) applied to the roles of the user a request acts as. A user
//! without the roles may still reach the records the rule's `own` field says
//! are theirs, and (holding the `managed` roles) the records of what they
//! manage; anything else is Harvest's 403. Every field the rules name was
//! resolved to an index when the spec loaded.

use harvest_spec::ir::{Access, Managers, OpKind, ResourceId, Roles, TypeRef};

use super::{ApiError, ApiResult, Ctx};
use crate::plan::FieldIx;
use crate::store::{Cell, Rec, Store, ref_id};

/// What a request may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every record.
    All,
    /// Only some records: the user's own, those of what they manage, or both.
    Limited {
        /// The ref to the user (or the user's own id) and the acting user.
        own: Option<(FieldIx, i64)>,
        /// The field naming the managed record, and the ids of the records the user
        /// manages (sorted).
        managed: Option<(FieldIx, Vec<i64>)>,
    },
}

impl Scope {
    /// Whether `rec` is within reach.
    pub fn admits(&self, rec: &Rec) -> bool {
        match self {
            Scope::All => true,
            Scope::Limited { own, managed } => {
                own.is_some_and(|(field, me)| ref_id(rec.get(field)) == Some(me))
                    || managed.as_ref().is_some_and(|(field, ids)| {
                        ref_id(rec.get(*field)).is_some_and(|id| ids.binary_search(&id).is_ok())
                    })
            }
        }
    }
}

/// The rule that governs the request's operation, if any.
fn rule<'p>(ctx: &Ctx<'p>) -> Option<&'p Access> {
    let spec = &ctx.plan.spec;
    let op = spec.operation(ctx.op.id);
    if op.selects_current_user {
        return None;
    }
    op.access.as_ref().or_else(|| op.resource.and_then(|r| spec.resource(r).access.as_ref()))
}

/// The roles user `me` holds.
pub fn roles(ctx: &Ctx<'_>, store: &Store, me: i64) -> Vec<String> {
    let plan = ctx.plan;
    let (Some(users), Some(ix)) = (plan.current_user, plan.spec.api.roles) else { return Vec::new() };
    let Some(TypeRef::Array(_)) = plan.spec.resource(users).fields.get(ix).map(|f| &f.ty) else { return Vec::new() };
    match store.get(users, me).and_then(|rec| rec.get(FieldIx(ix))).and_then(Option::as_ref).map(Cell::to_value) {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// The ids of the records user `me` manages under `by`, sorted.
fn managed_ids(store: &Store, by: &Managers, me: i64) -> Vec<i64> {
    let link = by.through;
    let mut ids: Vec<i64> = store
        .referring(link, FieldIx(by.user), me)
        .into_iter()
        .filter_map(|a| store.get(link, a))
        .filter(|rec| rec.get(FieldIx(by.flag)).and_then(Option::as_ref).and_then(Cell::as_bool) == Some(true))
        .filter_map(|rec| ref_id(rec.get(FieldIx(by.target))))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What `access` lets user `me` (holding `held`) reach, for reading or writing; `None` is
/// nothing at all.
fn reach(access: &Access, write: bool, store: &Store, me: i64, held: &[String]) -> Option<Scope> {
    let wanted = if write { &access.write } else { &access.read };
    let holds = |roles: &Roles| roles.admits(held.iter().map(String::as_str));
    if holds(wanted) {
        return Some(Scope::All);
    }
    let own = access.own.map(|ix| (FieldIx(ix), me));
    let managed = access
        .managed
        .as_ref()
        .filter(|m| holds(if write { &m.write } else { &m.read }))
        .map(|m| (FieldIx(m.via), managed_ids(store, &m.by, me)));
    (own.is_some() || managed.is_some()).then_some(Scope::Limited { own, managed })
}

/// What the request may reach: everything, some records, or nothing (403).
pub fn scope(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Scope> {
    let Some(access) = rule(ctx) else { return Ok(Scope::All) };
    let write = !matches!(ctx.op.kind, OpKind::List | OpKind::Get | OpKind::Report);
    // Reading the user's roles allocates; a rule open to everyone needs none.
    if *(if write { &access.write } else { &access.read }) == Roles::Everyone {
        return Ok(Scope::All);
    }
    let me = ctx.me(store);
    reach(access, write, store, me, &roles(ctx, store, me)).ok_or(ApiError::Forbidden)
}

/// Which records of `r` the acting user may read under `r`'s own rule: what a report
/// computed from them counts. `None` when they may read none.
pub fn readable(ctx: &Ctx<'_>, store: &Store, r: ResourceId, held: &[String]) -> Option<Scope> {
    match ctx.plan.spec.resource(r).access.as_ref() {
        None => Some(Scope::All),
        Some(access) => reach(access, false, store, ctx.me(store), held),
    }
}

/// [`scope`], and for an operation on one record (an action, say) that record within
/// reach: what every executor starts with.
pub fn guard(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Scope> {
    let scope = scope(ctx, store)?;
    if scope != Scope::All
        && let (Some(r), Some(id)) = (ctx.op.resource, ctx.op.self_param.and_then(|p| ctx.params.get(p)))
        && store.get(r, *id).is_some_and(|rec| !scope.admits(rec))
    {
        return Err(ApiError::Forbidden);
    }
    Ok(scope)
}
