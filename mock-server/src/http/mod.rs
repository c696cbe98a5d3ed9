//! The HTTP edge: the API pipeline (faults, latency, auth, rate limit,
//! route lookup, body parsing), the admin API and the server. It turns
//! requests into engine calls and engine outputs into responses; it holds no
//! rule of the API itself.

mod admin;
mod admin_accounts;
mod admin_doc;
mod admin_guard;
mod admin_import;
mod admin_scope;
mod auth;
mod body;
mod docs;
mod envelope;
pub mod faults;
mod files;
mod hosted;
mod identity;
pub mod journal;
mod methods;
pub mod rate_limit;
mod respond;
mod server;
mod server_accounts;
mod starting;
mod state;
mod state_fixtures;

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use harvest_spec::ir::Method;
use serde_json::Value;

pub use admin_doc::admin_openapi;
pub use journal::{FilterError, RecordedRequest, RequestFilter, StatusMatch};
pub use server::{MockServer, router};

use crate::engine::{self, ApiError, ApiResult, Ctx};
use respond::{Origin, json, refusal};
pub use state::AppState;

/// Axum entry point for every API path.
pub async fn api(State(state): State<AppState>, req: Request) -> Response {
    let (inner, edge) = (&state.app.inner, &state.edge);
    let (req, pending) = journal::receive(req, &inner.plan.spec.api.auth, inner.config.body_limit).await;
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let effect = match (edge.faults.lock(), edge.rng.lock()) {
        (Ok(mut f), Ok(mut rng)) => f.apply(&method, &path, pending.account(), &mut *rng),
        _ => faults::Effect::default(),
    };
    let forced = faults::from_headers(req.headers());
    let effect = faults::Effect {
        latency_ms: effect.latency_ms + forced.latency_ms,
        status: forced.status.or(effect.status),
        drop: effect.drop || forced.drop,
    };
    let delay = inner.config.latency + Duration::from_millis(effect.latency_ms);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let resp = if effect.drop {
        dropped()
    } else if let Some((status, body)) = effect.status {
        forced_response(&inner.plan.spec.api.errors, status, body)
    } else {
        match handle(&state, req).await {
            Ok(r) => r,
            Err(e) => refusal(&e, &inner.plan.spec.api.errors),
        }
    };
    tracing::debug!(%method, %path, status = resp.status().as_u16(), "request");
    if let Ok(mut j) = edge.journal.lock() {
        j.push(pending.answered(resp.status().as_u16()));
    }
    resp
}

/// The answer of an injected status: Harvest's own body for the statuses it has one for.
fn forced_response(bodies: &harvest_spec::ir::ErrorBodies, status: u16, body: String) -> Response {
    if body.is_empty() {
        let known = match status {
            400 => Some(ApiError::MissingUserAgent),
            401 => Some(ApiError::Unauthorized),
            404 => Some(ApiError::NotFound),
            429 => Some(ApiError::RateLimited(u64::from(bodies.retry_after_seconds))),
            _ => None,
        };
        if let Some(e) = known {
            return refusal(&e, bodies);
        }
        if status == 403 {
            return json(403, &serde_json::from_str(&bodies.forbidden).unwrap_or(Value::Null));
        }
    }
    let s = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (s, body).into_response()
}

/// A response whose body fails, so the connection is cut mid-answer.
fn dropped() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "fault: dropped"))
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// The `Allow` value of a path no operation of the request's method serves; 404 when no method serves it.
fn allowed<'a>(state: &'a AppState, rest: &[&str]) -> ApiResult<&'a HeaderValue> {
    match rest {
        [entity, "search"] if state.app.inner.search.has(entity) => Ok(methods::Allowed::search()),
        _ => state.edge.allowed.get(rest).ok_or(ApiError::NotFound),
    }
}

async fn handle(state: &AppState, req: Request) -> ApiResult<Response> {
    let (inner, edge) = (&state.app.inner, &state.edge);
    let plan = &inner.plan;
    let path = req.uri().path().to_string();
    let rest = plan.routes.strip_prefix(&path).ok_or(ApiError::NotFound)?;
    let query: Vec<(String, String)> = form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let headers = req.headers().clone();
    let (token, account) = auth::check(&plan.spec.api.auth, &headers, &query)?;
    let user = identity::acting_user(&edge.identity, &inner.config.tokens, &token, account)?;
    let tenant = state.app.tenant(account);
    let now = state.app.now(&tenant);
    if tenant.store.read().is_ok_and(|s| inner.bound.behind(plan, &s, now))
        && let Ok(mut s) = tenant.store.write()
    {
        inner.bound.catch_up(plan, &mut s, now);
    }
    if inner.config.rate_limit {
        let rel = format!("/{}", rest.join("/"));
        if let Ok(mut l) = edge.limiter.lock() {
            l.check(&plan.spec.api.rate_limits, &token, &rel, Instant::now()).map_err(ApiError::RateLimited)?;
        }
    }
    let method = match req.method().as_str() {
        "GET" | "HEAD" => Some(Method::Get),
        "POST" => Some(Method::Post),
        "PATCH" => Some(Method::Patch),
        "DELETE" => Some(Method::Delete),
        _ => None,
    };
    let search_entity = match rest.as_slice() {
        [entity, "search"] if method == Some(Method::Post) && inner.search.has(entity) => Some(*entity),
        _ => None,
    };
    let route = match search_entity {
        Some(_) => None,
        None => match method.and_then(|m| plan.routes.find(m, &rest)) {
            Some(m) => Some(m),
            None => return Ok(methods::not_allowed(allowed(state, &rest)?)),
        },
    };
    let bytes = axum::body::to_bytes(req.into_body(), inner.config.body_limit).await.map_err(|_| ApiError::TooLarge)?;
    if let Some(entity) = search_entity {
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::BadRequest(format!("the search body is not valid JSON: {e}")))?;
        let store = tenant.store.read().map_err(|_| ApiError::Unprocessable("store poisoned".into()))?;
        let page = inner.search.search(plan, &store, entity, &body, now)?;
        return Ok(json(200, &page));
    }
    let m = route.ok_or(ApiError::NotFound)?;
    let op = &plan.ops[m.op.0];
    let body = body::parse_body(&headers, &bytes).await?;
    let origin = format!("http://{}", headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost"));
    let at = Origin { origin: &origin, path: &path };
    let ctx = Ctx {
        plan,
        op,
        bound: &inner.bound,
        params: m.params,
        query,
        body,
        rendered: &inner.rendered,
        user,
        origin: &origin,
        account,
        now,
    };
    if engine::writes(op.kind, method == Some(Method::Get)) {
        let out = {
            let mut store = tenant.store.write().map_err(|_| ApiError::Unprocessable("store poisoned".into()))?;
            let out = engine::write(&ctx, &mut store)?;
            store.generation += 1;
            out
        };
        // Committed outside the account's lock: reads go on while the disk works.
        if inner.durable.is_some()
            && let Err(e) = off_thread(&state.app, move |app| app.make_durable(account)).await
        {
            tracing::error!("could not save state: {e}");
            // A 2xx promises the write survives a restart; this one would not.
            let message = format!("The change could not be saved to the state file: {e}");
            return Ok(json(500, &serde_json::json!({ "message": message })));
        }
        Ok(respond::output(&ctx, &at, out))
    } else {
        let store = tenant.store.read().map_err(|_| ApiError::Unprocessable("store poisoned".into()))?;
        let out = engine::read(&ctx, &store)?;
        Ok(respond::output(&ctx, &at, out))
    }
}

/// Runs blocking work on the accounts (seeding, a commit to the state database) off the async
/// threads; its error, or its panic, as a message.
async fn off_thread(
    app: &crate::app::App,
    work: impl FnOnce(&crate::app::App) -> Result<(), crate::Error> + Send + 'static,
) -> Result<(), String> {
    let app = app.clone();
    match tokio::task::spawn_blocking(move || work(&app)).await {
        Ok(done) => done.map_err(|e| e.to_string()),
        Err(e) => Err(format!("the work stopped: {e}")),
    }
}
