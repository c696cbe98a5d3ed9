//! The API's documents, served by the running mock without credentials:
//! `GET /openapi.json` (OpenAPI 3.1), `GET /openapi-3.0.json` (OpenAPI 3.0.3),
//! `GET /operations.md` (the operation reference) and `GET /admin-openapi.json` (the
//! admin API, the hosted connector API, Harvest ID and search; see `admin_doc`).
//!
//! They are the bytes `cargo xtask codegen` checked in under `generated-client/api/`
//! (and `mock-server/api/`),
//! compiled in, so what a suite downloads is what CI checked for drift. The API's
//! documents describe the embedded Harvest spec: a server started on a spec of its own
//! (`--spec`) answers 404 there rather than describe an API it does not serve.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::AppState;
use super::respond::json;

/// One served document.
struct Document {
    /// Where the mock serves it.
    path: &'static str,
    /// Its bytes, as checked in.
    text: &'static str,
    /// Its `Content-Type`.
    media_type: &'static str,
    /// Whether it describes the embedded Harvest spec (else the mock's own routes).
    describes_spec: bool,
}

/// Every document, in the order `--help` lists them.
static DOCUMENTS: [Document; 4] = [
    Document {
        path: "/openapi.json",
        text: include_str!("../../../generated-client/api/openapi.json"),
        media_type: "application/json",
        describes_spec: true,
    },
    Document {
        path: "/openapi-3.0.json",
        text: include_str!("../../../generated-client/api/openapi-3.0.json"),
        media_type: "application/json",
        describes_spec: true,
    },
    Document {
        path: "/operations.md",
        text: include_str!("../../../generated-client/api/operations.md"),
        media_type: "text/markdown; charset=utf-8",
        describes_spec: true,
    },
    Document {
        path: "/admin-openapi.json",
        text: include_str!("../../api/admin-openapi.json"),
        media_type: "application/json",
        describes_spec: false,
    },
];

/// The paths the documents are served at.
#[cfg(test)]
pub(super) fn paths() -> impl Iterator<Item = &'static str> {
    DOCUMENTS.iter().map(|d| d.path)
}

/// The document routes (GET and HEAD; other methods are a 405 with `Allow`).
pub fn routes() -> Router<AppState> {
    DOCUMENTS.iter().fold(Router::new(), |router, doc| {
        router.route(doc.path, get(move |State(state): State<AppState>| async move { serve(&state, doc) }))
    })
}

fn serve(state: &AppState, doc: &Document) -> Response {
    if doc.describes_spec && state.app.inner.config.spec.is_some() {
        let message = "This server runs the spec given by --spec; the documents here describe the embedded \
                       Harvest spec only (generate yours with harvest_codegen::doc_sources).";
        return json(404, &json!({"status": 404, "error": "Not Found", "message": message}));
    }
    ([(header::CONTENT_TYPE, HeaderValue::from_static(doc.media_type))], doc.text).into_response()
}
