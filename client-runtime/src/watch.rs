//! Watching a list for new or changed records by polling `updated_since`.

use std::collections::{BTreeSet, VecDeque};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use futures_core::Stream;
use futures_util::stream::{self, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::{Core, DateTime, Error, Method, QueryValue, Request, pages};

/// A record with an id, a creation time and a last-change time, which is what watching needs.
pub trait Record {
    /// The record's id.
    fn id(&self) -> i64;
    /// When the record was created.
    fn created_at(&self) -> DateTime;
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
    /// Records a poll found created since the checkpoint of its start that a per-poll
    /// [`limit`](Watch::limit) still holds back, when they were created no later than
    /// `since`: their creation time alone would tell them updated after a restart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_created: Vec<i64>,
}

impl Checkpoint {
    /// Whether a record with this id and change time has not been yielded yet.
    pub fn is_new(&self, id: i64, updated_at: DateTime) -> bool {
        match self.since {
            None => true,
            Some(since) => updated_at > since || (updated_at == since && !self.seen.contains(&id)),
        }
    }

    /// Whether a record not yet yielded is new since this checkpoint or a change to one
    /// already known: [`ChangeKind::Created`] when its `created_at` is after the checkpoint
    /// (or a limit held it back as created).
    pub fn kind_of<T: Record>(&self, record: &T) -> ChangeKind {
        if self.held_created.contains(&record.id()) || self.is_new(record.id(), record.created_at()) {
            ChangeKind::Created
        } else {
            ChangeKind::Updated
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

/// Whether a change brought a record the checkpoint had not seen at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// Created since the checkpoint (its `created_at` is after it).
    Created,
    /// Created before the checkpoint and changed since.
    Updated,
}

/// Which changes a watch yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WatchMode {
    /// New and changed records.
    #[default]
    AllChanges,
    /// Newly created records only; changes to older records are passed over.
    NewOnly,
}

/// One new or changed record and the checkpoint that includes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<T> {
    /// The record as listed.
    pub record: T,
    /// Whether it was created or updated since the checkpoint.
    pub kind: ChangeKind,
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
    mode: WatchMode,
    limit: Option<usize>,
    marker: PhantomData<fn() -> T>,
}

struct State<T> {
    watch: Watch<T>,
    /// Fetched changes not yet worked through, each with its kind.
    pending: VecDeque<(T, ChangeKind)>,
    /// `(created_at, id)` of the pending changes that are creations.
    created: BTreeSet<(DateTime, i64)>,
    /// Changes yielded since the last poll.
    yielded: usize,
    first: bool,
}

impl<T: Record> State<T> {
    /// Takes the next pending change and moves the checkpoint past it.
    fn take(&mut self) -> Option<(T, ChangeKind)> {
        let (record, kind) = self.pending.pop_front()?;
        if kind == ChangeKind::Created {
            self.created.remove(&(record.created_at(), record.id()));
        }
        let checkpoint = &mut self.watch.checkpoint;
        checkpoint.advance(record.id(), record.updated_at());
        checkpoint.held_created = match checkpoint.since {
            Some(since) => self.created.iter().take_while(|(at, _)| *at <= since).map(|(_, id)| *id).collect(),
            None => Vec::new(),
        };
        Some((record, kind))
    }

    /// Queues a poll's records, told created or updated against the checkpoint.
    fn queue(&mut self, records: Vec<T>) {
        for record in records {
            let kind = self.watch.checkpoint.kind_of(&record);
            if kind == ChangeKind::Created {
                self.created.insert((record.created_at(), record.id()));
            }
            self.pending.push_back((record, kind));
        }
    }
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
        Watch {
            core,
            path,
            envelope,
            param,
            interval,
            checkpoint: Checkpoint::default(),
            mode: WatchMode::AllChanges,
            limit: None,
            marker: PhantomData,
        }
    }

    /// Resumes from a saved checkpoint instead of yielding every existing record first.
    pub fn from_checkpoint(mut self, checkpoint: Checkpoint) -> Self {
        self.checkpoint = checkpoint;
        self
    }

    /// All changes (the default) or newly created records only. Without a checkpoint every
    /// existing record is new, so both modes start by yielding them all.
    pub fn mode(mut self, mode: WatchMode) -> Self {
        self.mode = mode;
        self
    }

    /// Yields at most `per_poll` changes per poll (at least one); the rest wait for the next
    /// polls, in order, none lost or repeated. Passed-over updates of
    /// [`WatchMode::NewOnly`] do not count.
    pub fn limit(mut self, per_poll: usize) -> Self {
        self.limit = Some(per_poll.max(1));
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

    /// Starts polling: the first poll runs at once, later ones every interval. A poll's
    /// changes are worked through before the next poll fetches more.
    pub fn stream(self) -> WatchStream<T> {
        let state = State { watch: self, pending: VecDeque::new(), created: BTreeSet::new(), yielded: 0, first: true };
        Box::pin(stream::unfold(state, |mut state| async move {
            loop {
                let room = state.watch.limit.is_none_or(|limit| state.yielded < limit);
                if let Some((record, kind)) = if room { state.take() } else { None } {
                    if state.watch.mode == WatchMode::NewOnly && kind == ChangeKind::Updated {
                        continue;
                    }
                    state.yielded += 1;
                    let checkpoint = state.watch.checkpoint.clone();
                    return Some((Ok(Change { record, kind, checkpoint }), state));
                }
                if !state.first {
                    tokio::time::sleep(state.watch.interval).await;
                }
                state.first = false;
                state.yielded = 0;
                if !state.pending.is_empty() {
                    continue;
                }
                match state.watch.poll().await {
                    Ok(records) => state.queue(records),
                    Err(err) => return Some((Err(err), state)),
                }
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// A record with times in whole seconds.
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct Rec(i64, i64, i64);

    fn at(secs: i64) -> DateTime {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    impl Record for Rec {
        fn id(&self) -> i64 {
            self.0
        }
        fn created_at(&self) -> DateTime {
            at(self.1)
        }
        fn updated_at(&self) -> DateTime {
            at(self.2)
        }
    }

    fn state(checkpoint: Checkpoint) -> State<Rec> {
        let api = crate::ApiConfig {
            base_url: "http://127.0.0.1:9",
            token_header: "Authorization",
            account_header: "Account",
            user_agent_required: false,
            env_prefix: "TEST",
        };
        let core = crate::ClientBuilder::<Core>::new(api).build().unwrap();
        let watch = Watch::new(core, "/recs", "recs", "updated_since", Duration::ZERO).from_checkpoint(checkpoint);
        State { watch, pending: VecDeque::new(), created: BTreeSet::new(), yielded: 0, first: true }
    }

    #[test]
    fn the_kind_follows_created_at_against_the_checkpoint() {
        let cp = Checkpoint { since: Some(at(10)), seen: vec![7], held_created: vec![3] };
        assert_eq!(cp.kind_of(&Rec(1, 11, 12)), ChangeKind::Created);
        assert_eq!(cp.kind_of(&Rec(2, 9, 12)), ChangeKind::Updated);
        assert_eq!(cp.kind_of(&Rec(4, 10, 12)), ChangeKind::Created, "created at `since`, never yielded");
        assert_eq!(cp.kind_of(&Rec(7, 10, 12)), ChangeKind::Updated, "yielded at `since` when created");
        assert_eq!(cp.kind_of(&Rec(3, 1, 12)), ChangeKind::Created, "held back as created");
        assert_eq!(Checkpoint::default().kind_of(&Rec(5, 1, 1)), ChangeKind::Created);
    }

    /// A record created early and changed late is still pending when the checkpoint passes
    /// its creation time: the checkpoint keeps it as created until it is yielded.
    #[test]
    fn a_checkpoint_keeps_held_back_creations() {
        let mut s = state(Checkpoint { since: Some(at(0)), ..Checkpoint::default() });
        s.queue(vec![Rec(2, 2, 2), Rec(3, 3, 3), Rec(1, 1, 5), Rec(9, -5, 6)]);
        let kinds: Vec<_> = s.pending.iter().map(|(r, k)| (r.0, *k)).collect();
        use ChangeKind::*;
        assert_eq!(kinds, vec![(2, Created), (3, Created), (1, Created), (9, Updated)]);

        assert_eq!(s.take().map(|(r, _)| r.0), Some(2));
        let saved = s.watch.checkpoint.clone();
        assert_eq!((saved.since, saved.held_created.clone()), (Some(at(2)), vec![1]));
        assert_eq!(saved.kind_of(&Rec(1, 1, 5)), Created, "a restart from here still calls it created");
        let without = Checkpoint { held_created: Vec::new(), ..saved };
        assert_eq!(without.kind_of(&Rec(1, 1, 5)), Updated, "which its creation time alone would not");

        assert_eq!(s.take().map(|(r, _)| r.0), Some(3));
        assert_eq!(s.watch.checkpoint.held_created, vec![1]);
        assert_eq!(s.take().map(|(r, k)| (r.0, k)), Some((1, Created)));
        assert!(s.watch.checkpoint.held_created.is_empty());
        assert_eq!(s.take().map(|(r, k)| (r.0, k)), Some((9, Updated)));
        assert_eq!(s.take(), None);
        assert_eq!((s.watch.checkpoint.since, s.watch.checkpoint.seen.clone()), (Some(at(6)), vec![9]));
    }
}
