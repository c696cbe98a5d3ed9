//! Snapshots: taken and restored per account, over HTTP and from Rust.

use serde_json::json;

use super::*;

#[tokio::test]
async fn a_restored_snapshot_gives_back_the_same_bytes() {
    let s = state();
    let account = 31;
    let before = call_in(&s, account, "GET", "/v2/clients?per_page=2000", None).await.text;
    let snap = call_in(&s, account, "POST", "/__admin/snapshots", None).await;
    assert_eq!(snap.status, 201, "{}", snap.text);
    let id = snap.json()["id"].as_str().unwrap().to_string();
    assert_eq!(snap.json()["account_id"], account);
    let made = call_in(&s, account, "POST", "/v2/clients", Some(&json!({"name": "After the snapshot"}))).await;
    assert_eq!(made.status, 201);
    assert_ne!(call_in(&s, account, "GET", "/v2/clients?per_page=2000", None).await.text, before);
    let restored = call_global(&s, "POST", &format!("/__admin/snapshots/{id}/restore"), None).await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    assert_eq!(restored.json()["account_id"], account, "restored into the account it was taken of");
    assert_eq!(call_in(&s, account, "GET", "/v2/clients?per_page=2000", None).await.text, before);
    // Listed by account; deleted once.
    let listed = call_in(&s, account, "GET", "/__admin/snapshots", None).await.json();
    assert_eq!(listed["snapshots"][0]["id"], id.as_str());
    assert!(items(&call_in(&s, 99, "GET", "/__admin/snapshots", None).await.json()).is_empty());
    assert_eq!(call(&s, "DELETE", &format!("/__admin/snapshots/{id}"), None).await.status, 204);
    assert_eq!(call(&s, "DELETE", &format!("/__admin/snapshots/{id}"), None).await.status, 404);
    assert_eq!(call(&s, "POST", &format!("/__admin/snapshots/{id}/restore"), None).await.status, 404);
}

#[tokio::test]
async fn a_snapshot_can_seed_another_account() {
    let s = state();
    let made = call_in(&s, 41, "POST", "/v2/clients", Some(&json!({"name": "Prepared once"}))).await;
    assert_eq!(made.status, 201);
    let id = call_in(&s, 41, "POST", "/__admin/snapshots", None).await.json()["id"].as_str().unwrap().to_string();
    let into = call_in(&s, 42, "POST", &format!("/__admin/snapshots/{id}/restore"), None).await;
    assert_eq!(into.json()["account_id"], 42);
    let page = call_in(&s, 42, "GET", "/v2/clients?per_page=2000", None).await.text;
    assert!(page.contains("Prepared once"));
    assert_eq!(page, call_in(&s, 41, "GET", "/v2/clients?per_page=2000", None).await.text);
}

#[tokio::test]
async fn the_handle_snapshots_and_restores() {
    let server = harvest_mock::MockServer::start(config()).await.unwrap();
    let account = server.new_account();
    let state = server.state().clone();
    let tasks = || call_in(&state, account, "GET", "/v2/tasks?per_page=2000", None);
    let before = tasks().await.text;
    let snap = server.snapshot(account).expect("a snapshot");
    let made = call_in(&state, account, "POST", "/v2/tasks", Some(&json!({"name": "Temporary task"}))).await;
    assert_eq!(made.status, 201, "{}", made.text);
    assert_ne!(tasks().await.text, before);
    assert!(server.restore(&snap));
    assert_eq!(tasks().await.text, before);
    assert!(!server.restore("snap_missing"));
}
