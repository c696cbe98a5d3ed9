//! Start-up, auth, routing and error bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;

#[tokio::test]
async fn seeds_every_resource() {
    let s = state();
    for r in &s.spec().resources.clone() {
        assert!(s.count(&r.name) > 0, "{} has no records", r.name);
    }
}

#[tokio::test]
async fn auth_and_errors() {
    let s = state();
    let r = send(&s, Request::get("/v2/clients").header("user-agent", "t").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.text, s.spec().api.errors.unauthorized);
    assert_eq!(r.headers["www-authenticate"], s.spec().api.errors.www_authenticate.as_str());
    let r =
        send(&s, Request::get("/v2/clients").header("Authorization", "Bearer x").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.text, s.spec().api.errors.missing_user_agent);
    // Query-string auth, case-insensitive header names.
    let r = send(
        &s,
        Request::get("/v2/clients?access_token=a&account_id=1").header("user-agent", "t").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = send(
        &s,
        Request::get("/api/v2/clients")
            .header("AUTHORIZATION", "Bearer x")
            .header("Harvest-Account-ID", "1")
            .header("User-Agent", "t")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // Missing account id.
    let r = send(
        &s,
        Request::get("/v2/clients")
            .header("Authorization", "Bearer x")
            .header("user-agent", "t")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = call(&s, "GET", "/v2/nope", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = call(&s, "GET", "/v2/clients/1", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.text, r#"{"status":404,"error":"Not Found"}"#);
    let r = call(&s, "GET", "/v2/clients?per_page=2001", None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = call(&s, "GET", "/v2/clients?per_page=0", None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn restricted_tokens() {
    let s = harvest_mock::AppState::new(harvest_mock::Config { tokens: vec!["good".into()], ..config() }).unwrap();
    let ok = |t: &str| {
        Request::get("/v2/users/me")
            .header("authorization", format!("Bearer {t}"))
            .header("harvest-account-id", "1")
            .header("user-agent", "t")
            .body(Body::empty())
            .unwrap()
    };
    assert_eq!(send(&s, ok("good")).await.status, StatusCode::OK);
    assert_eq!(send(&s, ok("bad")).await.status, StatusCode::UNAUTHORIZED);
}

/// Every path of the spec: methods it does not declare are a 405 whose `Allow`
/// lists, sorted, exactly the ones it declares; unknown paths stay 404.
#[tokio::test]
async fn undeclared_methods_on_known_paths_are_405_with_allow() {
    use std::collections::{BTreeMap, BTreeSet};

    use harvest_spec::ir::PathSegment;
    let s = state();
    let mut declared: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for op in &s.spec().operations {
        let path: String = op
            .path
            .segments
            .iter()
            .map(|seg| match seg {
                PathSegment::Literal(l) => format!("/{l}"),
                PathSegment::Param(_) => "/987654".to_string(),
            })
            .collect();
        declared.entry(path).or_default().insert(op.method.as_str());
    }
    for (path, methods) in &declared {
        let allow = methods.iter().copied().collect::<Vec<_>>().join(", ");
        for method in ["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS", "TRACE"] {
            if methods.contains(method) {
                continue;
            }
            let r = call(&s, method, &format!("/v2{path}"), None).await;
            assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: {}", r.text);
            assert_eq!(r.headers["allow"], allow.as_str(), "{method} {path}");
            assert_eq!(r.text, r#"{"status":405,"error":"Method Not Allowed"}"#);
        }
    }
    let cases = [
        ("PUT", "/v2/users/1", "DELETE, GET, PATCH"),
        ("DELETE", "/v2/company", "GET, PATCH"),
        ("DELETE", "/api/v2/users/me", "GET"),
        ("GET", "/v2/time_entries/search", "POST"),
    ];
    for (method, uri, allow) in cases {
        let r = call(&s, method, uri, None).await;
        assert_eq!(
            (r.status, r.headers.get("allow").map(|v| v.to_str().unwrap())),
            (StatusCode::METHOD_NOT_ALLOWED, Some(allow)),
            "{method} {uri}"
        );
    }
    for (method, uri) in
        [("PUT", "/v2/nope"), ("DELETE", "/v2/users/abc"), ("GET", "/v2/users/1/nope"), ("PUT", "/__nope")]
    {
        let r = call(&s, method, uri, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {uri}");
        assert!(r.headers.get("allow").is_none());
    }
}

/// `/openapi.json`, `/openapi-3.0.json`, `/operations.md` and `/admin-openapi.json` are the
/// checked-in files byte for byte, without credentials; other methods are a 405; a server on
/// a spec of its own refuses to describe it with the Harvest documents, and still describes
/// its admin API.
#[tokio::test]
async fn serves_the_checked_in_documents() {
    let s = state();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let documents = [
        ("/openapi.json", "../generated-client/api/openapi.json", "application/json"),
        ("/openapi-3.0.json", "../generated-client/api/openapi-3.0.json", "application/json"),
        ("/operations.md", "../generated-client/api/operations.md", "text/markdown; charset=utf-8"),
        ("/admin-openapi.json", "api/admin-openapi.json", "application/json"),
    ];
    for (path, file, media_type) in documents {
        let r = send(&s, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.headers["content-type"], media_type, "{path}");
        assert_eq!(r.text, std::fs::read_to_string(root.join(file)).unwrap(), "{path} differs from {file}");
        let r = send(&s, Request::post(path).body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "POST {path}");
    }
    for (path, version) in [("/openapi.json", "3.1.0"), ("/openapi-3.0.json", "3.0.3")] {
        let doc = send(&s, Request::get(path).body(Body::empty()).unwrap()).await.json();
        assert_eq!(doc["openapi"], version);
        let operations: usize =
            doc["paths"].as_object().unwrap().values().map(|item| item.as_object().unwrap().len()).sum();
        assert_eq!(operations, s.spec().operations.len(), "{path}");
    }
    let tiny = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny"));
    let other = harvest_mock::AppState::new(harvest_mock::Config { spec: Some(tiny), ..config() }).unwrap();
    let r = send(&other, Request::get("/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("--spec"), "{}", r.text);
    let r = send(&other, Request::get("/admin-openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
}
