//! The engine behind every request: headers, timeouts, retries and the rate limiter.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};

use crate::auth::{Auth, Credential};
use crate::identity::ACCOUNTS_PATH;
use crate::limiter::Limiter;
use crate::request::{Encoded, Service, Target};
use crate::trace;
use crate::{Accounts, Error, HeaderMap, Method, RawRequest, Request, StatusCode, decode};

/// A successful (2xx) answer: status, headers and the raw body.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

/// When and how often failed requests are tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) base: Duration,
    pub(crate) cap: Duration,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The Harvest ID origin (`client.accounts()`, OAuth refreshes).
    pub(crate) identity_url: String,
    /// The header the token goes in.
    pub(crate) token_header: HeaderName,
    /// The token each request carries.
    pub(crate) auth: Auth,
    /// The account header, sent to the API only.
    pub(crate) account: Option<(HeaderName, HeaderValue)>,
    /// Headers sent with every request (the user agent).
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Option<Limiter>,
}

/// The shared engine behind every request; cloning it is cheap (an `Arc`), so builders and
/// streams own one and can be moved into spawned tasks.
#[derive(Clone)]
pub struct Core {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core").field("base_url", &self.inner.base_url).finish_non_exhaustive()
    }
}

impl Core {
    /// The API root requests are sent to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The Harvest ID origin (account list, OAuth token refreshes).
    pub fn identity_url(&self) -> &str {
        &self.inner.identity_url
    }

    /// The Harvest ID accounts the client's token reaches (`GET /api/v2/accounts` on Harvest
    /// ID): the token only, no account header.
    pub async fn accounts(&self) -> Result<Accounts, Error> {
        let mut request = Request::new(Method::GET, format!("{}{ACCOUNTS_PATH}", self.inner.identity_url), true);
        request.service = Service::HarvestId;
        decode(&self.execute(request).await?)
    }

    fn url(&self, request: &Request) -> Result<url::Url, Error> {
        let text = match &request.target {
            Target::Path(path) => format!("{}{}", self.inner.base_url, path),
            Target::Url(url) => url.clone(),
        };
        let mut url = url::Url::parse(&text).map_err(|e| Error::Url { url: text.clone(), message: e.to_string() })?;
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &request.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    async fn attempt(
        &self,
        request: &Request,
        url: &url::Url,
        body: Option<&Encoded>,
        credential: &Credential,
    ) -> Result<Response, Error> {
        let inner = &self.inner;
        let to_api = request.service == Service::Api;
        if let Some(limiter) = inner.limiter.as_ref().filter(|_| to_api) {
            limiter.acquire().await;
        }
        let mut builder = inner.http.request(request.method.clone(), url.clone());
        for (name, value) in &inner.headers {
            builder = builder.header(name, value);
        }
        if let Some((name, value)) = inner.account.as_ref().filter(|_| to_api) {
            builder = builder.header(name, value);
        }
        if let Some(value) = &credential.value {
            builder = builder.header(&inner.token_header, value);
        }
        if let Some(body) = body {
            builder = builder.header(CONTENT_TYPE, &body.content_type).body(body.bytes.clone());
        }
        builder = builder.timeout(request.options.timeout.unwrap_or(inner.timeout));
        let response = builder.send().await.map_err(Error::from_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(Error::from_reqwest)?;
        if status.is_success() {
            Ok(Response { status, headers, body })
        } else {
            Err(Error::api(status, headers, body))
        }
    }

    fn backoff(&self, attempt: u32, err: &Error) -> Duration {
        let policy = self.inner.retry;
        if let Some(wait) = err.retry_after() {
            return wait.min(Duration::from_secs(300));
        }
        let exp = policy.base.saturating_mul(1u32 << attempt.min(16)).min(policy.cap);
        // Equal jitter: half fixed, half random.
        let half = exp / 2;
        half + half.mul_f64(fastrand::f64())
    }

    /// Sends a request with the auth headers, retrying retryable failures of idempotent
    /// requests (or of any request whose options allow it) with backoff. An OAuth token
    /// Harvest refuses as invalid is renewed and the request sent once more.
    pub async fn execute(&self, request: Request) -> Result<Response, Error> {
        let url = self.url(&request)?;
        let body = request.encode_body()?;
        let span = trace::span(&request.method, url.path());
        trace::instrument(span.clone(), async {
            let (result, retries) = self.with_retries(&request, &url, body.as_ref()).await;
            trace::finish(&span, &result, retries);
            result
        })
        .await
    }

    /// Attempts until success, a final failure or the retry budget is spent; also says how
    /// many retries were made.
    async fn with_retries(
        &self,
        request: &Request,
        url: &url::Url,
        body: Option<&Encoded>,
    ) -> (Result<Response, Error>, u32) {
        let may_retry = request.options.retry.unwrap_or(request.idempotent);
        let auth = &self.inner.auth;
        let mut attempt = 0;
        let mut renewed = false;
        loop {
            let credential = match auth.credential().await {
                Ok(credential) => credential,
                Err(err) => return (Err(err), attempt),
            };
            match self.attempt(request, url, body, &credential).await {
                Err(err) if !renewed && err.is_invalid_token() => {
                    renewed = true;
                    match auth.renew(&credential).await {
                        Ok(true) => {}
                        Ok(false) => return (Err(err), attempt),
                        Err(refresh) => return (Err(refresh), attempt),
                    }
                }
                Err(err) if may_retry && attempt < self.inner.retry.max_retries && err.is_retryable() => {
                    tokio::time::sleep(self.backoff(attempt, &err)).await;
                    attempt += 1;
                }
                result => return (result, attempt),
            }
        }
    }

    /// A free-form call to any path (relative to the base URL) or absolute URL, with auth added.
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RawRequest {
        RawRequest::new(self.clone(), method, path.into())
    }
}
