//! Examples for the API's OpenAPI document, taken from the default seeded account.
//!
//! [`openapi_examples`] seeds the account `harvest-mock` serves with its default seed and
//! scale, its clock frozen at [`EXAMPLE_NOW`] (the default clock is the system's, which
//! would change the seeded dates every hour), and sends requests through the whole app
//! in-process: each GET as a client would send it (lists with `per_page=2`), then each
//! request body derived from a seeded record, kept only when the mock accepts it. The
//! result is plain JSON, so the document's generator needs nothing from this crate:
//! `cargo xtask codegen` hands it to `harvest_codegen::doc_sources_with_examples`.

mod bodies;
mod client;

use serde_json::{Map, Value, json};

use crate::{AppState, Config};
use client::Client;

/// The instant the examples' account is seeded at and its clock frozen at (`--now`).
pub const EXAMPLE_NOW: &str = "2026-03-02T15:00:00Z";

/// Why the examples could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum ExamplesError {
    /// The account did not start.
    #[error("the example account did not start: {0}")]
    Start(#[from] crate::Error),
    /// No runtime to send the requests on.
    #[error("no runtime for the example requests: {0}")]
    Runtime(std::io::Error),
    /// [`EXAMPLE_NOW`] is not an instant.
    #[error("EXAMPLE_NOW `{0}` is not an RFC 3339 instant")]
    Now(String),
    /// A GET operation answered no path it was tried on with a success.
    #[error("{operation}: no seeded record gives a successful response (last: {status} from {path})")]
    NoResponse {
        /// The operation id.
        operation: String,
        /// The last path tried.
        path: String,
        /// Its status.
        status: u16,
    },
    /// No request body derived from the seeded records was accepted.
    #[error("{operation}: the mock accepted no derived request body (last: {status} for {body} at {path}: {answer})")]
    Refused {
        /// The operation id.
        operation: String,
        /// The last path tried.
        path: String,
        /// The last body tried.
        body: String,
        /// Its status.
        status: u16,
        /// The mock's answer.
        answer: String,
    },
}

/// The examples, as `{"source": {...}, "responses": {operationId: body}, "requests":
/// {operationId: body}}`: every GET operation's response body and an accepted request
/// body for every operation that takes one. `source` says how the account was seeded.
///
/// Builds its own single-threaded runtime: call it from synchronous code only.
pub fn openapi_examples() -> Result<Map<String, Value>, ExamplesError> {
    let now =
        chrono::DateTime::parse_from_rfc3339(EXAMPLE_NOW).map_err(|_| ExamplesError::Now(EXAMPLE_NOW.into()))?.to_utc();
    let config = Config { now: Some(now), ..Config::default() };
    let source =
        json!({"seed": config.seed, "scale": config.scale, "now": EXAMPLE_NOW, "account_id": config.account_id});
    let state = AppState::new(config)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(ExamplesError::Runtime)?;
    runtime.block_on(async move {
        let client = Client::new(state);
        let mut responses = Map::new();
        for op in client.spec().operations.iter().filter(|op| op.method == harvest_spec::ir::Method::Get) {
            responses.insert(op.id.clone(), client.example_response(op).await?);
        }
        let mut requests = Map::new();
        for op in client.spec().operations.iter().filter(|op| op.body.is_some()) {
            requests.insert(op.id.clone(), bodies::accepted_body(&client, op).await?);
        }
        let mut out = Map::new();
        out.insert("source".into(), source);
        out.insert("responses".into(), Value::Object(responses));
        out.insert("requests".into(), Value::Object(requests));
        Ok(out)
    })
}
