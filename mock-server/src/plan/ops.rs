//! Per-operation plans.

use harvest_spec::Spec;
use harvest_spec::ir::{
    FilterOp, OpKind, Operation, OperationId, Pagination, ParamBinding, ResourceId, Response, TypeRef,
};
use serde_json::Value;

use super::{FieldIx, ResInfo};
use crate::error::Error;

/// A path parameter that selects the parent of the records.
#[derive(Debug, Clone)]
pub struct ParentParam {
    /// Index into the path parameters.
    pub param: usize,
    /// Position of the ref field in the record.
    pub field_ix: FieldIx,
    /// The parent resource.
    pub target: ResourceId,
}

/// A query filter, precomputed.
#[derive(Debug, Clone)]
pub struct FilterPlan {
    /// Query parameter name.
    pub name: String,
    /// Value type.
    pub ty: TypeRef,
    /// Required by the operation.
    pub required: bool,
    /// Dotted path below the top-level field (empty: the field itself).
    pub rest: Vec<String>,
    /// Position of the top-level field; `None` for parameters read by behaviours.
    pub top_ix: Option<FieldIx>,
    /// The top-level field is a ref (compare its id).
    pub top_is_ref: bool,
    /// Comparison.
    pub op: FilterOp,
}

/// A request-body field, precomputed.
#[derive(Debug, Clone)]
pub struct BodyPlan {
    /// Wire name.
    pub name: String,
    /// Type as sent.
    pub ty: TypeRef,
    /// Must be present on this operation.
    pub required: bool,
    /// May be null.
    pub nullable: bool,
    /// Position of the record field it sets.
    pub target_ix: Option<FieldIx>,
    /// Resource named by the id, for refs.
    pub ref_target: Option<ResourceId>,
    /// Type of the record field (for nested objects).
    pub field_ty: Option<TypeRef>,
    /// Value used when omitted on create.
    pub default: Option<Value>,
    /// Human label for messages (`Spent date`).
    pub label: String,
}

/// Everything the generic handlers need about one operation.
#[derive(Debug, Clone)]
pub struct OpPlan {
    /// The operation planned.
    pub id: OperationId,
    /// What it does.
    pub kind: OpKind,
    /// Resource worked on.
    pub resource: Option<ResourceId>,
    /// Name of the behaviour the spec attaches.
    pub behavior: Option<String>,
    /// Selects the current user's record instead of one named by the path.
    pub selects_current_user: bool,
    /// Path parameter holding the record's own id.
    pub self_param: Option<usize>,
    /// Path parameters selecting parents.
    pub parents: Vec<ParentParam>,
    /// Query parameters.
    pub filters: Vec<FilterPlan>,
    /// Pagination of lists and reports.
    pub pagination: Option<Pagination>,
    /// Body fields.
    pub body: Vec<BodyPlan>,
    /// Response shape.
    pub response: Response,
    /// Success status.
    pub status: u16,
    /// Where each column of a report's rows comes from (`report:` operations).
    pub report_columns: Vec<super::ReportColumn>,
}

/// `spent_date` → `Spent date`.
pub fn humanize(name: &str) -> String {
    let base = name.strip_suffix("_id").unwrap_or(name);
    let mut s = base.replace('_', " ");
    if let Some(first) = s.get(0..1) {
        let up = first.to_uppercase();
        s.replace_range(0..1, &up);
    }
    s
}

pub(super) fn plan_op(spec: &Spec, res: &[ResInfo], id: OperationId, op: &Operation) -> Result<OpPlan, Error> {
    let info = op.resource.map(|r| &res[r.0]);
    let resource = op.resource.map(|r| spec.resource(r));
    let mut self_param = None;
    let mut parents = Vec::new();
    for (pi, p) in op.path_params.iter().enumerate() {
        match &p.binding {
            ParamBinding::SelfId => self_param = Some(pi),
            ParamBinding::Parent(field) => {
                let (Some(info), Some(r)) = (info, resource) else {
                    return Err(Error::Plan(format!("operation {} has a parent param without a resource", op.id)));
                };
                let field_ix =
                    info.ix(field).ok_or_else(|| Error::Plan(format!("{}: parent field {field} unknown", op.id)))?;
                let target = match &r.fields[field_ix.0].ty {
                    TypeRef::Ref(rt) => rt.target,
                    _ => return Err(Error::Plan(format!("{}: parent field {field} is not a ref", op.id))),
                };
                parents.push(ParentParam { param: pi, field_ix, target });
            }
        }
    }
    let mut filters = Vec::new();
    for q in &op.query {
        let mut plan = FilterPlan {
            name: q.name.clone(),
            ty: q.ty.clone(),
            required: q.required,
            rest: Vec::new(),
            top_ix: None,
            top_is_ref: false,
            op: FilterOp::Eq,
        };
        if let (Some(f), Some(info), Some(r)) = (&q.filter, info, resource) {
            let mut parts = f.field.split('.');
            let top = parts.next().unwrap_or_default();
            plan.top_ix = info.ix(top);
            plan.top_is_ref = plan.top_ix.is_some_and(|ix| matches!(r.fields[ix.0].ty, TypeRef::Ref(_)));
            plan.rest = parts.map(str::to_string).collect();
            plan.op = f.op;
        }
        filters.push(plan);
    }
    let mut body = Vec::new();
    if let Some(b) = &op.body {
        for f in &b.fields {
            let target_ix = match (&f.target, info) {
                (Some(t), Some(info)) => info.ix(t),
                _ => None,
            };
            let field_ty = match (target_ix, resource) {
                (Some(ix), Some(r)) => Some(r.fields[ix.0].ty.clone()),
                _ => None,
            };
            let ref_target = match &field_ty {
                Some(TypeRef::Ref(rt)) => Some(rt.target),
                _ => None,
            };
            let label = humanize(f.target.as_deref().unwrap_or(&f.name));
            body.push(BodyPlan {
                name: f.name.clone(),
                ty: f.ty.clone(),
                required: f.required,
                nullable: f.nullable,
                target_ix,
                ref_target,
                field_ty,
                default: f.default.clone(),
                label,
            });
        }
    }
    Ok(OpPlan {
        id,
        kind: op.kind,
        resource: op.resource,
        behavior: op.behavior.clone(),
        selects_current_user: op.selects_current_user,
        self_param,
        parents,
        filters,
        pagination: op.pagination.clone(),
        body,
        response: op.response.clone(),
        status: op.status,
        report_columns: match (&op.report, &op.response) {
            (Some(report), Response::List(schema)) => super::report::columns(spec, res, report, *schema),
            _ => Vec::new(),
        },
    })
}
