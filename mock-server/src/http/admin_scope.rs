//! Which account an admin call is about: the one its `Harvest-Account-Id`
//! header (or `account_id` query value) names, or the whole server when
//! it names none.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::AppState;

/// The account an admin call names, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope(pub Option<i64>);

impl FromRequestParts<AppState> for Scope {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Scope, Response> {
        let auth = &state.app.spec().api.auth;
        // Read the way the journal records a request's account.
        let Some(raw) = super::journal::account(auth, &parts.headers, parts.uri.query().unwrap_or("")) else {
            return Ok(Scope(None));
        };
        match raw.parse::<i64>() {
            Ok(id) => Ok(Scope(Some(id))),
            Err(_) => {
                let message = format!("{} `{raw}` is not an account id", auth.account_header);
                Err((axum::http::StatusCode::UNPROCESSABLE_ENTITY, axum::Json(json!({"message": message})))
                    .into_response())
            }
        }
    }
}
