//! The spec as written: one struct per YAML section, with locations.
//!
//! Reading checks shapes and keys only; names, references and cross-rules are
//! checked when the raw documents are resolved into the IR.

mod access;
mod report;
mod rules;

pub(crate) use access::{RawAccess, RawManaged, RawManagers, RawRates};
pub(crate) use report::{RawCondition, RawExclusion, RawReport, RawSource, RawWindow};
pub(crate) use rules::{RawCompute, RawStates};

use crate::ir::Location;
use crate::read::{Entries, Located, Reader};
use crate::tree::{Node, Value};

/// Everything read from one or more documents.
#[derive(Debug, Default)]
pub(crate) struct RawSpec {
    pub(crate) apis: Vec<Located<RawApi>>,
    pub(crate) enums: Vec<RawEnum>,
    pub(crate) types: Vec<RawType>,
    pub(crate) resources: Vec<RawResource>,
    pub(crate) groups: Vec<RawGroup>,
}

#[derive(Debug, Default)]
pub(crate) struct RawApi {
    pub(crate) title: Option<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) path_prefixes: Vec<Located<String>>,
    pub(crate) auth: Vec<AuthEntry>,
    pub(crate) rate_limits: Vec<RawRateLimit>,
    pub(crate) default_per_page: Option<Located<u32>>,
    pub(crate) max_per_page: Option<Located<u32>>,
    pub(crate) errors: Vec<(Located<String>, serde_json::Value)>,
    pub(crate) current_user: Option<Located<String>>,
    pub(crate) roles: Option<Located<String>>,
    pub(crate) location_prefix: Option<Located<String>>,
    /// `require_docs: true`: every field and filter must have a `doc`.
    pub(crate) require_docs: bool,
}

/// One `auth` key with its text value, or its boolean for `user_agent_required`.
pub(crate) type AuthEntry = (Located<String>, Option<Located<String>>, Option<bool>);

#[derive(Debug)]
pub(crate) struct RawRateLimit {
    pub(crate) name: Option<String>,
    pub(crate) path_prefix: Option<String>,
    pub(crate) requests: Option<u32>,
    pub(crate) per_seconds: Option<u32>,
    pub(crate) loc: Location,
}

#[derive(Debug)]
pub(crate) struct RawEnum {
    pub(crate) name: Located<String>,
    pub(crate) doc: Option<String>,
    pub(crate) values: Vec<Located<String>>,
}

/// A type expression: a name or `[T]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TypeExpr {
    Named(String),
    Array(Box<TypeExpr>),
}

#[derive(Debug, Default)]
pub(crate) struct RawField {
    pub(crate) name: Located<String>,
    pub(crate) ty: Option<Located<TypeExpr>>,
    pub(crate) reference: Option<Located<String>>,
    pub(crate) embed: Vec<Located<String>>,
    pub(crate) via: Option<Located<String>>,
    pub(crate) derive: Option<Located<String>>,
    pub(crate) matches: Vec<(Located<String>, Located<String>)>,
    pub(crate) references: Option<Located<String>>,
    pub(crate) nullable: bool,
    pub(crate) optional: bool,
    pub(crate) hidden: bool,
    pub(crate) input: Option<Located<String>>,
    pub(crate) required: bool,
    pub(crate) default: Option<serde_json::Value>,
    pub(crate) seed: Option<serde_json::Value>,
    /// `minimum` or `exclusive_minimum` (the key, the value as written).
    pub(crate) minimums: Vec<(Located<String>, serde_json::Value)>,
    pub(crate) required_unless: Option<Located<String>>,
    pub(crate) fake: Option<Located<String>>,
    pub(crate) field: Option<Located<String>>,
    pub(crate) op: Option<Located<String>>,
    pub(crate) doc: Option<String>,
    pub(crate) deprecated: bool,
    pub(crate) role: Option<Located<String>>,
    pub(crate) compute: Option<RawCompute>,
}

impl Default for Located<String> {
    fn default() -> Self {
        Located { value: String::new(), loc: Location::default() }
    }
}

#[derive(Debug)]
pub(crate) struct RawSearch {
    pub(crate) entity: Option<Located<String>>,
    pub(crate) fields: Vec<Located<String>>,
    pub(crate) loc: Location,
}

#[derive(Debug)]
pub(crate) struct RawType {
    pub(crate) name: Located<String>,
    pub(crate) doc: Option<String>,
    pub(crate) fields: Vec<RawField>,
    pub(crate) inputs: Vec<RawField>,
    pub(crate) search: Option<RawSearch>,
}

#[derive(Debug)]
pub(crate) struct RawDelete {
    pub(crate) when: Option<Located<String>>,
    pub(crate) then: Option<Located<String>>,
    pub(crate) message: Option<String>,
    pub(crate) also: Vec<(Located<String>, serde_json::Value)>,
    pub(crate) also_loc: Option<Location>,
    pub(crate) loc: Location,
}

#[derive(Debug)]
pub(crate) struct RawResource {
    pub(crate) name: Located<String>,
    pub(crate) doc: Option<String>,
    pub(crate) plural: Option<Located<String>>,
    pub(crate) singleton: bool,
    pub(crate) name_from: Vec<Located<String>>,
    pub(crate) seed_count: Option<u32>,
    pub(crate) sort: Vec<Located<String>>,
    pub(crate) fields: Vec<RawField>,
    pub(crate) inputs: Vec<RawField>,
    pub(crate) search: Option<RawSearch>,
    pub(crate) delete: Vec<RawDelete>,
    pub(crate) states: Option<RawStates>,
    pub(crate) access: Option<RawAccess>,
    pub(crate) operations: Vec<RawOperation>,
}

#[derive(Debug)]
pub(crate) struct RawGroup {
    pub(crate) name: Located<String>,
    pub(crate) doc: Option<String>,
    pub(crate) operations: Vec<RawOperation>,
}

/// What an operation answers with, as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawResponse {
    Named(String),
    Bare { key: String, item: String },
}

#[derive(Debug)]
pub(crate) struct RawOperation {
    pub(crate) id: Located<String>,
    pub(crate) kind: Option<Located<String>>,
    pub(crate) method: Option<Located<String>>,
    pub(crate) path: Option<Located<String>>,
    pub(crate) status: Option<Located<u32>>,
    pub(crate) name: Option<Located<String>>,
    pub(crate) params: Vec<(Located<String>, Located<String>)>,
    pub(crate) pagination: Option<Located<String>>,
    pub(crate) per_page_default: Option<Located<u32>>,
    pub(crate) per_page_max: Option<Located<u32>>,
    pub(crate) envelope: Option<Located<String>>,
    pub(crate) filters: Vec<RawField>,
    pub(crate) body: Vec<RawField>,
    pub(crate) response: Option<Located<RawResponse>>,
    pub(crate) resource: Option<Located<String>>,
    pub(crate) behavior: Option<Located<String>>,
    pub(crate) selects: Option<Located<String>>,
    pub(crate) report: Option<RawReport>,
    pub(crate) access: Option<RawAccess>,
    pub(crate) doc: Option<String>,
}

const TOP_KEYS: &[&str] = &["api", "enums", "types", "resources", "groups"];
const API_KEYS: &[&str] = &[
    "title",
    "base_url",
    "path_prefixes",
    "auth",
    "rate_limits",
    "pagination",
    "errors",
    "current_user",
    "roles",
    "location_prefix",
    "require_docs",
];
const AUTH_KEYS: &[&str] = &["token_header", "account_header", "token_query", "account_query", "user_agent_required"];
const RATE_KEYS: &[&str] = &["name", "path_prefix", "requests", "per_seconds"];
const PAGINATION_KEYS: &[&str] = &["default_per_page", "max_per_page"];
const ENUM_KEYS: &[&str] = &["doc", "values"];
const FIELD_KEYS: &[&str] = &[
    "type",
    "ref",
    "embed",
    "via",
    "derive",
    "match",
    "references",
    "nullable",
    "optional",
    "hidden",
    "input",
    "default",
    "fake",
    "doc",
    "deprecated",
    "role",
    "compute",
    "seed",
    "minimum",
    "exclusive_minimum",
    "required_unless",
];
const FILTER_KEYS: &[&str] = &["type", "field", "op", "required", "doc"];
const TYPE_KEYS: &[&str] = &["doc", "fields", "inputs", "search"];
const SEARCH_KEYS: &[&str] = &["entity", "fields"];
const RESOURCE_KEYS: &[&str] = &[
    "doc",
    "plural",
    "singleton",
    "name_from",
    "seed",
    "sort",
    "fields",
    "inputs",
    "search",
    "delete",
    "states",
    "access",
    "operations",
];
const SEED_KEYS: &[&str] = &["count"];
const DELETE_KEYS: &[&str] = &["when", "then", "message", "also"];
const GROUP_KEYS: &[&str] = &["doc", "operations"];
const OPERATION_KEYS: &[&str] = &[
    "kind",
    "method",
    "path",
    "status",
    "name",
    "params",
    "pagination",
    "per_page",
    "envelope",
    "filters",
    "body",
    "response",
    "resource",
    "behavior",
    "selects",
    "report",
    "access",
    "doc",
];
const PER_PAGE_KEYS: &[&str] = &["default", "max"];
const BARE_KEYS: &[&str] = &["bare", "item"];

/// Reads one document into `spec`.
pub(crate) fn read_document(r: &mut Reader<'_>, root: &Node, spec: &mut RawSpec) {
    if root.value == Value::Null {
        return;
    }
    let Some(top) = r.map(root, "the document", TOP_KEYS) else { return };
    if let Some(node) = top.get("api") {
        let loc = r.loc(node);
        if let Some(api) = read_api(r, node) {
            spec.apis.push(Located { value: api, loc });
        }
    }
    for_each_named(r, top.get("enums"), "enums", |r, name, node| {
        let e = r.map(node, &format!("enum `{}`", name.value), ENUM_KEYS)?;
        spec.enums.push(RawEnum {
            name,
            doc: opt_string(r, &e, "doc"),
            values: e.get("values").map(|v| r.strings(v, "enum values")).unwrap_or_default(),
        });
        Some(())
    });
    for_each_named(r, top.get("types"), "types", |r, name, node| {
        let t = r.map(node, &format!("type `{}`", name.value), TYPE_KEYS)?;
        spec.types.push(RawType {
            doc: opt_string(r, &t, "doc"),
            fields: read_fields(r, t.get("fields"), FIELD_KEYS),
            inputs: read_fields(r, t.get("inputs"), FIELD_KEYS),
            search: t.get("search").and_then(|n| read_search(r, n)),
            name,
        });
        Some(())
    });
    for_each_named(r, top.get("resources"), "resources", |r, name, node| {
        let res = read_resource(r, name, node)?;
        spec.resources.push(res);
        Some(())
    });
    for_each_named(r, top.get("groups"), "groups", |r, name, node| {
        let g = r.map(node, &format!("group `{}`", name.value), GROUP_KEYS)?;
        spec.groups.push(RawGroup {
            doc: opt_string(r, &g, "doc"),
            operations: read_operations(r, g.get("operations")),
            name,
        });
        Some(())
    });
}

fn for_each_named(
    r: &mut Reader<'_>,
    node: Option<&Node>,
    what: &str,
    mut f: impl FnMut(&mut Reader<'_>, Located<String>, &Node) -> Option<()>,
) {
    let Some(node) = node else { return };
    let Some(entries) = r.entries(node, what) else { return };
    for (name, value) in entries.iter() {
        f(r, name.clone(), value);
    }
}

fn opt_string(r: &mut Reader<'_>, m: &Entries<'_>, key: &str) -> Option<String> {
    m.get(key).and_then(|n| r.string(n, &format!("`{key}`"))).map(|s| s.value)
}

fn opt_located(r: &mut Reader<'_>, m: &Entries<'_>, key: &str) -> Option<Located<String>> {
    m.get(key).and_then(|n| r.string(n, &format!("`{key}`")))
}

fn opt_bool(r: &mut Reader<'_>, m: &Entries<'_>, key: &str) -> bool {
    m.get(key).and_then(|n| r.boolean(n, &format!("`{key}`"))).unwrap_or(false)
}

fn opt_u32(r: &mut Reader<'_>, m: &Entries<'_>, key: &str) -> Option<Located<u32>> {
    let node = m.get(key)?;
    let value = r.u32(node, &format!("`{key}`"))?;
    Some(Located { value, loc: r.loc(node) })
}

fn read_api(r: &mut Reader<'_>, node: &Node) -> Option<RawApi> {
    let m = r.map(node, "`api`", API_KEYS)?;
    let mut api = RawApi {
        title: opt_string(r, &m, "title"),
        base_url: opt_string(r, &m, "base_url"),
        current_user: opt_located(r, &m, "current_user"),
        roles: opt_located(r, &m, "roles"),
        location_prefix: opt_located(r, &m, "location_prefix"),
        require_docs: opt_bool(r, &m, "require_docs"),
        path_prefixes: m.get("path_prefixes").map(|n| r.strings(n, "`path_prefixes`")).unwrap_or_default(),
        ..RawApi::default()
    };
    if let Some(auth) = m.get("auth").and_then(|n| r.map(n, "`auth`", AUTH_KEYS)) {
        for (key, value) in auth.iter() {
            if key.value == "user_agent_required" {
                api.auth.push((key.clone(), None, r.boolean(value, "`user_agent_required`")));
            } else {
                api.auth.push((key.clone(), r.string(value, &format!("`{}`", key.value)), None));
            }
        }
    }
    if let Some(list) = m.get("rate_limits") {
        for item in r.list(list, "`rate_limits`") {
            let loc = r.loc(item);
            if let Some(rl) = r.map(item, "a rate limit", RATE_KEYS) {
                api.rate_limits.push(RawRateLimit {
                    name: opt_string(r, &rl, "name"),
                    path_prefix: opt_string(r, &rl, "path_prefix"),
                    requests: opt_u32(r, &rl, "requests").map(|l| l.value),
                    per_seconds: opt_u32(r, &rl, "per_seconds").map(|l| l.value),
                    loc,
                });
            }
        }
    }
    if let Some(p) = m.get("pagination").and_then(|n| r.map(n, "`pagination`", PAGINATION_KEYS)) {
        api.default_per_page = opt_u32(r, &p, "default_per_page");
        api.max_per_page = opt_u32(r, &p, "max_per_page");
    }
    if let Some(errors) = m.get("errors").and_then(|n| r.entries(n, "`errors`")) {
        for (key, value) in errors.iter() {
            api.errors.push((key.clone(), value.to_json()));
        }
    }
    Some(api)
}

fn read_search(r: &mut Reader<'_>, node: &Node) -> Option<RawSearch> {
    let m = r.map(node, "`search`", SEARCH_KEYS)?;
    Some(RawSearch {
        entity: opt_located(r, &m, "entity"),
        fields: m.get("fields").map(|n| r.strings(n, "search fields")).unwrap_or_default(),
        loc: r.loc(node),
    })
}

fn read_type_expr(r: &mut Reader<'_>, node: &Node) -> Option<TypeExpr> {
    match &node.value {
        Value::Str(s) => Some(TypeExpr::Named(s.clone())),
        Value::Seq(items) if items.len() == 1 => read_type_expr(r, &items[0]).map(|t| TypeExpr::Array(Box::new(t))),
        _ => {
            let loc = r.loc(node);
            r.diags.error_help(
                &loc,
                format!("`type` must be a type name or a one-element list, found {}", node.value.kind()),
                "write `type: string` or `type: [string]` for a list of strings",
            );
            None
        }
    }
}

fn read_fields(r: &mut Reader<'_>, node: Option<&Node>, allowed: &[&str]) -> Vec<RawField> {
    let mut fields = Vec::new();
    for_each_named(r, node, "fields", |r, name, node| {
        let m = r.map(node, &format!("field `{}`", name.value), allowed)?;
        let ty = m.get("type").and_then(|n| {
            let loc = r.loc(n);
            read_type_expr(r, n).map(|value| Located { value, loc })
        });
        let mut matches = Vec::new();
        if let Some(pairs) = m.get("match").and_then(|n| r.entries(n, "`match`")) {
            for (theirs, ours) in pairs.iter() {
                if let Some(ours) = r.string(ours, "a `match` value") {
                    matches.push((theirs.clone(), ours));
                }
            }
        }
        fields.push(RawField {
            ty,
            reference: opt_located(r, &m, "ref"),
            embed: m.get("embed").map(|n| r.strings(n, "`embed`")).unwrap_or_default(),
            via: opt_located(r, &m, "via"),
            derive: opt_located(r, &m, "derive"),
            matches,
            references: opt_located(r, &m, "references"),
            nullable: opt_bool(r, &m, "nullable"),
            optional: opt_bool(r, &m, "optional"),
            hidden: opt_bool(r, &m, "hidden"),
            input: opt_located(r, &m, "input"),
            required: opt_bool(r, &m, "required"),
            default: m.get("default").map(Node::to_json),
            seed: m.get("seed").map(Node::to_json),
            minimums: ["minimum", "exclusive_minimum"]
                .into_iter()
                .filter_map(|k| m.get(k).map(|n| (Located { value: k.to_string(), loc: r.loc(n) }, n.to_json())))
                .collect(),
            required_unless: opt_located(r, &m, "required_unless"),
            fake: opt_located(r, &m, "fake"),
            field: opt_located(r, &m, "field"),
            op: opt_located(r, &m, "op"),
            doc: opt_string(r, &m, "doc"),
            deprecated: opt_bool(r, &m, "deprecated"),
            role: opt_located(r, &m, "role"),
            compute: m.get("compute").and_then(|n| rules::read_compute(r, n)),
            name,
        });
        Some(())
    });
    fields
}

fn read_resource(r: &mut Reader<'_>, name: Located<String>, node: &Node) -> Option<RawResource> {
    let m = r.map(node, &format!("resource `{}`", name.value), RESOURCE_KEYS)?;
    let seed_count = m
        .get("seed")
        .and_then(|n| r.map(n, "`seed`", SEED_KEYS))
        .and_then(|s| opt_u32(r, &s, "count"))
        .map(|l| l.value);
    let mut delete = Vec::new();
    if let Some(list) = m.get("delete") {
        for item in r.list(list, "`delete`") {
            let loc = r.loc(item);
            if let Some(d) = r.map(item, "a delete rule", DELETE_KEYS) {
                delete.push(RawDelete {
                    when: opt_located(r, &d, "when"),
                    then: opt_located(r, &d, "then"),
                    message: opt_string(r, &d, "message"),
                    also: d.get("also").map(|n| rules::read_also(r, n)).unwrap_or_default(),
                    also_loc: d.get("also").map(|n| r.loc(n)),
                    loc,
                });
            }
        }
    }
    Some(RawResource {
        doc: opt_string(r, &m, "doc"),
        plural: opt_located(r, &m, "plural"),
        singleton: opt_bool(r, &m, "singleton"),
        name_from: m.get("name_from").map(|n| r.strings(n, "`name_from`")).unwrap_or_default(),
        seed_count,
        sort: m.get("sort").map(|n| r.strings(n, "`sort`")).unwrap_or_default(),
        fields: read_fields(r, m.get("fields"), FIELD_KEYS),
        inputs: read_fields(r, m.get("inputs"), FIELD_KEYS),
        search: m.get("search").and_then(|n| read_search(r, n)),
        delete,
        states: m.get("states").and_then(|n| rules::read_states(r, n)),
        access: m.get("access").and_then(|n| access::read_access(r, n)),
        operations: read_operations(r, m.get("operations")),
        name,
    })
}

fn read_operations(r: &mut Reader<'_>, node: Option<&Node>) -> Vec<RawOperation> {
    let mut ops = Vec::new();
    for_each_named(r, node, "operations", |r, id, node| {
        let m = r.map(node, &format!("operation `{}`", id.value), OPERATION_KEYS)?;
        let mut params = Vec::new();
        if let Some(p) = m.get("params").and_then(|n| r.entries(n, "`params`")) {
            for (name, value) in p.iter() {
                if let Some(binding) = r.string(value, "a path parameter binding") {
                    params.push((name.clone(), binding));
                }
            }
        }
        let (per_page_default, per_page_max) =
            match m.get("per_page").and_then(|n| r.map(n, "`per_page`", PER_PAGE_KEYS)) {
                Some(pp) => (opt_u32(r, &pp, "default"), opt_u32(r, &pp, "max")),
                None => (None, None),
            };
        ops.push(RawOperation {
            kind: opt_located(r, &m, "kind"),
            method: opt_located(r, &m, "method"),
            path: opt_located(r, &m, "path"),
            status: opt_u32(r, &m, "status"),
            name: opt_located(r, &m, "name"),
            params,
            pagination: opt_located(r, &m, "pagination"),
            per_page_default,
            per_page_max,
            envelope: opt_located(r, &m, "envelope"),
            filters: read_fields(r, m.get("filters"), FILTER_KEYS),
            body: read_fields(r, m.get("body"), FIELD_KEYS),
            response: m.get("response").and_then(|n| read_response(r, n)),
            resource: opt_located(r, &m, "resource"),
            behavior: opt_located(r, &m, "behavior"),
            selects: opt_located(r, &m, "selects"),
            report: m.get("report").and_then(|n| report::read_report(r, n)),
            access: m.get("access").and_then(|n| access::read_access(r, n)),
            doc: opt_string(r, &m, "doc"),
            id,
        });
        Some(())
    });
    ops
}

fn read_response(r: &mut Reader<'_>, node: &Node) -> Option<Located<RawResponse>> {
    let loc = r.loc(node);
    let value = match &node.value {
        Value::Str(s) => RawResponse::Named(s.clone()),
        Value::Map(_) => {
            let m = r.map(node, "`response`", BARE_KEYS)?;
            let key = opt_string(r, &m, "bare");
            let item = opt_string(r, &m, "item");
            match (key, item) {
                (Some(key), Some(item)) => RawResponse::Bare { key, item },
                _ => {
                    r.diags.error_help(
                        &loc,
                        "a bare-list response needs `bare` and `item`",
                        "write `response: {bare: teammates, item: teammate}`",
                    );
                    return None;
                }
            }
        }
        _ => {
            r.diags.error_help(
                &loc,
                format!("`response` must be a name or a mapping, found {}", node.value.kind()),
                "write `response: client`, `response: none` or `response: {bare: KEY, item: NAME}`",
            );
            return None;
        }
    };
    Some(Located { value, loc })
}
