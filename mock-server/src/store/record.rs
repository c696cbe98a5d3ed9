//! One stored record: its values in spec field order, indexed only by
//! [`FieldIx`], so a resource index or an id can never pick a field.

use std::ops::{Index, IndexMut};

use serde::{Deserialize, Serialize};

use super::Cell;
use crate::plan::FieldIx;

/// A record's values in spec field order; `None` = key absent from responses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Rec(Vec<Option<Cell>>);

impl Rec {
    /// A record of `fields` fields, all absent.
    pub fn absent(fields: usize) -> Rec {
        Rec(vec![None; fields])
    }

    /// The slot of a field, if the record has it.
    pub fn get(&self, ix: FieldIx) -> Option<&Option<Cell>> {
        self.0.get(ix.0)
    }

    /// The slot of a field to change, if the record has it.
    pub fn get_mut(&mut self, ix: FieldIx) -> Option<&mut Option<Cell>> {
        self.0.get_mut(ix.0)
    }

    /// The value of a field, when present.
    pub fn value(&self, ix: FieldIx) -> Option<&Cell> {
        self.0.get(ix.0).and_then(Option::as_ref)
    }

    /// Every slot in field order.
    pub fn iter(&self) -> impl Iterator<Item = &Option<Cell>> {
        self.0.iter()
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
        &mut self.0[ix.0]
    }
}
