//! Valid request bodies built from the spec: every body field of a create or update
//! operation that sets a record field, present or absent when optional, `null` now and
//! then when nullable, values within Harvest's bounds, refs to existing records.

use std::collections::BTreeMap;

use harvest_spec::ir::{BodyField, FakeHint, Field, Operation, Presence, Resource, Spec, TypeRef};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Existing records the bodies may point at, and the combinations the server requires.
#[derive(Debug, Clone, Default)]
pub struct World {
    /// Ids of every resource, by spec name.
    pub ids: BTreeMap<String, Vec<i64>>,
    /// (project, task, user) with active task and user assignments: valid time entries.
    pub tracked: Vec<(i64, i64, i64)>,
    /// (project, user) with an active user assignment: valid expenses.
    pub members: Vec<(i64, i64)>,
}

impl World {
    /// Reads the account of a running server.
    pub fn read(state: &harvest_mock::AppState) -> World {
        let spec = state.spec();
        let ids: BTreeMap<String, Vec<i64>> =
            spec.resources.iter().map(|r| (r.name.clone(), state.ids(&r.name))).collect();
        let active = |res: &str, id: i64| state.field(res, id, "is_active") == Some(Value::Bool(true));
        let int = |res: &str, id: i64, f: &str| state.field(res, id, f).and_then(|v| v.as_i64());
        let members: Vec<(i64, i64)> = ids["user_assignment"]
            .iter()
            .filter(|id| active("user_assignment", **id))
            .filter_map(|id| Some((int("user_assignment", *id, "project")?, int("user_assignment", *id, "user")?)))
            .collect();
        let tasks: Vec<(i64, i64)> = ids["task_assignment"]
            .iter()
            .filter(|id| active("task_assignment", **id))
            .filter_map(|id| Some((int("task_assignment", *id, "project")?, int("task_assignment", *id, "task")?)))
            .collect();
        let tracked = tasks
            .iter()
            .flat_map(|(p, t)| members.iter().filter(move |(mp, _)| mp == p).map(move |(_, u)| (*p, *t, *u)))
            .collect();
        World { ids, tracked, members }
    }
}

/// A field's value, never null.
fn text(required: bool) -> BoxedStrategy<String> {
    // Any characters, astral planes and controls included; a required one is not blank.
    proptest::string::string_regex("(?s).{0,24}")
        .expect("valid regex")
        .prop_filter("a required text is not blank", move |s| !required || !s.trim().is_empty())
        .boxed()
}

/// Two-decimal amounts (the server keeps money and hours to the cent) within `max`.
fn cents(max: i64) -> BoxedStrategy<Value> {
    (0..=max * 100).prop_map(|c| Value::from(c as f64 / 100.0)).boxed()
}

fn scalar(spec: &Spec, world: &World, field: &Field, ty: &TypeRef, required: bool) -> BoxedStrategy<Value> {
    match (ty, field.fake) {
        (TypeRef::Ref(r), _) => {
            let ids = world.ids.get(&spec.resource(r.target).name).cloned().unwrap_or_default();
            proptest::sample::select(ids).prop_map(Value::from).boxed()
        }
        (TypeRef::Decimal, Some(FakeHint::Hours)) => cents(24),
        (TypeRef::Decimal, Some(FakeHint::Percentage)) => cents(100),
        (TypeRef::Decimal, Some(FakeHint::Rate)) => cents(10_000),
        (TypeRef::Decimal, _) => cents(1_000_000),
        (TypeRef::Id | TypeRef::Integer, _) => (0i64..1_000_000).prop_map(Value::from).boxed(),
        (TypeRef::Boolean, _) => any::<bool>().prop_map(Value::from).boxed(),
        (TypeRef::String, Some(FakeHint::Email)) => {
            "[a-z]{1,10}@[a-z]{1,10}\\.(com|org|io)".prop_map(Value::from).boxed()
        }
        (TypeRef::String, Some(FakeHint::CurrencyCode)) => {
            proptest::sample::select(vec!["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF"])
                .prop_map(Value::from)
                .boxed()
        }
        (TypeRef::String, _) => text(required).prop_map(Value::from).boxed(),
        (TypeRef::Time, _) => prop_oneof![
            (1u32..=12, 0u32..60, any::<bool>())
                .prop_map(|(h, m, am)| format!("{h}:{m:02}{}", if am { "am" } else { "pm" })),
            (0u32..24, 0u32..60).prop_map(|(h, m)| format!("{h}:{m:02}")),
        ]
        .prop_map(Value::from)
        .boxed(),
        (TypeRef::Date, _) => (0i64..5844)
            .prop_map(|d| {
                let day = chrono::NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default() + chrono::Duration::days(d);
                Value::from(day.format("%Y-%m-%d").to_string())
            })
            .boxed(),
        (TypeRef::Enum(e), _) => {
            let values: Vec<Value> = spec.enum_def(*e).values.iter().map(|v| Value::from(v.wire.clone())).collect();
            proptest::sample::select(values).boxed()
        }
        (TypeRef::Object(t), _) => {
            let fields: Vec<Field> =
                spec.type_def(*t).fields.iter().filter(|f| !f.input.is_read_only()).cloned().collect();
            object(spec, world, &fields)
        }
        (TypeRef::DateTime, _) => (1_420_070_400i64..1_924_905_600)
            .prop_map(|s| {
                let t = chrono::DateTime::from_timestamp(s, 0).unwrap_or_default();
                Value::from(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            })
            .boxed(),
        (TypeRef::Json | TypeRef::Array(_), _) => Just(Value::Null).boxed(),
    }
}

/// A value object's input: required members always, the others now and then.
fn object(spec: &Spec, world: &World, fields: &[Field]) -> BoxedStrategy<Value> {
    let members: Vec<_> = fields
        .iter()
        .map(|f| {
            let required = f.input.create == Presence::Required;
            let value = with_null(scalar(spec, world, f, &f.ty, required), f.nullable);
            let name = f.input_name.clone();
            presence(value, required).prop_map(move |v| v.map(|v| (name.clone(), v))).boxed()
        })
        .collect();
    members.prop_map(|m| Value::Object(m.into_iter().flatten().collect())).boxed()
}

fn with_null(value: BoxedStrategy<Value>, nullable: bool) -> BoxedStrategy<Value> {
    if nullable { prop_oneof![1 => Just(Value::Null), 4 => value].boxed() } else { value }
}

fn presence(value: BoxedStrategy<Value>, required: bool) -> BoxedStrategy<Option<Value>> {
    if required { value.prop_map(Some).boxed() } else { proptest::option::weighted(0.45, value).boxed() }
}

/// The record field a body field sets (`client` for `client_id`).
pub fn target<'a>(resource: &'a Resource, b: &BodyField) -> Option<&'a Field> {
    resource.field(b.target.as_deref()?)
}

/// A body for `op` with every field that sets a record field (request-only inputs such as
/// `delete_receipt` are left out: nothing on the record shows them).
pub fn body(spec: &Spec, world: &World, resource: &Resource, op: &Operation) -> BoxedStrategy<Map<String, Value>> {
    let fields: Vec<_> = op
        .body
        .iter()
        .flat_map(|b| &b.fields)
        .filter_map(|b| Some((b, target(resource, b)?)))
        .map(|(b, f)| {
            // A text required on create may not be blanked by an update either.
            let required = b.required || f.input.create == Presence::Required;
            let value = with_null(scalar(spec, world, f, &f.ty, required), b.nullable);
            let name = b.name.clone();
            presence(value, b.required).prop_map(move |v| v.map(|v| (name.clone(), v))).boxed()
        })
        .collect();
    fields.prop_map(|m| m.into_iter().flatten().collect()).boxed()
}

/// Makes a body's refs a combination the server accepts: a time entry's project, task
/// and user must be assigned to each other, an expense's user to its project. `record`
/// is the record being updated (its user stays).
pub fn fix_refs(resource: &str, body: &mut Map<String, Value>, world: &World, pick: usize, record: Option<&Value>) {
    let user_of = |r: &Value| r["user"]["id"].as_i64();
    let touches = body.contains_key("project_id") || body.contains_key("task_id");
    match (resource, record) {
        ("time_entry", None) if !world.tracked.is_empty() => {
            let (p, t, u) = world.tracked[pick % world.tracked.len()];
            body.insert("project_id".into(), p.into());
            body.insert("task_id".into(), t.into());
            body.insert("user_id".into(), u.into());
        }
        ("time_entry", Some(r)) if touches => {
            let fits: Vec<_> = world.tracked.iter().filter(|(_, _, u)| Some(*u) == user_of(r)).collect();
            match fits.get(pick % fits.len().max(1)) {
                Some((p, t, _)) => {
                    body.insert("project_id".into(), (*p).into());
                    body.insert("task_id".into(), (*t).into());
                }
                None => {
                    body.remove("project_id");
                    body.remove("task_id");
                }
            }
        }
        ("expense", None) if !world.members.is_empty() => {
            let (p, u) = world.members[pick % world.members.len()];
            body.insert("project_id".into(), p.into());
            body.insert("user_id".into(), u.into());
        }
        ("expense", Some(r)) if body.contains_key("project_id") => {
            let fits: Vec<_> = world.members.iter().filter(|(_, u)| Some(*u) == user_of(r)).collect();
            match fits.get(pick % fits.len().max(1)) {
                Some((p, _)) => body.insert("project_id".into(), (*p).into()),
                None => body.remove("project_id"),
            };
        }
        _ => {}
    }
}
