//! Turns stored records into response JSON: spec field order, embedded refs
//! resolved against their current targets.

use harvest_spec::ir::{RefType, Schema, TypeRef};
use serde_json::{Map, Value};

use crate::plan::Plan;
use crate::store::{Rec, Store};

/// Renders a stored record of resource `r`.
pub fn record(plan: &Plan, store: &Store, r: usize, rec: &Rec) -> Value {
    let fields = &plan.spec.resources[r].fields;
    let mut out = Map::new();
    for (f, v) in fields.iter().zip(rec) {
        if f.hidden {
            continue;
        }
        if let Some(v) = v {
            out.insert(f.name.clone(), value(plan, store, &f.ty, v, 0));
        }
    }
    Value::Object(out)
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
    let r = rt.target.0;
    let Some(target) = store.get(r, id) else { return Value::Null };
    let tres = &plan.spec.resources[r];
    let info = &plan.res[r];
    let mut out = Map::new();
    for f in &plan.spec.type_def(rt.embed).fields {
        let v = match info.ix(&f.name) {
            Some(ix) => match target.get(ix).and_then(Option::as_ref) {
                Some(x) => value(plan, store, &tres.fields[ix].ty, x, depth + 1),
                None => Value::Null,
            },
            None if f.name == "name" => Value::String(display_name(plan, store, r, id)),
            None if f.name == "id" => Value::from(id),
            None => Value::Null,
        };
        out.insert(f.name.clone(), v);
    }
    Value::Object(out)
}

/// The display name of a record (`name`, or its `name_from` fields joined).
pub fn display_name(plan: &Plan, store: &Store, r: usize, id: i64) -> String {
    let Some(rec) = store.get(r, id) else { return String::new() };
    let info = &plan.res[r];
    if let Some(ix) = info.ix("name")
        && let Some(Some(Value::String(s))) = rec.get(ix)
    {
        return s.clone();
    }
    plan.spec.resources[r]
        .name_from
        .iter()
        .filter_map(|n| info.ix(n).and_then(|ix| rec.get(ix)).and_then(|v| v.as_ref()).and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}
