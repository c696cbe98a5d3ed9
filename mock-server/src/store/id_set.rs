//! The id sets of the store's indexes. A set is a persistent sorted run of
//! ids, or (past [`SMALL`] ids) a tree of such runs keyed by their first id.
//! Building one from sorted ids copies them once, where a tree of single ids
//! took one insert per id (ten million of them for a million time entries);
//! cloning one shares everything; a write copies one run of at most
//! [`SMALL`] ids and the few tree nodes above it.

use std::fmt;
use std::sync::Arc;

use imbl::OrdMap;
use imbl::shared_ptr::DefaultSharedPtr;

use super::bulk::densely;

/// Ids per run when a set is built at once (a run written to grows up to [`SMALL`]).
const RUN: usize = 64;
/// Most ids in one run: a set this small is one run, and a larger run is split in halves.
const SMALL: usize = 2 * RUN;

/// A persistent set of ids in ascending order.
#[derive(Clone, Default)]
pub struct IdSet(Repr);

#[derive(Clone)]
enum Repr {
    /// At most [`SMALL`] ids.
    One(Arc<[i64]>),
    /// Runs of ids by their first id, and how many ids they hold in all.
    Runs(OrdMap<i64, Arc<[i64]>>, usize),
}

impl Default for Repr {
    fn default() -> Repr {
        Repr::One(Arc::from(Vec::new()))
    }
}

impl IdSet {
    /// The set of `ids`, which must be strictly ascending (as a table's ids are).
    pub fn from_sorted(ids: &[i64]) -> IdSet {
        debug_assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids are strictly ascending");
        if ids.len() <= SMALL {
            return IdSet(Repr::One(Arc::from(ids)));
        }
        let runs = ids.chunks(RUN).map(|run| (run[0], Arc::from(run))).collect::<Vec<_>>();
        IdSet(Repr::Runs(densely(runs.into_iter()).collect(), ids.len()))
    }

    /// How many ids the set holds.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::One(ids) => ids.len(),
            Repr::Runs(_, len) => *len,
        }
    }

    /// Whether the set holds no id.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids, ascending.
    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Repr::One(ids) => Iter { run: ids.iter(), runs: None },
            Repr::Runs(runs, _) => Iter { run: [].iter(), runs: Some(runs.values()) },
        }
    }

    /// Adds `id`; false when it was already there.
    pub fn insert(&mut self, id: i64) -> bool {
        let Some((key, run)) = self.run_of(id).or_else(|| self.first_run()) else {
            return false;
        };
        let Err(at) = run.binary_search(&id) else { return false };
        let mut grown = Vec::with_capacity(run.len() + 1);
        grown.extend_from_slice(&run[..at]);
        grown.push(id);
        grown.extend_from_slice(&run[at..]);
        self.replace(key, grown, 1);
        true
    }

    /// Takes `id` out; false when it was not there.
    pub fn remove(&mut self, id: i64) -> bool {
        let Some((key, run)) = self.run_of(id) else { return false };
        let Ok(at) = run.binary_search(&id) else { return false };
        let mut shrunk = Vec::with_capacity(run.len() - 1);
        shrunk.extend_from_slice(&run[..at]);
        shrunk.extend_from_slice(&run[at + 1..]);
        self.replace(key, shrunk, -1);
        true
    }

    /// The run that would hold `id` (its key and ids): the last one starting at or before it.
    fn run_of(&self, id: i64) -> Option<(i64, Arc<[i64]>)> {
        match &self.0 {
            Repr::One(ids) => Some((ids.first().copied().unwrap_or(id), ids.clone())),
            Repr::Runs(runs, _) => runs.get_prev(&id).map(|(k, run)| (*k, run.clone())),
        }
    }

    /// The first run (where an id below every run's first goes).
    fn first_run(&self) -> Option<(i64, Arc<[i64]>)> {
        match &self.0 {
            Repr::One(ids) => Some((ids.first().copied().unwrap_or_default(), ids.clone())),
            Repr::Runs(runs, _) => runs.get_min().map(|(k, run)| (*k, run.clone())),
        }
    }

    /// Puts `run` in place of the run keyed `key`, the set now `change` ids larger:
    /// an empty run goes, a run grown past [`SMALL`] is split in halves, and a set
    /// of at most [`SMALL`] ids is one run.
    fn replace(&mut self, key: i64, run: Vec<i64>, change: isize) {
        let len = self.len().saturating_add_signed(change);
        let mut runs = match std::mem::take(&mut self.0) {
            Repr::One(_) if len <= SMALL => {
                self.0 = Repr::One(Arc::from(run));
                return;
            }
            Repr::One(_) => OrdMap::new(),
            Repr::Runs(mut runs, _) => {
                runs.remove(&key);
                runs
            }
        };
        if run.len() > SMALL {
            let (low, high) = run.split_at(run.len() / 2);
            runs.insert(low[0], Arc::from(low));
            runs.insert(high[0], Arc::from(high));
        } else if let Some(first) = run.first() {
            runs.insert(*first, Arc::from(run));
        }
        self.0 = if len <= SMALL {
            Repr::One(runs.values().flat_map(|run| run.iter().copied()).collect())
        } else {
            Repr::Runs(runs, len)
        };
    }
}

/// The ids of an [`IdSet`], ascending.
pub struct Iter<'a> {
    run: std::slice::Iter<'a, i64>,
    runs: Option<imbl::ordmap::Values<'a, i64, Arc<[i64]>, DefaultSharedPtr>>,
}

impl Iterator for Iter<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        loop {
            if let Some(id) = self.run.next() {
                return Some(*id);
            }
            self.run = self.runs.as_mut()?.next()?.iter();
        }
    }
}

impl PartialEq for IdSet {
    fn eq(&self, other: &IdSet) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for IdSet {}

impl fmt::Debug for IdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    /// A set built at once from `ids`.
    fn built(ids: &BTreeSet<i64>) -> IdSet {
        IdSet::from_sorted(&ids.iter().copied().collect::<Vec<_>>())
    }

    proptest! {
        #[test]
        fn writes_keep_the_set_equal_to_a_btree_set(
            start in proptest::collection::btree_set(-500i64..500, 0..400),
            writes in proptest::collection::vec((any::<bool>(), -520i64..520), 0..600),
        ) {
            let (mut want, mut set) = (start.clone(), built(&start));
            let copy = set.clone();
            for (add, id) in writes {
                let changed = if add { set.insert(id) } else { set.remove(id) };
                prop_assert_eq!(changed, if add { want.insert(id) } else { want.remove(&id) });
                prop_assert_eq!(set.len(), want.len());
            }
            prop_assert!(set.iter().eq(want.iter().copied()));
            prop_assert!(copy.iter().eq(start.iter().copied()), "a clone is not changed by writes to the original");
            prop_assert_eq!(&set, &built(&want));
        }
    }

    #[test]
    fn a_large_set_is_kept_in_runs_and_a_shrunk_one_in_one() {
        let ids: BTreeSet<i64> = (0..1000).map(|i| i * 3).collect();
        let mut set = built(&ids);
        assert!(matches!(&set.0, Repr::Runs(runs, 1000) if runs.len() == 1000usize.div_ceil(RUN)));
        for id in 0..2000 {
            set.remove(id);
        }
        assert_eq!(set.len(), 1000 - 667);
        assert!(matches!(set.0, Repr::Runs(..)));
        for id in 2000..3000 {
            set.remove(id);
        }
        assert!(matches!(&set.0, Repr::One(ids) if ids.is_empty()));
        for id in (0..200).rev() {
            set.insert(id);
        }
        assert!(set.iter().eq(0..200));
        let Repr::Runs(runs, _) = &set.0 else { panic!("200 ids are more than one run") };
        assert!(runs.values().all(|run| run.len() <= SMALL), "grown runs are split");
    }
}
