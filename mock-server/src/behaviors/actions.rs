//! Special actions and computed lists: timers, external references,
//! message templates, teammates and project assignments.

use axum::response::{IntoResponse, Response};
use harvest_spec::ir::{Behavior, Response as Shape, Schema, TypeRef};
use serde_json::{Map, Value, json};

use crate::errors::{ApiError, ApiResult};
use crate::handlers::{Ctx, json};
use crate::render;
use crate::store::{Cell, Store};
use crate::values::{dec, now, parse_datetime, round2};

fn users(ctx: &Ctx<'_>) -> ApiResult<usize> {
    crate::seed::resource_with(ctx.plan, Behavior::CurrentUser).ok_or(ApiError::NotFound)
}

fn self_id(ctx: &Ctx<'_>) -> ApiResult<i64> {
    ctx.op.self_param.and_then(|p| ctx.params.get(p).copied()).ok_or(ApiError::NotFound)
}

fn item_schema(ctx: &Ctx<'_>) -> Option<Schema> {
    match &ctx.op.response {
        Shape::One(s) | Shape::List(s) => Some(*s),
        Shape::BareList { item, .. } => Some(*item),
        Shape::None => None,
    }
}

/// Items of lists computed by behaviours, with their ids (for cursors).
pub fn behavior_list(ctx: &Ctx<'_>, store: &Store, b: Behavior) -> ApiResult<(Vec<i64>, Vec<Value>)> {
    let plan = ctx.plan;
    // Refuse invalid filter values with a 422, as every other list does.
    crate::handlers::parsed_filters_pub(ctx)?;
    let u = users(ctx)?;
    let user = if b == Behavior::CurrentUserProjectAssignments { store.me } else { self_id(ctx)? };
    store.get(u, user).ok_or(ApiError::NotFound)?;
    let schema = item_schema(ctx).ok_or(ApiError::NotFound)?;
    match b {
        Behavior::TeammatesList => {
            let ids = store.teammates.get(&user).cloned().unwrap_or_default();
            let items = ids.iter().map(|id| copy_fields(ctx, store, schema, u, *id)).collect();
            Ok((ids, items))
        }
        _ => {
            let ua = plan.spec.resource_named("user_assignment").ok_or(ApiError::NotFound)?.0;
            let user_ix = plan.res[ua].ix("user").ok_or(ApiError::NotFound)?;
            let mut ids: Vec<i64> = store
                .referring(ua, user_ix, user)
                .into_iter()
                .filter(|id| store.field(plan, ua, *id, "is_active") != Some(&Cell::Bool(false)))
                .collect();
            if let Some(since) = ctx.q("updated_since").and_then(parse_datetime) {
                let since = crate::values::fmt_datetime(since);
                ids.retain(|id| {
                    store.field(plan, ua, *id, "updated_at").and_then(Cell::as_str).is_some_and(|u| u >= since.as_str())
                });
            }
            ids.sort_unstable_by(|a, b| b.cmp(a));
            let items = ids.iter().map(|id| copy_fields(ctx, store, schema, ua, *id)).collect();
            Ok((ids, items))
        }
    }
}

/// Renders record `id` of `r` as the value type `schema`: same-named fields
/// copied, derived refs followed, arrays of a resource's plural filled from
/// the records that share the project.
fn copy_fields(ctx: &Ctx<'_>, store: &Store, schema: Schema, r: usize, id: i64) -> Value {
    render::object(ctx.plan, store, schema, &raw_fields(ctx, store, schema, r, id), 0)
}

/// The stored (unrendered) form of [`copy_fields`].
fn raw_fields(ctx: &Ctx<'_>, store: &Store, schema: Schema, r: usize, id: i64) -> Value {
    let plan = ctx.plan;
    let mut m = Map::new();
    for f in plan.spec.fields_of(schema) {
        let v = match &f.ty {
            TypeRef::Ref(rt) => match &rt.source {
                harvest_spec::ir::RefSource::Derive { through, field } => store
                    .ref_of(plan, r, id, through)
                    .and_then(|t| {
                        let tr = plan.res[r].ix(through).and_then(|ix| plan.res[r].ref_at(ix))?.target.0;
                        store.field(plan, tr, t, field).map(Cell::to_value)
                    })
                    .unwrap_or(Value::Null),
                _ => store.field(plan, r, id, &f.name).map_or(Value::Null, Cell::to_value),
            },
            TypeRef::Array(inner) => {
                match (inner.as_ref(), plan.spec.resources.iter().position(|x| x.plural == f.name)) {
                    (TypeRef::Object(t), Some(tr)) => {
                        let project = store.ref_of(plan, r, id, "project");
                        let pix = plan.res[tr].ix("project");
                        let mut kids = match (project, pix) {
                            (Some(p), Some(ix)) => store.referring(tr, ix, p),
                            _ => Vec::new(),
                        };
                        kids.sort_unstable();
                        Value::Array(kids.iter().map(|k| raw_fields(ctx, store, Schema::Type(*t), tr, *k)).collect())
                    }
                    _ => store.field(plan, r, id, &f.name).map_or(Value::Array(Vec::new()), Cell::to_value),
                }
            }
            _ => store.field(plan, r, id, &f.name).map_or(Value::Null, Cell::to_value),
        };
        m.insert(f.name.clone(), v);
    }
    Value::Object(m)
}

/// Read-only actions (`GET /invoices/{id}/messages/new`).
pub fn read_action(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Response> {
    let plan = ctx.plan;
    match ctx.op.behavior {
        Some(Behavior::InvoiceMessageTemplate) => {
            let pp = ctx.op.parents.first().ok_or(ApiError::NotFound)?;
            let iid = *ctx.params.get(pp.param).ok_or(ApiError::NotFound)?;
            let inv = pp.target.0;
            store.get(inv, iid).ok_or(ApiError::NotFound)?;
            let number = store.field(plan, inv, iid, "number").and_then(Cell::as_str).unwrap_or("").to_string();
            let company = plan
                .spec
                .resources
                .iter()
                .position(|r| r.singleton)
                .and_then(|c| store.tables[c].rows.keys().next().map(|k| render::display_name(plan, store, c, *k)))
                .unwrap_or_default();
            let thank_you = ctx.q("thank_you") == Some("true");
            let reminder = ctx.q("reminder") == Some("true");
            let subject = if thank_you {
                format!("Thank you for your payment on invoice #{number}")
            } else if reminder {
                format!("Invoice #{number} from {company} is past due")
            } else {
                format!("Invoice #{number} from {company}")
            };
            let body = format!(
                "---------------------------------------------\r\nInvoice Summary\r\n---------------------------------------------\r\nInvoice ID: {number}\r\n"
            );
            let v = json!({"invoice_id": iid, "subject": subject, "body": body, "reminder": reminder, "thank_you": thank_you});
            let v = match item_schema(ctx) {
                Some(s) => render::object(plan, store, s, &v, 0),
                None => v,
            };
            Ok(json(ctx.op.status, &v))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// Actions that change data.
pub fn write_action(ctx: &Ctx<'_>, store: &mut Store) -> ApiResult<Response> {
    let plan = ctx.plan;
    match ctx.op.behavior {
        Some(
            b @ (Behavior::TimeEntryRestart | Behavior::TimeEntryStop | Behavior::TimeEntryDeleteExternalReference),
        ) => {
            let r = ctx.res()?;
            let id = self_id(ctx)?;
            store.get(r, id).ok_or(ApiError::NotFound)?;
            let running = store.field(plan, r, id, "is_running").and_then(Cell::as_bool).unwrap_or(false);
            let stamp = now();
            match b {
                Behavior::TimeEntryRestart => {
                    if running {
                        return Err(ApiError::Unprocessable("Time entry is already running".into()));
                    }
                    let hours = store.num(plan, r, id, "hours").unwrap_or(0.0);
                    store.set(plan, r, id, "hours_without_timer", dec(hours));
                    store.set(plan, r, id, "is_running", Value::Bool(true));
                    store.set(plan, r, id, "timer_started_at", Value::String(stamp.clone()));
                }
                Behavior::TimeEntryStop => {
                    if !running {
                        return Err(ApiError::Unprocessable("Time entry is not running".into()));
                    }
                    let base = store.num(plan, r, id, "hours_without_timer").unwrap_or(0.0);
                    let started =
                        store.field(plan, r, id, "timer_started_at").and_then(Cell::as_str).and_then(parse_datetime);
                    let elapsed =
                        started.map(|s| (chrono::Utc::now() - s).num_seconds().max(0) as f64 / 3600.0).unwrap_or(0.0);
                    let hours = round2(base + elapsed);
                    store.set(plan, r, id, "hours", dec(hours));
                    store.set(plan, r, id, "hours_without_timer", dec(hours));
                    store.set(plan, r, id, "rounded_hours", dec((hours * 4.0).ceil() / 4.0));
                    store.set(plan, r, id, "is_running", Value::Bool(false));
                    store.set(plan, r, id, "timer_started_at", Value::Null);
                }
                _ => store.set(plan, r, id, "external_reference", Value::Null),
            }
            store.set(plan, r, id, "updated_at", Value::String(stamp));
            if matches!(ctx.op.response, Shape::None) {
                return Ok((axum::http::StatusCode::from_u16(ctx.op.status).unwrap_or_default(), "").into_response());
            }
            let rec = store.get(r, id).ok_or(ApiError::NotFound)?;
            Ok(json(ctx.op.status, &render::RecordView { plan, store, r, rec }))
        }
        Some(Behavior::TeammatesUpdate) => {
            let u = users(ctx)?;
            let user = self_id(ctx)?;
            store.get(u, user).ok_or(ApiError::NotFound)?;
            let ids = match ctx.body.get("teammate_ids") {
                Some(Value::Array(a)) => {
                    a.iter().map(|v| crate::values::num(Some(v)).map(|x| x as i64)).collect::<Option<Vec<_>>>()
                }
                Some(Value::String(s)) if s.is_empty() => Some(Vec::new()),
                _ => None,
            };
            let Some(mut ids) = ids else { return Err(ApiError::Unprocessable("Teammate ids can't be blank".into())) };
            if ids.iter().any(|id| store.get(u, *id).is_none() || *id == user) {
                return Err(ApiError::Unprocessable("Teammate ids is invalid".into()));
            }
            ids.sort_unstable();
            ids.dedup();
            store.teammates.insert(user, ids.clone());
            let schema = item_schema(ctx).ok_or(ApiError::NotFound)?;
            let items: Vec<Value> = ids.iter().map(|id| copy_fields(ctx, store, schema, u, *id)).collect();
            let key = match &ctx.op.response {
                Shape::BareList { key, .. } => key.clone(),
                _ => "teammates".into(),
            };
            Ok(json(ctx.op.status, &json!({ key: items })))
        }
        _ => read_action(ctx, store),
    }
}
