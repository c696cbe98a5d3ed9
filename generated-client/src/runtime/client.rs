//! Configuration, auth headers, timeouts, retries and the rate limiter: [`Core::execute`].

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};

use super::request::Target;
use super::{Error, HeaderMap, Method, Request, StatusCode};

/// The real API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.harvestapp.com/v2";

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
struct RetryPolicy {
    max_retries: u32,
    base: Duration,
    cap: Duration,
}

/// Configures a client; [`build`](Self::build) checks the settings.
///
/// `C` is the client type built (the generated `Client`, or [`Core`]).
pub struct ClientBuilder<C = Core> {
    base_url: String,
    token: Option<String>,
    account_id: Option<String>,
    user_agent: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    rate_limit: Option<(u32, Duration)>,
    http: Option<reqwest::Client>,
    marker: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("account_id", &self.account_id)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl<C: From<Core>> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: From<Core>> ClientBuilder<C> {
    /// Defaults: the real API, 10 s connect and 60 s total timeout, 2 retries, no limiter.
    pub fn new() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            token: None,
            account_id: None,
            user_agent: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy { max_retries: 2, base: Duration::from_millis(500), cap: Duration::from_secs(30) },
            rate_limit: None,
            http: None,
            marker: PhantomData,
        }
    }

    /// The API root, including the version segment (`http://127.0.0.1:8080/v2` for the mock).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The personal access token (sent as `Authorization: Bearer ...`).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The account id (sent as `Harvest-Account-Id`).
    pub fn account_id(mut self, account_id: impl fmt::Display) -> Self {
        self.account_id = Some(account_id.to_string());
        self
    }

    /// The `User-Agent` Harvest requires: an app name and a contact address.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// How long to wait for a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take in total (overridable per request).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many times a retryable failure is tried again (0 disables retries).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// First backoff delay and its ceiling; delays double with jitter in between.
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.retry.base = base;
        self.retry.cap = cap;
        self
    }

    /// Sends at most `requests` requests per `per` (Harvest allows 100 per 15 s).
    pub fn rate_limit(mut self, requests: u32, per: Duration) -> Self {
        self.rate_limit = Some((requests, per));
        self
    }

    /// Sends through this `reqwest::Client` (its TLS, proxy and pool settings) instead of
    /// building one; the connect timeout set here then does not apply, the total one does.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let user_agent = self
            .user_agent
            .filter(|ua| !ua.trim().is_empty())
            .ok_or_else(|| Error::Config("a user agent is required by Harvest: call `.user_agent(..)`".into()))?;
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        url::Url::parse(&base_url).map_err(|e| Error::Url { url: base_url.clone(), message: e.to_string() })?;
        let header = |name: &str, value: String| {
            HeaderValue::from_str(&value).map_err(|_| Error::Config(format!("{name} is not a valid header value")))
        };
        let auth = self.token.map(|t| header("the token", format!("Bearer {t}"))).transpose()?;
        let account = self.account_id.map(|a| header("the account id", a)).transpose()?;
        let user_agent = header("the user agent", user_agent)?;
        let http = match self.http {
            Some(http) => http,
            None => http_client(self.connect_timeout)?,
        };
        let limiter = match self.rate_limit {
            Some((0, _)) => return Err(Error::Config("a rate limit must allow at least one request".into())),
            Some((requests, per)) => Some(Limiter { requests, per, sent: tokio::sync::Mutex::new(VecDeque::new()) }),
            None => None,
        };
        let inner =
            Inner { http, base_url, auth, account, user_agent, timeout: self.timeout, retry: self.retry, limiter };
        Ok(C::from(Core { inner: Arc::new(inner) }))
    }
}

/// A `reqwest::Client` of our own. With rustls, its crypto provider is set on this
/// client's TLS config only: installing a process-wide default would break (or be broken by)
/// an application that installs its own.
fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    let builder = reqwest::Client::builder().connect_timeout(connect_timeout);
    #[cfg(feature = "rustls")]
    let builder = builder.tls_backend_preconfigured(tls_config()?);
    builder.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

#[cfg(feature = "rustls")]
fn tls_config() -> Result<rustls::ClientConfig, Error> {
    let fail = |e: rustls::Error| Error::Config(format!("cannot set up TLS: {e}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(fail)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(fail)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

struct Limiter {
    requests: u32,
    per: Duration,
    sent: tokio::sync::Mutex<VecDeque<Instant>>,
}

impl Limiter {
    async fn acquire(&self) {
        loop {
            let mut sent = self.sent.lock().await;
            let now = Instant::now();
            while sent.front().is_some_and(|t| now.duration_since(*t) >= self.per) {
                sent.pop_front();
            }
            if sent.len() < self.requests as usize {
                sent.push_back(now);
                return;
            }
            let wait = sent.front().map(|t| self.per.saturating_sub(now.duration_since(*t))).unwrap_or_default();
            drop(sent);
            tokio::time::sleep(wait).await;
        }
    }
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    auth: Option<HeaderValue>,
    account: Option<HeaderValue>,
    user_agent: HeaderValue,
    timeout: Duration,
    retry: RetryPolicy,
    limiter: Option<Limiter>,
}

/// The shared engine behind every request; cloning it is cheap (an `Arc`), so builders and
/// streams own one and can be moved into spawned tasks.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core").field("base_url", &self.inner.base_url).finish_non_exhaustive()
    }
}

impl Core {
    /// Starts configuring a bare core (the generated `Client::builder()` is the usual entry).
    pub fn builder() -> ClientBuilder<Core> {
        ClientBuilder::new()
    }

    /// The API root requests are sent to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
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

    async fn attempt(&self, request: &Request, url: &url::Url) -> Result<Response, Error> {
        if let Some(limiter) = &self.inner.limiter {
            limiter.acquire().await;
        }
        let inner = &self.inner;
        let mut builder =
            inner.http.request(request.method.clone(), url.clone()).header(USER_AGENT, inner.user_agent.clone());
        if let Some(auth) = &inner.auth {
            builder = builder.header(AUTHORIZATION, auth.clone());
        }
        if let Some(account) = &inner.account {
            builder = builder.header("Harvest-Account-Id", account.clone());
        }
        if let Some(body) = &request.body {
            builder = builder.header(CONTENT_TYPE, "application/json").body(body.clone());
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

    /// Sends a request with auth headers, retrying retryable failures of idempotent
    /// requests (or of any request whose options allow it) with backoff.
    pub async fn execute(&self, request: Request) -> Result<Response, Error> {
        let url = self.url(&request)?;
        let may_retry = request.options.retry.unwrap_or(request.idempotent);
        let mut attempt = 0;
        loop {
            match self.attempt(&request, &url).await {
                Ok(response) => return Ok(response),
                Err(err) if may_retry && attempt < self.inner.retry.max_retries && err.is_retryable() => {
                    tokio::time::sleep(self.backoff(attempt, &err)).await;
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// A free-form call to any path (relative to the base URL) or absolute URL, with auth added.
    pub fn raw(&self, method: Method, path: impl Into<String>) -> super::RawRequest {
        super::RawRequest::new(self.clone(), method, path.into())
    }
}
