//! Filling a whole table at once (seeding, reading a state database): the
//! records and every index are built from sorted runs, one pass per index,
//! instead of one tree insert and one reindex per field per record.

use harvest_spec::ir::ResourceId;
use imbl::OrdMap;

use super::order::sorted_ids;
use super::{IdSet, ListOrder, Order, Rec, Store, Table, bool_of, ref_id, tick};
use crate::plan::{FieldIx, Plan};

/// Tables with fewer records are built on one thread (starting threads would cost more).
const PARALLEL_FROM: usize = 10_000;

/// A table built from its records by [`Store::build`], ready to take the place of one.
pub struct Built {
    r: ResourceId,
    table: Table,
}

impl Store {
    /// Replaces the records of `r` with `rows` (ids ascending or not; of two records with one
    /// id the later wins) and builds the table's indexes and list order from them.
    pub fn load(&mut self, plan: &Plan, r: ResourceId, rows: Vec<(i64, Rec)>) {
        self.install(Store::build(plan, r, rows));
    }

    /// Puts a table built apart in place of the one it was built for.
    pub fn install(&mut self, built: Built) {
        let t = &mut self.tables[built.r];
        let next_id = t.next_id.max(built.table.next_id);
        *t = built.table;
        t.next_id = next_id;
        t.version = tick();
    }

    /// The table of `r` holding `rows` (as [`Store::load`] takes them), built without the
    /// store, so that it can be built on another thread while the store is in use.
    pub fn build(plan: &Plan, r: ResourceId, mut rows: Vec<(i64, Rec)>) -> Built {
        let started = std::time::Instant::now();
        rows.reverse();
        rows.sort_by_key(|(id, _)| *id);
        rows.dedup_by_key(|(id, _)| *id);
        let info = &plan.res[r];
        let mut table = Table { next_id: rows.last().map_or(0, |(id, _)| id + 1), ..Table::default() };
        // The records and each index are independent: one task each, on every core.
        let (refs, bools) = (info.refs.len(), info.bools.len());
        let build = |k: usize| match k {
            0 => Part::Rows(densely(rows.iter().cloned()).collect()),
            k if k <= refs => Part::Ref(info.refs[k - 1].ix, ref_index(&rows, info.refs[k - 1].ix)),
            k => Part::Bool(info.bools[k - 1 - refs], bool_index(&rows, info.bools[k - 1 - refs])),
        };
        let parts = if rows.len() >= PARALLEL_FROM {
            crate::parallel::map_chunks(1 + refs + bools, build)
        } else {
            (0..1 + refs + bools).map(build).collect()
        };
        for part in parts {
            match part {
                Part::Rows(rows) => table.rows = rows,
                Part::Ref(ix, index) => {
                    table.index.insert(ix, index);
                }
                Part::Bool(ix, sets) => {
                    table.bools.insert(ix, sets);
                }
            }
        }
        table.order = ListOrder::ready(Order::new(sorted_ids(plan, r, &table)));
        let (resource, records) = (&plan.spec.resource(r).name, rows.len());
        tracing::debug!(%resource, records, took = ?started.elapsed(), "table built");
        Built { r, table }
    }
}

/// Sorted `items` in the order that fills tree nodes: the even positions, then the odd.
/// The trees split a full node in halves, so keys inserted in order leave every node half
/// empty; the second pass fills the gaps the first one left.
pub(super) fn densely<T>(items: impl ExactSizeIterator<Item = T>) -> impl Iterator<Item = T> {
    let (mut even, mut odd) = (Vec::with_capacity(items.len() / 2 + 1), Vec::with_capacity(items.len() / 2));
    for (i, item) in items.enumerate() {
        if i % 2 == 0 { even.push(item) } else { odd.push(item) }
    }
    even.into_iter().chain(odd)
}

/// One part of a table built at once.
enum Part {
    Rows(OrdMap<i64, Rec>),
    Ref(FieldIx, OrdMap<i64, IdSet>),
    Bool(FieldIx, [IdSet; 2]),
}

/// Target id → ids of the records pointing at it through field `ix` (`rows` ids ascending).
fn ref_index(rows: &[(i64, Rec)], ix: FieldIx) -> OrdMap<i64, IdSet> {
    let mut pairs = Vec::with_capacity(rows.len());
    pairs.extend(rows.iter().filter_map(|(id, rec)| Some((ref_id(rec.get(ix))?, *id))));
    let pairs = by_target(pairs);
    let mut ids = Vec::new();
    let sets: Vec<(i64, IdSet)> = pairs
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| {
            ids.clear();
            ids.extend(run.iter().map(|(_, id)| *id));
            (run[0].0, IdSet::from_sorted(&ids))
        })
        .collect();
    densely(sets.into_iter()).collect()
}

/// (target, id) pairs, ids ascending, sorted by target (ids still ascending within one):
/// counted into place when the targets' ids are dense (seeded and stored ones are), in
/// one pass instead of a comparison sort of a million pairs.
fn by_target(pairs: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    let (Some(low), Some(high)) = (pairs.iter().map(|p| p.0).min(), pairs.iter().map(|p| p.0).max()) else {
        return pairs;
    };
    let span = high.checked_sub(low).and_then(|d| usize::try_from(d).ok()).filter(|d| *d < 4 * pairs.len() + 4096);
    let Some(span) = span else {
        let mut pairs = pairs;
        pairs.sort_unstable();
        return pairs;
    };
    let slot = |target: i64| usize::try_from(target - low).unwrap_or(0);
    // next[k]: where the next pair of the k-th target goes.
    let mut next = vec![0usize; span + 2];
    for (target, _) in &pairs {
        next[slot(*target) + 1] += 1;
    }
    for k in 1..next.len() {
        next[k] += next[k - 1];
    }
    let mut sorted = vec![(0, 0); pairs.len()];
    for pair in pairs {
        let at = &mut next[slot(pair.0)];
        sorted[*at] = pair;
        *at += 1;
    }
    sorted
}

/// [ids where field `ix` is false, ids where it is true].
fn bool_index(rows: &[(i64, Rec)], ix: FieldIx) -> [IdSet; 2] {
    let [mut no, mut yes] = [Vec::new(), Vec::new()];
    for (id, rec) in rows {
        match bool_of(rec.get(ix)) {
            Some(true) => yes.push(*id),
            Some(false) => no.push(*id),
            None => {}
        }
    }
    [IdSet::from_sorted(&no), IdSet::from_sorted(&yes)]
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::store::Cell;

    type RefIndexes = HashMap<FieldIx, OrdMap<i64, IdSet>>;

    #[test]
    fn pairs_are_put_in_target_order_whether_targets_are_dense_or_sparse() {
        for spread in [1, 1_000_000_007] {
            let pairs: Vec<(i64, i64)> = (0..500).map(|id| ((id * 7919) % 13 * spread - 40, id)).collect();
            let mut want = pairs.clone();
            want.sort_unstable();
            assert_eq!(by_target(pairs), want, "targets {spread} apart");
        }
        assert!(by_target(Vec::new()).is_empty());
        assert_eq!(by_target(vec![(i64::MAX, 2), (i64::MIN, 1)]), vec![(i64::MIN, 1), (i64::MAX, 2)]);
    }

    #[test]
    fn loading_a_table_builds_the_same_indexes_as_putting_its_records_one_by_one() {
        let plan = Plan::harvest();
        let seeded = crate::seed::seed(&plan, &[], 7, 1.0, chrono::Utc::now(), &crate::seed::Progress::default());
        let entries = plan.spec.resource_named("time_entry").unwrap_or_else(|| panic!("no time_entry"));
        let mut rows: Vec<(i64, Rec)> =
            seeded.tables[entries].rows.iter().map(|(id, rec)| (*id, rec.clone())).collect();
        assert!(rows.len() > 100, "the seed has time entries to load");
        // Out of order, with a stale duplicate first: the last record of an id wins.
        rows.reverse();
        let (first_id, first) = rows[0].clone();
        let mut stale = first.clone();
        if let Some(ix) = plan.res[entries].ix("user") {
            stale[ix] = Some(Cell::Int(-5));
        }
        rows.insert(0, (first_id, stale));
        let mut by_one = Store::empty(&plan);
        for (id, rec) in rows.iter().rev().filter(|(id, _)| *id != first_id) {
            by_one.put(&plan, entries, *id, rec.clone());
        }
        by_one.put(&plan, entries, first_id, first);
        let mut bulk = Store::empty(&plan);
        bulk.load(&plan, entries, rows);
        let (a, b) = (&by_one.tables[entries], &bulk.tables[entries]);
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.next_id, b.next_id);
        let index: RefIndexes = a.index.clone().into_iter().filter(|(_, m)| !m.is_empty()).collect();
        assert_eq!(index, b.index.clone().into_iter().filter(|(_, m)| !m.is_empty()).collect::<RefIndexes>());
        assert!(!b.index.values().all(OrdMap::is_empty), "the ref indexes hold something");
        for (ix, sets) in &a.bools {
            assert_eq!(Some(sets), b.bools.get(ix), "boolean index of field {ix:?}");
        }
        assert!(b.index.values().all(|m| !m.contains_key(&-5)), "the stale duplicate was dropped");
    }
}
