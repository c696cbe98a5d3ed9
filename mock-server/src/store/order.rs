//! Each table's ids in the resource's default list order, built on first use
//! after a write and shared by every list until the next one.

use std::cmp::Ordering;
use std::sync::Arc;

use harvest_spec::ir::ResourceId;

use super::{Cell, Order, Rec, Store};
use crate::plan::{FieldIx, Plan};

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
    // instead of chasing a pointer per comparison; later keys are read only on ties, and
    // the id is the id.
    let Some(&(first, first_desc)) = sort.first() else {
        ids.sort_unstable_by(|a, b| b.cmp(a));
        return ids;
    };
    let mut keyed: Vec<(Cell, Option<&Rec>, i64)> = ids
        .iter()
        .map(|id| {
            let rec = table.rows.get(id);
            (key(rec, first, &null).clone(), rec, *id)
        })
        .collect();
    fn key<'a>(rec: Option<&'a Rec>, ix: FieldIx, null: &'a Cell) -> &'a Cell {
        rec.and_then(|rec| rec.value(ix)).unwrap_or(null)
    }
    let directed = |o: Ordering, desc: bool| if desc { o.reverse() } else { o };
    keyed.sort_by(|(ka, ra, a), (kb, rb, b)| {
        let o = directed(ka.cmp_cell(kb).unwrap_or(Ordering::Equal), first_desc);
        if o != Ordering::Equal {
            return o;
        }
        for (ix, desc) in &sort[1..] {
            let o = if Some(*ix) == id_ix {
                a.cmp(b)
            } else {
                key(*ra, *ix, &null).cmp_cell(key(*rb, *ix, &null)).unwrap_or(Ordering::Equal)
            };
            let o = directed(o, *desc);
            if o != Ordering::Equal {
                return o;
            }
        }
        b.cmp(a)
    });
    keyed.into_iter().map(|(_, _, id)| id).collect()
}
