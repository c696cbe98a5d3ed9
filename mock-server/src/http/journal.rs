//! The request journal served by `GET /__admin/requests`.

use std::collections::VecDeque;

use serde::Serialize;

/// One handled request.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string (empty when none).
    pub query: String,
    /// Response status.
    pub status: u16,
}

/// The most recent requests, oldest first.
#[derive(Debug, Default)]
pub struct Journal {
    entries: VecDeque<Entry>,
}

const CAPACITY: usize = 1000;

impl Journal {
    /// Records a request.
    pub fn push(&mut self, e: Entry) {
        if self.entries.len() == CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back(e);
    }

    /// Every recorded request.
    pub fn all(&self) -> Vec<Entry> {
        self.entries.iter().cloned().collect()
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}
