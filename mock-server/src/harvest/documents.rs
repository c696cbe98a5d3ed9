//! Invoices and estimates: totals on every write, line items imported from
//! tracked work, messages that move the document through the spec's state
//! machine, and the message template.

use harvest_spec::ir::ResourceId;
use serde_json::{Value, json};

use super::{get, me_name, set};
use crate::engine::{ApiError, ApiResult, Behavior, Ctx, Output};
use crate::plan::FieldIx;
use crate::render;
use crate::store::{Cell, Rec, Store};

/// `invoice_totals` (`invoice: true`, which also settles payments and imports
/// line items) and `estimate_totals`.
pub struct Totals {
    /// Whether the document is an invoice.
    pub invoice: bool,
}

impl Behavior for Totals {
    fn before_create(&self, ctx: &Ctx<'_>, store: &Store, rec: &mut Rec, problems: &mut Vec<String>) {
        let Some(r) = ctx.op.resource else { return };
        let plan = ctx.plan;
        if self.invoice
            && let Some(imp) = ctx.body.get("line_items_import")
        {
            super::import::check(plan, store, imp, problems);
        }
        if let (Some(c), Some(cr)) =
            (get(plan, r, rec, "client").and_then(Cell::as_i64), super::resource_named(plan, "client"))
            && ctx.body.get("currency").is_none()
            && let Some(cur) = store.field(plan, cr, c, "currency").cloned()
        {
            set(plan, r, rec, "currency", cur);
        }
        set(plan, r, rec, "state", Value::String("draft".into()));
    }

    fn after_write(&self, ctx: &Ctx<'_>, store: &mut Store, id: i64, created: bool) {
        let Some(r) = ctx.op.resource else { return };
        if self.invoice
            && created
            && let Some(imp) = ctx.body.get("line_items_import").and_then(Value::as_object)
        {
            super::import::import_lines(ctx.plan, store, r, id, imp);
        }
        super::invoices::totals(ctx.plan, store, r, id, self.invoice);
    }
}

/// `invoice_message` and `estimate_message`: a message sent by the token's
/// user; its `event_type` moves the parent document through its state machine.
pub struct Message;

impl Behavior for Message {
    fn before_create(&self, ctx: &Ctx<'_>, store: &Store, rec: &mut Rec, problems: &mut Vec<String>) {
        let Some(r) = ctx.op.resource else { return };
        let plan = ctx.plan;
        let (me_name, me_email) = me_name(plan, store, ctx.me(store));
        // Recipients unless an event: the spec's `required_unless`, checked with the body.
        let event = ctx.body.get("event_type").filter(|v| !v.is_null());
        for (f, v) in [
            ("sent_by", &me_name),
            ("sent_from", &me_name),
            ("sent_by_email", &me_email),
            ("sent_from_email", &me_email),
        ] {
            set(plan, r, rec, f, Value::String(v.clone()));
        }
        if event.is_some() {
            for f in ["subject", "body"] {
                if ctx.body.get(f).is_none() {
                    set(plan, r, rec, f, Value::Null);
                }
            }
        }
        if let (Some(e), Some((pr, pid))) = (event.and_then(Value::as_str), ctx.parent())
            && let Some(machine) = &plan.spec.resource(pr).states
        {
            let state = store.get(pr, pid).and_then(|p| p.get(FieldIx(machine.field))).and_then(Option::as_ref);
            let state = state.and_then(Cell::as_str).unwrap_or("");
            if machine.next(e, state).is_none() {
                problems.push(format!("Event type {e} is not allowed while the state is {state}"));
            }
        }
    }

    fn after_write(&self, ctx: &Ctx<'_>, store: &mut Store, id: i64, created: bool) {
        let (Some(r), Some((pr, pid))) = (ctx.op.resource, ctx.parent()) else { return };
        if !created {
            return;
        }
        let event = store.field(ctx.plan, r, id, "event_type").and_then(Cell::as_str).map(str::to_string);
        apply_event(ctx, store, pr, pid, event.as_deref().unwrap_or("send"));
    }
}

/// Moves document `id` of `r` by `event`: its state, the timestamps the
/// transition stamps and clears, and `updated_at`. Nothing when the event
/// leaves the state as it is.
fn apply_event(ctx: &Ctx<'_>, store: &mut Store, r: ResourceId, id: i64, event: &str) {
    let plan = ctx.plan;
    let Some(machine) = &plan.spec.resource(r).states else { return };
    let Some(state) = store.get(r, id).and_then(|d| d.get(FieldIx(machine.field))).and_then(Option::as_ref) else {
        return;
    };
    let state = state.as_str().unwrap_or("").to_string();
    let Some(t) = machine.next(event, &state) else { return };
    let next = t.to.clone().unwrap_or_else(|| state.clone());
    if next == state {
        return;
    }
    let stamp = ctx.stamp();
    store.set_at(plan, r, id, FieldIx(machine.field), Cell::from(next.as_str()));
    for ix in &t.stamp {
        store.set_at(plan, r, id, FieldIx(*ix), Cell::from(stamp.as_str()));
    }
    for ix in &t.clear {
        store.set_at(plan, r, id, FieldIx(*ix), Cell::Null);
    }
    super::touch(plan, store, r, id, &stamp);
}

/// `invoice_message_template`: the subject and body a new message would get.
pub struct MessageTemplate;

impl Behavior for MessageTemplate {
    fn read(&self, ctx: &Ctx<'_>, store: &Store) -> Option<ApiResult<Output>> {
        Some(template(ctx, store))
    }
}

fn template(ctx: &Ctx<'_>, store: &Store) -> ApiResult<Output> {
    let plan = ctx.plan;
    let (inv, iid) = ctx.parent().ok_or(ApiError::NotFound)?;
    store.get(inv, iid).ok_or(ApiError::NotFound)?;
    let number = store.field(plan, inv, iid, "number").and_then(Cell::as_str).unwrap_or("").to_string();
    let company = render::account_name(plan, store);
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
    let v = match super::item_schema(ctx) {
        Some(s) => render::object(plan, store, s, &v, 0),
        None => v,
    };
    Ok(Output::doc(&v))
}
