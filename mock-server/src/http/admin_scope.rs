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
        let header = parts.headers.get(auth.account_header.as_str()).and_then(|v| v.to_str().ok()).map(str::to_string);
        let query = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .find(|(k, _)| k == auth.account_query.as_str())
            .map(|(_, v)| v.into_owned());
        let Some(raw) = header.or(query).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else {
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
