//! Operations: paths, parameters, filters, pagination, bodies, responses and groups.

use std::collections::BTreeMap;

use super::fields::{parse_input_rule, resolve_fields, resolve_type};
use super::naming::{self, NameScope};
use super::report::{ReportOp, resolve_report};
use super::{Named, Resolver, ident, pascal};
use crate::ir::{
    Api, Body, BodyField, Field, Filter, FilterOp, Group, GroupId, Location, Method, OpKind, Operation, OperationId,
    Pagination, PaginationStyle, ParamBinding, PathParam, PathSegment, PathTemplate, PerPage, Presence, QueryParam,
    Resource, ResourceId, Response, Schema, TypeId, TypeRef,
};
use crate::raw::{RawOperation, RawResponse, RawSpec};
use crate::read::Located;

const KINDS: &[(&str, OpKind)] = &[
    ("list", OpKind::List),
    ("get", OpKind::Get),
    ("create", OpKind::Create),
    ("update", OpKind::Update),
    ("delete", OpKind::Delete),
    ("action", OpKind::Action),
    ("report", OpKind::Report),
];

/// Query parameters every paginated operation has; the spec may not redeclare them.
const PAGING_PARAMS: &[&str] = &["page", "per_page", "cursor"];

/// Where an operation was declared.
struct Owner {
    group: GroupId,
    resource: Option<ResourceId>,
}

/// Resolves every operation and builds the client groups.
pub(crate) fn resolve_operations(
    r: &mut Resolver<'_>,
    raw: &RawSpec,
    resources: &mut [Resource],
    api: &Api,
) -> (Vec<Group>, Vec<Operation>) {
    let mut groups: Vec<Group> = Vec::new();
    let mut group_names = NameScope::default();
    let mut ops = Vec::new();
    let mut pending: Vec<(&RawOperation, Owner)> = Vec::new();
    for (i, res) in raw.resources.iter().enumerate() {
        if res.operations.is_empty() {
            continue;
        }
        let name = resources[i].plural.clone();
        group_names.claim(
            &name,
            &format!("the group of resource `{}`", res.name.value),
            &res.name.loc,
            "client groups",
            r.diags,
        );
        let id = GroupId(groups.len());
        groups.push(Group {
            rust: naming::rust_name(&name, &res.name.loc, "group", r.diags),
            name,
            doc: resources[i].doc.clone(),
            resource: Some(ResourceId(i)),
            operations: Vec::new(),
            location: res.name.loc.clone(),
        });
        pending.extend(res.operations.iter().map(|op| (op, Owner { group: id, resource: Some(ResourceId(i)) })));
    }
    for g in &raw.groups {
        group_names.claim(&g.name.value, &format!("group `{}`", g.name.value), &g.name.loc, "client groups", r.diags);
        let id = GroupId(groups.len());
        groups.push(Group {
            rust: naming::rust_name(&g.name.value, &g.name.loc, "group", r.diags),
            name: g.name.value.clone(),
            doc: g.doc.clone().unwrap_or_default(),
            resource: None,
            operations: Vec::new(),
            location: g.name.loc.clone(),
        });
        for op in &g.operations {
            let resource = op.resource.as_ref().and_then(|res| match r.lookup(&res.value, &res.loc, "resource") {
                Some(Named::Resource(id)) => Some(id),
                _ => None,
            });
            pending.push((op, Owner { group: id, resource }));
        }
    }
    let mut ids = NameScope::default();
    let mut routes = NameScope::default();
    let mut methods: BTreeMap<GroupId, NameScope> = BTreeMap::new();
    for (raw_op, owner) in pending {
        ids.claim(
            &raw_op.id.value,
            &format!("operation `{}`", raw_op.id.value),
            &raw_op.id.loc,
            "operation names",
            r.diags,
        );
        let Some(op) = resolve_operation(r, raw_op, &owner, resources, api) else { continue };
        routes.claim(
            &format!("{} {}", op.method.as_str(), op.path.raw),
            &format!("operation `{}`", op.id),
            &op.location,
            "routes",
            r.diags,
        );
        let group_name = groups[owner.group.0].name.clone();
        let group_has_resource = groups[owner.group.0].resource.is_some();
        methods.entry(owner.group).or_default().claim(
            &op.ident,
            &format!("operation `{}`", op.id),
            &op.location,
            &format!("group `{group_name}`"),
            r.diags,
        );
        let id = OperationId(ops.len());
        groups[owner.group.0].operations.push(id);
        if let Some(res) = owner.resource.filter(|_| group_has_resource) {
            resources[res.0].operations.push(id);
        }
        ops.push(op);
    }
    (groups, ops)
}

fn resolve_operation(
    r: &mut Resolver<'_>,
    raw: &RawOperation,
    owner: &Owner,
    resources: &[Resource],
    api: &Api,
) -> Option<Operation> {
    let id = &raw.id;
    let need =
        |r: &mut Resolver<'_>, value: &Option<Located<String>>, key: &str, example: &str| -> Option<Located<String>> {
            if value.is_none() {
                r.diags.error_help(
                    &id.loc,
                    format!("operation `{}` has no `{key}`", id.value),
                    format!("add `{key}: {example}`"),
                );
            }
            value.clone()
        };
    let kind_word = need(r, &raw.kind, "kind", "list");
    let method_word = need(r, &raw.method, "method", "GET");
    let path_word = need(r, &raw.path, "path", "/clients");
    let kind = kind_word.as_ref().and_then(|k| r.keyword(k, KINDS, "operation kind"));
    let method = method_word.as_ref().and_then(|m| parse_method(r, m));
    let status = match &raw.status {
        Some(s) if (100..=599).contains(&s.value) => u16::try_from(s.value).ok(),
        Some(s) => {
            r.diags.error(&s.loc, format!("status {} is not an HTTP status code", s.value));
            None
        }
        None => {
            r.diags.error_help(
                &id.loc,
                format!("operation `{}` has no `status`", id.value),
                "add `status: 200` (201 for creates)",
            );
            None
        }
    };
    let resource = owner.resource;
    let (path, path_params) = path_word
        .as_ref()
        .map(|p| resolve_path(r, raw, p, resource, resources))
        .unwrap_or_else(|| (PathTemplate { raw: String::new(), segments: Vec::new() }, Vec::new()));
    // Names are the interpreter's: a catalog, when given, checks them once the spec is built.
    let behavior = raw.behavior.as_ref().map(|b| b.value.clone());
    let selects_current_user = resolve_selects(r, raw, resource, resources, api);
    let (kind, method, status) = (kind?, method?, status?);
    let op_ident = match &raw.name {
        Some(n) => ident(&n.value).or_else(|| {
            r.diags.error(&n.loc, format!("`name: {}` gives no Rust identifier", n.value));
            None
        })?,
        None => match kind {
            OpKind::Action | OpKind::Report => {
                r.diags.error_help(
                    &id.loc,
                    format!("{} operation `{}` needs a `name`", kind_name(kind), id.value),
                    "add e.g. `name: restart` (the client method name)",
                );
                return None;
            }
            other => kind_name(other).to_string(),
        },
    };
    let request_rust = match pascal(&id.value) {
        Some(p) => format!("{p}Request"),
        None => {
            r.diags.error(&id.loc, format!("operation `{}` gives no Rust type name for its request builder", id.value));
            return None;
        }
    };
    let response = resolve_response(r, raw, kind, resource, resources)?;
    let record = match &response {
        Response::One(s) | Response::List(s) | Response::BareList { item: s, .. } => Some(*s),
        Response::None => resource.map(Schema::Resource),
    };
    let query = resolve_filters(r, raw, record, resources);
    let pagination = resolve_pagination(r, raw, kind, resource, resources, api);
    let body = resolve_body(r, raw, kind, resource, resources);
    let report = raw.report.as_ref().and_then(|rep| {
        let op = ReportOp { id: &id.value, kind, resource, response: &response, query: &query };
        resolve_report(r, rep, &op, resources)
    });
    Some(Operation {
        id: id.value.clone(),
        ident: op_ident,
        request_rust,
        idempotent: method.is_idempotent(),
        group: owner.group,
        resource,
        kind,
        method,
        path,
        path_params,
        query,
        pagination,
        body,
        response,
        status,
        behavior,
        behavior_location: raw.behavior.as_ref().map(|b| b.loc.clone()),
        selects_current_user,
        report,
        access: None,
        doc: raw.doc.clone().unwrap_or_default(),
        location: id.loc.clone(),
    })
}

/// `selects: current_user`: the operation answers with the authenticated user's record.
fn resolve_selects(
    r: &mut Resolver<'_>,
    raw: &RawOperation,
    resource: Option<ResourceId>,
    resources: &[Resource],
    api: &Api,
) -> bool {
    let Some(word) = &raw.selects else { return false };
    if r.keyword(word, &[("current_user", ())], "selection").is_none() {
        return false;
    }
    let Some(user) = api.current_user else {
        r.diags.error_help(
            &word.loc,
            format!("operation `{}` selects the current user, but `api` declares no `current_user`", raw.id.value),
            "add `current_user: user` (the resource of the API's users) to the `api` section",
        );
        return false;
    };
    if resource != Some(user) {
        let name = |id: ResourceId| resources.get(id.0).map(|res| res.name.as_str()).unwrap_or("?");
        let own = resource.map(|id| format!("resource `{}`", name(id))).unwrap_or_else(|| "no resource".into());
        r.diags.error_help(
            &word.loc,
            format!(
                "operation `{}` selects the current user, but it works on {own}, not on the current user's `{}`",
                raw.id.value,
                name(user)
            ),
            format!("move the operation under resource `{}`, or remove `selects`", name(user)),
        );
        return false;
    }
    true
}

fn kind_name(kind: OpKind) -> &'static str {
    KINDS.iter().find(|(_, k)| *k == kind).map(|(n, _)| *n).unwrap_or("action")
}

fn parse_method(r: &mut Resolver<'_>, word: &Located<String>) -> Option<Method> {
    match word.value.as_str() {
        "GET" => Some(Method::Get),
        "POST" => Some(Method::Post),
        "PATCH" => Some(Method::Patch),
        "DELETE" => Some(Method::Delete),
        "PUT" => {
            r.diags.error_help(&word.loc, "method `PUT` is not used by this API", "Harvest updates with `PATCH`");
            None
        }
        other => {
            r.diags.error_help(
                &word.loc,
                format!("unknown method `{other}`"),
                "one of: GET, POST, PATCH, DELETE (upper case)",
            );
            None
        }
    }
}

fn resolve_path(
    r: &mut Resolver<'_>,
    raw: &RawOperation,
    path: &Located<String>,
    resource: Option<ResourceId>,
    resources: &[Resource],
) -> (PathTemplate, Vec<PathParam>) {
    let mut segments = Vec::new();
    let mut params: Vec<PathParam> = Vec::new();
    if !path.value.starts_with('/') || (path.value.len() > 1 && path.value.ends_with('/')) {
        r.diags.error_help(
            &path.loc,
            format!("path `{}` must start with `/` and not end with one", path.value),
            "write e.g. `/clients/{client_id}`",
        );
    }
    for seg in path.value.split('/').filter(|s| !s.is_empty()) {
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let binding = raw.params.iter().find(|(k, _)| k.value == name).map(|(_, v)| v);
            let binding = match binding {
                None => {
                    r.diags.error_help(
                        &path.loc,
                        format!("path parameter `{name}` of `{}` is not declared in `params`", raw.id.value),
                        format!("add `params: {{{name}: self}}` (or the ref field it selects)"),
                    );
                    ParamBinding::SelfId
                }
                Some(b) if b.value == "self" => ParamBinding::SelfId,
                Some(b) => {
                    let field = resource.and_then(|res| resources[res.0].field(&b.value));
                    if !matches!(field.map(|f| &f.ty), Some(TypeRef::Ref(_))) {
                        let owner = resource.map(|res| resources[res.0].name.as_str()).unwrap_or("(no resource)");
                        r.diags.error_help(
                            &b.loc,
                            format!("`{name}: {}` must be `self` or a ref field of `{owner}`", b.value),
                            "name the ref field the parameter selects, e.g. `project`",
                        );
                    }
                    ParamBinding::Parent(b.value.clone())
                }
            };
            if params.iter().any(|p| p.name == name) {
                r.diags.error(&path.loc, format!("path parameter `{name}` appears twice in `{}`", path.value));
            }
            let param_ident = ident(name).unwrap_or_else(|| "param".into());
            segments.push(PathSegment::Param(params.len()));
            params.push(PathParam { name: name.to_string(), ident: param_ident, binding });
        } else if seg.contains(['{', '}']) {
            r.diags.error_help(
                &path.loc,
                format!("path segment `{seg}` mixes text and a parameter"),
                "a parameter must be a whole segment, e.g. `/clients/{client_id}`",
            );
        } else {
            segments.push(PathSegment::Literal(seg.to_string()));
        }
    }
    for (name, _) in &raw.params {
        if !params.iter().any(|p| p.name == name.value) {
            r.diags.error_help(
                &name.loc,
                format!(
                    "parameter `{}` is declared in `params` but missing from the path `{}`",
                    name.value, path.value
                ),
                format!("add `{{{}}}` to the path or remove it from `params`", name.value),
            );
        }
    }
    (PathTemplate { raw: path.value.clone(), segments }, params)
}

fn schema_named(r: &mut Resolver<'_>, name: &str, loc: &Location) -> Option<Schema> {
    match r.lookup(name, loc, "resource or type")? {
        Named::Resource(id) => Some(Schema::Resource(id)),
        Named::Type(id) => Some(Schema::Type(id)),
        Named::Enum(_) => {
            r.diags.error_help(
                loc,
                format!("`{name}` is an enum; a response must be a resource or a type"),
                "name a resource or a type",
            );
            None
        }
    }
}

fn resolve_response(
    r: &mut Resolver<'_>,
    raw: &RawOperation,
    kind: OpKind,
    resource: Option<ResourceId>,
    _resources: &[Resource],
) -> Option<Response> {
    let listy = matches!(kind, OpKind::List | OpKind::Report);
    match &raw.response {
        Some(Located { value: RawResponse::Named(name), .. }) if name == "none" => Some(Response::None),
        Some(Located { value: RawResponse::Named(name), loc }) => {
            let schema = schema_named(r, name, loc)?;
            Some(if listy { Response::List(schema) } else { Response::One(schema) })
        }
        Some(Located { value: RawResponse::Bare { key, item }, loc }) => {
            let item = schema_named(r, item, loc)?;
            Some(Response::BareList { key: key.clone(), item })
        }
        None => match (kind, resource) {
            (OpKind::Delete, _) => Some(Response::None),
            (OpKind::List, Some(res)) => Some(Response::List(Schema::Resource(res))),
            (OpKind::Get | OpKind::Create | OpKind::Update, Some(res)) => Some(Response::One(Schema::Resource(res))),
            _ => {
                r.diags.error_help(
                    &raw.id.loc,
                    format!("operation `{}` needs a `response`", raw.id.value),
                    "write `response: NAME` (a resource or type), or `response: none`",
                );
                None
            }
        },
    }
}

/// Follows a dotted field path through refs and value types.
fn field_path_exists(r: &Resolver<'_>, fields: &[Field], path: &str, resources: &[Resource]) -> bool {
    let mut current: &[Field] = fields;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let Some(field) = current.iter().find(|f| f.name == part) else { return false };
        if parts.peek().is_none() {
            return true;
        }
        let mut ty = &field.ty;
        while let TypeRef::Array(inner) = ty {
            ty = inner;
        }
        current = match ty {
            TypeRef::Ref(rt) => &resources[rt.target.0].fields,
            TypeRef::Object(t) => r.types.get(t.0).map(|t| t.fields.as_slice()).unwrap_or(&[]),
            _ => return false,
        };
    }
    false
}

fn record_fields<'a>(r: &'a Resolver<'_>, schema: Schema, resources: &'a [Resource]) -> &'a [Field] {
    match schema {
        Schema::Resource(id) => &resources[id.0].fields,
        Schema::Type(TypeId(i)) => r.types.get(i).map(|t| t.fields.as_slice()).unwrap_or(&[]),
    }
}

fn resolve_filters(
    r: &mut Resolver<'_>,
    raw: &RawOperation,
    record: Option<Schema>,
    resources: &[Resource],
) -> Vec<QueryParam> {
    let mut out = Vec::new();
    let mut scope = NameScope::default();
    for f in &raw.filters {
        if PAGING_PARAMS.contains(&f.name.value.as_str()) {
            r.diags.error_help(
                &f.name.loc,
                format!("`{}` is added to every paginated operation; do not declare it", f.name.value),
                "remove it; set bounds with `per_page: {default, max}`",
            );
            continue;
        }
        let Some(param_ident) = ident(&f.name.value) else {
            r.diags.error(&f.name.loc, format!("query parameter `{}` gives no Rust identifier", f.name.value));
            continue;
        };
        scope.claim(
            &param_ident,
            &format!("query parameter `{}`", f.name.value),
            &f.name.loc,
            &format!("operation `{}`", raw.id.value),
            r.diags,
        );
        let Some(ty_expr) = &f.ty else {
            r.diags.error_help(
                &f.name.loc,
                format!("query parameter `{}` has no `type`", f.name.value),
                "write e.g. `{type: boolean, field: is_active}`",
            );
            continue;
        };
        let Some(ty) = resolve_type(r, &ty_expr.value, &ty_expr.loc) else { continue };
        let op = match &f.op {
            None => FilterOp::Eq,
            Some(w) => match w.value.as_str() {
                "eq" => FilterOp::Eq,
                "gte" => FilterOp::Gte,
                "lte" => FilterOp::Lte,
                other => {
                    r.diags.error_help(&w.loc, format!("unknown filter op `{other}`"), "one of: eq, gte, lte");
                    FilterOp::Eq
                }
            },
        };
        let filter = f.field.as_ref().map(|field| {
            let known = match record {
                Some(schema) => {
                    let fields = record_fields(r, schema, resources).to_vec();
                    field_path_exists(r, &fields, &field.value, resources)
                }
                None => false,
            };
            if !known {
                r.diags.error_help(
                    &field.loc,
                    format!(
                        "filter `{}` of `{}` names `{}`, which is not a field of its records",
                        f.name.value, raw.id.value, field.value
                    ),
                    "name a field (dotted paths go through refs: `external_reference.id`)",
                );
            }
            Filter { field: field.value.clone(), op }
        });
        out.push(QueryParam {
            name: f.name.value.clone(),
            ident: param_ident,
            ty,
            required: f.required,
            filter,
            doc: f.doc.clone().unwrap_or_default(),
        });
    }
    out
}

fn resolve_pagination(
    r: &mut Resolver<'_>,
    raw: &RawOperation,
    kind: OpKind,
    resource: Option<ResourceId>,
    resources: &[Resource],
    api: &Api,
) -> Option<Pagination> {
    let listy = matches!(kind, OpKind::List | OpKind::Report);
    let Some(style_word) = &raw.pagination else {
        if listy {
            r.diags.error_help(
                &raw.id.loc,
                format!("{} operation `{}` has no `pagination`", kind_name(kind), raw.id.value),
                "add `pagination: cursor` or `pagination: page`",
            );
        }
        return None;
    };
    if !listy && !matches!(raw.response, Some(Located { value: RawResponse::Named(_), .. })) {
        r.diags.error_help(
            &style_word.loc,
            format!("`pagination` on `{}`, which is not a list", raw.id.value),
            "remove it, or make the operation `kind: list`",
        );
        return None;
    }
    let style = match style_word.value.as_str() {
        "cursor" => PaginationStyle::Cursor,
        "page" => PaginationStyle::Page,
        other => {
            r.diags.error_help(&style_word.loc, format!("unknown pagination `{other}`"), "one of: cursor, page");
            return None;
        }
    };
    let default = raw.per_page_default.as_ref().map(|d| d.value).unwrap_or(api.pagination.default);
    let max = raw.per_page_max.as_ref().map(|d| d.value).unwrap_or(api.pagination.max);
    let loc = raw
        .per_page_default
        .as_ref()
        .or(raw.per_page_max.as_ref())
        .map(|l| l.loc.clone())
        .unwrap_or_else(|| style_word.loc.clone());
    if default == 0 || default > max {
        r.diags.error_help(
            &loc,
            format!("per_page default {default} of `{}` is outside 1..={max}", raw.id.value),
            "make 1 <= default <= max",
        );
    }
    if max > api.pagination.max && api.pagination.max > 0 {
        r.diags.error_help(
            &loc,
            format!("per_page max {max} of `{}` exceeds the API's max_per_page {}", raw.id.value, api.pagination.max),
            "lower it to the API's limit",
        );
    }
    let envelope = match (&raw.envelope, kind, resource) {
        (Some(e), _, _) => e.value.clone(),
        (None, OpKind::Report, _) => "results".to_string(),
        (None, _, Some(res)) => resources[res.0].plural.clone(),
        (None, _, None) => {
            r.diags.error_help(
                &style_word.loc,
                format!("list `{}` has no resource; name its `envelope`", raw.id.value),
                "add `envelope: KEY`",
            );
            String::new()
        }
    };
    Some(Pagination { style, per_page: PerPage { default, max }, envelope })
}

/// Names the request struct of a type used in a body, and of every type its request fields use.
fn mark_input(r: &mut Resolver<'_>, t: TypeId) {
    let Some(def) = r.types.get_mut(t.0).filter(|def| def.input_rust.is_none()) else { return };
    def.input_rust = Some(format!("{}Input", def.rust.pascal));
    let nested: Vec<TypeRef> =
        def.fields.iter().filter(|f| !f.input.is_read_only()).chain(&def.inputs).map(|f| f.ty.clone()).collect();
    for ty in nested {
        body_type(r, &ty);
    }
}

fn body_type(r: &mut Resolver<'_>, ty: &TypeRef) -> TypeRef {
    match ty {
        TypeRef::Ref(_) => TypeRef::Id,
        TypeRef::Object(t) => {
            mark_input(r, *t);
            TypeRef::Object(*t)
        }
        TypeRef::Array(inner) => TypeRef::Array(Box::new(body_type(r, inner))),
        other => other.clone(),
    }
}

fn resolve_body(
    r: &mut Resolver<'_>,
    raw: &RawOperation,
    kind: OpKind,
    resource: Option<ResourceId>,
    resources: &[Resource],
) -> Option<Body> {
    let (extra, _) = resolve_fields(r, &raw.id.value, &raw.body, true);
    for f in &raw.body {
        if let Some(word) = &f.input {
            parse_input_rule(r, word);
        }
    }
    let mut candidates: Vec<(Field, bool)> = Vec::new();
    if let Some(res) = resource.filter(|_| matches!(kind, OpKind::Create | OpKind::Update)) {
        let res = &resources[res.0];
        for f in res.fields.iter().chain(&res.inputs) {
            let accepted = match kind {
                OpKind::Create => f.input.create != Presence::Absent,
                _ => f.input.update,
            };
            if accepted {
                candidates.push((f.clone(), kind == OpKind::Create && f.input.create == Presence::Required));
            }
        }
    }
    for f in extra {
        let required = f.input.create == Presence::Required;
        candidates.push((f, required));
    }
    if candidates.is_empty() {
        return None;
    }
    let mut scope = NameScope::default();
    let mut fields = Vec::new();
    for (f, required) in candidates {
        scope.claim(
            &f.input_ident,
            &format!("body field `{}`", f.input_name),
            &f.location,
            &format!("the body of `{}`", raw.id.value),
            r.diags,
        );
        let target = (f.input_name != f.name || resource.is_some_and(|res| resources[res.0].field(&f.name).is_some()))
            .then(|| f.name.clone());
        fields.push(BodyField {
            name: f.input_name.clone(),
            ident: f.input_ident.clone(),
            ty: body_type(r, &f.ty),
            required,
            nullable: f.nullable,
            target,
            default: f.default.clone(),
            doc: f.doc.clone(),
        });
    }
    let rust = match pascal(&raw.id.value) {
        Some(p) => format!("{p}Body"),
        None => {
            r.diags.error(&raw.id.loc, format!("operation `{}` gives no Rust type name for its body", raw.id.value));
            return None;
        }
    };
    Some(Body { rust, fields })
}
