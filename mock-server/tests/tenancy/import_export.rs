//! Fixtures: export → import → export is byte-identical (through files and
//! through `POST /__admin/import`), every kind of bad record is reported
//! where it is and loads nothing, values the mock computes are recomputed,
//! a hand-written fixture loads and serves, and an import is durable.

use harvest_mock::fixtures::{self, FixtureError};
use harvest_mock::{AppState, Config};
use serde_json::{Map, Value, json};

use super::*;

/// The account's export: (key, the bytes its file holds).
fn exported(s: &AppState, account: i64) -> Vec<(String, Vec<u8>)> {
    let docs = s.fixture_documents(account).unwrap();
    docs.into_iter().map(|(k, v)| (k, fixtures::pretty(&v))).collect()
}

/// The account's export as one admin-import body.
fn body_of(s: &AppState, account: i64) -> Map<String, Value> {
    s.fixture_documents(account).unwrap().into_iter().collect()
}

/// Fails naming the first file that differs and where, rather than printing megabytes.
fn assert_same(got: &[(String, Vec<u8>)], want: &[(String, Vec<u8>)]) {
    let keys = |d: &[(String, Vec<u8>)]| d.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(keys(got), keys(want), "the same files");
    for ((key, a), (_, b)) in got.iter().zip(want) {
        if a != b {
            let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
            let around =
                |t: &[u8]| String::from_utf8_lossy(&t[at.saturating_sub(200)..(at + 200).min(t.len())]).into_owned();
            panic!("{key}.json differs at byte {at}:\n--- got\n{}\n--- want\n{}", around(a), around(b));
        }
    }
}

async fn import_into(s: &AppState, account: i64, body: &Map<String, Value>) -> Resp {
    let mut r = req("POST", "/__admin/import", Some(&Value::Object(body.clone())));
    r.headers_mut().insert("harvest-account-id", account.to_string().parse().unwrap());
    send(s, r).await
}

fn records<'a>(body: &'a mut Map<String, Value>, key: &str) -> &'a mut Vec<Value> {
    body.get_mut(key).and_then(Value::as_array_mut).unwrap()
}

#[test]
fn export_import_export_through_files_is_byte_identical() {
    let source = state();
    let want = exported(&source, 1);
    let dir = tempfile::tempdir().unwrap();
    let names = source.export_fixtures(1, dir.path()).unwrap();
    assert!(names.contains(&"clients.json".to_string()) && names.contains(&"manifest.json".to_string()), "{names:?}");
    for (key, bytes) in &want {
        assert_eq!(&std::fs::read(dir.path().join(format!("{key}.json"))).unwrap(), bytes, "{key}.json");
    }
    let text = String::from_utf8(want[0].1.clone()).unwrap();
    assert!(text.starts_with("[\n  {\n") && text.ends_with("}\n]\n"), "pretty, newline at the end: {text:.40}");
    // Into a server seeded otherwise: its account becomes the source's, byte for byte.
    let other = AppState::new(Config { seed: 8, ..config() }).unwrap();
    assert_ne!(exported(&other, 1), want, "a different seed, different data");
    other.import_fixtures(1, dir.path()).unwrap();
    assert_same(&exported(&other, 1), &want);
}

#[tokio::test]
async fn export_import_export_through_the_admin_api_is_byte_identical_and_served_as_exported() {
    let source = state();
    let want = exported(&source, 1);
    let body = body_of(&source, 1);
    let other = AppState::new(Config { seed: 8, ..config() }).unwrap();
    let untouched = exported(&other, 1);
    let r = import_into(&other, 5, &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The manifest names the account exported; everything else is the source's, byte for byte.
    let all = exported(&other, 5);
    let (got, manifest) = all.split_at(want.len() - 1);
    assert_same(got, &want[..want.len() - 1]);
    assert_eq!(serde_json::from_slice::<Value>(&manifest[0].1).unwrap()["account_id"], 5);
    assert_same(&exported(&other, 1), &untouched);
    // The files hold what a GET of each record answers.
    for (key, path) in [("clients", "clients"), ("time_entries", "time_entries"), ("invoices", "invoices")] {
        for rec in body[key].as_array().unwrap().iter().take(3) {
            let got = call_in(&other, 5, "GET", &format!("/v2/{path}/{}", rec["id"]), None).await;
            assert_eq!(got.json(), *rec, "GET /v2/{path}/{}", rec["id"]);
        }
    }
}

/// One bad record of each kind: (what the message says, resource, index, field, value, change).
type Case = (&'static str, &'static str, usize, &'static str, Value, Box<dyn Fn(&mut Map<String, Value>)>);

fn cases(body: &Map<String, Value>) -> Vec<Case> {
    let first_task = body["tasks"][0].clone();
    let tasks = body["tasks"].as_array().unwrap().len();
    vec![
        (
            "unknown field",
            "clients",
            0,
            "colour",
            json!("red"),
            Box::new(|b| {
                records(b, "clients")[0]["colour"] = json!("red");
            }),
        ),
        (
            "wrong type",
            "clients",
            1,
            "is_active",
            json!("yes"),
            Box::new(|b| {
                records(b, "clients")[1]["is_active"] = json!("yes");
            }),
        ),
        (
            "dangling reference",
            "time_entries",
            3,
            "project",
            json!({"id": 999}),
            Box::new(|b| {
                records(b, "time_entries")[3]["project"] = json!({"id": 999});
            }),
        ),
        (
            "duplicate id",
            "tasks",
            tasks,
            "id",
            first_task["id"].clone(),
            Box::new(move |b| {
                records(b, "tasks").push(first_task.clone());
            }),
        ),
    ]
}

#[tokio::test]
async fn each_kind_of_bad_record_is_located_and_loads_nothing() {
    let s = state();
    let before = exported(&s, 1);
    let body = body_of(&s, 1);
    for (kind, resource, index, field, value, change) in cases(&body) {
        let mut bad = body.clone();
        change(&mut bad);
        let r = import_into(&s, 1, &bad).await;
        assert_eq!(r.status, 422, "{kind}: {}", r.text);
        let v = r.json();
        assert_eq!(v["error_count"], 1, "{kind}: {v}");
        let e = &v["errors"][0];
        assert_eq!((e["resource"].as_str(), e["index"].as_u64()), (Some(resource), Some(index as u64)), "{kind}: {e}");
        assert_eq!((e["field"].as_str(), &e["value"]), (Some(field), &value), "{kind}: {e}");
        assert!(e["message"].as_str().unwrap().starts_with(kind), "{kind}: {e}");
        assert_same(&exported(&s, 1), &before);
    }
    // All at once: every one reported, not just the first.
    let mut bad = body.clone();
    for (.., change) in cases(&body) {
        change(&mut bad);
    }
    let v = import_into(&s, 1, &bad).await.json();
    assert_eq!(v["error_count"], 4, "{v}");
    assert_same(&exported(&s, 1), &before);
}

#[test]
fn bad_files_are_named_and_a_server_given_them_does_not_start() {
    let dir = tempfile::tempdir().unwrap();
    let s = state();
    s.export_fixtures(1, dir.path()).unwrap();
    let before = exported(&s, 1);
    let path = dir.path().join("clients.json");
    let mut clients: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    clients[2]["colour"] = json!("red");
    std::fs::write(&path, fixtures::pretty(&clients)).unwrap();
    std::fs::write(dir.path().join("client.json"), "[]").unwrap();
    let Err(FixtureError::Invalid(p)) = s.import_fixtures(1, dir.path()) else { panic!("bad fixtures load") };
    let at: Vec<(Option<&str>, Option<usize>, Option<&str>)> =
        p.list.iter().map(|e| (e.file.as_deref(), e.index, e.field.as_deref())).collect();
    assert_eq!(at, [(Some("client.json"), None, None), (Some("clients.json"), Some(2), Some("colour"))]);
    assert_same(&exported(&s, 1), &before);
    let text = p.to_string();
    assert!(text.contains("clients.json, record 2, field `colour`, value \"red\": unknown field"), "{text}");
    let err = AppState::new(Config { fixtures: Some(dir.path().to_path_buf()), ..config() }).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("clients.json, record 2, field `colour`"), "{err}");
}

#[tokio::test]
async fn what_the_mock_computes_is_recomputed_not_taken_from_the_file() {
    let source = state();
    let want = exported(&source, 1);
    let mut body = body_of(&source, 1);
    let other_client = body["clients"][0]["id"].clone();
    let te = &mut records(&mut body, "time_entries")[0];
    te["project"]["name"] = json!("Not the project's name");
    te["client"] = json!({"id": other_client, "name": "Derived from the project, not from here"});
    let inv = records(&mut body, "invoices").iter_mut().find(|i| i["line_items"][0].is_object()).unwrap();
    inv["line_items"][0]["amount"] = json!(0.01);
    inv["due_amount"] = json!(12345.67);
    let s = AppState::new(Config { seed: 8, ..config() }).unwrap();
    let r = import_into(&s, 1, &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_same(&exported(&s, 1), &want);
}

/// The hand-written fixture of the README (mock-server/README.md, "Fixtures").
fn hand_written() -> Value {
    json!({
        "users": [{"id": 1, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
                   "access_roles": ["administrator"]}],
        "clients": [{"id": 10, "name": "Acme"}],
        "projects": [{"id": 20, "client_id": 10, "name": "Website"}],
        "tasks": [{"id": 30, "name": "Design"}],
        "user_assignments": [{"project": 20, "user_id": 1}],
        "task_assignments": [{"project": 20, "task_id": 30}],
        "time_entries": [{"project_id": 20, "task_id": 30, "spent_date": "2026-03-01", "hours": 2.5}]
    })
}

#[tokio::test]
async fn a_hand_written_minimal_fixture_loads_and_serves() {
    let s = state();
    let Value::Object(body) = hand_written() else { unreachable!() };
    let r = import_into(&s, 1, &body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = call(&s, "GET", "/v2/time_entries", None).await.json();
    assert_eq!(list["total_entries"], 1, "{list}");
    let te = &list["time_entries"][0];
    assert_eq!(te["user"], json!({"id": 1, "name": "Ada Lovelace"}));
    assert_eq!((te["client"]["id"].as_i64(), te["client"]["name"].as_str()), (Some(10), Some("Acme")));
    assert_eq!((te["hours"].as_f64(), te["is_running"].as_bool()), (Some(2.5), Some(false)));
    assert!(te["user_assignment"]["id"].is_i64() && te["task_assignment"]["id"].is_i64(), "{te}");
    assert_eq!(te["created_at"], "2026-03-02T15:00:00Z");
    assert_eq!(call(&s, "GET", "/v2/users/me", None).await.json()["email"], "ada@example.com");
    let made = json!({"project_id": 20, "task_id": 30, "spent_date": "2026-03-02", "hours": 1.0});
    let r = call(&s, "POST", "/v2/time_entries", Some(&made)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(call(&s, "GET", "/v2/clients", None).await.json()["total_entries"], 1);
}

#[test]
fn an_import_into_the_kept_account_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let kept = Config { state: Some(dir.path().join("account.db")), ..config() };
    let source = AppState::new(Config { seed: 8, ..config() }).unwrap();
    let want = exported(&source, 1);
    let s = AppState::new(kept.clone()).unwrap();
    assert_ne!(exported(&s, 1), want);
    s.import_fixture_documents(1, body_of(&source, 1)).unwrap();
    drop(s);
    assert_same(&exported(&AppState::new(kept).unwrap(), 1), &want);
    // `--fixtures` with `--state`: committed at start-up, read back by a start without it.
    let files = dir.path().join("fixtures");
    source.export_fixtures(1, &files).unwrap();
    let db = Some(dir.path().join("from-fixtures.db"));
    drop(AppState::new(Config { state: db.clone(), fixtures: Some(files), ..config() }).unwrap());
    assert_same(&exported(&AppState::new(Config { state: db, ..config() }).unwrap(), 1), &want);
}
