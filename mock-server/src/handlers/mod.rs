//! The generic request pipeline: faults, latency, auth, rate limit, route
//! lookup, then one handler per operation kind.

mod create;
mod delete;
mod get;
mod list;
mod update;

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use harvest_spec::ir::{Method, OpKind};
use serde_json::{Map, Value};

pub use list::warm;

use crate::errors::{ApiError, ApiResult};
use crate::journal::Entry;
use crate::plan::{OpPlan, Plan};
use crate::state::AppState;
use crate::store::Store;

/// Everything about one request a handler needs.
pub struct Ctx<'a> {
    /// The interpreted spec.
    pub plan: &'a Plan,
    /// The operation's plan.
    pub op: &'a OpPlan,
    /// Path parameter values.
    pub params: Vec<i64>,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Parsed body (empty object when none).
    pub body: Map<String, Value>,
    /// `http://host`.
    pub origin: String,
    /// Request path (for links).
    pub path: String,
    /// Records kept pre-serialised.
    pub rendered: &'a crate::rendered::Rendered,
}

impl Ctx<'_> {
    /// The last value of a query parameter.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The resource index, or a 404.
    pub fn res(&self) -> ApiResult<usize> {
        self.op.resource.map(|r| r.0).ok_or(ApiError::NotFound)
    }
}

/// A JSON response with Harvest's content type.
pub fn json(status: u16, v: &impl serde::Serialize) -> Response {
    json_sized(status, v, 1024)
}

/// [`json`] for a body of about `size` bytes (the buffer is allocated once).
pub fn json_sized(status: u16, v: &impl serde::Serialize, size: usize) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut body = Vec::with_capacity(size);
    let body = match serde_json::to_writer(&mut body, v) {
        Ok(()) => body,
        // Unreachable: every body serialises to JSON with string keys.
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    };
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    r
}

/// Axum entry point for every API path.
pub async fn api(State(state): State<AppState>, req: Request) -> Response {
    let inner = &state.inner;
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let effect = match (inner.faults.lock(), inner.rng.lock()) {
        (Ok(mut f), Ok(mut rng)) => crate::faults::apply(&mut f, &method, &path, &mut *rng),
        _ => crate::faults::Effect::default(),
    };
    let forced = crate::faults::from_headers(req.headers());
    let effect = crate::faults::Effect {
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
            Err(e) => e.respond(&inner.plan.spec.api.errors),
        }
    };
    tracing::debug!(%method, %path, status = resp.status().as_u16(), "request");
    if let Ok(mut j) = inner.journal.lock() {
        j.push(Entry { method, path, query, status: resp.status().as_u16() });
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
            return e.respond(bodies);
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

async fn handle(state: &AppState, req: Request) -> ApiResult<Response> {
    let inner = &state.inner;
    let plan = &inner.plan;
    let path = req.uri().path().to_string();
    let rest = plan.routes.strip_prefix(&path).ok_or(ApiError::NotFound)?;
    let query: Vec<(String, String)> = form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let headers = req.headers().clone();
    let token = crate::auth::check(&plan.spec.api.auth, &inner.config.tokens, &headers, &query)?;
    if inner.config.rate_limit {
        let rel = format!("/{}", rest.join("/"));
        if let Ok(mut l) = inner.limiter.lock() {
            l.check(&plan.spec.api.rate_limits, &token, &rel, Instant::now()).map_err(ApiError::RateLimited)?;
        }
    }
    let method = match req.method().as_str() {
        "GET" | "HEAD" => Method::Get,
        "POST" => Method::Post,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        _ => return Err(ApiError::NotFound),
    };
    let search_entity = match rest.as_slice() {
        [entity, "search"] if method == Method::Post && inner.search.has(entity) => Some(*entity),
        _ => None,
    };
    let route = match search_entity {
        Some(_) => None,
        None => Some(plan.routes.find(method, &rest).ok_or(ApiError::NotFound)?),
    };
    let bytes = axum::body::to_bytes(req.into_body(), inner.config.body_limit).await.map_err(|_| ApiError::TooLarge)?;
    if let Some(entity) = search_entity {
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::BadRequest(format!("the search body is not valid JSON: {e}")))?;
        let store = inner.store.read().map_err(|_| ApiError::Unprocessable("store poisoned".into()))?;
        return inner.search.search(plan, &store, entity, &body);
    }
    let m = route.ok_or(ApiError::NotFound)?;
    let op = &plan.ops[m.op.0];
    let body = crate::body::parse_body(&headers, &bytes)?;
    let origin = format!("http://{}", headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost"));
    let ctx = Ctx { plan, op, params: m.params, query, body, origin, path, rendered: &inner.rendered };
    let write = !matches!(op.kind, OpKind::List | OpKind::Get | OpKind::Report) && method != Method::Get;
    if write {
        let mut store = inner.store.write().map_err(|_| ApiError::Unprocessable("store poisoned".into()))?;
        let resp = run_write(&ctx, &mut store)?;
        if let Some(p) = &inner.config.state
            && let Err(e) = crate::persist::save(&store, p)
        {
            tracing::error!("could not save state: {e}");
            // A 2xx promises the write survives a restart; this one would not.
            let message = format!("The change could not be saved to the state file: {e}");
            return Ok(json(500, &serde_json::json!({ "message": message })));
        }
        Ok(resp)
    } else {
        let store = inner.store.read().map_err(|_| ApiError::Unprocessable("store poisoned".into()))?;
        run_read(&ctx, &store)
    }
}

fn run_read(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Response> {
    match ctx.op.kind {
        OpKind::List => list::list(ctx, store),
        OpKind::Get => get::get(ctx, store),
        OpKind::Report => crate::behaviors::reports::report(ctx, store),
        OpKind::Action => crate::behaviors::actions::read_action(ctx, store),
        _ => Err(ApiError::NotFound),
    }
}

fn run_write(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Response> {
    match ctx.op.kind {
        OpKind::Create => create::create(ctx, store),
        OpKind::Update => update::update(ctx, store),
        OpKind::Delete => delete::delete(ctx, store),
        OpKind::Action => crate::behaviors::actions::write_action(ctx, store),
        _ => run_read(ctx, store),
    }
}

/// The headers of a response with a `Location`.
pub fn with_location(mut r: Response, url: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(url) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The list envelope for computed rows (reports).
pub fn page_pub(
    ctx: &Ctx<'_>,
    p: &harvest_spec::ir::Pagination,
    req: &crate::pagination::PageReq,
    ids: &[i64],
    item: impl Fn(usize) -> Value,
) -> Response {
    list::page(ctx, p, req, ids, item)
}

/// Validates the operation's query parameters.
pub fn parsed_filters_pub(ctx: &Ctx<'_>) -> ApiResult<()> {
    list::parsed_filters(ctx).map(|_| ())
}
