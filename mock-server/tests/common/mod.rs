//! Shared helpers: an in-process app over the spec and a request helper.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use harvest_mock::{AppState, Config};
use serde_json::Value;
use tower::ServiceExt;

/// The instant the suites freeze the mock's clock at: seeded dates, running timers and
/// write timestamps are the same on every run.
pub fn test_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-03-02T15:00:00Z").map(|t| t.to_utc()).expect("a valid instant")
}

pub fn config() -> Config {
    Config { seed: 7, now: Some(test_now()), ..Config::default() }
}

pub fn state() -> AppState {
    AppState::new(config()).expect("state")
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

/// Sends a request through the whole app; admin requests carry the state's admin token, if any.
pub async fn send(state: &AppState, mut req: Request<Body>) -> Resp {
    if let Some(token) = state.admin_token()
        && req.uri().path().starts_with("/__admin")
        && !req.headers().contains_key("x-admin-token")
    {
        req.headers_mut().insert("x-admin-token", token.parse().unwrap());
    }
    let app = harvest_mock::router(state.clone());
    let resp = app.oneshot(req).await.expect("infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap_or_default();
    Resp { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
}

pub fn req(method: &str, uri: &str, body: Option<&Value>) -> Request<Body> {
    let b = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "mock.test")
        .header("authorization", "Bearer tok")
        .header("harvest-account-id", "1")
        .header("user-agent", "tests (dev@example.com)");
    match body {
        Some(v) => b.header("content-type", "application/json").body(Body::from(v.to_string())).unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

pub async fn call(state: &AppState, method: &str, uri: &str, body: Option<&Value>) -> Resp {
    send(state, req(method, uri, body)).await
}

/// A call naming no account: an admin call about the whole server.
pub async fn call_global(state: &AppState, method: &str, uri: &str, body: Option<&Value>) -> Resp {
    let mut r = req(method, uri, body);
    r.headers_mut().remove("harvest-account-id");
    send(state, r).await
}
