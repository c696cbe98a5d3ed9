//! Why a request is refused, as a value; the edge renders it with the spec's
//! byte-exact bodies.

/// A request the API would refuse.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// 400 without `User-Agent`.
    MissingUserAgent,
    /// 400 with a message (malformed body).
    BadRequest(String),
    /// 401 with the spec's body and `WWW-Authenticate`.
    Unauthorized,
    /// 403 with the spec's body: the acting user's roles do not allow it.
    Forbidden,
    /// 404 for a missing record or an unknown route.
    NotFound,
    /// 413 for an oversized body.
    TooLarge,
    /// 422 `{"message": ...}`.
    Unprocessable(String),
    /// 429 with `Retry-After` seconds.
    RateLimited(u64),
}

impl ApiError {
    /// A 422 naming every problem, Harvest style (`A can't be blank, B is invalid`).
    pub fn problems(list: &[String]) -> ApiError {
        ApiError::Unprocessable(list.join(", "))
    }
}

/// Result of an executor.
pub type ApiResult<T> = Result<T, ApiError>;
