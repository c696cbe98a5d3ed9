//! Authentication as Harvest does it: bearer token and account id, in headers
//! or in the query string; `User-Agent` required.

use axum::http::HeaderMap;
use harvest_spec::ir::Auth;

use crate::engine::ApiError;

/// Checks a request's credentials are present and well formed; returns its token and the
/// account id it names (which tokens are accepted is decided by [`super::identity::acting_user`]).
pub fn check(auth: &Auth, headers: &HeaderMap, query: &[(String, String)]) -> Result<(String, i64), ApiError> {
    if auth.user_agent_required && headers.get("user-agent").is_none_or(|v| v.as_bytes().is_empty()) {
        return Err(ApiError::MissingUserAgent);
    }
    let q = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string());
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_string());
    let token = header(&auth.token_header)
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim().to_string())
        })
        .or_else(|| q(&auth.token_query))
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized)?;
    let account = header(&auth.account_header).or_else(|| q(&auth.account_query)).unwrap_or_default();
    let account = account.parse::<i64>().map_err(|_| ApiError::Unauthorized)?;
    Ok((token, account))
}
