//! The offline search action of the seed connector: `POST /v2/{entity}/search`.
//!
//! [`parse_request`] checks a request body against an entity's searchable
//! fields ([`Schema`]) and reports the first problem with its path in the
//! body; [`search`] runs it over a [`Source`] of records, using the source's
//! indexes for equality filters so a selective filter does not scan every
//! record, and pages with keyset cursors that stay correct while records change.

pub mod cursor;
pub mod eval;
mod lists;
pub mod query;
pub mod run;
pub mod schema;
pub mod text;

pub use query::{Condition, Direction, Request, parse_request};
pub use run::{Page, Rec, Source, search};
pub use schema::{FieldType, Schema};

/// A request the search refuses (HTTP 400), with where in the body the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct QueryError {
    /// Where in the request body (`query.filter.and[1].eq.client.id`).
    pub path: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

impl QueryError {
    /// The Harvest-style error body, `{"message": "..."}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "message": self.to_string() })
    }
}
