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
