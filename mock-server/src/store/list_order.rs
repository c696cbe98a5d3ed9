//! A table's cached list order and how it follows writes: the ids written
//! since it was built are noted, and the next list moves just those ids into
//! place instead of sorting the whole table again (a create or a timer
//! started among a million time entries costs milliseconds, not a sort).

use std::cmp::Ordering;
use std::sync::{Arc, OnceLock};

use harvest_spec::ir::ResourceId;

use super::order::{Order, compare_ids, sorted_ids};
use super::{Store, Table};
use crate::plan::Plan;

/// Written ids past this share of the table (or past [`PATCH_MIN`]) make a full sort cheaper.
const PATCH_SHARE: usize = 32;
/// Written ids up to this many are always moved into place.
const PATCH_MIN: usize = 64;

/// A table's ids in list order: built on first use, patched after writes.
#[derive(Debug, Clone, Default)]
pub struct ListOrder {
    /// The order as it stands, once built.
    current: OnceLock<Arc<Order>>,
    /// The last order built and the ids written since (created, deleted, or with a sort
    /// field changed), while few enough to move into place.
    stale: Option<(Arc<Order>, Vec<i64>)>,
}

impl ListOrder {
    /// An order already built.
    pub fn ready(order: Order) -> ListOrder {
        ListOrder { current: OnceLock::from(Arc::new(order)), stale: None }
    }

    /// Notes that record `id` was written in a way that may move it in the order.
    pub fn moved(&mut self, id: i64) {
        if let Some(order) = self.current.take() {
            self.stale = Some((order, Vec::new()));
        }
        if let Some((order, ids)) = &mut self.stale {
            ids.push(id);
            if ids.len() > PATCH_MIN.max(order.ids.len() / PATCH_SHARE) {
                self.stale = None;
            }
        }
    }
}

impl Store {
    /// The table's ids in list order (built once, then patched after each write).
    pub fn order(&self, plan: &Plan, r: ResourceId) -> Arc<Order> {
        let t = &self.tables[r];
        t.order
            .current
            .get_or_init(|| {
                Arc::new(match &t.order.stale {
                    Some((old, written)) => patched(plan, r, t, old, written),
                    None => Order::new(sorted_ids(plan, r, t)),
                })
            })
            .clone()
    }
}

/// `old` with the `written` ids moved to where they now belong (or gone, when deleted).
fn patched(plan: &Plan, r: ResourceId, table: &Table, old: &Order, written: &[i64]) -> Order {
    let mut written = written.to_vec();
    written.sort_unstable();
    written.dedup();
    let mut out = vec![false; old.ids.len()];
    for at in written.iter().filter_map(|id| old.pos(*id)) {
        out[at] = true;
    }
    let kept: Vec<i64> = old.ids.iter().zip(&out).filter(|(_, out)| !**out).map(|(id, _)| *id).collect();
    let cmp = compare_ids(plan, r, table);
    let mut placed: Vec<i64> = written.into_iter().filter(|id| table.rows.contains_key(id)).collect();
    placed.sort_by(|a, b| cmp(*a, *b));
    let mut ids = Vec::with_capacity(kept.len() + placed.len());
    let mut from = 0;
    for id in placed {
        let at = from + kept[from..].partition_point(|k| cmp(*k, id) == Ordering::Less);
        ids.extend_from_slice(&kept[from..at]);
        ids.push(id);
        from = at;
    }
    ids.extend_from_slice(&kept[from..]);
    Order::new(ids)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;
    use crate::store::Cell;

    fn seeded() -> (Plan, Store) {
        let plan = Plan::harvest();
        let store = crate::seed::seed(&plan, &[], 11, 1.0, chrono::Utc::now(), &crate::seed::Progress::default());
        (plan, store)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn a_patched_order_is_the_order_a_full_sort_gives(
            writes in proptest::collection::vec((0u8..4, 0usize..10_000, 0i64..40), 1..60),
        ) {
            let (plan, mut store) = seeded();
            let Some(r) = plan.spec.resource_named("time_entry") else { panic!("no time_entry") };
            let (Some(date), Some(notes)) = (plan.res[r].ix("spent_date"), plan.res[r].ix("notes")) else {
                panic!("time entries have a spent date and notes")
            };
            store.order(&plan, r);
            for (kind, pick, day) in writes {
                let ids: Vec<i64> = store.tables[r].rows.keys().copied().collect();
                let id = ids[pick % ids.len()];
                match kind {
                    0 => store.set_at(&plan, r, id, date, Cell::from(Value::String(format!("2025-01-{:02}", day % 28 + 1)))),
                    1 => store.set_at(&plan, r, id, date, Cell::Null),
                    2 => {
                        let rec = store.tables[r].rows[&id].clone();
                        let new = store.alloc(r);
                        store.put(&plan, r, new, rec);
                    }
                    _ => {
                        store.remove(&plan, r, id);
                    }
                }
                store.set_at(&plan, r, ids[(pick + 1) % ids.len()], notes, Cell::from(Value::String("not a sort field".into())));
            }
            let patched = store.order(&plan, r);
            prop_assert!(store.tables[r].order.stale.is_some(), "the order was patched, not rebuilt");
            prop_assert_eq!(&patched.ids, &sorted_ids(&plan, r, &store.tables[r]));
            for (at, id) in patched.ids.iter().enumerate() {
                prop_assert_eq!(patched.pos(*id), Some(at));
            }
        }
    }

    #[test]
    fn too_many_writes_sort_the_table_again() {
        let (plan, mut store) = seeded();
        let Some(r) = plan.spec.resource_named("time_entry") else { panic!("no time_entry") };
        store.order(&plan, r);
        let ids: Vec<i64> = store.tables[r].rows.keys().copied().collect();
        for id in ids.iter().take(PATCH_MIN + ids.len() / PATCH_SHARE + 1) {
            store.tables[r].order.moved(*id);
        }
        assert!(store.tables[r].order.stale.is_none());
        assert_eq!(store.order(&plan, r).ids, sorted_ids(&plan, r, &store.tables[r]));
    }
}
