//! Harvest ID on the mock's host: the code and implicit flows, refresh,
//! expiry, account scoping, `/api/v2/accounts`, and requests acting as the
//! token's user.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use common::*;
use harvest_mock::{AppState, Config};
use serde_json::{Value, json};

/// A request with only the headers a browser or an OAuth library sends.
async fn bare(s: &AppState, method: &str, uri: &str, form: Option<&str>) -> Resp {
    let b = Request::builder().method(method).uri(uri).header("host", "mock.test");
    let req = match form {
        Some(f) => b.header("content-type", "application/x-www-form-urlencoded").body(Body::from(f.to_string())),
        None => b.body(Body::empty()),
    };
    send(s, req.unwrap()).await
}

/// An API call with an OAuth token and an account id.
async fn api(s: &AppState, token: &str, account: &str, method: &str, uri: &str, body: Option<&Value>) -> Resp {
    let mut req = req(method, uri, body);
    req.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    req.headers_mut().insert("harvest-account-id", account.parse().unwrap());
    send(s, req).await
}

fn query_of(location: &str, sep: char) -> Vec<(String, String)> {
    let q = location.split_once(sep).map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn get<'a>(pairs: &'a [(String, String)], k: &str) -> &'a str {
    pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {k} in {pairs:?}"))
}

/// A member of the seeded account (not its first administrator).
fn member(s: &AppState) -> i64 {
    let ids = s.ids("user");
    ids.into_iter().find(|u| s.field("user", *u, "access_roles") == Some(json!(["member"]))).expect("a member")
}

async fn exchange(s: &AppState, form: &str) -> Resp {
    bare(s, "POST", "/api/v2/oauth2/token", Some(form)).await
}

#[tokio::test]
async fn the_code_flow_round_trips_state_and_the_code_is_single_use() {
    let s = state();
    let r = bare(&s, "GET", "/oauth2/authorize?client_id=app&response_type=code&redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Fx%3D1&state=s%201", None).await;
    assert_eq!(r.status, 302, "{}", r.text);
    let location = r.headers["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("https://app.test/cb?x=1&code="), "{location}");
    let pairs = query_of(&location, '?');
    assert_eq!(get(&pairs, "state"), "s 1");
    assert_eq!(get(&pairs, "scope"), "harvest:1");
    let code = get(&pairs, "code").to_string();
    let form = format!(
        "grant_type=authorization_code&code={code}&client_id=app&client_secret=x&redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Fx%3D1"
    );
    let t = exchange(&s, &form).await;
    assert_eq!(t.status, 200, "{}", t.text);
    let t = t.json();
    assert_eq!((t["token_type"].clone(), t["expires_in"].clone()), (json!("bearer"), json!(1_209_600)));
    let me = api(&s, t["access_token"].as_str().unwrap(), "1", "GET", "/v2/users/me", None).await;
    assert_eq!(me.status, 200, "{}", me.text);
    let first_admin = call(&s, "GET", "/v2/users/me", None).await.json();
    assert_eq!(me.json()["id"], first_admin["id"], "consent defaults to the first administrator");
    let again = exchange(&s, &form).await;
    assert_eq!(
        (again.status.as_u16(), again.json()["error"].clone()),
        (400, json!("invalid_grant")),
        "a code is single-use"
    );
}

#[tokio::test]
async fn the_implicit_flow_acts_as_the_chosen_user() {
    let s = state();
    let m = member(&s);
    let r = bare(&s, "GET", &format!("/oauth2/authorize?client_id=app&response_type=token&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&state=abc&user_id={m}"), None).await;
    assert_eq!(r.status, 302, "{}", r.text);
    let location = r.headers["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("https://app.test/cb#access_token="), "{location}");
    let pairs = query_of(&location, '#');
    assert_eq!(
        (get(&pairs, "token_type"), get(&pairs, "expires_in"), get(&pairs, "state")),
        ("bearer", "1209600", "abc")
    );
    let token = get(&pairs, "access_token");
    let me = api(&s, token, "1", "GET", "/v2/users/me", None).await.json();
    assert_eq!(me["id"], m);
    // Writes act as the token's user too.
    // On a project the member is assigned to.
    let ua =
        call(&s, "GET", &format!("/v2/user_assignments?user_id={m}"), None).await.json()["user_assignments"][0].clone();
    let project = &ua["project"]["id"];
    let ta =
        call(&s, "GET", &format!("/v2/projects/{project}/task_assignments"), None).await.json()["task_assignments"][0]
            .clone();
    let body = json!({"project_id": ta["project"]["id"], "task_id": ta["task"]["id"], "spent_date": "2025-05-05", "hours": 1.5});
    let created = api(&s, token, "1", "POST", "/v2/time_entries", Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json()["user"]["id"], m, "a new time entry is the token user's");
    let unknown = bare(&s, "GET", "/oauth2/authorize?client_id=app&user_id=5", None).await;
    assert_eq!(unknown.status, 400, "{}", unknown.text);
}

#[tokio::test]
async fn refresh_tokens_stay_valid_and_belong_to_their_client() {
    let s = AppState::new(Config {
        oauth_clients: vec![("app".into(), "secret".into()), ("other".into(), "o".into())],
        ..config()
    })
    .unwrap();
    let r = bare(&s, "GET", "/oauth2/authorize?client_id=app", None).await.json();
    let code = r["code"].as_str().unwrap().to_string();
    let wrong =
        exchange(&s, &format!("grant_type=authorization_code&code={code}&client_id=app&client_secret=nope")).await;
    assert_eq!((wrong.status.as_u16(), wrong.json()["error"].clone()), (401, json!("invalid_client")));
    let foreign =
        exchange(&s, &format!("grant_type=authorization_code&code={code}&client_id=other&client_secret=o")).await;
    assert_eq!(foreign.json()["error"], "invalid_grant", "a code is its client's");
    let code =
        bare(&s, "GET", "/oauth2/authorize?client_id=app", None).await.json()["code"].as_str().unwrap().to_string();
    let t = exchange(&s, &format!("grant_type=authorization_code&code={code}&client_id=app&client_secret=secret"))
        .await
        .json();
    let refresh = t["refresh_token"].as_str().unwrap().to_string();
    for _ in 0..2 {
        let r = exchange(
            &s,
            &format!("grant_type=refresh_token&refresh_token={refresh}&client_id=app&client_secret=secret"),
        )
        .await;
        assert_eq!(r.status, 200, "the same refresh token works again: {}", r.text);
        assert_ne!(r.json()["access_token"], t["access_token"]);
    }
    let theirs =
        exchange(&s, &format!("grant_type=refresh_token&refresh_token={refresh}&client_id=other&client_secret=o"))
            .await;
    assert_eq!((theirs.status.as_u16(), theirs.json()["error"].clone()), (400, json!("invalid_grant")));
    let unknown = exchange(&s, "grant_type=refresh_token&refresh_token=nope&client_id=app&client_secret=secret").await;
    assert_eq!(unknown.json()["error"], "invalid_grant");
    let json_body = Request::builder()
        .method("POST")
        .uri("/api/v2/oauth2/token")
        .header("content-type", "application/json")
        .body(Body::from(json!({"grant_type": "refresh_token", "refresh_token": refresh, "client_id": "app", "client_secret": "secret"}).to_string()))
        .unwrap();
    assert_eq!(send(&s, json_body).await.status, 200, "JSON bodies are accepted too");
}

#[tokio::test]
async fn a_mismatched_redirect_uri_is_refused() {
    let s = state();
    let r = bare(&s, "GET", "/oauth2/authorize?client_id=app&redirect_uri=https%3A%2F%2Fa.test%2F", None).await;
    let code = get(&query_of(r.headers["location"].to_str().unwrap(), '?'), "code").to_string();
    let t = exchange(&s, &format!("grant_type=authorization_code&code={code}&client_id=app&client_secret=x&redirect_uri=https%3A%2F%2Fb.test%2F")).await;
    assert_eq!((t.status.as_u16(), t.json()["error"].clone()), (400, json!("invalid_grant")));
}

#[tokio::test]
async fn tokens_expire_and_reach_only_their_account() {
    let s = AppState::new(Config { token_ttl: Duration::from_millis(300), ..config() }).unwrap();
    let t = bare(&s, "GET", "/oauth2/authorize?client_id=app&response_type=code", None).await.json();
    let code = t["code"].as_str().unwrap();
    let t =
        exchange(&s, &format!("grant_type=authorization_code&code={code}&client_id=app&client_secret=x")).await.json();
    let token = t["access_token"].as_str().unwrap().to_string();
    let other = api(&s, &token, "2", "GET", "/v2/users/me", None).await;
    assert_eq!(other.status, 401, "another account id");
    assert_eq!(other.text, s.spec().api.errors.unauthorized);
    assert_eq!(api(&s, &token, "1", "GET", "/v2/users/me", None).await.status, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = api(&s, &token, "1", "GET", "/v2/users/me", None).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.text, s.spec().api.errors.unauthorized);
    assert!(expired.headers.contains_key("www-authenticate"));
    let refresh = t["refresh_token"].as_str().unwrap();
    let fresh =
        exchange(&s, &format!("grant_type=refresh_token&refresh_token={refresh}&client_id=app&client_secret=x"))
            .await
            .json();
    let me = api(&s, fresh["access_token"].as_str().unwrap(), "1", "GET", "/v2/users/me", None).await;
    assert_eq!(me.status, 200, "refreshed: {}", me.text);
}

#[tokio::test]
async fn accounts_lists_the_token_user_and_the_account() {
    let s = state();
    let m = member(&s);
    let t = bare(&s, "GET", &format!("/oauth2/authorize?client_id=app&user_id={m}"), None).await.json();
    let code = t["code"].as_str().unwrap();
    let t =
        exchange(&s, &format!("grant_type=authorization_code&code={code}&client_id=app&client_secret=x")).await.json();
    let req = Request::builder()
        .uri("/api/v2/accounts")
        .header("authorization", format!("Bearer {}", t["access_token"].as_str().unwrap()))
        .body(Body::empty())
        .unwrap();
    let r = send(&s, req).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["user"]["id"], m);
    assert_eq!(v["user"]["email"], s.field("user", m, "email").unwrap());
    let company = call(&s, "GET", "/v2/company", None).await.json();
    assert_eq!(v["accounts"], json!([{"id": 1, "name": company["name"], "product": "harvest"}]));
    assert_eq!(bare(&s, "GET", "/api/v2/accounts", None).await.status, 401);
}

#[tokio::test]
async fn the_admin_api_mints_a_personal_token_for_any_user() {
    let s = state();
    let m = member(&s);
    let r = call(&s, "POST", "/__admin/tokens", Some(&json!({"user_id": m}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let token = r.json()["token"].as_str().unwrap().to_string();
    assert_eq!(api(&s, &token, "1", "GET", "/v2/users/me", None).await.json()["id"], m);
    let bad = call(&s, "POST", "/__admin/tokens", Some(&json!({"user_id": 42}))).await;
    assert_eq!(bad.status, 422, "{}", bad.text);
}
