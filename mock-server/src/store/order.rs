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
    // Look every record up once (no per-record allocation: this runs over whole tables), then sort.
    let mut keyed: Vec<(Option<&Rec>, i64)> = ids.iter().map(|id| (table.rows.get(id), *id)).collect();
    fn key<'a>(rec: Option<&'a Rec>, ix: FieldIx, null: &'a Cell) -> &'a Cell {
        rec.and_then(|rec| rec.value(ix)).unwrap_or(null)
    }
    keyed.sort_by(|(ra, a), (rb, b)| {
        for (ix, desc) in sort {
            let o = key(*ra, *ix, &null).cmp_cell(key(*rb, *ix, &null)).unwrap_or(Ordering::Equal);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        b.cmp(a)
    });
    keyed.into_iter().map(|(_, id)| id).collect()
}
