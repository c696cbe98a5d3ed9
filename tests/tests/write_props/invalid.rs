//! Invalid bodies: a valid body with one field broken, sent as raw JSON (the typed client
//! cannot express most of these), and what the server must answer.

use harvest_spec::ir::{BodyField, Presence, Resource, TypeRef};
use harvest_tests::Env;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value, json};

use super::payloads::target;
use super::typed::fail;

/// An id no record has.
const NO_SUCH_ID: i64 = 987_654_321_000;

/// How a body is broken.
#[derive(Debug, Clone, Copy)]
pub enum Break {
    /// A required field left out.
    Missing,
    /// A required text field empty or only spaces.
    Blank,
    /// A value of the wrong JSON type, or `null` for a field that cannot be null.
    WrongType,
    /// A number or date outside what the field can hold.
    OutOfRange,
    /// A ref to a record that does not exist.
    Dangling,
}

/// A way to break a body: which kind, and picks for the field and the value.
pub fn breaks() -> BoxedStrategy<(Break, usize, usize)> {
    let kind = prop_oneof![
        Just(Break::Missing),
        Just(Break::Blank),
        Just(Break::WrongType),
        Just(Break::OutOfRange),
        Just(Break::Dangling)
    ];
    (kind, any::<usize>(), any::<usize>()).boxed()
}

fn wrong_values(ty: &TypeRef, nullable: bool) -> Vec<Value> {
    let mut out = match ty {
        TypeRef::Id | TypeRef::Integer | TypeRef::Ref(_) => {
            vec![json!("twelve"), json!(true), json!(1.5), json!([1]), json!({"id": 1})]
        }
        TypeRef::Decimal => vec![json!("a lot"), json!(true), json!([1.5]), json!({})],
        TypeRef::Boolean => vec![json!("maybe"), json!(2), json!([]), json!({})],
        TypeRef::String | TypeRef::Time => vec![json!(true), json!([]), json!({"text": "x"})],
        TypeRef::Date => vec![json!("yesterday"), json!(20240101), json!(true), json!("2024/01/02")],
        TypeRef::DateTime => vec![json!("soon"), json!(1), json!([])],
        TypeRef::Enum(_) => vec![json!("not_a_value"), json!(7), json!([])],
        TypeRef::Object(_) => vec![json!("a string"), json!(5), json!([])],
        TypeRef::Json | TypeRef::Array(_) => vec![],
    };
    if !nullable {
        out.push(Value::Null);
    }
    out
}

fn out_of_range_values(ty: &TypeRef) -> Vec<Value> {
    match ty {
        // Past i64 (2^63, as an integer and as a float).
        TypeRef::Id | TypeRef::Integer | TypeRef::Ref(_) => {
            vec![serde_json::from_str("9223372036854775808").unwrap_or_default(), json!(1e30), json!(-1e30)]
        }
        // Finite, but too large to keep to the cent.
        TypeRef::Decimal => vec![json!(1e307), json!(-1e307)],
        TypeRef::Date => vec![json!("2023-02-29"), json!("2024-13-01"), json!("2024-04-31"), json!("99999-01-01")],
        _ => vec![],
    }
}

/// The field's label in Harvest's messages (`Spent date`, `Client` for `client_id`).
pub fn label(name: &str) -> String {
    let base = name.strip_suffix("_id").unwrap_or(name).replace('_', " ");
    let mut chars = base.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Breaks `body` in place; returns the label of the field broken, or `None` when no
/// field of `body_fields` can be broken that way.
pub fn apply(
    resource: &Resource,
    body_fields: &[BodyField],
    body: &mut Map<String, Value>,
    how: Break,
    pick: usize,
    variant: usize,
) -> Option<String> {
    let fields: Vec<(&BodyField, &harvest_spec::ir::Field)> =
        body_fields.iter().filter_map(|b| Some((b, target(resource, b)?))).collect();
    let candidates: Vec<(&BodyField, Value)> = match how {
        Break::Missing => fields
            .iter()
            .filter(|(b, _)| b.required && body.contains_key(&b.name))
            .map(|(b, _)| (*b, Value::Null))
            .collect(),
        Break::Blank => fields
            .iter()
            .filter(|(_, f)| f.ty == TypeRef::String && f.input.create == Presence::Required)
            .map(|(b, _)| (*b, Value::from(if variant.is_multiple_of(2) { "" } else { " \t " })))
            .collect(),
        Break::WrongType => fields
            .iter()
            .filter_map(|(b, f)| {
                let values = wrong_values(&f.ty, b.nullable);
                values.get(variant % values.len().max(1)).map(|v| (*b, v.clone()))
            })
            .collect(),
        Break::OutOfRange => fields
            .iter()
            .filter_map(|(b, f)| {
                let values = out_of_range_values(&f.ty);
                values.get(variant % values.len().max(1)).map(|v| (*b, v.clone()))
            })
            .collect(),
        Break::Dangling => fields
            .iter()
            .filter(|(_, f)| matches!(f.ty, TypeRef::Ref(_)))
            .map(|(b, _)| (*b, Value::from(NO_SUCH_ID)))
            .collect(),
    };
    let (b, value) = candidates.get(pick % candidates.len().max(1))?;
    match how {
        Break::Missing => body.remove(&b.name),
        _ => body.insert(b.name.clone(), value.clone()),
    };
    Some(label(&b.name))
}

/// Sends `body` as JSON with plain reqwest; returns the status and body.
pub async fn send_raw(
    env: &Env,
    method: reqwest::Method,
    path: &str,
    body: &Map<String, Value>,
) -> Result<(u16, Vec<u8>), TestCaseError> {
    let response = harvest_tests::http_client()
        .request(method, format!("{}/v2{path}", env.server.base_url()))
        .header("Authorization", "Bearer write-props")
        .header("Harvest-Account-Id", "1")
        .header("User-Agent", "harvest-tests write_props (dev@example.com)")
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(body).map_err(fail)?)
        .send()
        .await
        .map_err(fail)?;
    let status = response.status().as_u16();
    Ok((status, response.bytes().await.map_err(fail)?.to_vec()))
}

/// A refusal: a 4xx whose JSON body has a message naming the broken field.
pub fn check_refused(status: u16, body: &[u8], field: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        (400..500).contains(&status),
        "status {} for a broken {}: {}",
        status,
        field,
        String::from_utf8_lossy(body)
    );
    let json: Value = serde_json::from_slice(body).map_err(fail)?;
    let message = json["message"].as_str().unwrap_or_default();
    prop_assert!(message.contains(field), "the message does not name {}: {}", field, json);
    Ok(())
}
