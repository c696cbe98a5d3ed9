//! How far seeding has come, readable from another thread while it runs
//! (`/__admin/health` answers it until the account is ready).

use std::sync::atomic::{AtomicUsize, Ordering};

/// Resources seeded so far out of all of them.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
}

impl Progress {
    /// Starts counting `total` resources.
    pub fn begin(&self, total: usize) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
    }

    /// One more resource is seeded.
    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// (resources seeded, resources in all).
    pub fn get(&self) -> (usize, usize) {
        (self.done.load(Ordering::Relaxed), self.total.load(Ordering::Relaxed))
    }
}
