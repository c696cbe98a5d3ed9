//! `match` refs of a seeded record: a target whose ref fields equal ours,
//! chosen so that the record's later `match` refs still have a target
//! (a time entry's user assignment must be on a project with task assignments).

use harvest_spec::ir::{RefSource, ResourceId};
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::Gen;
use crate::plan::{FieldIx, Plan};
use crate::store::{Cell, Draft, ref_id};

/// A `match` ref with its pairs resolved to (target position, our position).
pub(super) struct Match {
    ix: FieldIx,
    target: ResourceId,
    pairs: Vec<(FieldIx, FieldIx)>,
}

/// The `match` refs of `r`, in field order.
pub(super) fn matches_of(plan: &Plan, r: ResourceId) -> Vec<Match> {
    let info = &plan.res[r];
    info.refs
        .iter()
        .filter_map(|rf| {
            let RefSource::Match(pairs) = &rf.source else { return None };
            let tinfo = &plan.res[rf.target];
            let pairs = pairs.iter().filter_map(|(tf, of)| Some((tinfo.ix(tf)?, info.ix(of)?))).collect();
            Some(Match { ix: rf.ix, target: rf.target, pairs })
        })
        .collect()
}

impl Gen<'_> {
    /// Sets every `match` ref of `rec`, copying the chosen target's fields into
    /// the ones still unset. A ref with no target left is null.
    pub(super) fn match_refs(&self, r: ResourceId, rec: &mut Draft, rng: &mut ChaCha8Rng) {
        let matches = &self.matches[r];
        for (k, m) in matches.iter().enumerate() {
            let mut pool = self.candidates(m, rec);
            // Draw as before; a target that would leave a later ref without one is
            // struck off and the draw repeated, so accounts that never hit one are unchanged.
            let chosen = loop {
                let pick = match &pool {
                    Some(c) => c.choose(rng).copied(),
                    None => self.pick(m.target, rng),
                };
                let Some(cid) = pick else { break None };
                if self.leaves_room(m, cid, &matches[k + 1..], rec) {
                    break Some(cid);
                }
                pool.get_or_insert_with(|| self.ids[m.target].clone()).retain(|x| *x != cid);
            };
            rec[m.ix] = Some(chosen.map_or(Cell::Null, Cell::Int));
            if let Some(cid) = chosen {
                self.fill(m, cid, rec);
            }
        }
    }

    /// Targets whose fields equal the ones `rec` already has; `None` when it
    /// has none of them yet (any target will do).
    fn candidates(&self, m: &Match, rec: &Draft) -> Option<Vec<i64>> {
        let mut candidates: Option<Vec<i64>> = None;
        for &(tix, oix) in &m.pairs {
            if let Some(v) = ref_id(rec.get(oix)) {
                let ids = self.drawn.referring(m.target, tix, v);
                candidates = Some(match candidates {
                    Some(c) => c.into_iter().filter(|x| ids.binary_search(x).is_ok()).collect(),
                    None => ids.to_vec(),
                });
            }
        }
        candidates
    }

    /// Copies target `cid`'s matched fields into the ones `rec` has not set.
    fn fill(&self, m: &Match, cid: i64, rec: &mut Draft) {
        let target = self.drawn.get(m.target, cid);
        for &(tix, oix) in &m.pairs {
            if rec[oix].is_none() {
                let v = target.and_then(|x| x.get(tix)).cloned().flatten();
                rec[oix] = Some(v.unwrap_or(Cell::Null));
            }
        }
    }

    /// Whether choosing `cid` for `m` leaves every one of `later` a target: each later ref
    /// must find a target whose fields equal the ones `rec` would then hold (its own, or
    /// those `cid` fills in). Nothing is copied or collected.
    fn leaves_room(&self, m: &Match, cid: i64, later: &[Match], rec: &Draft) -> bool {
        if later.is_empty() {
            return true;
        }
        let target = self.drawn.get(m.target, cid);
        let after = |oix: FieldIx| match rec.get(oix) {
            Some(Some(_)) => ref_id(rec.get(oix)),
            _ => {
                let (tix, _) = m.pairs.iter().find(|(_, o)| *o == oix)?;
                ref_id(target?.get(*tix))
            }
        };
        later.iter().all(|l| {
            let mut lists =
                l.pairs.iter().filter_map(|&(tix, oix)| Some(self.drawn.referring(l.target, tix, after(oix)?)));
            let Some(first) = lists.next() else { return true };
            let rest: Vec<&[i64]> = lists.collect();
            first.iter().any(|id| rest.iter().all(|ids| ids.binary_search(id).is_ok()))
        })
    }
}

/// Whether every ref of `rec` that may not be null points somewhere.
pub(super) fn complete(plan: &Plan, r: ResourceId, rec: &Draft) -> bool {
    let fields = &plan.spec.resource(r).fields;
    plan.res[r].refs.iter().all(|rf| fields[rf.ix.0].nullable || ref_id(rec.get(rf.ix)).is_some())
}
