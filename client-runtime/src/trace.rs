//! The optional `tracing` feature: one span per request, named `http.request`, with the
//! method, the path, the final status and the number of retries. Without the feature
//! these are no-ops and `tracing` is not compiled.

use std::future::Future;

use crate::{Error, Method, Response};

/// The span of one request (a unit struct without the `tracing` feature).
#[cfg(feature = "tracing")]
pub(crate) type Span = tracing::Span;

/// The span of one request (a unit struct without the `tracing` feature).
#[cfg(not(feature = "tracing"))]
#[derive(Clone)]
pub(crate) struct Span;

/// Opens the span of a request.
pub(crate) fn span(method: &Method, path: &str) -> Span {
    #[cfg(feature = "tracing")]
    {
        tracing::info_span!(
            "http.request",
            method = %method,
            path,
            status = tracing::field::Empty,
            retries = tracing::field::Empty,
        )
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = (method, path);
        Span
    }
}

/// Records how the request ended: the status Harvest answered, if any, and the retries made.
pub(crate) fn finish(span: &Span, result: &Result<Response, Error>, retries: u32) {
    #[cfg(feature = "tracing")]
    {
        let status = match result {
            Ok(response) => Some(response.status),
            Err(err) => err.status(),
        };
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        span.record("retries", retries);
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = (span, result, retries);
    }
}

/// Runs `future` inside `span`.
pub(crate) async fn instrument<F: Future>(span: Span, future: F) -> F::Output {
    #[cfg(feature = "tracing")]
    {
        tracing::Instrument::instrument(future, span).await
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = span;
        future.await
    }
}
