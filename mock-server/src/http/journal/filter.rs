//! Selecting journal entries by method, path prefix, account, status (a code
//! or a class such as `5xx`) and arrival time, in Rust or from the query
//! string of `GET /__admin/requests`.

use chrono::{DateTime, Utc};

use super::RecordedRequest;

/// The statuses a filter selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    /// Exactly this status.
    Code(u16),
    /// Every status of this hundred (`4` selects 400 to 499).
    Class(u16),
}

impl StatusMatch {
    fn matches(self, status: u16) -> bool {
        match self {
            StatusMatch::Code(c) => status == c,
            StatusMatch::Class(c) => status / 100 == c,
        }
    }
}

/// Which journal entries to return; every condition set must hold, and an
/// empty filter selects everything.
///
/// ```
/// let filter = harvest_mock::RequestFilter::new().method("get").path_prefix("/v2/users").status_class(2);
/// # let _ = filter;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestFilter {
    method: Option<String>,
    path_prefix: Option<String>,
    account: Option<String>,
    status: Option<StatusMatch>,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

/// A query string `GET /__admin/requests` cannot filter by.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// A parameter the journal does not know.
    #[error("unknown parameter `{0}`: the journal filters by method, path_prefix, account, status, since and until")]
    Unknown(String),
    /// A `status` that is neither a code nor a class.
    #[error("`status` must be a status code such as 503 or a class such as 5xx, not `{0}`")]
    Status(String),
    /// A `since` or `until` that is not an RFC 3339 time.
    #[error("`{name}` must be an RFC 3339 time such as 2024-05-01T12:00:00Z, not `{value}`")]
    Time {
        /// The parameter.
        name: &'static str,
        /// What it was given.
        value: String,
    },
}

impl RequestFilter {
    /// A filter that selects every entry.
    pub fn new() -> RequestFilter {
        RequestFilter::default()
    }

    /// Only requests with this method (any case).
    pub fn method(mut self, method: impl Into<String>) -> RequestFilter {
        self.method = Some(method.into());
        self
    }

    /// Only requests whose path starts with this (`/v2/clients`).
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> RequestFilter {
        self.path_prefix = Some(prefix.into());
        self
    }

    /// Only requests that named this account (header or query).
    pub fn account(mut self, account: impl Into<String>) -> RequestFilter {
        self.account = Some(account.into());
        self
    }

    /// Whether the filter names an account.
    pub fn names_account(&self) -> bool {
        self.account.is_some()
    }

    /// Only requests answered with exactly this status.
    pub fn status(mut self, status: u16) -> RequestFilter {
        self.status = Some(StatusMatch::Code(status));
        self
    }

    /// Only requests answered with a status of this hundred (`5` for 500–599).
    pub fn status_class(mut self, class: u16) -> RequestFilter {
        self.status = Some(StatusMatch::Class(class));
        self
    }

    /// Only requests that arrived at or after this time.
    pub fn since(mut self, time: DateTime<Utc>) -> RequestFilter {
        self.since = Some(time);
        self
    }

    /// Only requests that arrived before this time.
    pub fn until(mut self, time: DateTime<Utc>) -> RequestFilter {
        self.until = Some(time);
        self
    }

    /// Whether the filter selects this entry.
    pub fn matches(&self, e: &RecordedRequest) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(&e.method))
            && self.path_prefix.as_deref().is_none_or(|p| e.path.starts_with(p))
            && self.account.as_deref().is_none_or(|a| e.account.as_deref() == Some(a))
            && self.status.is_none_or(|s| s.matches(e.status))
            && self.since.is_none_or(|t| e.time >= t)
            && self.until.is_none_or(|t| e.time < t)
    }

    /// The filter a query string asks for (`method=GET&status=5xx&since=…`); a
    /// parameter given twice counts once, its last value; an empty value is no
    /// condition; `account_id` is another name for `account`.
    pub fn from_query(query: &str) -> Result<RequestFilter, FilterError> {
        let mut f = RequestFilter::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            f = match name.as_ref() {
                "method" => f.method(value),
                "path_prefix" => f.path_prefix(value),
                "account" | "account_id" => f.account(value),
                "status" => f.with_status(parse_status(value)?),
                "since" => f.since(parse_time("since", value)?),
                "until" => f.until(parse_time("until", value)?),
                other => return Err(FilterError::Unknown(other.to_string())),
            };
        }
        Ok(f)
    }

    fn with_status(mut self, s: StatusMatch) -> RequestFilter {
        self.status = Some(s);
        self
    }
}

/// `503` or `5xx` (any case).
fn parse_status(value: &str) -> Result<StatusMatch, FilterError> {
    let bad = || FilterError::Status(value.to_string());
    let lower = value.to_ascii_lowercase();
    if let Some(class) = lower.strip_suffix("xx") {
        return match class.parse::<u16>() {
            Ok(c @ 1..=5) if class.len() == 1 => Ok(StatusMatch::Class(c)),
            _ => Err(bad()),
        };
    }
    match value.parse::<u16>() {
        Ok(c @ 100..=599) => Ok(StatusMatch::Code(c)),
        _ => Err(bad()),
    }
}

fn parse_time(name: &'static str, value: &str) -> Result<DateTime<Utc>, FilterError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.to_utc())
        .map_err(|_| FilterError::Time { name, value: value.to_string() })
}

#[cfg(test)]
mod tests {
    use super::super::tests::entry;
    use super::*;

    #[test]
    fn every_condition_must_hold() {
        let mut e = entry("GET", "/v2/users/5", 503);
        e.account = Some("1".into());
        assert!(RequestFilter::new().matches(&e));
        assert!(RequestFilter::new().method("get").path_prefix("/v2/users").account("1").status(503).matches(&e));
        assert!(RequestFilter::new().status_class(5).matches(&e));
        assert!(!RequestFilter::new().status_class(4).matches(&e));
        assert!(!RequestFilter::new().method("POST").matches(&e));
        assert!(!RequestFilter::new().path_prefix("/v2/clients").matches(&e));
        assert!(!RequestFilter::new().account("2").matches(&e));
        e.account = None;
        assert!(!RequestFilter::new().account("1").matches(&e));
        // `since` is inclusive, `until` exclusive.
        assert!(RequestFilter::new().since(e.time).matches(&e));
        assert!(!RequestFilter::new().until(e.time).matches(&e));
        assert!(RequestFilter::new().until(e.time + chrono::Duration::milliseconds(1)).matches(&e));
    }

    #[test]
    fn query_strings_parse_or_name_the_problem() {
        let f = RequestFilter::from_query(
            "method=POST&path_prefix=%2Fv2%2Fclients&account=7&status=4XX&since=2024-05-01T12:00:00%2B02:00&until=",
        );
        let since = DateTime::parse_from_rfc3339("2024-05-01T10:00:00Z").map(|t| t.to_utc()).ok();
        let want = RequestFilter::new().method("POST").path_prefix("/v2/clients").account("7").status_class(4);
        assert_eq!(f, Ok(RequestFilter { since, ..want }));
        assert_eq!(RequestFilter::from_query(""), Ok(RequestFilter::new()));
        assert_eq!(RequestFilter::from_query("status=201"), Ok(RequestFilter::new().status(201)));
        assert_eq!(RequestFilter::from_query("account_id=3"), Ok(RequestFilter::new().account("3")));
        assert_eq!(RequestFilter::from_query("path=/v2"), Err(FilterError::Unknown("path".into())));
        for bad in ["abc", "600", "6xx", "55xx", "x"] {
            assert_eq!(RequestFilter::from_query(&format!("status={bad}")), Err(FilterError::Status(bad.into())));
        }
        assert!(matches!(RequestFilter::from_query("since=yesterday"), Err(FilterError::Time { name: "since", .. })));
    }
}
