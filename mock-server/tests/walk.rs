//! Walks every operation of the spec, under both prefixes, with path
//! parameters taken from seeded records: no route may 404 and nothing may 5xx.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use harvest_spec::Spec;
use harvest_spec::ir::{Method, Operation, ParamBinding, PathSegment, Presence, TypeRef};
use serde_json::{Map, Value, json};

fn sample(spec: &Spec, s: &harvest_mock::AppState, ty: &TypeRef, target: Option<&str>, depth: u32) -> Value {
    match ty {
        TypeRef::Id => match target {
            Some(t) => s.ids(t).first().map(|i| json!(i)).unwrap_or(json!(1)),
            None => json!(1),
        },
        TypeRef::Integer => json!(1),
        TypeRef::Decimal => json!(10.0),
        TypeRef::Boolean => json!(true),
        TypeRef::String | TypeRef::Json => json!("walk"),
        TypeRef::Time => json!("9:00am"),
        TypeRef::Date => json!("2025-06-01"),
        TypeRef::DateTime => json!("2025-06-01T10:00:00Z"),
        TypeRef::Enum(e) => json!(spec.enum_def(*e).values[0].wire),
        TypeRef::Ref(rt) => sample(spec, s, &TypeRef::Id, Some(&spec.resource(rt.target).name), depth),
        TypeRef::Object(t) if depth < 3 => {
            let mut m = Map::new();
            for f in &spec.type_def(*t).fields {
                if f.input.create == Presence::Required {
                    let tgt = match &f.ty {
                        TypeRef::Ref(rt) => Some(spec.resource(rt.target).name.clone()),
                        _ => f.references.map(|r| spec.resource(r).name.clone()),
                    };
                    m.insert(f.input_name.clone(), sample(spec, s, &f.ty, tgt.as_deref(), depth + 1));
                }
            }
            Value::Object(m)
        }
        TypeRef::Array(inner) => match inner.as_ref() {
            TypeRef::Id => json!([]),
            other => json!([sample(spec, s, other, target, depth + 1)]),
        },
        _ => Value::Null,
    }
}

fn body_for(spec: &Spec, s: &harvest_mock::AppState, op: &Operation) -> Option<Value> {
    let b = op.body.as_ref()?;
    let res = op.resource.map(|r| spec.resource(r));
    let mut m = Map::new();
    for f in &b.fields {
        if !f.required {
            continue;
        }
        let target = match (res, &f.target) {
            (Some(r), Some(t)) => match r.field(t).map(|x| &x.ty) {
                Some(TypeRef::Ref(rt)) => Some(spec.resource(rt.target).name.clone()),
                _ => None,
            },
            _ => None,
        };
        m.insert(f.name.clone(), sample(spec, s, &f.ty, target.as_deref(), 0));
    }
    Some(Value::Object(m))
}

fn path_for(spec: &Spec, s: &harvest_mock::AppState, op: &Operation) -> String {
    let res = op.resource.map(|r| spec.resource(r).name.clone());
    let id = res.as_deref().and_then(|r| s.ids(r).last().copied()).unwrap_or(1);
    let mut out = String::new();
    for seg in &op.path.segments {
        out.push('/');
        match seg {
            PathSegment::Literal(l) => out.push_str(l),
            PathSegment::Param(i) => {
                let v = match &op.path_params[*i].binding {
                    ParamBinding::SelfId => id,
                    ParamBinding::Parent(f) => {
                        s.field(res.as_deref().unwrap_or(""), id, f).and_then(|v| v.as_i64()).unwrap_or(1)
                    }
                };
                out.push_str(&v.to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn every_operation_is_served_under_both_prefixes() {
    let s = state();
    let spec = s.spec().clone();
    let mut ops: Vec<&Operation> = spec.operations.iter().collect();
    ops.sort_by_key(|o| o.method == Method::Delete);
    assert!(ops.len() >= 100, "only {} operations", ops.len());
    for op in ops {
        for prefix in &spec.api.path_prefixes {
            let mut uri = format!("{prefix}{}", path_for(&spec, &s, op));
            let required: Vec<&str> = op.query.iter().filter(|q| q.required).map(|q| q.name.as_str()).collect();
            if !required.is_empty() {
                uri.push_str("?from=20250101&to=20251231");
            }
            let body = body_for(&spec, &s, op);
            let r = call(&s, op.method.as_str(), &uri, body.as_ref()).await;
            if r.status.as_u16() >= 400 {
                eprintln!("{} {uri} -> {} {}", op.id, r.status, r.text);
            }
            assert!(
                r.status.as_u16() != 404 && r.status.as_u16() < 500,
                "{} {} {uri} -> {} {}",
                op.id,
                op.method.as_str(),
                r.status,
                r.text
            );
            assert!(r.status.as_u16() == op.status || r.status.as_u16() == 422, "{} {uri}: {}", op.id, r.text);
        }
    }
}

fn shape(path: &str) -> String {
    path.split('/').map(|s| if s.starts_with('{') { "{}" } else { s }).collect::<Vec<_>>().join("/")
}

#[tokio::test]
async fn every_endpoint_of_the_reference_list_is_an_operation() {
    let s = state();
    let spec = s.spec().clone();
    let tsv =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/tests/data/endpoints.tsv")).unwrap();
    let mut n = 0;
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (method, path, name, status) = (cols[0], cols[1], cols[2], cols[3]);
        let op = spec.operation(spec.operation_named(name).unwrap_or_else(|| panic!("{name} missing")));
        assert_eq!(op.method.as_str(), method, "{name}");
        assert_eq!(shape(&format!("/v2{}", op.path.raw)), shape(path), "{name}");
        assert_eq!(op.status.to_string(), status, "{name}");
        // Served: a request to it never hits a route 404 (record 404s come from ids 1).
        let uri = shape(path).replace("{}", "1");
        let r = call(&s, method, &uri, Some(&json!({}))).await;
        assert!(r.status.as_u16() < 500, "{name} {uri}: {}", r.text);
        if r.status == 404 {
            assert_eq!(r.text, spec.api.errors.not_found, "{name}");
            assert!(op.path_params.len() + usize::from(op.behavior.is_some()) > 0, "{name} {uri} route 404");
        }
        n += 1;
    }
    assert_eq!(n, 113);
}

/// The records' ids and the envelope of `GET uri` (with `query`).
async fn page_of(s: &harvest_mock::AppState, uri: &str, query: &str, key: &str) -> (Vec<i64>, Value) {
    let sep = if uri.contains('?') { '&' } else { '?' };
    let r = call(s, "GET", &format!("{uri}{sep}{query}"), None).await;
    assert_eq!(r.status, 200, "{uri}?{query}: {}", r.text);
    let v = r.json();
    let ids = v[key].as_array().unwrap_or_else(|| panic!("{uri}: no `{key}`")).iter();
    (ids.map(|x| x["id"].as_i64().unwrap()).collect(), v)
}

/// Walks `uri` by `page`/`next_page` at `per_page`, as older Harvest clients do, checking that
/// every page says where it is; returns the ids in walk order.
async fn walk_by_number(s: &harvest_mock::AppState, uri: &str, key: &str, per_page: usize) -> (Vec<i64>, u64) {
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let (got, env) = page_of(s, uri, &format!("page={page}&per_page={per_page}"), key).await;
        let paging = [&env["page"], &env["next_page"], &env["previous_page"], &env["total_pages"]];
        assert_eq!(env["page"], page, "{uri} page {page} at {per_page}: page, next, previous, total: {paging:?}");
        assert_eq!(env["previous_page"], if page > 1 { json!(page - 1) } else { Value::Null }, "{uri} page {page}");
        ids.extend(got);
        let Some(next) = env["next_page"].as_u64() else {
            return (ids, env["total_entries"].as_u64().unwrap());
        };
        assert_eq!(next, page + 1, "{uri}: next_page after {page}");
        page = next;
        assert!(page <= 10_000, "{uri}: the walk does not end");
    }
}

/// Every list of the spec (nested ones under a seeded parent), walked by page number at any
/// `per_page`, returns exactly `total_entries` records, each once, the same set as one big page.
#[test]
fn walking_any_list_by_page_number_returns_every_record() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = state();
    let spec = s.spec().clone();
    let lists: Vec<(String, String, usize)> = spec
        .operations
        .iter()
        .filter(|op| op.kind == harvest_spec::ir::OpKind::List && op.query.iter().all(|q| !q.required))
        .filter_map(|op| {
            let p = op.pagination.as_ref()?;
            Some((format!("/v2{}", path_for(&spec, &s, op)), p.envelope.clone(), p.per_page.max as usize))
        })
        .collect();
    assert!(lists.len() >= 20, "only {} lists", lists.len());
    let mut runner = TestRunner::new(Config { cases: 12, ..Config::default() });
    let outcome = runner.run(&(1usize..=120), |per_page| {
        rt.block_on(async {
            for (uri, key, max) in &lists {
                let (all, total) = page_of(&s, uri, &format!("per_page={max}"), key).await;
                let total_entries = total["total_entries"].as_u64().unwrap();
                let (walked, reported) = walk_by_number(&s, uri, key, per_page).await;
                prop_assert_eq!(reported, total_entries, "{}", uri);
                prop_assert_eq!(walked.len() as u64, total_entries, "{} at per_page {}", uri, per_page);
                let mut unique = walked.clone();
                unique.sort_unstable();
                unique.dedup();
                prop_assert_eq!(unique.len(), walked.len(), "{} repeats a record", uri);
                if total_entries as usize <= *max {
                    prop_assert_eq!(&walked, &all, "{} walks in list order", uri);
                }
            }
            Ok(())
        })
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}
