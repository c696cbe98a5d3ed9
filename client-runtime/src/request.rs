//! What a request carries before it is sent.

use std::time::Duration;

use serde::Serialize;

use crate::{Error, Method, QueryValue};

/// Per-request settings that override the client's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Total timeout of one attempt.
    pub timeout: Option<Duration>,
    /// `Some(true)` retries even a non-idempotent request; `Some(false)` never retries.
    pub retry: Option<bool>,
}

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Relative to the base URL (`/clients/5`).
    Path(String),
    /// An absolute URL used verbatim (a `links.next` value).
    Url(String),
}

/// A request ready for [`Core::execute`](crate::Core::execute).
#[derive(Debug, Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) idempotent: bool,
    pub(crate) options: RequestOptions,
}

impl Request {
    /// A request to `path` (relative to the base URL, or an absolute `http(s)://` URL).
    pub fn new(method: Method, path: String, idempotent: bool) -> Self {
        let target = if path.starts_with("http://") || path.starts_with("https://") {
            Target::Url(path)
        } else {
            Target::Path(path)
        };
        Request { method, target, query: Vec::new(), body: None, idempotent, options: RequestOptions::default() }
    }

    /// Adds a query parameter.
    pub fn query(&mut self, name: &str, value: String) {
        self.query.push((name.to_owned(), value));
    }

    /// Adds a query parameter when it is set.
    pub fn query_opt<V: QueryValue>(&mut self, name: &str, value: &Option<V>) {
        if let Some(value) = value {
            self.query(name, value.to_query());
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        self.body = Some(serde_json::to_vec(body).map_err(Error::Encode)?);
        Ok(())
    }

    /// Sets the per-request options.
    pub fn options(&mut self, options: RequestOptions) {
        self.options = options;
    }
}
