//! Accounts, snapshots and the clock from Rust, for tests that hold a
//! [`MockServer`]: the same operations as the admin API's `/accounts`,
//! `/snapshots` and `/clock` routes, without HTTP.

use chrono::{DateTime, Duration, Utc};

use super::MockServer;
use crate::app::Clock;

impl MockServer {
    /// An account id of its own for one test: the first request naming it (as
    /// `Harvest-Account-Id`) gets a fresh copy of the seeded account, which no other
    /// account's writes reach.
    pub fn new_account(&self) -> i64 {
        self.state().app.inner.tenants.fresh_account()
    }

    /// Saves a copy of `account` (O(1)); returns the snapshot's id for [`MockServer::restore`].
    pub fn snapshot(&self, account: i64) -> Option<String> {
        let app = &self.state().app;
        app.inner.tenants.snapshot(&app.tenant(account))
    }

    /// Puts the account a snapshot was taken of back to that snapshot (O(1)); `false` when
    /// there is no such snapshot.
    pub fn restore(&self, snapshot: &str) -> bool {
        let app = &self.state().app;
        let Some(snap) = app.inner.tenants.snapshot_named(snapshot) else { return false };
        app.tenant(snap.account).restore(snap.store);
        true
    }

    /// The current time of `account` on the mock's clock.
    pub fn now(&self, account: i64) -> DateTime<Utc> {
        let app = &self.state().app;
        app.now(&app.tenant(account))
    }

    /// Freezes the clock of `account` (or, with `None`, the server's clock) at `at`.
    pub fn freeze_clock(&self, account: Option<i64>, at: DateTime<Utc>) {
        self.set_clock(account, Clock::frozen(at));
    }

    /// Moves the clock of `account` (or, with `None`, the server's clock) forward by `by`.
    pub fn advance_clock(&self, account: Option<i64>, by: Duration) {
        let tenants = &self.state().app.inner.tenants;
        let current = match account {
            Some(a) => tenants.clock_of(&self.state().app.tenant(a)),
            None => tenants.clock(),
        };
        self.set_clock(account, current.advanced(by));
    }

    fn set_clock(&self, account: Option<i64>, clock: Clock) {
        let app = &self.state().app;
        match account {
            Some(a) => app.tenant(a).set_clock(Some(clock)),
            None => app.inner.tenants.set_clock(clock),
        }
    }
}
