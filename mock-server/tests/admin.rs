//! Admin API, faults, rate limits, latency, persistence and a real TCP server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use harvest_mock::{AppState, Config, MockServer};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn reset_reseed_journal_health() {
    let s = state();
    let h = call(&s, "GET", "/__admin/health", None).await;
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["status"], "ok");
    let before = call(&s, "GET", "/v2/clients", None).await.text;
    call(&s, "POST", "/v2/clients", Some(&json!({"name": "Temp"}))).await;
    assert_ne!(call(&s, "GET", "/v2/clients", None).await.text, before);
    assert_eq!(call(&s, "POST", "/__admin/reset", None).await.status, 200);
    assert_eq!(call(&s, "GET", "/v2/clients", None).await.text, before);
    let r = call(&s, "POST", "/__admin/seed", Some(&json!({"seed": 99, "scale": 2.0}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(s.count("client"), 24);
    assert_eq!(call(&s, "POST", "/__admin/seed", Some(&json!({"scale": -1.0}))).await.status, 422);
    let j = call(&s, "GET", "/__admin/requests", None).await.json();
    let reqs = j["requests"].as_array().unwrap();
    assert!(reqs.iter().any(|r| r["method"] == "POST" && r["path"] == "/v2/clients" && r["status"] == 201));
    assert!(reqs.iter().all(|r| !r["path"].as_str().unwrap().starts_with("/__admin")));
}

#[tokio::test]
async fn faults_for_the_next_requests() {
    let s = state();
    let f = json!({"path_prefix": "/v2/clients", "status": 503, "body": "{\"message\":\"down\"}", "count": 2});
    assert_eq!(call(&s, "POST", "/__admin/faults", Some(&f)).await.status, 201);
    for _ in 0..2 {
        let r = call(&s, "GET", "/v2/clients", None).await;
        assert_eq!((r.status.as_u16(), r.text.as_str()), (503, "{\"message\":\"down\"}"));
    }
    assert_eq!(call(&s, "GET", "/v2/clients", None).await.status, 200);
    assert_eq!(call(&s, "GET", "/v2/tasks", None).await.status, 200);
    // A fraction of requests.
    call(&s, "POST", "/__admin/faults", Some(&json!({"status": 500, "fraction": 0.5}))).await;
    let mut failed = 0;
    for _ in 0..60 {
        if call(&s, "GET", "/v2/tasks", None).await.status == 500 {
            failed += 1;
        }
    }
    assert!((10..=50).contains(&failed), "{failed}");
    assert_eq!(call(&s, "DELETE", "/__admin/faults", None).await.status, 204);
    // Latency.
    call(&s, "POST", "/__admin/faults", Some(&json!({"latency_ms": 150, "count": 1}))).await;
    let t = Instant::now();
    assert_eq!(call(&s, "GET", "/v2/tasks", None).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    assert_eq!(call(&s, "POST", "/__admin/faults", Some(&json!({"nonsense": 1}))).await.status, 400);
}

#[tokio::test]
async fn rate_limits_per_token_and_class() {
    let s = AppState::new(Config { rate_limit: true, ..config() }).unwrap();
    for _ in 0..100 {
        assert_eq!(call(&s, "GET", "/v2/company", None).await.status, 200);
    }
    let r = call(&s, "GET", "/v2/company", None).await;
    assert_eq!(r.status, 429);
    let wait: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=15).contains(&wait));
    // Reports have their own budget.
    assert_eq!(call(&s, "GET", "/v2/reports/project_budget", None).await.status, 200);
    // Another token is not throttled.
    let other = axum::http::Request::get("/v2/company")
        .header("authorization", "Bearer other")
        .header("harvest-account-id", "1")
        .header("user-agent", "t")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(send(&s, other).await.status, 200);
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let cfg = Config { state: Some(file.clone()), ..config() };
    let s = AppState::new(cfg.clone()).unwrap();
    let created = call(&s, "POST", "/v2/clients", Some(&json!({"name": "Persisted"}))).await.json();
    assert!(file.exists());
    assert!(!dir.path().join("state.tmp").exists());
    drop(s);
    let again = AppState::new(cfg).unwrap();
    let got = call(&again, "GET", &format!("/v2/clients/{}", created["id"]), None).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), created);
    // Indexes are rebuilt: filters still work.
    let project = again.ids("project")[0];
    let v = call(&again, "GET", &format!("/v2/time_entries?project_id={project}"), None).await.json();
    assert!(v["total_entries"].as_i64().unwrap() > 0);
}

async fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer t\r\nHarvest-Account-Id: 1\r\nUser-Agent: t\r\nConnection: close\r\n\r\n"
    );
    sock.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    let _ = sock.read_to_string(&mut out).await;
    out
}

#[tokio::test]
async fn mock_server_starts_on_a_free_port_and_stops_on_drop() {
    let server = MockServer::start(config()).await.unwrap();
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    let addr = server.addr();
    let resp = raw_get(addr, "/v2/clients?per_page=1").await;
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains(&format!("\"first\":\"http://{addr}/v2/clients?page=1&per_page=1&ref=first\"")), "{resp}");
    // A dropped connection fault cuts the answer.
    let _ = server.state();
    let cut = axum::http::Request::post("/__admin/faults")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(json!({"drop_connection": true, "count": 1}).to_string()))
        .unwrap();
    send(server.state(), cut).await;
    let resp = raw_get(addr, "/v2/clients").await;
    assert!(!resp.contains("\"clients\""), "{resp}");
    drop(server);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = tokio::net::TcpStream::connect(addr).await;
    assert!(after.is_err(), "still listening after drop");
}

#[tokio::test]
async fn latency_setting_delays_answers() {
    let s = AppState::new(Config { latency: Duration::from_millis(120), ..config() }).unwrap();
    let t = Instant::now();
    call(&s, "GET", "/v2/company", None).await;
    assert!(t.elapsed() >= Duration::from_millis(120));
}

#[tokio::test]
async fn per_request_fault_headers() {
    let s = state();
    let with = |k: &str, v: &str| {
        axum::http::Request::get("/v2/clients")
            .header("authorization", "Bearer t")
            .header("harvest-account-id", "1")
            .header("user-agent", "t")
            .header(k, v)
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let r = send(&s, with("Prefer", "code=429")).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "15");
    let r = send(&s, with("prefer", "code=404")).await;
    assert_eq!(r.text, s.spec().api.errors.not_found);
    assert_eq!(send(&s, with("Prefer", "code=503")).await.status, 503);
    let t = Instant::now();
    assert_eq!(send(&s, with("X-Mock-Delay", "120ms")).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(120));
    assert_eq!(send(&s, with("Prefer", "code=abc")).await.status, 200);
}
