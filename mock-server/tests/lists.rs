//! Envelopes, determinism, both pagination styles, filters and sort order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "lists/body_rules.rs"]
mod body_rules;
mod common;
#[path = "lists/contract.rs"]
mod contract;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;

const KEYS: [&str; 7] = ["per_page", "total_pages", "total_entries", "next_page", "previous_page", "page", "links"];

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn envelope_bytes_are_stable() {
    let s = state();
    let clients = call(&s, "GET", "/v2/clients?per_page=2&is_active=true", None).await;
    insta::assert_snapshot!("clients_cursor_page", clients.text);
    let entries = call(&s, "GET", "/v2/time_entries?per_page=1&page=2", None).await;
    insta::assert_snapshot!("time_entries_page_2", entries.text);
    // Same seed, new state: byte-identical.
    let again = state();
    assert_eq!(call(&again, "GET", "/v2/clients?per_page=2&is_active=true", None).await.text, clients.text);
    assert_eq!(call(&again, "GET", "/v2/time_entries?per_page=1&page=2", None).await.text, entries.text);
    let other = harvest_mock::AppState::new(harvest_mock::Config { seed: 8, ..config() }).unwrap();
    assert_ne!(call(&other, "GET", "/v2/clients?per_page=2&is_active=true", None).await.text, clients.text);
}

#[tokio::test]
async fn envelope_key_order_and_links() {
    let s = state();
    let v = call(&s, "GET", "/v2/time_entries?per_page=3&is_running=false", None).await.json();
    let mut want = vec!["time_entries".to_string()];
    want.extend(KEYS.iter().map(|k| k.to_string()));
    assert_eq!(keys(&v), want);
    assert_eq!(keys(&v["links"]), ["first", "next", "previous", "last"]);
    assert_eq!(v["links"]["first"], "http://mock.test/v2/time_entries?is_running=false&page=1&per_page=3&ref=first");
    assert_eq!(v["links"]["next"], "http://mock.test/v2/time_entries?is_running=false&page=2&per_page=3&ref=next");
    let r = call(&s, "GET", "/v2/reports/time/clients?from=20250101&to=20251231", None).await.json();
    assert_eq!(keys(&r)[0], "results");
    // Empty list: one page.
    let e = call(&s, "GET", "/v2/clients?updated_since=2099-01-01T00:00:00Z", None).await.json();
    assert_eq!(
        (e["total_entries"].as_i64(), e["total_pages"].as_i64(), e["page"].as_i64()),
        (Some(0), Some(1), Some(1))
    );
}

async fn walk(s: &harvest_mock::AppState, first: &str, key: &str) -> (Vec<i64>, i64) {
    let mut url = first.to_string();
    let mut ids = Vec::new();
    let mut total = -1;
    for _ in 0..10_000 {
        let v = call(s, "GET", &url, None).await.json();
        total = v["total_entries"].as_i64().unwrap();
        ids.extend(v[key].as_array().unwrap().iter().map(|x| x["id"].as_i64().unwrap()));
        match v["links"]["next"].as_str() {
            Some(n) => url = n.trim_start_matches("http://mock.test").to_string(),
            None => break,
        }
    }
    (ids, total)
}

#[tokio::test]
async fn page_pagination_walks_everything_once() {
    let s = state();
    let (ids, total) = walk(&s, "/v2/time_entries?per_page=37", "time_entries").await;
    assert_eq!(ids.len() as i64, total);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());
    assert_eq!(ids.len(), s.count("time_entry"));
    // Sorted by spent_date desc.
    let v = call(&s, "GET", "/v2/time_entries?per_page=200", None).await.json();
    let dates: Vec<&str> =
        v["time_entries"].as_array().unwrap().iter().map(|e| e["spent_date"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
}

#[tokio::test]
async fn cursor_pagination_walks_everything_once() {
    let s = state();
    let (ids, total) = walk(&s, "/api/v2/task_assignments?per_page=7", "task_assignments").await;
    assert_eq!(ids.len() as i64, total);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let v = call(&s, "GET", "/v2/task_assignments?per_page=7", None).await.json();
    let next = v["links"]["next"].as_str().unwrap();
    assert!(next.contains("cursor=") && next.ends_with("ref=next_cursor"), "{next}");
    // A middle page has null page numbers; the last page has them.
    let mid = call(&s, "GET", next.trim_start_matches("http://mock.test"), None).await.json();
    assert!(mid["page"].is_null() && mid["next_page"].is_null());
    // Filters stay in the cursor links.
    let f = call(&s, "GET", "/v2/task_assignments?per_page=2&is_active=true", None).await.json();
    assert!(f["links"]["next"].as_str().unwrap().contains("is_active=true"));
}

#[tokio::test]
async fn filters_select_the_right_records() {
    let s = state();
    let project = s.ids("project")[0];
    let v = call(&s, "GET", &format!("/v2/time_entries?project_id={project}"), None).await.json();
    let items = v["time_entries"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| e["project"]["id"] == project));
    let client = items[0]["client"]["id"].as_i64().unwrap();
    let v =
        call(&s, "GET", &format!("/v2/time_entries?client_id={client}&from=2025-06-01&to=20250630"), None).await.json();
    for e in v["time_entries"].as_array().unwrap() {
        assert_eq!(e["client"]["id"], client);
        let d = e["spent_date"].as_str().unwrap();
        assert!(("2025-06-01"..="2025-06-30").contains(&d), "{d}");
    }
    // updated_since is inclusive.
    let all = call(&s, "GET", "/v2/clients", None).await.json();
    let stamp = all["clients"][0]["updated_at"].as_str().unwrap().to_string();
    let v = call(&s, "GET", &format!("/v2/clients?updated_since={stamp}"), None).await.json();
    assert!(v["clients"].as_array().unwrap().iter().any(|c| c["updated_at"] == stamp.as_str()));
    assert!(v["clients"].as_array().unwrap().iter().all(|c| c["updated_at"].as_str().unwrap() >= stamp.as_str()));
    // Booleans, enums and dotted paths.
    let v = call(&s, "GET", "/v2/users?is_active=false", None).await.json();
    assert!(v["users"].as_array().unwrap().iter().all(|u| u["is_active"] == false));
    let v = call(&s, "GET", "/v2/invoices?state=draft", None).await.json();
    assert!(v["invoices"].as_array().unwrap().iter().all(|u| u["state"] == "draft"));
    let with_ref = call(&s, "GET", "/v2/time_entries?per_page=2000", None).await.json();
    let ext = with_ref["time_entries"].as_array().unwrap().iter().find(|e| !e["external_reference"].is_null()).unwrap();
    let ext_id = ext["external_reference"]["id"].as_str().unwrap();
    let v = call(&s, "GET", &format!("/v2/time_entries?external_reference_id={ext_id}"), None).await.json();
    assert!(v["time_entries"].as_array().unwrap().iter().all(|e| e["external_reference"]["id"] == ext_id));
    assert!(v["total_entries"].as_i64().unwrap() >= 1);
    let inv = call(&s, "GET", "/v2/invoices?per_page=2000", None).await.json();
    if let Some(p) = inv["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["line_items"].as_array().unwrap())
        .find_map(|l| l["project"]["id"].as_i64())
    {
        let v = call(&s, "GET", &format!("/v2/invoices?project_id={p}"), None).await.json();
        assert!(v["total_entries"].as_i64().unwrap() >= 1);
    }
    // Bad filter values are a 422.
    assert_eq!(call(&s, "GET", "/v2/time_entries?from=yesterday", None).await.status, 422);
    assert_eq!(call(&s, "GET", "/v2/clients?is_active=maybe", None).await.status, 422);
    // Nested lists scope to their parent; an unknown parent is a 404.
    let v = call(&s, "GET", &format!("/v2/projects/{project}/user_assignments"), None).await.json();
    assert!(v["user_assignments"].as_array().unwrap().iter().all(|u| u["project"]["id"] == project));
    assert_eq!(call(&s, "GET", "/v2/projects/1/user_assignments", None).await.status, 404);
}

#[tokio::test]
async fn seeded_relations_are_consistent() {
    let s = state();
    let v = call(&s, "GET", "/v2/time_entries?per_page=300", None).await.json();
    for e in v["time_entries"].as_array().unwrap() {
        let p = call(&s, "GET", &format!("/v2/projects/{}", e["project"]["id"]), None).await.json();
        assert_eq!(p["name"], e["project"]["name"]);
        assert_eq!(p["client"]["id"], e["client"]["id"]);
        assert!(e["created_at"].as_str() <= e["updated_at"].as_str());
        assert!(e["created_at"].as_str().unwrap()[..10] >= *e["spent_date"].as_str().unwrap());
        if e["billable"] == true {
            assert_eq!(e["task_assignment"]["billable"], true, "{e}");
            assert!(e["billable_rate"].is_number());
        } else {
            assert!(e["billable_rate"].is_null());
        }
        assert!(!e["user_assignment"]["id"].is_null());
    }
    let v = call(&s, "GET", "/v2/invoices", None).await.json();
    for inv in v["invoices"].as_array().unwrap() {
        let sub: f64 = inv["line_items"].as_array().unwrap().iter().map(|l| l["amount"].as_f64().unwrap()).sum();
        let total = sub + inv["tax_amount"].as_f64().unwrap() + inv["tax2_amount"].as_f64().unwrap()
            - inv["discount_amount"].as_f64().unwrap();
        assert!((total - inv["amount"].as_f64().unwrap()).abs() < 0.011, "{inv}");
        let pays = call(&s, "GET", &format!("/v2/invoices/{}/payments", inv["id"]), None).await.json();
        let paid: f64 =
            pays["invoice_payments"].as_array().unwrap().iter().map(|p| p["amount"].as_f64().unwrap()).sum();
        assert!((inv["amount"].as_f64().unwrap() - paid - inv["due_amount"].as_f64().unwrap()).abs() < 0.011, "{inv}");
    }
}
