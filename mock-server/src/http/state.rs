//! The state every handler of the edge is given: the application and what
//! the edge keeps beside it (the request journal, the injected faults, the
//! rate-limit windows, the random stream faults draw from, and the hosted
//! connector API's tokens).

use std::sync::{Arc, Mutex};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::faults::Faults;
use super::hosted::Hosted;
use super::identity::Grants;
use super::journal::Journal;
use super::methods::Allowed;
use super::rate_limit::Limiter;
use crate::app::App;
use crate::config::Config;

/// The edge's own state.
pub struct Edge {
    /// Recent requests.
    pub journal: Mutex<Journal>,
    /// Active fault rules.
    pub faults: Mutex<Faults>,
    /// Rate-limit windows per token.
    pub limiter: Mutex<Limiter>,
    /// Draws for faults that apply to a fraction of requests.
    pub rng: Mutex<ChaCha8Rng>,
    /// The methods each API path declares, for 405 answers.
    pub allowed: Allowed,
    /// The hosted connector API's entities and issued tokens.
    pub hosted: Hosted,
    /// What Harvest ID has issued: codes, access and refresh tokens.
    pub identity: Grants,
}

/// Everything a request handler reads or changes; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub(crate) app: App,
    /// The edge's own state.
    pub(crate) edge: Arc<Edge>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// Loads the spec, seeds (or loads the state file) and returns the state.
    pub fn new(config: Config) -> Result<AppState, crate::Error> {
        AppState::start(config, &crate::app::Progress::default())
    }

    /// [`AppState::new`], counting seeded resources in `progress` (read by the start-up
    /// server's `/__admin/health`).
    pub fn start(config: Config, progress: &crate::app::Progress) -> Result<AppState, crate::Error> {
        let seed = config.seed;
        let app = App::start(config, progress)?;
        crate::fixtures::load_configured(&app).map_err(|e| crate::Error::Fixtures(e.to_string()))?;
        let edge = Edge {
            journal: Mutex::new(Journal::default()),
            faults: Mutex::new(Faults::default()),
            limiter: Mutex::new(Limiter::default()),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
            allowed: Allowed::build(app.spec()),
            hosted: Hosted::new(app.spec()),
            identity: Grants::default(),
        };
        Ok(AppState { app, edge: Arc::new(edge) })
    }

    /// Records, for tests: how many records a resource holds.
    pub fn count(&self, resource: &str) -> usize {
        self.app.count(resource)
    }

    /// Ids of a resource's records, ascending (for tests and tools).
    pub fn ids(&self, resource: &str) -> Vec<i64> {
        self.app.ids(resource)
    }

    /// The token the admin API requires, if any (for clients of the admin API).
    pub fn admin_token(&self) -> Option<&str> {
        self.app.inner.config.admin_token.as_deref()
    }

    /// The spec being served.
    pub fn spec(&self) -> &harvest_spec::Spec {
        self.app.spec()
    }

    /// A stored field value (refs as their id), for tests and tools.
    pub fn field(&self, resource: &str, id: i64, name: &str) -> Option<serde_json::Value> {
        self.app.field(resource, id, name)
    }
}
