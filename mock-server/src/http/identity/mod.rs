//! Harvest ID on the mock's own host: OAuth2 consent, the token endpoint and
//! the account list. Point a real client's `https://id.getharvest.com` at the
//! mock's origin and it runs the whole flow offline.
//!
//! - `GET /oauth2/authorize` (`authorize`): consent is automatic, as the
//!   account's first administrator or as `user_id=N` (a mock extension), or
//!   with `--oauth-consent page` given on an HTML page (`consent_page`) that
//!   posts back to `POST /oauth2/authorize`; the code flow redirects with
//!   `code`, `scope` and `state`, the implicit flow (`response_type=token`)
//!   with the token in the fragment.
//! - `POST /api/v2/oauth2/token`: `authorization_code` and `refresh_token`
//!   grants, form-encoded or JSON.
//! - `GET /api/v2/accounts`: the token's user and the accounts it reaches.

mod authorize;
mod consent_page;
mod grants;
mod html;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};

pub use grants::Grants;

use super::AppState;
use super::respond::json as reply;
use crate::engine::ApiError;

/// The routes of Harvest ID (merged at the top of the app).
pub fn routes(app: AppState) -> Router {
    Router::new()
        .route("/oauth2/authorize", get(authorize::show).post(authorize::answer))
        .route("/api/v2/oauth2/token", post(token))
        .route("/api/v2/accounts", get(accounts))
        .with_state(app)
}

/// The user an API request acts as: an OAuth token's user when Harvest ID issued the token
/// (401 when it has expired or is used with another account), `None` for a personal token,
/// which must be one of `personal` when any are configured.
pub fn acting_user(grants: &Grants, personal: &[String], token: &str, account: i64) -> Result<Option<i64>, ApiError> {
    let Some(access) = grants.access(token) else {
        if !personal.is_empty() && !personal.iter().any(|t| t == token) {
            return Err(ApiError::Unauthorized);
        }
        return Ok(None);
    };
    if access.expires <= std::time::Instant::now() || account != access.grant.account {
        return Err(ApiError::Unauthorized);
    }
    Ok(Some(access.grant.user))
}

/// An OAuth error body (RFC 6749 §5.2).
fn oauth_error(status: u16, code: &str, description: &str) -> Response {
    reply(status, &json!({"error": code, "error_description": description}))
}

fn account_id(app: &AppState) -> i64 {
    app.app.inner.config.account_id
}

/// Whether the client may use Harvest ID: any client when none is configured.
fn known_client(app: &AppState, id: &str, secret: Option<&str>) -> bool {
    let clients = &app.app.inner.config.oauth_clients;
    clients.is_empty() || clients.iter().any(|(i, s)| i == id && secret.is_none_or(|secret| secret == s))
}

/// The fields of a form or a JSON body (the token request, the consent page's answer).
fn fields(content_type: &str, bytes: &[u8]) -> HashMap<String, String> {
    if content_type.starts_with("application/json") {
        let v: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
        v.as_object()
            .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
            .unwrap_or_default()
    } else {
        form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    }
}

async fn token(State(app): State<AppState>, req: Request) -> Response {
    let content_type =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let Ok(bytes) = axum::body::to_bytes(req.into_body(), 64 * 1024).await else {
        return oauth_error(400, "invalid_request", "the body is too large");
    };
    let f = fields(&content_type, &bytes);
    let get = |k: &str| f.get(k).map(String::as_str).filter(|s| !s.is_empty());
    let (Some(client_id), Some(secret)) = (get("client_id"), get("client_secret")) else {
        return oauth_error(400, "invalid_request", "client_id and client_secret are required");
    };
    if !known_client(&app, client_id, Some(secret)) {
        return oauth_error(401, "invalid_client", "Client authentication failed: unknown client or wrong secret.");
    }
    let grants = &app.edge.identity;
    let invalid = |why: &str| oauth_error(400, "invalid_grant", why);
    let grant = match get("grant_type") {
        Some("authorization_code") => {
            let Some(code) = get("code").and_then(|c| grants.redeem(c)) else {
                return invalid("The provided authorization grant is invalid, expired, revoked or already used.");
            };
            if code.grant.client_id != client_id {
                return invalid("The authorization code was issued to another client.");
            }
            if code.redirect_uri.is_some() && code.redirect_uri.as_deref() != get("redirect_uri") {
                return invalid("The redirect_uri does not match the one of the authorization request.");
            }
            code.grant
        }
        Some("refresh_token") => match get("refresh_token").and_then(|t| grants.refreshed(t)) {
            Some(g) if g.client_id == client_id => g,
            Some(_) => return invalid("The refresh token was issued to another client."),
            None => return invalid("The provided refresh token is invalid or revoked."),
        },
        _ => return oauth_error(400, "unsupported_grant_type", "grant_type is authorization_code or refresh_token"),
    };
    let ttl = app.app.inner.config.token_ttl;
    let (access, refresh) = grants.tokens(&grant, ttl);
    reply(
        200,
        &json!({"access_token": access, "refresh_token": refresh, "token_type": "bearer", "expires_in": ttl.as_secs()}),
    )
}

async fn accounts(State(app): State<AppState>, req: Request) -> Response {
    let inner = &app.app.inner;
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_string())
        .filter(|t| !t.is_empty());
    let unauthorized = || super::respond::refusal(&ApiError::Unauthorized, &inner.plan.spec.api.errors);
    let Some(bearer) = bearer else { return unauthorized() };
    if !inner.config.tokens.is_empty()
        && !inner.config.tokens.contains(&bearer)
        && app.edge.identity.access(&bearer).is_none()
    {
        return unauthorized();
    }
    let (user, account) = match app.edge.identity.access(&bearer) {
        Some(a) if a.expires <= std::time::Instant::now() => return unauthorized(),
        Some(a) => (Some(a.grant.user), a.grant.account),
        None => (None, account_id(&app)),
    };
    let tenant = app.app.tenant(account);
    let Ok(store) = tenant.store.read() else { return unauthorized() };
    let Some(users) = inner.plan.current_user else { return unauthorized() };
    let me = user.unwrap_or(store.me);
    let text = |name: &str| store.field(&inner.plan, users, me, name).map_or(Value::Null, crate::store::Cell::to_value);
    let company = crate::render::account_name(&inner.plan, &store);
    reply(
        200,
        &json!({
            "user": {"id": me, "first_name": text("first_name"), "last_name": text("last_name"), "email": text("email")},
            "accounts": [{"id": account, "name": company, "product": "harvest"}],
        }),
    )
}
