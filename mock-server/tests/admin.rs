//! Admin API, faults, rate limits, latency, persistence and a real TCP server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use harvest_mock::{AppState, Config, MockServer, RequestFilter};
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
    let j = call(&s, "GET", "/__admin/requests", None).await.json();
    let reqs = j["requests"].as_array().unwrap();
    assert!(reqs.iter().any(|r| r["method"] == "POST" && r["path"] == "/v2/clients" && r["status"] == 201));
    assert_eq!(call(&s, "POST", "/__admin/reset", None).await.status, 200);
    assert_eq!(call(&s, "GET", "/v2/clients", None).await.text, before);
    let r = call(&s, "POST", "/__admin/seed", Some(&json!({"seed": 99, "scale": 2.0}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(s.count("client"), 24);
    assert_eq!(call(&s, "POST", "/__admin/seed", Some(&json!({"scale": -1.0}))).await.status, 422);
    // The reset cleared the journal; only the one API request since is in it, no admin request.
    let j = call(&s, "GET", "/__admin/requests", None).await.json();
    let paths: Vec<&str> = j["requests"].as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/v2/clients"]);
    assert_eq!(j["count"], 1);
}

#[tokio::test]
async fn faults_for_the_next_requests() {
    let s = state();
    let f = json!({"path_prefix": "/v2/clients", "status": 503, "body": "{\"message\":\"down\"}", "count": 2});
    let added = call(&s, "POST", "/__admin/faults", Some(&f)).await;
    assert_eq!(added.status, 201);
    assert_eq!(added.json()["status"], 503);
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

mod journal {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use chrono::{DateTime, Utc};

    /// The account `req` names.
    fn account() -> String {
        req("GET", "/", None).headers()["harvest-account-id"].to_str().unwrap().to_string()
    }

    fn time(v: &serde_json::Value) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().to_utc()
    }

    async fn last(s: &AppState) -> serde_json::Value {
        let j = call_global(s, "GET", "/__admin/requests", None).await.json();
        j["requests"].as_array().unwrap().last().cloned().unwrap()
    }

    #[tokio::test]
    async fn an_entry_has_time_account_headers_body_status_and_duration() {
        let s = state();
        let before = Utc::now();
        let mut r = req("POST", "/v2/clients?x=1", Some(&json!({"name": "Journalled"})));
        for (k, v) in
            [("cookie", "session=abc"), ("x-api-token", "t0k"), ("x-client-secret", "s3"), ("x-trace", "keep")]
        {
            r.headers_mut().insert(k, v.parse().unwrap());
        }
        assert_eq!(send(&s, r).await.status, 201);
        let e = last(&s).await;
        let at = time(&e["time"]);
        assert!(before <= at && at <= Utc::now(), "{e}");
        assert!(e["time"].as_str().unwrap().ends_with('Z'), "{e}");
        assert_eq!(
            (e["method"].as_str(), e["path"].as_str(), e["query"].as_str()),
            (Some("POST"), Some("/v2/clients"), Some("x=1"))
        );
        assert_eq!(e["account"], account());
        assert_eq!(e["status"], 201);
        assert!(e["duration_ms"].as_f64().unwrap() >= 0.0);
        let h = &e["headers"];
        for secret in ["authorization", "cookie", "x-api-token", "x-client-secret"] {
            assert_eq!(h[secret], "[redacted]", "{secret}: {h}");
        }
        assert_eq!(h["x-trace"], "keep");
        assert_eq!(h["user-agent"], "tests (dev@example.com)");
        assert_eq!(h["content-type"], "application/json");
        assert_eq!(e["body"], r#"{"name":"Journalled"}"#);
        assert_eq!(e["body_bytes"], 21);
        assert_eq!(e["body_truncated"], false);
        // A GET has no body.
        call(&s, "GET", "/v2/company", None).await;
        let e = last(&s).await;
        assert_eq!((&e["body"], &e["body_bytes"], &e["body_truncated"]), (&json!(null), &json!(0), &json!(false)));
    }

    #[tokio::test]
    async fn credentials_in_the_query_are_redacted_and_the_query_account_is_kept() {
        let s = state();
        let r = Request::get("/v2/clients?access_token=secret-token&account_id=9&per_page=1")
            .header("user-agent", "t")
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&s, r).await.status, 200);
        let e = last(&s).await;
        assert_eq!(e["query"], "access_token=[redacted]&account_id=9&per_page=1");
        assert_eq!(e["account"], "9");
        assert!(!e.to_string().contains("secret-token"), "{e}");
        // Neither header nor query: no account, and the 401 is journalled too.
        let r = Request::get("/v2/clients").header("user-agent", "t").body(Body::empty()).unwrap();
        assert_eq!(send(&s, r).await.status, 401);
        let e = last(&s).await;
        assert_eq!((&e["account"], &e["status"]), (&json!(null), &json!(401)));
    }

    #[tokio::test]
    async fn long_bodies_are_capped_and_binary_ones_noted() {
        let s = state();
        let long = json!({"name": "x".repeat(20_000)});
        call(&s, "POST", "/v2/clients", Some(&long)).await;
        let e = last(&s).await;
        assert_eq!(e["body_truncated"], true);
        assert_eq!(e["body"].as_str().unwrap().len(), 8 * 1024);
        assert_eq!(e["body_bytes"], long.to_string().len());
        let r = Request::post("/v2/clients")
            .header("authorization", "Bearer t")
            .header("harvest-account-id", "1")
            .header("user-agent", "t")
            .header("content-type", "application/json")
            .body(Body::from(vec![0xff, 0xfe, 0x00, 0x01]))
            .unwrap();
        assert_eq!(send(&s, r).await.status, 400);
        let e = last(&s).await;
        assert_eq!(
            (&e["body"], &e["body_bytes"], &e["status"]),
            (&json!("[4 bytes, not UTF-8]"), &json!(4), &json!(400))
        );
        // Over the body limit: still a 413, and the entry says the body was not read.
        let r = req("POST", "/v2/clients", None);
        let (mut parts, _) = r.into_parts();
        parts.headers.insert("content-type", "application/json".parse().unwrap());
        let huge = Request::from_parts(parts, Body::from(vec![b' '; 2 << 20]));
        assert_eq!(send(&s, huge).await.status, 413);
        let e = last(&s).await;
        assert_eq!((&e["body_bytes"], &e["body_truncated"], &e["status"]), (&json!(null), &json!(true), &json!(413)));
    }

    #[tokio::test]
    async fn the_duration_includes_injected_latency() {
        let s = state();
        call(&s, "POST", "/__admin/faults", Some(&json!({"latency_ms": 120, "count": 1}))).await;
        call(&s, "GET", "/v2/company", None).await;
        assert!(last(&s).await["duration_ms"].as_f64().unwrap() >= 120.0);
    }

    /// Requests of several methods, paths, accounts and statuses, with a time mark between them.
    async fn mixed(s: &AppState) -> DateTime<Utc> {
        call(s, "GET", "/v2/users", None).await;
        call(s, "GET", "/v2/users/999999", None).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        let mark = Utc::now();
        tokio::time::sleep(Duration::from_millis(5)).await;
        call(s, "POST", "/v2/clients", Some(&json!({"name": "Filtered"}))).await;
        let mut other = req("GET", "/v2/users", None);
        other.headers_mut().insert("harvest-account-id", "77".parse().unwrap());
        send(s, other).await;
        mark
    }

    #[tokio::test]
    async fn get_requests_filters_and_counts() {
        let s = state();
        let mark = mixed(&s).await;
        let get = |q: &str| {
            let (s, q) = (s.clone(), q.to_string());
            async move { call_global(&s, "GET", &format!("/__admin/requests{q}"), None).await }
        };
        let paths = |r: &Resp| -> Vec<String> {
            let j = r.json();
            let list = j["requests"].as_array().unwrap();
            assert_eq!(j["count"], list.len(), "{j}");
            list.iter()
                .map(|e| format!("{} {} {}", e["method"].as_str().unwrap(), e["path"].as_str().unwrap(), e["status"]))
                .collect()
        };
        assert_eq!(paths(&get("").await).len(), 4);
        assert_eq!(paths(&get("?method=post").await), ["POST /v2/clients 201"]);
        assert_eq!(paths(&get("?path_prefix=/v2/users/").await), ["GET /v2/users/999999 404"]);
        assert_eq!(paths(&get("?account=77").await), ["GET /v2/users 200"]);
        assert_eq!(paths(&get(&format!("?account={}&method=GET&status=200", account())).await), ["GET /v2/users 200"]);
        assert_eq!(paths(&get("?account_id=77").await), ["GET /v2/users 200"]);
        assert_eq!(paths(&get("?status=4xx").await), ["GET /v2/users/999999 404"]);
        assert_eq!(paths(&get("?status=201").await), ["POST /v2/clients 201"]);
        let mark = mark.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        assert_eq!(paths(&get(&format!("?since={mark}")).await), ["POST /v2/clients 201", "GET /v2/users 200"]);
        assert_eq!(paths(&get(&format!("?until={mark}")).await), ["GET /v2/users 200", "GET /v2/users/999999 404"]);
        assert_eq!(paths(&get("?path_prefix=/v2/tasks").await), Vec::<String>::new());
        for (bad, named) in [("?status=abc", "status"), ("?since=yesterday", "since"), ("?path=/v2", "path")] {
            let r = get(bad).await;
            assert_eq!(r.status, 400, "{bad}");
            assert!(r.json()["message"].as_str().unwrap().contains(named), "{bad}: {}", r.text);
        }
        // DELETE naming an account clears its requests; naming none clears them all.
        assert_eq!(call(&s, "DELETE", "/__admin/requests", None).await.status, 204);
        assert_eq!(paths(&get("").await), ["GET /v2/users 200"], "account 77's request is left");
        assert_eq!(call_global(&s, "DELETE", "/__admin/requests", None).await.status, 204);
        assert_eq!(get("").await.json()["count"], 0);
    }

    #[tokio::test]
    async fn mock_server_filters_and_counts_in_rust() {
        let server = MockServer::start(config()).await.unwrap();
        let mark = mixed(server.state()).await;
        let all = server.requests(&RequestFilter::new());
        assert_eq!(all.len(), 4);
        assert_eq!(server.request_count(&RequestFilter::new()), 4);
        let posts = server.requests(&RequestFilter::new().method("POST").path_prefix("/v2/clients"));
        assert_eq!(posts.len(), 1);
        assert_eq!(posts[0].status, 201);
        assert_eq!(posts[0].account, Some(account()));
        assert_eq!(posts[0].headers["authorization"], "[redacted]");
        assert_eq!(posts[0].body.as_deref(), Some(r#"{"name":"Filtered"}"#));
        assert_eq!(server.request_count(&RequestFilter::new().status_class(4)), 1);
        assert_eq!(server.request_count(&RequestFilter::new().account("77")), 1);
        assert_eq!(server.request_count(&RequestFilter::new().since(mark)), 2);
        assert_eq!(server.request_count(&RequestFilter::new().until(mark).status(200)), 1);
        assert_eq!(RequestFilter::from_query("status=5xx"), Ok(RequestFilter::new().status_class(5)));
        server.shutdown().await;
    }
}

mod reset {
    use super::*;

    /// (clients, journal entries, faults) of the server now.
    async fn held(s: &AppState) -> (usize, u64, usize) {
        let journal = call(s, "GET", "/__admin/requests", None).await.json()["count"].as_u64().unwrap();
        let faults = call(s, "GET", "/__admin/faults", None).await.json()["faults"].as_array().unwrap().len();
        (s.count("client"), journal, faults)
    }

    /// One more client, one journal entry for it, and a fault that matches nothing.
    async fn dirty(s: &AppState) {
        call(s, "POST", "/v2/clients", Some(&json!({"name": "Dirty"}))).await;
        call(s, "POST", "/__admin/faults", Some(&json!({"path_prefix": "/never", "status": 500}))).await;
    }

    #[tokio::test]
    async fn scopes_clear_together_or_apart() {
        let s = state();
        let seeded = s.count("client");
        dirty(&s).await;
        assert_eq!(held(&s).await, (seeded + 1, 1, 1));
        // Only the journal.
        let r = call(&s, "POST", "/__admin/reset", Some(&json!({"journal": true}))).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json()["cleared"], json!({"data": false, "journal": true, "faults": false}));
        assert_eq!(held(&s).await, (seeded + 1, 0, 1));
        // Only the faults, by query.
        let r = call(&s, "POST", "/__admin/reset?faults=true", None).await;
        assert_eq!(r.json()["cleared"], json!({"data": false, "journal": false, "faults": true}));
        assert_eq!(held(&s).await, (seeded + 1, 0, 0));
        // Everything but the data.
        dirty(&s).await;
        call(&s, "POST", "/__admin/reset", Some(&json!({"data": false}))).await;
        assert_eq!(held(&s).await, (seeded + 2, 0, 0));
        // Only the data.
        dirty(&s).await;
        call(&s, "POST", "/__admin/reset?data", None).await;
        assert_eq!(held(&s).await, (seeded, 1, 1));
        // Nothing named: everything.
        dirty(&s).await;
        let r = call(&s, "POST", "/__admin/reset", None).await;
        assert_eq!(r.json()["cleared"], json!({"data": true, "journal": true, "faults": true}));
        assert_eq!((r.json()["seed"].as_u64(), r.json()["status"].as_str()), (Some(7), Some("ok")));
        assert_eq!(held(&s).await, (seeded, 0, 0));
    }

    #[tokio::test]
    async fn an_unknown_scope_is_refused_and_clears_nothing() {
        let s = state();
        let seeded = s.count("client");
        dirty(&s).await;
        for (uri, body) in [
            ("/__admin/reset?everything=true", None),
            ("/__admin/reset", Some(json!({"journal": "yes"}))),
            ("/__admin/reset", Some(json!(["data"]))),
        ] {
            let r = call(&s, "POST", uri, body.as_ref()).await;
            assert_eq!(r.status, 400, "{uri} {body:?}");
            assert!(r.json()["message"].is_string(), "{}", r.text);
        }
        assert_eq!(held(&s).await, (seeded + 1, 1, 1));
    }
}

mod fault_ids {
    use super::*;

    #[tokio::test]
    async fn faults_get_ids_and_are_removed_one_by_one() {
        let s = state();
        let a = call(&s, "POST", "/__admin/faults", Some(&json!({"path_prefix": "/v2/clients", "status": 503}))).await;
        assert_eq!(a.status, 201);
        let a = a.json();
        assert_eq!((&a["path_prefix"], &a["status"]), (&json!("/v2/clients"), &json!(503)));
        let b =
            call(&s, "POST", "/__admin/faults", Some(&json!({"path_prefix": "/v2/tasks", "status": 502}))).await.json();
        let (a_id, b_id) = (a["id"].as_u64().unwrap(), b["id"].as_u64().unwrap());
        assert!(b_id > a_id, "{a} {b}");
        let listed = call(&s, "GET", "/__admin/faults", None).await.json();
        let ids: Vec<u64> = listed["faults"].as_array().unwrap().iter().map(|f| f["id"].as_u64().unwrap()).collect();
        assert_eq!(ids, [a_id, b_id]);
        assert_eq!(call(&s, "GET", "/v2/clients", None).await.status, 503);
        // Remove the first: its route answers again, the other fault stays.
        let removed = call(&s, "DELETE", &format!("/__admin/faults/{a_id}"), None).await;
        assert_eq!(removed.status, 200);
        assert_eq!(removed.json(), a);
        assert_eq!(call(&s, "GET", "/v2/clients", None).await.status, 200);
        assert_eq!(call(&s, "GET", "/v2/tasks", None).await.status, 502);
        // Unknown ids are Harvest's 404.
        for unknown in [a_id.to_string(), "999".into(), "abc".into()] {
            let r = call(&s, "DELETE", &format!("/__admin/faults/{unknown}"), None).await;
            assert_eq!(r.status, 404, "{unknown}");
            assert_eq!(r.json(), json!({"status": 404, "error": "Not Found"}), "{unknown}");
        }
        // A new fault never reuses an id, and DELETE without an id still clears all.
        let c = call(&s, "POST", "/__admin/faults", Some(&json!({"latency_ms": 1}))).await.json();
        assert!(c["id"].as_u64().unwrap() > b_id);
        assert_eq!(call(&s, "DELETE", "/__admin/faults", None).await.status, 204);
        assert_eq!(call(&s, "GET", "/__admin/faults", None).await.json(), json!({"faults": []}));
        assert_eq!(call(&s, "GET", "/v2/tasks", None).await.status, 200);
    }

    #[tokio::test]
    async fn an_expired_fault_is_gone_and_ids_cannot_be_chosen() {
        let s = state();
        let f = call(&s, "POST", "/__admin/faults", Some(&json!({"status": 500, "count": 1}))).await.json();
        assert_eq!(call(&s, "GET", "/v2/company", None).await.status, 500);
        let r = call(&s, "DELETE", &format!("/__admin/faults/{}", f["id"]), None).await;
        assert_eq!(r.status, 404);
        let r = call(&s, "POST", "/__admin/faults", Some(&json!({"id": 4, "status": 500}))).await;
        assert_eq!(r.status, 400);
        assert!(r.json()["message"].as_str().unwrap().contains("id"), "{}", r.text);
    }
}
