//! The admin API under `/__admin`: reset (of the data, the journal and the
//! faults, together or apart), reseed, the journal and its filters, faults by
//! id, health, and personal tokens that act as any user of the account.

use axum::Json;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::admin_scope::Scope;
use super::faults::Fault;
use super::journal::RequestFilter;
use crate::engine::ApiError;

/// Routes of the admin API (mounted at `/__admin`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/reset", post(reset))
        .route("/seed", post(reseed))
        .route("/requests", get(requests).delete(clear_requests))
        .route("/faults", post(add_fault).get(list_faults).delete(clear_faults))
        .route("/faults/{id}", delete(remove_fault))
        .route("/tokens", post(mint_token))
        .merge(super::admin_accounts::routes())
        .merge(super::admin_import::routes())
}

/// `POST /__admin/tokens {"user_id": N}`: a personal access token acting as user N (the first
/// administrator when no user is given), for tests that run as a member or a manager.
async fn mint_token(State(s): State<AppState>, Scope(scope): Scope, body: axum::body::Bytes) -> Response {
    let inner = &s.app.inner;
    let asked = serde_json::from_slice::<Value>(&body).ok().and_then(|v| v.get("user_id").and_then(Value::as_i64));
    let account = scope.unwrap_or(inner.config.account_id);
    let tenant = s.app.tenant(account);
    let user = {
        let Ok(store) = tenant.store.read() else {
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
    let token = s.edge.identity.personal(user, account);
    Json(json!({"token": token, "user_id": user, "account_id": account})).into_response()
}

async fn health(State(s): State<AppState>, Scope(scope): Scope) -> Json<Value> {
    let (seed, scale) = s.app.seed_of(scope.unwrap_or(s.app.inner.config.account_id));
    Json(json!({"status": "ok", "seed": seed, "scale": scale, "operations": s.app.inner.plan.spec.operations.len()}))
}

async fn replace(s: &AppState, scope: Option<i64>, seed: u64, scale: f64) -> Response {
    if let Err(e) = super::off_thread(&s.app, move |app| app.reseed(scope, seed, scale)).await {
        return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response();
    }
    if let Ok(mut l) = s.edge.limiter.lock() {
        l.clear();
    }
    Json(json!({"status": "ok", "seed": seed, "scale": scale, "account_id": scope})).into_response()
}

/// The data part of a reset: the named account (or every one) back to its seed, and the
/// rate-limit windows forgotten.
async fn reset_data(s: &AppState, scope: Option<i64>) -> Result<(), Response> {
    if let Err(e) = super::off_thread(&s.app, move |app| app.reset(scope)).await {
        return Err((StatusCode::INTERNAL_SERVER_ERROR, e).into_response());
    }
    if let Ok(mut l) = s.edge.limiter.lock() {
        l.clear();
    }
    Ok(())
}

/// What `POST /__admin/reset` clears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Scopes {
    data: bool,
    journal: bool,
    faults: bool,
}

impl Scopes {
    /// From the query (`?journal=true`) and a JSON body (`{"journal": true}`), the body
    /// winning. Scopes named true are the only ones cleared; otherwise every scope not
    /// named false is (so nothing named means everything). The query parameter
    /// `account_query` (`account_id`) names an account, not a scope, and is skipped.
    fn parse(query: &str, body: &[u8], account_query: &str) -> Result<Scopes, String> {
        let mut named: [Option<bool>; 3] = [None; 3];
        let slot = |name: &str| ["data", "journal", "faults"].iter().position(|n| *n == name);
        for (k, v) in form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != account_query) {
            let i = slot(&k).ok_or_else(|| format!("unknown reset scope `{k}`: use data, journal or faults"))?;
            named[i] = Some(word(&v).ok_or_else(|| format!("`{k}` must be true or false, not `{v}`"))?);
        }
        if !body.iter().all(u8::is_ascii_whitespace) {
            let v: Value = serde_json::from_slice(body).map_err(|e| format!("the reset body is not JSON: {e}"))?;
            let Value::Object(map) = v else {
                return Err(r#"the reset body must be an object such as {"journal": true}"#.into());
            };
            for (k, v) in map {
                let i = slot(&k).ok_or_else(|| format!("unknown reset scope `{k}`: use data, journal or faults"))?;
                named[i] = Some(v.as_bool().ok_or_else(|| format!("`{k}` must be true or false, not {v}"))?);
            }
        }
        let only = named.contains(&Some(true));
        let clear = |n: Option<bool>| n.unwrap_or(!only);
        Ok(Scopes { data: clear(named[0]), journal: clear(named[1]), faults: clear(named[2]) })
    }
}

/// A boolean query value; empty (`?journal`) is true.
fn word(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `POST /__admin/reset`: clears the data (back to the seed), the journal and the faults, or
/// the ones the query or body name: of the account the call names (its data, the requests
/// that named it, the faults scoped to it), else of the whole server.
async fn reset(
    State(s): State<AppState>,
    Scope(scope): Scope,
    RawQuery(query): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let account_query = &s.app.inner.plan.spec.api.auth.account_query;
    let scopes = match Scopes::parse(query.as_deref().unwrap_or(""), &body, account_query) {
        Ok(scopes) => scopes,
        Err(message) => return (StatusCode::BAD_REQUEST, Json(json!({"message": message}))).into_response(),
    };
    if scopes.data
        && let Err(refused) = reset_data(&s, scope).await
    {
        return refused;
    }
    if scopes.journal
        && let Ok(mut j) = s.edge.journal.lock()
    {
        match scope {
            Some(a) => j.clear_account(a),
            None => j.clear(),
        }
    }
    if scopes.faults
        && let Ok(mut f) = s.edge.faults.lock()
    {
        match scope {
            Some(a) => f.clear_account(a),
            None => f.clear(),
        }
    }
    let (seed, scale) = s.app.seed_of(scope.unwrap_or(s.app.inner.config.account_id));
    let cleared = json!({"data": scopes.data, "journal": scopes.journal, "faults": scopes.faults});
    Json(json!({"status": "ok", "seed": seed, "scale": scale, "account_id": scope, "cleared": cleared})).into_response()
}

#[derive(Debug, Deserialize)]
struct SeedBody {
    seed: Option<u64>,
    scale: Option<f64>,
}

async fn reseed(State(s): State<AppState>, Scope(scope): Scope, body: Option<Json<SeedBody>>) -> Response {
    let body = body.map(|b| b.0).unwrap_or(SeedBody { seed: None, scale: None });
    let scale = body.scale.unwrap_or(s.app.inner.config.scale);
    if !(scale.is_finite() && scale > 0.0) {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"message": "scale must be positive"}))).into_response();
    }
    replace(&s, scope, body.seed.unwrap_or(s.app.inner.config.seed), scale).await
}

/// `GET /__admin/requests?method=…&path_prefix=…&account=…&status=…&since=…&until=…`:
/// the journal's entries the filters select, oldest first, and how many there are.
/// A call naming an account (header) sees that account's requests unless it filters by another.
async fn requests(State(s): State<AppState>, Scope(scope): Scope, RawQuery(query): RawQuery) -> Response {
    let filter = match RequestFilter::from_query(query.as_deref().unwrap_or("")) {
        Ok(f) => f,
        Err(e) => return (StatusCode::BAD_REQUEST, Json(json!({"message": e.to_string()}))).into_response(),
    };
    let filter = match scope {
        Some(a) if !filter.names_account() => filter.account(a.to_string()),
        _ => filter,
    };
    let found = s.edge.journal.lock().map(|j| j.matching(&filter)).unwrap_or_default();
    Json(json!({"requests": found, "count": found.len()})).into_response()
}

/// Forgets the journal, or with an account named, the requests that named it.
async fn clear_requests(State(s): State<AppState>, Scope(scope): Scope) -> StatusCode {
    if let Ok(mut j) = s.edge.journal.lock() {
        match scope {
            Some(a) => j.clear_account(a),
            None => j.clear(),
        }
    }
    StatusCode::NO_CONTENT
}

async fn add_fault(
    State(s): State<AppState>,
    Scope(scope): Scope,
    body: Result<Json<Fault>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let mut f = match body {
        Ok(Json(f)) => f,
        Err(e) => {
            let message = format!("invalid fault: {}", e.body_text());
            return (StatusCode::BAD_REQUEST, Json(json!({"message": message}))).into_response();
        }
    };
    if let Some(st) = f.status
        && StatusCode::from_u16(st).is_err()
    {
        return (StatusCode::BAD_REQUEST, Json(json!({"message": "invalid status"}))).into_response();
    }
    f.account = f.account.or(scope);
    let Ok(mut faults) = s.edge.faults.lock() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the faults are unavailable").into_response();
    };
    (StatusCode::CREATED, Json(faults.add(f))).into_response()
}

/// The active faults; a call naming an account sees those that apply to it.
async fn list_faults(State(s): State<AppState>, Scope(scope): Scope) -> Json<Value> {
    let all: Vec<Fault> = s
        .edge
        .faults
        .lock()
        .map(|f| {
            f.all().iter().filter(|f| scope.is_none() || f.account.is_none() || f.account == scope).cloned().collect()
        })
        .unwrap_or_default();
    Json(json!({ "faults": all }))
}

/// `DELETE /__admin/faults/{id}`: the removed fault, or Harvest's 404 when no active fault has that id.
async fn remove_fault(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let removed = id.parse::<u64>().ok().and_then(|id| s.edge.faults.lock().ok()?.remove(id));
    match removed {
        Some(f) => Json(f).into_response(),
        None => super::respond::refusal(&ApiError::NotFound, &s.app.inner.plan.spec.api.errors),
    }
}

/// Removes every fault, or with an account named, the faults scoped to it.
async fn clear_faults(State(s): State<AppState>, Scope(scope): Scope) -> StatusCode {
    if let Ok(mut f) = s.edge.faults.lock() {
        match scope {
            Some(a) => f.clear_account(a),
            None => f.clear(),
        }
    }
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::Scopes;

    fn scopes(query: &str, body: &str) -> Result<(bool, bool, bool), String> {
        Scopes::parse(query, body.as_bytes(), "account_id").map(|s| (s.data, s.journal, s.faults))
    }

    #[test]
    fn nothing_named_clears_everything_and_a_scope_named_true_only_itself() {
        assert_eq!(scopes("", ""), Ok((true, true, true)));
        assert_eq!(scopes("", " \n"), Ok((true, true, true)));
        assert_eq!(scopes("", "{}"), Ok((true, true, true)));
        assert_eq!(scopes("", r#"{"journal": true}"#), Ok((false, true, false)));
        assert_eq!(scopes("journal=true&faults", ""), Ok((false, true, true)));
        assert_eq!(scopes("account_id=5", ""), Ok((true, true, true)));
        assert_eq!(scopes("", r#"{"data": false}"#), Ok((false, true, true)));
        assert_eq!(scopes("data=no", r#"{"faults": false}"#), Ok((false, true, false)));
        // The body wins over the query.
        assert_eq!(scopes("data=true", r#"{"data": false, "journal": true}"#), Ok((false, true, false)));
    }

    #[test]
    fn unknown_scopes_and_values_are_refused_by_name() {
        for (query, body, named) in [
            ("everything=1", "", "everything"),
            ("journal=maybe", "", "journal"),
            ("", r#"{"journals": true}"#, "journals"),
            ("", r#"{"faults": "yes"}"#, "faults"),
            ("", "[true]", "object"),
            ("", "{", "JSON"),
        ] {
            let refused = scopes(query, body).err().unwrap_or_default();
            assert!(refused.contains(named), "{query} {body}: {refused}");
        }
    }
}
