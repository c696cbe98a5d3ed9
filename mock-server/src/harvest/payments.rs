//! Invoice payments: recorded by the token's user, dated, and settling the
//! invoice they pay (its `due_amount` and paid state) on create and delete.

use serde_json::Value;

use super::{get, me_name, set};
use crate::engine::{Behavior, Ctx};
use crate::store::{Cell, Rec, Store};

/// `invoice_payment_create`.
pub struct PaymentCreate;

impl Behavior for PaymentCreate {
    fn before_create(&self, ctx: &Ctx<'_>, store: &Store, rec: &mut Rec, _problems: &mut Vec<String>) {
        let Some(r) = ctx.op.resource else { return };
        let plan = ctx.plan;
        let at = get(plan, r, rec, "paid_at").and_then(Cell::as_str).map(str::to_string);
        let date = get(plan, r, rec, "paid_date").and_then(Cell::as_str).map(str::to_string);
        let (at, date) = match (at, date) {
            (Some(a), None) => (a.clone(), a.chars().take(10).collect()),
            (None, Some(d)) => (format!("{d}T00:00:00Z"), d),
            (Some(a), Some(d)) => (a, d),
            (None, None) => (ctx.stamp(), ctx.today()),
        };
        let (name, email) = me_name(plan, store, ctx.me(store));
        set(plan, r, rec, "paid_at", Value::String(at));
        set(plan, r, rec, "paid_date", Value::String(date));
        set(plan, r, rec, "recorded_by", Value::String(name));
        set(plan, r, rec, "recorded_by_email", Value::String(email));
    }

    fn after_write(&self, ctx: &Ctx<'_>, store: &mut Store, _id: i64, _created: bool) {
        if let Some((inv, iid)) = ctx.parent() {
            super::invoices::settle(ctx.plan, store, inv, iid);
        }
    }
}

/// `invoice_payment_delete`.
pub struct PaymentDelete;

impl Behavior for PaymentDelete {
    fn after_delete(&self, ctx: &Ctx<'_>, store: &mut Store) {
        if let Some((inv, iid)) = ctx.parent() {
            super::invoices::settle(ctx.plan, store, inv, iid);
        }
    }
}
