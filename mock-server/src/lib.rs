//! A stateful, spec-driven imitation of the Harvest v2 API.
//!
//! The server interprets the spec IR from `harvest-spec`: at start-up it
//! builds a route table and one plan per operation, seeds an in-memory store
//! deterministically, and then answers every operation with one generic
//! handler per operation kind. Adding a resource or a field to the YAML makes
//! it served without touching this crate.
//!
//! ```no_run
//! # async fn demo() -> Result<(), harvest_mock::Error> {
//! let server = harvest_mock::MockServer::start(harvest_mock::Config::default()).await?;
//! println!("serving on {}", server.base_url());
//! # Ok(()) }
//! ```

mod app;
mod config;
mod engine;
mod error;
pub mod examples;
pub mod fixtures;
mod harvest;
mod http;
#[cfg(test)]
mod layers;
mod parallel;
mod plan;
mod render;
mod seed;
mod store;
mod values;

pub use config::{Config, OAuthConsent};
pub use error::Error;
pub use http::{AppState, FilterError, MockServer, RecordedRequest, RequestFilter, StatusMatch, admin_openapi, router};
