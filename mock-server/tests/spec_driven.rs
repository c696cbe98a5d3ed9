//! The mock serves whatever spec it is given: a tiny spec it has never seen,
//! and every filter of every top-level list of the Harvest spec.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::*;
use harvest_mock::{AppState, Config};
use harvest_spec::ir::{FilterOp, OpKind, TypeRef};
use serde_json::{Value, json};

#[tokio::test]
async fn a_new_spec_is_served_without_code() {
    let spec = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny"));
    let s = AppState::new(Config { spec: Some(spec), ..Config::default() }).unwrap();
    let shelves = call(&s, "GET", "/v2/shelves", None).await.json();
    assert_eq!(shelves["total_entries"], 3);
    let shelf = shelves["shelves"][0]["id"].as_i64().unwrap();
    let g = call(&s, "POST", &format!("/v2/shelves/{shelf}/gadgets"), Some(&json!({"colour": "blue"}))).await;
    assert_eq!(g.status, 201, "{}", g.text);
    let g = g.json();
    assert_eq!(g["shelf"], json!({"id": shelf, "label": shelves["shelves"][0]["label"]}));
    assert_eq!(g["weight"], 1.0);
    let got = call(&s, "GET", &format!("/v2/shelves/{shelf}/gadgets/{}", g["id"]), None).await.json();
    assert_eq!(got, g);
    let blue = call(&s, "GET", &format!("/v2/shelves/{shelf}/gadgets?colour=blue"), None).await.json();
    assert!(blue["gadgets"].as_array().unwrap().iter().all(|x| x["colour"] == "blue" && x["shelf"]["id"] == shelf));
    let bad = call(&s, "POST", &format!("/v2/shelves/{shelf}/gadgets"), Some(&json!({"colour": "pink"}))).await;
    assert_eq!(bad.text, r#"{"message":"Colour is invalid"}"#);
    let del = call(&s, "DELETE", &format!("/v2/shelves/{shelf}"), None).await;
    assert_eq!(del.text, r#"{"message":"This shelf still holds gadgets."}"#);
    assert_eq!(call(&s, "GET", "/api/v2/shelves", None).await.status, 404, "the fixture only serves /v2");
}

/// The value a filter path selects in a rendered record (refs compare their id).
fn values_at(v: &Value, path: &[&str], is_ref: bool) -> Vec<Value> {
    match (v, path.split_first()) {
        (Value::Array(items), _) => items.iter().flat_map(|x| values_at(x, path, is_ref)).collect(),
        (Value::Null, _) => Vec::new(),
        (_, None) if is_ref => v.get("id").cloned().into_iter().collect(),
        (_, None) => vec![v.clone()],
        (Value::Object(m), Some((h, t))) => m.get(*h).map(|x| values_at(x, t, is_ref)).unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[tokio::test]
async fn every_filter_of_every_top_level_list() {
    let s = state();
    let spec = s.spec().clone();
    let mut checked = 0;
    for op in
        spec.operations.iter().filter(|o| o.kind == OpKind::List && o.path_params.is_empty() && o.behavior.is_none())
    {
        let res = spec.resource(op.resource.unwrap());
        let path = format!("/v2{}", op.path.raw);
        let all = call(&s, "GET", &format!("{path}?per_page=2000"), None).await.json();
        let items = all[&op.pagination.as_ref().unwrap().envelope].as_array().unwrap().clone();
        for q in &op.query {
            let Some(f) = &q.filter else { continue };
            let parts: Vec<&str> = f.field.split('.').collect();
            let top = res.field(parts[0]).unwrap();
            let leaf_is_ref = parts.len() == 1 && matches!(top.ty, TypeRef::Ref(_))
                || parts.len() > 1 && q.ty == TypeRef::Id && matches!(top.ty, TypeRef::Array(_));
            let Some(sample) =
                items.iter().find_map(|it| values_at(it, &parts, leaf_is_ref).into_iter().find(|v| !v.is_null()))
            else {
                continue;
            };
            let raw = match &sample {
                Value::String(x) => x.clone(),
                other => other.to_string(),
            };
            let enc: String = form_urlencoded::byte_serialize(raw.as_bytes()).collect();
            let r = call(&s, "GET", &format!("{path}?{}={enc}&per_page=2000", q.name), None).await;
            assert_eq!(r.status, 200, "{} {}={raw}: {}", op.id, q.name, r.text);
            let got = r.json();
            let got = got[&op.pagination.as_ref().unwrap().envelope].as_array().unwrap().clone();
            assert!(!got.is_empty(), "{} {}={raw} selected nothing", op.id, q.name);
            for it in &got {
                let vals = values_at(it, &parts, leaf_is_ref);
                let ok = vals.iter().any(|v| {
                    let (a, b) = (v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()), raw.clone());
                    match f.op {
                        FilterOp::Eq => a == b,
                        FilterOp::Gte => a >= b,
                        FilterOp::Lte => a <= b,
                    }
                });
                assert!(ok, "{} {}={raw}: {it}", op.id, q.name);
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} filters checked");
}
