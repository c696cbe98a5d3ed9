//! The admin API's account routes: live accounts, snapshots and the clock.
//! Each acts on the account the call names (`Harvest-Account-Id` or
//! `account_id`), or on the server's default account / whole server when it
//! names none (see [`super::admin_scope`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::AppState;
use super::admin_scope::Scope;
use crate::app::Clock;
use crate::values::{fmt_datetime, parse_datetime};

/// Routes mounted beside the rest of the admin API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(accounts))
        .route("/snapshots", post(take).get(list))
        .route("/snapshots/{id}", delete(forget))
        .route("/snapshots/{id}/restore", post(restore))
        .route("/clock", get(read_clock).post(set_clock))
}

fn unprocessable(message: String) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"message": message}))).into_response()
}

fn not_found(message: String) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"message": message}))).into_response()
}

async fn accounts(State(s): State<AppState>) -> Json<Value> {
    let t = &s.app.inner.tenants;
    Json(json!({"accounts": t.accounts(), "default": t.default_account, "max": t.cap}))
}

async fn take(State(s): State<AppState>, Scope(scope): Scope) -> Response {
    let account = scope.unwrap_or(s.app.inner.tenants.default_account);
    let tenant = s.app.tenant(account);
    let Some(id) = s.app.inner.tenants.snapshot(&tenant) else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the account is unavailable").into_response();
    };
    let taken_at = s.app.inner.tenants.snapshot_named(&id).map(|snap| fmt_datetime(snap.taken_at));
    (StatusCode::CREATED, Json(json!({"id": id, "account_id": account, "taken_at": taken_at}))).into_response()
}

async fn list(State(s): State<AppState>, Scope(scope): Scope) -> Json<Value> {
    let all: Vec<Value> = s
        .app
        .inner
        .tenants
        .snapshots()
        .into_iter()
        .filter(|(_, account, _)| scope.is_none_or(|a| a == *account))
        .map(|(id, account, at)| json!({"id": id, "account_id": account, "taken_at": fmt_datetime(at)}))
        .collect();
    Json(json!({"snapshots": all}))
}

/// Restores a snapshot into the account it was taken of, or into the account the call names.
async fn restore(State(s): State<AppState>, Scope(scope): Scope, Path(id): Path<String>) -> Response {
    let tenants = &s.app.inner.tenants;
    let Some(snap) = tenants.snapshot_named(&id) else { return not_found(format!("no snapshot {id}")) };
    let account = scope.unwrap_or(snap.account);
    s.app.tenant(account).restore(snap.store);
    if let Err(e) = super::off_thread(&s.app, move |app| app.make_durable(account)).await {
        return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response();
    }
    Json(json!({"status": "ok", "id": id, "account_id": account})).into_response()
}

async fn forget(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    if s.app.inner.tenants.drop_snapshot(&id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        not_found(format!("no snapshot {id}"))
    }
}

fn clock_body(clock: Clock, account: Option<i64>, own: bool) -> Json<Value> {
    Json(json!({
        "now": fmt_datetime(clock.now()),
        "frozen": clock.is_frozen(),
        "account_id": account,
        "own": own,
    }))
}

async fn read_clock(State(s): State<AppState>, Scope(scope): Scope) -> Json<Value> {
    let tenants = &s.app.inner.tenants;
    match scope {
        Some(a) => {
            let t = s.app.tenant(a);
            clock_body(tenants.clock_of(&t), Some(a), t.own_clock().is_some())
        }
        None => clock_body(tenants.clock(), None, false),
    }
}

/// `POST /__admin/clock`: exactly one of `now` (with `freeze`, default true),
/// `advance_seconds`, or `system: true`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    now: Option<String>,
    freeze: Option<bool>,
    advance_seconds: Option<i64>,
    system: Option<bool>,
}

impl ClockChange {
    /// The clock after the change, from `current`; `None` = back to the system clock.
    fn apply(&self, current: Clock) -> Result<Option<Clock>, String> {
        match (&self.now, self.advance_seconds, self.system) {
            (Some(now), None, None | Some(false)) => {
                let at: DateTime<Utc> =
                    parse_datetime(now).ok_or_else(|| format!("now `{now}` is not an ISO 8601 timestamp"))?;
                Ok(Some(if self.freeze.unwrap_or(true) { Clock::frozen(at) } else { Clock::running_from(at) }))
            }
            (None, Some(secs), None | Some(false)) => Ok(Some(current.advanced(Duration::seconds(secs)))),
            (None, None, Some(true)) => Ok(None),
            _ => Err("send exactly one of now (with freeze), advance_seconds, or system: true".into()),
        }
    }
}

async fn set_clock(
    State(s): State<AppState>,
    Scope(scope): Scope,
    body: Result<Json<ClockChange>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let change = match body {
        Ok(Json(c)) => c,
        Err(e) => return unprocessable(format!("the clock change is not valid: {}", e.body_text())),
    };
    let tenants = &s.app.inner.tenants;
    match scope {
        Some(a) => {
            let t = s.app.tenant(a);
            match change.apply(tenants.clock_of(&t)) {
                Ok(clock) => t.set_clock(clock),
                Err(m) => return unprocessable(m),
            }
            clock_body(tenants.clock_of(&t), Some(a), t.own_clock().is_some()).into_response()
        }
        None => {
            match change.apply(tenants.clock()) {
                Ok(clock) => tenants.set_clock(clock.unwrap_or_default()),
                Err(m) => return unprocessable(m),
            }
            clock_body(tenants.clock(), None, false).into_response()
        }
    }
}
