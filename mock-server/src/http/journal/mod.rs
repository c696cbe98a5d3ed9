//! The request journal: what the API pipeline answered, kept for
//! `GET /__admin/requests` and [`crate::MockServer::requests`]. `capture`
//! turns a request into an entry (credentials redacted, body capped);
//! `filter` selects entries.

mod capture;
mod filter;

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

pub use capture::{account, receive};
pub use filter::{FilterError, RequestFilter, StatusMatch};

/// How many requests the journal keeps; the oldest go first.
pub const CAPACITY: usize = 1000;

/// One request the API pipeline answered, as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// When it arrived (RFC 3339 in UTC, to the microsecond, in JSON).
    #[serde(serialize_with = "rfc3339")]
    pub time: DateTime<Utc>,
    /// The account it named: the account header's value, else the account
    /// query parameter's; `None` when it named neither.
    pub account: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string (empty when none), credential values redacted.
    pub query: String,
    /// Status of the answer.
    pub status: u16,
    /// Milliseconds from arrival until the answer was ready to send.
    pub duration_ms: f64,
    /// Headers by lower-case name, repeated ones joined with `, `; credentials
    /// (`Authorization`, `Cookie`, any name with `token`, `secret` or
    /// `password` in it) read `[redacted]`, and values are cut at 8 KiB.
    pub headers: BTreeMap<String, String>,
    /// The body as text, at most 8 KiB of it; a bracketed note
    /// instead when it is not UTF-8 or was not read; `None` when empty.
    pub body: Option<String>,
    /// The body's length in bytes; `None` when it was not read (over the
    /// server's body limit, or cut off by the client).
    pub body_bytes: Option<usize>,
    /// Whether `body` holds less than the whole body.
    pub body_truncated: bool,
}

fn rfc3339<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// The most recent requests, oldest first.
#[derive(Debug, Default)]
pub struct Journal {
    entries: VecDeque<RecordedRequest>,
}

impl Journal {
    /// Records a request, forgetting the oldest when full.
    pub fn push(&mut self, e: RecordedRequest) {
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(e);
    }

    /// The recorded requests the filter selects, oldest first.
    pub fn matching(&self, filter: &RequestFilter) -> Vec<RecordedRequest> {
        self.entries.iter().filter(|e| filter.matches(e)).cloned().collect()
    }

    /// How many recorded requests the filter selects.
    pub fn count(&self, filter: &RequestFilter) -> usize {
        self.entries.iter().filter(|e| filter.matches(e)).count()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Forgets the requests that named `account`.
    pub fn clear_account(&mut self, account: i64) {
        let account = account.to_string();
        self.entries.retain(|e| e.account.as_deref() != Some(account.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn entry(method: &str, path: &str, status: u16) -> RecordedRequest {
        RecordedRequest {
            time: Utc::now(),
            account: None,
            method: method.into(),
            path: path.into(),
            query: String::new(),
            status,
            duration_ms: 0.0,
            headers: BTreeMap::new(),
            body: None,
            body_bytes: Some(0),
            body_truncated: false,
        }
    }

    #[test]
    fn keeps_the_newest_capacity_entries_in_order() {
        let mut j = Journal::default();
        for i in 0..CAPACITY + 5 {
            j.push(entry("GET", &format!("/v2/{i}"), 200));
        }
        let all = j.matching(&RequestFilter::new());
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].path, "/v2/5");
        assert_eq!(all[CAPACITY - 1].path, format!("/v2/{}", CAPACITY + 4));
        assert_eq!(j.count(&RequestFilter::new().status(200)), CAPACITY);
        j.clear();
        assert_eq!(j.count(&RequestFilter::new()), 0);
    }

    #[test]
    fn time_is_rfc3339_in_utc() {
        let mut e = entry("GET", "/v2/users", 200);
        e.time = DateTime::parse_from_rfc3339("2024-05-01T14:00:00.5+02:00").map(|t| t.to_utc()).unwrap_or_default();
        let v = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(v["time"], "2024-05-01T12:00:00.500000Z");
    }
}
