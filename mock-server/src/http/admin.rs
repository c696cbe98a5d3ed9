//! The admin API under `/__admin`: reset, reseed, journal, faults, health, and
//! personal tokens that act as any user of the account.

use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::faults::Fault;
use super::journal::RequestFilter;

/// Routes of the admin API (mounted at `/__admin`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/reset", post(reset))
        .route("/seed", post(reseed))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/faults", post(add_fault).get(list_faults).delete(clear_faults))
        .route("/tokens", post(mint_token))
}

/// `POST /__admin/tokens {"user_id": N}`: a personal access token acting as user N (the first
/// administrator when no user is given), for tests that run as a member or a manager.
async fn mint_token(State(s): State<AppState>, body: axum::body::Bytes) -> Response {
    let inner = &s.app.inner;
    let asked = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.get("user_id").and_then(Value::as_i64));
    let user = {
        let Ok(store) = inner.store.read() else {
            return (StatusCode::INTERNAL_SERVER_ERROR, "the store is unavailable").into_response();
        };
        let known = |id: i64| inner.plan.current_user.is_some_and(|u| store.get(u, id).is_some());
        match asked {
            None => store.me,
            Some(id) if known(id) => id,
            Some(id) => {
                let message = format!("user_id {id} is not a user of this account");
                return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"message": message}))).into_response();
            }
        }
    };
    let account = inner.config.account_id;
    let token = s.edge.identity.personal(user, account);
    Json(json!({"token": token, "user_id": user, "account_id": account})).into_response()
}

async fn health(State(s): State<AppState>) -> Json<Value> {
    let (seed, scale) = s.app.inner.store.read().map(|st| (st.seed, st.scale)).unwrap_or((0, 0.0));
    Json(json!({"status": "ok", "seed": seed, "scale": scale, "operations": s.app.inner.plan.spec.operations.len()}))
}

async fn replace(s: &AppState, seed: u64, scale: f64) -> Response {
    let st = s.app.clone();
    let built = tokio::task::spawn_blocking(move || st.inner.seeded(seed, scale)).await;
    let Ok(store) = built else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "seeding failed").into_response();
    };
    if let Some(p) = &s.app.inner.config.state
        && let Err(e) = crate::store::persist::save(&store, p)
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
    }
    if let Ok(mut st) = s.app.inner.store.write() {
        *st = store;
    }
    if let Ok(mut l) = s.edge.limiter.lock() {
        l.clear();
    }
    Json(json!({"status": "ok", "seed": seed, "scale": scale})).into_response()
}

async fn reset(State(s): State<AppState>) -> Response {
    let (seed, scale) = s
        .app
        .inner
        .store
        .read()
        .map(|st| (st.seed, st.scale))
        .unwrap_or((s.app.inner.config.seed, s.app.inner.config.scale));
    replace(&s, seed, scale).await
}

#[derive(Debug, Deserialize)]
struct SeedBody {
    seed: Option<u64>,
    scale: Option<f64>,
}

async fn reseed(State(s): State<AppState>, body: Option<Json<SeedBody>>) -> Response {
    let body = body.map(|b| b.0).unwrap_or(SeedBody { seed: None, scale: None });
    let scale = body.scale.unwrap_or(s.app.inner.config.scale);
    if !(scale.is_finite() && scale > 0.0) {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"message": "scale must be positive"}))).into_response();
    }
    replace(&s, body.seed.unwrap_or(s.app.inner.config.seed), scale).await
}

/// `GET /__admin/requests?method=…&path_prefix=…&account=…&status=…&since=…&until=…`:
/// the journal's entries the filters select, oldest first, and how many there are.
async fn requests(State(s): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let filter = match RequestFilter::from_query(query.as_deref().unwrap_or("")) {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, Json(json!({"message": e.to_string()}))).into_response(),
    };
    let found = s.edge.journal.lock().map(|j| j.matching(&filter)).unwrap_or_default();
    Json(json!({"requests": found, "count": found.len()})).into_response()
}

async fn clear_requests(State(s): State<AppState>) -> StatusCode {
    if let Ok(mut j) = s.edge.journal.lock() {
        j.clear();
    }
    StatusCode::NO_CONTENT
}

async fn add_fault(
    State(s): State<AppState>,
    body: Result<Json<Fault>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(f)) = body else {
        return (StatusCode::BAD_REQUEST, Json(json!({"message": "invalid fault"}))).into_response();
    };
    if let Some(st) = f.status
        && StatusCode::from_u16(st).is_err()
    {
        return (StatusCode::BAD_REQUEST, Json(json!({"message": "invalid status"}))).into_response();
    }
    if let Ok(mut list) = s.edge.faults.lock() {
        list.push(f);
    }
    (StatusCode::CREATED, Json(json!({"status": "ok"}))).into_response()
}

async fn list_faults(State(s): State<AppState>) -> Json<Value> {
    let all = s.edge.faults.lock().map(|f| f.clone()).unwrap_or_default();
    Json(json!({ "faults": all }))
}

async fn clear_faults(State(s): State<AppState>) -> StatusCode {
    if let Ok(mut f) = s.edge.faults.lock() {
        f.clear();
    }
    StatusCode::NO_CONTENT
}
