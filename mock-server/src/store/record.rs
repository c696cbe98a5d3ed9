//! One stored record: its values in spec field order, indexed only by
//! [`FieldIx`], so a resource index or an id can never pick a field. The
//! values sit behind one shared pointer: copies of an account (tenants,
//! snapshots) share every record until one of them writes it.

use std::ops::{Index, IndexMut};
use std::sync::Arc;

use super::Cell;
use crate::plan::FieldIx;

/// A record's values in spec field order; `None` = key absent from responses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rec(Arc<[Option<Cell>]>);

impl Rec {
    /// A record of `fields` fields, all absent.
    pub fn absent(fields: usize) -> Rec {
        Rec(vec![None; fields].into())
    }

    /// The slot of a field, if the record has it.
    pub fn get(&self, ix: FieldIx) -> Option<&Option<Cell>> {
        self.0.get(ix.0)
    }

    /// The slot of a field to change, if the record has it; the record's values are
    /// copied first when another copy of the account still shares them.
    pub fn get_mut(&mut self, ix: FieldIx) -> Option<&mut Option<Cell>> {
        Arc::make_mut(&mut self.0).get_mut(ix.0)
    }

    /// The value of a field, when present.
    pub fn value(&self, ix: FieldIx) -> Option<&Cell> {
        self.0.get(ix.0).and_then(Option::as_ref)
    }

    /// Every slot in field order.
    pub fn iter(&self) -> impl Iterator<Item = &Option<Cell>> {
        self.0.iter()
    }

    /// Whether two records share their values (neither was written since one was copied).
    #[cfg(test)]
    pub fn shares_with(&self, other: &Rec) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A record being built: its values in a plain vector, so that each write is a store
/// (a [`Rec`] checks whether its values are shared on every write); made a [`Rec`] when done.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft(Vec<Option<Cell>>);

impl Draft {
    /// A record of `fields` fields, all absent.
    pub fn absent(fields: usize) -> Draft {
        Draft(vec![None; fields])
    }

    /// The slot of a field, if the record has it.
    pub fn get(&self, ix: FieldIx) -> Option<&Option<Cell>> {
        self.0.get(ix.0)
    }

    /// The finished record.
    pub fn into_rec(self) -> Rec {
        Rec(self.0.into())
    }
}

impl Index<FieldIx> for Draft {
    type Output = Option<Cell>;

    fn index(&self, ix: FieldIx) -> &Option<Cell> {
        &self.0[ix.0]
    }
}

impl IndexMut<FieldIx> for Draft {
    fn index_mut(&mut self, ix: FieldIx) -> &mut Option<Cell> {
        &mut self.0[ix.0]
    }
}

impl FromIterator<Option<Cell>> for Rec {
    fn from_iter<I: IntoIterator<Item = Option<Cell>>>(slots: I) -> Rec {
        Rec(slots.into_iter().collect())
    }
}

impl Index<FieldIx> for Rec {
    type Output = Option<Cell>;

    fn index(&self, ix: FieldIx) -> &Option<Cell> {
        &self.0[ix.0]
    }
}

impl IndexMut<FieldIx> for Rec {
    fn index_mut(&mut self, ix: FieldIx) -> &mut Option<Cell> {
        &mut Arc::make_mut(&mut self.0)[ix.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_shares_its_values_until_it_is_written() {
        let original: Rec = [Some(Cell::from(1)), None].into_iter().collect();
        let mut copy = original.clone();
        assert!(copy.shares_with(&original));
        if let Some(slot) = copy.get_mut(FieldIx(1)) {
            *slot = Some(Cell::from("x"));
        }
        assert!(!copy.shares_with(&original), "a write copies the record");
        assert_eq!(original.get(FieldIx(1)), Some(&None), "the original is untouched");
        assert_eq!(copy.value(FieldIx(1)).and_then(Cell::as_str), Some("x"));
    }
}
