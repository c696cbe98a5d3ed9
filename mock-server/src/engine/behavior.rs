//! The seam between the generic engine and an API's own rules: a
//! [`Behavior`] is registered under the name the spec's `behavior:` key uses,
//! declares the fields it reads and writes (checked when the spec loads), and
//! is called by the executors at fixed points. The engine never names one.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use harvest_spec::catalog::{BehaviorNeeds, Catalog, Need};
use harvest_spec::ir::{OperationId, ResourceId};

use super::{ApiResult, Ctx, Output, Rows};
use crate::error::Error;
use crate::plan::Plan;
use crate::store::{Rec, Store};

/// One named rule of the API, called by the executors. Every hook has a
/// no-op default: a behaviour implements the points it cares about. `before_*`
/// hooks only prepare and check the record (a rejected request changes
/// nothing); `after_*` hooks are infallible.
pub trait Behavior: Send + Sync {
    /// Fills and checks a record about to be created by the operation.
    fn before_create(&self, _ctx: &Ctx<'_>, _store: &Store, _rec: &mut Rec, _problems: &mut Vec<String>) {}

    /// Fills and checks a record about to be updated; called for every
    /// behaviour attached to any operation of the record's resource.
    fn before_update(&self, _ctx: &Ctx<'_>, _store: &Store, _rec: &mut Rec, _problems: &mut Vec<String>) {}

    /// Follows up a stored create (`created`) or update of record `id`.
    fn after_write(&self, _ctx: &Ctx<'_>, _store: &mut Store, _id: i64, _created: bool) {}

    /// Follows up a delete of the operation's record.
    fn after_delete(&self, _ctx: &Ctx<'_>, _store: &mut Store) {}

    /// The items of a list the behaviour computes instead of reading a table.
    fn list(&self, _ctx: &Ctx<'_>, _store: &Store) -> Option<ApiResult<Rows>> {
        None
    }

    /// Answers a read-only action, or a report the spec gives no `report:`.
    fn read(&self, _ctx: &Ctx<'_>, _store: &Store) -> Option<ApiResult<Output>> {
        None
    }

    /// Answers an action that changes data.
    fn write(&self, _ctx: &Ctx<'_>, _store: &mut Store) -> Option<ApiResult<Output>> {
        None
    }

    /// Whether records of `r` hold values that follow the clock (a running timer's hours)
    /// and are behind `now`; asked before every request, so it looks at few records.
    fn behind(&self, _plan: &Plan, _r: ResourceId, _store: &Store, _now: DateTime<Utc>) -> bool {
        false
    }

    /// Brings the values of `r` that follow the clock up to `now`.
    fn catch_up(&self, _plan: &Plan, _r: ResourceId, _store: &mut Store, _now: DateTime<Utc>) {}
}

/// One registered behaviour with the fields it needs.
struct Entry {
    needs: Vec<Need>,
    behavior: Arc<dyn Behavior>,
}

/// Behaviours by the names the spec uses.
#[derive(Default)]
pub struct Registry {
    by_name: BTreeMap<String, Entry>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry").field("names", &self.by_name.keys().collect::<Vec<_>>()).finish()
    }
}

impl Registry {
    /// Registers `behavior` under `name`, needing `needs`.
    pub fn register(&mut self, name: &str, needs: Vec<Need>, behavior: Arc<dyn Behavior>) {
        self.by_name.insert(name.to_string(), Entry { needs, behavior });
    }

    /// What the spec loader checks: every name and the fields each needs.
    pub fn catalog(&self) -> Catalog {
        let behaviors =
            self.by_name.iter().map(|(name, e)| BehaviorNeeds { name: name.clone(), needs: e.needs.clone() }).collect();
        Catalog { behaviors }
    }

    /// Binds every operation of a plan to its behaviour.
    pub fn bind(&self, plan: &Plan) -> Result<Bound, Error> {
        let mut per_op = Vec::with_capacity(plan.ops.len());
        for (op, spec_op) in plan.ops.iter().zip(&plan.spec.operations) {
            let bound = match &op.behavior {
                Some(name) => Some(self.by_name.get(name).map(|e| e.behavior.clone()).ok_or_else(|| {
                    Error::Plan(format!("operation {} names behavior {name}, which is not registered", spec_op.id))
                })?),
                None => None,
            };
            per_op.push(bound);
        }
        let mut per_resource: Vec<Vec<Arc<dyn Behavior>>> = vec![Vec::new(); plan.spec.resources.len()];
        let mut seen: Vec<Vec<&str>> = vec![Vec::new(); plan.spec.resources.len()];
        for (op, b) in plan.ops.iter().zip(&per_op) {
            if let (Some(r), Some(name), Some(b)) = (op.resource, op.behavior.as_deref(), b)
                && !seen[r.0].contains(&name)
            {
                seen[r.0].push(name);
                per_resource[r.0].push(b.clone());
            }
        }
        Ok(Bound { per_op, per_resource })
    }
}

/// Every operation's behaviour, and every resource's behaviours, resolved at start-up.
#[derive(Default)]
pub struct Bound {
    per_op: Vec<Option<Arc<dyn Behavior>>>,
    per_resource: Vec<Vec<Arc<dyn Behavior>>>,
}

impl std::fmt::Debug for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bound").field("operations", &self.per_op.len()).finish()
    }
}

impl Bound {
    /// The behaviour of an operation.
    pub fn of_op(&self, op: OperationId) -> Option<&dyn Behavior> {
        self.per_op.get(op.0).and_then(Option::as_deref)
    }

    /// The behaviours attached to any operation of a resource, each once.
    pub fn of_resource(&self, r: ResourceId) -> &[Arc<dyn Behavior>] {
        self.per_resource.get(r.0).map_or(&[], Vec::as_slice)
    }

    /// Whether any record holds a value that follows the clock and is behind `now`.
    pub fn behind(&self, plan: &Plan, store: &Store, now: DateTime<Utc>) -> bool {
        self.per_resource.iter().enumerate().any(|(r, bs)| bs.iter().any(|b| b.behind(plan, ResourceId(r), store, now)))
    }

    /// Brings every value that follows the clock up to `now`.
    pub fn catch_up(&self, plan: &Plan, store: &mut Store, now: DateTime<Utc>) {
        for (r, bs) in self.per_resource.iter().enumerate() {
            for b in bs {
                b.catch_up(plan, ResourceId(r), store, now);
            }
        }
    }
}
