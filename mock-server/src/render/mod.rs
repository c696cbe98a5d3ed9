//! Turns stored records into response JSON: spec field order, embedded refs
//! resolved against their current targets; [`cache`] keeps them pre-serialised.

pub mod cache;

use harvest_spec::ir::{NAME_FIELD, RefType, ResourceId, Schema, TypeRef};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::plan::{EmbedSrc, Plan};
use crate::store::{Cell, Rec, Store};

pub use cache::Json;

/// Renders a stored record of resource `r` as a JSON value.
pub fn record(plan: &Plan, store: &Store, r: ResourceId, rec: &Rec) -> Value {
    serde_json::to_value(RecordView { plan, store, r, rec }).unwrap_or(Value::Null)
}

/// A stored record seen as its response JSON, serialised straight to the
/// output in spec field order, embedded refs resolved on the way.
pub struct RecordView<'a> {
    /// The interpreted spec.
    pub plan: &'a Plan,
    /// The store the record's refs point into.
    pub store: &'a Store,
    /// The record's resource.
    pub r: ResourceId,
    /// The record.
    pub rec: &'a Rec,
}

impl Serialize for RecordView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let fields = &self.plan.spec.resource(self.r).fields;
        let mut map = s.serialize_map(None)?;
        for (f, v) in fields.iter().zip(self.rec.iter()) {
            if let (false, Some(cell)) = (f.hidden, v) {
                map.serialize_entry(
                    &f.name,
                    &CellView { plan: self.plan, store: self.store, ty: &f.ty, cell, depth: 0 },
                )?;
            }
        }
        map.end()
    }
}

/// One stored cell of a type, as response JSON.
struct CellView<'a> {
    plan: &'a Plan,
    store: &'a Store,
    ty: &'a TypeRef,
    cell: &'a Cell,
    depth: u32,
}

impl Serialize for CellView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (plan, store, depth) = (self.plan, self.store, self.depth);
        match (self.ty, self.cell) {
            _ if depth > 6 => self.cell.serialize(s),
            (TypeRef::Ref(rt), c) => match c.as_i64() {
                Some(id) if store.get(rt.target, id).is_some() => EmbedView { plan, store, rt, id, depth }.serialize(s),
                _ => s.serialize_unit(),
            },
            (ty, Cell::Json(v)) => value(plan, store, ty, v, depth).serialize(s),
            (_, c) => c.serialize(s),
        }
    }
}

/// The embedded summary of a ref's target.
struct EmbedView<'a> {
    plan: &'a Plan,
    store: &'a Store,
    rt: &'a RefType,
    id: i64,
    depth: u32,
}

impl Serialize for EmbedView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (plan, store, id) = (self.plan, self.store, self.id);
        let r = self.rt.target;
        let target = store.get(r, id);
        let tres = &plan.spec.resource(r);
        let mut map = s.serialize_map(None)?;
        let Some(embed) = plan.embeds.get(self.rt.embed.0).and_then(Option::as_ref).filter(|e| e.target == r) else {
            // Every ref of the spec is planned at start-up; an unplanned one has nothing to show.
            return map.end();
        };
        for (name, src) in &embed.fields {
            match *src {
                EmbedSrc::Field(ix) => match target.and_then(|t| t.get(ix)).and_then(Option::as_ref) {
                    Some(cell) => map.serialize_entry(
                        name,
                        &CellView { plan, store, ty: &tres.fields[ix.0].ty, cell, depth: self.depth + 1 },
                    )?,
                    None => map.serialize_entry(name, &())?,
                },
                EmbedSrc::DisplayName => map.serialize_entry(name, &display_name(plan, store, r, id))?,
                EmbedSrc::Id => map.serialize_entry(name, &id)?,
                EmbedSrc::Null => map.serialize_entry(name, &())?,
            }
        }
        map.end()
    }
}

/// Renders a value object of a type from a stored map.
pub fn object(plan: &Plan, store: &Store, schema: Schema, v: &Value, depth: u32) -> Value {
    let fields = plan.spec.fields_of(schema);
    let Some(map) = v.as_object() else { return Value::Null };
    let mut out = Map::new();
    for f in fields.iter().filter(|f| !f.hidden) {
        match map.get(&f.name) {
            Some(x) => {
                out.insert(f.name.clone(), value(plan, store, &f.ty, x, depth + 1));
            }
            None if f.optional => {}
            None => {
                out.insert(f.name.clone(), Value::Null);
            }
        }
    }
    Value::Object(out)
}

/// Renders one value of a type.
pub fn value(plan: &Plan, store: &Store, ty: &TypeRef, v: &Value, depth: u32) -> Value {
    if depth > 6 {
        return v.clone();
    }
    match ty {
        TypeRef::Ref(rt) => match v.as_i64() {
            Some(id) => embed(plan, store, rt, id, depth),
            None => Value::Null,
        },
        TypeRef::Object(t) if v.is_object() => object(plan, store, Schema::Type(*t), v, depth),
        TypeRef::Array(inner) if matches!(inner.as_ref(), TypeRef::Object(_) | TypeRef::Ref(_)) => match v {
            Value::Array(items) => {
                Value::Array(items.iter().map(|x| value(plan, store, inner, x, depth + 1)).collect())
            }
            other => other.clone(),
        },
        _ => v.clone(),
    }
}

/// The embedded summary of a target record.
pub fn embed(plan: &Plan, store: &Store, rt: &RefType, id: i64, depth: u32) -> Value {
    if store.get(rt.target, id).is_none() {
        return Value::Null;
    }
    serde_json::to_value(EmbedView { plan, store, rt, id, depth }).unwrap_or(Value::Null)
}

/// The account's name: the display name of the singleton resource's record (the company).
pub fn account_name(plan: &Plan, store: &Store) -> String {
    let singleton = plan.spec.resources.iter().position(|r| r.singleton).map(ResourceId);
    singleton
        .and_then(|c| store.tables[c].rows.keys().next().map(|id| display_name(plan, store, c, *id)))
        .unwrap_or_default()
}

/// The display name of a record (`name`, or its `name_from` fields joined).
pub fn display_name(plan: &Plan, store: &Store, r: ResourceId, id: i64) -> String {
    let Some(rec) = store.get(r, id) else { return String::new() };
    let info = &plan.res[r];
    if let Some(ix) = info.ix(NAME_FIELD)
        && let Some(s) = rec.get(ix).and_then(Option::as_ref).and_then(Cell::as_str)
    {
        return s.to_string();
    }
    plan.spec
        .resource(r)
        .name_from
        .iter()
        .filter_map(|n| info.ix(n).and_then(|ix| rec.get(ix)).and_then(|v| v.as_ref()).and_then(Cell::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}
