//! Who may do what: the spec's `access:` rules (an operation's, else its
//! resource's) applied to the roles of the user a request acts as. A user
//! without the roles may still reach the records the rule's `own` field says
//! are theirs; anything else is Harvest's 403.

use harvest_spec::ir::{Access, OpKind, Roles, TypeRef};

use super::{ApiError, ApiResult, Ctx};
use crate::plan::FieldIx;
use crate::store::{Cell, Rec, Store, ref_id};

/// What a request may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every record.
    All,
    /// Only records whose `field` is the acting user `me`.
    Own {
        /// The ref to the user (or the user's own id).
        field: FieldIx,
        /// The acting user.
        me: i64,
    },
}

impl Scope {
    /// Whether `rec` is within reach.
    pub fn admits(&self, rec: &Rec) -> bool {
        match self {
            Scope::All => true,
            Scope::Own { field, me } => ref_id(rec.get(*field)) == Some(*me),
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
fn roles(ctx: &Ctx<'_>, store: &Store, me: i64) -> Vec<String> {
    let plan = ctx.plan;
    let (Some(users), Some(ix)) = (plan.current_user, plan.spec.api.roles) else { return Vec::new() };
    let Some(TypeRef::Array(_)) = plan.spec.resource(users).fields.get(ix).map(|f| &f.ty) else { return Vec::new() };
    match store.get(users, me).and_then(|rec| rec.get(FieldIx(ix))).and_then(Option::as_ref).map(Cell::to_value) {
        Some(serde_json::Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// What the request may reach: everything, the user's own records, or nothing (403).
pub fn scope(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Scope> {
    let Some(access) = rule(ctx) else { return Ok(Scope::All) };
    let write = !matches!(ctx.op.kind, OpKind::List | OpKind::Get | OpKind::Report);
    let wanted = if write { &access.write } else { &access.read };
    let me = ctx.me(store);
    // Reading the user's roles allocates; a rule open to everyone needs none.
    if *wanted == Roles::Everyone || wanted.admits(roles(ctx, store, me).iter().map(String::as_str)) {
        return Ok(Scope::All);
    }
    match access.own {
        Some(ix) => Ok(Scope::Own { field: FieldIx(ix), me }),
        None => Err(ApiError::Forbidden),
    }
}
