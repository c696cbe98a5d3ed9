//! Each table's ids in the resource's default list order, built on first use
//! after a write and shared by every list until the next one.

use std::cmp::Ordering;
use std::sync::Arc;

use harvest_spec::ir::ResourceId;

use super::{Cell, Rec, Store};
use crate::plan::{FieldIx, Plan};

/// A table's ids in list order, with each id's position.
#[derive(Debug, Clone, Default)]
pub struct Order {
    /// Ids in order.
    pub ids: Vec<i64>,
    positions: Positions,
}

/// Where each id sits in an [`Order`].
#[derive(Debug, Clone)]
enum Positions {
    /// Ids spanning a range at most twice their number (seeded tables): the position of
    /// `first + i` at `i`, [`u32::MAX`] for an id the table lacks.
    Dense { first: i64, at: Vec<u32> },
    /// Otherwise (id, position), sorted by id.
    Sparse(Vec<(i64, u32)>),
}

impl Default for Positions {
    fn default() -> Positions {
        Positions::Sparse(Vec::new())
    }
}

impl Order {
    /// The order of `ids`.
    pub fn new(ids: Vec<i64>) -> Order {
        let position = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let (first, last) = (ids.iter().min().copied(), ids.iter().max().copied());
        let span = first.zip(last).and_then(|(a, b)| usize::try_from(b - a + 1).ok()).unwrap_or(0);
        let positions = match first {
            Some(first) if span <= 2 * ids.len() + 64 => {
                let mut at = vec![u32::MAX; span];
                for (i, id) in ids.iter().enumerate() {
                    if let Some(slot) = usize::try_from(id - first).ok().and_then(|k| at.get_mut(k)) {
                        *slot = position(i);
                    }
                }
                Positions::Dense { first, at }
            }
            _ => {
                let mut by_id: Vec<(i64, u32)> = ids.iter().enumerate().map(|(i, id)| (*id, position(i))).collect();
                by_id.sort_unstable();
                Positions::Sparse(by_id)
            }
        };
        Order { ids, positions }
    }

    /// The position of `id` in the order.
    pub fn pos(&self, id: i64) -> Option<usize> {
        let p = match &self.positions {
            Positions::Dense { first, at } => *at.get(usize::try_from(id.checked_sub(*first)?).ok()?)?,
            Positions::Sparse(by_id) => by_id.get(by_id.binary_search_by_key(&id, |(k, _)| *k).ok()?)?.1,
        };
        (p != u32::MAX).then_some(p as usize)
    }
}

impl Store {
    /// The table's ids in list order (cached until the next write).
    pub fn order(&self, plan: &Plan, r: ResourceId) -> Arc<Order> {
        self.tables[r]
            .order
            .get_or_init(|| {
                Arc::new(Order::new(sorted_ids(plan, self, r, self.tables[r].rows.keys().copied().collect())))
            })
            .clone()
    }
}

/// Ids in the resource's default order.
fn sorted_ids(plan: &Plan, store: &Store, r: ResourceId, mut ids: Vec<i64>) -> Vec<i64> {
    let sort = &plan.res[r].sort;
    let is_id_desc = sort.len() == 1 && Some(sort[0].0) == plan.res[r].id_ix && sort[0].1;
    if is_id_desc {
        ids.sort_unstable_by(|a, b| b.cmp(a));
        return ids;
    }
    let table = &store.tables[r];
    let null = Cell::Null;
    let id_ix = plan.res[r].id_ix;
    // The first key is copied out of each record, so the sort compares values side by side
    // instead of chasing a pointer per comparison; later keys are looked up only on ties,
    // and the id is the id.
    let Some(&(first, first_desc)) = sort.first() else {
        ids.sort_unstable_by(|a, b| b.cmp(a));
        return ids;
    };
    let mut keyed: Vec<(Cell, i64)> =
        ids.iter().map(|id| (key(table.rows.get(id), first, &null).clone(), *id)).collect();
    fn key<'a>(rec: Option<&'a Rec>, ix: FieldIx, null: &'a Cell) -> &'a Cell {
        rec.and_then(|rec| rec.value(ix)).unwrap_or(null)
    }
    let directed = |o: Ordering, desc: bool| if desc { o.reverse() } else { o };
    crate::parallel::sort_by(&mut keyed, |(ka, a), (kb, b)| {
        let o = directed(ka.cmp_cell(kb).unwrap_or(Ordering::Equal), first_desc);
        if o != Ordering::Equal {
            return o;
        }
        for (ix, desc) in &sort[1..] {
            let o = if Some(*ix) == id_ix {
                a.cmp(b)
            } else {
                let (ra, rb) = (table.rows.get(a), table.rows.get(b));
                key(ra, *ix, &null).cmp_cell(key(rb, *ix, &null)).unwrap_or(Ordering::Equal)
            };
            let o = directed(o, *desc);
            if o != Ordering::Equal {
                return o;
            }
        }
        b.cmp(a)
    });
    keyed.into_iter().map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_found_in_dense_and_sparse_orders_alike() {
        let dense: Vec<i64> = (100..200).rev().filter(|id| id % 7 != 0).collect();
        let sparse: Vec<i64> = vec![5, 1_000_000, 42, -3, 9_999_999_999];
        for ids in [dense, sparse] {
            let order = Order::new(ids.clone());
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(order.pos(*id), Some(i), "id {id}");
            }
            for missing in [98, 105, 1_000_001, i64::MIN, i64::MAX] {
                assert_eq!(order.pos(missing), None, "id {missing}");
            }
        }
        assert_eq!(Order::new(Vec::new()).pos(1), None);
    }
}
