//! Responses on the wire: JSON with Harvest's content type, refusals with the
//! spec's byte-exact bodies, and executor outputs with status, `Location` and
//! the list envelope.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use harvest_spec::ir::ErrorBodies;

use super::envelope::{LinkBase, envelope};
use crate::engine::{ApiError, Ctx, Output, to_bytes};

/// A JSON response with Harvest's content type.
pub fn json(status: u16, v: &impl serde::Serialize) -> Response {
    json_bytes(status, to_bytes(v, 1024))
}

/// A response of JSON bytes with Harvest's content type.
pub fn json_bytes(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut r = (status, body).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    r
}

/// Where the request came from, for absolute URLs.
pub struct Origin<'a> {
    /// `http://host`.
    pub origin: &'a str,
    /// The request path.
    pub path: &'a str,
}

/// The response of an executor's output.
pub fn output(ctx: &Ctx<'_>, at: &Origin<'_>, out: Output) -> Response {
    let status = ctx.op.status;
    match out {
        Output::Doc(body) => json_bytes(status, body),
        Output::Created { body, location } => {
            let mut r = json_bytes(status, body);
            let url = format!("{}{}{location}", at.origin, ctx.plan.location_prefix);
            if let Ok(v) = HeaderValue::from_str(&url) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Output::Page(page) => {
            let Some(p) = ctx.op.pagination.as_ref() else { return json_bytes(status, b"null".to_vec()) };
            let filters = ctx
                .query
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "page" | "per_page" | "cursor" | "ref"))
                .cloned()
                .collect();
            let base = LinkBase { url: format!("{}{}", at.origin, at.path), filters };
            json_bytes(status, to_bytes(&envelope(p, &page, &base), page.size + 1024))
        }
        Output::Empty => (StatusCode::from_u16(status).unwrap_or_default(), "").into_response(),
    }
}

/// The response of a refusal, using the spec's byte-exact bodies.
pub fn refusal(e: &ApiError, bodies: &ErrorBodies) -> Response {
    let message = |m: &str| serde_json::json!({ "message": m });
    match e {
        ApiError::MissingUserAgent => json_bytes(400, bodies.missing_user_agent.clone().into_bytes()),
        ApiError::BadRequest(m) => json(400, &message(m)),
        ApiError::Unauthorized => {
            let mut r = json_bytes(401, bodies.unauthorized.clone().into_bytes());
            if let Ok(v) = HeaderValue::from_str(&bodies.www_authenticate) {
                r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
            r
        }
        ApiError::NotFound => {
            let mut r = json_bytes(404, bodies.not_found.clone().into_bytes());
            // Recorded real traffic (2024) spells the charset of this answer in upper case.
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=UTF-8"));
            r
        }
        ApiError::Forbidden => json_bytes(403, bodies.forbidden.clone().into_bytes()),
        ApiError::TooLarge => json(413, &message("Request body is too large")),
        ApiError::Unprocessable(m) => json(422, &message(m)),
        ApiError::RateLimited(secs) => {
            let mut r = (StatusCode::TOO_MANY_REQUESTS, "").into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*secs));
            r
        }
    }
}
