//! Request bodies derived from seeded records, kept when the mock accepts them.
//!
//! A body takes each of its fields from a record of the resource: an update the record it
//! changes (as its GET shows it), a create a record already listed in the collection (under
//! any parent, since a record that exists under its own parent may be refused as a
//! duplicate). References become their ids and nested objects keep the fields a request
//! may set. The first body the mock answers with a success is the example.

use harvest_spec::Spec;
use harvest_spec::ir::{BodyField, Field, Method, Operation, TypeRef};
use serde_json::{Map, Value};

use super::ExamplesError;
use super::client::{Client, items};

/// Bodies tried per operation before giving up.
const ATTEMPTS: usize = 25;

/// The first body derived for `op` that the mock accepts, sent to the state (which keeps it).
pub(super) async fn accepted_body(client: &Client, op: &Operation) -> Result<Value, ExamplesError> {
    let paths = client.paths(op).await;
    let mut sources = Vec::new();
    if op.method == Method::Post {
        for path in &paths {
            sources.extend(items(&client.send("GET", path, None).await.body).iter().cloned());
        }
    }
    let mut attempts = Vec::new();
    for path in &paths {
        match op.method {
            Method::Post => attempts.extend(sources.iter().map(|s| (path, s.clone()))),
            _ => attempts.push((path, client.send("GET", path, None).await.body)),
        }
    }
    // A list stands for the ids it holds (`teammate_ids`): one that holds some says more.
    attempts.sort_by_key(|(_, source)| items(source).is_empty());
    let mut last = None;
    for (path, source) in attempts.into_iter().take(ATTEMPTS) {
        let body = derive(client.spec(), op, &source);
        let answer = client.send(op.method.as_str(), path, Some(&body)).await;
        if (200..300).contains(&answer.status) {
            return Ok(body);
        }
        last = Some((path.clone(), body, answer));
    }
    let (path, body, status, answer) = match last {
        Some((path, body, answer)) => (path, body.to_string(), answer.status, answer.body.to_string()),
        None => (String::new(), String::new(), 0, "no record to derive a body from".into()),
    };
    Err(ExamplesError::Refused { operation: op.id.clone(), path, body, status, answer })
}

/// `op`'s body with each field `source` has a value for.
fn derive(spec: &Spec, op: &Operation, source: &Value) -> Value {
    let mut body = Map::new();
    for field in op.body.iter().flat_map(|b| &b.fields) {
        let key = field.target.as_deref().unwrap_or(&field.name);
        let value = match source.get(key).filter(|v| !v.is_null()) {
            Some(v) => sent(spec, &field.ty, v, op.method == Method::Post),
            None => listed_ids(field, source),
        };
        match (value, &field.default) {
            (Some(v), _) => {
                body.insert(field.name.clone(), v);
            }
            (None, Some(default)) if field.required => {
                body.insert(field.name.clone(), default.clone());
            }
            _ => {}
        }
    }
    Value::Object(body)
}

/// For a list of ids (`teammate_ids`) that a list answer stands for (`{"teammates": [...]}`):
/// the ids of the records it lists.
fn listed_ids(field: &BodyField, source: &Value) -> Option<Value> {
    if field.ty != TypeRef::Array(Box::new(TypeRef::Id)) || !field.name.ends_with("_ids") {
        return None;
    }
    let ids: Vec<Value> = items(source).iter().filter_map(|r| r.get("id").cloned()).collect();
    Some(Value::Array(ids))
}

/// A record's value `v` as a request sends it as type `ty`, if it can; in a create
/// (`new`), nested objects leave out their `id`, which names an existing element.
fn sent(spec: &Spec, ty: &TypeRef, v: &Value, new: bool) -> Option<Value> {
    match ty {
        TypeRef::Id | TypeRef::Integer | TypeRef::Ref(_) => match v {
            Value::Object(o) => o.get("id").cloned(),
            other => Some(other.clone()),
        },
        TypeRef::Array(inner) => {
            v.as_array().map(|a| Value::Array(a.iter().filter_map(|item| sent(spec, inner, item, new)).collect()))
        }
        TypeRef::Object(id) => {
            let t = spec.types.get(id.0)?;
            let o = v.as_object()?;
            let settable = t.fields.iter().filter(|f| !f.input.is_read_only()).chain(&t.inputs);
            let settable = settable.filter(|f| !(new && f.name == "id"));
            let fields: Map<String, Value> = settable
                .filter_map(|f: &Field| {
                    let value = o.get(&f.name).filter(|v| !v.is_null())?;
                    Some((f.input_name.clone(), sent(spec, &f.ty, value, new)?))
                })
                .collect();
            Some(Value::Object(fields))
        }
        _ => Some(v.clone()),
    }
}
