//! `POST /__admin/import`: replaces the data of the account the call names
//! (the default account when it names none) with fixtures sent as one JSON
//! object, resource plural → array of records (as `harvest-mock export`
//! writes them, one file per key). Every problem comes back in a 422 and
//! nothing changes; a kept account is committed to the state database.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::AppState;
use super::admin_scope::Scope;
use crate::fixtures::FixtureError;

/// The largest fixtures body accepted (a whole account in one request).
const IMPORT_LIMIT: usize = 256 * 1024 * 1024;

/// The import route, mounted beside the rest of the admin API.
pub fn routes() -> Router<AppState> {
    Router::new().route("/import", post(import).layer(DefaultBodyLimit::max(IMPORT_LIMIT)))
}

fn answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

async fn import(State(s): State<AppState>, Scope(scope): Scope, body: Bytes) -> Response {
    let account = scope.unwrap_or(s.app.inner.tenants.default_account);
    let docs = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            let message = "the body must be one JSON object: resource plural → array of records";
            return answer(StatusCode::UNPROCESSABLE_ENTITY, json!({"message": message}));
        }
        Err(e) => {
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"message": format!("the body is not valid JSON: {e}")}),
            );
        }
    };
    let keys = docs.len();
    let state = s.clone();
    let done = tokio::task::spawn_blocking(move || state.import_fixture_documents(account, docs)).await;
    match done {
        Ok(Ok(())) => {
            if let Ok(mut l) = s.edge.limiter.lock() {
                l.clear();
            }
            answer(StatusCode::OK, json!({"status": "ok", "account_id": account, "documents": keys}))
        }
        Ok(Err(FixtureError::Invalid(problems))) => answer(StatusCode::UNPROCESSABLE_ENTITY, problems.to_json()),
        Ok(Err(e)) => answer(StatusCode::INTERNAL_SERVER_ERROR, json!({"message": e.to_string()})),
        Err(e) => answer(StatusCode::INTERNAL_SERVER_ERROR, json!({"message": format!("the import stopped: {e}")})),
    }
}
