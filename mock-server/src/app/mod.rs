//! The application: the spec loaded with the behaviours' catalog, the plan,
//! the store seeded or loaded, and the shared state every request reads.

use std::sync::{Arc, RwLock};

use crate::config::Config;
use crate::engine::{Bound, SearchTable};
use crate::plan::Plan;
use crate::render::cache::Rendered;
use crate::seed::SeedPass;
use crate::store::Store;

/// The served account and everything built from the spec; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub plan: Plan,
    pub config: Config,
    pub store: RwLock<Store>,
    pub search: SearchTable,
    pub rendered: Rendered,
    pub bound: Bound,
    pub seeding: Vec<Box<dyn SeedPass>>,
}

impl App {
    /// Loads the spec, seeds (or loads the state file) and returns the state.
    pub fn new(config: Config) -> Result<App, crate::Error> {
        let (registry, seeding) = crate::harvest::rules();
        let catalog = registry.catalog();
        let spec = match &config.spec {
            Some(p) => harvest_spec::load_path_with(p, &catalog),
            None => harvest_spec::harvest_with(&catalog),
        }
        .map_err(|d| crate::Error::Spec(d.to_string()))?;
        let plan = Plan::build(spec)?;
        let bound = registry.bind(&plan)?;
        let store = match &config.state {
            Some(path) if path.exists() => crate::store::persist::load(&plan, path)?,
            _ => crate::seed::seed(&plan, &seeding, config.seed, config.scale),
        };
        crate::engine::warm(&plan, &store);
        let search = SearchTable::build(&plan);
        Ok(App {
            inner: Arc::new(Inner {
                plan,
                config,
                store: RwLock::new(store),
                search,
                rendered: Rendered::default(),
                bound,
                seeding,
            }),
        })
    }

    /// Records, for tests: how many records a resource holds.
    pub fn count(&self, resource: &str) -> usize {
        let Some(r) = self.inner.plan.spec.resource_named(resource) else { return 0 };
        self.inner.store.read().map(|s| s.tables[r].rows.len()).unwrap_or(0)
    }

    /// Ids of a resource's records, ascending (for tests and tools).
    pub fn ids(&self, resource: &str) -> Vec<i64> {
        let Some(r) = self.inner.plan.spec.resource_named(resource) else { return Vec::new() };
        self.inner.store.read().map(|s| s.tables[r].rows.keys().copied().collect()).unwrap_or_default()
    }

    /// The spec being served.
    pub fn spec(&self) -> &harvest_spec::Spec {
        &self.inner.plan.spec
    }

    /// A stored field value (refs as their id), for tests and tools.
    pub fn field(&self, resource: &str, id: i64, name: &str) -> Option<serde_json::Value> {
        let r = self.inner.plan.spec.resource_named(resource)?;
        let store = self.inner.store.read().ok()?;
        store.field(&self.inner.plan, r, id, name).map(crate::store::Cell::to_value)
    }
}

impl Inner {
    /// A freshly seeded store of this plan.
    pub fn seeded(&self, seed: u64, scale: f64) -> Store {
        let store = crate::seed::seed(&self.plan, &self.seeding, seed, scale);
        crate::engine::warm(&self.plan, &store);
        store
    }
}
