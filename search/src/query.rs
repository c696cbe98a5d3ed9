//! The search request: parsed and checked against the entity's schema.
//!
//! Syntax (as the seed connector documents it):
//! `{"query": {"filter": COND, "sort": [{"field": "asc"|"desc"}]}, "limit": n, "cursor": "...", "fields": [...]}`
//! where `COND` is `{"eq": {"field": v}}` (also `neq`, `gt`, `gte`, `lt`, `lte`), `{"in": {"field": [v, ...]}}`,
//! `{"like": {"field": "pat%"}}`, `{"fuzzy": {"field": "words"}}`, `{"keyword": {"field": "words"}}`,
//! `{"not": COND}`, `{"and": [COND, ...]}` or `{"or": [COND, ...]}`. Fields may be dotted paths (`client.id`).

use serde_json::{Map, Value};

use crate::QueryError;
use crate::schema::{FieldType, Schema};
use crate::text::{LikePattern, words};

/// Results per page when the request gives no `limit`.
pub const DEFAULT_LIMIT: usize = 1000;
/// Largest accepted `limit`.
pub const MAX_LIMIT: usize = 10_000;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// Equal.
    Eq,
    /// Not equal (the exact complement of `eq`).
    Neq,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
}

/// A filter tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Compare a field with a value.
    Compare {
        /// The operator.
        op: CompareOp,
        /// Dotted field path.
        path: String,
        /// The value compared with.
        value: Value,
    },
    /// The field equals one of the values.
    In {
        /// Dotted field path.
        path: String,
        /// Accepted values.
        values: Vec<Value>,
    },
    /// SQL-style pattern (`%` any run, `_` one character), case-insensitive.
    Like {
        /// Dotted field path.
        path: String,
        /// The compiled pattern.
        pattern: LikePattern,
    },
    /// Every query word appears, in order, allowing small typos (case-insensitive).
    Fuzzy {
        /// Dotted field path.
        path: String,
        /// Lower-cased query words.
        words: Vec<String>,
    },
    /// At least one query word appears as a whole word (case-insensitive).
    Keyword {
        /// Dotted field path.
        path: String,
        /// Lower-cased query words.
        words: Vec<String>,
    },
    /// The nested condition is false.
    Not(Box<Condition>),
    /// Every nested condition is true (an empty list is true).
    And(Vec<Condition>),
    /// Some nested condition is true (an empty list is false).
    Or(Vec<Condition>),
    /// The list field holds an element equal to the value.
    Contains {
        /// Dotted path of the list field.
        path: String,
        /// The element looked for.
        value: Value,
    },
    /// Some element of the list field satisfies the nested condition, whose paths start at
    /// the element (an empty path is the element itself).
    Any {
        /// Dotted path of the list field.
        path: String,
        /// The condition on one element.
        inner: Box<Condition>,
    },
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// A checked search request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The filter; `None` matches every record.
    pub filter: Option<Condition>,
    /// Sort keys, most significant first.
    pub sort: Vec<(String, Direction)>,
    /// Results per page.
    pub limit: usize,
    /// The opaque cursor of the previous page, if any.
    pub cursor: Option<String>,
    /// Field paths to return; `None` returns every searchable field.
    pub fields: Option<Vec<String>>,
}

pub(crate) fn err(path: &str, message: impl Into<String>) -> QueryError {
    QueryError { path: path.to_string(), message: message.into() }
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Parses and checks a request body against `schema`.
pub fn parse_request(body: &Value, schema: &Schema) -> Result<Request, QueryError> {
    let Value::Object(top) = body else {
        return Err(err("body", format!("must be a JSON object, found {}", kind(body))));
    };
    for key in top.keys() {
        if !["query", "limit", "cursor", "fields"].contains(&key.as_str()) {
            return Err(err(key, "unknown key; a search body has `query`, `limit`, `cursor` and `fields`"));
        }
    }
    let (filter, sort) = match top.get("query") {
        None | Some(Value::Null) => (None, Vec::new()),
        Some(Value::Object(q)) => parse_query(q, schema)?,
        Some(other) => return Err(err("query", format!("must be an object, found {}", kind(other)))),
    };
    let limit = match top.get("limit") {
        None | Some(Value::Null) => DEFAULT_LIMIT,
        Some(v) => match v.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => return Err(err("limit", format!("must be a whole number from 1 to {MAX_LIMIT}, found {v}"))),
        },
    };
    let cursor = match top.get("cursor") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(err("cursor", format!("must be the string from meta.cursor, found {}", kind(other))));
        }
    };
    let fields = match top.get("fields") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let at = format!("fields[{i}]");
                let path = field_path(item).ok_or_else(|| match item {
                    Value::Array(_) => err(&at, "a list of keys holds one or more strings"),
                    _ => err(&at, format!("must be a dotted field path or a list of keys, found {}", kind(item))),
                })?;
                schema.resolve(&path).map_err(|m| err(&at, m))?;
                out.push(path);
            }
            Some(out)
        }
        Some(other) => return Err(err("fields", format!("must be a list of field paths, found {}", kind(other)))),
    };
    Ok(Request { filter, sort, limit, cursor, fields })
}

/// A projected field as a dotted path: `"client.name"`, or the key list `["client", "name"]`
/// the connector's typed methods send.
fn field_path(item: &Value) -> Option<String> {
    match item {
        Value::String(path) => Some(path.clone()),
        Value::Array(keys) if !keys.is_empty() => {
            let keys: Option<Vec<&str>> = keys.iter().map(Value::as_str).collect();
            Some(keys?.join("."))
        }
        _ => None,
    }
}

type QueryParts = (Option<Condition>, Vec<(String, Direction)>);

fn parse_query(q: &Map<String, Value>, schema: &Schema) -> Result<QueryParts, QueryError> {
    for key in q.keys() {
        if key != "filter" && key != "sort" {
            return Err(err(&format!("query.{key}"), "unknown key; a query has `filter` and `sort`"));
        }
    }
    let filter = match q.get("filter") {
        None | Some(Value::Null) => None,
        Some(f) => Some(parse_condition(f, schema, "query.filter")?),
    };
    let mut sort = Vec::new();
    match q.get("sort") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let at = format!("query.sort[{i}]");
                let Value::Object(m) = item else {
                    return Err(err(&at, "must be an object like {\"spent_date\": \"desc\"}"));
                };
                if m.len() != 1 {
                    return Err(err(&at, format!("must name exactly one field, found {}", m.len())));
                }
                for (field, dir) in m {
                    let ty = schema.resolve(field).map_err(|m| err(&at, m))?;
                    if !ty.is_ordered() && *ty != FieldType::Boolean {
                        return Err(err(&at, format!("cannot sort on `{field}`, which is {}", ty.describe())));
                    }
                    let dir = match dir.as_str() {
                        Some("asc") => Direction::Asc,
                        Some("desc") => Direction::Desc,
                        _ => {
                            return Err(err(
                                &at,
                                format!("direction of `{field}` must be \"asc\" or \"desc\", found {dir}"),
                            ));
                        }
                    };
                    sort.push((field.clone(), dir));
                }
            }
        }
        Some(other) => return Err(err("query.sort", format!("must be a list, found {}", kind(other)))),
    }
    Ok((filter, sort))
}

const OPERATORS: &str = "eq, neq, gt, gte, lt, lte, in, like, fuzzy, keyword, contains, any, not, and, or";

/// Parses one condition found at `at`.
pub(crate) fn parse_condition(value: &Value, schema: &Schema, at: &str) -> Result<Condition, QueryError> {
    let Value::Object(m) = value else {
        return Err(err(at, format!("a condition must be an object, found {}", kind(value))));
    };
    let mut entries = m.iter();
    let (op, arg) = match (entries.next(), entries.next()) {
        (Some(entry), None) => entry,
        (None, _) => return Err(err(at, format!("empty condition; use one operator of: {OPERATORS}"))),
        (Some(_), Some(_)) => {
            let keys: Vec<&str> = m.keys().map(String::as_str).collect();
            return Err(err(
                at,
                format!("a condition has exactly one operator, found {}; combine them with `and`", keys.join(", ")),
            ));
        }
    };
    let at = format!("{at}.{op}");
    match op.as_str() {
        "and" | "or" => {
            let Value::Array(items) = arg else {
                return Err(err(&at, format!("must be a list of conditions, found {}", kind(arg))));
            };
            let parts = items
                .iter()
                .enumerate()
                .map(|(i, item)| parse_condition(item, schema, &format!("{at}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if op == "and" { Condition::And(parts) } else { Condition::Or(parts) })
        }
        "not" => Ok(Condition::Not(Box::new(parse_condition(arg, schema, &at)?))),
        "contains" | "any" => crate::lists::parse(op, arg, schema, &at),
        "eq" | "neq" | "gt" | "gte" | "lt" | "lte" | "in" | "like" | "fuzzy" | "keyword" => {
            let Value::Object(fields) = arg else {
                return Err(err(
                    &at,
                    format!("must map field names to values, e.g. {{\"{op}\": {{\"id\": 1}}}}; found {}", kind(arg)),
                ));
            };
            if fields.is_empty() {
                return Err(err(&at, "names no field"));
            }
            let mut parts = Vec::with_capacity(fields.len());
            for (path, v) in fields {
                // The empty path is a list element itself (see `lists`): report the operator's place.
                let here = if path.is_empty() { at.clone() } else { format!("{at}.{path}") };
                parts.push(parse_leaf(op, path, v, schema, &here)?);
            }
            Ok(if parts.len() == 1 { parts.remove(0) } else { Condition::And(parts) })
        }
        other => Err(err(&at, format!("unknown operator `{other}`; operators: {OPERATORS}"))),
    }
}

fn parse_leaf(op: &str, path: &str, v: &Value, schema: &Schema, at: &str) -> Result<Condition, QueryError> {
    let ty = schema.resolve(path).map_err(|m| err(at, m))?;
    let path = path.to_string();
    let text_arg = |v: &Value| -> Result<String, QueryError> {
        if !ty.is_textual() {
            return Err(err(at, format!("`{op}` applies to text fields; `{path}` is {}", ty.describe())));
        }
        v.as_str().map(str::to_string).ok_or_else(|| err(at, format!("`{op}` needs a string, found {}", kind(v))))
    };
    let compare = |op: CompareOp| -> Result<Condition, QueryError> {
        let ordered = !matches!(op, CompareOp::Eq | CompareOp::Neq);
        if ordered && !ty.is_ordered() {
            return Err(err(at, format!("cannot order `{path}`, which is {}", ty.describe())));
        }
        if !v.is_null() || ordered {
            check_value(ty, v, at)?;
        }
        Ok(Condition::Compare { op, path: path.clone(), value: v.clone() })
    };
    match op {
        "eq" => compare(CompareOp::Eq),
        "neq" => compare(CompareOp::Neq),
        "gt" => compare(CompareOp::Gt),
        "gte" => compare(CompareOp::Gte),
        "lt" => compare(CompareOp::Lt),
        "lte" => compare(CompareOp::Lte),
        "in" => {
            let Value::Array(values) = v else {
                return Err(err(at, format!("`in` needs a list of values, found {}", kind(v))));
            };
            for (i, item) in values.iter().enumerate() {
                if !item.is_null() {
                    check_value(ty, item, &format!("{at}[{i}]"))?;
                }
            }
            Ok(Condition::In { path, values: values.clone() })
        }
        "like" => Ok(Condition::Like { pattern: LikePattern::new(&text_arg(v)?), path }),
        "fuzzy" | "keyword" => {
            let ws = words(&text_arg(v)?);
            if ws.is_empty() {
                return Err(err(at, format!("`{op}` needs at least one word")));
            }
            Ok(if op == "fuzzy" {
                Condition::Fuzzy { path, words: ws }
            } else {
                Condition::Keyword { path, words: ws }
            })
        }
        _ => Err(err(at, format!("unknown operator `{op}`"))),
    }
}

/// Checks that `v` can be compared with a field of type `ty`.
pub(crate) fn check_value(ty: &FieldType, v: &Value, at: &str) -> Result<(), QueryError> {
    let ok = match ty {
        FieldType::Integer => v.as_i64().is_some(),
        FieldType::Number => v.is_number(),
        FieldType::Text => v.is_string(),
        FieldType::Boolean => v.is_boolean(),
        FieldType::Date => v.as_str().is_some_and(is_date),
        FieldType::DateTime => v.as_str().is_some_and(|s| is_date(s) || is_datetime(s)),
        FieldType::Array(_) => v.is_array(),
        FieldType::Object(_) => v.is_object(),
    };
    if ok {
        Ok(())
    } else {
        let hint = match ty {
            FieldType::Date => " (YYYY-MM-DD)",
            FieldType::DateTime => " (YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DD)",
            _ => "",
        };
        Err(err(at, format!("expected {}{hint}, found {v}", ty.describe())))
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && is_date(&s[..10])
        && b[10] == b'T'
        && b[19] == b'Z'
        && b[11..19].iter().enumerate().all(|(i, c)| if i == 2 || i == 5 { *c == b':' } else { c.is_ascii_digit() })
}
