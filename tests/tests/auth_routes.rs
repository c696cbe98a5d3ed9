//! Every route of the spec, under `/v2` and `/api/v2` and with every method,
//! refuses requests without valid credentials with Harvest's 401; `--token`
//! (`Config::tokens`) lets only its tokens in; the server (and so the admin API,
//! which takes no credentials) listens on loopback unless told otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use futures_util::StreamExt;
use harvest_mock::{Config, MockServer};
use harvest_tests::{existing_params, op_path, snapshot, snapshot_diff};
use reqwest::Method;

const PREFIXES: [&str; 2] = ["/v2", "/api/v2"];
const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "DELETE", "PUT"];
const USER_AGENT: &str = "auth-routes (dev@example.com)";
const PARALLEL: usize = 16;

/// Ways of presenting credentials (all but `Token`/`QueryToken` are incomplete or invalid).
#[derive(Debug, Clone, Copy)]
enum Creds {
    Nothing,
    TokenOnly,
    AccountOnly,
    EmptyToken,
    BlankToken,
    NotBearer,
    AccountNotANumber,
    QueryTokenOnly,
    QueryAccountOnly,
    QueryEmptyToken,
    /// Complete credentials with this token in the headers.
    Token(&'static str),
    /// Complete credentials with this token in the query string.
    QueryToken(&'static str),
}

/// Refused on every path with every method.
const MISSING: [Creds; 4] = [Creds::Nothing, Creds::TokenOnly, Creds::AccountOnly, Creds::EmptyToken];
/// Refused on every operation (its own method).
const MALFORMED: [Creds; 6] = [
    Creds::BlankToken,
    Creds::NotBearer,
    Creds::AccountNotANumber,
    Creds::QueryTokenOnly,
    Creds::QueryAccountOnly,
    Creds::QueryEmptyToken,
];

/// A request carrying `creds` (query credentials go into `url`).
fn request(http: &reqwest::Client, method: &str, url: &str, creds: Creds) -> reqwest::RequestBuilder {
    let query = match creds {
        Creds::QueryTokenOnly => "?access_token=some-token".to_string(),
        Creds::QueryAccountOnly => "?account_id=1".to_string(),
        Creds::QueryEmptyToken => "?access_token=&account_id=1".to_string(),
        Creds::QueryToken(t) => format!("?access_token={t}&account_id=1"),
        _ => String::new(),
    };
    let rb = http
        .request(Method::from_bytes(method.as_bytes()).unwrap(), format!("{url}{query}"))
        .header("User-Agent", USER_AGENT)
        .header("Content-Type", "application/json")
        .body(r#"{"name":"intruder"}"#);
    let header = |rb: reqwest::RequestBuilder, k: &str, v: &str| rb.header(k, v);
    match creds {
        Creds::Nothing => rb,
        Creds::TokenOnly => header(rb, "Authorization", "Bearer some-token"),
        Creds::AccountOnly => header(rb, "Harvest-Account-Id", "1"),
        Creds::EmptyToken => header(header(rb, "Authorization", "Bearer "), "Harvest-Account-Id", "1"),
        Creds::BlankToken => header(header(rb, "Authorization", "Bearer    "), "Harvest-Account-Id", "1"),
        Creds::NotBearer => header(header(rb, "Authorization", "Basic dXNlcjpwYXNz"), "Harvest-Account-Id", "1"),
        Creds::AccountNotANumber => header(header(rb, "Authorization", "Bearer t"), "Harvest-Account-Id", "acme"),
        Creds::Token(t) => header(header(rb, "Authorization", &format!("Bearer {t}")), "Harvest-Account-Id", "1"),
        Creds::QueryTokenOnly | Creds::QueryAccountOnly | Creds::QueryEmptyToken | Creds::QueryToken(_) => rb,
    }
}

/// A plain HTTP client (the suite installs the crypto provider, not the generated client).
fn http_client() -> reqwest::Client {
    harvest_tests::http_client()
}

/// Every operation as (method, path on existing records), below every prefix.
fn operations(server: &MockServer) -> Vec<(String, String)> {
    let state = server.state();
    PREFIXES
        .iter()
        .flat_map(|p| {
            state.spec().operations.iter().map(move |op| {
                let path = op_path(op, &existing_params(state, op).expect("records for every operation"));
                (op.method.as_str().to_string(), format!("{p}{path}"))
            })
        })
        .collect()
}

/// Checks Harvest's 401: status, body byte for byte, `WWW-Authenticate`.
async fn assert_unauthorized(server: &MockServer, what: &str, resp: reqwest::Response) {
    let errors = &server.state().spec().api.errors;
    assert_eq!(resp.status(), 401, "{what}");
    let challenge = resp.headers().get("www-authenticate").and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(challenge.as_deref(), Some(errors.www_authenticate.as_str()), "{what}");
    let body = resp.text().await.unwrap();
    assert_eq!(body, errors.unauthorized, "{what}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"], "invalid_token", "{what}");
}

/// Sends every case, `PARALLEL` at a time, and checks each is refused with Harvest's 401.
async fn all_refused(server: &MockServer, http: &reqwest::Client, cases: Vec<(String, String, Creds)>) {
    futures_util::stream::iter(cases)
        .for_each_concurrent(PARALLEL, |(method, route, creds)| async move {
            let resp = request(http, &method, &format!("{}{route}", server.base_url()), creds).send().await.unwrap();
            assert_unauthorized(server, &format!("{method} {route} with {creds:?}"), resp).await;
        })
        .await;
}

#[tokio::test]
async fn every_route_and_method_refuses_missing_or_invalid_credentials() {
    let server = MockServer::start(Config::default()).await.unwrap();
    let before = snapshot(server.state());
    let ops = operations(&server);
    let paths: BTreeSet<&String> = ops.iter().map(|(_, path)| path).collect();
    let mut cases = Vec::new();
    for path in &paths {
        for method in METHODS {
            cases.extend(MISSING.iter().map(|c| (method.to_string(), path.to_string(), *c)));
        }
    }
    for (method, path) in &ops {
        cases.extend(MALFORMED.iter().map(|c| (method.clone(), path.clone(), *c)));
    }
    let total = cases.len();
    all_refused(&server, &http_client(), cases).await;
    assert_eq!(snapshot_diff(&before, &snapshot(server.state())), None, "a refused request changed the store");
    println!(
        "{total} unauthenticated requests refused with 401: {} paths x {} methods x {} missing credentials, \
         {} operations x {} malformed ones",
        paths.len(),
        METHODS.len(),
        MISSING.len(),
        ops.len(),
        MALFORMED.len()
    );
}

/// `--token secret`: other tokens are refused on every operation; the right one gets in.
#[tokio::test]
async fn configured_tokens_restrict_access() {
    let config = Config { tokens: vec!["secret".into()], ..Config::default() };
    let server = MockServer::start(config).await.unwrap();
    let http = http_client();
    let ops = operations(&server);
    let before = snapshot(server.state());
    let wrong = [Creds::Token("Secret"), Creds::Token("secret2"), Creds::QueryToken("wrong")];
    let cases = ops.iter().flat_map(|(m, p)| wrong.iter().map(|c| (m.clone(), p.clone(), *c))).collect();
    all_refused(&server, &http, cases).await;
    assert_eq!(snapshot_diff(&before, &snapshot(server.state())), None, "a refused request changed the store");
    let right = [Creds::Token("secret"), Creds::QueryToken("secret")];
    let cases: Vec<_> = ops.iter().flat_map(|(m, p)| right.iter().map(|c| (m.clone(), p.clone(), *c))).collect();
    futures_util::stream::iter(cases)
        .for_each_concurrent(PARALLEL, |(method, route, creds)| {
            let (http, server) = (&http, &server);
            async move {
                let url = format!("{}{route}", server.base_url());
                let status = request(http, &method, &url, creds).send().await.unwrap().status();
                assert!(status != 401 && !status.is_server_error(), "{method} {route} with {creds:?}: {status}");
            }
        })
        .await;
    println!("{} operations: 3 wrong tokens refused, the right one accepted by header and by query", ops.len());
}

/// The admin API takes no credentials, so the server must not listen beyond this machine
/// unless asked: `Config::default()` binds to loopback, and so does a started server.
#[tokio::test]
async fn the_default_address_is_loopback() {
    assert!(Config::default().addr.ip().is_loopback(), "{}", Config::default().addr);
    let server = MockServer::start(Config::default()).await.unwrap();
    assert!(server.addr().ip().is_loopback(), "{}", server.addr());
    let health = http_client().get(format!("{}/__admin/health", server.base_url())).send().await.unwrap();
    assert_eq!(health.status(), 200);
}
