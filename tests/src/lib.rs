//! Shared set-up for the end-to-end suites in `tests/tests/`: a mock server on
//! a random loopback port with its default seeded account, and a generated
//! client pointed at it.

use harvest_client::Client;
use harvest_mock::{Config, MockServer};

/// Result type of the end-to-end tests.
pub type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A running mock server and a client authenticated against it.
pub struct Env {
    /// The server; it shuts down when dropped.
    pub server: MockServer,
    /// A client for its `/v2` API.
    pub client: Client,
}

/// Starts a mock server on the default seed and a client for it.
pub async fn start() -> Result<Env, Box<dyn std::error::Error + Send + Sync>> {
    start_with(Config::default()).await
}

/// Starts a mock server with `config` and a client for it.
pub async fn start_with(config: Config) -> Result<Env, Box<dyn std::error::Error + Send + Sync>> {
    let server = MockServer::start(config).await?;
    let client = Client::builder()
        .base_url(format!("{}/v2", server.base_url()))
        .token("e2e-token")
        .account_id(1)
        .user_agent("harvest-tests (dev@example.com)")
        .build()?;
    Ok(Env { server, client })
}
