//! Deterministic seeding: every resource in dependency order, relations
//! consistent, one random stream per resource derived from the seed, then
//! the API's own consistency passes ([`SeedPass`]) in the order given.

mod fake;
mod matching;
mod progress;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use harvest_spec::ir::{FakeHint, Field, FieldRole, ID_FIELD, RefSource, ResourceId, Schema, TypeRef};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

pub use fake::anchor;
pub use progress::Progress;

use crate::plan::{FieldIx, PerResource, Plan};
use crate::store::{Cell, Rec, Store, ref_id};
use crate::values::fmt_datetime;

/// A pass over the generated store that makes it consistent with rules the
/// generic generator does not know (an API's totals, timers, histories).
pub trait SeedPass: Send + Sync {
    /// Adjusts the store; `rng` is one stream shared by every pass, in order; `anchor` is
    /// the last instant of the seeded window (see [`anchor`]).
    fn apply(&self, plan: &Plan, store: &mut Store, anchor: DateTime<Utc>, rng: &mut ChaCha8Rng);
}

/// Builds the seeded store, its dates in the window ending at `now`'s hour, counting the
/// resources done in `progress` as it goes.
pub fn seed(
    plan: &Plan,
    passes: &[Box<dyn SeedPass>],
    seed: u64,
    scale: f64,
    now: DateTime<Utc>,
    progress: &Progress,
) -> Store {
    let anchor = anchor(now);
    progress.begin(plan.seed_order.len());
    let mut g =
        Gen { plan, store: Store::empty(plan), ids: plan.res.iter().map(|_| Vec::new()).collect(), counter: 0, anchor };
    g.store.seed = seed;
    g.store.scale = scale;
    for rid in &plan.seed_order {
        let r = *rid;
        let res = &plan.spec.resource(r);
        let count = if res.singleton {
            1
        } else if res.seed_count == 0 {
            0
        } else {
            ((f64::from(res.seed_count) * scale).round() as usize).max(1)
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv(&res.name));
        let mut seen: Vec<HashSet<Vec<i64>>> = vec![HashSet::new(); plan.res[r].unique_keys.len()];
        for _ in 0..count {
            let id = if res.singleton { 1 } else { g.store.alloc(r) };
            let mut rec = g.record(r, id, &mut rng);
            // Keep `match` targets unique (one user assignment per project and user) and refs
            // that may not be null pointing somewhere; a small account may run out of pairs or
            // targets, and then has fewer records rather than duplicates or dangling refs.
            let mut kept = false;
            for _ in 0..12 {
                let keys: Vec<Vec<i64>> = plan.res[r]
                    .unique_keys
                    .iter()
                    .map(|k| k.iter().map(|ix| ref_id(rec.get(*ix)).unwrap_or(0)).collect())
                    .collect();
                if keys.iter().zip(&seen).all(|(k, s)| !s.contains(k)) && matching::complete(plan, r, &rec) {
                    for (k, s) in keys.into_iter().zip(seen.iter_mut()) {
                        s.insert(k);
                    }
                    kept = true;
                    break;
                }
                rec = g.record(r, id, &mut rng);
            }
            if !kept {
                continue;
            }
            g.store.put(plan, r, id, rec);
            g.ids[r].push(id);
        }
        g.balance_flags(r, &mut rng);
        progress.step();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
    for pass in passes {
        pass.apply(plan, &mut g.store, anchor, &mut rng);
    }
    g.store
}

/// FNV-1a, to derive one stream per resource name.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

struct Gen<'a> {
    plan: &'a Plan,
    store: Store,
    ids: PerResource<Vec<i64>>,
    counter: u64,
    anchor: DateTime<Utc>,
}

/// The least share of records a mostly-true or mostly-false flag gives its other value
/// (archived clients, locked entries): a list filtered either way is never empty.
const MINORITY_SHARE: f64 = 0.15;

impl Gen<'_> {
    /// Makes every mostly-true or mostly-false flag of `r` take its rarer value on at least
    /// [`MINORITY_SHARE`] of at least three records (chance alone leaves some small tables
    /// without a single archived record).
    fn balance_flags(&mut self, r: ResourceId, rng: &mut ChaCha8Rng) {
        let plan = self.plan;
        let ids = &self.ids[r];
        if ids.len() < 3 {
            return;
        }
        let want = ((ids.len() as f64 * MINORITY_SHARE).round() as usize).max(1);
        for (ix, f) in plan.spec.resource(r).fields.iter().enumerate() {
            let rare = match f.fake {
                Some(FakeHint::BooleanMostlyTrue) if f.seed.is_none() => false,
                Some(FakeHint::BooleanMostlyFalse) if f.seed.is_none() => true,
                _ => continue,
            };
            let ix = FieldIx(ix);
            let mut common: Vec<i64> = ids
                .iter()
                .copied()
                .filter(|id| self.store.get(r, *id).and_then(|rec| rec.value(ix)).and_then(Cell::as_bool) != Some(rare))
                .collect();
            let have = ids.len() - common.len();
            common.shuffle(rng);
            for id in common.into_iter().take(want.saturating_sub(have)) {
                self.store.set_at(plan, r, id, ix, Cell::Bool(rare));
            }
        }
    }

    fn pick(&self, r: ResourceId, rng: &mut ChaCha8Rng) -> Option<i64> {
        self.ids[r].choose(rng).copied()
    }

    fn record(&mut self, r: ResourceId, id: i64, rng: &mut ChaCha8Rng) -> Rec {
        let plan = self.plan;
        let res = &plan.spec.resource(r);
        let info = &plan.res[r];
        let mut rec = Rec::absent(res.fields.len());
        if let Some(ix) = info.id_ix {
            rec[ix] = Some(Cell::Int(id));
        }
        // 1. `match` refs pick a target and copy its ref fields into ours.
        self.match_refs(r, &mut rec, rng);
        // 2. Input and server refs.
        for rf in &info.refs {
            if rec[rf.ix].is_some() || matches!(rf.source, RefSource::Derive { .. } | RefSource::Match(_)) {
                continue;
            }
            let f = &res.fields[rf.ix.0];
            let server = matches!(rf.source, RefSource::Server);
            let v = if f.nullable && ((server && !rng.gen_bool(0.25)) || (!server && rng.gen_bool(0.1))) {
                None
            } else {
                self.pick(rf.target, rng)
            };
            rec[rf.ix] = Some(v.map_or(Cell::Null, Cell::Int));
        }
        // 3. Derived refs.
        for rf in &info.refs {
            let RefSource::Derive { through, field } = &rf.source else { continue };
            let v = info.ix(through).and_then(|ix| ref_id(rec.get(ix))).and_then(|tid| {
                let tr = info.ref_at(info.ix(through)?)?.target;
                let fix = plan.res[tr].ix(field)?;
                self.store.get(tr, tid)?.get(fix).cloned().flatten()
            });
            rec[rf.ix] = Some(v.unwrap_or(Cell::Null));
        }
        // 4. Everything else.
        for (ix, f) in res.fields.iter().enumerate() {
            if rec[FieldIx(ix)].is_some() {
                continue;
            }
            rec[FieldIx(ix)] = self.field(f, rng).map(Cell::from);
        }
        // 5. Timestamps: created_at <= updated_at <= anchor.
        if let (Some(c), Some(u)) = (info.role(FieldRole::CreatedAt), info.role(FieldRole::UpdatedAt)) {
            // Work is recorded on the day it was done; other records any time in the window.
            let day = info
                .role(FieldRole::RecordedOn)
                .and_then(|ix| rec[ix].as_ref())
                .and_then(Cell::as_str)
                .and_then(crate::values::parse_date)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc());
            let (created, spread) = match day {
                Some(d) => (d + Duration::seconds(rng.gen_range(8 * 3600..20 * 3600)), 5 * 86400),
                None => (fake::recent_datetime(self.anchor, rng), 60 * 86400),
            };
            let created = created.min(self.anchor);
            let later = created + Duration::seconds(rng.gen_range(0..spread));
            let updated = later.min(self.anchor);
            rec[c] = Some(Cell::from(fmt_datetime(created)));
            rec[u] = Some(Cell::from(fmt_datetime(updated)));
        }
        rec
    }

    fn field(&mut self, f: &Field, rng: &mut ChaCha8Rng) -> Option<Value> {
        let plan = self.plan;
        if let Some(v) = &f.seed {
            return Some(v.clone());
        }
        if f.optional && f.fake.is_none() {
            return None;
        }
        if let Some(t) = f.references {
            let mut ids: Vec<i64> = (0..rng.gen_range(0..=3)).filter_map(|_| self.pick(t, rng)).collect();
            ids.sort_unstable();
            ids.dedup();
            return Some(Value::Array(ids.into_iter().map(Value::from).collect()));
        }
        if let Some(h) = f.fake {
            if f.nullable && rng.gen_bool(0.1) {
                return Some(Value::Null);
            }
            self.counter += 1;
            return Some(fake::hinted(plan, self.anchor, h, &f.ty, rng, self.counter));
        }
        if f.nullable {
            return Some(Value::Null);
        }
        if let Some(d) = &f.default {
            return Some(d.clone());
        }
        Some(match &f.ty {
            TypeRef::Object(t) => self.object(Schema::Type(*t), rng),
            TypeRef::Array(inner) => match inner.as_ref() {
                TypeRef::Object(t) => {
                    let n = rng.gen_range(1..=3);
                    Value::Array((0..n).map(|_| self.object(Schema::Type(*t), rng)).collect())
                }
                _ => fake::by_type(plan, self.anchor, &f.ty, rng),
            },
            TypeRef::Ref(rt) => self.pick(rt.target, rng).map(Value::from).unwrap_or(Value::Null),
            other => fake::by_type(plan, self.anchor, other, rng),
        })
    }

    fn object(&mut self, schema: Schema, rng: &mut ChaCha8Rng) -> Value {
        let mut out = Map::new();
        for f in self.plan.spec.fields_of(schema) {
            let v = if f.name == ID_FIELD && matches!(f.ty, TypeRef::Id) {
                Some(Value::from(self.store.alloc_item()))
            } else {
                self.field(f, rng)
            };
            if let Some(v) = v {
                out.insert(f.name.clone(), v);
            }
        }
        Value::Object(out)
    }
}
