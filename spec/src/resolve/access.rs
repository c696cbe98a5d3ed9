//! `api.roles` and `access:` of resources and operations: role names checked
//! against the roles field's enum, `own` against the user resource.

use super::Resolver;
use super::records::unknown_field;
use super::rules::ty_name;
use crate::ir::{Access, Field, ResourceId, Roles, Spec, TypeRef};
use crate::raw::{RawAccess, RawApi, RawSpec};
use crate::read::Located;

/// The keyword for "any user".
const EVERYONE: &str = "everyone";

/// Resolves `api.roles` and every `access:` into `spec`.
pub(crate) fn resolve_access(r: &mut Resolver<'_>, raw: &RawSpec, apis: &[Located<RawApi>], spec: &mut Spec) {
    spec.api.roles = roles_field(r, apis, spec);
    let values = role_values(r, spec);
    for (i, res) in raw.resources.iter().enumerate() {
        if let Some(a) = &res.access {
            spec.resources[i].access = access(r, a, &values, spec, Some(ResourceId(i)), &res.name.value);
        }
    }
    let ops = raw.resources.iter().flat_map(|res| &res.operations).chain(raw.groups.iter().flat_map(|g| &g.operations));
    for op in ops {
        let Some(a) = &op.access else { continue };
        let Some(ix) = spec.operations.iter().position(|o| o.id == op.id.value) else { continue };
        let resource = spec.operations[ix].resource;
        let resolved = access(r, a, &values, spec, resource, &format!("operation {}", op.id.value));
        spec.operations[ix].access = resolved;
    }
}

/// `api.roles`: a list field of the current-user resource.
fn roles_field(r: &mut Resolver<'_>, apis: &[Located<RawApi>], spec: &Spec) -> Option<usize> {
    let name = apis.first()?.value.roles.as_ref()?;
    let Some(users) = spec.api.current_user.and_then(|u| spec.resources.get(u.0)) else {
        r.diags.error_help(
            &name.loc,
            "`roles` needs `current_user`",
            "name the user resource with `current_user: user`",
        );
        return None;
    };
    let Some(ix) = users.fields.iter().position(|f| f.name == name.value) else {
        unknown_field(r, &users.name, &users.fields, &name.value, &name.loc, "`roles`");
        return None;
    };
    if !matches!(&users.fields[ix].ty, TypeRef::Array(inner) if matches!(inner.as_ref(), TypeRef::Enum(_) | TypeRef::String))
    {
        let ty = ty_name(r, &users.fields[ix].ty, &spec.resources);
        r.diags.error_help(
            &name.loc,
            format!("`roles: {}` is {ty}, not a list of roles", name.value),
            "name a field of type `[an_enum]` listing the user's roles",
        );
        return None;
    }
    Some(ix)
}

/// The role names the roles field's enum allows (`None`: any name, or no roles field).
fn role_values(r: &Resolver<'_>, spec: &Spec) -> Option<Vec<String>> {
    let users = spec.resources.get(spec.api.current_user?.0)?;
    let TypeRef::Array(inner) = &users.fields.get(spec.api.roles?)?.ty else { return None };
    let TypeRef::Enum(e) = inner.as_ref() else { return None };
    Some(r.enums.get(e.0)?.values.iter().map(|v| v.wire.clone()).collect())
}

fn access(
    r: &mut Resolver<'_>,
    a: &RawAccess,
    values: &Option<Vec<String>>,
    spec: &Spec,
    resource: Option<ResourceId>,
    holder: &str,
) -> Option<Access> {
    if spec.api.roles.is_none() {
        r.diags.error_help(
            &a.loc,
            format!("`access` on {holder}, but the API names no roles field"),
            "add `roles: access_roles` (the user field listing roles) under `api`",
        );
        return None;
    }
    let read = roles(r, a.read.as_deref(), values);
    let write = roles(r, a.write.as_deref(), values);
    let own = a.own.as_ref().and_then(|o| own(r, o, spec, resource, holder));
    Some(Access { read, write, own })
}

/// A role list: absent or `everyone` admits everyone; names must be values of the roles enum.
fn roles(r: &mut Resolver<'_>, list: Option<&[Located<String>]>, values: &Option<Vec<String>>) -> Roles {
    let Some(list) = list else { return Roles::Everyone };
    if list.iter().any(|x| x.value == EVERYONE) {
        return Roles::Everyone;
    }
    if let Some(values) = values {
        for role in list.iter().filter(|x| !values.contains(&x.value)) {
            let help = match crate::diag::did_you_mean(&role.value, values.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("one of: {EVERYONE}, {}", values.join(", ")),
            };
            r.diags.error_help(&role.loc, format!("unknown role `{}`", role.value), help);
        }
    }
    Roles::AnyOf(list.iter().map(|x| x.value.clone()).collect())
}

/// `own`: a ref field to the user resource, or the user resource's own `id`.
fn own(
    r: &mut Resolver<'_>,
    o: &Located<String>,
    spec: &Spec,
    resource: Option<ResourceId>,
    holder: &str,
) -> Option<usize> {
    let Some(res) = resource.and_then(|id| spec.resources.get(id.0)) else {
        r.diags.error_help(
            &o.loc,
            format!("`own` on {holder}, which has no resource"),
            "give the operation `resource:`",
        );
        return None;
    };
    let users = spec.api.current_user?;
    let fields: &[Field] = &res.fields;
    let Some(ix) = fields.iter().position(|f| f.name == o.value) else {
        unknown_field(r, &res.name, fields, &o.value, &o.loc, "`own`");
        return None;
    };
    let fits = match &fields[ix].ty {
        TypeRef::Ref(rt) => rt.target == users,
        TypeRef::Id => resource == Some(users),
        _ => false,
    };
    if !fits {
        let users_name = &spec.resources[users.0].name;
        r.diags.error_help(
            &o.loc,
            format!("`own: {}` of {holder} does not point at a {users_name}", o.value),
            format!("name a field with `ref: {users_name}` (or `id` on `{users_name}` itself)"),
        );
        return None;
    }
    Some(ix)
}
