//! Hostile requests against every operation of the spec, over a real socket:
//! malformed, truncated and corrupted JSON, wrong types, huge numbers, deep
//! nesting, very long strings, invalid UTF-8, odd query strings, path
//! traversal towards the admin API, oversized bodies, wrong content types and
//! methods no route has. Each must get a 4xx with Harvest's error body within
//! a time limit, and nothing stored may change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "bad_input/hostile.rs"]
mod hostile;
#[path = "bad_input/inputs.rs"]
mod inputs;
#[path = "bad_input/wire.rs"]
mod wire;

use std::path::PathBuf;
use std::time::Duration;

use harvest_mock::{Config, MockServer};
use harvest_tests::{Snapshot, snapshot, snapshot_diff};
use hostile::{Attack, Catalog, Expect};
use proptest::test_runner::{Config as RunConfig, TestCaseError, TestRunner};
use serde_json::Value;
use wire::{Answer, Request};

/// Cases of the main property; each is one request.
const CASES: u32 = 384;
/// A full snapshot comparison after this many cases (a snapshot costs about 0.4 s in debug).
const SNAPSHOT_EVERY: u32 = 96;

/// The server under attack and what it held at the start.
struct Target {
    server: MockServer,
    catalog: Catalog,
    state_file: PathBuf,
    before: Snapshot,
    teammates: Vec<Value>,
}

impl Target {
    async fn start() -> Target {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("harvest-bad-input-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let state_file = dir.join("state.db");
        // Every accepted write is committed to the state database before it is answered, and
        // each commit appends to its write-ahead log: while the log is untouched, no request
        // has been accepted as a write.
        // A frozen clock: running timers must not tick while the store is compared.
        let config =
            Config { state: Some(state_file.clone()), now: Some(harvest_tests::test_now()), ..Config::default() };
        let server = MockServer::start(config).await.unwrap();
        let catalog = Catalog::new(server.state());
        let mut t = Target { server, catalog, state_file, before: Snapshot::new(), teammates: Vec::new() };
        t.before = snapshot(t.server.state());
        t.teammates = t.teammates().await;
        admin(&t.server, "POST", "/__admin/faults", r#"{"path_prefix":"/never/matches","status":418}"#).await;
        t
    }

    /// Every user's teammates (kept outside the record tables).
    async fn teammates(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for id in self.server.state().ids("user") {
            let a = wire::send(self.server.addr(), &wire::api_get(&format!("/v2/users/{id}/teammates"))).await;
            out.push(a.map(|a| a.json()).unwrap_or(Value::Null));
        }
        out
    }

    /// The server still answers normally and holds exactly what it held at the start.
    async fn unchanged(&self) -> Result<(), String> {
        let health = admin(&self.server, "GET", "/__admin/health", "").await;
        if health.status != 200 || health.json()["seed"] != 42 {
            return Err(format!("admin health changed: {} {}", health.status, health.text()));
        }
        let faults = admin(&self.server, "GET", "/__admin/faults", "").await;
        if !faults.text().contains("/never/matches") {
            return Err(format!("the sentinel fault was cleared: {}", faults.text()));
        }
        let list = wire::send(self.server.addr(), &wire::api_get("/v2/clients?per_page=1")).await?;
        if list.status != 200 || list.json()["clients"].as_array().is_none_or(Vec::is_empty) {
            return Err(format!("a normal list failed afterwards: {} {}", list.status, list.text()));
        }
        if let Some(d) = snapshot_diff(&self.before, &snapshot(self.server.state())) {
            return Err(format!("the store changed: {d}"));
        }
        if self.teammates().await != self.teammates {
            return Err("teammates changed".into());
        }
        Ok(())
    }

    /// When the state database last took a commit (its write-ahead log changed).
    fn last_commit(&self) -> Option<std::time::SystemTime> {
        std::fs::metadata(self.state_file.with_extension("db-wal")).and_then(|m| m.modified()).ok()
    }

    /// Sends one attack and checks the answer and that no write was accepted.
    async fn check(&self, attack: &Attack) -> Result<(), TestCaseError> {
        let committed = self.last_commit();
        let Some((request, expect)) = attack.request(&self.catalog) else {
            return Err(TestCaseError::reject("the generated input is valid"));
        };
        let fail = |m: String| TestCaseError::fail(format!("{}: {m}", self.catalog.op_of(attack)));
        let answer = wire::send(self.server.addr(), &request).await.map_err(fail)?;
        let what = || format!("{request:?} -> {} {}", answer.status, answer.text());
        match expect {
            Expect::Status(s) if answer.status != s => return Err(fail(format!("expected {s}: {}", what()))),
            Expect::ClientError if !(400..500).contains(&answer.status) => {
                return Err(fail(format!("expected a 4xx: {}", what())));
            }
            Expect::NoServerError if answer.status >= 500 => return Err(fail(format!("server error: {}", what()))),
            Expect::NotHttp if answer.status != 400 => return Err(fail(format!("expected a 400: {}", what()))),
            _ => {}
        }
        let protocol_error = matches!(expect, Expect::NotHttp);
        if answer.status >= 400 && !protocol_error && !clear_error(&answer) {
            return Err(fail(format!("unclear error body: {}", what())));
        }
        if answer.status < 400 && answer.json().is_null() {
            return Err(fail(format!("a success without a JSON body: {}", what())));
        }
        if self.last_commit() != committed {
            return Err(fail(format!("a write was accepted: {}", what())));
        }
        if let Attack::Traversal { .. } = attack {
            handled_by_api(&self.server, &request).await.map_err(fail)?;
        }
        Ok(())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if let Some(dir) = self.state_file.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Harvest's error shapes: `{"message"}`, `{"error","error_description"}`, `{"status","error"}`.
fn clear_error(a: &Answer) -> bool {
    let v = a.json();
    let text = |k: &str| v.get(k).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty());
    text("message") || (text("error") && text("error_description")) || (text("error") && v["status"] == a.status)
}

/// A request to the admin API (which takes no credentials).
async fn admin(server: &MockServer, method: &str, path: &str, body: &str) -> Answer {
    let mut r = wire::api(method, path, body.as_bytes());
    r.headers.clear();
    r.headers.push(("Content-Type".into(), b"application/json".to_vec()));
    wire::send(server.addr(), &r).await.expect("the admin API answers")
}

/// The request went through the API pipeline (it is the journal's last entry), not the admin API.
async fn handled_by_api(server: &MockServer, r: &Request) -> Result<(), String> {
    let journal = admin(server, "GET", "/__admin/requests", "").await.json();
    let last = journal["requests"].as_array().and_then(|a| a.last()).cloned().unwrap_or_default();
    let sent = String::from_utf8_lossy(&r.target).into_owned();
    if last["path"] != sent.as_str() || last["method"] != r.method.as_str() {
        return Err(format!("{r:?} is not the API journal's last entry ({last})"));
    }
    Ok(())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

#[test]
fn hostile_requests_get_a_clear_4xx_and_change_nothing() {
    let rt = runtime();
    let target = rt.block_on(Target::start());
    let config = RunConfig { cases: CASES, max_shrink_iters: 64, failure_persistence: None, ..RunConfig::default() };
    let mut runner = TestRunner::new(config);
    let done = std::sync::atomic::AtomicU32::new(0);
    let result = runner.run(&hostile::attacks(&target.catalog), |attack| {
        rt.block_on(async {
            target.check(&attack).await?;
            if done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % SNAPSHOT_EVERY == SNAPSHOT_EVERY - 1 {
                target.unchanged().await.map_err(|e| TestCaseError::fail(format!("after {attack:?}: {e}")))?;
            }
            Ok(())
        })
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    rt.block_on(target.unchanged()).unwrap();
    println!("{} hostile requests, store unchanged", done.into_inner());
}

/// Every operation with every kind of attack, deterministically (see `Catalog::exhaustive`).
#[test]
fn every_operation_refuses_every_kind_of_attack() {
    let rt = runtime();
    let target = rt.block_on(Target::start());
    let mut sent = 0;
    for attack in target.catalog.exhaustive() {
        match rt.block_on(target.check(&attack)) {
            Ok(()) => sent += 1,
            Err(TestCaseError::Reject(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    rt.block_on(target.unchanged()).unwrap();
    println!("{sent} requests: every operation, every kind of attack");
}

/// A 1 MB string in a free-text field is either kept byte for byte or refused, never a 5xx.
#[test]
fn a_one_megabyte_string_round_trips() {
    let rt = runtime();
    rt.block_on(async {
        let server = MockServer::start(Config::default()).await.unwrap();
        let long = "ü".repeat(500_000);
        let body = serde_json::json!({ "name": long }).to_string();
        let created = wire::send(server.addr(), &wire::api("POST", "/v2/clients", body.as_bytes())).await.unwrap();
        assert!(created.status == 201 || (400..500).contains(&created.status), "{}", created.status);
        if created.status == 201 {
            let id = created.json()["id"].as_i64().unwrap();
            let got = wire::send(server.addr(), &wire::api_get(&format!("/v2/clients/{id}"))).await.unwrap();
            assert_eq!(got.json()["name"].as_str(), Some(long.as_str()));
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), server.shutdown()).await;
    });
}

/// Regressions found by the property above: 2^64 was saturated to i64::MAX, `"NaN"`,
/// `"inf"` and `"1e999"` decimals were stored as null, and a user's project assignments
/// list ignored an invalid `updated_since` instead of a 422.
#[test]
fn out_of_range_numbers_and_invalid_filters_are_refused() {
    let rt = runtime();
    rt.block_on(async {
        let t = Target::start().await;
        let c = &t.catalog;
        let cases = [
            ("PATCH", c.path_of("updateCompany").to_string(), r#"{"weekly_capacity":18446744073709551616}"#),
            ("PATCH", c.path_of("updateCompany").to_string(), r#"{"weekly_capacity":-9.3e18}"#),
            ("PATCH", c.path_of("updateUserAssignment").to_string(), r#"{"hourly_rate":"1e999"}"#),
            ("PATCH", c.path_of("updateTimeEntry").to_string(), r#"{"hours":"NaN"}"#),
            ("PATCH", c.path_of("updateExpense").to_string(), r#"{"total_cost":"-inf"}"#),
            ("GET", format!("{}?updated_since=yesterday", c.path_of("listActiveProjectAssignments")), ""),
            ("GET", format!("{}?updated_since=2025-01-01T25:00:00Z", c.path_of("listActiveProjectAssignments")), ""),
        ];
        for (method, path, body) in cases {
            let committed = t.last_commit();
            let a = wire::send(t.server.addr(), &wire::api(method, &path, body.as_bytes())).await.unwrap();
            assert_eq!(a.status, 422, "{method} {path} {body}: {}", a.text());
            assert!(clear_error(&a), "{}", a.text());
            assert_eq!(t.last_commit(), committed, "{method} {path} {body} was accepted");
        }
        t.unchanged().await.unwrap();
    });
}
