//! API-wide settings: base URL, prefixes, auth, rate limits, pagination, error bodies.

use super::*;

/// API-wide settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Human title of the API.
    pub title: String,
    /// The real service's base URL, including the version segment.
    pub base_url: String,
    /// Path prefixes the API is served under (`/v2`, `/api/v2`).
    pub path_prefixes: Vec<String>,
    /// How requests authenticate.
    pub auth: Auth,
    /// Rate-limit classes; the first whose prefix matches a path applies.
    pub rate_limits: Vec<RateLimit>,
    /// `per_page` default and maximum for lists that do not override them.
    pub pagination: PerPage,
    /// Byte-exact error bodies, keyed by their role.
    pub errors: ErrorBodies,
    /// The resource whose record is the authenticated user (`current_user: user`), if declared.
    pub current_user: Option<ResourceId>,
    /// Index of the current-user resource's field that lists a user's roles (`roles: access_roles`).
    pub roles: Option<usize>,
    /// The prefix the real service writes into absolute URLs it hands out (`Location`), if declared.
    pub location_prefix: Option<String>,
}

/// Authentication headers and query parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// Header carrying `Bearer <token>`.
    pub token_header: String,
    /// Header carrying the account id.
    pub account_header: String,
    /// Query parameter that may carry the token instead.
    pub token_query: String,
    /// Query parameter that may carry the account id instead.
    pub account_query: String,
    /// Whether a request without `User-Agent` is refused with 400.
    pub user_agent_required: bool,
}

/// One rate-limit class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// Name of the class (`general`, `reports`).
    pub name: String,
    /// Path prefix (relative to the API root) the class applies to; empty = all.
    pub path_prefix: String,
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length in seconds.
    pub per_seconds: u32,
}

/// `per_page` bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerPage {
    /// Used when the request has no `per_page`.
    pub default: u32,
    /// Largest accepted value; larger is a 422.
    pub max: u32,
}

/// Error bodies as the real API sends them (JSON text, byte-exact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBodies {
    /// 401 body for a missing or rejected token or account id.
    pub unauthorized: String,
    /// `WWW-Authenticate` header value sent with a 401.
    pub www_authenticate: String,
    /// 403 body.
    pub forbidden: String,
    /// 404 body for a missing record.
    pub not_found: String,
    /// 400 body for a request without `User-Agent`.
    pub missing_user_agent: String,
    /// `Retry-After` seconds used when a rate limit has no better estimate.
    pub retry_after_seconds: u32,
}
