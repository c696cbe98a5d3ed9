//! Shared server state.

use std::sync::{Arc, Mutex, RwLock};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::config::Config;
use crate::faults::Fault;
use crate::journal::Journal;
use crate::plan::Plan;
use crate::rate_limit::Limiter;
use crate::search::SearchTable;
use crate::store::Store;

/// Everything a request handler reads or changes; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub plan: Plan,
    pub config: Config,
    pub store: RwLock<Store>,
    pub journal: Mutex<Journal>,
    pub faults: Mutex<Vec<Fault>>,
    pub limiter: Mutex<Limiter>,
    pub rng: Mutex<ChaCha8Rng>,
    pub search: SearchTable,
    pub rendered: crate::rendered::Rendered,
}

impl AppState {
    /// Loads the spec, seeds (or loads the state file) and returns the state.
    pub fn new(config: Config) -> Result<AppState, crate::Error> {
        let spec = match &config.spec {
            Some(p) => harvest_spec::load_path(p),
            None => harvest_spec::harvest(),
        }
        .map_err(|d| crate::Error::Spec(d.to_string()))?;
        let plan = Plan::build(spec)?;
        let store = match &config.state {
            Some(path) if path.exists() => crate::persist::load(&plan, path)?,
            _ => crate::seed::seed(&plan, config.seed, config.scale),
        };
        crate::handlers::warm(&plan, &store);
        let rng = ChaCha8Rng::seed_from_u64(config.seed);
        let search = SearchTable::build(&plan);
        Ok(AppState {
            inner: Arc::new(Inner {
                plan,
                config,
                store: RwLock::new(store),
                journal: Mutex::new(Journal::default()),
                faults: Mutex::new(Vec::new()),
                limiter: Mutex::new(Limiter::default()),
                rng: Mutex::new(rng),
                search,
                rendered: crate::rendered::Rendered::default(),
            }),
        })
    }

    /// Records, for tests: how many records a resource holds.
    pub fn count(&self, resource: &str) -> usize {
        let Some(r) = self.inner.plan.spec.resource_named(resource) else { return 0 };
        self.inner.store.read().map(|s| s.tables[r.0].rows.len()).unwrap_or(0)
    }

    /// Ids of a resource's records, ascending (for tests and tools).
    pub fn ids(&self, resource: &str) -> Vec<i64> {
        let Some(r) = self.inner.plan.spec.resource_named(resource) else { return Vec::new() };
        self.inner.store.read().map(|s| s.tables[r.0].rows.keys().copied().collect()).unwrap_or_default()
    }

    /// The spec being served.
    pub fn spec(&self) -> &harvest_spec::Spec {
        &self.inner.plan.spec
    }

    /// A stored field value (refs as their id), for tests and tools.
    pub fn field(&self, resource: &str, id: i64, name: &str) -> Option<serde_json::Value> {
        let r = self.inner.plan.spec.resource_named(resource)?;
        let store = self.inner.store.read().ok()?;
        store.field(&self.inner.plan, r.0, id, name).map(crate::store::Cell::to_value)
    }
}
