//! A client-side sliding-window rate limiter.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Lets at most `requests` requests start in any window of `per`.
pub(crate) struct Limiter {
    requests: u32,
    per: Duration,
    sent: tokio::sync::Mutex<VecDeque<Instant>>,
}

impl Limiter {
    /// A limiter; `requests` is at least one (checked by the builder).
    pub(crate) fn new(requests: u32, per: Duration) -> Self {
        Limiter { requests, per, sent: tokio::sync::Mutex::new(VecDeque::new()) }
    }

    /// Waits until one more request may start, and counts it.
    pub(crate) async fn acquire(&self) {
        loop {
            let mut sent = self.sent.lock().await;
            let now = Instant::now();
            while sent.front().is_some_and(|t| now.duration_since(*t) >= self.per) {
                sent.pop_front();
            }
            if sent.len() < self.requests as usize {
                sent.push_back(now);
                return;
            }
            let wait = sent.front().map(|t| self.per.saturating_sub(now.duration_since(*t))).unwrap_or_default();
            drop(sent);
            tokio::time::sleep(wait).await;
        }
    }
}
