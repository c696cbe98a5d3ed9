//! Starting and stopping a server.

use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::AppState;
use super::journal::{RecordedRequest, RequestFilter};
use crate::config::Config;
use crate::error::Error;

/// The whole app: admin API under `/__admin` (behind the admin token when one is
/// configured), the hosted connector API under `/api/v1`, Harvest ID
/// (`/oauth2/authorize`, `/api/v2/oauth2/token`, `/api/v2/accounts`), uploaded files
/// (`/receipts/…`), the API's documents (`/openapi.json`, `/openapi-3.0.json`,
/// `/operations.md`), every other path to the API pipeline.
pub fn router(state: AppState) -> Router {
    let app = Router::new().nest("/__admin", super::admin::routes()).merge(super::docs::routes()).fallback(super::api);
    let app = match state.app.inner.config.admin_token {
        Some(_) => app.layer(axum::middleware::from_fn_with_state(state.clone(), super::admin_guard::guard)),
        None => app,
    };
    let hosted = super::hosted::routes(state.clone());
    let identity = super::identity::routes(state.clone());
    let files = super::files::routes(state.clone());
    app.with_state(state).nest("/api/v1", hosted).merge(identity).merge(files)
}

/// A running mock server; it stops when dropped.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Loads the spec, seeds, binds and starts serving in the background.
    pub async fn start(config: Config) -> Result<MockServer, Error> {
        let addr = config.addr;
        let state = tokio::task::spawn_blocking(move || AppState::new(config))
            .await
            .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))??;
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("server error: {e}");
            }
        });
        Ok(MockServer { addr, state, stop: Some(tx), task: Some(task) })
    }

    /// `http://127.0.0.1:PORT` (no version prefix).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The shared state (for assertions).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The API requests the journal holds (the last 1000) that `filter` selects, oldest first;
    /// `RequestFilter::new()` selects them all.
    pub fn requests(&self, filter: &RequestFilter) -> Vec<RecordedRequest> {
        let journal = self.state.edge.journal.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        journal.matching(filter)
    }

    /// How many of the journal's requests `filter` selects.
    pub fn request_count(&self, filter: &RequestFilter) -> usize {
        let journal = self.state.edge.journal.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        journal.count(filter)
    }

    /// Stops serving and waits for open connections to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
