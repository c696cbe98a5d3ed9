//! Connecting through Harvest's OAuth2 consent, as the platform seed does ("redirect you to
//! the Harvest website… Authorize App"): the client's helpers for the authorize URL and
//! the code exchange, a client that keeps its access token fresh from a refresh token, and
//! Harvest ID's account list, all against the mock serving Harvest ID on its own origin.
//!
//! The mock's journal records API calls only, so the server here sits behind a layer that
//! records every request it answers, Harvest ID's token endpoint included.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use futures_util::future::try_join_all;
use harvest_client::runtime::Error;
use harvest_client::{Client, HarvestId, OAuth, OAuthApp, ResponseType, Tokens};
use harvest_mock::{AppState, Config};
use harvest_tests::TestResult;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const USER_AGENT: &str = "platform-oauth-tests (dev@example.com)";
const REDIRECT: &str = "https://platform.example/oauth/callback";
const TOKEN_PATH: &str = "/api/v2/oauth2/token";

fn app() -> OAuthApp {
    OAuthApp::new("platform-app", "platform-secret")
}

/// Every request a server answered: method, path and status.
type Log = Arc<Mutex<Vec<(String, String, u16)>>>;

/// A mock server behind a layer that logs every request.
struct Logged {
    url: String,
    log: Log,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Logged {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(log): State<Log>, request: Request, next: Next) -> Response {
    let (method, path) = (request.method().to_string(), request.uri().path().to_string());
    let response = next.run(request).await;
    if let Ok(mut log) = log.lock() {
        log.push((method, path, response.status().as_u16()));
    }
    response
}

impl Logged {
    /// A mock that knows only [`app`], issues access tokens living `ttl`, and accepts no
    /// personal token but `personal-token`.
    async fn start(ttl: Duration) -> Result<Logged, BoxError> {
        let client = app();
        let config = Config {
            oauth_clients: vec![(client.client_id, client.client_secret)],
            token_ttl: ttl,
            tokens: vec!["personal-token".into()],
            ..Config::default()
        };
        let state = tokio::task::spawn_blocking(move || AppState::new(config)).await??;
        let log = Log::default();
        let router = harvest_mock::router(state).layer(middleware::from_fn_with_state(log.clone(), record));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Logged { url, log, task })
    }

    /// How many `method path` requests were answered with `status` (any status when `None`).
    fn count(&self, method: &str, path: &str, status: Option<u16>) -> usize {
        let log = self.log.lock().map(|l| l.clone()).unwrap_or_default();
        log.iter().filter(|(m, p, s)| m == method && p == path && status.is_none_or(|want| *s == want)).count()
    }

    fn token_calls(&self) -> usize {
        self.count("POST", TOKEN_PATH, None)
    }

    fn harvest_id(&self) -> Result<HarvestId, Error> {
        HarvestId::builder().base_url(&self.url).user_agent(USER_AGENT).build()
    }

    /// A client of this server's API and Harvest ID authenticating with `oauth`.
    fn client(&self, oauth: OAuth) -> Result<Client, Error> {
        Client::builder()
            .base_url(format!("{}/v2", self.url))
            .identity_url(&self.url)
            .oauth(oauth)
            .account_id(1)
            .user_agent(USER_AGENT)
            .build()
    }

    /// Visits an authorize URL as the user's browser would and returns the redirect's
    /// `Location` (consent is automatic on the mock).
    async fn consent(&self, authorize_url: &str) -> Result<String, BoxError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        let answer = browser.get(authorize_url).send().await?;
        assert_eq!(answer.status(), 302, "{}", answer.text().await?);
        let location = answer.headers().get("location").ok_or("no Location")?.to_str()?;
        Ok(location.to_owned())
    }

    /// The code flow up to the tokens: consent with `state`, then the exchange.
    async fn tokens(&self) -> Result<Tokens, BoxError> {
        let harvest_id = self.harvest_id()?;
        let url = harvest_id.authorize_url(app().client_id).redirect_uri(REDIRECT).state("s-1").build()?;
        let code = query_value(&self.consent(&url).await?, "code").ok_or("no code")?;
        Ok(harvest_id.exchange_code(&app(), &code, Some(REDIRECT)).await?)
    }
}

/// The value of `name` in a URL's query or fragment.
fn query_value(url: &str, name: &str) -> Option<String> {
    let pairs = url.split_once(['?', '#'])?.1;
    reqwest::Url::parse(&format!("http://x/?{pairs}"))
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Collects what the refresh callback is handed.
fn collector() -> (Arc<Mutex<Vec<Tokens>>>, impl Fn(&Tokens) + Send + Sync + 'static) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    (seen, move |tokens: &Tokens| {
        if let Ok(mut seen) = sink.lock() {
            seen.push(tokens.clone());
        }
    })
}

fn refresh_tokens(seen: &Mutex<Vec<Tokens>>) -> Vec<String> {
    seen.lock().map(|s| s.iter().map(|t| t.refresh_token.clone()).collect()).unwrap_or_default()
}

#[tokio::test]
async fn oauth_code_flow_through_the_helpers() -> TestResult {
    let server = Logged::start(Duration::from_secs(3600)).await?;
    let harvest_id = server.harvest_id()?;
    let url = harvest_id
        .authorize_url(app().client_id)
        .redirect_uri(REDIRECT)
        .state("state with spaces & more")
        .scope("harvest:1")
        .build()?;
    let location = server.consent(&url).await?;
    assert!(location.starts_with(&format!("{REDIRECT}?")), "{location}");
    assert_eq!(query_value(&location, "state").as_deref(), Some("state with spaces & more"));
    let code = query_value(&location, "code").ok_or("no code")?;

    let tokens = harvest_id.exchange_code(&app(), &code, Some(REDIRECT)).await?;
    assert_eq!((tokens.token_type.as_str(), tokens.expires_in), ("bearer", 3600));
    assert!(!tokens.access_token.is_empty() && !tokens.refresh_token.is_empty());
    let reused = harvest_id.exchange_code(&app(), &code, Some(REDIRECT)).await;
    let refused = reused.err().ok_or("a code works once")?;
    assert_eq!(refused.api_error().and_then(|e| e.error.as_deref()), Some("invalid_grant"), "{refused}");

    // Fresh tokens are used as they are: no refresh before the first call.
    let client = server.client(OAuth::from_tokens(app(), &tokens))?;
    let me = client.users().me().send().await?;
    assert_eq!(server.token_calls(), 2, "the exchange and the refused reuse only");
    let accounts = client.accounts().await?;
    assert_eq!(accounts.user.id, me.id);
    let first = accounts.accounts.first().ok_or("no account")?;
    assert_eq!((first.id, first.product.as_str()), (1, "harvest"));
    Ok(())
}

#[tokio::test]
async fn oauth_implicit_flow_url_hands_back_a_working_token() -> TestResult {
    let server = Logged::start(Duration::from_secs(3600)).await?;
    let url = server
        .harvest_id()?
        .authorize_url(app().client_id)
        .response_type(ResponseType::Token)
        .redirect_uri(REDIRECT)
        .state("implicit-1")
        .build()?;
    let location = server.consent(&url).await?;
    assert!(location.starts_with(&format!("{REDIRECT}#")), "the token rides in the fragment: {location}");
    assert_eq!(query_value(&location, "state").as_deref(), Some("implicit-1"));
    let token = query_value(&location, "access_token").ok_or("no access_token")?;
    let client = Client::builder()
        .base_url(format!("{}/v2", server.url))
        .identity_url(&server.url)
        .token(token)
        .account_id(1)
        .user_agent(USER_AGENT)
        .build()?;
    client.users().me().send().await?;
    Ok(())
}

#[tokio::test]
async fn oauth_client_from_a_refresh_token_refreshes_before_expiry() -> TestResult {
    let server = Logged::start(Duration::from_secs(2)).await?;
    let tokens = server.tokens().await?;
    let (seen, callback) = collector();
    let client = server.client(OAuth::new(app(), tokens.refresh_token.clone()).on_refresh(callback))?;

    client.users().me().send().await?;
    assert_eq!(server.token_calls(), 2, "the exchange, then the client's first refresh");
    // Half of the 2 s lifetime later the token is due: the next call refreshes first,
    // before Harvest would refuse it.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    client.clients().list().per_page(5).send().await?;
    assert_eq!(server.token_calls(), 3);
    assert_eq!(server.count("GET", "/v2/users/me", Some(401)) + server.count("GET", "/v2/clients", Some(401)), 0);

    let handed = refresh_tokens(&seen);
    assert_eq!(handed.len(), 2, "the callback hears of every refresh");
    assert!(!handed.contains(&tokens.refresh_token) && handed[0] != handed[1], "each refresh brings a new token");
    Ok(())
}

#[tokio::test]
async fn oauth_expired_access_token_is_refused_then_renewed_once() -> TestResult {
    let server = Logged::start(Duration::from_secs(1)).await?;
    let tokens = server.tokens().await?;
    tokio::time::sleep(Duration::from_millis(1200)).await;

    // A client holding only the expired token is refused with Harvest's 401.
    let plain = Client::builder()
        .base_url(format!("{}/v2", server.url))
        .token(&tokens.access_token)
        .account_id(1)
        .user_agent(USER_AGENT)
        .build()?;
    let refused = plain.users().me().send().await.err().ok_or("an expired token must be refused")?;
    assert!(refused.is_invalid_token(), "{refused}");

    // An OAuth client that does not know the token's age sends it, is refused, refreshes
    // once and sends the request again.
    let (seen, callback) = collector();
    let oauth = OAuth::new(app(), tokens.refresh_token.clone()).access_token(&tokens.access_token, None);
    let client = server.client(oauth.on_refresh(callback))?;
    let me = client.users().me().send().await?;
    assert!(me.id > 0);
    assert_eq!(server.count("GET", "/v2/users/me", Some(401)), 2, "the plain client's and the OAuth client's");
    assert_eq!(server.token_calls(), 2, "the exchange and one refresh");
    assert_eq!(refresh_tokens(&seen).len(), 1);
    Ok(())
}

#[tokio::test]
async fn oauth_many_waiting_requests_share_one_refresh() -> TestResult {
    let server = Logged::start(Duration::from_secs(3600)).await?;
    let tokens = server.tokens().await?;

    // No access token yet: every request waits for the same first refresh.
    let (seen, callback) = collector();
    let client = server.client(OAuth::new(app(), tokens.refresh_token.clone()).on_refresh(callback))?;
    try_join_all((0..16).map(|_| client.users().me().send())).await?;
    let log = server.log.lock().map(|l| l.clone()).unwrap_or_default();
    assert_eq!(server.token_calls(), 2, "the exchange and one refresh for 16 requests: {log:?}");
    assert_eq!(refresh_tokens(&seen).len(), 1);

    // A revoked token: all 16 are refused at once, and one refresh serves them all.
    let (seen, callback) = collector();
    let oauth = OAuth::new(app(), tokens.refresh_token.clone()).access_token("revoked-access-token", None);
    let client = server.client(oauth.on_refresh(callback))?;
    let before = server.token_calls();
    let ids = try_join_all((0..16).map(|_| client.users().me().send())).await?;
    assert!(ids.iter().all(|me| me.id == ids[0].id));
    assert_eq!(server.token_calls() - before, 1);
    assert_eq!(refresh_tokens(&seen).len(), 1);
    assert!(server.count("GET", "/v2/users/me", Some(401)) >= 1);
    Ok(())
}

#[tokio::test]
async fn oauth_refused_refresh_is_an_error_and_nothing_is_sent() -> TestResult {
    let server = Logged::start(Duration::from_secs(3600)).await?;
    let client = server.client(OAuth::new(app(), "never-issued"))?;
    let err = client.users().me().send().await.err().ok_or("an unknown refresh token must fail")?;
    let Error::Refresh(cause) = &err else { return Err(format!("expected a refresh error, got {err}").into()) };
    assert_eq!(cause.api_error().and_then(|e| e.error.as_deref()), Some("invalid_grant"), "{err}");
    let wrong = OAuth::new(OAuthApp::new("platform-app", "wrong-secret"), "never-issued");
    let err = server.client(wrong)?.users().me().send().await.err().ok_or("a wrong secret must fail")?;
    let Error::Refresh(cause) = &err else { return Err(format!("expected a refresh error, got {err}").into()) };
    assert_eq!(cause.api_error().and_then(|e| e.error.as_deref()), Some("invalid_client"), "{err}");
    assert_eq!(server.count("GET", "/v2/users/me", None), 0, "no API call without a token");
    Ok(())
}

#[tokio::test]
async fn accounts_with_a_personal_token_and_no_account_header() -> TestResult {
    let server = Logged::start(Duration::from_secs(3600)).await?;
    let client = Client::builder()
        .base_url(format!("{}/v2", server.url))
        .identity_url(&server.url)
        .token("personal-token")
        .user_agent(USER_AGENT)
        .build()?;
    let accounts = client.accounts().await?;
    let names: HashMap<i64, String> = accounts.accounts.iter().map(|a| (a.id, a.product.clone())).collect();
    assert_eq!(names.get(&1).map(String::as_str), Some("harvest"));
    assert!(!accounts.user.email.is_empty());
    let stranger = Client::builder().identity_url(&server.url).token("made-up").user_agent(USER_AGENT).build()?;
    let refused = stranger.accounts().await.err().ok_or("an unknown token must be refused")?;
    assert!(refused.is_invalid_token(), "{refused}");
    Ok(())
}
