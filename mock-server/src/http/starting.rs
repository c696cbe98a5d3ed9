//! The server before its account is ready: the port is bound first, and
//! while the spec loads and the data is seeded every request gets a 503 —
//! `/__admin/health` with `{"status":"seeding","progress":…}` so a harness
//! can wait on it. Once the app is built, every request goes to it.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tower::ServiceExt;

use crate::app::Progress;

/// Where requests go: nowhere yet, or the built app.
#[derive(Debug)]
pub struct Gate {
    app: OnceLock<Router>,
    progress: Arc<Progress>,
    since: Instant,
}

impl Gate {
    /// A gate reading `progress` until [`Gate::open`] is called.
    pub fn new(progress: Arc<Progress>) -> Gate {
        Gate { app: OnceLock::new(), progress, since: Instant::now() }
    }

    /// Sends every request from now on to `app`.
    pub fn open(&self, app: Router) {
        let _ = self.app.set(app);
    }

    /// `{"stage", "resources_done", "resources", "elapsed_ms"}` of the start so far.
    pub fn progress(&self) -> serde_json::Value {
        let (done, total) = self.progress.get();
        json!({"stage": self.progress.stage(), "resources_done": done, "resources": total,
               "elapsed_ms": self.since.elapsed().as_millis() as u64})
    }
}

/// The router the listener serves from the start.
pub fn router(gate: Arc<Gate>) -> Router {
    Router::new().fallback(pass).with_state(gate)
}

async fn pass(State(gate): State<Arc<Gate>>, req: Request) -> Response {
    if let Some(app) = gate.app.get() {
        return match app.clone().oneshot(req).await {
            Ok(resp) => resp,
            Err(never) => match never {},
        };
    }
    let progress = gate.progress();
    let body = if req.uri().path() == "/__admin/health" {
        json!({"status": "seeding", "progress": progress})
    } else {
        json!({"message": "The mock is still seeding its data; GET /__admin/health answers 200 once it is ready.",
               "progress": progress})
    };
    (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "1")], axum::Json(body)).into_response()
}
