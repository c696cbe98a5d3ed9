//! What the admin API does to accounts: reset and reseed one account or all
//! of them, and read what an account was seeded with.

use super::App;
use crate::Error;

impl App {
    /// Puts one account (or, with `None`, the whole server: every account but the default one
    /// forgotten, the default one reseeded from the configured seed) back to its seeded state;
    /// the default account is saved to the state file when there is one.
    pub fn reset(&self, account: Option<i64>) -> Result<(), Error> {
        let inner = &self.inner;
        match account {
            Some(a) => {
                let t = self.tenant(a);
                inner.tenants.reset(&t, || inner.base_seed());
            }
            None => inner.tenants.rebase(inner.base_seed()),
        }
        self.save_default(account)
    }

    /// Replaces one account (or, with `None`, every account) with data seeded from `seed` at `scale`.
    pub fn reseed(&self, account: Option<i64>, seed: u64, scale: f64) -> Result<(), Error> {
        let inner = &self.inner;
        match account {
            Some(a) => {
                let t = self.tenant(a);
                let now = self.now(&t);
                t.reseed(inner.seeded(seed, scale, now));
            }
            None => inner.tenants.rebase(inner.seeded(seed, scale, inner.tenants.clock().now())),
        }
        self.save_default(account)
    }

    /// The seed and scale an account's data was generated from.
    pub fn seed_of(&self, account: i64) -> (u64, f64) {
        let t = self.tenant(account);
        t.store.read().map(|s| (s.seed, s.scale)).unwrap_or((self.inner.config.seed, self.inner.config.scale))
    }

    /// Saves the default account after an admin change that touched it.
    fn save_default(&self, account: Option<i64>) -> Result<(), Error> {
        if account.is_some_and(|a| a != self.inner.tenants.default_account) {
            return Ok(());
        }
        self.make_durable(self.inner.tenants.default_account)
    }

    /// Commits `account`'s writes so far to the state database, when it is the one kept there;
    /// returns once they are durable.
    pub fn make_durable(&self, account: i64) -> Result<(), Error> {
        let inner = &self.inner;
        let Some(durable) = &inner.durable else { return Ok(()) };
        if account != inner.tenants.default_account {
            return Ok(());
        }
        let tenant = self.tenant(account);
        let upto = tenant.store.read().map(|s| s.generation).unwrap_or(u64::MAX);
        durable.sync(&inner.plan, upto, || tenant.copy())
    }
}
