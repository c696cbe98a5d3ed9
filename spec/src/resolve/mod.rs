//! Raw documents → IR: names, references and every cross-rule, checked once.

mod access;
mod api;
mod bounds;
mod compute;
mod conditions;
mod docs;
mod fields;
mod managed;
mod naming;
mod operations;
mod records;
mod report;
mod rules;
mod states;

use std::collections::BTreeMap;

use crate::catalog::{self, Catalog};
use crate::diag::{Diagnostics, did_you_mean};
use crate::ir::{
    EnumDef, EnumId, EnumValue, GroupId, Location, ResourceId, Response, Schema, Spec, TypeDef, TypeId, TypeOrigin,
};
use crate::raw::RawSpec;
use crate::read::Located;

pub(crate) use naming::{ident, pascal};

/// What a spec name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Named {
    Enum(EnumId),
    Type(TypeId),
    Resource(ResourceId),
}

/// Shared state while resolving.
pub(crate) struct Resolver<'d> {
    pub(crate) diags: &'d mut Diagnostics,
    /// Every enum, type and resource name with what it is and where it was declared.
    pub(crate) names: BTreeMap<String, (Named, Location)>,
    pub(crate) enums: Vec<EnumDef>,
    pub(crate) types: Vec<TypeDef>,
}

impl Resolver<'_> {
    /// Looks a name up; reports an unknown one with the closest known name.
    pub(crate) fn lookup(&mut self, name: &str, loc: &Location, what: &str) -> Option<Named> {
        if let Some((named, _)) = self.names.get(name) {
            return Some(*named);
        }
        let help = match did_you_mean(name, self.names.keys().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => "declare it under `enums`, `types` or `resources`".to_string(),
        };
        self.diags.error_help(loc, format!("unknown {what} `{name}`"), help);
        None
    }
}

impl Resolver<'_> {
    /// Looks `word` up in a table of spec keywords; reports an unknown one with the closest
    /// keyword, or all of them.
    pub(crate) fn keyword<T: Copy>(&mut self, word: &Located<String>, table: &[(&str, T)], what: &str) -> Option<T> {
        if let Some((_, v)) = table.iter().find(|(k, _)| *k == word.value) {
            return Some(*v);
        }
        let names: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
        let help = match did_you_mean(&word.value, names.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("one of: {}", names.join(", ")),
        };
        self.diags.error_help(&word.loc, format!("unknown {what} `{}`", word.value), help);
        None
    }
}

/// Resolves the raw documents; `None` when any problem was found.
pub(crate) fn resolve(
    mut raw: RawSpec,
    first_file: &str,
    catalog: Option<&Catalog>,
    diags: &mut Diagnostics,
) -> Option<Spec> {
    let mut api = api::resolve_api(&raw.apis, diags, first_file);
    docs::fill_defaults(&mut raw);
    docs::check(&raw, diags);
    let mut r = Resolver { diags, names: BTreeMap::new(), enums: Vec::new(), types: Vec::new() };
    register_names(&mut r, &raw);
    api.current_user = rules::resolve_current_user(&mut r, &raw.apis);
    resolve_enums(&mut r, &raw);
    for t in &raw.types {
        let rust = naming::rust_name(&t.name.value, &t.name.loc, "type", r.diags);
        r.types.push(TypeDef {
            name: t.name.value.clone(),
            rust,
            doc: t.doc.clone().unwrap_or_default(),
            fields: Vec::new(),
            inputs: Vec::new(),
            input_rust: None,
            search: None,
            origin: TypeOrigin::Declared,
            location: t.name.loc.clone(),
        });
    }
    let mut resources = records::declare_resources(&mut r, &raw.resources);
    let mut embeds = Vec::new();
    for (i, t) in raw.types.iter().enumerate() {
        let (f, e) = fields::resolve_fields(&mut r, &t.name.value, &t.fields, false);
        let (inputs, e2) = fields::resolve_fields(&mut r, &t.name.value, &t.inputs, true);
        r.types[i].fields = f;
        r.types[i].inputs = inputs;
        embeds.extend(e);
        embeds.extend(e2);
    }
    for (i, res) in raw.resources.iter().enumerate() {
        let (f, e) = fields::resolve_fields(&mut r, &res.name.value, &res.fields, false);
        let (inputs, e2) = fields::resolve_fields(&mut r, &res.name.value, &res.inputs, true);
        resources[i].fields = f;
        resources[i].inputs = inputs;
        embeds.extend(e);
        embeds.extend(e2);
    }
    fields::fill_embeds(&mut r, &resources, embeds);
    rules::resolve_field_rules(&mut r, &raw, &mut resources);
    fields::check_ref_sources(&mut r, &resources);
    for (i, t) in raw.types.iter().enumerate() {
        if let Some(search) = &t.search {
            let fields = r.types[i].fields.clone();
            let resolved = records::resolve_search(&mut r, &t.name.value, &fields, search);
            r.types[i].search = resolved;
        }
    }
    records::resolve_resource_rules(&mut r, &raw.resources, &mut resources);
    states::resolve_states(&mut r, &raw.resources, &mut resources);
    records::check_search_entities(&mut r, &resources);
    let (groups, operations) = operations::resolve_operations(&mut r, &raw, &mut resources, &api);
    let mut spec = Spec { api, enums: r.enums.clone(), types: r.types.clone(), resources, groups, operations };
    access::resolve_access(&mut r, &raw, &raw.apis, &mut spec);
    place_searches(&mut spec, diags);
    check_type_name_collisions(&spec, diags);
    if let Some(catalog) = catalog {
        catalog::check(&spec, catalog, diags);
    }
    if diags.is_empty() { Some(spec) } else { None }
}

fn register_names(r: &mut Resolver<'_>, raw: &RawSpec) {
    let declared = raw
        .enums
        .iter()
        .enumerate()
        .map(|(i, e)| (&e.name, Named::Enum(EnumId(i)), "enum"))
        .chain(raw.types.iter().enumerate().map(|(i, t)| (&t.name, Named::Type(TypeId(i)), "type")))
        .chain(
            raw.resources.iter().enumerate().map(|(i, res)| (&res.name, Named::Resource(ResourceId(i)), "resource")),
        );
    let mut kinds: BTreeMap<String, &str> = BTreeMap::new();
    for (name, named, kind) in declared {
        if let Some((_, first_loc)) = r.names.get(&name.value) {
            let first_kind = kinds.get(&name.value).copied().unwrap_or("name");
            r.diags.error_help(
                &name.loc,
                format!("{kind} `{}` is declared twice (the {first_kind} at {first_loc})", name.value),
                "enum, type and resource names share one namespace; rename one",
            );
            continue;
        }
        kinds.insert(name.value.clone(), kind);
        r.names.insert(name.value.clone(), (named, name.loc.clone()));
    }
}

fn resolve_enums(r: &mut Resolver<'_>, raw: &RawSpec) {
    for e in &raw.enums {
        let rust = naming::rust_name(&e.name.value, &e.name.loc, "enum", r.diags);
        let mut scope = naming::NameScope::default();
        let mut values = Vec::new();
        if e.values.is_empty() {
            r.diags.error_help(&e.name.loc, format!("enum `{}` has no values", e.name.value), "write `values: [a, b]`");
        }
        for v in &e.values {
            let Some(variant) = pascal(&v.value) else {
                r.diags.error_help(
                    &v.loc,
                    format!("enum value `{}` gives no Rust variant name", v.value),
                    "use a value with at least one letter or digit",
                );
                continue;
            };
            scope.claim(
                &variant,
                &format!("value `{}`", v.value),
                &v.loc,
                &format!("enum `{}`", e.name.value),
                r.diags,
            );
            values.push(EnumValue { wire: v.value.clone(), variant });
        }
        let taken = |v: &str| values.iter().any(|x: &EnumValue| x.variant == v);
        let unknown_variant = match (taken("Other"), taken("Unknown")) {
            (false, _) => "Other".to_string(),
            (true, false) => "Unknown".to_string(),
            (true, true) => {
                r.diags.error_help(
                    &e.name.loc,
                    format!("enum `{}` has values named both `other` and `unknown`", e.name.value),
                    "the generated enum needs one of those names for values the spec does not list; rename one value",
                );
                String::new()
            }
        };
        r.enums.push(EnumDef {
            name: e.name.value.clone(),
            rust,
            doc: e.doc.clone().unwrap_or_default(),
            values,
            unknown_variant,
            location: e.name.loc.clone(),
        });
    }
}

/// Puts each search in the client group that exposes it and names its method there.
fn place_searches(spec: &mut Spec, diags: &mut Diagnostics) {
    let mut placed: Vec<(GroupId, String, String, Location)> = Vec::new();
    for (i, res) in spec.resources.iter_mut().enumerate() {
        let Some(search) = res.search.as_mut() else { continue };
        search.group = spec.groups.iter().position(|g| g.resource == Some(ResourceId(i))).map(GroupId);
        search.method_ident = "search".into();
        placed.push((
            search.group.unwrap_or(GroupId(usize::MAX)),
            search.method_ident.clone(),
            search.entity.clone(),
            res.location.clone(),
        ));
    }
    for (i, t) in spec.types.iter_mut().enumerate() {
        let Some(search) = t.search.as_mut() else { continue };
        let lists_it = |op: &&crate::ir::Operation| op.response == Response::List(Schema::Type(TypeId(i)));
        search.group = spec.operations.iter().find(lists_it).map(|op| op.group);
        search.method_ident = ident(&format!("search_{}", search.entity)).unwrap_or_default();
        placed.push((
            search.group.unwrap_or(GroupId(usize::MAX)),
            search.method_ident.clone(),
            search.entity.clone(),
            t.location.clone(),
        ));
    }
    let mut scopes: BTreeMap<GroupId, naming::NameScope> = BTreeMap::new();
    for (group, method, entity, loc) in placed {
        let Some(g) = spec.groups.get(group.0) else {
            diags.error_help(
                &loc,
                format!("search entity `{entity}` has no client group to expose it"),
                "give the resource an operation, or list these rows with a report operation",
            );
            continue;
        };
        let scope = scopes.entry(group).or_insert_with(|| {
            let mut scope = naming::NameScope::default();
            for op in g.operations.iter().filter_map(|id| spec.operations.get(id.0)) {
                scope.claim(
                    &op.ident,
                    &format!("operation `{}`", op.id),
                    &op.location,
                    "",
                    &mut Diagnostics::default(),
                );
            }
            scope
        });
        scope.claim(&method, &format!("the search of `{entity}`"), &loc, &format!("group `{}`", g.name), diags);
    }
}

/// Every generated type name (enums, value types, resources, request bodies, input structs, groups)
/// must be unique, because the client puts them in one module.
fn check_type_name_collisions(spec: &Spec, diags: &mut Diagnostics) {
    let mut scope = naming::NameScope::default();
    let module = "the generated models";
    for e in &spec.enums {
        scope.claim(&e.rust.pascal, &format!("enum `{}`", e.name), &e.location, module, diags);
    }
    for r in &spec.resources {
        scope.claim(&r.rust.pascal, &format!("resource `{}`", r.name), &r.location, module, diags);
    }
    let searches = spec
        .resources
        .iter()
        .filter_map(|r| r.search.as_ref().map(|s| (s, &r.location)))
        .chain(spec.types.iter().filter_map(|t| t.search.as_ref().map(|s| (s, &t.location))));
    for (search, loc) in searches {
        scope.claim(&search.field_rust, &format!("the search fields of `{}`", search.entity), loc, module, diags);
        scope.claim(&search.hit_rust, &format!("the search results of `{}`", search.entity), loc, module, diags);
    }
    for t in &spec.types {
        scope.claim(&t.rust.pascal, &format!("type `{}`", t.name), &t.location, module, diags);
        if let Some(input) = &t.input_rust {
            scope.claim(input, &format!("the request form of type `{}`", t.name), &t.location, module, diags);
        }
    }
    for op in &spec.operations {
        if let Some(body) = &op.body {
            scope.claim(&body.rust, &format!("the body of operation `{}`", op.id), &op.location, module, diags);
        }
    }
    let mut requests = naming::NameScope::default();
    for op in &spec.operations {
        let origin = format!("the request builder of operation `{}`", op.id);
        requests.claim(&op.request_rust, &origin, &op.location, "the generated operations", diags);
    }
    for g in &spec.groups {
        let origin = format!("the group `{}`", g.name);
        requests.claim(&g.rust.pascal, &origin, &g.location, "the generated operations", diags);
    }
}
