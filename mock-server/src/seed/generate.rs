//! Drawing one resource's records: refs to tables seeded before it, fake
//! values by hint or type, timestamps inside the seeded window.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use harvest_spec::ir::{Field, FieldRole, RefSource, ResourceId, Schema, TypeRef};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

use super::drawn::Drawn;
use super::{CHUNK, Streams, fake, matching};
use crate::plan::{FieldIx, PerResource, Plan};
use crate::store::{Cell, Draft, Rec, Store, ref_id};
use crate::values::fmt_datetime;

/// Counter values one record may take at most (one per hinted field, nested ones included),
/// so that chunks drawn apart never hand out the same one.
const COUNTER_STRIDE: u64 = 64;

/// What drawing reads: the plan, the tables seeded so far and their ids.
pub(super) struct Gen<'a> {
    pub(super) plan: &'a Plan,
    pub(super) store: Store,
    pub(super) ids: PerResource<Vec<i64>>,
    /// The same tables, for fast lookups while drawing.
    pub(super) drawn: Drawn,
    /// Each resource's `match` refs, resolved once.
    pub(super) matches: PerResource<Vec<matching::Match>>,
    /// Each resource's derived refs, resolved once.
    derived: PerResource<Vec<Derived>>,
    anchor: DateTime<Utc>,
    /// Next value of the counter behind numbered hints (invoice numbers).
    counter: u64,
}

/// A ref derived from another (`derive: {through, field}`): field `field` of the record
/// that ref `through` points at.
struct Derived {
    ix: FieldIx,
    /// `None` when the spec names a field the plan does not have (the ref is then null).
    from: Option<DeriveFrom>,
}

#[derive(Clone, Copy)]
struct DeriveFrom {
    through: FieldIx,
    target: ResourceId,
    field: FieldIx,
}

/// The derived refs of `r`, in field order.
fn derived_of(plan: &Plan, r: ResourceId) -> Vec<Derived> {
    let info = &plan.res[r];
    info.refs
        .iter()
        .filter_map(|rf| {
            let RefSource::Derive { through, field } = &rf.source else { return None };
            let from = info.ix(through).and_then(|through| {
                let target = info.ref_at(through)?.target;
                Some(DeriveFrom { through, target, field: plan.res[target].ix(field)? })
            });
            Some(Derived { ix: rf.ix, from })
        })
        .collect()
}

/// One stream of draws: its random stream and the counters its values take.
pub(super) struct Draw<'r> {
    rng: &'r mut ChaCha8Rng,
    counter: u64,
    next_item: i64,
}

impl<'a> Gen<'a> {
    /// Nothing seeded yet.
    pub(super) fn new(plan: &'a Plan, anchor: DateTime<Utc>) -> Gen<'a> {
        let matches: PerResource<Vec<matching::Match>> =
            plan.res.ids().map(|r| matching::matches_of(plan, r)).collect();
        let derived: PerResource<Vec<Derived>> = plan.res.ids().map(|r| derived_of(plan, r)).collect();
        // The targets' matched fields are both read by id and searched by (their ref indexes).
        let mut searched: Vec<(ResourceId, FieldIx)> =
            matches.iter().flat_map(|(_, ms)| ms.iter().flat_map(matching::Match::reads)).collect();
        searched.sort_unstable();
        searched.dedup();
        let mut read: Vec<(ResourceId, FieldIx)> = searched
            .iter()
            .copied()
            .chain(derived.iter().flat_map(|(_, ds)| ds.iter().filter_map(|d| Some((d.from?.target, d.from?.field)))))
            .collect();
        read.sort_unstable();
        read.dedup();
        Gen {
            plan,
            store: Store::empty(plan),
            ids: plan.res.iter().map(|_| Vec::new()).collect(),
            drawn: Drawn::new(plan, read, searched),
            matches,
            derived,
            anchor,
            counter: 0,
        }
    }

    /// The tables seeded, without the lookup arrays.
    pub(super) fn into_store(self) -> Store {
        self.store
    }

    /// Whether `r`'s records can be drawn in independent chunks: none must be unique
    /// together with another, and none points at its own table. (Nested items take their
    /// ids from the account's one counter: a chunk numbers its own from 0, and
    /// [`Gen::draw_chunked`] moves them past the chunks before it.)
    pub(super) fn chunkable(&self, r: ResourceId) -> bool {
        let info = &self.plan.res[r];
        let fields = &self.plan.spec.resource(r).fields;
        info.unique_keys.is_empty()
            && info.refs.iter().all(|rf| rf.target != r)
            && fields.iter().all(|f| f.references != Some(r))
    }

    /// `count` records of `r` drawn one after another from `rng`, ids from the table's counter;
    /// a record whose unique fields repeat an earlier one's, or that cannot point where it
    /// must, is drawn again (a few times, then left out).
    pub(super) fn draw_in_order(&mut self, r: ResourceId, count: usize, rng: &mut ChaCha8Rng) -> Vec<(i64, Rec)> {
        let plan = self.plan;
        let mut seen: Vec<HashSet<Vec<i64>>> = vec![HashSet::new(); plan.res[r].unique_keys.len()];
        let mut d = Draw { rng, counter: self.counter, next_item: self.store.next_item_id };
        let mut rows = Vec::with_capacity(count);
        for _ in 0..count {
            let id = if plan.spec.resource(r).singleton { 1 } else { self.store.alloc(r) };
            if let Some(rec) = self.draw_record(r, id, &mut d, &mut seen) {
                self.ids[r].push(id);
                rows.push((id, rec));
            }
        }
        self.counter = d.counter;
        self.store.next_item_id = d.next_item;
        rows
    }

    /// `count` records of `r` drawn in chunks of [`CHUNK`] on every core, each chunk from its
    /// own stream and with ids following the table's counter in order; `finish(k, rows)`
    /// then adjusts chunk `k` on the thread that drew it, while its records are in cache
    /// (before its nested items are numbered). Also says how many nested items were drawn;
    /// the counters move past the records with [`Gen::advance_past`].
    pub(super) fn draw_chunked(
        &self,
        r: ResourceId,
        count: usize,
        streams: &Streams,
        finish: impl Fn(usize, &mut [(i64, Rec)]) + Sync,
    ) -> (Vec<(i64, Rec)>, i64) {
        let first = self.store.tables[r].next_id;
        let chunks = crate::parallel::map_chunks(count.div_ceil(CHUNK), |k| {
            let mut rng = streams.chunk(k);
            let start = k * CHUNK;
            let mut d = Draw { rng: &mut rng, counter: self.counter + start as u64 * COUNTER_STRIDE, next_item: 0 };
            let mut seen = Vec::new();
            let mut rows: Vec<(i64, Rec)> = (start..count.min(start + CHUNK))
                .filter_map(|i| {
                    let id = first + i as i64;
                    self.draw_record(r, id, &mut d, &mut seen).map(|rec| (id, rec))
                })
                .collect();
            finish(k, &mut rows);
            (rows, d.next_item)
        });
        // Each chunk's items follow those of the chunks before it.
        let mut next_item = self.store.next_item_id;
        let mut chunks: Vec<(Vec<(i64, Rec)>, i64)> = chunks
            .into_iter()
            .map(|(rows, items)| {
                next_item += items;
                (rows, next_item - items)
            })
            .collect();
        if next_item > self.store.next_item_id {
            crate::parallel::for_each_chunk(&mut chunks, 1, |_, chunk| {
                for (rows, offset) in chunk {
                    for (_, rec) in rows.iter_mut() {
                        self.shift_items(r, rec, *offset);
                    }
                }
            });
        }
        (chunks.into_iter().flat_map(|(rows, _)| rows).collect(), next_item - self.store.next_item_id)
    }

    /// Moves the id and fake-value counters past `count` records of `r` drawn in chunks,
    /// holding `items` nested items.
    pub(super) fn advance_past(&mut self, r: ResourceId, count: usize, items: i64) {
        self.store.tables[r].next_id += count as i64;
        self.store.next_item_id += items;
        self.counter += count as u64 * COUNTER_STRIDE;
    }

    /// One record, drawn again while it clashes with `seen` or cannot point where it must.
    fn draw_record(&self, r: ResourceId, id: i64, d: &mut Draw<'_>, seen: &mut [HashSet<Vec<i64>>]) -> Option<Rec> {
        let keys_of = |rec: &Draft| -> Vec<Vec<i64>> {
            self.plan.res[r]
                .unique_keys
                .iter()
                .map(|k| k.iter().map(|ix| ref_id(rec.get(*ix)).unwrap_or(0)).collect())
                .collect()
        };
        for _ in 0..12 {
            let rec = self.record(r, id, d);
            let keys = keys_of(&rec);
            if keys.iter().zip(seen.iter()).all(|(k, s)| !s.contains(k)) && matching::complete(self.plan, r, &rec) {
                for (k, s) in keys.into_iter().zip(seen.iter_mut()) {
                    s.insert(k);
                }
                return Some(rec.into_rec());
            }
        }
        None
    }

    /// A record already seeded, picked at random.
    pub(super) fn pick(&self, r: ResourceId, rng: &mut ChaCha8Rng) -> Option<i64> {
        self.ids[r].choose(rng).copied()
    }

    fn record(&self, r: ResourceId, id: i64, d: &mut Draw<'_>) -> Draft {
        let plan = self.plan;
        let res = &plan.spec.resource(r);
        let info = &plan.res[r];
        let mut rec = Draft::absent(res.fields.len());
        if let Some(ix) = info.id_ix {
            rec[ix] = Some(Cell::Int(id));
        }
        // 1. `match` refs pick a target and copy its ref fields into ours.
        self.match_refs(r, &mut rec, d.rng);
        // 2. Input and server refs.
        for rf in &info.refs {
            if rec[rf.ix].is_some() || matches!(rf.source, RefSource::Derive { .. } | RefSource::Match(_)) {
                continue;
            }
            let f = &res.fields[rf.ix.0];
            let server = matches!(rf.source, RefSource::Server);
            let v = if f.nullable && ((server && !d.rng.gen_bool(0.25)) || (!server && d.rng.gen_bool(0.1))) {
                None
            } else {
                self.pick(rf.target, d.rng)
            };
            rec[rf.ix] = Some(v.map_or(Cell::Null, Cell::Int));
        }
        // 3. Derived refs.
        for d in &self.derived[r] {
            let v = d.from.and_then(|from| {
                let tid = ref_id(rec.get(from.through))?;
                self.drawn.field(from.target, tid, from.field).cloned()
            });
            rec[d.ix] = Some(v.unwrap_or(Cell::Null));
        }
        // 4. Everything else.
        for (ix, f) in res.fields.iter().enumerate() {
            if rec[FieldIx(ix)].is_some() {
                continue;
            }
            rec[FieldIx(ix)] = self.field(f, d).map(Cell::from_sized);
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
                Some(day) => (day + Duration::seconds(d.rng.gen_range(8 * 3600..20 * 3600)), 5 * 86400),
                None => (fake::recent_datetime(self.anchor, d.rng), 60 * 86400),
            };
            let created = created.min(self.anchor);
            let later = created + Duration::seconds(d.rng.gen_range(0..spread));
            let updated = later.min(self.anchor);
            rec[c] = Some(Cell::from(fmt_datetime(created)));
            rec[u] = Some(Cell::from(fmt_datetime(updated)));
        }
        rec
    }

    fn field(&self, f: &Field, d: &mut Draw<'_>) -> Option<Value> {
        let plan = self.plan;
        if let Some(v) = &f.seed {
            return Some(v.clone());
        }
        if f.optional && f.fake.is_none() {
            return None;
        }
        if let Some(t) = f.references {
            let mut ids: Vec<i64> = (0..d.rng.gen_range(0..=3)).filter_map(|_| self.pick(t, d.rng)).collect();
            ids.sort_unstable();
            ids.dedup();
            return Some(Value::Array(ids.into_iter().map(Value::from).collect()));
        }
        if let Some(h) = f.fake {
            if f.nullable && d.rng.gen_bool(0.1) {
                return Some(Value::Null);
            }
            d.counter += 1;
            return Some(fake::hinted(plan, self.anchor, h, &f.ty, d.rng, d.counter));
        }
        if f.nullable {
            return Some(Value::Null);
        }
        if let Some(v) = &f.default {
            return Some(v.clone());
        }
        Some(match &f.ty {
            TypeRef::Object(t) => self.object(Schema::Type(*t), d),
            TypeRef::Array(inner) => match inner.as_ref() {
                TypeRef::Object(t) => {
                    let n = d.rng.gen_range(1..=3);
                    Value::Array((0..n).map(|_| self.object(Schema::Type(*t), d)).collect())
                }
                _ => fake::by_type(plan, self.anchor, &f.ty, d.rng),
            },
            TypeRef::Ref(rt) => self.pick(rt.target, d.rng).map(Value::from).unwrap_or(Value::Null),
            other => fake::by_type(plan, self.anchor, other, d.rng),
        })
    }

    /// An object of type `schema`, built to size (see [`Cell::from_sized`]).
    fn object(&self, schema: Schema, d: &mut Draw<'_>) -> Value {
        let mut fields = Vec::new();
        for f in self.plan.spec.fields_of(schema) {
            let v = if super::items::is_item_id(&f.name, &f.ty) {
                d.next_item += 1;
                Some(Value::from(d.next_item - 1))
            } else {
                self.field(f, d)
            };
            if let Some(v) = v {
                fields.push((f.name.clone(), v));
            }
        }
        Value::Object(fields.into_iter().collect::<Map<String, Value>>())
    }
}
