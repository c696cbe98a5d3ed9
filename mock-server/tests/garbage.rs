//! Bad input never panics, never 5xx, and never poisons the store: every
//! operation gets wrongly typed bodies and garbage query values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use harvest_spec::ir::{Operation, PathSegment};
use serde_json::{Map, Value, json};

fn garbage_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!("not a number"),
        json!(-1),
        json!(1e300),
        json!(9_223_372_036_854_775_807i64),
        json!([1, "two", null]),
        json!({"id": {"deep": [1]}}),
        json!(true),
        json!("2025-13-45"),
        json!("99999999999999999999:99pm"),
        json!(""),
    ]
}

fn path(op: &Operation, id: &str) -> String {
    op.path
        .segments
        .iter()
        .map(|s| match s {
            PathSegment::Literal(l) => l.clone(),
            PathSegment::Param(_) => id.to_string(),
        })
        .fold(String::from("/v2"), |acc, s| acc + "/" + &s)
}

#[tokio::test]
async fn garbage_is_refused_politely() {
    let s = state();
    let spec = s.spec().clone();
    let some_id = s.ids("time_entry")[0].to_string();
    for op in &spec.operations {
        for id in ["1", some_id.as_str(), "99999999999999999999", "-5"] {
            let uri = path(op, id);
            let fields: Vec<String> = op.body.iter().flat_map(|b| b.fields.iter().map(|f| f.name.clone())).collect();
            for g in garbage_values() {
                let mut body = Map::new();
                for f in &fields {
                    body.insert(f.clone(), g.clone());
                }
                let r = call(&s, op.method.as_str(), &uri, Some(&Value::Object(body))).await;
                assert!(r.status.as_u16() < 500, "{} {uri} {g}: {} {}", op.id, r.status, r.text);
                let raw = match &g {
                    Value::String(x) => x.clone(),
                    other => other.to_string(),
                };
                let enc: String = form_urlencoded::byte_serialize(raw.as_bytes()).collect();
                let mut q: Vec<String> = op.query.iter().map(|p| format!("{}={enc}", p.name)).collect();
                q.extend(["per_page", "page", "cursor"].iter().map(|p| format!("{p}={enc}")));
                let r = call(&s, op.method.as_str(), &format!("{uri}?{}", q.join("&")), None).await;
                assert!(r.status.as_u16() < 500, "{} {uri}?{} : {} {}", op.id, q.join("&"), r.status, r.text);
            }
        }
    }
    // Form bodies with deep and odd keys.
    let req = axum::http::Request::post("/v2/invoices")
        .header("authorization", "Bearer t")
        .header("harvest-account-id", "1")
        .header("user-agent", "t")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "client_id=1&line_items{}=x&line_items[99999999999][kind]=a&[]=&a[b][]=",
            "[0]".repeat(5000)
        )))
        .unwrap();
    assert!(send(&s, req).await.status.as_u16() < 500);
    // Still healthy afterwards.
    assert_eq!(call(&s, "GET", "/v2/clients", None).await.status, 200);
    assert_eq!(call(&s, "POST", "/v2/clients", Some(&json!({"name": "after"}))).await.status, 201);
}
