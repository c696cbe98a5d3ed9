//! Harvest's consistency passes after generic seeding, one step per behaviour
//! the spec attaches to a resource (totals, payments, rate histories, then
//! running timers).

use chrono::{DateTime, Utc};
use harvest_spec::ir::{FieldRole, ResourceId};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{invoices, me_name, put, rates, resource_named, resource_with};
use crate::plan::Plan;
use crate::render::display_name;
use crate::seed::{RecordHook, SeedPass};
use crate::store::{Cell, Store};

/// Makes seeded data look like a real account's: everything but the running timers, so it
/// need not wait for the time entries' table to be built.
pub struct Consistency;

impl SeedPass for Consistency {
    fn name(&self) -> &'static str {
        "harvest consistency"
    }

    fn prepare<'a>(&'a self, plan: &'a Plan, store: &'a Store, r: ResourceId) -> Option<RecordHook<'a>> {
        super::seed_records::hook(plan, store, r)
    }

    fn skips(&self, plan: &Plan, r: ResourceId) -> bool {
        resource_with(plan, "time_entry_timer") == Some(r)
    }

    fn apply(&self, plan: &Plan, store: &mut Store, _anchor: DateTime<Utc>, rng: &mut ChaCha8Rng) {
        apply(plan, store, rng);
    }
}

/// Starts a timer for some active users on their latest time entry (after [`Consistency`],
/// whose random draws come first in the passes' shared stream).
pub struct RunningTimers;

impl SeedPass for RunningTimers {
    fn name(&self) -> &'static str {
        "harvest running timers"
    }

    fn apply(&self, plan: &Plan, store: &mut Store, anchor: DateTime<Utc>, rng: &mut ChaCha8Rng) {
        if let Some(r) = resource_with(plan, "time_entry_timer") {
            running_timers(plan, store, r, anchor, rng);
        }
    }
}

fn apply(plan: &Plan, store: &mut Store, rng: &mut ChaCha8Rng) {
    // The authenticated user: the oldest id, made an active administrator.
    if let Some(u) = plan.current_user {
        if let Some((&me, _)) = store.tables[u].rows.iter().next() {
            store.me = me;
            put(plan, store, u, me, "is_active", Value::Bool(true));
            put(plan, store, u, me, "access_roles", json!(["administrator"]));
        }
        // A second administrator, managers with different add-ons, then members (by id, so the
        // random streams, and every other seeded value, stay as they were).
        let users: Vec<i64> = store.tables[u].rows.keys().copied().collect();
        for (id, roles) in users.iter().skip(1).zip(SEEDED_ROLES) {
            put(plan, store, u, *id, "access_roles", json!(roles));
        }
        // Managers get teammates.
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
    if let Some(c) = plan.spec.resources.iter().position(|r| r.singleton).map(ResourceId)
        && let Some(uri) = store.field(plan, c, 1, "base_uri").and_then(Cell::as_str).map(str::to_string)
    {
        let host = uri.trim_start_matches("https://").split('/').next().unwrap_or_default().to_string();
        put(plan, store, c, 1, "full_domain", Value::String(host));
    }
    for (b, invoice) in [("invoice_totals", true), ("estimate_totals", false)] {
        if let Some(r) = resource_with(plan, b) {
            let ids: Vec<i64> = store.tables[r].rows.keys().copied().collect();
            let name = &plan.spec.resource(r).name;
            let cat = resource_named(plan, &format!("{name}_item_category"));
            let kinds: Vec<String> = cat
                .map(|c| store.tables[c].rows.keys().map(|k| display_name(plan, store, c, *k)).collect())
                .unwrap_or_default();
            for id in ids {
                seed_document(plan, store, (r, id), invoice, &kinds, rng);
                invoices::totals(plan, store, r, id, invoice);
            }
        }
    }
    // Time entries and billed work were made consistent record by record as they were drawn.
    if let Some(p) = resource_with(plan, "invoice_payment_create") {
        invoices::settle_all(plan, store, p);
    }
    // Running timers come in their own pass (`RunningTimers`), which draws from `rng` next.
    for r in plan.ops.iter().filter(|o| o.behavior.as_deref() == Some("rate_create")).filter_map(|o| o.resource) {
        rates::close_rates(plan, store, r);
    }
    // Messages are sent by the authenticated user.
    for b in ["invoice_message", "estimate_message"] {
        if let Some(r) = resource_with(plan, b) {
            let ids: Vec<i64> = store.tables[r].rows.keys().copied().collect();
            let (name, email) = me_name(plan, store, store.me);
            for id in ids {
                put(plan, store, r, id, "sent_by", Value::String(name.clone()));
                put(plan, store, r, id, "sent_from", Value::String(name.clone()));
                put(plan, store, r, id, "sent_by_email", Value::String(email.clone()));
                put(plan, store, r, id, "sent_from_email", Value::String(email.clone()));
                put(plan, store, r, id, "event_type", Value::Null);
            }
        }
    }
}

/// The roles of the users after the first (an administrator), in id order; the rest are members.
const SEEDED_ROLES: [&[&str]; 5] = [
    &["administrator"],
    &["manager", "project_creator", "billable_rates_manager"],
    &["manager", "managed_projects_invoice_drafter", "client_and_task_manager"],
    &["manager", "managed_projects_invoice_manager", "time_and_expenses_manager", "estimates_manager"],
    &["manager"],
];

/// Line items of an invoice (`invoice`) or estimate: kinds from the item
/// categories, projects of the document's client; state timestamps; client currency.
fn seed_document(
    plan: &Plan,
    store: &mut Store,
    (r, id): (ResourceId, i64),
    invoice: bool,
    kinds: &[String],
    rng: &mut ChaCha8Rng,
) {
    let client = store.ref_of(plan, r, id, "client");
    let project_r = resource_named(plan, "project");
    let projects: Vec<i64> = match (client, project_r) {
        (Some(c), Some(p)) => plan.res[p].ix("client").map(|ix| store.referring(p, ix, c)).unwrap_or_default(),
        _ => Vec::new(),
    };
    // Changed where they are stored, without a copy of every invoice's items.
    if let Some(ix) = plan.res[r].ix("line_items") {
        store.edit_at(plan, r, id, ix, |cell| {
            let Cell::Json(v) = cell else { return };
            for it in v.as_array_mut().into_iter().flatten() {
                let Some(m) = it.as_object_mut() else { continue };
                if let Some(k) = kinds.choose(rng) {
                    m.insert("kind".into(), Value::String(k.clone()));
                }
                if m.contains_key("project") {
                    m.insert("project".into(), projects.choose(rng).map(|p| Value::from(*p)).unwrap_or(Value::Null));
                }
                m.insert("quantity".into(), crate::values::dec(f64::from(rng.gen_range(1..=40))));
            }
        });
    }
    if let (Some(c), Some(cr)) = (client, resource_named(plan, "client"))
        && let Some(cur) = store.field(plan, cr, c, "currency").cloned()
    {
        put(plan, store, r, id, "currency", cur);
    }
    let state = store.field(plan, r, id, "state").and_then(Cell::as_str).unwrap_or("draft").to_string();
    let created = plan.res[r]
        .role(FieldRole::CreatedAt)
        .and_then(|ix| store.get(r, id)?.value(ix).cloned())
        .unwrap_or(Cell::Null);
    let issue = store.field(plan, r, id, "issue_date").cloned().unwrap_or(Cell::Null);
    let sent = if state == "draft" { Cell::Null } else { created.clone() };
    put(plan, store, r, id, "sent_at", sent);
    let stamps: &[(&str, &str)] =
        if invoice { &[("closed_at", "closed")] } else { &[("accepted_at", "accepted"), ("declined_at", "declined")] };
    for (f, st) in stamps {
        put(plan, store, r, id, f, if state == *st { created.clone() } else { Cell::Null });
    }
    if invoice {
        put(plan, store, r, id, "due_date", issue);
        put(plan, store, r, id, "payment_term", Value::String("custom".into()));
    }
}

/// Today's running timers: about a third of the active users have one, at most one each,
/// started within the last few hours (never before midnight) and not yet billed.
fn running_timers(plan: &Plan, store: &mut Store, r: ResourceId, anchor: DateTime<Utc>, rng: &mut ChaCha8Rng) {
    let (Some(u), Some(uix)) = (plan.current_user, plan.res[r].ix("user")) else { return };
    let users: Vec<i64> = store.tables[u].rows.keys().copied().collect();
    let midnight = anchor.date_naive().and_hms_opt(0, 0, 0).map_or(anchor, |d| d.and_utc());
    let today = crate::values::fmt_date(anchor);
    for user in users {
        let active = store.field(plan, u, user, "is_active").and_then(Cell::as_bool).unwrap_or(true);
        if !active || !rng.gen_bool(0.3) {
            continue;
        }
        let Some(id) = store.referring(r, uix, user).into_iter().max() else { continue };
        let started = (anchor - chrono::Duration::minutes(rng.gen_range(5..240))).max(midnight);
        let hours = crate::values::round2((anchor - started).num_seconds() as f64 / 3600.0);
        put(plan, store, r, id, "spent_date", Value::String(today.clone()));
        put(plan, store, r, id, "is_running", Value::Bool(true));
        put(plan, store, r, id, "timer_started_at", Value::String(crate::values::fmt_datetime(started)));
        put(plan, store, r, id, "hours_without_timer", crate::values::dec(0.0));
        put(plan, store, r, id, "hours", crate::values::dec(hours));
        put(plan, store, r, id, "rounded_hours", crate::values::dec(super::timers::quarter_up(hours)));
        put(plan, store, r, id, "approval_status", Value::String("unsubmitted".into()));
        put(plan, store, r, id, "is_closed", Value::Bool(false));
        put(plan, store, r, id, "is_billed", Value::Bool(false));
        put(plan, store, r, id, "invoice", Value::Null);
        for role in [FieldRole::CreatedAt, FieldRole::UpdatedAt] {
            if let Some(ix) = plan.res[r].role(role) {
                store.set_at(plan, r, id, ix, Cell::from(crate::values::fmt_datetime(started)));
            }
        }
    }
}
