//! Resource-level rules: plurals, sort orders, search settings, delete rules.

use std::collections::BTreeMap;

use super::fields::value_fits;
use super::naming::{self, NameScope};
use super::rules::ty_name;
use super::{Named, Resolver};
use crate::diag::did_you_mean;
use crate::ir::{DeleteAction, DeleteRule, Field, ID_FIELD, Location, Resource, Search, SearchPath, SortKey, TypeRef};
use crate::raw::{RawDelete, RawResource, RawSearch};

/// Records created per resource when the spec gives no `seed.count`.
const DEFAULT_SEED_COUNT: u32 = 10;

/// Creates the resources with their names; fields are filled in later.
pub(crate) fn declare_resources(r: &mut Resolver<'_>, raw: &[RawResource]) -> Vec<Resource> {
    let mut plurals = NameScope::default();
    raw.iter()
        .map(|res| {
            let rust = naming::rust_name(&res.name.value, &res.name.loc, "resource", r.diags);
            let plural = match &res.plural {
                Some(p) => {
                    if naming::ident(&p.value).as_deref() != Some(p.value.as_str()) {
                        r.diags.error_help(
                            &p.loc,
                            format!("plural `{}` is not a snake_case name", p.value),
                            "write e.g. `plural: time_entries`",
                        );
                    }
                    p.value.clone()
                }
                None => format!("{}s", res.name.value),
            };
            let loc = res.plural.as_ref().map(|p| p.loc.clone()).unwrap_or_else(|| res.name.loc.clone());
            plurals.claim(
                &plural,
                &format!("the plural of resource `{}`", res.name.value),
                &loc,
                "resource plurals",
                r.diags,
            );
            Resource {
                name: res.name.value.clone(),
                rust,
                plural,
                doc: res.doc.clone().unwrap_or_default(),
                singleton: res.singleton,
                name_from: res.name_from.iter().map(|n| n.value.clone()).collect(),
                seed_count: res.seed_count.unwrap_or(if res.singleton { 1 } else { DEFAULT_SEED_COUNT }),
                sort: Vec::new(),
                fields: Vec::new(),
                inputs: Vec::new(),
                search: None,
                delete_rules: Vec::new(),
                states: None,
                access: None,
                operations: Vec::new(),
                location: res.name.loc.clone(),
            }
        })
        .collect()
}

/// Reports a name that is not a field of `holder`, with the closest field name.
pub(crate) fn unknown_field(
    r: &mut Resolver<'_>,
    holder: &str,
    fields: &[Field],
    name: &str,
    loc: &Location,
    what: &str,
) {
    let help = match did_you_mean(name, fields.iter().map(|f| f.name.as_str())) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("name one of the fields of `{holder}`"),
    };
    r.diags.error_help(loc, format!("{what} names `{name}`, which is not a field of `{holder}`"), help);
}

/// Resolves a `search` section against the holder's fields.
pub(crate) fn resolve_search(r: &mut Resolver<'_>, holder: &str, fields: &[Field], raw: &RawSearch) -> Option<Search> {
    let Some(entity) = &raw.entity else {
        r.diags.error_help(
            &raw.loc,
            format!("`search` of `{holder}` has no `entity`"),
            "write `entity: time_entries` (the name in POST /v2/{entity}/search)",
        );
        return None;
    };
    if raw.fields.is_empty() {
        r.diags.error_help(
            &raw.loc,
            format!("`search` of `{holder}` lists no fields"),
            "list the searchable fields under `fields:`",
        );
    }
    let mut seen = NameScope::default();
    for f in &raw.fields {
        seen.claim(
            &f.value,
            &format!("search field `{}`", f.value),
            &f.loc,
            &format!("the search fields of `{holder}`"),
            r.diags,
        );
        if !fields.iter().any(|field| field.name == f.value) {
            unknown_field(r, holder, fields, &f.value, &f.loc, "a search field");
        }
    }
    let holder_pascal = naming::pascal(holder).unwrap_or_default();
    let mut variants = NameScope::default();
    let mut paths = Vec::new();
    for name in &raw.fields {
        let Some(field) = fields.iter().find(|f| f.name == name.value) else { continue };
        let mut push = |path: String, ty: TypeRef, r: &mut Resolver<'_>| {
            let Some(variant) = naming::pascal(&path.replace('.', "_")) else { return };
            let scope = format!("the search paths of `{holder}`");
            variants.claim(&variant, &format!("search path `{path}`"), &name.loc, &scope, r.diags);
            paths.push(SearchPath { path, variant, ty, field: field.name.clone() });
        };
        push(field.name.clone(), field.ty.clone(), r);
        let sub = match &field.ty {
            TypeRef::Ref(rt) => Some(rt.embed),
            TypeRef::Object(t) => Some(*t),
            _ => None,
        };
        let sub_fields: Vec<Field> = sub.and_then(|t| r.types.get(t.0)).map(|t| t.fields.clone()).unwrap_or_default();
        for s in sub_fields.iter().filter(|s| is_scalar(&s.ty) && !s.hidden) {
            push(format!("{}.{}", field.name, s.name), s.ty.clone(), r);
        }
    }
    Some(Search {
        entity: entity.value.clone(),
        fields: raw.fields.iter().map(|f| f.value.clone()).collect(),
        paths,
        field_rust: format!("{holder_pascal}Field"),
        hit_rust: format!("{holder_pascal}SearchHit"),
        method_ident: String::new(),
        group: None,
    })
}

/// Whether a value of this type is a single comparable value.
fn is_scalar(ty: &TypeRef) -> bool {
    !matches!(ty, TypeRef::Ref(_) | TypeRef::Object(_) | TypeRef::Array(_) | TypeRef::Json)
}

/// `name_from`, `sort`, `search` and `delete` of every resource.
pub(crate) fn resolve_resource_rules(r: &mut Resolver<'_>, raw: &[RawResource], resources: &mut [Resource]) {
    for (i, res) in raw.iter().enumerate() {
        let fields = resources[i].fields.clone();
        for n in &res.name_from {
            match fields.iter().find(|f| f.name == n.value) {
                Some(f) if f.ty == TypeRef::String => {}
                Some(_) => r.diags.error(&n.loc, format!("`name_from` field `{}` is not a string", n.value)),
                None => unknown_field(r, &res.name.value, &fields, &n.value, &n.loc, "`name_from`"),
            }
        }
        for key in &res.sort {
            let (field, descending) = match key.value.split_once(' ') {
                Some((f, "desc")) => (f, true),
                Some((f, "asc")) => (f, false),
                None => (key.value.as_str(), false),
                Some(_) => {
                    r.diags.error_help(
                        &key.loc,
                        format!("sort key `{}` is not `FIELD`, `FIELD asc` or `FIELD desc`", key.value),
                        "write e.g. `created_at desc`",
                    );
                    continue;
                }
            };
            if !fields.iter().any(|f| f.name == field) {
                unknown_field(r, &res.name.value, &fields, field, &key.loc, "a sort key");
            }
            resources[i].sort.push(SortKey { field: field.to_string(), descending });
        }
        if resources[i].sort.is_empty() && fields.iter().any(|f| f.name == ID_FIELD) {
            resources[i].sort.push(SortKey { field: ID_FIELD.into(), descending: true });
        }
        if let Some(search) = &res.search {
            resources[i].search = resolve_search(r, &res.name.value, &fields, search);
        }
        if !res.singleton && fields.iter().all(|f| f.name != ID_FIELD) {
            r.diags.error_help(
                &res.name.loc,
                format!("resource `{}` has no `id` field", res.name.value),
                "add `id: {type: id}`, or mark it `singleton: true`",
            );
        }
        let rules = resolve_delete_rules(r, res, resources);
        resources[i].delete_rules = rules;
    }
}

fn resolve_delete_rules(r: &mut Resolver<'_>, res: &RawResource, resources: &[Resource]) -> Vec<DeleteRule> {
    let mut out = Vec::new();
    for rule in &res.delete {
        let (Some(when), Some(then)) = (&rule.when, &rule.then) else {
            r.diags.error_help(
                &rule.loc,
                "a delete rule needs `when` and `then`",
                "write `{when: project.client, then: block, message: ...}`",
            );
            continue;
        };
        let Some((dep_name, dep_field)) = when.value.split_once('.') else {
            r.diags.error_help(
                &when.loc,
                format!("`when: {}` is not `resource.ref_field`", when.value),
                "write e.g. `when: project.client`",
            );
            continue;
        };
        let Some(Named::Resource(dep)) = r.lookup(dep_name, &when.loc, "resource") else { continue };
        let dependant = &resources[dep.0];
        let field = match dependant.field(dep_field) {
            Some(f) => f,
            None => {
                unknown_field(r, &dependant.name, &dependant.fields, dep_field, &when.loc, "a delete rule");
                continue;
            }
        };
        let points_here = match &field.ty {
            TypeRef::Ref(rt) => resources[rt.target.0].name == res.name.value,
            _ => field.references.is_some_and(|t| resources[t.0].name == res.name.value),
        };
        if !points_here {
            r.diags.error_help(
                &when.loc,
                format!("`{}` does not point at `{}`", when.value, res.name.value),
                "name a ref field whose target is this resource",
            );
        }
        let action = match (then.value.as_str(), &rule.message) {
            ("block", Some(message)) => DeleteAction::Block(message.clone()),
            ("block", None) => {
                r.diags.error_help(
                    &then.loc,
                    "a `block` rule needs the `message` Harvest answers with",
                    "add `message: \"This client is not removable. ...\"`",
                );
                continue;
            }
            ("cascade", _) => DeleteAction::Cascade,
            ("nullify", _) => {
                if !field.nullable {
                    r.diags.error_help(
                        &then.loc,
                        format!("`nullify` needs `{}` to be nullable", when.value),
                        "mark the field `nullable: true` or use `cascade`",
                    );
                }
                DeleteAction::Nullify
            }
            (other, _) => {
                r.diags.error_help(
                    &then.loc,
                    format!("unknown delete action `{other}`"),
                    "one of: block, cascade, nullify",
                );
                continue;
            }
        };
        let also = resolve_also(r, rule, &then.value, action == DeleteAction::Nullify, dependant, resources);
        out.push(DeleteRule { resource: dep, field: dep_field.to_string(), action, also });
    }
    out
}

/// `also: {field: value}` of a `nullify` rule: fields of the dependant set with the reference.
fn resolve_also(
    r: &mut Resolver<'_>,
    rule: &RawDelete,
    then: &str,
    nullify: bool,
    dependant: &Resource,
    resources: &[Resource],
) -> Vec<(usize, serde_json::Value)> {
    let Some(loc) = &rule.also_loc else { return Vec::new() };
    if !nullify {
        r.diags.error_help(
            loc,
            format!("`also` on a `{then}` rule: only `nullify` sets other fields"),
            "remove `also`, or use `then: nullify`",
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    for (name, value) in &rule.also {
        let Some(ix) = dependant.fields.iter().position(|f| f.name == name.value) else {
            unknown_field(r, &dependant.name, &dependant.fields, &name.value, &name.loc, "`also`");
            continue;
        };
        let field = &dependant.fields[ix];
        if !value_fits(r, &field.ty, field.nullable, value) {
            let ty = ty_name(r, &field.ty, resources);
            let nullable = if field.nullable { ", nullable" } else { "" };
            r.diags.error_help(
                &name.loc,
                format!(
                    "`also` sets `{}.{}` to `{value}`, which does not fit its type ({ty}{nullable})",
                    dependant.name, name.value
                ),
                "give a value of the field's type (null only for nullable fields)",
            );
            continue;
        }
        out.push((ix, value.clone()));
    }
    out
}

/// Search entity names must be unique across resources and types.
pub(crate) fn check_search_entities(r: &mut Resolver<'_>, resources: &[Resource]) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let owners = resources
        .iter()
        .filter_map(|res| res.search.as_ref().map(|s| (s.entity.clone(), res.name.clone(), res.location.clone())))
        .chain(
            r.types
                .iter()
                .filter_map(|t| t.search.as_ref().map(|s| (s.entity.clone(), t.name.clone(), t.location.clone()))),
        )
        .collect::<Vec<_>>();
    for (entity, owner, loc) in owners {
        if let Some(first) = seen.get(&entity) {
            r.diags.error_help(
                &loc,
                format!("search entity `{entity}` of `{owner}` is already used by `{first}`"),
                "give each searchable record its own entity name",
            );
        } else {
            seen.insert(entity, owner);
        }
    }
}
