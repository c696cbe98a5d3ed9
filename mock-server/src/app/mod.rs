//! The application: the spec loaded with the behaviours' catalog, the plan,
//! the accounts (seeded or loaded) with their clock, and the shared state
//! every request reads.

mod accounts;
mod clock;
mod tenants;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use crate::seed::Progress;
pub use clock::Clock;
pub use tenants::{Tenant, Tenants};

use crate::config::Config;
use crate::engine::{Bound, SearchTable};
use crate::plan::Plan;
use crate::render::cache::Rendered;
use crate::seed::SeedPass;
use crate::store::{Durable, Store};

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
    pub tenants: Tenants,
    /// The state database the default account is kept in (`--state`).
    pub durable: Option<Durable>,
    pub search: SearchTable,
    pub rendered: Rendered,
    pub bound: Bound,
    pub seeding: Vec<Box<dyn SeedPass>>,
}

impl App {
    /// Loads the spec, seeds (or loads the state database) and returns the state, counting
    /// seeded resources in `progress`.
    pub fn start(config: Config, progress: &Progress) -> Result<App, crate::Error> {
        let (registry, seeding) = crate::harvest::rules();
        let catalog = registry.catalog();
        let spec = match &config.spec {
            Some(p) => harvest_spec::load_path_with(p, &catalog),
            None => harvest_spec::harvest_with(&catalog),
        }
        .map_err(|d| crate::Error::Spec(d.to_string()))?;
        let plan = Plan::build(spec)?;
        let bound = registry.bind(&plan)?;
        let clock = config.now.map_or_else(Clock::default, Clock::frozen);
        let fresh = || seeded(&plan, &seeding, &bound, (config.seed, config.scale), clock.now(), progress);
        let (first, base, durable) = match &config.state {
            Some(path) => {
                if path.exists() {
                    progress.reading_state();
                }
                let mut seeded_now = None;
                let (durable, first) = Durable::open(&plan, path, || seeded_now.insert(fresh()).clone())?;
                (first, seeded_now, Some(durable))
            }
            None => {
                let store = fresh();
                (store.clone(), Some(store), None)
            }
        };
        crate::engine::warm(&plan, &first);
        let search = SearchTable::build(&plan);
        let tenants = Tenants::new(config.account_id, config.max_accounts, clock, first, base);
        Ok(App {
            inner: Arc::new(Inner {
                plan,
                config,
                tenants,
                durable,
                search,
                rendered: Rendered::default(),
                bound,
                seeding,
            }),
        })
    }

    /// The account `account`, created as a copy of the seeded base on first use.
    pub fn tenant(&self, account: i64) -> Arc<Tenant> {
        let inner = &self.inner;
        inner.tenants.get_or_create(account, || inner.base_seed())
    }

    /// The account served when a request names no other (`--account-id`).
    pub fn default_tenant(&self) -> Arc<Tenant> {
        self.tenant(self.inner.tenants.default_account)
    }

    /// The current time as an account sees it.
    pub fn now(&self, tenant: &Tenant) -> DateTime<Utc> {
        self.inner.tenants.clock_of(tenant).now()
    }

    /// Records, for tests: how many records a resource of the default account holds.
    pub fn count(&self, resource: &str) -> usize {
        let Some(r) = self.inner.plan.spec.resource_named(resource) else { return 0 };
        self.default_tenant().store.read().map(|s| s.tables[r].rows.len()).unwrap_or(0)
    }

    /// Ids of a resource's records in the default account, ascending (for tests and tools).
    pub fn ids(&self, resource: &str) -> Vec<i64> {
        let Some(r) = self.inner.plan.spec.resource_named(resource) else { return Vec::new() };
        self.default_tenant().store.read().map(|s| s.tables[r].rows.keys().copied().collect()).unwrap_or_default()
    }

    /// The spec being served.
    pub fn spec(&self) -> &harvest_spec::Spec {
        &self.inner.plan.spec
    }

    /// A stored field value of the default account (refs as their id), for tests and tools.
    pub fn field(&self, resource: &str, id: i64, name: &str) -> Option<serde_json::Value> {
        let r = self.inner.plan.spec.resource_named(resource)?;
        let tenant = self.default_tenant();
        let store = tenant.store.read().ok()?;
        store.field(&self.inner.plan, r, id, name).map(crate::store::Cell::to_value)
    }
}

impl Inner {
    /// A freshly seeded store of this plan, its dates laid out back from `now`.
    pub fn seeded(&self, seed: u64, scale: f64, now: DateTime<Utc>) -> Store {
        seeded(&self.plan, &self.seeding, &self.bound, (seed, scale), now, &Progress::default())
    }

    /// The base seeded from the configured seed and scale on the server's clock.
    pub fn base_seed(&self) -> Store {
        self.seeded(self.config.seed, self.config.scale, self.tenants.clock().now())
    }
}

/// A freshly seeded store, its clock-following values (running timers) brought up to `now`
/// and its list orders built, so every account copied from it starts current and shares them;
/// `progress` counts the seeded resources.
fn seeded(
    plan: &Plan,
    passes: &[Box<dyn SeedPass>],
    bound: &Bound,
    (seed, scale): (u64, f64),
    now: DateTime<Utc>,
    progress: &Progress,
) -> Store {
    let mut store = crate::seed::seed(plan, passes, seed, scale, now, progress);
    bound.catch_up(plan, &mut store, now);
    crate::engine::warm(plan, &store);
    store
}
