//! Harvest's rate limits: a sliding window per token and class.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use harvest_spec::ir::RateLimit;

/// Request times per (token, class).
#[derive(Debug, Default)]
pub struct Limiter {
    windows: HashMap<(String, usize), VecDeque<Instant>>,
}

impl Limiter {
    /// Counts a request; `Err(seconds)` when the class is exhausted.
    pub fn check(&mut self, limits: &[RateLimit], token: &str, rest_path: &str, now: Instant) -> Result<(), u64> {
        let Some((class, limit)) = limits.iter().enumerate().find(|(_, l)| rest_path.starts_with(&l.path_prefix))
        else {
            return Ok(());
        };
        let window = Duration::from_secs(u64::from(limit.per_seconds));
        let q = self.windows.entry((token.to_string(), class)).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() >= limit.requests as usize {
            let wait = q.front().map(|t| window.saturating_sub(now.duration_since(*t))).unwrap_or(window);
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        q.push_back(now);
        Ok(())
    }

    /// Forgets every window.
    pub fn clear(&mut self) {
        self.windows.clear();
    }
}
