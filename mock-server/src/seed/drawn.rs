//! The tables seeded so far as drawing reads them: only the fields later
//! draws read, each in a plain array by id ([`ById`]), so that a million
//! lookups stay in cache instead of following a pointer to a whole record;
//! and the ref indexes `match` refs search, by target id too (in a map when
//! the targets' ids are sparse).

use std::collections::HashMap;

use harvest_spec::ir::ResourceId;

use super::ById;
use crate::plan::{FieldIx, PerResource, Plan};
use crate::store::{Cell, Rec, ref_id};

/// Lookups into the tables already seeded.
pub(super) struct Drawn {
    /// Per table, per field position: the field's values by id, for the fields in `read`.
    columns: PerResource<Vec<Option<ById<Option<Cell>>>>>,
    /// (table, ref field) → target id → ids of the table's records pointing at it.
    referring: HashMap<(ResourceId, FieldIx), ByTarget>,
    /// Which (table, field) pairs later draws read by id.
    read: Vec<(ResourceId, FieldIx)>,
    /// Which (table, field) pairs `match` refs search by.
    searched: Vec<(ResourceId, FieldIx)>,
}

impl Drawn {
    /// Nothing seeded yet; `read` names the fields later draws read by id, `searched` the
    /// (table, ref field) pairs whose ref indexes `match` refs search.
    pub(super) fn new(plan: &Plan, read: Vec<(ResourceId, FieldIx)>, searched: Vec<(ResourceId, FieldIx)>) -> Drawn {
        let columns = plan.spec.resources.iter().map(|res| res.fields.iter().map(|_| None).collect()).collect();
        Drawn { columns, referring: HashMap::new(), read, searched }
    }

    /// Takes in table `r`'s records (ids ascending): the fields later draws read.
    pub(super) fn add(&mut self, r: ResourceId, rows: &[(i64, Rec)]) {
        let first = rows.first().map_or(0, |(id, _)| *id);
        let last = rows.last().map_or(first - 1, |(id, _)| *id);
        for (_, ix) in self.read.iter().filter(|(t, _)| *t == r) {
            let mut column: ById<Option<Cell>> = ById::span(first, last, usize::MAX).unwrap_or_default();
            for (id, rec) in rows {
                if let Some(slot) = column.get_mut(*id) {
                    *slot = rec.get(*ix).cloned().flatten();
                }
            }
            if let Some(at) = self.columns[r].get_mut(ix.0) {
                *at = Some(column);
            }
        }
        for (t, ix) in self.searched.iter().filter(|(t, _)| *t == r) {
            let pairs: Vec<(i64, i64)> =
                rows.iter().filter_map(|(id, rec)| Some((ref_id(rec.get(*ix))?, *id))).collect();
            self.referring.insert((*t, *ix), ByTarget::new(&pairs));
        }
    }

    /// Field `ix` of seeded record `id` of `r`, when the record has it and it is one of the
    /// fields read (see [`Drawn::new`]).
    pub(super) fn field(&self, r: ResourceId, id: i64, ix: FieldIx) -> Option<&Cell> {
        self.columns.get(r)?.get(ix.0)?.as_ref()?.get(id)?.as_ref()
    }

    /// Ids (ascending) of the records of `r` whose ref field `ix` points at `target`.
    pub(super) fn referring(&self, r: ResourceId, ix: FieldIx, target: i64) -> &[i64] {
        self.referring.get(&(r, ix)).map_or(&[], |by| by.get(target))
    }
}

/// Ids of the records pointing at each target: in an array by target id when the targets'
/// ids are dense (seeded ones are), else in a map.
enum ByTarget {
    Dense(ById<Vec<i64>>),
    Sparse(HashMap<i64, Vec<i64>>),
}

impl ByTarget {
    /// From (target, id) pairs, ids ascending.
    fn new(pairs: &[(i64, i64)]) -> ByTarget {
        let first = pairs.iter().map(|(t, _)| *t).min().unwrap_or(0);
        let last = pairs.iter().map(|(t, _)| *t).max().unwrap_or(first);
        match ById::<Vec<i64>>::span(first, last, 4 * pairs.len() + 4096) {
            Some(mut lists) => {
                for (target, id) in pairs {
                    if let Some(list) = lists.get_mut(*target) {
                        list.push(*id);
                    }
                }
                ByTarget::Dense(lists)
            }
            None => {
                let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
                for (target, id) in pairs {
                    map.entry(*target).or_default().push(*id);
                }
                ByTarget::Sparse(map)
            }
        }
    }

    /// The ids pointing at `target`.
    fn get(&self, target: i64) -> &[i64] {
        let list = match self {
            ByTarget::Dense(lists) => lists.get(target),
            ByTarget::Sparse(map) => map.get(&target),
        };
        list.map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_targets_give_the_same_lists() {
        let dense: Vec<(i64, i64)> = (0..300).map(|id| (1000 + id % 7, id)).collect();
        let sparse: Vec<(i64, i64)> = (0..300).map(|id| ((id % 7) * 1_000_000_000, id)).collect();
        let (d, s) = (ByTarget::new(&dense), ByTarget::new(&sparse));
        assert!(matches!(d, ByTarget::Dense(_)) && matches!(s, ByTarget::Sparse(_)));
        for k in 0..7 {
            let want: Vec<i64> = (0..300).filter(|id| id % 7 == k).collect();
            assert_eq!(d.get(1000 + k), want.as_slice());
            assert_eq!(s.get(k * 1_000_000_000), want.as_slice());
        }
        assert!(d.get(999).is_empty() && d.get(2000).is_empty() && s.get(5).is_empty());
    }
}
