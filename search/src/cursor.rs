//! Opaque keyset cursors: the sort key of the last record returned.
//!
//! A cursor names a position in the sort order, not an offset, so records
//! created or deleted between pages never make a page skip or repeat a record
//! that was present throughout.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::QueryError;

/// The position after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// Sort key values of the last record returned, then its tie-breaker.
    pub after: Vec<Value>,
    /// Fingerprint of the filter and sort the cursor belongs to.
    pub query: u64,
}

impl Cursor {
    /// Encodes the cursor as an opaque URL-safe string.
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(json!({"after": self.after, "q": self.query.to_string()}).to_string())
    }

    /// Decodes a cursor and checks that it belongs to the same query.
    pub fn decode(text: &str, query: u64) -> Result<Cursor, QueryError> {
        let bad = |why: &str| QueryError {
            path: "cursor".into(),
            message: format!("{why}; pass meta.cursor from the previous page unchanged"),
        };
        let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).map_err(|_| bad("not a cursor"))?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|_| bad("not a cursor"))?;
        let after = value.get("after").and_then(Value::as_array).cloned().ok_or_else(|| bad("not a cursor"))?;
        let q = value
            .get("q")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| bad("not a cursor"))?;
        if q != query {
            return Err(bad("the cursor belongs to a different filter or sort"));
        }
        Ok(Cursor { after, query: q })
    }
}

/// A stable fingerprint (FNV-1a) of a request's filter and sort, for cursor checks.
pub fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
