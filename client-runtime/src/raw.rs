//! Free-form calls: `client.raw(Method::GET, "/users/me").send().await`.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Core, Error, Method, QueryValue, Request, Response};

/// A request to any path, with the client's auth, retries and timeouts.
#[derive(Debug)]
#[must_use = "a request does nothing until `.send()` is awaited"]
pub struct RawRequest {
    core: Core,
    request: Request,
    error: Option<Error>,
}

impl RawRequest {
    pub(crate) fn new(core: Core, method: Method, path: String) -> Self {
        let idempotent = method != Method::POST && method != Method::PATCH;
        RawRequest { core, request: Request::new(method, path, idempotent), error: None }
    }

    /// Adds query parameters.
    pub fn query<V: QueryValue>(mut self, pairs: &[(&str, V)]) -> Self {
        for (name, value) in pairs {
            self.request.query(name, value.to_query());
        }
        self
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        if let Err(e) = self.request.json(body) {
            self.error = Some(e);
        }
        self
    }

    /// Overrides the total timeout for this request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.request.options.timeout = Some(timeout);
        self
    }

    /// Allows (or forbids) retries regardless of the method.
    pub fn retry(mut self, retry: bool) -> Self {
        self.request.options.retry = Some(retry);
        self
    }

    /// Sends the request; a non-2xx answer is an [`Error::Api`].
    pub async fn send(self) -> Result<Response, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.core.execute(self.request).await
    }

    /// Sends the request and decodes the body as `T`.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let response = self.send().await?;
        crate::decode(&response)
    }
}
