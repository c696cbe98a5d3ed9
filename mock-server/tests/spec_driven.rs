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

/// The sum of `weight` over the gadgets of `shelf` (all colours, or one).
async fn weight_on(s: &AppState, shelf: i64, colour: Option<&str>) -> f64 {
    let gadgets = call(s, "GET", &format!("/v2/shelves/{shelf}/gadgets"), None).await.json();
    let all = gadgets["gadgets"].as_array().unwrap().clone();
    let chosen = all.iter().filter(|g| colour.is_none_or(|c| g["colour"] == c));
    (chosen.map(|g| g["weight"].as_f64().unwrap()).sum::<f64>() * 100.0).round() / 100.0
}

#[tokio::test]
async fn a_new_spec_gets_its_remaining_fields_and_report_without_code() {
    let spec = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny"));
    let s = AppState::new(Config { spec: Some(spec), ..Config::default() }).unwrap();
    let shelf = call(&s, "POST", "/v2/shelves", Some(&json!({"label": "top", "capacity": 10.0}))).await.json();
    let id = shelf["id"].as_i64().unwrap();
    assert_eq!(shelf["free"], 10.0, "nothing on the shelf yet");
    for (colour, weight) in [("red", 2.675), ("blue", 3.0), ("red", 1.0)] {
        let body = json!({"colour": colour, "weight": weight});
        let g = call(&s, "POST", &format!("/v2/shelves/{id}/gadgets"), Some(&body)).await;
        assert_eq!(g.status, 201, "{}", g.text);
        if weight == 2.675 {
            assert_eq!(g.json()["weight"], 2.68, "a decimal is kept to two places, half up");
        }
    }
    let shelves = call(&s, "GET", "/v2/shelves", None).await.json();
    let ours = shelves["shelves"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap().clone();
    assert_eq!(ours["free"], 3.32, "10 − (2.68 + 3 + 1)");
    let heavy = json!({"colour": "green", "weight": 50});
    assert_eq!(call(&s, "POST", &format!("/v2/shelves/{id}/gadgets"), Some(&heavy)).await.status, 201);
    let shelves = call(&s, "GET", "/v2/shelves", None).await.json();
    let ours = shelves["shelves"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap().clone();
    assert_eq!(ours["free"], 0.0, "what remains never goes below zero");

    let report = call(&s, "GET", "/v2/reports/shelf_load", None).await.json();
    let rows = report["results"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "`rows: all`: every shelf, with gadgets or not");
    let ids: Vec<i64> = rows.iter().map(|r| r["shelf_id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "rows in row-id order: {ids:?}");
    for row in rows {
        let shelf = row["shelf_id"].as_i64().unwrap();
        let listed = shelves["shelves"].as_array().unwrap().iter().find(|x| x["id"] == shelf).unwrap();
        assert_eq!(row["label"], listed["label"]);
        assert_eq!(row["total_weight"].as_f64().unwrap(), weight_on(&s, shelf, None).await, "{row}");
        assert_eq!(row["red_weight"].as_f64().unwrap(), weight_on(&s, shelf, Some("red")).await, "{row}");
        let spare = listed["capacity"].as_f64().unwrap() - row["total_weight"].as_f64().unwrap();
        assert!((row["spare"].as_f64().unwrap() - spare).abs() < 0.005, "{row}");
    }
    let ours = rows.iter().find(|r| r["shelf_id"] == id).unwrap();
    assert_eq!((ours["total_weight"].clone(), ours["red_weight"].clone()), (json!(56.68), json!(3.68)));
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
