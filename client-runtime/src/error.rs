//! The one error type of the client.

use std::time::Duration;

use bytes::Bytes;
use serde::Deserialize;

use crate::{HeaderMap, StatusCode};

/// A Harvest error body. Harvest answers in three shapes, all read here:
/// `{"message": ..}`, `{"error": .., "error_description": ..}` and `{"status": .., "error": ..}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ApiErrorBody {
    /// Human message (`{"message": "Not authorized!"}`, 422 validation errors).
    #[serde(default)]
    pub message: Option<String>,
    /// Error code (`invalid_token`, `Not Found`).
    #[serde(default)]
    pub error: Option<String>,
    /// OAuth-style description.
    #[serde(default)]
    pub error_description: Option<String>,
    /// Status echoed in the body.
    #[serde(default)]
    pub status: Option<u16>,
}

impl ApiErrorBody {
    /// The most useful text of the body.
    pub fn text(&self) -> Option<String> {
        match (&self.message, &self.error, &self.error_description) {
            (Some(m), _, _) => Some(m.clone()),
            (None, Some(e), Some(d)) => Some(format!("{e}: {d}")),
            (None, Some(e), None) => Some(e.clone()),
            (None, None, Some(d)) => Some(d.clone()),
            (None, None, None) => None,
        }
    }
}

fn api_message(status: &StatusCode, parsed: &Option<Box<ApiErrorBody>>) -> String {
    match parsed.as_deref().and_then(ApiErrorBody::text) {
        Some(text) => format!("Harvest answered {status}: {text}"),
        None => format!("Harvest answered {status}"),
    }
}

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client was configured wrongly (missing user agent, bad base URL).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// A request URL could not be built.
    #[error("invalid URL `{url}`: {message}")]
    Url {
        /// The URL text.
        url: String,
        /// Why it is invalid.
        message: String,
    },
    /// The request body could not be encoded.
    #[error("could not encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// The request or its connection timed out.
    #[error("request timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The connection could not be made or broke.
    #[error("connection failed: {0}")]
    Connect(#[source] reqwest::Error),
    /// Another transport failure.
    #[error("HTTP transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// Harvest answered with a non-success status.
    #[error("{}", api_message(.status, .parsed))]
    Api {
        /// The status code.
        status: StatusCode,
        /// The response headers.
        headers: Box<HeaderMap>,
        /// The raw response body.
        body: Bytes,
        /// The body parsed as a Harvest error, when it is one.
        parsed: Option<Box<ApiErrorBody>>,
    },
    /// A file to upload could not be read.
    #[error("cannot read `{}`: {source}", .path.display())]
    File {
        /// The path given.
        path: std::path::PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// A new OAuth access token could not be had from Harvest ID (the refresh token was
    /// refused, or Harvest ID could not be reached); the request was not sent.
    #[error("could not refresh the OAuth access token: {0}")]
    Refresh(#[source] Box<Error>),
    /// A success response did not match the expected shape.
    #[error("could not decode the response at `{path}`: {message}")]
    Decode {
        /// The status code.
        status: StatusCode,
        /// JSON path of the failing value (`time_entries[3].hours`).
        path: String,
        /// What was wrong.
        message: String,
        /// The raw response body.
        body: Bytes,
    },
}

impl Error {
    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        if err.is_timeout() {
            Error::Timeout(err)
        } else if err.is_connect() {
            Error::Connect(err)
        } else {
            Error::Transport(err)
        }
    }

    pub(crate) fn api(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let parsed = serde_json::from_slice::<ApiErrorBody>(&body)
            .ok()
            .filter(|p| p.message.is_some() || p.error.is_some() || p.error_description.is_some())
            .map(Box::new);
        Error::Api { status, headers: Box::new(headers), body, parsed }
    }

    /// Whether trying again may succeed: connection errors, timeouts, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::Connect(_) => true,
            Error::Transport(e) => e.is_request() || e.is_body(),
            Error::Api { status, .. } => *status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error(),
            Error::Refresh(inner) => inner.is_retryable(),
            _ => false,
        }
    }

    /// Whether Harvest refused the access token (401 `invalid_token`: expired, revoked, or
    /// not valid for the account), in the body or in `WWW-Authenticate`.
    pub fn is_invalid_token(&self) -> bool {
        let Error::Api { status, headers, parsed, .. } = self else { return false };
        let in_body = parsed.as_deref().and_then(|p| p.error.as_deref()) == Some("invalid_token");
        let in_header = headers
            .get(reqwest::header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("invalid_token"));
        *status == StatusCode::UNAUTHORIZED && (in_body || in_header)
    }

    /// The HTTP status, when Harvest answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The raw response body, when Harvest answered.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::Api { body, .. } | Error::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The parsed Harvest error body, when there is one.
    pub fn api_error(&self) -> Option<&ApiErrorBody> {
        match self {
            Error::Api { parsed, .. } => parsed.as_deref(),
            _ => None,
        }
    }

    /// The wait the server asked for with `Retry-After` (seconds or an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        let Error::Api { headers, .. } = self else { return None };
        let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let when = httpdate::parse_http_date(value).ok()?;
        Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
    }
}
