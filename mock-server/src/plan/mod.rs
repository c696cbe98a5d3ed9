//! Everything decided once at start-up from the spec: per-resource field
//! indexes, per-operation plans and the route table.

mod embeds;
mod ops;
mod per_resource;
mod report;
mod routes;

use std::collections::HashMap;

use harvest_spec::Spec;
use harvest_spec::ir::{
    Compute, FakeHint, FieldRole, ID_FIELD, OpKind, OperationId, ParamBinding, RefSource, ResourceId, TypeRef,
};

pub use embeds::{EmbedPlan, EmbedSrc};
pub use ops::{BodyPlan, FilterPlan, OpPlan, humanize};
pub use per_resource::PerResource;
pub use report::Column as ReportColumn;
pub use routes::RouteTable;

use crate::error::Error;

/// The position of a field in its resource's (or type's) fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldIx(pub usize);

/// A ref field of a resource, precomputed.
#[derive(Debug, Clone)]
pub struct RefField {
    /// Position in the record.
    pub ix: FieldIx,
    /// The resource pointed at.
    pub target: ResourceId,
    /// How it is set.
    pub source: RefSource,
}

/// Field positions and relations of one resource.
#[derive(Debug, Clone)]
pub struct ResInfo {
    /// Field wire name → position in a record.
    pub index_of: HashMap<String, FieldIx>,
    /// Position of `id`.
    pub id_ix: Option<FieldIx>,
    /// Top-level ref fields (each indexed by the store).
    pub refs: Vec<RefField>,
    /// Sort keys: (position, descending).
    pub sort: Vec<(FieldIx, bool)>,
    /// Field sets that must be unique together (targets of `match` refs).
    pub unique_keys: Vec<Vec<FieldIx>>,
    /// Dependency order position used for seeding.
    pub seed_rank: usize,
    /// Boolean fields a search or a list filter can name, kept indexed by the store.
    pub bools: Vec<FieldIx>,
    /// The get operation that reads one record by its id (where a new record can be read).
    pub get_op: Option<OperationId>,
    /// The tables its rendered records read: itself and every resource its refs embed.
    pub render_deps: Vec<ResourceId>,
    /// Positions of the fields the server computes (`compute:`).
    pub computed: Vec<FieldIx>,
    /// Records whose `remaining` fields this resource's records are shares of:
    /// the parent resource and this resource's ref field to it.
    pub shares_of: Vec<(ResourceId, FieldIx)>,
    /// Positions of the fields with a role: created at, updated at, recorded on.
    roles: [Option<FieldIx>; 3],
}

impl ResInfo {
    /// Position of a field.
    pub fn ix(&self, name: &str) -> Option<FieldIx> {
        self.index_of.get(name).copied()
    }

    /// Positions of the fields the store indexes: refs, then booleans.
    pub fn indexed(&self) -> impl Iterator<Item = FieldIx> + '_ {
        self.refs.iter().map(|r| r.ix).chain(self.bools.iter().copied())
    }

    /// The position of the field with a role (`role: updated_at`).
    pub fn role(&self, role: FieldRole) -> Option<FieldIx> {
        self.roles[role_slot(role)]
    }

    /// The ref field at a position.
    pub fn ref_at(&self, ix: FieldIx) -> Option<&RefField> {
        self.refs.iter().find(|r| r.ix == ix)
    }
}

/// The interpreted spec.
#[derive(Debug)]
pub struct Plan {
    /// The spec itself.
    pub spec: Spec,
    /// One entry per resource.
    pub res: PerResource<ResInfo>,
    /// One entry per operation.
    pub ops: Vec<OpPlan>,
    /// Routes per prefix.
    pub routes: RouteTable,
    /// Resources in seeding (dependency) order.
    pub seed_order: Vec<ResourceId>,
    /// Per spec type: where its fields come from when it embeds a ref's target.
    pub embeds: Vec<Option<EmbedPlan>>,
    /// The resource whose record a token acts as.
    pub current_user: Option<ResourceId>,
    /// The account's currency: the singleton resource and its currency-code field.
    pub account_currency: Option<(ResourceId, FieldIx)>,
    /// Prefix of the absolute URLs the API hands out (`Location`).
    pub location_prefix: String,
}

impl Plan {
    /// The plan of the embedded Harvest spec, for unit tests.
    #[cfg(test)]
    pub fn harvest() -> Plan {
        let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
        Plan::build(spec).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Builds the plan of a spec.
    pub fn build(spec: Spec) -> Result<Plan, Error> {
        let mut res = Vec::with_capacity(spec.resources.len());
        for r in &spec.resources {
            let index_of: HashMap<String, FieldIx> =
                r.fields.iter().enumerate().map(|(i, f)| (f.name.clone(), FieldIx(i))).collect();
            let refs = r
                .fields
                .iter()
                .enumerate()
                .filter_map(|(ix, f)| match &f.ty {
                    TypeRef::Ref(rt) => {
                        Some(RefField { ix: FieldIx(ix), target: rt.target, source: rt.source.clone() })
                    }
                    _ => None,
                })
                .collect();
            let mut sort = Vec::new();
            for k in &r.sort {
                let ix = index_of
                    .get(&k.field)
                    .copied()
                    .ok_or_else(|| Error::Plan(format!("sort field {} of {} is not a field", k.field, r.name)))?;
                sort.push((ix, k.descending));
            }
            if let Some(id) = index_of.get(ID_FIELD)
                && !sort.iter().any(|(i, _)| i == id)
            {
                sort.push((*id, true));
            }
            let id_ix = index_of.get(ID_FIELD).copied();
            let filtered = |name: &str| {
                r.search.as_ref().is_some_and(|s| s.fields.iter().any(|f| f == name))
                    || r.operations
                        .iter()
                        .filter_map(|o| spec.operations.get(o.0))
                        .any(|op| op.query.iter().any(|q| q.filter.as_ref().is_some_and(|f| f.field == name)))
            };
            let bools = r
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| f.ty == TypeRef::Boolean && filtered(&f.name))
                .map(|(ix, _)| FieldIx(ix))
                .collect();
            let get_op = r.operations.iter().copied().find(|o| {
                let op = spec.operation(*o);
                op.kind == OpKind::Get && op.path_params.iter().any(|p| p.binding == ParamBinding::SelfId)
            });
            res.push(ResInfo {
                index_of,
                id_ix,
                refs,
                sort,
                unique_keys: Vec::new(),
                seed_rank: 0,
                bools,
                get_op,
                render_deps: Vec::new(),
                computed: r
                    .fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| f.compute.is_some())
                    .map(|(ix, _)| FieldIx(ix))
                    .collect(),
                shares_of: Vec::new(),
                roles: [FieldRole::CreatedAt, FieldRole::UpdatedAt, FieldRole::RecordedOn]
                    .map(|role| r.field_with_role(role).map(FieldIx)),
            });
        }
        // Unique keys: every `match` ref names the target fields that identify one record.
        for r in &spec.resources {
            for f in &r.fields {
                if let TypeRef::Ref(rt) = &f.ty
                    && let RefSource::Match(pairs) = &rt.source
                {
                    let info = &res[rt.target.0];
                    let key: Option<Vec<FieldIx>> = pairs.iter().map(|(t, _)| info.ix(t)).collect();
                    if let Some(key) = key
                        && !res[rt.target.0].unique_keys.contains(&key)
                    {
                        res[rt.target.0].unique_keys.push(key);
                    }
                }
            }
        }
        for (p, r) in spec.resources.iter().enumerate() {
            for f in &r.fields {
                if let Some(Compute::Remaining { less, .. }) = &f.compute {
                    let feed = (ResourceId(p), FieldIx(less.via));
                    if !res[less.resource.0].shares_of.contains(&feed) {
                        res[less.resource.0].shares_of.push(feed);
                    }
                }
            }
        }
        let seed_order = seed_order(&spec);
        for (rank, id) in seed_order.iter().enumerate() {
            res[id.0].seed_rank = rank;
        }
        let mut ops = Vec::with_capacity(spec.operations.len());
        for (i, op) in spec.operations.iter().enumerate() {
            ops.push(ops::plan_op(&spec, &res, OperationId(i), op)?);
        }
        let routes = RouteTable::build(&spec);
        let embeds = embeds::plan(&spec, &res);
        for (info, deps) in res.iter_mut().zip(embeds::render_deps(&spec)) {
            info.render_deps = deps;
        }
        let res = PerResource::new(res);
        let current_user = spec.api.current_user;
        let account_currency = spec.resources.iter().position(|r| r.singleton).and_then(|c| {
            let ix = spec.resources[c].fields.iter().position(|f| f.fake == Some(FakeHint::CurrencyCode))?;
            Some((ResourceId(c), FieldIx(ix)))
        });
        let location_prefix = location_prefix(&spec);
        Ok(Plan { spec, res, ops, routes, seed_order, embeds, current_user, account_currency, location_prefix })
    }
}

/// Where [`ResInfo::role`] keeps a role.
fn role_slot(role: FieldRole) -> usize {
    match role {
        FieldRole::CreatedAt => 0,
        FieldRole::UpdatedAt => 1,
        FieldRole::RecordedOn => 2,
    }
}

/// The spec's `location_prefix` (the prefix the real service writes into
/// `Location`), else the first prefix served.
fn location_prefix(spec: &Spec) -> String {
    spec.api.location_prefix.clone().or_else(|| spec.api.path_prefixes.first().cloned()).unwrap_or_default()
}

/// Resources ordered so that every ref target comes before its holders
/// (cycles are broken at the first nullable ref found).
fn seed_order(spec: &Spec) -> Vec<ResourceId> {
    fn deps(spec: &Spec, r: usize) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        for f in &spec.resources[r].fields {
            collect_refs(spec, &f.ty, f.nullable, &mut out, 0);
        }
        out
    }
    fn collect_refs(spec: &Spec, ty: &TypeRef, nullable: bool, out: &mut Vec<(usize, bool)>, depth: u32) {
        if depth > 4 {
            return;
        }
        match ty {
            TypeRef::Ref(rt) => out.push((rt.target.0, nullable)),
            TypeRef::Array(inner) => collect_refs(spec, inner, nullable, out, depth + 1),
            TypeRef::Object(t) => {
                for f in &spec.type_def(*t).fields {
                    collect_refs(spec, &f.ty, nullable || f.nullable, out, depth + 1);
                }
            }
            _ => {}
        }
    }
    let n = spec.resources.len();
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    fn visit(spec: &Spec, r: usize, state: &mut Vec<u8>, order: &mut Vec<ResourceId>) {
        if state[r] != 0 {
            return;
        }
        state[r] = 1;
        let mut ds = deps(spec, r);
        // Array-of-id references (role.user_ids) are dependencies too.
        for f in &spec.resources[r].fields {
            if let Some(t) = f.references {
                ds.push((t.0, true));
            }
        }
        for (d, _nullable) in ds {
            if d != r && state[d] == 0 {
                visit(spec, d, state, order);
            }
        }
        state[r] = 2;
        order.push(ResourceId(r));
    }
    // Visit non-nullable dependencies first by ordering roots by declaration.
    for r in 0..n {
        visit(spec, r, &mut state, &mut order);
    }
    order
}
