//! How far seeding has come, readable from another thread while it runs
//! (`/__admin/health` answers it until the account is ready).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Resources seeded so far out of all of them.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
    reading_state: AtomicBool,
}

impl Progress {
    /// The account is being read from a state database (until seeding, if any, begins).
    pub fn reading_state(&self) {
        self.reading_state.store(true, Ordering::Relaxed);
    }

    /// What the start is doing: `loading the spec`, `reading the state database` or `seeding`.
    pub fn stage(&self) -> &'static str {
        if self.total.load(Ordering::Relaxed) > 0 {
            "seeding"
        } else if self.reading_state.load(Ordering::Relaxed) {
            "reading the state database"
        } else {
            "loading the spec"
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stage_follows_what_the_start_is_doing() {
        let progress = Progress::default();
        assert_eq!(progress.stage(), "loading the spec");
        progress.reading_state();
        assert_eq!(progress.stage(), "reading the state database");
        progress.begin(3);
        assert_eq!(progress.stage(), "seeding", "a state database that is missing gets seeded");
    }
}
