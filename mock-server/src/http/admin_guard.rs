//! The admin token: with `Config::admin_token` set, every request under
//! `/__admin` must carry it as `Authorization: Bearer <token>` or
//! `X-Admin-Token: <token>`; anything else is a 401 that says what is required.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use super::respond::json;

/// Header that carries the admin token when `Authorization` is taken by an API token.
const ADMIN_TOKEN_HEADER: &str = "x-admin-token";

/// Whether a request path belongs to the admin API.
fn is_admin_path(path: &str) -> bool {
    path == "/__admin" || path.starts_with("/__admin/")
}

/// Compares in time independent of where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether the headers present `token` in either accepted form (an empty token matches nothing).
fn presents(headers: &HeaderMap, token: &str) -> bool {
    if token.is_empty() {
        return false;
    }
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .is_some_and(|(_, t)| same(t.trim().as_bytes(), token.as_bytes()));
    let own = headers.get(ADMIN_TOKEN_HEADER).is_some_and(|v| same(v.as_bytes(), token.as_bytes()));
    bearer || own
}

/// Middleware: refuses admin requests without the configured token; passes everything else.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = state.app.inner.config.admin_token.as_deref() else { return next.run(req).await };
    if !is_admin_path(req.uri().path()) || presents(req.headers(), token) {
        return next.run(req).await;
    }
    let message = "The admin API requires the admin token the server was started with (--admin-token or \
                   HARVEST_MOCK_ADMIN_TOKEN): send `Authorization: Bearer <admin token>` or \
                   `X-Admin-Token: <admin token>`.";
    let mut r = json(401, &serde_json::json!({ "error": "admin_token_required", "message": message }));
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"harvest-mock admin\""));
    r
}
