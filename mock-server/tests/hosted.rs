//! The agent connector's hosted API (`/api/v1`): tokens, and check, list, get
//! and search for every connector entity, compared with the plain API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use harvest_mock::{AppState, Config};
use serde_json::{Value, json};

const ENTITIES: [&str; 18] = [
    "clients",
    "company",
    "contacts",
    "estimate_item_categories",
    "estimates",
    "expense_categories",
    "expenses",
    "invoice_item_categories",
    "invoices",
    "projects",
    "roles",
    "task_assignments",
    "tasks",
    "time_entries",
    "time_projects",
    "time_tasks",
    "user_assignments",
    "users",
];

/// A POST of JSON with only the headers the connector's SDK sends.
async fn post(s: &AppState, uri: &str, bearer: Option<&str>, body: &Value) -> Resp {
    let mut b = Request::builder()
        .method("POST")
        .uri(uri)
        .header("host", "mock.test")
        .header("content-type", "application/json");
    if let Some(t) = bearer {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    send(s, b.body(Body::from(body.to_string())).unwrap()).await
}

async fn token(s: &AppState) -> String {
    let r = post(s, "/api/v1/account/applications/token", None, &json!({"client_id": "c", "client_secret": "s"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["access_token"].as_str().unwrap().to_string()
}

async fn execute(s: &AppState, token: &str, entity: &str, action: &str, params: Value) -> Resp {
    let body = json!({"entity": entity, "action": action, "params": params});
    post(s, "/api/v1/integrations/connectors/any-id/execute", Some(token), &body).await
}

#[tokio::test]
async fn tokens_are_issued_for_known_clients_and_required_to_execute() {
    let s = AppState::new(Config { connector_clients: vec![("app".into(), "right".into())], ..config() }).unwrap();
    let url = "/api/v1/account/applications/token";
    let wrong = post(&s, url, None, &json!({"client_id": "app", "client_secret": "wrong"})).await;
    assert_eq!((wrong.status.as_u16(), wrong.json()["error"].clone()), (401, json!("invalid_client")));
    let missing = post(&s, url, None, &json!({"client_id": "app"})).await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    let ok = post(&s, url, None, &json!({"client_id": "app", "client_secret": "right"})).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let tok = ok.json()["access_token"].as_str().unwrap().to_string();
    assert!(tok.len() >= 32);
    let check = json!({"entity": "*", "action": "check", "params": {}});
    let exec = "/api/v1/integrations/connectors/c1/execute";
    assert_eq!(post(&s, exec, None, &check).await.status, 401);
    assert_eq!(post(&s, exec, Some("made-up"), &check).await.status, 401);
    let r = post(&s, exec, Some(&tok), &check).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"result": {"status": "healthy", "checked_entity": "users", "checked_action": "list"}, "connector_metadata": {}})
    );
}

#[tokio::test]
async fn list_and_get_return_what_the_plain_api_returns_for_every_entity() {
    let s = state();
    let tok = token(&s).await;
    for entity in ENTITIES {
        let report = entity.starts_with("time_") && entity != "time_entries";
        if entity != "company" {
            let mut params = json!({"per_page": 3});
            let mut plain = format!("/v2/{entity}?per_page=3");
            if report {
                params = json!({"per_page": 3, "from": "20250101", "to": "20251231"});
                plain = format!("/v2/reports/time/{}?per_page=3&from=20250101&to=20251231", &entity[5..]);
            }
            let r = execute(&s, &tok, entity, "list", params).await;
            assert_eq!(r.status, 200, "{entity}: {}", r.text);
            let hosted = r.json();
            let page = call(&s, "GET", &plain, None).await.json();
            let key = if report { "results" } else { entity };
            assert_eq!(hosted["result"], page[key], "{entity}: the records of one page");
            assert_eq!(hosted["connector_metadata"], json!({"next_link": page["links"]["next"]}), "{entity}");
        }
        if report || entity.ends_with("_assignments") {
            // The connector lists assignments and reports but does not get them one by one.
            let r = execute(&s, &tok, entity, "get", json!({"id": "1"})).await;
            assert_eq!(r.status, 400, "{entity}: {}", r.text);
            continue;
        }
        let path = if entity == "company" {
            "/v2/company".to_string()
        } else {
            let first = call(&s, "GET", &format!("/v2/{entity}?per_page=1"), None).await.json();
            format!("/v2/{entity}/{}", first[entity][0]["id"])
        };
        let plain = call(&s, "GET", &path, None).await.json();
        let params = match plain["id"].as_i64() {
            Some(id) if entity != "company" => json!({"id": id.to_string()}),
            _ => json!({}),
        };
        let r = execute(&s, &tok, entity, "get", params).await;
        assert_eq!(r.status, 200, "{entity}: {}", r.text);
        assert_eq!(r.json()["result"], plain, "{entity}: the record");
    }
}

#[tokio::test]
async fn a_walk_by_next_link_reaches_every_record() {
    let s = state();
    let tok = token(&s).await;
    let r = execute(&s, &tok, "contacts", "list", json!({"per_page": 7})).await.json();
    let mut ids: Vec<i64> = r["result"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    let mut next = r["connector_metadata"]["next_link"].clone();
    while let Some(link) = next.as_str() {
        let page = call(&s, "GET", link.trim_start_matches("http://mock.test"), None).await.json();
        ids.extend(page["contacts"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()));
        next = page["links"]["next"].clone();
    }
    assert_eq!(ids.len(), s.count("contact"));
}

#[tokio::test]
async fn search_is_the_plain_search_and_takes_both_field_forms() {
    let s = state();
    let tok = token(&s).await;
    let query =
        json!({"filter": {"and": [{"eq": {"is_active": true}}, {"like": {"name": "%a%"}}]}, "sort": [{"name": "asc"}]});
    let keys = execute(
        &s,
        &tok,
        "clients",
        "context_store_search",
        json!({"query": query, "limit": 2, "fields": [["id"], ["name"]]}),
    )
    .await;
    assert_eq!(keys.status, 200, "{}", keys.text);
    let dotted = json!({"query": query, "limit": 2, "fields": ["id", "name"]});
    let plain = call(&s, "POST", "/v2/clients/search", Some(&dotted)).await.json();
    let hosted = keys.json();
    assert_eq!(hosted["result"]["data"], plain["data"]);
    assert!(hosted["result"]["data"].as_array().unwrap().iter().all(|r| r.as_object().unwrap().len() == 2));
    let meta = &hosted["result"]["meta"];
    assert!(meta["has_more"].is_boolean() && meta["took_ms"].is_u64(), "{meta}");
    if meta["has_more"] == true {
        assert!(meta["cursor"].is_string());
        let more = json!({"query": query, "limit": 2, "cursor": meta["cursor"], "fields": ["id"]});
        let r = execute(&s, &tok, "clients", "context_store_search", more).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
}

#[tokio::test]
async fn mistakes_get_harvest_style_errors() {
    let s = state();
    let tok = token(&s).await;
    let r = execute(&s, &tok, "widgets", "list", json!({})).await;
    assert_eq!(r.status, 404);
    assert!(r.json()["error_description"].as_str().unwrap().contains("time_projects"), "{}", r.text);
    let r = execute(&s, &tok, "users", "delete", json!({})).await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = execute(&s, &tok, "users", "get", json!({"id": "999"})).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (404, s.spec().api.errors.not_found.as_str()));
    let r = execute(&s, &tok, "users", "get", json!({})).await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = execute(&s, &tok, "time_projects", "list", json!({"from": "20250101"})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r =
        execute(&s, &tok, "clients", "context_store_search", json!({"query": {"filter": {"eq": {"nope": 1}}}})).await;
    assert_eq!(r.status, 400, "{}", r.text);
    let bad = post(&s, "/api/v1/integrations/connectors/x/execute", Some(&tok), &json!("not an object")).await;
    assert_eq!(bad.status, 400);
}
