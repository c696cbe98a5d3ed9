//! Harvest ID (`https://id.getharvest.com`): the OAuth2 token endpoint and the accounts a
//! token reaches. Point [`HarvestId`] (or a client's
//! [`identity_url`](crate::ClientBuilder::identity_url)) at another origin, such as the
//! mock server's, to run the whole flow offline.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde::Deserialize;

use crate::{ApiConfig, AuthorizeUrl, ClientBuilder, Core, Error, Method, Request, decode};

/// A token request in flight.
pub(crate) type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Tokens, Error>> + Send + 'a>>;

/// Harvest ID's public origin, the default of every Harvest ID setting.
pub const HARVEST_ID_URL: &str = "https://id.getharvest.com";

/// The token endpoint, below the Harvest ID origin.
pub(crate) const TOKEN_PATH: &str = "/api/v2/oauth2/token";
/// The account list, below the Harvest ID origin.
pub(crate) const ACCOUNTS_PATH: &str = "/api/v2/accounts";
/// The consent page, below the Harvest ID origin.
pub(crate) const AUTHORIZE_PATH: &str = "/oauth2/authorize";

/// Harvest ID as a service [`HarvestId::builder`] configures: its origin is the base URL,
/// and settings from the environment are read as `HARVEST_ID_*`.
pub const HARVEST_ID: ApiConfig = ApiConfig {
    base_url: HARVEST_ID_URL,
    token_header: "Authorization",
    account_header: "Harvest-Account-Id",
    user_agent_required: true,
    env_prefix: "HARVEST_ID",
};

/// An OAuth2 application registered with Harvest ID: its client id and secret.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthApp {
    /// The client id.
    pub client_id: String,
    /// The client secret (never printed by `Debug`).
    pub client_secret: String,
}

impl OAuthApp {
    /// The application with this id and secret.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        OAuthApp { client_id: client_id.into(), client_secret: client_secret.into() }
    }
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

/// What the token endpoint hands out.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct Tokens {
    /// The bearer token for API calls.
    pub access_token: String,
    /// The token that gets the next access token; store it.
    pub refresh_token: String,
    /// `bearer`.
    #[serde(default)]
    pub token_type: String,
    /// Seconds the access token works for, counted from when it was issued.
    pub expires_in: u64,
}

impl Tokens {
    /// How long the access token works for.
    pub fn lifetime(&self) -> Duration {
        Duration::from_secs(self.expires_in)
    }
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

/// The user a token acts as and the accounts it reaches (`GET /api/v2/accounts`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Accounts {
    /// The user.
    pub user: AccountsUser,
    /// The accounts, Harvest's first.
    pub accounts: Vec<Account>,
}

/// The user of [`Accounts`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AccountsUser {
    /// The user's id.
    pub id: i64,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address.
    pub email: String,
}

/// One account a token reaches.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Account {
    /// The id to send as the account header (`Harvest-Account-Id`).
    pub id: i64,
    /// The company's name.
    pub name: String,
    /// `harvest` or `forecast`.
    pub product: String,
}

/// Harvest ID's token endpoint: exchanging a code, refreshing a token. Build one with
/// [`HarvestId::builder`] (its base URL is the Harvest ID origin).
#[derive(Debug, Clone)]
pub struct HarvestId {
    core: Core,
}

impl From<Core> for HarvestId {
    fn from(core: Core) -> Self {
        HarvestId { core }
    }
}

impl HarvestId {
    /// Starts configuring access to Harvest ID at [`HARVEST_ID_URL`]; a user agent is required.
    pub fn builder() -> ClientBuilder<HarvestId> {
        ClientBuilder::new(HARVEST_ID)
    }

    /// The Harvest ID origin requests go to.
    pub fn base_url(&self) -> &str {
        self.core.base_url()
    }

    /// The consent page address for `client_id` on this Harvest ID (code flow until told otherwise).
    pub fn authorize_url(&self, client_id: impl Into<String>) -> AuthorizeUrl {
        AuthorizeUrl::new(client_id).identity_url(self.base_url())
    }

    /// Exchanges the `code` of a consent redirect for tokens. `redirect_uri` must repeat the
    /// one of the authorize URL, if it had one. Codes are single-use, so this is never retried.
    pub async fn exchange_code(&self, app: &OAuthApp, code: &str, redirect_uri: Option<&str>) -> Result<Tokens, Error> {
        let mut fields = vec![("grant_type", "authorization_code"), ("code", code)];
        if let Some(uri) = redirect_uri {
            fields.push(("redirect_uri", uri));
        }
        self.token(app, &fields, false).await
    }

    /// Trades a refresh token for a new access token (and a new refresh token). A refresh
    /// token stays valid after use, so this is retried like an idempotent request.
    pub async fn refresh(&self, app: &OAuthApp, refresh_token: &str) -> Result<Tokens, Error> {
        self.boxed_refresh(app, refresh_token).await
    }

    /// [`refresh`](Self::refresh) as a boxed future of a named type. A client's requests
    /// refresh their token through this, and a refresh is itself a request: the box keeps
    /// the request future from containing itself.
    pub(crate) fn boxed_refresh<'a>(&'a self, app: &'a OAuthApp, refresh_token: &'a str) -> TokenFuture<'a> {
        Box::pin(async move {
            self.token(app, &[("grant_type", "refresh_token"), ("refresh_token", refresh_token)], true).await
        })
    }

    async fn token(&self, app: &OAuthApp, grant: &[(&str, &str)], retry: bool) -> Result<Tokens, Error> {
        let mut request = Request::new(Method::POST, TOKEN_PATH.to_owned(), retry);
        let credentials = [("client_id", app.client_id.as_str()), ("client_secret", app.client_secret.as_str())];
        let fields = grant.iter().chain(&credentials).map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        request.form(fields);
        let response = self.core.execute(request).await?;
        decode(&response)
    }
}
