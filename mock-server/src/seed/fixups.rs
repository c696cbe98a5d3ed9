//! Consistency passes after generic seeding, one per behaviour the spec
//! attaches to a resource (timers, totals, payments, rate histories).

use harvest_spec::ir::Behavior;
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::behaviors;
use crate::plan::Plan;
use crate::render::display_name;
use crate::store::{Cell, Store};

/// The resource an operation with this behaviour works on.
pub fn resource_with(plan: &Plan, b: Behavior) -> Option<usize> {
    plan.ops.iter().find(|o| o.behavior == Some(b)).and_then(|o| o.resource).map(|r| r.0)
}

pub fn apply(plan: &Plan, store: &mut Store, rng: &mut ChaCha8Rng) {
    // The authenticated user: the oldest id, made an active administrator.
    if let Some(u) = resource_with(plan, Behavior::CurrentUser) {
        if let Some((&me, _)) = store.tables[u].rows.iter().next() {
            store.me = me;
            store.set(plan, u, me, "is_active", Value::Bool(true));
            store.set(plan, u, me, "access_roles", json!(["administrator"]));
        }
        // Managers get teammates.
        let users: Vec<i64> = store.tables[u].rows.keys().copied().collect();
        for &id in &users {
            let is_mgr = store
                .field(plan, u, id, "access_roles")
                .and_then(Cell::as_array)
                .is_some_and(|a| a.iter().any(|v| v == "manager" || v == "administrator"));
            if is_mgr {
                let mut mates: Vec<i64> = users.iter().copied().filter(|x| *x != id).collect();
                mates.shuffle(rng);
                mates.truncate(rng.gen_range(0..=3));
                mates.sort_unstable();
                store.teammates.insert(id, mates);
            }
        }
    }
    // The singleton account: its domain follows its address.
    if let Some(c) = plan.spec.resources.iter().position(|r| r.singleton)
        && let Some(uri) = store.field(plan, c, 1, "base_uri").and_then(Cell::as_str).map(str::to_string)
    {
        let host = uri.trim_start_matches("https://").split('/').next().unwrap_or_default().to_string();
        store.set(plan, c, 1, "full_domain", Value::String(host));
    }
    for b in [Behavior::InvoiceTotals, Behavior::EstimateTotals] {
        if let Some(r) = resource_with(plan, b) {
            let ids: Vec<i64> = store.tables[r].rows.keys().copied().collect();
            let name = &plan.spec.resources[r].name;
            let cat = plan.spec.resource_named(&format!("{name}_item_category")).map(|c| c.0);
            let kinds: Vec<String> = cat
                .map(|c| store.tables[c].rows.keys().map(|k| display_name(plan, store, c, *k)).collect())
                .unwrap_or_default();
            for id in ids {
                seed_document(plan, store, r, id, &kinds, rng);
                behaviors::totals(plan, store, r, id, b == Behavior::InvoiceTotals);
            }
        }
    }
    if let Some(r) = resource_with(plan, Behavior::TimeEntryTimer) {
        let ids: Vec<i64> = store.tables[r].rows.keys().copied().collect();
        for id in ids {
            time_entry(plan, store, r, id, rng);
        }
    }
    if let Some(inv) = resource_with(plan, Behavior::InvoiceTotals) {
        // Expenses and time entries billed on an invoice of their own client.
        for (r, rf) in plan.res.iter().enumerate().flat_map(|(r, i)| i.refs.iter().map(move |rf| (r, rf))) {
            if rf.target.0 != inv || plan.spec.resources[r].name == "invoice_payment" {
                continue;
            }
            let f = &plan.spec.resources[r].fields[rf.ix];
            if !f.nullable {
                continue;
            }
            behaviors::rebill(plan, store, r, rf.ix, inv);
        }
    }
    if let Some(p) = resource_with(plan, Behavior::InvoicePaymentCreate) {
        behaviors::settle_all(plan, store, p);
    }
    for r in plan.ops.iter().filter(|o| o.behavior == Some(Behavior::RateCreate)).filter_map(|o| o.resource) {
        behaviors::close_rates(plan, store, r.0);
    }
    // Messages are sent by the authenticated user.
    for b in [Behavior::InvoiceMessage, Behavior::EstimateMessage] {
        if let Some(r) = resource_with(plan, b) {
            let ids: Vec<i64> = store.tables[r].rows.keys().copied().collect();
            let (name, email) = me_name(plan, store);
            for id in ids {
                store.set(plan, r, id, "sent_by", Value::String(name.clone()));
                store.set(plan, r, id, "sent_from", Value::String(name.clone()));
                store.set(plan, r, id, "sent_by_email", Value::String(email.clone()));
                store.set(plan, r, id, "sent_from_email", Value::String(email.clone()));
                store.set(plan, r, id, "event_type", Value::Null);
            }
        }
    }
}

/// Name and e-mail of the authenticated user.
pub fn me_name(plan: &Plan, store: &Store) -> (String, String) {
    let Some(u) = resource_with(plan, Behavior::CurrentUser) else { return (String::new(), String::new()) };
    let email = store.field(plan, u, store.me, "email").and_then(Cell::as_str).unwrap_or_default().to_string();
    (display_name(plan, store, u, store.me), email)
}

/// Line items of an invoice or estimate: kinds from the item categories,
/// projects of the document's client; state timestamps; client currency.
fn seed_document(plan: &Plan, store: &mut Store, r: usize, id: i64, kinds: &[String], rng: &mut ChaCha8Rng) {
    let client = store.ref_of(plan, r, id, "client");
    let project_r = plan.spec.resource_named("project").map(|p| p.0);
    let projects: Vec<i64> = match (client, project_r) {
        (Some(c), Some(p)) => plan.res[p].ix("client").map(|ix| store.referring(p, ix, c)).unwrap_or_default(),
        _ => Vec::new(),
    };
    if let Some(Value::Array(items)) = store.field(plan, r, id, "line_items").map(Cell::to_value) {
        let items: Vec<Value> = items
            .into_iter()
            .map(|mut it| {
                if let Some(m) = it.as_object_mut() {
                    if let Some(k) = kinds.choose(rng) {
                        m.insert("kind".into(), Value::String(k.clone()));
                    }
                    if m.contains_key("project") {
                        m.insert(
                            "project".into(),
                            projects.choose(rng).map(|p| Value::from(*p)).unwrap_or(Value::Null),
                        );
                    }
                    m.insert("quantity".into(), crate::values::dec(f64::from(rng.gen_range(1..=40))));
                }
                it
            })
            .collect();
        store.set(plan, r, id, "line_items", Value::Array(items));
    }
    if let (Some(c), Some(cr)) = (client, plan.spec.resource_named("client"))
        && let Some(cur) = store.field(plan, cr.0, c, "currency").cloned()
    {
        store.set(plan, r, id, "currency", cur);
    }
    let state = store.field(plan, r, id, "state").and_then(Cell::as_str).unwrap_or("draft").to_string();
    let created = store.field(plan, r, id, "created_at").cloned().unwrap_or(Cell::Null);
    let issue = store.field(plan, r, id, "issue_date").cloned().unwrap_or(Cell::Null);
    let sent = if state == "draft" { Cell::Null } else { created.clone() };
    store.set(plan, r, id, "sent_at", sent);
    for (f, st) in [("accepted_at", "accepted"), ("declined_at", "declined"), ("closed_at", "closed")] {
        store.set(plan, r, id, f, if state == st { created.clone() } else { Cell::Null });
    }
    store.set(plan, r, id, "due_date", issue);
    store.set(plan, r, id, "payment_term", Value::String("custom".into()));
}

/// A stopped (rarely running) timer with consistent hours, rates and locks.
fn time_entry(plan: &Plan, store: &mut Store, r: usize, id: i64, rng: &mut ChaCha8Rng) {
    let hours = store.num(plan, r, id, "hours").unwrap_or(1.0);
    store.set(plan, r, id, "hours_without_timer", crate::values::dec(hours));
    store.set(plan, r, id, "rounded_hours", crate::values::dec((hours * 4.0).ceil() / 4.0));
    store.set(plan, r, id, "is_running", Value::Bool(false));
    store.set(plan, r, id, "timer_started_at", Value::Null);
    store.set(plan, r, id, "budgeted", Value::Bool(true));
    // Billable when the task is billable on a billable project.
    let flag = |res: &str, field: &str, name: &str| -> Option<bool> {
        let t = plan.spec.resource_named(res)?.0;
        let tid = store.ref_of(plan, r, id, field)?;
        store.field(plan, t, tid, name).and_then(Cell::as_bool)
    };
    if let (Some(ta), Some(pb)) =
        (flag("task_assignment", "task_assignment", "billable"), flag("project", "project", "is_billable"))
    {
        store.set(plan, r, id, "billable", Value::Bool(ta && pb));
    }
    let billable = store.field(plan, r, id, "billable").and_then(Cell::as_bool).unwrap_or(false);
    if !billable {
        store.set(plan, r, id, "billable_rate", Value::Null);
    } else if store.field(plan, r, id, "billable_rate").is_none_or(Cell::is_null) {
        store.set(plan, r, id, "billable_rate", crate::values::dec(100.0));
    }
    let approved = store.field(plan, r, id, "approval_status").and_then(Cell::as_str) == Some("approved");
    store.set(plan, r, id, "is_closed", Value::Bool(approved));
    if rng.gen_bool(0.1) {
        let n = rng.gen_range(1000..99999);
        store.set(
            plan,
            r,
            id,
            "external_reference",
            json!({"id": n.to_string(), "group_id": "1", "account_id": null,
                   "permalink": format!("https://example.com/issues/{n}"), "service": "example.com", "service_icon_url": null}),
        );
    }
}
