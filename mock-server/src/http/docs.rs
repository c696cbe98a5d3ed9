//! The API's documents, served by the running mock without credentials:
//! `GET /openapi.json` (OpenAPI 3.1), `GET /openapi-3.0.json` (OpenAPI 3.0.3) and
//! `GET /operations.md` (the operation reference).
//!
//! They are the bytes `cargo xtask codegen` checked in under `generated-client/api/`,
//! compiled in, so what a suite downloads is what CI checked for drift. They describe
//! the embedded Harvest spec: a server started on a spec of its own (`--spec`) answers
//! 404 here rather than describe an API it does not serve.

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
}

/// Every document, in the order `--help` lists them.
static DOCUMENTS: [Document; 3] = [
    Document {
        path: "/openapi.json",
        text: include_str!("../../../generated-client/api/openapi.json"),
        media_type: "application/json",
    },
    Document {
        path: "/openapi-3.0.json",
        text: include_str!("../../../generated-client/api/openapi-3.0.json"),
        media_type: "application/json",
    },
    Document {
        path: "/operations.md",
        text: include_str!("../../../generated-client/api/operations.md"),
        media_type: "text/markdown; charset=utf-8",
    },
];

/// The document routes (GET and HEAD; other methods are a 405 with `Allow`).
pub fn routes() -> Router<AppState> {
    DOCUMENTS.iter().fold(Router::new(), |router, doc| {
        router.route(doc.path, get(move |State(state): State<AppState>| async move { serve(&state, doc) }))
    })
}

fn serve(state: &AppState, doc: &Document) -> Response {
    if state.app.inner.config.spec.is_some() {
        let message = "This server runs the spec given by --spec; the documents here describe the embedded \
                       Harvest spec only (generate yours with harvest_codegen::doc_sources).";
        return json(404, &json!({"status": 404, "error": "Not Found", "message": message}));
    }
    ([(header::CONTENT_TYPE, HeaderValue::from_static(doc.media_type))], doc.text).into_response()
}
