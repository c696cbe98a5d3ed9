//! The cost of a deep page against the first: median time of each, alternating requests.

use std::time::{Duration, Instant};

use harvest_client::Client;
use harvest_client::runtime::Method;
use serde_json::{Value, json};

use crate::endpoints;
use crate::stats::{median, ms};

async fn fetch(client: &Client, page: u64, per_page: u32) -> Result<(Duration, Value), String> {
    let start = Instant::now();
    let response = client
        .raw(Method::GET, "/time_entries")
        .query(&[("page", page), ("per_page", u64::from(per_page))])
        .send()
        .await
        .map_err(|e| format!("fetching page {page} of {per_page} time entries: {e}"))?;
    let elapsed = start.elapsed();
    let body: Value = serde_json::from_slice(&response.body).map_err(|e| format!("page {page} is not JSON: {e}"))?;
    Ok((elapsed, body))
}

/// Times page 1 and page `deep_page` (when it exists) `samples` times each, after one
/// warm-up request of each, and reports both medians with the list's size.
pub async fn run(mock: &str, per_page: u32, deep_page: u64, samples: usize) -> Result<Option<Value>, String> {
    let client = endpoints::client(mock)?;
    let (_, first) = fetch(&client, 1, per_page).await?;
    let total_entries = first["total_entries"].as_u64().ok_or("page 1 has no total_entries")?;
    let total_pages = first["total_pages"].as_u64().ok_or("page 1 has no total_pages")?;
    let deep = (deep_page <= total_pages).then_some(deep_page);
    if let Some(deep) = deep {
        fetch(&client, deep, per_page).await?;
    }
    let (mut first_times, mut deep_times) = (Vec::new(), Vec::new());
    for _ in 0..samples.max(1) {
        first_times.push(fetch(&client, 1, per_page).await?.0);
        if let Some(deep) = deep {
            deep_times.push(fetch(&client, deep, per_page).await?.0);
        }
    }
    Ok(Some(json!({
        "total_entries": total_entries,
        "total_pages": total_pages,
        "per_page": per_page,
        "deep_page": deep,
        "samples": samples.max(1),
        "first_ms": ms(median(&first_times)),
        "deep_ms": deep.map(|_| ms(median(&deep_times))),
    })))
}
