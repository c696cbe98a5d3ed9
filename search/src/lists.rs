//! The operators on list fields: `contains {field: value}` (an element equals the
//! value) and `any {field: condition}` (an element satisfies the condition).
//! For a list of objects the condition names the element's fields
//! (`{"any": {"line_items": {"gt": {"amount": 100}}}}`); for a list of scalars
//! it compares the element itself (`{"any": {"access_roles": {"eq": "manager"}}}`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::QueryError;
use crate::query::{Condition, check_value, err, kind, parse_condition};
use crate::schema::{FieldType, Schema};

/// Parses `contains` or `any` with its argument `arg`, found at `at`.
pub(crate) fn parse(op: &str, arg: &Value, schema: &Schema, at: &str) -> Result<Condition, QueryError> {
    let Value::Object(fields) = arg else {
        return Err(err(at, format!("must map list fields to {}, found {}", what(op), kind(arg))));
    };
    if fields.is_empty() {
        return Err(err(at, "names no field"));
    }
    let mut parts = Vec::with_capacity(fields.len());
    for (path, v) in fields {
        let here = format!("{at}.{path}");
        let element = match schema.resolve(path).map_err(|m| err(&here, m))? {
            FieldType::Array(element) => element.as_ref(),
            other => {
                return Err(err(&here, format!("`{op}` applies to list fields; `{path}` is {}", other.describe())));
            }
        };
        let path = path.clone();
        parts.push(if op == "contains" {
            check_value(element, v, &here)?;
            Condition::Contains { path, value: v.clone() }
        } else {
            let inner = match element {
                FieldType::Object(sub) => {
                    let sub = Schema { entity: format!("{}.{path}[]", schema.entity), fields: sub.clone() };
                    parse_condition(v, &sub, &here)?
                }
                scalar => {
                    let own = Schema {
                        entity: format!("{}.{path}[]", schema.entity),
                        fields: BTreeMap::from([(String::new(), scalar.clone())]),
                    };
                    parse_condition(&on_element(v), &own, &here)?
                }
            };
            Condition::Any { path, inner: Box::new(inner) }
        });
    }
    Ok(if parts.len() == 1 { parts.remove(0) } else { Condition::And(parts) })
}

fn what(op: &str) -> &'static str {
    if op == "contains" { "the element looked for" } else { "a condition on one element" }
}

/// A condition on a scalar element written as `{"eq": "manager"}`, rewritten to name the
/// element by the empty path (`{"eq": {"": "manager"}}`); `and`, `or` and `not` recurse.
fn on_element(v: &Value) -> Value {
    let Value::Object(m) = v else { return v.clone() };
    let rewritten: Map<String, Value> = m
        .iter()
        .map(|(op, arg)| {
            let arg = match (op.as_str(), arg) {
                ("and" | "or", Value::Array(items)) => Value::Array(items.iter().map(on_element).collect()),
                ("not", inner) => on_element(inner),
                (_, Value::Object(_)) => arg.clone(),
                (_, value) => Value::Object(Map::from_iter([(String::new(), value.clone())])),
            };
            (op.clone(), arg)
        })
        .collect();
    Value::Object(rewritten)
}
