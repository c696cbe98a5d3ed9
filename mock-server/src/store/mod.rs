//! The in-memory store: one table per resource, records in spec field order,
//! and indexes on every top-level ref field and filterable boolean.
//!
//! Tables, indexes and records are persistent structures (`imbl`): cloning a
//! store shares everything with the original, and a write to either copies
//! only the record and the few tree nodes on its path. That is what makes a
//! new tenant or a snapshot cost microseconds whatever the account's size.

mod bulk;
mod cell;
mod durable;
mod files;
mod id_set;
mod list_order;
mod order;
mod record;
mod record_json;

pub use bulk::Built;
pub use cell::{Cell, cmp_json};
pub use durable::Durable;
pub use files::{Files, StoredFile};
pub use id_set::IdSet;
pub use list_order::ListOrder;
pub use order::Order;
pub use record::{Draft, Rec};

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

use imbl::OrdMap;

use harvest_spec::ir::ResourceId;

use crate::plan::{FieldIx, PerResource, Plan};

/// The id a ref value points at.
pub fn ref_id(v: Option<&Option<Cell>>) -> Option<i64> {
    v.and_then(|v| v.as_ref()).and_then(Cell::as_i64)
}

/// The boolean a stored field holds.
fn bool_of(v: Option<&Option<Cell>>) -> Option<bool> {
    v.and_then(|v| v.as_ref()).and_then(Cell::as_bool)
}

/// The records of one resource.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Records by id.
    pub rows: OrdMap<i64, Rec>,
    /// Next id to hand out.
    pub next_id: i64,
    /// Ref field position → target id → record ids.
    pub index: HashMap<FieldIx, OrdMap<i64, IdSet>>,
    /// Indexed boolean field position → [ids where false, ids where true].
    pub bools: HashMap<FieldIx, [IdSet; 2]>,
    /// Ids in the resource's default list order, built on first use and patched after writes.
    pub order: ListOrder,
    /// Tick of the last change to any record (see [`Store::stamp`]).
    version: u64,
}

/// Ticks handed to table versions; process-wide so that no two states of
/// any table, in any store, ever share one.
static CLOCK: AtomicU64 = AtomicU64::new(1);

/// A write to a field the resource does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("resource {resource} has no field {field}")]
pub struct UnknownField {
    /// The resource written to.
    pub resource: String,
    /// The field name that is not one of its fields.
    pub field: String,
}

/// The whole account.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// One table per resource, in spec order.
    pub tables: PerResource<Table>,
    /// Id of the user the token acts as.
    pub me: i64,
    /// Teammates per manager.
    pub teammates: BTreeMap<i64, Vec<i64>>,
    /// Counter for ids of nested items (line items).
    pub next_item_id: i64,
    /// Seed the data was generated from.
    pub seed: u64,
    /// Scale the data was generated at.
    pub scale: f64,
    /// Uploaded files (receipts).
    pub files: Files,
    /// How many writes the account has taken (a state database is durable up to a number).
    pub generation: u64,
}

impl Store {
    /// An empty store with one table per resource.
    pub fn empty(plan: &Plan) -> Store {
        let tables = (0..plan.spec.resources.len())
            .map(|i| Table { next_id: 1_000_000 * (i as i64 + 1) + 1, version: tick(), ..Table::default() })
            .collect();
        Store {
            tables,
            me: 0,
            teammates: BTreeMap::new(),
            next_item_id: 900_000_001,
            seed: 0,
            scale: 1.0,
            files: Files::default(),
            generation: 0,
        }
    }

    /// A value that changes whenever a record of any of `tables` changes.
    pub fn stamp(&self, tables: &[ResourceId]) -> u64 {
        tables.iter().filter_map(|t| self.tables.get(*t)).map(|t| t.version).max().unwrap_or(0)
    }

    /// Hands out a fresh id of a resource.
    pub fn alloc(&mut self, r: ResourceId) -> i64 {
        let t = &mut self.tables[r];
        let id = t.next_id;
        t.next_id += 1;
        id
    }

    /// Hands out an id for a nested item.
    pub fn alloc_item(&mut self) -> i64 {
        let id = self.next_item_id;
        self.next_item_id += 1;
        id
    }

    /// A record.
    pub fn get(&self, r: ResourceId, id: i64) -> Option<&Rec> {
        self.tables.get(r).and_then(|t| t.rows.get(&id))
    }

    /// Inserts or replaces a record, keeping indexes right.
    pub fn put(&mut self, plan: &Plan, r: ResourceId, id: i64, rec: Rec) {
        let old = self.tables[r].rows.remove(&id);
        for ix in plan.res[r].indexed() {
            let before = old.as_ref().map(|o| o.get(ix));
            self.reindex_field(plan, r, id, ix, before.flatten(), rec.get(ix));
        }
        let t = &mut self.tables[r];
        t.rows.insert(id, rec);
        t.order.moved(id);
        t.version = tick();
        if id >= t.next_id {
            t.next_id = id + 1;
        }
    }

    /// Removes a record, keeping indexes right.
    pub fn remove(&mut self, plan: &Plan, r: ResourceId, id: i64) -> Option<Rec> {
        let old = self.tables[r].rows.remove(&id)?;
        for ix in plan.res[r].indexed() {
            self.reindex_field(plan, r, id, ix, old.get(ix), None);
        }
        self.tables[r].order.moved(id);
        self.tables[r].version = tick();
        Some(old)
    }

    /// Moves record `id` in the index of field `ix` from its old value to its new one.
    fn reindex_field(
        &mut self,
        plan: &Plan,
        r: ResourceId,
        id: i64,
        ix: FieldIx,
        before: Option<&Option<Cell>>,
        after: Option<&Option<Cell>>,
    ) {
        let t = &mut self.tables[r];
        if plan.res[r].bools.contains(&ix) {
            let (old, new) = (bool_of(before), bool_of(after));
            if old == new {
                return;
            }
            let sets = t.bools.entry(ix).or_default();
            if let Some(b) = old {
                sets[usize::from(b)].remove(id);
            }
            if let Some(b) = new {
                sets[usize::from(b)].insert(id);
            }
            return;
        }
        let (old, new) = (ref_id(before), ref_id(after));
        if old == new {
            return;
        }
        let m = t.index.entry(ix).or_default();
        if let Some(target) = old
            && let Some(set) = m.get_mut(&target)
        {
            set.remove(id);
            if set.is_empty() {
                m.remove(&target);
            }
        }
        if let Some(target) = new {
            m.entry(target).or_default().insert(id);
        }
    }

    /// Ids of records of `r` whose indexed boolean field `ix` is `value`; `None` when not indexed.
    pub fn with_bool(&self, r: ResourceId, ix: FieldIx, value: bool) -> Option<&IdSet> {
        self.tables.get(r)?.bools.get(&ix).map(|sets| &sets[usize::from(value)])
    }

    /// Ids of records of `r` whose ref field `ix` points at `target`.
    pub fn referring(&self, r: ResourceId, ix: FieldIx, target: i64) -> Vec<i64> {
        self.tables[r].index.get(&ix).and_then(|m| m.get(&target)).map(|s| s.iter().collect()).unwrap_or_default()
    }

    /// The value of a named field of a record.
    pub fn field<'a>(&'a self, plan: &Plan, r: ResourceId, id: i64, name: &str) -> Option<&'a Cell> {
        let ix = plan.res[r].ix(name)?;
        self.get(r, id)?.get(ix)?.as_ref()
    }

    /// Sets a named field of a record (nothing when there is no such record);
    /// a field the resource does not have is an error.
    pub fn set(
        &mut self,
        plan: &Plan,
        r: ResourceId,
        id: i64,
        name: &str,
        v: impl Into<Cell>,
    ) -> Result<(), UnknownField> {
        let ix = plan.res[r]
            .ix(name)
            .ok_or_else(|| UnknownField { resource: plan.spec.resource(r).name.clone(), field: name.to_string() })?;
        self.set_at(plan, r, id, ix, v);
        Ok(())
    }

    /// Sets the field at position `ix` of a record, keeping indexes and the
    /// list order right (nothing when there is no such record or position).
    pub fn set_at(&mut self, plan: &Plan, r: ResourceId, id: i64, ix: FieldIx, v: impl Into<Cell>) {
        let Some(slot) = self.tables[r].rows.get_mut(&id).and_then(|rec| rec.get_mut(ix)) else { return };
        let old = slot.replace(v.into());
        self.field_changed(plan, r, id, ix, Some(old));
    }

    /// Changes the field at position `ix` of a record in place (a large JSON value, such as
    /// line items, without copying it), keeping indexes and the list order right like
    /// [`Store::set_at`]; `None`, and nothing changed, when the record or the value is absent.
    pub fn edit_at<T>(
        &mut self,
        plan: &Plan,
        r: ResourceId,
        id: i64,
        ix: FieldIx,
        edit: impl FnOnce(&mut Cell) -> T,
    ) -> Option<T> {
        let slot = self.tables[r].rows.get_mut(&id)?.get_mut(ix)?;
        let old = indexed(plan, r, ix).then(|| slot.clone());
        let out = edit(slot.as_mut()?);
        self.field_changed(plan, r, id, ix, old);
        Some(out)
    }

    /// What follows a change of field `ix` of record `id` (from `old`, needed only when the
    /// field is indexed): its index entry moves, the list order is rebuilt when the field
    /// sorts it, and the table's version moves.
    fn field_changed(&mut self, plan: &Plan, r: ResourceId, id: i64, ix: FieldIx, old: Option<Option<Cell>>) {
        if let Some(old) = old.filter(|_| indexed(plan, r, ix)) {
            let new = self.get(r, id).and_then(|rec| rec.get(ix)).cloned().flatten();
            self.reindex_field(plan, r, id, ix, Some(&old), Some(&new));
        }
        if plan.res[r].sort.iter().any(|(s, _)| *s == ix) {
            self.tables[r].order.moved(id);
        }
        self.tables[r].version = tick();
    }

    /// The id a named ref field points at.
    pub fn ref_of(&self, plan: &Plan, r: ResourceId, id: i64, name: &str) -> Option<i64> {
        self.field(plan, r, id, name).and_then(Cell::as_i64)
    }

    /// A named numeric field.
    pub fn num(&self, plan: &Plan, r: ResourceId, id: i64, name: &str) -> Option<f64> {
        self.field(plan, r, id, name).and_then(Cell::as_f64)
    }
}

/// Whether field `ix` of `r` has an index (a ref, or an indexed boolean).
fn indexed(plan: &Plan, r: ResourceId, ix: FieldIx) -> bool {
    plan.res[r].ref_at(ix).is_some() || plan.res[r].bools.contains(&ix)
}

/// A fresh tick of the clock.
fn tick() -> u64 {
    CLOCK.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_edited_in_place_moves_in_its_index_and_stamps_the_table() {
        let plan = Plan::harvest();
        let mut store = crate::seed::seed(&plan, &[], 7, 1.0, chrono::Utc::now(), &crate::seed::Progress::default());
        let entries = plan.spec.resource_named("time_entry").unwrap_or_else(|| panic!("no time_entry"));
        let ix = plan.res[entries].ix("user").unwrap_or_else(|| panic!("no user field"));
        let (id, user) = store.tables[entries]
            .rows
            .iter()
            .find_map(|(id, rec)| Some((*id, ref_id(rec.get(ix))?)))
            .unwrap_or_else(|| panic!("no time entry with a user"));
        let other = user + 1;
        let version = store.tables[entries].version;
        assert_eq!(store.edit_at(&plan, entries, id, ix, |cell| *cell = Cell::Int(other)), Some(()));
        assert!(store.referring(entries, ix, other).contains(&id), "indexed under the new user");
        assert!(!store.referring(entries, ix, user).contains(&id), "gone from the old user's");
        assert_ne!(store.tables[entries].version, version, "the table's version moves");
        assert_eq!(store.edit_at(&plan, entries, -1, ix, |_| ()), None, "no such record: nothing done");
    }
}
