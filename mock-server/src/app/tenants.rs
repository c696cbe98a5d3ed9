//! Accounts: one store per `Harvest-Account-Id`, created on first use as a
//! copy of the seeded base that shares every record with it (see
//! [`crate::store`]), evicted least-recently-used beyond a cap, each with its
//! own reset point, optional clock, and snapshots.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};

use super::clock::Clock;
use crate::store::Store;

/// Where the ids [`Tenants::fresh_account`] hands out start.
const FIRST_FRESH_ACCOUNT: i64 = 1_000_000_001;

/// One account's data.
#[derive(Debug)]
pub struct Tenant {
    /// The account id requests name it by.
    pub account: i64,
    /// Its records.
    pub store: RwLock<Store>,
    /// What a reset returns it to, when not the base (after a reseed of this account).
    origin: RwLock<Option<Store>>,
    /// Its own clock, when one was set for it alone.
    clock: RwLock<Option<Clock>>,
    /// Tick of its last use, for eviction.
    used: AtomicU64,
}

impl Tenant {
    fn new(account: i64, store: Store, tick: u64) -> Tenant {
        Tenant {
            account,
            store: RwLock::new(store),
            origin: RwLock::new(None),
            clock: RwLock::new(None),
            used: AtomicU64::new(tick),
        }
    }

    /// Replaces the records and the reset point with a newly seeded account.
    pub fn reseed(&self, seeded: Store) {
        if let Ok(mut origin) = self.origin.write() {
            *origin = Some(seeded.clone());
        }
        self.restore(seeded);
    }

    /// A copy of the records, sharing everything with them (O(1)).
    pub fn copy(&self) -> Option<Store> {
        self.store.read().ok().map(|s| s.clone())
    }

    /// Replaces the records with a copy taken earlier (O(1)).
    pub fn restore(&self, mut copy: Store) {
        if let Ok(mut store) = self.store.write() {
            // Write numbers only grow: the replacement counts as the next write.
            copy.generation = store.generation + 1;
            *store = copy;
        }
    }

    /// The clock set for this account alone, if any.
    pub fn own_clock(&self) -> Option<Clock> {
        self.clock.read().ok().and_then(|c| *c)
    }

    /// Sets (or with `None` drops) this account's own clock.
    pub fn set_clock(&self, clock: Option<Clock>) {
        if let Ok(mut c) = self.clock.write() {
            *c = clock;
        }
    }
}

/// A saved copy of one account.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The account it was taken of.
    pub account: i64,
    /// When it was taken, on that account's clock.
    pub taken_at: DateTime<Utc>,
    /// The records.
    pub store: Store,
}

/// Every live account, the base they start from, the server's clock and the snapshots.
#[derive(Debug)]
pub struct Tenants {
    /// The account served when a request names no other (`--account-id`).
    pub default_account: i64,
    /// Live accounts kept before the least recently used one is evicted.
    pub cap: usize,
    /// The seeded account every new one copies; built on first need when the
    /// default account came from a state file.
    base: RwLock<Option<Store>>,
    live: RwLock<HashMap<i64, Arc<Tenant>>>,
    ticks: AtomicU64,
    fresh: AtomicI64,
    clock: RwLock<Clock>,
    snapshots: Mutex<Snapshots>,
}

#[derive(Debug, Default)]
struct Snapshots {
    next: u64,
    by_id: HashMap<String, Snapshot>,
}

impl Tenants {
    /// The accounts of a server whose default account starts as `first`; `base` is what
    /// new accounts copy (`None` when `first` was loaded from a state file).
    pub fn new(default_account: i64, cap: usize, clock: Clock, first: Store, base: Option<Store>) -> Tenants {
        let tenant = Tenant::new(default_account, first, 0);
        Tenants {
            default_account,
            cap: cap.max(1),
            base: RwLock::new(base),
            live: RwLock::new(HashMap::from([(default_account, Arc::new(tenant))])),
            ticks: AtomicU64::new(1),
            fresh: AtomicI64::new(FIRST_FRESH_ACCOUNT),
            clock: RwLock::new(clock),
            snapshots: Mutex::new(Snapshots::default()),
        }
    }

    /// The live account `account`, if it exists.
    pub fn get(&self, account: i64) -> Option<Arc<Tenant>> {
        let t = self.live.read().ok()?.get(&account).cloned()?;
        t.used.store(self.ticks.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        Some(t)
    }

    /// The account `account`, created from the base (built by `seed` when there is none yet)
    /// on first use; the least recently used other account is evicted beyond the cap.
    pub fn get_or_create(&self, account: i64, seed: impl FnOnce() -> Store) -> Arc<Tenant> {
        if let Some(t) = self.get(account) {
            return t;
        }
        let base = self.base(seed);
        let tick = self.ticks.fetch_add(1, Ordering::Relaxed);
        let Ok(mut live) = self.live.write() else {
            return Arc::new(Tenant::new(account, base, tick));
        };
        if let Some(t) = live.get(&account) {
            return t.clone();
        }
        while live.len() >= self.cap {
            let victim = live
                .values()
                .filter(|t| t.account != self.default_account)
                .min_by_key(|t| t.used.load(Ordering::Relaxed))
                .map(|t| t.account);
            match victim {
                Some(v) => {
                    live.remove(&v);
                    tracing::debug!(account = v, "evicted the least recently used account");
                }
                None => break,
            }
        }
        let t = Arc::new(Tenant::new(account, base, tick));
        live.insert(account, t.clone());
        t
    }

    /// The base new accounts copy, built by `seed` on first need.
    fn base(&self, seed: impl FnOnce() -> Store) -> Store {
        if let Some(b) = self.base.read().ok().and_then(|b| b.clone()) {
            return b;
        }
        let built = seed();
        if let Ok(mut b) = self.base.write() {
            return b.get_or_insert(built).clone();
        }
        built
    }

    /// Puts an account's records back to where it started: the base (built by `seed` when
    /// there is none yet), or what it was last reseeded with.
    pub fn reset(&self, tenant: &Tenant, seed: impl FnOnce() -> Store) {
        let own = tenant.origin.read().ok().and_then(|o| o.clone());
        tenant.restore(own.unwrap_or_else(|| self.base(seed)));
    }

    /// Replaces the base and forgets every account but the default one, which is reset to
    /// the new base (a global reseed or reset).
    pub fn rebase(&self, base: Store) {
        if let Ok(mut live) = self.live.write() {
            live.retain(|account, _| *account == self.default_account);
            if let Some(t) = live.get(&self.default_account) {
                t.restore(base.clone());
                t.set_clock(None);
                if let Ok(mut origin) = t.origin.write() {
                    *origin = None;
                }
            }
        }
        if let Ok(mut b) = self.base.write() {
            *b = Some(base);
        }
    }

    /// An account id no request has used yet (for a test that wants an account of its own).
    pub fn fresh_account(&self) -> i64 {
        loop {
            let id = self.fresh.fetch_add(1, Ordering::Relaxed);
            if self.live.read().map(|l| !l.contains_key(&id)).unwrap_or(true) {
                return id;
            }
        }
    }

    /// Ids of the live accounts, ascending.
    pub fn accounts(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.live.read().map(|l| l.keys().copied().collect()).unwrap_or_default();
        ids.sort_unstable();
        ids
    }

    /// The server's clock (what accounts without their own read).
    pub fn clock(&self) -> Clock {
        self.clock.read().map(|c| *c).unwrap_or_default()
    }

    /// Sets the server's clock.
    pub fn set_clock(&self, clock: Clock) {
        if let Ok(mut c) = self.clock.write() {
            *c = clock;
        }
    }

    /// The clock an account reads: its own, else the server's.
    pub fn clock_of(&self, tenant: &Tenant) -> Clock {
        tenant.own_clock().unwrap_or_else(|| self.clock())
    }

    /// Saves a copy of an account; returns the snapshot's id.
    pub fn snapshot(&self, tenant: &Tenant) -> Option<String> {
        let store = tenant.copy()?;
        let taken_at = self.clock_of(tenant).now();
        let mut snaps = self.snapshots.lock().ok()?;
        snaps.next += 1;
        let id = format!("snap_{}", snaps.next);
        snaps.by_id.insert(id.clone(), Snapshot { account: tenant.account, taken_at, store });
        Some(id)
    }

    /// A saved snapshot.
    pub fn snapshot_named(&self, id: &str) -> Option<Snapshot> {
        self.snapshots.lock().ok()?.by_id.get(id).cloned()
    }

    /// Every snapshot's id with the account it was taken of and when, by id.
    pub fn snapshots(&self) -> Vec<(String, i64, DateTime<Utc>)> {
        let mut all: Vec<(String, i64, DateTime<Utc>)> = self
            .snapshots
            .lock()
            .map(|s| s.by_id.iter().map(|(id, s)| (id.clone(), s.account, s.taken_at)).collect())
            .unwrap_or_default();
        all.sort_by_key(|(id, ..)| (id.len(), id.clone()));
        all
    }

    /// Forgets a snapshot; whether it existed.
    pub fn drop_snapshot(&self, id: &str) -> bool {
        self.snapshots.lock().map(|mut s| s.by_id.remove(id).is_some()).unwrap_or(false)
    }
}
