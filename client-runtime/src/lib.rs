//! The hand-written runtime of clients generated from a spec by `harvest-codegen`: HTTP,
//! auth (personal tokens, and OAuth2 through Harvest ID with single-flight refreshes),
//! timeouts, retries, the rate limiter, query encoding, file uploads, decoding, pagination,
//! watch, search, [`Patch`], errors and raw calls.
//!
//! Generated code is data plus trait impls over this crate: one parameter struct per
//! operation implementing [`Operation`] (and [`ListOperation`]), open enums through
//! [`open_enum!`], and an [`ApiConfig`] taken from the spec. A client generated with the
//! `generate_client!` macro from another spec compiles only this crate and its own code.

#[cfg(test)]
extern crate self as harvest_client_runtime;

mod api;
mod auth;
mod authorize;
mod builder;
mod core;
mod decode;
mod envelope;
mod error;
mod identity;
mod json_path;
mod limiter;
mod multipart;
pub mod number;
mod oauth;
mod open_enum;
mod operation;
mod paginate;
mod patch;
mod query;
mod raw;
mod request;
mod search;
mod token_source;
mod trace;
mod upload;
mod watch;

pub use api::ApiConfig;
pub use authorize::{AuthorizeUrl, ResponseType};
pub use builder::ClientBuilder;
pub use core::{Core, Response};
pub use decode::{Links, Page, decode, decode_key, decode_page};
pub use error::{ApiErrorBody, Error};
pub use identity::{Account, Accounts, AccountsUser, HARVEST_ID, HARVEST_ID_URL, HarvestId, OAuthApp, Tokens};
pub use oauth::OAuth;
pub use operation::{ListOperation, Operation, list_pages, send, send_with_response};
pub use paginate::{ItemStream, PageStream, items, pages};
pub use patch::Patch;
pub use query::QueryValue;
pub use raw::RawRequest;
pub use request::{Request, RequestOptions};
pub use search::{Direction, Filter, SearchField, SearchMeta, SearchPage, SearchRequest};
pub use upload::{Upload, content_type_for};
pub use watch::{Change, ChangeKind, Checkpoint, Record, Watch, WatchMode, WatchStream};

pub use reqwest::Method;
pub use reqwest::StatusCode;
pub use reqwest::header::HeaderMap;
pub use {chrono, rust_decimal, serde, serde_json};

/// Money, hours, rates: an exact decimal (sent and read as a JSON number).
pub type Decimal = rust_decimal::Decimal;
/// A calendar date (`YYYY-MM-DD`).
pub type Date = chrono::NaiveDate;
/// A UTC timestamp.
pub type DateTime = chrono::DateTime<chrono::Utc>;
/// Any JSON value.
pub type Json = serde_json::Value;
/// The result of a call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
