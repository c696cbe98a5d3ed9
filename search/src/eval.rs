//! Evaluating a condition against one record.

use std::cmp::Ordering;

use serde_json::Value;

use crate::query::{CompareOp, Condition};
use crate::text::{fuzzy_matches, keyword_matches};

/// The value at a dotted path, or `None` when absent; the empty path is the value itself.
pub fn lookup<'a>(record: &'a Value, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return Some(record);
    }
    path.split('.').try_fold(record, |v, part| v.get(part))
}

/// Orders two JSON values of the same kind; `None` when they cannot be ordered.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => Some(i.cmp(&j)),
            _ => x.as_f64()?.partial_cmp(&y.as_f64()?),
        },
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

/// Equality as the search means it: numbers by value, objects by the keys the query gives.
fn equals(record: Option<&Value>, query: &Value) -> bool {
    match (record, query) {
        (None | Some(Value::Null), Value::Null) => true,
        (None, _) => false,
        (Some(Value::Object(have)), Value::Object(want)) => want.iter().all(|(k, v)| equals(have.get(k), v)),
        (Some(r), q) => compare(r, q) == Some(Ordering::Equal) || r == q,
    }
}

impl Condition {
    /// Whether `record` satisfies the condition.
    pub fn matches(&self, record: &Value) -> bool {
        match self {
            Condition::Compare { op, path, value } => {
                let field = lookup(record, path);
                match op {
                    CompareOp::Eq => equals(field, value),
                    CompareOp::Neq => !equals(field, value),
                    ordered => {
                        let Some(ord) = field.and_then(|f| compare(f, value)) else { return false };
                        match ordered {
                            CompareOp::Gt => ord == Ordering::Greater,
                            CompareOp::Gte => ord != Ordering::Less,
                            CompareOp::Lt => ord == Ordering::Less,
                            _ => ord != Ordering::Greater,
                        }
                    }
                }
            }
            Condition::In { path, values } => {
                let field = lookup(record, path);
                values.iter().any(|v| equals(field, v))
            }
            Condition::Like { path, pattern } => text_of(record, path).is_some_and(|t| pattern.matches(t)),
            Condition::Fuzzy { path, words } => text_of(record, path).is_some_and(|t| fuzzy_matches(words, t)),
            Condition::Keyword { path, words } => text_of(record, path).is_some_and(|t| keyword_matches(words, t)),
            Condition::Not(inner) => !inner.matches(record),
            Condition::And(parts) => parts.iter().all(|c| c.matches(record)),
            Condition::Or(parts) => parts.iter().any(|c| c.matches(record)),
            Condition::Contains { path, value } => elements(record, path).any(|e| equals(Some(e), value)),
            Condition::Any { path, inner } => elements(record, path).any(|e| inner.matches(e)),
        }
    }
}

/// The elements of the list at `path` (none when it is absent or not a list).
fn elements<'a>(record: &'a Value, path: &str) -> impl Iterator<Item = &'a Value> {
    lookup(record, path).and_then(Value::as_array).into_iter().flatten()
}

fn text_of<'a>(record: &'a Value, path: &str) -> Option<&'a str> {
    lookup(record, path).and_then(Value::as_str)
}
