//! Harvest ID's authorize endpoint. `GET /oauth2/authorize` checks the
//! request and then consents at once (`--oauth-consent auto`) or shows the
//! consent page (`page`); `POST /oauth2/authorize` is the page's answer. Every
//! way ends in the same redirect, as the chosen user: `code`, `scope` and
//! `state` in the query (code flow), or the token in the fragment (implicit
//! flow); a denial carries `error=access_denied` the same way.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::grants::Grant;
use super::{consent_page, fields, known_client, oauth_error};
use crate::config::OAuthConsent;
use crate::http::AppState;
use crate::http::respond::json as reply;

/// The largest form the consent page can send back.
const FORM_LIMIT: usize = 64 * 1024;

/// What the client asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// `response_type=code`: an authorization code to exchange.
    Code,
    /// `response_type=token`: the access token itself (implicit flow).
    Token,
}

impl Flow {
    /// The `response_type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Flow::Code => "code",
            Flow::Token => "token",
        }
    }
}

/// Why an authorize request is refused; answered as an OAuth error body (always a 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The OAuth error code (`invalid_request`, `invalid_client`, …).
    pub code: &'static str,
    /// What is wrong, for people.
    pub description: String,
}

impl Refusal {
    fn new(code: &'static str, description: impl Into<String>) -> Refusal {
        Refusal { code, description: description.into() }
    }

    /// The answer: `400 {"error": code, "error_description": description}`.
    pub fn respond(&self) -> Response {
        oauth_error(400, self.code, &self.description)
    }
}

/// An authorization request that passed every check.
#[derive(Debug, Clone)]
pub struct Ask {
    /// The OAuth client asking.
    pub client_id: String,
    /// Code or implicit flow.
    pub flow: Flow,
    /// Where the answer goes; `None` answers with JSON instead of a redirect.
    pub redirect: Option<String>,
    /// The client's `state`, handed back unchanged.
    pub state: Option<String>,
    /// The scope asked for (`harvest:ACCOUNT` when none was).
    pub scope: String,
    /// The account the tokens will reach.
    pub account: i64,
    /// The user consenting: `user_id`, else the account's first administrator.
    pub user: i64,
}

impl Ask {
    /// Checks the parameters of an authorize request; the refusal is an OAuth error body.
    pub fn read(app: &AppState, q: &HashMap<String, String>) -> Result<Ask, Refusal> {
        let given = |k: &str| q.get(k).filter(|s| !s.is_empty());
        let Some(client_id) = given("client_id") else {
            return Err(Refusal::new("invalid_request", "client_id is required"));
        };
        if !known_client(app, client_id, None) {
            return Err(Refusal::new("invalid_client", "unknown client_id"));
        }
        let flow = match q.get("response_type").map(String::as_str) {
            None | Some("code") => Flow::Code,
            Some("token") => Flow::Token,
            Some(_) => return Err(Refusal::new("unsupported_response_type", "response_type is code or token")),
        };
        let redirect = given("redirect_uri").cloned();
        if redirect.as_deref().is_some_and(|r| HeaderValue::from_str(r).is_err()) {
            return Err(Refusal::new("invalid_request", "redirect_uri is not a valid URL"));
        }
        let account = match given("account_id") {
            None => app.app.inner.config.account_id,
            Some(raw) => raw
                .parse::<i64>()
                .map_err(|_| Refusal::new("invalid_request", format!("account_id {raw} is not an account id")))?,
        };
        let user = consenting_user(app, account, given("user_id").map(String::as_str))
            .map_err(|why| Refusal::new("invalid_request", why))?;
        Ok(Ask {
            client_id: client_id.clone(),
            flow,
            redirect,
            state: q.get("state").cloned(),
            scope: q.get("scope").cloned().unwrap_or_else(|| format!("harvest:{account}")),
            account,
            user,
        })
    }
}

/// The consenting user of `account`: `user_id` when given and known, else its first administrator.
fn consenting_user(app: &AppState, account: i64, user_id: Option<&str>) -> Result<i64, String> {
    let inner = &app.app.inner;
    let tenant = app.app.tenant(account);
    let store = tenant.store.read().map_err(|_| "the store is unavailable".to_string())?;
    let Some(users) = inner.plan.current_user else { return Err("the spec names no user resource".into()) };
    match user_id {
        None => Ok(store.me),
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) if store.get(users, id).is_some() => Ok(id),
            _ => Err(format!("user_id {raw} is not a user of this account")),
        },
    }
}

/// `GET /oauth2/authorize`: consent at once, or the page that asks for it.
pub async fn show(State(app): State<AppState>, Query(q): Query<HashMap<String, String>>) -> Response {
    let ask = match Ask::read(&app, &q) {
        Ok(ask) => ask,
        Err(refusal) => return refusal.respond(),
    };
    match app.app.inner.config.oauth_consent {
        OAuthConsent::Auto => approve(&app, &ask),
        OAuthConsent::Page => consent_page::respond(&app, &ask),
    }
}

/// `POST /oauth2/authorize`: the consent page's form, approved (the default) or denied
/// (`decision=deny`).
pub async fn answer(State(app): State<AppState>, req: Request) -> Response {
    let content_type =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), FORM_LIMIT).await else {
        return oauth_error(400, "invalid_request", "the body is too large");
    };
    let form = fields(&content_type, &bytes);
    let ask = match Ask::read(&app, &form) {
        Ok(ask) => ask,
        Err(refusal) => return refusal.respond(),
    };
    if form.get("decision").is_some_and(|d| d == "deny") { deny(&ask) } else { approve(&app, &ask) }
}

/// Issues what the flow asks for, as `ask.user`, and hands it to the client.
pub fn approve(app: &AppState, ask: &Ask) -> Response {
    let grant =
        Grant { client_id: ask.client_id.clone(), user: ask.user, account: ask.account, scope: ask.scope.clone() };
    let grants = &app.edge.identity;
    let pairs = match ask.flow {
        Flow::Code => vec![("code", grants.code(grant, ask.redirect.clone())), ("scope", ask.scope.clone())],
        Flow::Token => {
            let ttl = app.app.inner.config.token_ttl;
            let (access, _) = grants.tokens(&grant, ttl);
            vec![
                ("access_token", access),
                ("token_type", "bearer".to_string()),
                ("expires_in", ttl.as_secs().to_string()),
                ("scope", ask.scope.clone()),
            ]
        }
    };
    deliver(ask, pairs)
}

/// Tells the client the user said no (RFC 6749 §4.1.2.1).
fn deny(ask: &Ask) -> Response {
    let pairs =
        vec![("error", "access_denied".to_string()), ("error_description", "The user denied the request.".to_string())];
    deliver(ask, pairs)
}

/// Redirects to the client with `pairs` and its `state` (in the fragment for the implicit
/// flow); without a redirect URI, answers the same values as JSON.
fn deliver(ask: &Ask, mut pairs: Vec<(&'static str, String)>) -> Response {
    if let Some(s) = &ask.state {
        pairs.push(("state", s.clone()));
    }
    let Some(target) = &ask.redirect else {
        let body: serde_json::Map<String, Value> =
            pairs.into_iter().map(|(k, v)| (k.to_string(), Value::String(v))).collect();
        return reply(200, &body);
    };
    let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs.iter()).finish();
    let location = match (ask.flow, target.contains('?')) {
        (Flow::Token, _) => format!("{target}#{encoded}"),
        (Flow::Code, true) => format!("{target}&{encoded}"),
        (Flow::Code, false) => format!("{target}?{encoded}"),
    };
    match HeaderValue::from_str(&location) {
        Ok(v) => (StatusCode::FOUND, [(header::LOCATION, v)]).into_response(),
        Err(_) => oauth_error(400, "invalid_request", "redirect_uri is not a valid URL"),
    }
}
