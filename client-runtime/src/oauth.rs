//! How a client authenticates with OAuth2: the application, the refresh token, an access
//! token to start with, when to refresh, and who hears about new tokens.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::{OAuthApp, Tokens};

/// Called with every pair of tokens a refresh brings, so the application can store the
/// new refresh token.
pub(crate) type OnRefresh = Arc<dyn Fn(&Tokens) + Send + Sync>;

/// OAuth2 settings for [`ClientBuilder::oauth`](crate::ClientBuilder::oauth).
///
/// The client gets access tokens from Harvest ID with the refresh token: before the
/// current one expires (within [`refresh_margin`](Self::refresh_margin)), and once when
/// Harvest refuses it with a 401 `invalid_token`. However many requests need a new token
/// at the same moment, one refresh is made and they all wait for it.
#[derive(Clone)]
pub struct OAuth {
    pub(crate) app: OAuthApp,
    pub(crate) refresh_token: String,
    pub(crate) access_token: Option<(String, Option<Duration>)>,
    pub(crate) margin: Duration,
    pub(crate) on_refresh: Option<OnRefresh>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("app", &self.app)
            .field("has_access_token", &self.access_token.is_some())
            .field("margin", &self.margin)
            .field("has_on_refresh", &self.on_refresh.is_some())
            .finish_non_exhaustive()
    }
}

impl OAuth {
    /// Authenticates as `app` with `refresh_token`; the first request fetches an access token.
    pub fn new(app: OAuthApp, refresh_token: impl Into<String>) -> Self {
        OAuth {
            app,
            refresh_token: refresh_token.into(),
            access_token: None,
            margin: Duration::from_secs(300),
            on_refresh: None,
        }
    }

    /// Starts from tokens just obtained (from [`HarvestId::exchange_code`](crate::HarvestId::exchange_code)),
    /// their access token counted as issued now.
    pub fn from_tokens(app: OAuthApp, tokens: &Tokens) -> Self {
        OAuth::new(app, tokens.refresh_token.clone()).access_token(tokens.access_token.clone(), Some(tokens.lifetime()))
    }

    /// An access token to use first, and how long it still works from now (`None` when
    /// unknown: it is used until Harvest refuses it).
    pub fn access_token(mut self, token: impl Into<String>, expires_in: Option<Duration>) -> Self {
        self.access_token = Some((token.into(), expires_in));
        self
    }

    /// How long before an access token expires it is replaced (5 minutes by default). At
    /// most half a token's lifetime is taken, so short-lived tokens are still used.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Calls `callback` after every refresh with the new tokens (store the refresh token
    /// there). It runs while other requests wait for the token, so keep it short.
    pub fn on_refresh(mut self, callback: impl Fn(&Tokens) + Send + Sync + 'static) -> Self {
        self.on_refresh = Some(Arc::new(callback));
        self
    }
}
