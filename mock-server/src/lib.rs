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

mod admin;
mod auth;
mod behaviors;
mod body;
mod config;
mod error;
mod errors;
mod faults;
mod handlers;
mod journal;
mod pagination;
mod persist;
mod plan;
mod rate_limit;
mod render;
mod rendered;
mod search;
mod seed;
mod server;
mod state;
mod store;
mod validate;
mod values;

pub use config::Config;
pub use error::Error;
pub use server::{MockServer, router};
pub use state::AppState;
