//! A typed async client for the Harvest v2 API, generated from the spec in `spec/harvest`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), harvest_client::Error> {
//! use futures_util::TryStreamExt;
//! let client = harvest_client::Client::builder()
//!     .token("secret")
//!     .account_id("12345")
//!     .user_agent("MyApp (me@example.com)")
//!     .build()?;
//! let mut entries = client.time_entries().list().is_running(false).stream();
//! while let Some(entry) = entries.try_next().await? {
//!     println!("{} {}", entry.id, entry.hours);
//! }
//! # Ok(()) }
//! ```
//!
//! The generated code lives in `src/generated/` (written by `cargo xtask codegen`,
//! never edited by hand); the hand-written runtime it calls is the
//! `harvest-client-runtime` crate, re-exported as [`runtime`].

pub use harvest_client_runtime as runtime;

#[rustfmt::skip]
mod generated;

pub use generated::models;
pub use generated::operations;
pub use generated::operations::*;
pub use runtime::{
    AuthorizeUrl, Change, ChangeKind, Checkpoint, Error, HarvestId, OAuth, OAuthApp, Page, Patch, Response,
    ResponseType, Tokens, Upload, WatchMode,
};
