//! Harvest's error responses.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use harvest_spec::ir::ErrorBodies;

/// A request Harvest would refuse.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 400 without `User-Agent`.
    MissingUserAgent,
    /// 400 with a message (malformed body).
    BadRequest(String),
    /// 401 with the spec's body and `WWW-Authenticate`.
    Unauthorized,
    /// 404 for a missing record or an unknown route.
    NotFound,
    /// 413 for an oversized body.
    TooLarge,
    /// 422 `{"message": ...}`.
    Unprocessable(String),
    /// 429 with `Retry-After` seconds.
    RateLimited(u64),
}

impl ApiError {
    /// A 422 naming every problem, Harvest style (`A can't be blank, B is invalid`).
    pub fn problems(list: &[String]) -> ApiError {
        ApiError::Unprocessable(list.join(", "))
    }

    /// The response, using the spec's byte-exact bodies.
    pub fn respond(&self, bodies: &ErrorBodies) -> Response {
        let json = |status: StatusCode, body: String| {
            let mut r = (status, body).into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
            r
        };
        let message = |m: &str| serde_json::json!({ "message": m }).to_string();
        match self {
            ApiError::MissingUserAgent => json(StatusCode::BAD_REQUEST, bodies.missing_user_agent.clone()),
            ApiError::BadRequest(m) => json(StatusCode::BAD_REQUEST, message(m)),
            ApiError::Unauthorized => {
                let mut r = json(StatusCode::UNAUTHORIZED, bodies.unauthorized.clone());
                if let Ok(v) = HeaderValue::from_str(&bodies.www_authenticate) {
                    r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                }
                r
            }
            ApiError::NotFound => {
                let mut r = json(StatusCode::NOT_FOUND, bodies.not_found.clone());
                // Recorded real traffic (2024) spells the charset of this answer in upper case.
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
                r
            }
            ApiError::TooLarge => json(StatusCode::PAYLOAD_TOO_LARGE, message("Request body is too large")),
            ApiError::Unprocessable(m) => json(StatusCode::UNPROCESSABLE_ENTITY, message(m)),
            ApiError::RateLimited(secs) => {
                let mut r = (StatusCode::TOO_MANY_REQUESTS, "").into_response();
                r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*secs));
                r
            }
        }
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
