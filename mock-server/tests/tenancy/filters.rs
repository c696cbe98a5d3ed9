//! The default data exercises every filter: for each filter of each list in
//! the spec there is a value that keeps some records and drops others, so a
//! filter the server ignored (or applied to everything) would be caught.

use harvest_spec::Spec;
use harvest_spec::ir::{FilterOp, OpKind, Operation, ParamBinding, PathSegment, TypeRef};
use serde_json::json;

use super::*;

/// The values of a dotted path in a record (`client` is the ref's id; through arrays, each element's).
fn values_at(v: &Value, path: &str) -> Vec<Value> {
    let mut current = vec![v.clone()];
    for part in path.split('.') {
        current = current
            .into_iter()
            .flat_map(|x| match x {
                Value::Array(xs) => xs.into_iter().map(|e| e.get(part).cloned().unwrap_or(Value::Null)).collect(),
                other => vec![other.get(part).cloned().unwrap_or(Value::Null)],
            })
            .collect();
    }
    current
        .into_iter()
        .flat_map(|x| match x {
            Value::Array(xs) => xs,
            other => vec![other],
        })
        .map(|x| x.get("id").cloned().unwrap_or(x))
        .filter(|x| !x.is_null())
        .collect()
}

/// The list's path with each parent parameter set to the parent with the most children.
async fn list_paths(s: &AppState, spec: &Spec, op: &Operation) -> Vec<String> {
    let mut paths = vec![String::new()];
    for seg in &op.path.segments {
        match seg {
            PathSegment::Literal(l) => paths.iter_mut().for_each(|p| *p = format!("{p}/{l}")),
            PathSegment::Param(i) => {
                let ParamBinding::Parent(field) = &op.path_params[*i].binding else { return Vec::new() };
                let Some(TypeRef::Ref(rt)) = op.resource.and_then(|r| spec.resource(r).field(field)).map(|f| &f.ty)
                else {
                    return Vec::new();
                };
                let parents = s.ids(&spec.resource(rt.target).name);
                paths = paths.iter().flat_map(|p| parents.iter().map(move |id| format!("{p}/{id}"))).collect();
            }
        }
    }
    let mut best: Vec<(usize, String)> = Vec::new();
    for p in paths {
        let n = items(&call(s, "GET", &format!("/v2{p}?per_page=2000"), None).await.json()).len();
        best.push((n, p));
    }
    best.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    best.into_iter().take(1).map(|(_, p)| p).collect()
}

fn as_query(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn every_filter_of_every_list_splits_the_default_data() {
    let s = state();
    let spec = s.spec().clone();
    let mut checked = 0;
    let mut vacuous = Vec::new();
    for op in spec.operations.iter().filter(|o| o.kind == OpKind::List) {
        let filters: Vec<_> = op.query.iter().filter_map(|q| q.filter.as_ref().map(|f| (q, f))).collect();
        if filters.is_empty() {
            continue;
        }
        let Some(path) = list_paths(&s, &spec, op).await.pop() else { continue };
        let all = items(&call(&s, "GET", &format!("/v2{path}?per_page=2000"), None).await.json());
        for (q, f) in filters {
            let mut seen: Vec<Value> = all.iter().flat_map(|r| values_at(r, &f.field)).collect();
            seen.sort_by_key(|v| v.to_string());
            seen.dedup();
            let candidates: Vec<Value> = match (f.op, &q.ty) {
                (_, TypeRef::Boolean) => vec![json!(true), json!(false)],
                (FilterOp::Eq, _) => seen.iter().take(6).cloned().collect(),
                (_, TypeRef::Date) => {
                    seen.get(seen.len() / 2).map(|v| json!(v.as_str().unwrap_or("").get(..10))).into_iter().collect()
                }
                _ => seen.get(seen.len() / 2).cloned().into_iter().collect(),
            };
            let mut split = None;
            for v in &candidates {
                let uri = format!("/v2{path}?per_page=2000&{}={}", q.name, as_query(v));
                let r = call(&s, "GET", &uri, None).await;
                assert_eq!(r.status, 200, "{uri}: {}", r.text);
                let n = items(&r.json()).len();
                if n > 0 && n < all.len() {
                    split = Some((v.clone(), n));
                    break;
                }
            }
            checked += 1;
            if split.is_none() {
                vacuous.push(format!("{} {path}?{} over {} records (tried {candidates:?})", op.id, q.name, all.len()));
            }
        }
    }
    assert!(checked > 40, "only {checked} filters checked");
    assert!(vacuous.is_empty(), "filters the default data cannot exercise:\n{}", vacuous.join("\n"));
}

/// Every value of every enum filter (invoice and estimate states, approval statuses, …) has
/// records in the default data.
#[tokio::test]
async fn every_value_of_every_enum_filter_has_records() {
    let s = state();
    let spec = s.spec().clone();
    let mut missing = Vec::new();
    let mut checked = 0;
    for op in spec.operations.iter().filter(|o| o.kind == OpKind::List && o.path_params.is_empty()) {
        for q in op.query.iter().filter(|q| q.filter.is_some()) {
            let TypeRef::Enum(e) = &q.ty else { continue };
            for v in &spec.enum_def(*e).values {
                let uri = format!(
                    "/v2{}?per_page=1&{}={}",
                    op.path
                        .segments
                        .iter()
                        .map(|seg| match seg {
                            PathSegment::Literal(l) => format!("/{l}"),
                            PathSegment::Param(_) => String::new(),
                        })
                        .collect::<String>(),
                    q.name,
                    v.wire
                );
                let page = call(&s, "GET", &uri, None).await.json();
                checked += 1;
                if page["total_entries"].as_u64().unwrap_or(0) == 0 {
                    missing.push(format!("{} {}={}", op.id, q.name, v.wire));
                }
            }
        }
    }
    assert!(checked >= 10, "only {checked} enum values checked");
    assert!(missing.is_empty(), "values with no seeded record: {missing:?}");
}
