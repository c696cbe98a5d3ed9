//! What accounts (tenants) cost: the first request to a new account against a request to a
//! live one, the memory each new account adds, and the time to snapshot and restore one.

use std::time::{Duration, Instant};

use harvest_client::Client;
use harvest_client::runtime::Method;
use serde_json::{Value, json};

use crate::stats::{median, ms};

/// The first id of the accounts this measurement creates (`wrk` rotates over the same ids).
pub const FIRST_ACCOUNT: u64 = 3_000_000;

/// The process's resident memory in KiB (`VmRSS` of `/proc/PID/status`).
fn rss_kib(pid: u32) -> Result<u64, String> {
    let text =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    text.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no VmRSS in /proc/{pid}/status"))
}

/// One timed request to `path` on the mock as `account` (named by the `account_id` query
/// parameter: one client, one connection pool, for every account).
async fn timed(
    client: &Client,
    mock: &str,
    method: Method,
    path: &str,
    account: u64,
) -> Result<(Duration, Value), String> {
    let start = Instant::now();
    let response = client
        .raw(method, format!("{mock}{path}"))
        .query(&[("account_id", account)])
        .retry(false)
        .send()
        .await
        .map_err(|e| format!("{path} as account {account}: {e}"))?;
    let elapsed = start.elapsed();
    Ok((elapsed, serde_json::from_slice(&response.body).unwrap_or(Value::Null)))
}

/// Creates `accounts` accounts (ids from [`FIRST_ACCOUNT`]) by a first request each, timing it
/// against requests to live accounts, reads the memory they added to process `pid`, and times
/// `samples` snapshots and restores.
pub async fn run(mock: &str, pid: u32, accounts: u64, samples: usize) -> Result<Option<Value>, String> {
    let mock = mock.trim_end_matches('/');
    let http = Client::builder()
        .base_url(format!("{mock}/v2"))
        .token("bench-token")
        .user_agent("harvest-bench (bench@example.invalid)")
        .max_retries(0)
        .build()
        .map_err(|e| format!("cannot build the client for {mock}: {e}"))?;
    let probe = "/v2/users/me";
    let get = Method::GET;
    for _ in 0..20 {
        timed(&http, mock, get.clone(), probe, 1).await?;
    }
    let mut live = Vec::new();
    for _ in 0..samples {
        live.push(timed(&http, mock, get.clone(), probe, 1).await?.0);
    }
    let before = rss_kib(pid)?;
    let mut first = Vec::new();
    for i in 0..accounts {
        first.push(timed(&http, mock, get.clone(), probe, FIRST_ACCOUNT + i).await?.0);
    }
    let after = rss_kib(pid)?;
    let mut again = Vec::new();
    for i in 0..accounts {
        again.push(timed(&http, mock, get.clone(), probe, FIRST_ACCOUNT + i).await?.0);
    }
    let post = Method::POST;
    let (mut snapshot, mut restore) = (Vec::new(), Vec::new());
    for _ in 0..samples {
        let (took, body) = timed(&http, mock, post.clone(), "/__admin/snapshots", FIRST_ACCOUNT).await?;
        snapshot.push(took);
        let id = body["id"].as_str().ok_or("the snapshot answer has no id")?.to_string();
        let path = format!("/__admin/snapshots/{id}/restore");
        restore.push(timed(&http, mock, post.clone(), &path, FIRST_ACCOUNT).await?.0);
        timed(&http, mock, Method::DELETE, &format!("/__admin/snapshots/{id}"), FIRST_ACCOUNT).await.ok();
    }
    let mut health = Vec::new();
    for _ in 0..samples {
        health.push(timed(&http, mock, get.clone(), "/__admin/health", FIRST_ACCOUNT).await?.0);
    }
    Ok(Some(json!({
        "accounts": accounts,
        "samples": samples,
        "probe": probe,
        "live_ms": ms(median(&live)),
        "first_ms": ms(median(&first)),
        "again_ms": ms(median(&again)),
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_account": after.saturating_sub(before) as f64 / accounts.max(1) as f64,
        "snapshot_ms": ms(median(&snapshot)),
        "restore_ms": ms(median(&restore)),
        "health_ms": ms(median(&health)),
    })))
}
