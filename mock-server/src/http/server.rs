//! Starting and stopping a server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::AppState;
use super::journal::{RecordedRequest, RequestFilter};
use super::starting::Gate;
use crate::app::Progress;
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
    /// Binds, then loads the spec and seeds (or reads the state database) while the port
    /// answers 503 with the progress, then serves the API; returns once it does.
    pub async fn start(config: Config) -> Result<MockServer, Error> {
        let listener = TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let progress = Arc::new(Progress::default());
        let gate = Arc::new(Gate::new(progress.clone()));
        let (tx, rx) = oneshot::channel::<()>();
        let served = super::starting::router(gate.clone());
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, served).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!("server error: {e}");
            }
        });
        let reporter = tokio::spawn(report_progress(gate.clone()));
        let built = tokio::task::spawn_blocking(move || AppState::start(config, &progress)).await;
        reporter.abort();
        let state = match built {
            Ok(Ok(state)) => state,
            failed => {
                let _ = tx.send(());
                let _ = task.await;
                return Err(match failed {
                    Ok(Err(e)) => e,
                    _ => Error::Io(std::io::Error::other("building the app panicked")),
                });
            }
        };
        gate.open(router(state.clone()));
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

/// Logs how far seeding has come every few seconds, for starts that take a while.
async fn report_progress(gate: Arc<Gate>) {
    loop {
        tokio::time::sleep(Duration::from_secs(2)).await;
        tracing::info!(progress = %gate.progress(), "seeding");
    }
}
