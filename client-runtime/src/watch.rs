//! Watching a list for new or changed records by polling `updated_since`.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream;
use futures_util::stream::{self, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{Core, DateTime, Error, Method, QueryValue, Request, pages};

/// A record with an id and a last-change time, which is what watching needs.
pub trait Record {
    /// The record's id.
    fn id(&self) -> i64;
    /// When the record last changed.
    fn updated_at(&self) -> DateTime;
}

/// How far a watch has got; save it to resume after a restart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The latest `updated_at` yielded.
    pub since: Option<DateTime>,
    /// Ids already yielded with exactly that `updated_at`.
    pub seen: Vec<i64>,
}

impl Checkpoint {
    /// Whether a record with this id and change time has not been yielded yet.
    pub fn is_new(&self, id: i64, updated_at: DateTime) -> bool {
        match self.since {
            None => true,
            Some(since) => updated_at > since || (updated_at == since && !self.seen.contains(&id)),
        }
    }

    /// Records that a record was yielded.
    pub fn advance(&mut self, id: i64, updated_at: DateTime) {
        match self.since {
            Some(since) if updated_at < since => {}
            Some(since) if updated_at == since => {
                if !self.seen.contains(&id) {
                    self.seen.push(id);
                }
            }
            _ => {
                self.since = Some(updated_at);
                self.seen = vec![id];
            }
        }
    }
}

/// One new or changed record and the checkpoint that includes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<T> {
    /// The record as listed.
    pub record: T,
    /// Save this to resume after the record.
    pub checkpoint: Checkpoint,
}

/// A never-ending stream of changes; errors are yielded and polling goes on.
pub type WatchStream<T> = Pin<Box<dyn Stream<Item = Result<Change<T>, Error>> + Send>>;

/// A configured watch of one list; start it with [`stream`](Self::stream).
#[derive(Debug, Clone)]
pub struct Watch<T> {
    core: Core,
    path: &'static str,
    envelope: &'static str,
    param: &'static str,
    interval: Duration,
    checkpoint: Checkpoint,
    marker: PhantomData<fn() -> T>,
}

struct State<T> {
    watch: Watch<T>,
    buffer: VecDeque<T>,
    first: bool,
}

impl<T: Record + DeserializeOwned + Send + 'static> Watch<T> {
    /// A watch of the list at `path` (used by the generated `watch` methods).
    pub fn new(
        core: Core,
        path: &'static str,
        envelope: &'static str,
        param: &'static str,
        interval: Duration,
    ) -> Self {
        Watch { core, path, envelope, param, interval, checkpoint: Checkpoint::default(), marker: PhantomData }
    }

    /// Resumes from a saved checkpoint instead of yielding every existing record first.
    pub fn from_checkpoint(mut self, checkpoint: Checkpoint) -> Self {
        self.checkpoint = checkpoint;
        self
    }

    async fn poll(&self) -> Result<Vec<T>, Error> {
        let mut request = Request::new(Method::GET, self.path.to_owned(), true);
        if let Some(since) = self.checkpoint.since {
            request.query(self.param, since.to_query());
        }
        let all: Vec<T> = pages::<T>(self.core.clone(), Ok(request), self.envelope)
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok::<T, Error>)))
            .try_flatten()
            .try_collect()
            .await?;
        let mut fresh: Vec<T> = all.into_iter().filter(|r| self.checkpoint.is_new(r.id(), r.updated_at())).collect();
        fresh.sort_by_key(|r| (r.updated_at(), r.id()));
        Ok(fresh)
    }

    /// Starts polling: the first poll runs at once, later ones every interval.
    pub fn stream(self) -> WatchStream<T> {
        let state = State { watch: self, buffer: VecDeque::new(), first: true };
        Box::pin(stream::unfold(state, |mut state| async move {
            loop {
                if let Some(record) = state.buffer.pop_front() {
                    state.watch.checkpoint.advance(record.id(), record.updated_at());
                    let checkpoint = state.watch.checkpoint.clone();
                    return Some((Ok(Change { record, checkpoint }), state));
                }
                if !state.first {
                    tokio::time::sleep(state.watch.interval).await;
                }
                state.first = false;
                match state.watch.poll().await {
                    Ok(records) => state.buffer.extend(records),
                    Err(err) => return Some((Err(err), state)),
                }
            }
        }))
    }
}
