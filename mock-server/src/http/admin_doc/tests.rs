//! The document and the router in step: the routes the router's sources declare are
//! exactly the operations described, and each described operation's example request,
//! sent through the whole app, gets an answer the document declares, body included.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::admin_openapi;
use crate::{AppState, Config};

/// Route sources and the prefix each is mounted under (`http/server.rs`).
const SOURCES: [(&str, &str); 6] = [
    ("/__admin", include_str!("../admin.rs")),
    ("/__admin", include_str!("../admin_accounts.rs")),
    ("/__admin", include_str!("../admin_import.rs")),
    ("/api/v1", include_str!("../hosted/mod.rs")),
    ("", include_str!("../identity/mod.rs")),
    ("", include_str!("../files.rs")),
];
/// Routed by the API pipeline rather than a `.route` call (`http/mod.rs`).
const PIPELINE_ROUTES: [&str; 1] = ["post /v2/{entity}/search"];
const METHODS: [&str; 5] = ["get", "post", "patch", "put", "delete"];

/// `method path` of every `.route("…", get(…).post(…))` in `source`.
fn declared(prefix: &str, source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in source.split(".route(\"").skip(1) {
        let Some((path, rest)) = chunk.split_once('"') else { continue };
        let end = [".route(", ".merge(", ".with_state(", ".nest("].iter().filter_map(|m| rest.find(m)).min();
        let handlers = &rest[..end.unwrap_or(rest.len())];
        for method in METHODS {
            let called = handlers.match_indices(&format!("{method}(")).any(|(i, _)| {
                i == 0 || !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
            });
            if called {
                out.push(format!("{method} {prefix}{path}"));
            }
        }
    }
    out
}

fn described(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            out.insert(format!("{method} {path}"));
        }
    }
    out
}

#[test]
fn every_route_is_described_and_every_description_routed() {
    let mut routed: BTreeSet<String> = SOURCES.iter().flat_map(|(prefix, source)| declared(prefix, source)).collect();
    routed.extend(PIPELINE_ROUTES.iter().map(|r| r.to_string()));
    routed.extend(super::super::docs::paths().map(|p| format!("get {p}")));
    let doc = described(&admin_openapi());
    let undescribed: Vec<_> = routed.difference(&doc).collect();
    let unrouted: Vec<_> = doc.difference(&routed).collect();
    assert!(
        undescribed.is_empty() && unrouted.is_empty(),
        "undescribed: {undescribed:?}; described, not routed: {unrouted:?}"
    );
    assert!(routed.len() >= 30, "the scan found too few routes: {routed:?}");
}

#[test]
fn the_route_scan_reads_methods_and_prefixes() {
    let source = r#"Router::new().route("/a", get(x).post(y)).route("/b/{id}", delete(forget)).merge(z::routes())"#;
    assert_eq!(declared("/p", source), ["get /p/a", "post /p/a", "delete /p/b/{id}"]);
}

/// Operations whose example request is expected to be refused (with a declared answer):
/// no receipt is uploaded, and a token needs a code or refresh token from a real flow.
const REFUSED: [&str; 3] = ["receipt", "oauthToken", "authorizeAnswer"];

struct Sent {
    status: u16,
    content_type: String,
    body: Value,
}

async fn send(state: &AppState, method: &str, uri: &str, bearer: &str, body: Option<&Value>) -> Sent {
    let request = Request::builder()
        .method(method.to_ascii_uppercase().as_str())
        .uri(uri)
        .header("host", "mock.test")
        .header("authorization", format!("Bearer {bearer}"))
        .header("harvest-account-id", "1")
        .header("user-agent", "admin document test (dev@example.com)");
    let request = match body {
        Some(b) => request.header("content-type", "application/json").body(Body::from(b.to_string())),
        None => request.body(Body::empty()),
    }
    .unwrap();
    let response = crate::router(state.clone()).oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Sent { status, content_type, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) }
}

/// The example body of the operation at `method path`, if it has one.
fn example_body(doc: &Value, path: &str, method: &str) -> Option<Value> {
    doc["paths"][path][method]["requestBody"]["content"]["application/json"].get("example").cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_example_request_gets_a_described_answer() {
    let state =
        AppState::new(Config { now: chrono::DateTime::from_timestamp(1_772_463_600, 0), ..Config::default() }).unwrap();
    let doc = admin_openapi();
    let hosted = send(
        &state,
        "post",
        "/api/v1/account/applications/token",
        "",
        example_body(&doc, "/api/v1/account/applications/token", "post").as_ref(),
    )
    .await;
    let hosted_token = hosted.body["access_token"].as_str().unwrap_or_default().to_string();
    let mut problems = Vec::new();
    let mut validated = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default();
            let mut uri = path.clone();
            let mut query = Vec::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default();
                let example = match &p["example"] {
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                let collection = &path[..path.find("/{id}").unwrap_or(0)];
                let value = if name == "id" && doc["paths"][collection].get("post").is_some() {
                    // A record of the collection, created through the collection's own POST.
                    let created =
                        send(&state, "post", collection, "tok", example_body(&doc, collection, "post").as_ref()).await;
                    created.body["id"].as_str().map(str::to_string).unwrap_or_else(|| created.body["id"].to_string())
                } else {
                    example
                };
                match p["in"].as_str() {
                    Some("path") => uri = uri.replace(&format!("{{{name}}}"), &value),
                    _ => query.push(format!("{name}={value}")),
                }
            }
            if !query.is_empty() {
                uri = format!("{uri}?{}", query.join("&"));
            }
            let bearer = if path.starts_with("/api/v1/integrations") { hosted_token.as_str() } else { "tok" };
            let sent = send(&state, method, &uri, bearer, example_body(&doc, path, method).as_ref()).await;
            let at = format!("{id} ({} {uri})", method.to_uppercase());
            let Some(response) = op["responses"].get(sent.status.to_string()) else {
                problems.push(format!("{at}: undeclared status {}: {}", sent.status, sent.body));
                continue;
            };
            if sent.status >= 400 && !REFUSED.contains(&id) {
                problems.push(format!("{at}: the example was refused with {}: {}", sent.status, sent.body));
            }
            if let Some(schema) = response["content"]["application/json"].get("schema") {
                if !sent.content_type.starts_with("application/json") {
                    problems.push(format!("{at}: {} answered as `{}`", sent.status, sent.content_type));
                }
                let root = json!({"allOf": [schema], "components": doc["components"]});
                let validator = jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft202012)
                    .should_validate_formats(true)
                    .build(&root)
                    .unwrap();
                problems
                    .extend(validator.iter_errors(&sent.body).map(|e| format!("{at}: {e} at {}", e.instance_path())));
                validated += 1;
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(validated >= 20, "only {validated} bodies validated");
}
