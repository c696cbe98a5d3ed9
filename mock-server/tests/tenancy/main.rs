//! Accounts as tenants, snapshots, the controllable clock, and seed data that
//! exercises every filter: one test binary, a module per concern.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod clock;
mod filters;
mod import_export;
mod isolation;
mod snapshots;

use common::*;
use harvest_mock::AppState;
use serde_json::Value;

/// A request to the API of `account`.
async fn call_in(s: &AppState, account: i64, method: &str, uri: &str, body: Option<&Value>) -> Resp {
    let mut r = req(method, uri, body);
    r.headers_mut().insert("harvest-account-id", account.to_string().parse().unwrap());
    send(s, r).await
}

/// The records of a list answer (its one array).
fn items(v: &Value) -> Vec<Value> {
    v.as_object().and_then(|m| m.values().find_map(Value::as_array)).cloned().unwrap_or_default()
}
