//! The framework's ceiling: a minimal axum server answering each endpoint with the
//! exact status, headers and body bytes the mock gave for it, precomputed.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{MethodFilter, on};
use bytes::Bytes;
use harvest_client::Client;
use harvest_client::runtime::Method;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::endpoints::{self, Endpoint, REQUEST_HEADERS};

/// One captured answer of the mock.
#[derive(Clone)]
struct Captured {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// Captures every endpoint from the mock at `mock`, prints the plan (one JSON line: the
/// ceiling's address, the request headers, each endpoint with its ceiling path), then serves
/// until stdin closes or `max_seconds` pass.
pub async fn run(mock: &str, addr: SocketAddr, max_seconds: u64) -> Result<Option<Value>, String> {
    let client = endpoints::client(mock)?;
    let mut router = Router::new();
    let mut plan = Vec::new();
    for endpoint in endpoints::choose(&client).await? {
        let captured = capture(&client, mock, &endpoint).await?;
        let ceiling_path = format!("/ceiling/{}", endpoint.name);
        plan.push(json!({
            "endpoint": endpoint,
            "ceiling_path": ceiling_path,
            "status": captured.status.as_u16(),
            "response_bytes": captured.body.len(),
        }));
        let filter = if endpoint.method == "POST" { MethodFilter::POST } else { MethodFilter::GET };
        router = router.route(
            &ceiling_path,
            on(filter, move || {
                let c = captured.clone();
                async move { (c.status, c.headers, c.body) }
            }),
        );
    }
    let listener =
        TcpListener::bind(addr).await.map_err(|e| format!("the ceiling server cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| format!("the ceiling server's address: {e}"))?;
    let line = json!({"addr": local.to_string(), "headers": REQUEST_HEADERS, "endpoints": plan});
    let mut stdout = std::io::stdout();
    writeln!(stdout, "{line}").and_then(|()| stdout.flush()).map_err(|e| format!("writing the plan: {e}"))?;
    axum::serve(listener, router)
        .with_graceful_shutdown(stop_signal(Duration::from_secs(max_seconds)))
        .await
        .map_err(|e| format!("the ceiling server on {local} failed: {e}"))?;
    Ok(None)
}

async fn capture(client: &Client, mock: &str, endpoint: &Endpoint) -> Result<Captured, String> {
    let url = format!("{}{}", mock.trim_end_matches('/'), endpoint.path_and_query);
    let method = if endpoint.method == "POST" { Method::POST } else { Method::GET };
    let mut request = client.raw(method, url.as_str());
    if let Some(body) = &endpoint.body {
        let body: Value = serde_json::from_str(body).map_err(|e| format!("the {} body: {e}", endpoint.name))?;
        request = request.json(&body);
    }
    let response =
        request.send().await.map_err(|e| format!("capturing {} {url} from the mock: {e}", endpoint.method))?;
    let mut headers = response.headers;
    for name in [header::CONTENT_LENGTH, header::DATE, header::CONNECTION, header::TRANSFER_ENCODING] {
        headers.remove(name);
    }
    Ok(Captured { status: response.status, headers, body: response.body })
}

/// Completes when stdin reaches its end (the parent closed it or exited) or after `limit`.
async fn stop_signal(limit: Duration) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        let _ = tx.send(());
    });
    tokio::select! {
        _ = rx => {}
        () = tokio::time::sleep(limit) => {}
    }
}
