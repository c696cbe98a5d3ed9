//! Configuring a client: [`ClientBuilder`] checks the settings and builds a [`Core`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::auth::Auth;
use crate::core::{Core, Inner, RetryPolicy};
use crate::identity::HARVEST_ID_URL;
use crate::limiter::Limiter;
use crate::token_source::{TokenSource, bearer};
use crate::{ApiConfig, Error, HarvestId, OAuth};

/// Configures a client; [`build`](Self::build) checks the settings.
///
/// `C` is the client type built (a generated `Client`, or [`Core`]).
pub struct ClientBuilder<C = Core> {
    api: ApiConfig,
    base_url: String,
    identity_url: String,
    token: Option<String>,
    oauth: Option<OAuth>,
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
            .field("identity_url", &self.identity_url)
            .field("oauth", &self.oauth)
            .field("account_id", &self.account_id)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl<C: From<Core>> ClientBuilder<C> {
    /// Defaults: the API's own base URL, 10 s connect and 60 s total timeout, 2 retries, no limiter.
    pub fn new(api: ApiConfig) -> Self {
        ClientBuilder {
            api,
            base_url: api.base_url.to_owned(),
            identity_url: HARVEST_ID_URL.to_owned(),
            token: None,
            oauth: None,
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

    /// The Harvest ID origin, `https://id.getharvest.com` by default (the mock server's
    /// origin in tests): where `accounts()` and OAuth refreshes go.
    pub fn identity_url(mut self, url: impl Into<String>) -> Self {
        self.identity_url = url.into();
        self
    }

    /// The personal access token (sent as `Bearer ...` in the API's token header).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Authenticates with OAuth2 tokens from Harvest ID instead of a personal token,
    /// refreshing them as [`OAuth`] describes.
    pub fn oauth(mut self, oauth: OAuth) -> Self {
        self.oauth = Some(oauth);
        self
    }

    /// The account id (sent in the API's account header).
    pub fn account_id(mut self, account_id: impl fmt::Display) -> Self {
        self.account_id = Some(account_id.to_string());
        self
    }

    /// The `User-Agent`: an app name and a contact address (`MyApp (me@example.com)`).
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

    /// Takes settings from the environment: `{PREFIX}_ACCESS_TOKEN`, `{PREFIX}_ACCOUNT_ID`,
    /// `{PREFIX}_USER_AGENT` and `{PREFIX}_BASE_URL`, each only when set and not blank
    /// (`PREFIX` is the API's [`env_prefix`](ApiConfig::env_prefix), `HARVEST` for Harvest).
    pub fn from_env(self) -> Self {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) reading variables through `lookup` instead of the process
    /// environment (for tests, or settings kept elsewhere).
    pub fn from_lookup(mut self, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let prefix = self.api.env_prefix;
        let var = |name: &str| lookup(&format!("{prefix}_{name}")).filter(|v| !v.trim().is_empty());
        self.token = var("ACCESS_TOKEN").or(self.token);
        self.account_id = var("ACCOUNT_ID").or(self.account_id);
        self.user_agent = var("USER_AGENT").or(self.user_agent);
        self.base_url = var("BASE_URL").unwrap_or(self.base_url);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error> {
        let user_agent = self.user_agent.filter(|ua| !ua.trim().is_empty());
        if self.api.user_agent_required && user_agent.is_none() {
            return Err(Error::Config("a user agent is required by this API: call `.user_agent(..)`".into()));
        }
        let base_url = checked_url(&self.base_url)?;
        let identity_url = checked_url(&self.identity_url)?;
        let value = |what: &str, value: String| {
            HeaderValue::from_str(&value).map_err(|_| Error::Config(format!("{what} is not a valid header value")))
        };
        let name = |name: &str| {
            HeaderName::try_from(name).map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))
        };
        let token_header = name(self.api.token_header)?;
        let account = match self.account_id {
            Some(account) => Some((name(self.api.account_header)?, value("the account id", account)?)),
            None => None,
        };
        let mut headers = Vec::new();
        if let Some(user_agent) = user_agent {
            headers.push((reqwest::header::USER_AGENT, value("the user agent", user_agent)?));
        }
        let http = match self.http {
            Some(http) => http,
            None => http_client(self.connect_timeout)?,
        };
        let limiter = match self.rate_limit {
            Some((0, _)) => return Err(Error::Config("a rate limit must allow at least one request".into())),
            Some((requests, per)) => Some(Limiter::new(requests, per)),
            None => None,
        };
        let (timeout, retry) = (self.timeout, self.retry);
        let core = |base_url: String, auth: Auth, account, limiter| Core {
            inner: Arc::new(Inner {
                http: http.clone(),
                base_url,
                identity_url: identity_url.clone(),
                token_header: token_header.clone(),
                auth,
                account,
                headers: headers.clone(),
                timeout,
                retry,
                limiter,
            }),
        };
        let auth = match (self.token, self.oauth) {
            (Some(_), Some(_)) => {
                return Err(Error::Config("set either a personal token or OAuth, not both".into()));
            }
            (Some(token), None) => Auth::Personal(bearer(&token)?),
            (None, Some(oauth)) => {
                // Refreshes go to Harvest ID with the same connection pool, timeouts and
                // retries, but without a token, an account header or the API's rate limit.
                let harvest_id = HarvestId::from(core(identity_url.clone(), Auth::None, None, None));
                Auth::OAuthTokens(Arc::new(TokenSource::new(oauth, harvest_id)?))
            }
            (None, None) => Auth::None,
        };
        Ok(C::from(core(base_url, auth, account, limiter)))
    }
}

/// `url` without trailing slashes, once it parses as a URL.
fn checked_url(url: &str) -> Result<String, Error> {
    let trimmed = url.trim_end_matches('/').to_owned();
    url::Url::parse(&trimmed).map_err(|e| Error::Url { url: trimmed.clone(), message: e.to_string() })?;
    Ok(trimmed)
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
