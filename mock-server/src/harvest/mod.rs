//! Harvest's own rules, as behaviours registered under the names the spec's
//! `behavior:` keys use. Each declares the fields it reads and writes
//! ([`needs`]); the spec loader checks them, so a renamed or retyped field
//! is a located load error, never a rule that silently stops applying.
//! This is the one module of the crate that names Harvest's fields.

mod documents;
mod import;
mod invoices;
mod needs;
mod payments;
mod rates;
mod receipts;
mod seed_records;
mod seeding;
mod timers;
mod users;

use std::sync::Arc;

use harvest_spec::ir::{ResourceId, Response as Shape, Schema};

use crate::engine::{Behavior, Ctx, Registry};
use crate::plan::Plan;
use crate::render::display_name;
use crate::seed::SeedPass;
use crate::store::{Cell, Rec, Store};
use crate::values::Money;
use timers::TimerAction;

/// Every Harvest behaviour by spec name, and the seeding pass that keeps
/// seeded data consistent with them.
pub fn rules() -> (Registry, Vec<Box<dyn SeedPass>>) {
    let mut reg = Registry::default();
    let mut add = |name: &str, b: Arc<dyn Behavior>| reg.register(name, needs::of(name), b);
    add("time_entry_timer", Arc::new(timers::Timer));
    add("time_entry_restart", Arc::new(TimerAction::Restart));
    add("time_entry_stop", Arc::new(TimerAction::Stop));
    add("time_entry_delete_external_reference", Arc::new(TimerAction::DeleteExternalReference));
    add("invoice_totals", Arc::new(documents::Totals { invoice: true }));
    add("estimate_totals", Arc::new(documents::Totals { invoice: false }));
    add("invoice_message", Arc::new(documents::Message));
    add("estimate_message", Arc::new(documents::Message));
    add("invoice_message_template", Arc::new(documents::MessageTemplate));
    add("invoice_payment_create", Arc::new(payments::PaymentCreate));
    add("invoice_payment_delete", Arc::new(payments::PaymentDelete));
    add("rate_create", Arc::new(rates::RateCreate));
    add("expense_receipt", Arc::new(receipts::Receipt));
    add("user_project_assignments", Arc::new(users::ProjectAssignments { me: false }));
    add("current_user_project_assignments", Arc::new(users::ProjectAssignments { me: true }));
    add("teammates_list", Arc::new(users::TeammatesList));
    add("teammates_update", Arc::new(users::TeammatesUpdate));
    (reg, vec![Box::new(seeding::Consistency), Box::new(seeding::RunningTimers)])
}

/// A resource by spec name.
fn resource_named(plan: &Plan, name: &str) -> Option<ResourceId> {
    plan.spec.resource_named(name)
}

/// The resource an operation with this behaviour works on.
fn resource_with(plan: &Plan, behavior: &str) -> Option<ResourceId> {
    plan.ops.iter().find(|o| o.behavior.as_deref() == Some(behavior)).and_then(|o| o.resource)
}

/// Sets a named field of a record being built (the field is a declared need).
fn set(plan: &Plan, r: ResourceId, rec: &mut Rec, name: &str, v: impl Into<Cell>) {
    if let Some(ix) = plan.res[r].ix(name)
        && let Some(slot) = rec.get_mut(ix)
    {
        *slot = Some(v.into());
    }
}

/// A named field of a record being built.
fn get<'a>(plan: &Plan, r: ResourceId, rec: &'a Rec, name: &str) -> Option<&'a Cell> {
    plan.res[r].ix(name).and_then(|ix| rec.get(ix)).and_then(Option::as_ref)
}

/// Sets a named field of a stored record. Every name a behaviour writes is
/// one of its declared needs, which the spec loader checked; a name that
/// still misses is a defect of this module, reported loudly.
fn put(plan: &Plan, store: &mut Store, r: ResourceId, id: i64, name: &str, v: impl Into<Cell>) {
    if let Err(e) = store.set(plan, r, id, name, v) {
        tracing::error!("harvest behaviour wrote an undeclared field: {e}");
    }
}

/// A stored number of a record as money (`None` when absent or not a number).
fn stored_money(plan: &Plan, store: &Store, r: ResourceId, id: i64, name: &str) -> Option<Money> {
    store.num(plan, r, id, name).and_then(Money::of)
}

/// The item type of the operation's response (a record, a list's item, a bare list's item).
fn item_schema(ctx: &Ctx<'_>) -> Option<Schema> {
    match &ctx.op.response {
        Shape::One(s) | Shape::List(s) => Some(*s),
        Shape::BareList { item, .. } => Some(*item),
        Shape::None => None,
    }
}

/// Stamps the record's `updated_at` role.
fn touch(plan: &Plan, store: &mut Store, r: ResourceId, id: i64, stamp: &str) {
    if let Some(ix) = plan.res[r].role(harvest_spec::ir::FieldRole::UpdatedAt) {
        store.set_at(plan, r, id, ix, Cell::from(stamp));
    }
}

/// Name and e-mail of user `me`.
fn me_name(plan: &Plan, store: &Store, me: i64) -> (String, String) {
    let Some(u) = plan.current_user else { return (String::new(), String::new()) };
    let email = store.field(plan, u, me, "email").and_then(Cell::as_str).unwrap_or_default().to_string();
    (display_name(plan, store, u, me), email)
}

/// A user's billable and cost rates.
fn me_rates(plan: &Plan, store: &Store, user: i64) -> Option<(Cell, Cell)> {
    let u = plan.current_user?;
    let rate = store.field(plan, u, user, "default_hourly_rate").cloned().unwrap_or(Cell::Null);
    let cost = store.field(plan, u, user, "cost_rate").cloned().unwrap_or(Cell::Null);
    Some((rate, cost))
}
