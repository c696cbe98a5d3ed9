//! Run-time settings of a mock server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How Harvest ID's `GET /oauth2/authorize` obtains the user's consent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OAuthConsent {
    /// Consent is given at once, as the account's first administrator or as `user_id=N`.
    #[default]
    Auto,
    /// An HTML page lists the account's users; a person picks one and clicks "Authorize App".
    Page,
}

/// How a mock server is started.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Seed of the generated data: the same seed gives byte-identical responses.
    pub seed: u64,
    /// Multiplier of every resource's seed count (1.0 = a small agency).
    pub scale: f64,
    /// Spec file or directory; the embedded Harvest spec when `None`.
    pub spec: Option<PathBuf>,
    /// Accepted tokens; any non-empty token when empty.
    pub tokens: Vec<String>,
    /// Whether Harvest's rate limits are enforced.
    pub rate_limit: bool,
    /// Delay added to every API response.
    pub latency: Duration,
    /// File the state is loaded from and saved to after every write.
    pub state: Option<PathBuf>,
    /// Fixtures (`harvest-mock export` files) the default account is loaded from at start-up,
    /// replacing its seeded (or saved) data.
    pub fixtures: Option<PathBuf>,
    /// Largest accepted request body in bytes; larger is a 413.
    pub body_limit: usize,
    /// `(client_id, client_secret)` pairs the hosted connector API's token endpoint accepts;
    /// any non-empty pair when empty.
    pub connector_clients: Vec<(String, String)>,
    /// `(client_id, client_secret)` pairs Harvest ID's OAuth endpoints accept; any when empty.
    pub oauth_clients: Vec<(String, String)>,
    /// How long an OAuth access token works (Harvest's 14 days by default).
    pub token_ttl: Duration,
    /// How `GET /oauth2/authorize` obtains consent: at once, or from a person on an HTML page.
    pub oauth_consent: OAuthConsent,
    /// The id of the account OAuth tokens are issued for, listed by `GET /api/v2/accounts`
    /// and read by the hosted connector API.
    pub account_id: i64,
    /// Freezes the mock's clock at this instant (`--now`); the system clock when `None`.
    /// Seeded dates are laid out back from it.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Accounts (`Harvest-Account-Id` values) kept live before the least recently used one
    /// other than `account_id` is evicted.
    pub max_accounts: usize,
    /// Token the admin API (`/__admin`) requires, as `Authorization: Bearer …`
    /// or `X-Admin-Token`; the admin API is open when `None`.
    pub admin_token: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 42,
            scale: 1.0,
            spec: None,
            tokens: Vec::new(),
            rate_limit: false,
            latency: Duration::ZERO,
            state: None,
            fixtures: None,
            body_limit: 1024 * 1024,
            connector_clients: Vec::new(),
            oauth_clients: Vec::new(),
            token_ttl: Duration::from_secs(1_209_600),
            oauth_consent: OAuthConsent::Auto,
            account_id: 1,
            admin_token: None,
            now: None,
            max_accounts: 10_000,
        }
    }
}
