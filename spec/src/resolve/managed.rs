//! `managers:` (how a user comes to manage a record of a resource) and
//! `managed:` (the records a manager reaches through what they manage),
//! checked when the spec loads so the server looks nothing up by name.

use super::Resolver;
use super::access::roles;
use super::records::unknown_field;
use crate::ir::{Managed, Managers, ResourceId, Spec, TypeRef};
use crate::raw::{RawManaged, RawManagers};

/// `managers: {through, flag}` of resource `of`: `through` refers once to the user
/// resource and once to `of`, and `flag` is one of its boolean fields.
pub(super) fn managers(
    r: &mut Resolver<'_>,
    m: &RawManagers,
    spec: &Spec,
    of: ResourceId,
    holder: &str,
) -> Option<Managers> {
    let (Some(through), Some(flag)) = (&m.through, &m.flag) else {
        let help = "write `managers: {through: a_linking_resource, flag: its_boolean_field}`";
        r.diags.error_help(&m.loc, format!("`managers` of {holder} needs `through` and `flag`"), help);
        return None;
    };
    let Some(link_ix) = spec.resources.iter().position(|x| x.name == through.value) else {
        let names = spec.resources.iter().map(|x| x.name.as_str());
        let help = crate::diag::did_you_mean(&through.value, names)
            .map_or_else(|| "name a resource".to_string(), |c| format!("did you mean `{c}`?"));
        r.diags.error_help(&through.loc, format!("`through: {}` of {holder} is not a resource", through.value), help);
        return None;
    };
    let link = &spec.resources[link_ix];
    let users = spec.api.current_user?;
    let refs_to = |target: ResourceId| -> Vec<usize> {
        let is_ref = |ty: &TypeRef| matches!(ty, TypeRef::Ref(rt) if rt.target == target);
        link.fields.iter().enumerate().filter(|(_, f)| is_ref(&f.ty)).map(|(i, _)| i).collect()
    };
    let mut one_ref = |target: ResourceId, what: &str| match refs_to(target).as_slice() {
        [ix] => Some(*ix),
        found => {
            let name = &spec.resources[target.0].name;
            r.diags.error_help(
                &through.loc,
                format!("`through: {}` of {holder} has {} refs to {name}, not one", link.name, found.len()),
                format!("the linking resource names the {what} with exactly one `ref: {name}` field"),
            );
            None
        }
    };
    let user = one_ref(users, "user");
    let target = one_ref(of, "managed record");
    let Some(flag_ix) = link.fields.iter().position(|f| f.name == flag.value) else {
        unknown_field(r, &link.name, &link.fields, &flag.value, &flag.loc, "`flag`");
        return None;
    };
    if link.fields[flag_ix].ty != TypeRef::Boolean {
        r.diags.error_help(
            &flag.loc,
            format!("`flag: {}` of {holder} is not a boolean field of {}", flag.value, link.name),
            "name the boolean that makes the user a manager",
        );
        return None;
    }
    Some(Managers { through: ResourceId(link_ix), user: user?, target: target?, flag: flag_ix })
}

/// `managed: {via, read, write}` on `resource`: `via` is a ref to a resource that declares
/// `managers`, or `id` of a resource that declares them itself.
pub(super) fn managed(
    r: &mut Resolver<'_>,
    m: &RawManaged,
    values: &Option<Vec<String>>,
    spec: &Spec,
    by: &[Option<Managers>],
    resource: Option<ResourceId>,
    holder: &str,
) -> Option<Managed> {
    let read = roles(r, Some(m.read.as_deref().unwrap_or_default()), values);
    let write = roles(r, Some(m.write.as_deref().unwrap_or_default()), values);
    let Some(via) = &m.via else {
        let help = "name the field pointing at the managed record: `via: project`";
        r.diags.error_help(&m.loc, format!("`managed` of {holder} needs `via`"), help);
        return None;
    };
    let Some(res_id) = resource else {
        r.diags.error_help(
            &via.loc,
            format!("`managed` on {holder}, which has no resource"),
            "give the operation `resource:`",
        );
        return None;
    };
    let res = &spec.resources[res_id.0];
    let Some(ix) = res.fields.iter().position(|f| f.name == via.value) else {
        unknown_field(r, &res.name, &res.fields, &via.value, &via.loc, "`via`");
        return None;
    };
    let target = match &res.fields[ix].ty {
        TypeRef::Ref(rt) => rt.target,
        TypeRef::Id => res_id,
        _ => {
            let help = "name a `ref:` field, or `id` when the resource itself declares `managers`";
            r.diags.error_help(&via.loc, format!("`via: {}` of {holder} is not a ref", via.value), help);
            return None;
        }
    };
    let Some(managers) = by.get(target.0).copied().flatten() else {
        let name = &spec.resources[target.0].name;
        r.diags.error_help(
            &via.loc,
            format!("`via: {}` of {holder} leads to {name}, which declares no `managers`", via.value),
            format!("add `managers: {{through: …, flag: …}}` to the access of {name}"),
        );
        return None;
    };
    Some(Managed { via: ix, read, write, by: managers })
}
