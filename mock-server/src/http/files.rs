//! Uploaded files served back from the mock's host
//! (`GET /receipts/{account}/{id}/{name}`), as a receipt's `url` promises; no
//! credentials, like a signed storage URL.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use super::respond::refusal;
use crate::engine::ApiError;

/// The file routes.
pub fn routes(app: AppState) -> Router {
    Router::new().route("/receipts/{account}/{id}/{name}", get(file)).with_state(app)
}

async fn file(State(app): State<AppState>, Path((account, id, _name)): Path<(i64, i64, String)>) -> Response {
    let inner = &app.app.inner;
    let not_found = || refusal(&ApiError::NotFound, &inner.plan.spec.api.errors);
    let Some(tenant) = inner.tenants.get(account) else { return not_found() };
    let Ok(store) = tenant.store.read() else { return not_found() };
    let Some(f) = store.files.get(id) else { return not_found() };
    let content_type =
        HeaderValue::from_str(&f.content_type).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    ([(header::CONTENT_TYPE, content_type)], f.bytes.clone()).into_response()
}
