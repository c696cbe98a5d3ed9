//! The generated client against the mock: fetching every time entry, and decode
//! throughput of its list-page type against `serde_json::Value` on the same bytes.

use std::hint::black_box;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use harvest_client::models::TimeEntry;
use harvest_client::runtime::{Method, Response, decode_page};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::endpoints;
use crate::stats::{mb_per_s, ms};

/// A plain derived envelope holding only the items: a reference point for the runtime's page decoder.
#[derive(Deserialize)]
struct DirectPage {
    #[serde(rename = "time_entries")]
    _items: Vec<TimeEntry>,
}

/// One decoder under test.
struct Decoder {
    name: &'static str,
    decode: fn(&Response) -> Result<(), String>,
    iterations: u64,
    elapsed: Duration,
}

fn decode_client(r: &Response) -> Result<(), String> {
    decode_page::<TimeEntry>(r, "time_entries").map(|page| drop(black_box(page))).map_err(|e| e.to_string())
}

fn decode_value(r: &Response) -> Result<(), String> {
    serde_json::from_slice::<Value>(&r.body).map(|v| drop(black_box(v))).map_err(|e| e.to_string())
}

fn decode_direct(r: &Response) -> Result<(), String> {
    serde_json::from_slice::<DirectPage>(&r.body).map(|p| drop(black_box(p))).map_err(|e| e.to_string())
}

/// Fetches every time entry (`per_page` per page) and reports the wall time, or the error
/// that stopped the fetch (as `{"error": ...}`, so the rest of the run goes on).
pub async fn fetch(mock: &str, per_page: u32) -> Result<Option<Value>, String> {
    let client = endpoints::client(mock)?;
    let started = Instant::now();
    let outcome = client
        .time_entries()
        .list()
        .per_page(per_page)
        .pages()
        .try_fold(
            (0u64, 0u64),
            |(pages, records), page| async move { Ok((pages + 1, records + page.items.len() as u64)) },
        )
        .await;
    Ok(Some(match outcome {
        Ok((pages, records)) => {
            json!({"records": records, "pages": pages, "per_page": per_page, "ms": ms(started.elapsed())})
        }
        Err(e) => json!({"per_page": per_page, "error": format!("fetching every time entry through the client: {e}")}),
    }))
}

/// Captures one page of `per_page` time entries and decodes it with each decoder in
/// alternating slices until each has run for `seconds`; a decoder rejecting the page is
/// reported as `{"error": ...}`.
pub async fn decode(mock: &str, per_page: u32, seconds: f64) -> Result<Option<Value>, String> {
    let client = endpoints::client(mock)?;
    let response = client
        .raw(Method::GET, "/time_entries")
        .query(&[("per_page", per_page)])
        .send()
        .await
        .map_err(|e| format!("capturing a page of {per_page} time entries: {e}"))?;
    let mut decoders = [
        Decoder { name: "client", decode: decode_client, iterations: 0, elapsed: Duration::ZERO },
        Decoder { name: "value", decode: decode_value, iterations: 0, elapsed: Duration::ZERO },
        Decoder { name: "direct", decode: decode_direct, iterations: 0, elapsed: Duration::ZERO },
    ];
    for d in &decoders {
        if let Err(e) = (d.decode)(&response) {
            let error = format!("the {} decoder rejects the mock's page of {per_page}: {e}", d.name);
            return Ok(Some(json!({"page_bytes": response.body.len(), "error": error})));
        }
    }
    let budget = Duration::from_secs_f64(seconds.max(0.01));
    let slice = Duration::from_millis(100);
    while decoders.iter().any(|d| d.elapsed < budget) {
        for d in &mut decoders {
            let start = Instant::now();
            while start.elapsed() < slice {
                let _ = (d.decode)(&response);
                d.iterations += 1;
            }
            d.elapsed += start.elapsed();
        }
    }
    let rate = |name: &str| {
        decoders.iter().find(|d| d.name == name).map(|d| mb_per_s(response.body.len(), d.iterations, d.elapsed))
    };
    Ok(Some(json!({
        "page_bytes": response.body.len(),
        "per_page": per_page,
        "client_mb_s": rate("client"),
        "value_mb_s": rate("value"),
        "direct_mb_s": rate("direct"),
        "seconds_each": decoders.iter().map(|d| d.elapsed.as_secs_f64()).fold(f64::INFINITY, f64::min),
    })))
}
