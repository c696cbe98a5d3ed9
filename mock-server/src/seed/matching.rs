//! `match` refs of a seeded record: a target whose ref fields equal ours,
//! chosen so that the record's later `match` refs still have a target
//! (a time entry's user assignment must be on a project with task assignments).

use harvest_spec::ir::{RefSource, ResourceId};
use rand::Rng;
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

impl Match {
    /// The (table, field) pairs choosing a target reads: the target's matched fields.
    pub(super) fn reads(&self) -> impl Iterator<Item = (ResourceId, FieldIx)> + '_ {
        self.pairs.iter().map(|(tix, _)| (self.target, *tix))
    }
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
            let candidates = self.candidates(m, rec);
            let mut pool = Pool { targets: candidates.as_deref().unwrap_or(&self.ids[m.target]), struck: Vec::new() };
            // A target that would leave a later ref without one is struck off and the draw
            // repeated, so accounts that never hit one are drawn as if it could not happen.
            let chosen = loop {
                let Some((at, cid)) = pool.choose(rng) else { break None };
                if self.leaves_room(m, cid, &matches[k + 1..], rec) {
                    break Some(cid);
                }
                pool.strike(at);
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
        for &(tix, oix) in &m.pairs {
            if rec[oix].is_none() {
                let v = self.drawn.field(m.target, cid, tix).cloned();
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
        let after = |oix: FieldIx| match rec.get(oix) {
            Some(Some(_)) => ref_id(rec.get(oix)),
            _ => {
                let (tix, _) = m.pairs.iter().find(|(_, o)| *o == oix)?;
                self.drawn.field(m.target, cid, *tix).and_then(Cell::as_i64)
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

/// The targets a `match` ref may still take: `targets` but the positions struck off. A draw
/// from it takes the same random numbers, and gives the same target, as `choose` on a copy of
/// the targets with the struck ones removed, without making that copy (a strike off the whole
/// table would copy every id of it).
struct Pool<'p> {
    targets: &'p [i64],
    /// Positions in `targets`, ascending.
    struck: Vec<usize>,
}

impl Pool<'_> {
    /// (position, target) of a target drawn at random, `None` when none is left.
    fn choose(&self, rng: &mut ChaCha8Rng) -> Option<(usize, i64)> {
        let left = self.targets.len() - self.struck.len();
        if left == 0 {
            return None;
        }
        // The index `choose` would draw on a slice of `left` items...
        let mut at = match u32::try_from(left) {
            Ok(n) => rng.gen_range(0..n) as usize,
            Err(_) => rng.gen_range(0..left),
        };
        // ...is the `at`-th target left: each struck position at or before it moves it one on.
        for &s in &self.struck {
            if s > at {
                break;
            }
            at += 1;
        }
        Some((at, *self.targets.get(at)?))
    }

    /// Takes the target at `at` out of the draw.
    fn strike(&mut self, at: usize) {
        if let Err(i) = self.struck.binary_search(&at) {
            self.struck.insert(i, at);
        }
    }
}

/// Whether every ref of `rec` that may not be null points somewhere.
pub(super) fn complete(plan: &Plan, r: ResourceId, rec: &Draft) -> bool {
    let fields = &plan.spec.resource(r).fields;
    plan.res[r].refs.iter().all(|rf| fields[rf.ix.0].nullable || ref_id(rec.get(rf.ix)).is_some())
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;

    use super::*;

    #[test]
    fn a_pool_draws_what_choose_draws_from_a_copy_without_the_struck_targets() {
        let targets: Vec<i64> = (100..160).collect();
        for seed in 0..50 {
            let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(seed), ChaCha8Rng::seed_from_u64(seed));
            let mut pool = Pool { targets: &targets, struck: Vec::new() };
            let mut copy = targets.clone();
            while let Some((at, id)) = pool.choose(&mut a) {
                assert_eq!(Some(id), copy.choose(&mut b).copied(), "seed {seed}");
                assert_eq!(targets[at], id);
                pool.strike(at);
                copy.retain(|x| *x != id);
            }
            assert!(copy.is_empty(), "every target was drawn once");
        }
    }
}
