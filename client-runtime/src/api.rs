//! What a generated client tells the runtime about its API, taken from the spec.

/// API-wide settings a generated client passes to [`ClientBuilder::new`](crate::ClientBuilder::new).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiConfig {
    /// The real service's base URL, including the version segment.
    pub base_url: &'static str,
    /// The header carrying `Bearer <token>`.
    pub token_header: &'static str,
    /// The header carrying the account id.
    pub account_header: &'static str,
    /// Whether the service refuses requests without a `User-Agent`.
    pub user_agent_required: bool,
    /// The prefix of the environment variables [`ClientBuilder::from_env`](crate::ClientBuilder::from_env)
    /// reads (`HARVEST` → `HARVEST_ACCESS_TOKEN`, ...).
    pub env_prefix: &'static str,
}
