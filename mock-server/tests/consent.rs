//! `--oauth-consent page`: the consent page lists the account's users by name
//! and role, its form carries the original request back, and approving
//! redirects as the automatic consent does, as the chosen user; everything is
//! escaped and every bad request is a Harvest ID error, never a 5xx.
//! (`tests/browser/` clicks the same page in headless Chromium.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use harvest_mock::{AppState, Config, OAuthConsent};
use serde_json::json;

fn page_state() -> AppState {
    AppState::new(Config { oauth_consent: OAuthConsent::Page, ..config() }).unwrap()
}

async fn get_page(s: &AppState, query: &str) -> Resp {
    let req = Request::builder().uri(format!("/oauth2/authorize?{query}")).header("host", "mock.test");
    send(s, req.body(Body::empty()).unwrap()).await
}

async fn post_form(s: &AppState, pairs: &[(String, String)]) -> Resp {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    let req = Request::builder()
        .method("POST")
        .uri("/oauth2/authorize")
        .header("host", "mock.test")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    send(s, req).await
}

async fn exchange(s: &AppState, form: &str) -> Resp {
    let req = Request::builder()
        .method("POST")
        .uri("/api/v2/oauth2/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap();
    send(s, req).await
}

async fn me(s: &AppState, token: &str, account: &str) -> Resp {
    let mut r = req("GET", "/v2/users/me", None);
    r.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    r.headers_mut().insert("harvest-account-id", account.parse().unwrap());
    send(s, r).await
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// The hidden inputs of the page's form, as a browser would send them.
fn hidden_fields(html: &str) -> Vec<(String, String)> {
    html.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once("\" value=\"")?;
            let (value, _) = rest.split_once('"')?;
            Some((name.to_string(), unescape(value)))
        })
        .collect()
}

fn pairs_of(location: &str, sep: char) -> Vec<(String, String)> {
    let q = location.split_once(sep).map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn value<'a>(pairs: &'a [(String, String)], k: &str) -> &'a str {
    pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {k} in {pairs:?}"))
}

fn roles_of(s: &AppState, user: i64) -> Vec<String> {
    serde_json::from_value(s.field("user", user, "access_roles").unwrap()).unwrap()
}

/// An active member of the seeded account.
fn member(s: &AppState) -> i64 {
    s.ids("user")
        .into_iter()
        .find(|u| roles_of(s, *u) == ["member"] && s.field("user", *u, "is_active") == Some(json!(true)))
        .expect("an active member")
}

#[tokio::test]
async fn the_page_lists_the_active_users_by_name_and_role_with_the_first_administrator_selected() {
    let s = page_state();
    // A manager with add-ons, made through the API: the page reads the records as they are now.
    let m = member(&s);
    let body = json!({"access_roles": ["manager", "project_creator"]});
    assert_eq!(call(&s, "PATCH", &format!("/v2/users/{m}"), Some(&body)).await.status, 200);
    let r = get_page(&s, "client_id=app&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&state=xyz").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(r.headers["cache-control"], "no-store");
    assert!(r.headers["content-security-policy"].to_str().unwrap().contains("default-src 'none'"));
    let html = &r.text;
    let mut listed = 0;
    for u in s.ids("user") {
        let name = format!(
            "{} {}",
            s.field("user", u, "first_name").unwrap().as_str().unwrap(),
            s.field("user", u, "last_name").unwrap().as_str().unwrap()
        );
        let option = format!("value=\"{u}\" id=\"user-{u}\"");
        if s.field("user", u, "is_active") == Some(json!(false)) {
            assert!(!html.contains(&option), "archived user {u} offered");
            continue;
        }
        listed += 1;
        assert!(html.contains(&option), "user {u} missing");
        let item = html.split(&format!("<li data-user-id=\"{u}\"")).nth(1).unwrap().split("</li>").next().unwrap();
        assert!(item.contains(&format!("<span class=\"name\">{}</span>", escape(&name))), "{item}");
        assert!(item.contains(&format!("<span class=\"role\">{}</span>", roles_of(&s, u).join(", "))), "{item}");
    }
    assert!(listed >= 3, "only {listed} users listed");
    for role in ["administrator", "manager, project_creator", "member"] {
        assert!(html.contains(&format!("<span class=\"role\">{role}</span>")), "no {role} listed");
    }
    assert!(html.contains(&format!("<li data-user-id=\"{m}\" data-roles=\"manager project_creator\">")));
    let first_admin = call(&s, "GET", "/v2/users/me", None).await.json()["id"].as_i64().unwrap();
    assert!(html.contains(&format!("value=\"{first_admin}\" id=\"user-{first_admin}\" required checked>")));
    assert_eq!(html.matches(" checked>").count(), 1);
    assert!(html.contains(">Authorize App</button>"));
    assert_eq!(
        hidden_fields(html),
        [
            ("client_id", "app"),
            ("response_type", "code"),
            ("scope", "harvest:1"),
            ("account_id", "1"),
            ("redirect_uri", "https://app.test/cb"),
            ("state", "xyz")
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
    );
}

#[tokio::test]
async fn approving_on_the_page_redirects_with_a_code_acting_as_the_chosen_member() {
    let s = page_state();
    let m = member(&s);
    let page = get_page(&s, "client_id=app&redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Fx%3D1&state=s%201").await;
    let mut form = hidden_fields(&page.text);
    form.push(("user_id".into(), m.to_string()));
    form.push(("decision".into(), "approve".into()));
    let r = post_form(&s, &form).await;
    assert_eq!(r.status, 302, "{}", r.text);
    let location = r.headers["location"].to_str().unwrap();
    assert!(location.starts_with("https://app.test/cb?x=1&code="), "{location}");
    let pairs = pairs_of(location, '?');
    assert_eq!((value(&pairs, "state"), value(&pairs, "scope")), ("s 1", "harvest:1"));
    let code = value(&pairs, "code");
    let t = exchange(&s, &format!("grant_type=authorization_code&code={code}&client_id=app&client_secret=x&redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Fx%3D1")).await;
    assert_eq!(t.status, 200, "{}", t.text);
    let who = me(&s, t.json()["access_token"].as_str().unwrap(), "1").await;
    assert_eq!((who.status.as_u16(), who.json()["id"].clone()), (200, json!(m)), "{}", who.text);
}

#[tokio::test]
async fn the_implicit_flow_through_the_page_puts_the_token_in_the_fragment() {
    let s = page_state();
    let m = member(&s);
    let page =
        get_page(&s, "client_id=app&response_type=token&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&state=abc").await;
    let mut form = hidden_fields(&page.text);
    form.push(("user_id".into(), m.to_string()));
    let r = post_form(&s, &form).await;
    assert_eq!(r.status, 302, "{}", r.text);
    let location = r.headers["location"].to_str().unwrap();
    assert!(location.starts_with("https://app.test/cb#access_token="), "{location}");
    let pairs = pairs_of(location, '#');
    assert_eq!((value(&pairs, "token_type"), value(&pairs, "state")), ("bearer", "abc"));
    assert_eq!(me(&s, value(&pairs, "access_token"), "1").await.json()["id"], m);
}

#[tokio::test]
async fn denying_redirects_with_access_denied_and_the_state() {
    let s = page_state();
    let page = get_page(&s, "client_id=app&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&state=q").await;
    let mut form = hidden_fields(&page.text);
    form.push(("decision".into(), "deny".into()));
    let r = post_form(&s, &form).await;
    assert_eq!(r.status, 302, "{}", r.text);
    let pairs = pairs_of(r.headers["location"].to_str().unwrap(), '?');
    assert_eq!((value(&pairs, "error"), value(&pairs, "state")), ("access_denied", "q"));
    assert!(pairs.iter().all(|(k, _)| k != "code"), "no code on a denial: {pairs:?}");
}

#[tokio::test]
async fn everything_the_request_brings_is_escaped_on_the_page() {
    let s = page_state();
    let hostile = "\"><script>alert('x')</script>&";
    let enc = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
    let query = format!(
        "client_id={c}&redirect_uri={r}&state={c}&scope={c}",
        c = enc(hostile),
        r = enc("https://app.test/cb?a=<1>&b='2'")
    );
    let r = get_page(&s, &query).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!r.text.contains("<script"), "{}", r.text);
    assert!(r.text.contains(&escape(hostile)));
    let fields = hidden_fields(&r.text);
    assert_eq!(value(&fields, "state"), hostile, "the state survives the round trip");
    assert_eq!(value(&fields, "redirect_uri"), "https://app.test/cb?a=<1>&b='2'");
}

#[tokio::test]
async fn account_id_picks_the_account_whose_users_consent_and_the_token_reaches() {
    let s = page_state();
    let m = member(&s);
    let page =
        get_page(&s, "client_id=app&response_type=token&redirect_uri=https%3A%2F%2Fapp.test%2Fcb&account_id=7").await;
    assert!(page.text.contains("(#7)"), "{}", page.text);
    let mut form = hidden_fields(&page.text);
    assert_eq!(value(&form, "scope"), "harvest:7");
    form.push(("user_id".into(), m.to_string()));
    let r = post_form(&s, &form).await;
    let pairs = pairs_of(r.headers["location"].to_str().unwrap(), '#');
    let token = value(&pairs, "access_token");
    assert_eq!(me(&s, token, "7").await.json()["id"], m);
    assert_eq!(me(&s, token, "1").await.status, 401, "only the account consented to");
}

#[tokio::test]
async fn bad_requests_get_harvest_id_errors_on_both_methods() {
    let s = AppState::new(Config {
        oauth_consent: OAuthConsent::Page,
        oauth_clients: vec![("app".into(), "secret".into())],
        ..config()
    })
    .unwrap();
    let cases: &[(&str, u16, &str)] = &[
        ("client_id=stranger", 400, "invalid_client"),
        ("", 400, "invalid_request"),
        ("client_id=app&response_type=magic", 400, "unsupported_response_type"),
        ("client_id=app&redirect_uri=https%3A%2F%2Fa.test%2F%0Aevil", 400, "invalid_request"),
        ("client_id=app&user_id=5", 400, "invalid_request"),
        ("client_id=app&user_id=abc", 400, "invalid_request"),
        ("client_id=app&account_id=one", 400, "invalid_request"),
    ];
    for (query, status, error) in cases {
        let got = get_page(&s, query).await;
        assert_eq!((got.status.as_u16(), got.json()["error"].as_str()), (*status, Some(*error)), "GET {query}");
        let form: Vec<(String, String)> =
            form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let got = post_form(&s, &form).await;
        assert_eq!((got.status.as_u16(), got.json()["error"].as_str()), (*status, Some(*error)), "POST {query}");
    }
    for (content_type, body) in [
        ("application/x-www-form-urlencoded", vec![0xff, 0xfe, b'=', 0x80]),
        ("application/json", b"{\"client_id\": 5".to_vec()),
        ("application/json", b"[1,2]".to_vec()),
        ("text/plain", vec![b'a'; 100 * 1024]),
    ] {
        let req = Request::builder()
            .method("POST")
            .uri("/oauth2/authorize")
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap();
        let got = send(&s, req).await;
        assert_eq!(got.status, 400, "{content_type}: {}", got.text);
    }
}

#[tokio::test]
async fn automatic_consent_stays_the_default() {
    let s = state();
    let r = get_page(&s, "client_id=app&redirect_uri=https%3A%2F%2Fapp.test%2Fcb").await;
    assert_eq!(r.status, 302, "{}", r.text);
    assert!(r.headers["location"].to_str().unwrap().starts_with("https://app.test/cb?code="));
}
