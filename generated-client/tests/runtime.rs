//! The runtime against a scripted server: auth headers, retries, pagination, errors,
//! raw calls and watch.

mod support;

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use harvest_client::runtime::{Method, StatusCode};
use harvest_client::{Error, models};
use support::{client, client_json, reply, serve};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn page(base: &str, items: &[String], next: Option<&str>) -> String {
    let next = next.map(|n| format!("\"{base}{n}\"")).unwrap_or_else(|| "null".into());
    format!(
        r#"{{"clients":[{}],"per_page":2,"total_pages":null,"total_entries":null,"next_page":null,"previous_page":null,"page":null,"links":{{"first":null,"next":{next},"previous":null,"last":null}}}}"#,
        items.join(",")
    )
}

#[tokio::test]
async fn sends_auth_headers_and_user_agent() -> TestResult {
    let server = serve(|_, _, _| reply(200, "{}")).await?;
    let client = client(&server.base)?;
    client.raw(Method::GET, "/users/me").query(&[("a", "b c")]).send().await?;
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/v2/users/me?a=b+c");
    assert_eq!(seen[0].header("authorization"), Some("Bearer tok"));
    assert_eq!(seen[0].header("harvest-account-id"), Some("42"));
    assert_eq!(seen[0].header("user-agent"), Some("runtime-tests (dev@example.com)"));
    Ok(())
}

#[test]
fn user_agent_is_required() {
    let err = harvest_client::Client::builder().token("t").build();
    assert!(matches!(err, Err(Error::Config(_))));
}

#[tokio::test]
async fn retries_429_and_503_honouring_retry_after() -> TestResult {
    let server = serve(|_, i, _| match i {
        0 => {
            let mut r = reply(429, r#"{"message":"slow down"}"#);
            r.headers.push(("Retry-After".into(), "0".into()));
            r
        }
        1 => reply(503, ""),
        _ => reply(200, client_json(1, "2024-01-01T00:00:00Z")),
    })
    .await?;
    let client = client(&server.base)?;
    let got = client.clients().get(1).send().await?;
    assert_eq!(got.id, 1);
    assert_eq!(server.requests().len(), 3);
    Ok(())
}

#[tokio::test]
async fn post_is_not_retried_unless_opted_in() -> TestResult {
    let server =
        serve(|_, i, _| if i <= 1 { reply(503, "") } else { reply(201, client_json(7, "2024-01-01T00:00:00Z")) })
            .await?;
    let client = client(&server.base)?;
    let err = client.clients().create(models::CreateClientBody::new("Acme")).send().await;
    let Err(err) = err else { return Err("expected a 503".into()) };
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());
    assert_eq!(server.requests().len(), 1);
    let created = client.clients().create(models::CreateClientBody::new("Acme")).retry(true).send().await?;
    assert_eq!(created.id, 7);
    assert_eq!(server.requests().len(), 3);
    assert_eq!(server.requests()[1].body, r#"{"name":"Acme"}"#);
    Ok(())
}

#[tokio::test]
async fn stream_follows_links_next_verbatim_for_both_styles() -> TestResult {
    let server = serve(|req, _, base| {
        let items = |ids: &[i64]| ids.iter().map(|i| client_json(*i, "2024-01-01T00:00:00Z")).collect::<Vec<_>>();
        match req.target.as_str() {
            "/v2/clients?is_active=true&per_page=2" => {
                reply(200, page(base, &items(&[1, 2]), Some("/v2/clients?cursor=eyJpZCI6Mn0%3D&per_page=2")))
            }
            "/v2/clients?cursor=eyJpZCI6Mn0%3D&per_page=2" => {
                reply(200, page(base, &items(&[3, 4]), Some("/v2/clients?page=3&per_page=2")))
            }
            "/v2/clients?page=3&per_page=2" => reply(200, page(base, &items(&[5]), None)),
            other => reply(404, format!(r#"{{"status":404,"error":"no {other}"}}"#)),
        }
    })
    .await?;
    let client = client(&server.base)?;
    let all: Vec<models::Client> = client.clients().list().is_active(true).per_page(2).stream().try_collect().await?;
    assert_eq!(all.iter().map(|c| c.id).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
    let pages: Vec<_> = client.clients().list().is_active(true).per_page(2).pages().try_collect().await?;
    assert_eq!(pages.len(), 3);
    assert_eq!(server.requests().len(), 6);
    Ok(())
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_then_the_stream_ends() -> TestResult {
    let server = serve(|_, i, base| match i {
        0 => reply(200, page(base, &[client_json(1, "2024-01-01T00:00:00Z")], Some("/v2/clients?page=2"))),
        _ => reply(500, r#"{"message":"boom"}"#),
    })
    .await?;
    let client = harvest_client::Client::builder()
        .base_url(format!("{}/v2", server.base))
        .user_agent("t (t@example.com)")
        .max_retries(0)
        .build()?;
    let items: Vec<Result<models::Client, Error>> = client.clients().list().stream().collect().await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    let Err(err) = &items[1] else { return Err("expected an error".into()) };
    assert_eq!(err.api_error().and_then(|e| e.message.as_deref()), Some("boom"));
    Ok(())
}

#[tokio::test]
async fn harvest_error_bodies_are_parsed() -> TestResult {
    let server = serve(|req, _, _| match req.target.as_str() {
        "/v2/clients/1" => reply(404, r#"{"status":404,"error":"Not Found"}"#),
        "/v2/clients/2" => {
            reply(401, r#"{"error":"invalid_token","error_description":"The access token provided is expired"}"#)
        }
        _ => reply(422, r#"{"message":"Name can't be blank"}"#),
    })
    .await?;
    let client = client(&server.base)?;
    let Err(e404) = client.clients().get(1).send().await else { return Err("expected 404".into()) };
    assert_eq!(e404.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(e404.api_error().and_then(|e| e.status), Some(404));
    assert!(!e404.is_retryable());
    assert_eq!(e404.body().map(|b| b.len()), Some(34));
    let Err(e401) = client.clients().get(2).send().await else { return Err("expected 401".into()) };
    assert_eq!(
        e401.to_string(),
        "Harvest answered 401 Unauthorized: invalid_token: The access token provided is expired"
    );
    let Err(e422) = client.clients().get(3).send().await else { return Err("expected 422".into()) };
    assert_eq!(e422.api_error().and_then(|e| e.text()).as_deref(), Some("Name can't be blank"));
    Ok(())
}

#[tokio::test]
async fn decode_failures_name_the_json_path() -> TestResult {
    let server = serve(|_, _, base| {
        let bad = r#"{"id":2,"name":"x","is_active":"yes","address":null,"statement_key":"k","currency":"EUR","created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}"#;
        reply(200, page(base, &[client_json(1, "2024-01-01T00:00:00Z"), bad.to_string()], None))
    })
    .await?;
    let client = client(&server.base)?;
    let Err(err) = client.clients().list().send().await else { return Err("expected a decode error".into()) };
    let Error::Decode { path, .. } = &err else { return Err(format!("unexpected {err}").into()) };
    assert_eq!(path, "clients[1].is_active");
    Ok(())
}

#[tokio::test]
async fn raw_call_with_json_body() -> TestResult {
    let server = serve(|req, _, _| reply(200, format!(r#"{{"echo":{}}}"#, req.body))).await?;
    let client = client(&server.base)?;
    let value: serde_json::Value = client
        .raw(Method::POST, "/anything")
        .json(&serde_json::json!({"a": 1}))
        .timeout(Duration::from_secs(5))
        .send_json()
        .await?;
    assert_eq!(value, serde_json::json!({"echo": {"a": 1}}));
    let seen = server.requests();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    Ok(())
}

#[tokio::test]
async fn watch_yields_each_change_once_and_resumes_from_a_checkpoint() -> TestResult {
    let server = serve(|req, _, base| {
        let all = [(1, "2024-01-01T00:00:00Z"), (2, "2024-01-02T00:00:00Z"), (3, "2024-01-02T00:00:00Z")];
        // Honour updated_since like Harvest does (>=).
        let since = req.target.split("updated_since=").nth(1).map(|s| s.replace("%3A", ":"));
        let items: Vec<String> = all
            .iter()
            .filter(|(_, at)| since.as_deref().is_none_or(|s| *at >= s))
            .map(|(id, at)| client_json(*id, at))
            .collect();
        reply(200, page(base, &items, None))
    })
    .await?;
    let client = client(&server.base)?;
    let changes: Vec<_> = client.clients().watch(Duration::from_millis(10)).stream().take(3).try_collect().await?;
    assert_eq!(changes.iter().map(|c| c.record.id).collect::<Vec<_>>(), vec![1, 2, 3]);
    let checkpoint = changes[2].checkpoint.clone();
    assert_eq!(checkpoint.seen, vec![2, 3]);
    // A restarted watch yields nothing already seen: the next poll's result is empty,
    // so taking one item would hang; check with a timeout instead.
    let resumed = client.clients().watch(Duration::from_millis(10)).from_checkpoint(checkpoint).stream();
    let next = tokio::time::timeout(Duration::from_millis(200), resumed.into_future()).await;
    assert!(next.is_err(), "nothing new should be yielded");
    assert!(server.requests().iter().any(|r| r.target.contains("updated_since=2024-01-02T00%3A00%3A00Z")));
    Ok(())
}

#[tokio::test]
async fn rate_limiter_spaces_requests() -> TestResult {
    let server = serve(|_, _, _| reply(200, "{}")).await?;
    let client = harvest_client::Client::builder()
        .base_url(format!("{}/v2", server.base))
        .user_agent("t (t@example.com)")
        .rate_limit(2, Duration::from_millis(300))
        .build()?;
    let start = std::time::Instant::now();
    for _ in 0..3 {
        client.raw(Method::GET, "/x").send().await?;
    }
    assert!(start.elapsed() >= Duration::from_millis(290));
    Ok(())
}

#[test]
fn models_keep_unknown_enum_values_and_read_decimals() -> TestResult {
    let status: models::ApprovalStatus = serde_json::from_str("\"escalated\"")?;
    assert_eq!(status.as_str(), "escalated");
    assert_eq!(serde_json::to_string(&status)?, "\"escalated\"");
    let known: models::ApprovalStatus = serde_json::from_str("\"approved\"")?;
    assert_eq!(known, models::ApprovalStatus::Approved);
    let a: harvest_client::runtime::Decimal = serde_json::from_str("2")?;
    let b: harvest_client::runtime::Decimal = serde_json::from_str("2.0")?;
    assert_eq!(a, b);
    Ok(())
}

#[test]
fn patch_bodies_distinguish_unset_from_null() -> TestResult {
    let unset = models::UpdateTimeEntryBody::new();
    assert_eq!(serde_json::to_string(&unset)?, "{}");
    let cleared = models::UpdateTimeEntryBody::new().clear_notes();
    assert_eq!(serde_json::to_string(&cleared)?, r#"{"notes":null}"#);
    let set = models::UpdateTimeEntryBody::new().notes("hi").hours(harvest_client::runtime::Decimal::new(15, 1));
    assert_eq!(serde_json::to_string(&set)?, r#"{"hours":1.5,"notes":"hi"}"#);
    Ok(())
}

#[tokio::test]
async fn settings_come_from_prefixed_variables() -> TestResult {
    let server = serve(|_, _, _| reply(200, "{}")).await?;
    let vars = [
        ("HARVEST_ACCESS_TOKEN", "env-token".to_owned()),
        ("HARVEST_ACCOUNT_ID", "7".to_owned()),
        ("HARVEST_USER_AGENT", "env-tests (dev@example.com)".to_owned()),
        ("HARVEST_BASE_URL", server.base.clone()),
        ("OTHER_ACCESS_TOKEN", "not ours".to_owned()),
    ];
    let lookup = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
    let client = harvest_client::Client::builder().token("overridden").from_lookup(lookup).build()?;
    client.raw(Method::GET, "/users/me").send().await?;
    let seen = server.requests();
    assert_eq!(seen[0].header("authorization"), Some("Bearer env-token"));
    assert_eq!(seen[0].header("harvest-account-id"), Some("7"));
    assert_eq!(seen[0].header("user-agent"), Some("env-tests (dev@example.com)"));
    Ok(())
}

const INVALID_TOKEN: &str = r#"{"error":"invalid_token","error_description":"The access token provided is expired, revoked, malformed or invalid for other reasons."}"#;

/// A form field of a recorded `application/x-www-form-urlencoded` body (plain values only).
fn form_field(body: &str, name: &str) -> Option<String> {
    body.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v.to_owned())
}

/// Script: the API refuses every token but the two it accepts once each; the token endpoint
/// hands out `acc-N`/`ref-N` for its N-th call.
#[tokio::test]
async fn oauth_renews_once_per_refusal_and_rotates_refresh_tokens() -> TestResult {
    let server = serve(|req, i, _| {
        if req.target == "/api/v2/oauth2/token" {
            let n = i.div_ceil(3);
            return reply(
                200,
                format!(
                    r#"{{"access_token":"acc-{n}","refresh_token":"ref-{n}","token_type":"bearer","expires_in":3600}}"#
                ),
            );
        }
        if i == 2 || i == 5 { reply(200, "{}") } else { reply(401, INVALID_TOKEN) }
    })
    .await?;
    let handed = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = handed.clone();
    let oauth = harvest_client::OAuth::new(harvest_client::OAuthApp::new("app", "secret"), "ref-0")
        .access_token("stale", None)
        .on_refresh(move |t| sink.lock().map(|mut h| h.push(t.refresh_token.clone())).unwrap_or_default());
    let client = harvest_client::Client::builder()
        .base_url(format!("{}/v2", server.base))
        .identity_url(&server.base)
        .oauth(oauth)
        .account_id(42)
        .user_agent("runtime-tests (dev@example.com)")
        .build()?;

    client.raw(Method::GET, "/users/me").send().await?;
    client.raw(Method::GET, "/users/me").send().await?;
    let err = client.raw(Method::GET, "/users/me").send().await.err().ok_or("the third token is refused too")?;
    assert!(err.is_invalid_token(), "one renewal per request, then the refusal is returned: {err}");

    let seen = server.requests();
    let sent: Vec<_> = seen.iter().map(|r| (r.method.as_str(), r.header("authorization"))).collect();
    assert_eq!(
        sent,
        vec![
            ("GET", Some("Bearer stale")),
            ("POST", None),
            ("GET", Some("Bearer acc-1")),
            ("GET", Some("Bearer acc-1")),
            ("POST", None),
            ("GET", Some("Bearer acc-2")),
            ("GET", Some("Bearer acc-2")),
            ("POST", None),
            ("GET", Some("Bearer acc-3")),
        ]
    );
    let refreshes: Vec<_> = seen.iter().filter(|r| r.method == "POST").collect();
    let used: Vec<_> = refreshes.iter().map(|r| form_field(&r.body, "refresh_token")).collect();
    assert_eq!(used, vec![Some("ref-0".into()), Some("ref-1".into()), Some("ref-2".into())], "the newest is used");
    for r in &refreshes {
        assert_eq!(r.header("content-type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(r.header("harvest-account-id"), None, "Harvest ID takes no account header");
        assert_eq!(form_field(&r.body, "grant_type").as_deref(), Some("refresh_token"));
        assert_eq!(
            (form_field(&r.body, "client_id").as_deref(), form_field(&r.body, "client_secret").as_deref()),
            (Some("app"), Some("secret"))
        );
    }
    assert_eq!(*handed.lock().map_err(|_| "poisoned")?, vec!["ref-1", "ref-2", "ref-3"]);
    Ok(())
}

#[tokio::test]
async fn accounts_go_to_harvest_id_with_the_token_only() -> TestResult {
    let server = serve(|_, _, _| {
        reply(200, r#"{"user":{"id":7,"first_name":"A","last_name":"B","email":"a@b.c"},"accounts":[{"id":42,"name":"Co","product":"harvest"}]}"#)
    })
    .await?;
    let client = harvest_client::Client::builder()
        .base_url("http://127.0.0.1:9/v2")
        .identity_url(format!("{}/", server.base))
        .token("tok")
        .account_id(42)
        .user_agent("runtime-tests (dev@example.com)")
        .build()?;
    let accounts = client.accounts().await?;
    assert_eq!((accounts.user.id, accounts.accounts[0].id), (7, 42));
    let seen = server.requests();
    assert_eq!(seen[0].target, "/api/v2/accounts");
    assert_eq!((seen[0].header("authorization"), seen[0].header("harvest-account-id")), (Some("Bearer tok"), None));
    Ok(())
}

#[test]
fn a_token_and_oauth_together_are_refused() {
    let oauth = harvest_client::OAuth::new(harvest_client::OAuthApp::new("app", "secret"), "r");
    let built = harvest_client::Client::builder().token("t").oauth(oauth).user_agent("t (t@example.com)").build();
    assert!(matches!(built, Err(Error::Config(_))));
}

#[tokio::test]
async fn a_receipt_turns_the_body_into_multipart_form_data() -> TestResult {
    let server = serve(|_, _, _| reply(500, "")).await?;
    let client = support::client(&server.base)?;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).ok_or("date")?;
    let body = models::CreateExpenseBody::new(5, 6, date).notes("taxi");
    let file = harvest_client::Upload::new("r.pdf", "application/pdf", &b"%PDF"[..]);
    let _ = client.expenses().create(body).receipt(file).send().await;
    let seen = server.requests();
    let boundary = seen[0]
        .header("content-type")
        .and_then(|t| t.strip_prefix("multipart/form-data; boundary="))
        .ok_or("not multipart")?;
    let part = |name: &str, value: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    for (name, value) in
        [("project_id", "5"), ("expense_category_id", "6"), ("notes", "taxi"), ("spent_date", "2026-01-02")]
    {
        assert!(seen[0].body.contains(&part(name, value)), "{name}: {}", seen[0].body);
    }
    let file_part = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"receipt\"; filename=\"r.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--{boundary}--\r\n"
    );
    assert!(seen[0].body.ends_with(&file_part), "{}", seen[0].body);
    Ok(())
}
