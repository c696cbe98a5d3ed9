//! What a record read back must show after a write, judged field by field from the spec.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use harvest_client::runtime::Method;
use harvest_spec::ir::{Compute, Field, OpKind, ParamBinding, RefSource, Resource, Spec, TypeRef};
use harvest_tests::{Env, op_path};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Value};

use super::payloads::target;
use super::typed::fail;

/// Equal JSON, numbers compared by value (decimals travel as floats).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// `GET` of one record of `resource` by id, when the spec has such an operation.
pub fn record_path(spec: &Spec, resource: &Resource, id: i64) -> Option<String> {
    let op = resource.operations.iter().map(|o| spec.operation(*o)).find(|o| {
        o.kind == OpKind::Get
            && !o.path_params.is_empty()
            && o.path_params.iter().all(|p| p.binding == ParamBinding::SelfId)
    })?;
    Some(op_path(op, &[id]))
}

/// The raw body of a `GET`, and its JSON.
pub async fn raw_get(env: &Env, path: &str) -> Result<(Vec<u8>, Value), TestCaseError> {
    let response = env.client.raw(Method::GET, path).send().await.map_err(fail)?;
    let json = serde_json::from_slice(&response.body).map_err(fail)?;
    Ok((response.body.to_vec(), json))
}

/// What a computed field must show, from the record's own values (a `ref.field`
/// operand read from the ref's embedded summary), rounded half up to two
/// decimals; `None` when an operand has no number, and the field keeps what was sent.
fn computed(spec: &Spec, resource: &Resource, f: &Field, record: &Value) -> Option<Value> {
    let Some(Compute::Product(operands)) = &f.compute else { return None };
    let mut product = rust_decimal::Decimal::ONE;
    for o in operands {
        let sibling = resource.fields.get(o.field)?;
        let v = match (o.through, &sibling.ty) {
            (None, _) => &record[&sibling.name],
            (Some(k), TypeRef::Ref(rt)) => &record[&sibling.name][&spec.resource(rt.target).fields.get(k)?.name],
            (Some(_), _) => return None,
        };
        product *= v.as_number()?.to_string().parse::<rust_decimal::Decimal>().ok()?;
    }
    let rounded = product.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    rounded.to_string().parse::<f64>().ok().map(Value::from)
}

/// Every sent field shows on the record: refs as the embedded object's id, value objects
/// member by member, a computed field as its operands make it, everything else as sent
/// (numbers by value).
pub fn check_sent(
    spec: &Spec,
    resource: &Resource,
    op_body: &[harvest_spec::ir::BodyField],
    sent: &Map<String, Value>,
    record: &Value,
) -> Result<(), TestCaseError> {
    for f in resource.fields.iter().filter(|f| f.compute.is_some()) {
        if let Some(want) = computed(spec, resource, f, record) {
            prop_assert!(
                same(&record[&f.name], &want),
                "{} is {} but its operands make {}",
                f.name,
                record[&f.name],
                want
            );
        }
    }
    for (name, value) in sent {
        let b = op_body.iter().find(|b| &b.name == name).ok_or_else(|| fail(format!("{name} is not a body field")))?;
        let f = target(resource, b).ok_or_else(|| fail(format!("{name} sets no field")))?;
        if computed(spec, resource, f, record).is_some() {
            continue;
        }
        let got = &record[&f.name];
        let shown = match (&f.ty, value) {
            (TypeRef::Ref(_), Value::Null) => got.is_null(),
            (TypeRef::Ref(_), _) => same(&got["id"], value),
            (TypeRef::Object(_), Value::Object(members)) => members.iter().all(|(k, v)| same(&got[k], v)),
            _ => same(got, value),
        };
        prop_assert!(shown, "{} sent {} but the record shows {}: {}", name, value, f.name, got);
    }
    Ok(())
}

fn stamp(record: &Value, name: &str) -> Result<DateTime<Utc>, TestCaseError> {
    let text = record[name].as_str().ok_or_else(|| fail(format!("{name} is missing")))?;
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(fail)
}

/// A new record: its id, and `created_at` = `updated_at` within the time of the request
/// (`started` and `ended`, read on the mock's clock).
pub fn check_created(
    record: &Value,
    id: i64,
    (started, ended): (DateTime<Utc>, DateTime<Utc>),
) -> Result<(), TestCaseError> {
    prop_assert_eq!(record["id"].as_i64(), Some(id));
    let (created, updated) = (stamp(record, "created_at")?, stamp(record, "updated_at")?);
    prop_assert_eq!(created, updated);
    let window = started - chrono::Duration::seconds(1)..=ended + chrono::Duration::seconds(1);
    prop_assert!(window.contains(&created), "created_at {} is not the time of the request", created);
    Ok(())
}

/// Every embedded ref shows the referenced record as it is stored: the embedded members
/// equal the target's fields (a synthetic `name` joins its `name_from` fields), and derived
/// or matched refs point at the record the spec's rule names.
pub async fn check_refs(env: &Env, spec: &Spec, resource: &Resource, record: &Value) -> Result<(), TestCaseError> {
    let state = env.server.state();
    for f in &resource.fields {
        let TypeRef::Ref(r) = &f.ty else { continue };
        let embed = &record[&f.name];
        let Some(id) = embed["id"].as_i64() else {
            prop_assert!(embed.is_null() && f.nullable, "{} is neither a ref nor null: {}", f.name, embed);
            continue;
        };
        let t = spec.resource(r.target);
        prop_assert!(state.ids(&t.name).contains(&id), "{} points at a missing {} {}", f.name, t.name, id);
        if let Some(path) = record_path(spec, t, id) {
            let (_, stored) = raw_get(env, &path).await?;
            for (k, v) in embed.as_object().into_iter().flatten() {
                let want = match (k.as_str(), t.field(k)) {
                    ("name", None) => {
                        let parts: Vec<&str> = t.name_from.iter().filter_map(|p| stored[p].as_str()).collect();
                        Value::from(parts.join(" "))
                    }
                    _ => stored[k].clone(),
                };
                prop_assert!(same(v, &want), "{}.{} is {} but {} {} has {}", f.name, k, v, t.name, id, want);
            }
        }
        match &r.source {
            RefSource::Derive { through, field } => {
                let via = record[through]["id"].as_i64().unwrap_or_default();
                let through_target = resource.field(through).and_then(|x| match &x.ty {
                    TypeRef::Ref(tr) => Some(spec.resource(tr.target).name.clone()),
                    _ => None,
                });
                let want = through_target.and_then(|tn| state.field(&tn, via, field)).and_then(|v| v.as_i64());
                prop_assert_eq!(Some(id), want, "{} is not {}.{}", f.name, through, field);
            }
            RefSource::Match(pairs) => {
                for (theirs, ours) in pairs {
                    let want = record[ours]["id"].as_i64();
                    let got = state.field(&t.name, id, theirs).and_then(|v| v.as_i64());
                    prop_assert_eq!(got, want, "{}.{} differs from {}", f.name, theirs, ours);
                }
            }
            RefSource::Input { .. } | RefSource::Server => {}
        }
    }
    Ok(())
}

/// Fields an update may change besides the sent ones and `updated_at`: refs derived from
/// or matched on a sent ref, and a time entry's hours when its times are sent.
fn dependents(resource: &Resource, sent_targets: &BTreeSet<String>, sent: &Map<String, Value>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in &resource.fields {
        let TypeRef::Ref(r) = &f.ty else { continue };
        let moved = match &r.source {
            RefSource::Derive { through, .. } => sent_targets.contains(through),
            RefSource::Match(pairs) => pairs.iter().any(|(_, ours)| sent_targets.contains(ours)),
            _ => false,
        };
        if moved {
            out.insert(f.name.clone());
        }
    }
    let both_times =
        sent.get("started_time").is_some_and(Value::is_string) && sent.get("ended_time").is_some_and(Value::is_string);
    if resource.field("hours_without_timer").is_some() && (sent.contains_key("hours") || both_times) {
        out.extend(["hours", "hours_without_timer", "rounded_hours"].map(String::from));
    }
    // A computed field follows its operands (check_sent checks the value).
    for f in &resource.fields {
        let Some(Compute::Product(operands)) = &f.compute else { continue };
        if operands.iter().any(|o| resource.fields.get(o.field).is_some_and(|s| sent_targets.contains(&s.name))) {
            out.insert(f.name.clone());
        }
    }
    out
}

/// After an update, the sent fields show (see [`check_sent`]), `updated_at` advanced,
/// and every other field is exactly as before.
pub fn check_only_sent_changed(
    spec: &Spec,
    resource: &Resource,
    op_body: &[harvest_spec::ir::BodyField],
    sent: &Map<String, Value>,
    before: &Value,
    after: &Value,
) -> Result<(), TestCaseError> {
    check_sent(spec, resource, op_body, sent, after)?;
    let targets: BTreeSet<String> = sent
        .keys()
        .filter_map(|k| op_body.iter().find(|b| &b.name == k))
        .filter_map(|b| target(resource, b).map(|f| f.name.clone()))
        .collect();
    let free = dependents(resource, &targets, sent);
    let (b, a) = (before.as_object(), after.as_object());
    let keys = |m: Option<&Map<String, Value>>| m.map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    prop_assert_eq!(keys(b), keys(a), "the record's fields changed");
    prop_assert!(stamp(after, "updated_at")? > stamp(before, "updated_at")?, "updated_at did not advance");
    for (k, old) in b.into_iter().flatten() {
        if targets.contains(k) || free.contains(k) || k == "updated_at" {
            continue;
        }
        prop_assert_eq!(&after[k], old, "{} changed though it was not sent", k);
    }
    Ok(())
}
