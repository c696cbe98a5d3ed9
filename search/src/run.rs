//! Running a request: pick candidates (through indexes when the filter allows), filter,
//! sort, continue after the cursor, cut to the limit and project fields.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::time::Instant;

use serde_json::{Map, Value, json};

use crate::QueryError;
use crate::cursor::{Cursor, fingerprint};
use crate::eval::{compare, lookup};
use crate::query::{CompareOp, Condition, Direction, Request};
use crate::schema::Schema;

/// A record as a source hands it out: borrowed when stored as JSON, owned when rendered on demand.
pub type Rec<'a> = Cow<'a, Value>;

/// Where the records come from.
pub trait Source {
    /// Every record, in any order.
    fn scan(&self) -> Box<dyn Iterator<Item = Rec<'_>> + '_>;

    /// The records whose field at `path` equals `value`, when an index can answer; `None` otherwise.
    fn lookup_eq(&self, path: &str, value: &Value) -> Option<Vec<Rec<'_>>> {
        let _ = (path, value);
        None
    }
}

impl Source for &[Value] {
    fn scan(&self) -> Box<dyn Iterator<Item = Rec<'_>> + '_> {
        Box::new(self.iter().map(Cow::Borrowed))
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The matching records, projected.
    pub data: Vec<Value>,
    /// Whether another page follows.
    pub has_more: bool,
    /// The cursor of the next page, when there is one.
    pub cursor: Option<String>,
    /// How many records the filter was evaluated on (indexes make this smaller than the whole set).
    pub examined: usize,
}

impl Page {
    /// The response body: `{"data": [...], "meta": {"has_more", "cursor", "took_ms"}}`, with
    /// `took_ms` in whole milliseconds (the connector's schema types it as an integer).
    pub fn to_json(&self, took_ms: u64) -> Value {
        json!({"data": self.data, "meta": {"has_more": self.has_more, "cursor": self.cursor, "took_ms": took_ms}})
    }
}

/// Candidate records for a condition from indexes, or `None` when some part needs a full scan.
fn candidates<'a>(cond: &Condition, source: &'a dyn Source) -> Option<Vec<Rec<'a>>> {
    match cond {
        Condition::Compare { op: CompareOp::Eq, path, value } if !value.is_null() => source.lookup_eq(path, value),
        Condition::In { path, values } => {
            let lists = values
                .iter()
                .map(|v| if v.is_null() { None } else { source.lookup_eq(path, v) })
                .collect::<Option<Vec<_>>>()?;
            Some(union(lists))
        }
        Condition::Or(parts) if !parts.is_empty() => {
            Some(union(parts.iter().map(|p| candidates(p, source)).collect::<Option<Vec<_>>>()?))
        }
        Condition::And(parts) => parts.iter().filter_map(|p| candidates(p, source)).min_by_key(Vec::len),
        _ => None,
    }
}

/// Merges candidate lists, keeping each record once (by its tie-breaker key).
fn union(lists: Vec<Vec<Rec<'_>>>) -> Vec<Rec<'_>> {
    let mut seen = HashSet::new();
    lists.into_iter().flatten().filter(|v| seen.insert(tie_breaker(v).to_string())).collect()
}

/// A value unique to the record: its id, else its whole JSON.
fn tie_breaker(record: &Value) -> Value {
    match record.get("id") {
        Some(id) if !id.is_null() => id.clone(),
        _ => Value::String(record.to_string()),
    }
}

/// Orders sort-key values: by value, nulls after everything.
fn key_cmp(a: &Value, b: &Value) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => compare(a, b).unwrap_or(Ordering::Equal),
    }
}

/// The record's sort key: the sort fields, then a unique tie-breaker (its id, else its whole JSON).
fn sort_key(record: &Value, sort: &[(String, Direction)]) -> Vec<Value> {
    let mut key: Vec<Value> =
        sort.iter().map(|(path, _)| lookup(record, path).cloned().unwrap_or(Value::Null)).collect();
    key.push(match record.get("id") {
        Some(id) if !id.is_null() => id.clone(),
        _ => Value::String(record.to_string()),
    });
    key
}

fn keys_cmp(a: &[Value], b: &[Value], sort: &[(String, Direction)]) -> Ordering {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let ord = key_cmp(x, y);
        let ord = match sort.get(i) {
            Some((_, Direction::Desc)) => ord.reverse(),
            _ => ord,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// Keeps only the requested paths of a record, preserving nesting.
fn project(record: &Value, paths: &[String]) -> Value {
    let mut out = Map::new();
    for path in paths {
        if let Some(value) = lookup(record, path) {
            let parts: Vec<&str> = path.split('.').collect();
            insert_path(&mut out, &parts, value.clone());
        }
    }
    Value::Object(out)
}

fn insert_path(map: &mut Map<String, Value>, parts: &[&str], value: Value) {
    match parts {
        [] => {}
        [last] => {
            map.insert((*last).to_string(), value);
        }
        [first, rest @ ..] => {
            let entry = map.entry((*first).to_string()).or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(inner) = entry {
                insert_path(inner, rest, value);
            }
        }
    }
}

/// Runs `request` over `source`; `schema` decides the default projection (every searchable field).
pub fn search(request: &Request, schema: &Schema, source: &dyn Source) -> Result<(Page, u64), QueryError> {
    let started = Instant::now();
    let query_id = fingerprint(&format!("{:?}|{:?}", request.filter, request.sort));
    let after = match &request.cursor {
        Some(text) => Some(Cursor::decode(text, query_id)?.after),
        None => None,
    };
    if after.as_ref().is_some_and(|a| a.len() != request.sort.len() + 1) {
        return Err(QueryError { path: "cursor".into(), message: "the cursor belongs to a different sort".into() });
    }
    let pool: Box<dyn Iterator<Item = Rec<'_>>> = match request.filter.as_ref().and_then(|f| candidates(f, source)) {
        Some(list) => Box::new(list.into_iter()),
        None => source.scan(),
    };
    let mut examined = 0;
    let mut matched: Vec<(Vec<Value>, Rec<'_>)> = pool
        .inspect(|_| examined += 1)
        .filter(|r| request.filter.as_ref().is_none_or(|f| f.matches(r)))
        .map(|r| (sort_key(&r, &request.sort), r))
        .filter(|(key, _)| after.as_ref().is_none_or(|a| keys_cmp(key, a, &request.sort) == Ordering::Greater))
        .collect();
    let cmp = |a: &(Vec<Value>, Rec<'_>), b: &(Vec<Value>, Rec<'_>)| keys_cmp(&a.0, &b.0, &request.sort);
    let limit = request.limit;
    if matched.len() > limit + 1 {
        matched.select_nth_unstable_by(limit, cmp);
        matched.truncate(limit + 1);
    }
    matched.sort_by(cmp);
    let has_more = matched.len() > limit;
    matched.truncate(limit);
    let cursor = if has_more {
        matched.last().map(|(key, _)| Cursor { after: key.clone(), query: query_id }.encode())
    } else {
        None
    };
    let default_fields: Vec<String> = schema.fields.keys().cloned().collect();
    let fields = request.fields.as_ref().unwrap_or(&default_fields);
    let data = matched.into_iter().map(|(_, r)| project(&r, fields)).collect();
    let took_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok((Page { data, has_more, cursor, examined }, took_ms))
}
