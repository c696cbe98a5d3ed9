//! Field rules and the current user: timestamp roles, computed fields, `api.current_user`.

use super::compute::resolve_computes;
use super::{Named, Resolver};
use crate::catalog::type_name;
use crate::ir::{Field, FieldRole, Location, Resource, ResourceId, TypeRef};
use crate::raw::{RawApi, RawField, RawSpec};
use crate::read::Located;

const ROLES: &[(&str, FieldRole)] = &[
    ("created_at", FieldRole::CreatedAt),
    ("updated_at", FieldRole::UpdatedAt),
    ("recorded_on", FieldRole::RecordedOn),
];

/// A type as the spec writes it, for messages.
pub(crate) fn ty_name(r: &Resolver<'_>, ty: &TypeRef, resources: &[Resource]) -> String {
    type_name(ty, &r.enums, &r.types, resources)
}

/// `api.current_user`: the resource whose records are users.
pub(crate) fn resolve_current_user(r: &mut Resolver<'_>, apis: &[Located<RawApi>]) -> Option<ResourceId> {
    let name = apis.first()?.value.current_user.as_ref()?;
    match r.lookup(&name.value, &name.loc, "resource")? {
        Named::Resource(id) => Some(id),
        Named::Enum(_) | Named::Type(_) => {
            r.diags.error_help(
                &name.loc,
                format!("`current_user: {}` must name a resource", name.value),
                "name the resource whose records are the API's users, e.g. `current_user: user`",
            );
            None
        }
    }
}

/// `role` and `compute` of every field: roles on resource fields only, computations on response fields.
pub(crate) fn resolve_field_rules(r: &mut Resolver<'_>, raw: &RawSpec, resources: &mut [Resource]) {
    for (i, t) in raw.types.iter().enumerate() {
        let holder = &t.name.value;
        refuse(r, &t.fields, false, "field", &format!("type `{holder}`"));
        refuse(r, &t.inputs, true, "request-only field", &format!("type `{holder}`"));
        let Some(mut fields) = r.types.get_mut(i).map(|t| std::mem::take(&mut t.fields)) else { continue };
        resolve_computes(r, holder, None, &t.fields, &mut fields, resources);
        if let Some(def) = r.types.get_mut(i) {
            def.fields = fields;
        }
    }
    for (i, res) in raw.resources.iter().enumerate() {
        let holder = &res.name.value;
        refuse(r, &res.inputs, true, "request-only field", &format!("resource `{holder}`"));
        let mut fields = std::mem::take(&mut resources[i].fields);
        resolve_roles(r, holder, &res.fields, &mut fields, resources);
        resolve_computes(r, holder, Some(ResourceId(i)), &res.fields, &mut fields, resources);
        resources[i].fields = fields;
    }
    let ops = raw.resources.iter().flat_map(|res| &res.operations).chain(raw.groups.iter().flat_map(|g| &g.operations));
    for op in ops {
        refuse(r, &op.body, true, "body field", &format!("operation `{}`", op.id.value));
    }
}

/// Reports `role`, and `compute` when `computes`, on fields (`kind` of `owner`) that cannot have them.
fn refuse(r: &mut Resolver<'_>, raw: &[RawField], computes: bool, kind: &str, owner: &str) {
    for f in raw {
        let what = format!("{kind} `{}` of {owner}", f.name.value);
        if let Some(role) = &f.role {
            r.diags.error_help(
                &role.loc,
                format!("`role` on {what}: only response fields of a resource have timestamp roles"),
                "remove it; the server keeps timestamps on stored records only",
            );
        }
        if let Some(c) = f.compute.as_ref().filter(|_| computes) {
            r.diags.error_help(
                &c.op.loc,
                format!("`compute` on {what}: only response fields are computed"),
                "remove it, or move the field under `fields:`",
            );
        }
    }
}

fn resolve_roles(r: &mut Resolver<'_>, holder: &str, raw: &[RawField], fields: &mut [Field], resources: &[Resource]) {
    let mut seen: Vec<(FieldRole, String, Location)> = Vec::new();
    for f in raw {
        let Some(word) = &f.role else { continue };
        let Some(role) = r.keyword(word, ROLES, "field role") else { continue };
        let Some(ix) = fields.iter().position(|x| x.name == f.name.value) else { continue };
        let (wanted, wanted_name) = match role {
            FieldRole::RecordedOn => (TypeRef::Date, "date"),
            FieldRole::CreatedAt | FieldRole::UpdatedAt => (TypeRef::DateTime, "datetime"),
        };
        if fields[ix].ty != wanted {
            let ty = ty_name(r, &fields[ix].ty, resources);
            r.diags.error_help(
                &word.loc,
                format!(
                    "role `{}` on field `{}` of `{holder}`, which is {ty}, not {wanted_name}",
                    word.value, f.name.value
                ),
                format!("give the field `type: {wanted_name}`, or remove the role"),
            );
        }
        if let Some((_, first, first_loc)) = seen.iter().find(|(seen_role, _, _)| *seen_role == role) {
            r.diags.error_help(
                &word.loc,
                format!(
                    "role `{}` is given twice in resource `{holder}` (first on `{first}` at {first_loc})",
                    word.value
                ),
                "keep the role on one field",
            );
            continue;
        }
        seen.push((role, f.name.value.clone(), word.loc.clone()));
        fields[ix].role = Some(role);
    }
}
