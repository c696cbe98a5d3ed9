//! The agent connector's hosted API, served offline: the two calls its SDK
//! makes when `SDK_DEV_ADP_API_HOST` points at the mock.
//!
//! - `POST /api/v1/account/applications/token` trades `{client_id, client_secret}` for a
//!   bearer token (valid 15 minutes, as the SDK assumes).
//! - `POST /api/v1/integrations/connectors/{connector_id}/execute` runs `{entity, action,
//!   params}`: `check`, `list` and `get` go through the plain API pipeline (same routes,
//!   filters, journal and faults as any client); `context_store_search` is the mock's one
//!   search engine, the one behind `POST /v2/{entity}/search`.
//!
//! Every connector id reads the server's account.

mod entities;

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use axum::routing::post;
use rand::Rng;
use serde_json::{Map, Value, json};

use super::AppState;
use super::respond::json as reply;
use entities::Entities;

/// How long an issued token is accepted.
const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// The hosted API's own state: the entity table (built at start-up) and the tokens it issued.
pub struct Hosted {
    entities: Entities,
    tokens: Mutex<HashMap<String, Instant>>,
}

impl Hosted {
    /// The hosted API of `spec`, with no token issued yet.
    pub fn new(spec: &harvest_spec::Spec) -> Hosted {
        Hosted { entities: Entities::build(spec), tokens: Mutex::new(HashMap::new()) }
    }
}

/// The routes under `/api/v1`.
pub fn routes(app: AppState) -> Router {
    Router::new()
        .route("/account/applications/token", post(token))
        .route("/integrations/connectors/{connector_id}/execute", post(execute))
        .with_state(app)
}

/// A JSON error in the OAuth style the rest of the mock uses.
fn error(status: u16, code: &str, description: impl Into<String>) -> Response {
    reply(status, &json!({"error": code, "error_description": description.into()}))
}

/// An answer that ends the request early (boxed: a response is large).
type Refused = Box<Response>;

fn parse_json(bytes: &[u8]) -> Result<Map<String, Value>, Refused> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Box::new(error(400, "bad_request", "the body must be a JSON object"))),
        Err(e) => Err(Box::new(error(400, "bad_request", format!("the body is not valid JSON: {e}")))),
    }
}

async fn body_of(req: Request) -> Result<Map<String, Value>, Refused> {
    let bytes = axum::body::to_bytes(req.into_body(), 1024 * 1024)
        .await
        .map_err(|_| Box::new(error(413, "request_too_large", "the body is larger than 1 MiB")))?;
    parse_json(&bytes)
}

async fn token(State(app): State<AppState>, req: Request) -> Response {
    let h = &app.edge.hosted;
    let body = match body_of(req).await {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let field = |k: &str| body.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let (Some(id), Some(secret)) = (field("client_id"), field("client_secret")) else {
        return error(400, "invalid_request", "send a JSON body with `client_id` and `client_secret`");
    };
    let known = &app.app.inner.config.connector_clients;
    if !known.is_empty() && !known.iter().any(|(i, s)| i == id && s == secret) {
        return error(401, "invalid_client", "unknown client_id or wrong client_secret");
    }
    let token: String = {
        let mut rng = rand::thread_rng();
        (0..40).map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)])).collect()
    };
    let now = Instant::now();
    if let Ok(mut tokens) = h.tokens.lock() {
        tokens.retain(|_, at| now.duration_since(*at) < TOKEN_LIFETIME);
        tokens.insert(token.clone(), now);
    }
    reply(200, &json!({"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME.as_secs()}))
}

/// Whether the request carries a token this API issued and that has not expired.
fn authorised(h: &Hosted, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")).map(str::trim));
    let Some(bearer) = bearer else { return false };
    h.tokens.lock().is_ok_and(|t| t.get(bearer).is_some_and(|at| at.elapsed() < TOKEN_LIFETIME))
}

async fn execute(State(app): State<AppState>, Path(_connector): Path<String>, req: Request) -> Response {
    let h = &app.edge.hosted;
    if !authorised(h, req.headers()) {
        return error(
            401,
            "invalid_token",
            "send `Authorization: Bearer <token>` from /api/v1/account/applications/token",
        );
    }
    let host = req.headers().get(header::HOST).cloned();
    let body = match body_of(req).await {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let entity = body.get("entity").and_then(Value::as_str).unwrap_or_default();
    let action = body.get("action").and_then(Value::as_str).unwrap_or_default();
    let params = match body.get("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(p)) => p.clone(),
        Some(_) => return error(400, "bad_request", "`params` must be an object"),
    };
    match (entity, action) {
        ("*", "check") => {
            let probe = call(&app, host.as_ref(), "/users", &[("per_page".into(), "1".into())]).await;
            match probe {
                Ok(_) => {
                    done(json!({"status": "healthy", "checked_entity": "users", "checked_action": "list"}), json!({}))
                }
                Err(r) => *r,
            }
        }
        (_, "list" | "get" | "context_store_search") if h.entities.get(entity).is_none() => {
            let known = h.entities.names().join(", ");
            error(404, "not_found", format!("unknown entity `{entity}`; the connector has: {known}"))
        }
        (_, "list") => list(&app, host.as_ref(), entity, &params).await,
        (_, "get") => get(&app, host.as_ref(), entity, &params).await,
        (_, "context_store_search") => search(&app, entity, &params),
        _ => error(
            400,
            "bad_request",
            format!("unknown action `{action}`; one of: check, list, get, context_store_search"),
        ),
    }
}

/// A successful execution: `{"result": R, "connector_metadata": M}`.
fn done(result: Value, meta: Value) -> Response {
    reply(200, &json!({"result": result, "connector_metadata": meta}))
}

async fn list(
    app: &AppState,
    host: Option<&axum::http::HeaderValue>,
    entity: &str,
    params: &Map<String, Value>,
) -> Response {
    let Some((path, key)) = app.edge.hosted.entities.get(entity).and_then(|e| e.list.clone()) else {
        return error(400, "bad_request", format!("`{entity}` has no list action"));
    };
    let query: Vec<(String, String)> = params
        .iter()
        .filter_map(|(k, v)| {
            let k = k.strip_suffix('_').unwrap_or(k).to_string();
            scalar(v).map(|v| (k, v))
        })
        .collect();
    match call(app, host, &path, &query).await {
        Ok(page) => {
            let items = page.get(&key).cloned().unwrap_or(Value::Array(Vec::new()));
            let next = page.get("links").and_then(|l| l.get("next")).cloned().unwrap_or(Value::Null);
            done(items, json!({"next_link": next}))
        }
        Err(r) => *r,
    }
}

async fn get(
    app: &AppState,
    host: Option<&axum::http::HeaderValue>,
    entity: &str,
    params: &Map<String, Value>,
) -> Response {
    let Some(template) = app.edge.hosted.entities.get(entity).and_then(|e| e.get.clone()) else {
        return error(400, "bad_request", format!("`{entity}` has no get action"));
    };
    let path = if template.contains("{id}") {
        let id = params.get("id").and_then(scalar).filter(|s| s.parse::<i64>().is_ok());
        let Some(id) = id else {
            return error(400, "bad_request", format!("`{entity}` get needs `params.id`, the record's numeric id"));
        };
        template.replace("{id}", &id)
    } else {
        template
    };
    match call(app, host, &path, &[]).await {
        Ok(record) => done(record, json!({})),
        Err(r) => *r,
    }
}

fn search(app: &AppState, entity: &str, params: &Map<String, Value>) -> Response {
    let inner = &app.app.inner;
    let tenant = app.app.tenant(inner.config.account_id);
    let now = app.app.now(&tenant);
    let Ok(store) = tenant.store.read() else { return error(500, "server_error", "the store is unavailable") };
    match inner.search.search(&inner.plan, &store, entity, &Value::Object(params.clone()), now) {
        Ok(page) => done(page, json!({})),
        Err(e) => super::respond::refusal(&e, &inner.plan.spec.api.errors),
    }
}

/// A query-string value: strings as they are, numbers and booleans as JSON writes them.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `GET {prefix}{path}?{query}` through the plain API pipeline, as the account's own client;
/// the decoded body of a 2xx, or the answer to pass on.
async fn call(
    app: &AppState,
    host: Option<&axum::http::HeaderValue>,
    path: &str,
    query: &[(String, String)],
) -> Result<Value, Refused> {
    let inner = &app.app.inner;
    let prefix = inner.plan.spec.api.path_prefixes.first().cloned().unwrap_or_default();
    let q: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(query).finish();
    let uri = if q.is_empty() { format!("{prefix}{path}") } else { format!("{prefix}{path}?{q}") };
    let token = inner.config.tokens.first().cloned().unwrap_or_else(|| "hosted-connector".into());
    let auth = &inner.plan.spec.api.auth;
    let mut builder = Request::builder()
        .method("GET")
        .uri(uri)
        .header(auth.token_header.as_str(), format!("Bearer {token}"))
        .header(auth.account_header.as_str(), inner.config.account_id.to_string())
        .header(header::USER_AGENT, "harvest-mock hosted connector");
    if let Some(host) = host {
        builder = builder.header(header::HOST, host);
    }
    let Ok(req) = builder.body(Body::empty()) else {
        return Err(Box::new(error(400, "bad_request", "the request could not be built")));
    };
    let resp = super::api(State(app.clone()), req).await;
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap_or_default();
    if !status.is_success() {
        let mut r = Response::new(Body::from(bytes));
        *r.status_mut() = status;
        r.headers_mut()
            .insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json; charset=utf-8"));
        return Err(Box::new(r));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| Box::new(error(502, "bad_gateway", format!("the API answered with invalid JSON: {e}"))))
}
