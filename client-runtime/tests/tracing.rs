//! With the `tracing` feature, each request runs in an `http.request` span carrying its
//! method, path, final status and retries (`cargo test -p harvest-client-runtime --features tracing`).

#![cfg(feature = "tracing")]

use std::io::Write;
use std::sync::{Arc, Mutex};

use harvest_client_runtime::{ApiConfig, ClientBuilder, Core, Method};
use harvest_mock::{Config, MockServer};
use tracing_subscriber::fmt::format::FmtSpan;

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const API: ApiConfig = ApiConfig {
    base_url: "http://127.0.0.1:1/v2",
    token_header: "Authorization",
    account_header: "Harvest-Account-Id",
    user_agent_required: true,
    env_prefix: "TEST",
};

#[tokio::test]
async fn each_request_has_a_span_with_method_path_status_and_retries() -> Result<(), Box<dyn std::error::Error>> {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = MockServer::start(Config::default()).await?;
    let core: Core = ClientBuilder::new(API)
        .base_url(format!("{}/v2", server.base_url()))
        .token("t")
        .account_id(1)
        .user_agent("tracing-tests (dev@example.com)")
        .build()?;
    core.raw(Method::GET, "/users/me").send().await?;
    assert!(core.raw(Method::GET, "/clients/999999999").send().await.is_err());
    let text = String::from_utf8(buffer.0.lock().map_err(|_| "poisoned")?.clone())?;
    let spans: Vec<&str> = text.lines().filter(|l| l.contains("http.request")).collect();
    assert_eq!(spans.len(), 2, "{text}");
    assert!(spans[0].contains("method=GET") && spans[0].contains("/v2/users/me"), "{text}");
    assert!(spans[0].contains("status=200") && spans[0].contains("retries=0"), "{text}");
    assert!(spans[1].contains("status=404"), "{text}");
    server.shutdown().await;
    Ok(())
}
