//! Request bodies: JSON or form-encoded, checked against the operation's body
//! fields and turned into record values, naming every problem Harvest style.

use harvest_spec::ir::{DESTROY_INPUT, FakeHint, ID_FIELD, Presence, ResourceId, Schema, TypeRef, is_blank};
use rand::Rng;
use serde_json::{Map, Value};

use super::Ctx;
use crate::plan::{BodyPlan, FieldIx, humanize};
use crate::store::{Cell, Rec, Store};
use crate::values::{Bad, coerce, dec};

fn bad(label: &str, b: Bad) -> String {
    match b {
        Bad::Date => format!("{label} is not a valid date"),
        Bad::Invalid => format!("{label} is invalid"),
    }
}

/// Applies the body fields of the operation to a record; `create` fills defaults.
pub fn apply_body(ctx: &Ctx<'_>, store: &mut Store, r: ResourceId, rec: &mut Rec, create: bool) -> Vec<String> {
    // Rails validates `belongs_to` associations first: ref problems lead the message.
    let mut ref_problems = Vec::new();
    let mut problems = Vec::new();
    for b in &ctx.op.body {
        let Some(ix) = b.target_ix else {
            // A request-only input is read by a behaviour; its type is checked here, an
            // object's fields as a stored object's are.
            match (ctx.body.get(&b.name), &b.ty) {
                (Some(Value::Object(m)), TypeRef::Object(t)) => {
                    object(ctx, store, *t, m, None, true, &b.label, &mut problems);
                }
                (Some(v), ty) if !(v.is_null() && b.nullable) && coerce(ctx.plan, ty, v).is_err() => {
                    problems.push(format!("{} is invalid", b.label));
                }
                _ => {}
            }
            continue;
        };
        if b.ref_target.is_some() {
            let mut mine = Vec::new();
            apply_one(ctx, store, r, rec, create, b, ix, &mut mine);
            ref_problems.extend(mine);
        } else {
            apply_one(ctx, store, r, rec, create, b, ix, &mut problems);
        }
    }
    if create {
        required_unless(ctx, r, &mut problems);
    }
    ref_problems.extend(problems);
    ref_problems
}

/// A create's fields with `required_unless: OTHER`: blank when neither they (not empty) nor
/// OTHER (not null) are sent (an invoice message's `recipients` unless its `event_type`).
fn required_unless(ctx: &Ctx<'_>, r: ResourceId, problems: &mut Vec<String>) {
    let res = ctx.plan.spec.resource(r);
    for b in &ctx.op.body {
        let Some(f) = b.target_ix.map(|ix| &res.fields[ix.0]) else { continue };
        let Some(other) = f.required_unless.as_deref().and_then(|o| res.field(o)) else { continue };
        let sent = ctx.body.get(&b.name).is_some_and(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
        if !sent && ctx.body.get(&other.input_name).is_none_or(Value::is_null) {
            problems.push(format!("{} can't be blank", b.label));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_one(
    ctx: &Ctx<'_>,
    store: &mut Store,
    r: ResourceId,
    rec: &mut Rec,
    create: bool,
    b: &BodyPlan,
    ix: FieldIx,
    problems: &mut Vec<String>,
) {
    let plan = ctx.plan;
    // Harvest (Rails) reports a missing date twice: blank, and not a valid date.
    let blank = |problems: &mut Vec<String>| {
        problems.push(format!("{} can't be blank", b.label));
        if matches!(b.field_ty.as_ref().unwrap_or(&b.ty), TypeRef::Date) {
            problems.push(bad(&b.label, Bad::Date));
        }
    };
    {
        let f = &plan.spec.resource(r).fields[ix.0];
        match ctx.body.get(&b.name) {
            None => {
                if create && b.required {
                    blank(problems);
                } else if create && let Some(d) = &b.default {
                    rec[ix] = Some(Cell::from(d));
                }
            }
            Some(Value::Null) => {
                if b.nullable || f.nullable {
                    rec[ix] = Some(Cell::Null);
                } else {
                    problems.push(format!("{} can't be blank", b.label));
                }
            }
            // Rails' presence check: a required text that is empty or only whitespace is blank,
            // on update as on create (the document states it with a pattern).
            Some(Value::String(s)) if f.must_not_be_blank() && is_blank(s) => {
                problems.push(format!("{} can't be blank", b.label));
            }
            Some(Value::String(s)) if s.is_empty() && b.required && !matches!(f.ty, TypeRef::String) => {
                blank(problems);
            }
            Some(v) => {
                let ty = b.field_ty.as_ref().unwrap_or(&b.ty);
                match ty {
                    TypeRef::Object(t) => {
                        let old = rec[ix].as_ref().map(Cell::to_value).and_then(|v| v.as_object().cloned());
                        match v.as_object() {
                            Some(m) => {
                                let built = object(ctx, store, *t, m, old.as_ref(), true, &b.label, problems);
                                rec[ix] = Some(Cell::from(built));
                            }
                            None => problems.push(format!("{} is invalid", b.label)),
                        }
                    }
                    TypeRef::Array(inner) if matches!(inner.as_ref(), TypeRef::Object(_)) => {
                        let TypeRef::Object(t) = inner.as_ref() else { return };
                        let old = if create {
                            Vec::new()
                        } else {
                            rec[ix].as_ref().and_then(Cell::as_array).cloned().unwrap_or_default()
                        };
                        match merge_items(ctx, store, *t, v, old, &b.label, problems) {
                            Some(items) => rec[ix] = Some(Cell::from(Value::Array(items))),
                            None => problems.push(format!("{} is invalid", b.label)),
                        }
                    }
                    _ => match coerce(plan, ty, v) {
                        Ok(val) => {
                            if let (Some(t), Some(id)) = (b.ref_target, val.as_i64())
                                && store.get(t, id).is_none()
                            {
                                problems.push(format!("{} must exist", b.label));
                                return;
                            }
                            // The bound applies to the value as sent, as the document's
                            // `exclusiveMinimum` does, not to the cents it is stored as.
                            if let (Some(m), Some(x)) = (f.minimum, crate::values::num(Some(v)))
                                && !m.admits(x)
                            {
                                problems.push(m.problem(&b.label));
                                return;
                            }
                            if f.must_not_be_empty() && val.as_array().is_some_and(Vec::is_empty) {
                                problems.push(format!("{} can't be blank", b.label));
                                return;
                            }
                            if let Some(t) = f.references
                                && let Some(ids) = val.as_array()
                                && ids.iter().any(|x| x.as_i64().is_none_or(|id| store.get(t, id).is_none()))
                            {
                                problems.push(format!("{} is invalid", b.label));
                                return;
                            }
                            rec[ix] = Some(Cell::from(val));
                        }
                        Err(e) => problems.push(bad(&b.label, e)),
                    },
                }
            }
        }
    }
}

/// Line items on update: with `id` they change, without one they are added, `_destroy` removes.
fn merge_items(
    ctx: &Ctx<'_>,
    store: &mut Store,
    t: harvest_spec::ir::TypeId,
    v: &Value,
    mut items: Vec<Value>,
    label: &str,
    problems: &mut Vec<String>,
) -> Option<Vec<Value>> {
    let input: Vec<&Map<String, Value>> = match v {
        Value::Array(a) => a.iter().map(Value::as_object).collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    for m in input {
        // An `id` that is not a whole number (null included) names no item: invalid, not a
        // new item; an item without `id` is new.
        let id = match m.get(ID_FIELD) {
            None => None,
            Some(x) => match coerce(ctx.plan, &TypeRef::Id, x) {
                Ok(v) => v.as_i64(),
                Err(_) => {
                    problems.push(format!("{label} is invalid"));
                    continue;
                }
            },
        };
        // `_destroy` is a boolean (JSON, or form text `true`/`1`); anything else is invalid.
        let destroy = match m.get(DESTROY_INPUT).map(|x| coerce(ctx.plan, &TypeRef::Boolean, x)) {
            None => false,
            Some(Ok(x)) => x == Value::Bool(true),
            Some(Err(_)) => {
                problems.push(format!("{label} is invalid"));
                continue;
            }
        };
        match id {
            Some(id) => {
                let Some(pos) = items.iter().position(|it| it.get(ID_FIELD).and_then(Value::as_i64) == Some(id)) else {
                    problems.push(format!("{label} is invalid"));
                    continue;
                };
                if destroy {
                    items.remove(pos);
                } else {
                    let old = items[pos].as_object().cloned();
                    items[pos] = object(ctx, store, t, m, old.as_ref(), false, label, problems);
                }
            }
            None if destroy => {}
            None => items.push(object(ctx, store, t, m, None, true, label, problems)),
        }
    }
    Some(items)
}

/// Builds a stored value object from input, keeping `old` values not sent.
#[allow(clippy::too_many_arguments)]
pub fn object(
    ctx: &Ctx<'_>,
    store: &mut Store,
    t: harvest_spec::ir::TypeId,
    input: &Map<String, Value>,
    old: Option<&Map<String, Value>>,
    create: bool,
    label: &str,
    problems: &mut Vec<String>,
) -> Value {
    let plan = ctx.plan;
    let mut out = Map::new();
    for f in &plan.spec.type_def(t).fields {
        let allowed = if create && old.is_none() {
            f.input.create != Presence::Absent
        } else {
            f.input.update || f.input.create != Presence::Absent
        };
        let flabel = format!("{label} {}", humanize(&f.name).to_lowercase());
        let nested = match &f.ty {
            TypeRef::Object(t) => Some(*t),
            _ => None,
        };
        let sent = if allowed { input.get(&f.input_name).or_else(|| input.get(&f.name)) } else { None };
        let value = match sent {
            Some(Value::Null) if f.nullable => Some(Value::Null),
            // The rules every request follows (`harvest_spec::ir::wire`), inside objects too.
            Some(Value::String(s)) if f.must_not_be_blank() && is_blank(s) => {
                problems.push(format!("{flabel} can't be blank"));
                None
            }
            Some(Value::Array(a)) if f.must_not_be_empty() && a.is_empty() => {
                problems.push(format!("{flabel} can't be blank"));
                None
            }
            Some(Value::Object(m)) if nested.is_some() => nested.map(|t| {
                let old = old.and_then(|o| o.get(&f.name)).and_then(Value::as_object);
                object(ctx, store, t, m, old, true, &flabel, problems)
            }),
            Some(v) => match coerce(plan, &f.ty, v) {
                Ok(val) => {
                    if let (TypeRef::Ref(rt), Some(id)) = (&f.ty, val.as_i64())
                        && store.get(rt.target, id).is_none()
                    {
                        problems.push(format!("{flabel} must exist"));
                    }
                    Some(val)
                }
                Err(e) => {
                    problems.push(bad(&flabel, e));
                    None
                }
            },
            None => None,
        };
        // A new object or item, and an object sent again on update, carries its required
        // fields (the document's `required`); an item an update names by id need not.
        if create && sent.is_none() && f.input.create == Presence::Required {
            problems.push(format!("{flabel} can't be blank"));
        }
        let v = match (value, old.and_then(|o| o.get(&f.name))) {
            (Some(v), _) => v,
            (None, Some(o)) => o.clone(),
            (None, None) => {
                if f.name == ID_FIELD && matches!(f.ty, TypeRef::Id) {
                    Value::from(store.alloc_item())
                } else if let Some(d) = &f.default {
                    d.clone()
                } else if f.nullable || f.optional {
                    Value::Null
                } else {
                    zero(ctx, store, &f.ty, f.fake)
                }
            }
        };
        out.insert(f.name.clone(), v);
    }
    Value::Object(out)
}

/// The value a field gets on create when nothing else sets it.
pub fn zero(ctx: &Ctx<'_>, store: &Store, ty: &TypeRef, hint: Option<FakeHint>) -> Value {
    let plan = ctx.plan;
    match (ty, hint) {
        (TypeRef::String, Some(FakeHint::Hex32)) => {
            let mut rng = rand::thread_rng();
            Value::String((0..32).map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)])).collect())
        }
        (TypeRef::String, Some(FakeHint::InvoiceNumber)) => {
            Value::String(format!("{}", rand::thread_rng().gen_range(10_000..99_999)))
        }
        // The account's own currency: the singleton's currency-code field.
        (TypeRef::String, Some(FakeHint::CurrencyCode)) => plan
            .account_currency
            .and_then(|(c, ix)| {
                store.tables[c].rows.values().next().and_then(|rec| rec.get(ix)).and_then(Option::as_ref)
            })
            .map(Cell::to_value)
            .unwrap_or_else(|| Value::String("USD".into())),
        (TypeRef::Decimal, _) => dec(0.0),
        (TypeRef::Integer, _) => Value::from(0),
        (TypeRef::Boolean, _) => Value::Bool(false),
        (TypeRef::String | TypeRef::Time, _) => Value::String(String::new()),
        (TypeRef::Array(_), _) => Value::Array(Vec::new()),
        (TypeRef::Date, _) => Value::String(ctx.today()),
        (TypeRef::DateTime, _) => Value::String(ctx.stamp()),
        (TypeRef::Enum(e), _) => {
            plan.spec.enum_def(*e).values.first().map(|v| Value::String(v.wire.clone())).unwrap_or(Value::Null)
        }
        (TypeRef::Ref(rt), _) if plan.current_user == Some(rt.target) => Value::from(ctx.me(store)),
        (TypeRef::Object(t), _) => {
            let mut m = Map::new();
            for f in plan.spec.fields_of(Schema::Type(*t)) {
                m.insert(f.name.clone(), if f.nullable { Value::Null } else { zero(ctx, store, &f.ty, f.fake) });
            }
            Value::Object(m)
        }
        _ => Value::Null,
    }
}
