//! The tables seeded so far as drawing reads them: each in a plain array by
//! id, and the ref indexes `match` refs search as hash maps. Seeded ids are
//! dense, so a lookup is one array access instead of a walk down a tree;
//! a million time entries make millions of such lookups.

use std::collections::HashMap;

use harvest_spec::ir::{RefSource, ResourceId};

use crate::plan::{FieldIx, PerResource, Plan};
use crate::store::{Rec, ref_id};

/// One table's records by `id - first`.
#[derive(Default)]
struct Dense {
    first: i64,
    recs: Vec<Option<Rec>>,
}

/// Lookups into the tables already seeded.
pub(super) struct Drawn {
    tables: PerResource<Dense>,
    /// (table, ref field) → target id → ids of the table's records pointing at it.
    referring: HashMap<(ResourceId, FieldIx), HashMap<i64, Vec<i64>>>,
    /// Which tables later draws read.
    read: Vec<bool>,
    /// Which (table, field) pairs `match` refs search by.
    searched: Vec<(ResourceId, FieldIx)>,
}

impl Drawn {
    /// Nothing seeded yet; notes which tables and indexes drawing will read.
    pub(super) fn new(plan: &Plan) -> Drawn {
        let mut read = vec![false; plan.spec.resources.len()];
        let mut searched = Vec::new();
        for (_, info) in plan.res.iter() {
            for rf in &info.refs {
                if let Some(slot) = read.get_mut(rf.target.0) {
                    *slot = true;
                }
                if let RefSource::Match(pairs) = &rf.source {
                    let target = &plan.res[rf.target];
                    searched.extend(pairs.iter().filter_map(|(tf, _)| Some((rf.target, target.ix(tf)?))));
                }
            }
        }
        Drawn { tables: plan.res.iter().map(|_| Dense::default()).collect(), referring: HashMap::new(), read, searched }
    }

    /// Takes in table `r`'s records (ids ascending), when later draws read it.
    pub(super) fn add(&mut self, r: ResourceId, rows: &[(i64, Rec)]) {
        if !self.read.get(r.0).copied().unwrap_or(false) {
            return;
        }
        let first = rows.first().map_or(0, |(id, _)| *id);
        let last = rows.last().map_or(first - 1, |(id, _)| *id);
        let mut recs = vec![None; usize::try_from(last - first + 1).unwrap_or(0)];
        for (id, rec) in rows {
            if let Some(slot) = usize::try_from(id - first).ok().and_then(|i| recs.get_mut(i)) {
                *slot = Some(rec.clone());
            }
        }
        self.tables[r] = Dense { first, recs };
        for (t, ix) in self.searched.iter().filter(|(t, _)| *t == r) {
            let mut by_target: HashMap<i64, Vec<i64>> = HashMap::new();
            for (id, rec) in rows {
                if let Some(target) = ref_id(rec.get(*ix)) {
                    by_target.entry(target).or_default().push(*id);
                }
            }
            self.referring.insert((*t, *ix), by_target);
        }
    }

    /// A seeded record.
    pub(super) fn get(&self, r: ResourceId, id: i64) -> Option<&Rec> {
        let t = self.tables.get(r)?;
        t.recs.get(usize::try_from(id - t.first).ok()?)?.as_ref()
    }

    /// Ids (ascending) of the records of `r` whose ref field `ix` points at `target`.
    pub(super) fn referring(&self, r: ResourceId, ix: FieldIx, target: i64) -> &[i64] {
        self.referring.get(&(r, ix)).and_then(|m| m.get(&target)).map_or(&[], Vec::as_slice)
    }
}
