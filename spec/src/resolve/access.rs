//! `api.roles` and `access:` of resources and operations: role names checked
//! against the roles field's enum, `own` against the user resource, `managed`
//! and `managers` in [`super::managed`], `rates` against the response's items.

use super::Resolver;
use super::managed::{managed, managers};
use super::records::unknown_field;
use super::rules::ty_name;
use crate::ir::{Access, Field, Managers, Rates, ResourceId, Response, Roles, Spec, TypeRef};
use crate::raw::{RawAccess, RawApi, RawRates, RawSpec};
use crate::read::Located;

/// The keyword for "any user".
const EVERYONE: &str = "everyone";

/// Resolves `api.roles` and every `access:` into `spec`.
pub(crate) fn resolve_access(r: &mut Resolver<'_>, raw: &RawSpec, apis: &[Located<RawApi>], spec: &mut Spec) {
    spec.api.roles = roles_field(r, apis, spec);
    let values = role_values(r, spec);
    // Who manages what comes first: a `managed` rule anywhere may lead to any resource.
    let by: Vec<Option<Managers>> = raw
        .resources
        .iter()
        .enumerate()
        .map(|(i, res)| {
            let m = res.access.as_ref()?.managers.as_ref()?;
            managers(r, m, spec, ResourceId(i), &res.name.value)
        })
        .collect();
    for (i, res) in raw.resources.iter().enumerate() {
        if let Some(a) = &res.access {
            let holder = &res.name.value;
            if let Some(rates) = &a.rates {
                let help = "declare `rates` on the operations whose items carry the fields";
                r.diags.error_help(&rates.loc, format!("`rates` on resource {holder}"), help);
            }
            spec.resources[i].access = access(r, a, &values, spec, &by, Some(ResourceId(i)), holder);
            if let Some(rule) = spec.resources[i].access.as_mut() {
                rule.managers = by[i];
            }
        }
    }
    let ops = raw.resources.iter().flat_map(|res| &res.operations).chain(raw.groups.iter().flat_map(|g| &g.operations));
    for op in ops {
        let Some(a) = &op.access else { continue };
        let Some(ix) = spec.operations.iter().position(|o| o.id == op.id.value) else { continue };
        let resource = spec.operations[ix].resource;
        let holder = format!("operation {}", op.id.value);
        let mut resolved = access(r, a, &values, spec, &by, resource, &holder);
        if let Some(m) = &a.managers {
            r.diags.error_help(&m.loc, format!("`managers` on {holder}"), "declare `managers` on the resource");
        }
        if let (Some(rule), Some(rates)) = (resolved.as_mut(), &a.rates) {
            rule.rates = hidden(r, rates, &values, spec, &spec.operations[ix].response, &holder);
        }
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
    by: &[Option<Managers>],
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
    let managed = a.managed.as_ref().and_then(|m| managed(r, m, values, spec, by, resource, holder));
    Some(Access { read, write, own, managed, managers: None, rates: None })
}

/// `rates: {roles, hides}` of an operation: every hidden name is an optional field of the
/// items the operation lists.
fn hidden(
    r: &mut Resolver<'_>,
    a: &RawRates,
    values: &Option<Vec<String>>,
    spec: &Spec,
    response: &Response,
    holder: &str,
) -> Option<Rates> {
    let Some(list) = a.roles.as_deref() else {
        r.diags.error_help(
            &a.loc,
            format!("`rates` on {holder} names no roles"),
            "add `roles: [the roles that see the fields]`",
        );
        return None;
    };
    let roles = roles(r, Some(list), values);
    let Response::List(schema) = response else {
        r.diags.error_help(
            &a.loc,
            format!("`rates` on {holder}, which lists nothing"),
            "`rates` hides fields of a list's items",
        );
        return None;
    };
    let fields = spec.fields_of(*schema);
    for name in &a.hides {
        match fields.iter().find(|f| f.name == name.value) {
            None => {
                let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
                let help = match crate::diag::did_you_mean(&name.value, names.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!("one of: {}", names.join(", ")),
                };
                r.diags.error_help(
                    &name.loc,
                    format!("`rates` of {holder} hides `{}`, which its items lack", name.value),
                    help,
                );
            }
            Some(f) if !f.optional => r.diags.error_help(
                &name.loc,
                format!("`rates` of {holder} hides `{}`, which is not optional", name.value),
                "mark the field `optional: true`: some users get items without it",
            ),
            Some(_) => {}
        }
    }
    Some(Rates { roles, hides: a.hides.iter().map(|h| h.value.clone()).collect() })
}

/// A role list: absent or `everyone` admits everyone; names must be values of the roles enum.
pub(super) fn roles(r: &mut Resolver<'_>, list: Option<&[Located<String>]>, values: &Option<Vec<String>>) -> Roles {
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
